package myx

// Statements: arguments encoded as go-sql-driver/mysql encodes them, for the database/sql
// face.

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/myxdb/myx/internal/sqltext"
	"github.com/myxdb/myx/internal/wire"
)

// Arguments as go-sql-driver/mysql sends them, for the database/sql face (see
// Conn.SetGoSQLDriverArguments). Only the types whose encoding a user could tell apart are
// here; the others go as the native API sends them:
//
//   - float32 is widened to float64 (a DOUBLE), as database/sql drivers see floats;
//   - time.Duration is its int64 count of nanoseconds (go-sql-driver converts by kind);
//   - string, []byte and json.RawMessage are text parameters (MYSQL_TYPE_STRING) in the
//     connection's character set, so that a []byte compares with a column's collation and is
//     accepted by a JSON column, as with go-sql-driver;
//   - time.Time is text in Config.Location, truncated to Config.TimeTruncate: "0000-00-00" for
//     the zero time, "YYYY-MM-DD" at midnight, else with its nanoseconds (trailing zeros
//     trimmed), which the server rounds or truncates to the column's precision;
//   - interpolated floats are written in strconv's shortest 'g' form ("0.1", a DECIMAL
//     literal; "1e+21", a DOUBLE), as go-sql-driver writes them.

// appendGoParam is appendParam's encoding of the types above; ok is false for the others.
func (c *Conn) appendGoParam(b []byte, a any) (out []byte, typ byte, ok bool, err error) {
	switch v := a.(type) {
	case float32:
		return wire.AppendFloat64(b, float64(v)), wire.TypeDouble, true, nil
	case time.Duration:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, true, nil
	case string:
		return wire.AppendLenEncString(b, v), wire.TypeString, true, nil
	case []byte:
		if v == nil {
			return b, wire.TypeNull, true, nil
		}
		return wire.AppendLenEncBytes(b, v), wire.TypeString, true, nil
	case json.RawMessage:
		if v == nil {
			return b, wire.TypeNull, true, nil
		}
		return wire.AppendLenEncBytes(b, v), wire.TypeString, true, nil
	case time.Time:
		// The text is at most 29 bytes: its length prefix is one byte.
		b = append(b, 0)
		start := len(b)
		b, err = c.appendGoTime(b, v)
		if err != nil {
			return b[:start-1], 0, true, err
		}
		b[start-1] = byte(len(b) - start)
		return b, wire.TypeString, true, nil
	}
	return b, 0, false, nil
}

// appendGoTime appends t's text as go-sql-driver sends it.
func (c *Conn) appendGoTime(b []byte, t time.Time) ([]byte, error) {
	if t.IsZero() {
		return append(b, "0000-00-00"...), nil
	}
	out, ok := sqltext.AppendTimeText(b, c.argTime(t))
	if !ok {
		return b, fmt.Errorf("time %v outside the DATETIME range (years 1 to 9999)", t)
	}
	return out, nil
}

// appendGoLiteral is appendLiteral's spelling of the types above that have a literal of
// their own; ok is false for the others.
func (c *Conn) appendGoLiteral(b []byte, a any) (out []byte, ok bool, err error) {
	var f float64
	switch v := a.(type) {
	case float64:
		f = v
	case float32:
		f = float64(v)
	case time.Duration:
		return strconv.AppendInt(b, int64(v), 10), true, nil
	case time.Time:
		b = append(b, '\'')
		b, err = c.appendGoTime(b, v)
		if err != nil {
			return b, true, err
		}
		return append(b, '\''), true, nil
	default:
		return b, false, nil
	}
	out, ok = sqltext.AppendShortestFloat(b, f)
	if !ok {
		return b, true, fmt.Errorf("%v cannot be stored", f)
	}
	return out, true, nil
}
