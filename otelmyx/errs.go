package otelmyx

import (
	"errors"

	"github.com/myxdb/myx"
)

// asMySQLError finds the server's error in err's chain.
func asMySQLError(err error, target **myx.MySQLError) bool { return errors.As(err, target) }

// isCtx reports whether err is, or wraps, the context error target.
func isCtx(err, target error) bool { return errors.Is(err, target) }
