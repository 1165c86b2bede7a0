package cluster

// Temporary stand-ins for branch ryw's wait.go and galera.go, removed when they are merged.

import (
	"context"
	"errors"
	"time"

	"github.com/myxdb/myx"
)

func waitApplied(ctx context.Context, c *myx.Conn, pos Position, bound time.Duration) (bool, error) {
	return false, nil
}

func appliedPosition(ctx context.Context, c *myx.Conn) (Position, error) {
	return Position{}, nil
}

func notReady(err error) bool {
	var me *myx.MySQLError
	return errors.As(err, &me) && me.Number == 1047
}
