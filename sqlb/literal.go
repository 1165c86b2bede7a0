package sqlb

import (
	"database/sql/driver"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/myxdb/myx/internal/sqltext"
)

// appendLiteral appends v as a SQL literal. It is used for DebugSQL and for the few
// places where DDL cannot take parameters (defaults, ENUM members, comments).
// noBackslashEscapes selects the quoting of the NO_BACKSLASH_ESCAPES SQL mode.
func appendLiteral(buf []byte, v any, noBackslashEscapes bool) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(buf, "NULL"...), nil
	case bool:
		if x {
			return append(buf, "TRUE"...), nil
		}
		return append(buf, "FALSE"...), nil
	case int:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case int8:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case int16:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(buf, x, 10), nil
	case uint:
		return strconv.AppendUint(buf, uint64(x), 10), nil
	case uint8:
		return strconv.AppendUint(buf, uint64(x), 10), nil
	case uint16:
		return strconv.AppendUint(buf, uint64(x), 10), nil
	case uint32:
		return strconv.AppendUint(buf, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(buf, x, 10), nil
	case float32:
		return appendFloat(buf, float64(x), 32)
	case float64:
		return appendFloat(buf, x, 64)
	case string:
		return appendStringLiteral(buf, x, noBackslashEscapes), nil
	case []byte:
		if x == nil {
			return append(buf, "NULL"...), nil
		}
		return sqltext.AppendBytes(buf, x), nil
	case time.Time:
		buf = append(buf, '\'')
		buf, ok := sqltext.AppendTime(buf, x)
		if !ok {
			return buf, fmt.Errorf("sqlb: time %v outside the DATETIME range (years 0 to 9999)", x)
		}
		return append(buf, '\''), nil
	case time.Duration:
		buf = append(buf, '\'')
		buf = sqltext.AppendDuration(buf, x, sqltext.LiteralFsp(int(x%time.Second)))
		return append(buf, '\''), nil
	case driver.Valuer:
		if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return append(buf, "NULL"...), nil
		}
		inner, err := x.Value()
		if err != nil {
			return buf, err
		}
		if _, again := inner.(driver.Valuer); again {
			return buf, fmt.Errorf("sqlb: %T.Value returned another Valuer", v)
		}
		return appendLiteral(buf, inner, noBackslashEscapes)
	}
	// Named types (type Status string) and pointers.
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return append(buf, "NULL"...), nil
		}
		return appendLiteral(buf, rv.Elem().Interface(), noBackslashEscapes)
	case reflect.String:
		return appendStringLiteral(buf, rv.String(), noBackslashEscapes), nil
	case reflect.Bool:
		return appendLiteral(buf, rv.Bool(), noBackslashEscapes)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(buf, rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(buf, rv.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		return appendFloat(buf, rv.Float(), 64)
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return appendLiteral(buf, rv.Bytes(), noBackslashEscapes)
		}
	}
	return buf, fmt.Errorf("sqlb: cannot write a %T as a SQL literal", v)
}

func appendFloat(buf []byte, f float64, bits int) ([]byte, error) {
	out, ok := sqltext.AppendFloat(buf, f, bits)
	if !ok {
		return buf, fmt.Errorf("sqlb: %v has no SQL literal", f)
	}
	return out, nil
}

// appendStringLiteral appends s as a quoted string literal (myx's one literal encoder): quotes
// doubled; unless noBackslashEscapes, backslashes doubled and control characters that disturb
// logs written as escapes.
func appendStringLiteral(buf []byte, s string, noBackslashEscapes bool) []byte {
	mode := sqltext.Readable
	if noBackslashEscapes {
		mode = sqltext.NoBackslashEscapes
	}
	return sqltext.AppendString(buf, s, mode)
}

// formatDateTime writes a time as the server's DATETIME text, in the time's own
// location, with microseconds when there are any.
func formatDateTime(t time.Time) string {
	b, _ := sqltext.AppendTime(nil, t)
	return string(b)
}

// formatDuration writes a duration as TIME text: [-]HH:MM:SS[.ffffff].
func formatDuration(d time.Duration) string {
	return string(sqltext.AppendDuration(nil, d, sqltext.LiteralFsp(int(d%time.Second))))
}

// stringLiteral writes a string literal into the SQL text.
func (c *compiler) stringLiteral(s string) {
	if modeDependent(s) {
		c.modeSensitive = true
	}
	c.w.buf = appendStringLiteral(c.w.buf, s, c.d.NoBackslashEscapes)
}

// literal writes a value as a literal into the SQL text (DDL only).
func (c *compiler) literal(v any) {
	start := len(c.w.buf)
	buf, err := appendLiteral(c.w.buf, v, c.d.NoBackslashEscapes)
	if err != nil {
		c.fail(err)
		return
	}
	c.w.buf = buf
	if !c.modeSensitive {
		// The literal depends on the SQL mode when the other mode writes it differently.
		other, err := appendLiteral(nil, v, !c.d.NoBackslashEscapes)
		if err == nil && string(other) != string(buf[start:]) {
			c.modeSensitive = true
		}
	}
}

// modeDependent reports whether a string literal of s is written differently with and
// without the NO_BACKSLASH_ESCAPES SQL mode.
func modeDependent(s string) bool {
	return string(appendStringLiteral(nil, s, false)) != string(appendStringLiteral(nil, s, true))
}
