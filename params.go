package myx

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/myxdb/myx/internal/wire"
)

// ArgError reports an argument that cannot be sent to the server. Nothing was sent.
type ArgError struct {
	Index int // position of the argument, from 0
	Err   error
}

func (e *ArgError) Error() string { return fmt.Sprintf("myx: argument %d: %v", e.Index, e.Err) }

func (e *ArgError) Unwrap() error { return e.Err }

// maxDuration bounds TIME arguments to what the protocol's encoding holds without overflow.
const maxTimeArg = 100000 * 24 * time.Hour

// appendExecute encodes COM_STMT_EXECUTE for st with args into the write buffer. On error the
// buffer is left as it was.
func (c *Conn) appendExecute(st *stmt, args []any) error {
	if len(args) != st.params {
		return &ArgCountError{Want: st.params, Got: len(args)}
	}
	c.noteStatement(st.flags)
	return c.appendExecuteID(st.id, args)
}

// lastPrepared is the statement id MariaDB accepts for "the statement prepared just before",
// which lets a prepare and its first execute travel together.
const lastPrepared = 0xffffffff

// appendExecuteID encodes COM_STMT_EXECUTE of statement id with args.
func (c *Conn) appendExecuteID(id uint32, args []any) error {
	w := &c.wr
	mark := len(w.B)
	w.StartCommand()
	w.B = wire.AppendExecuteHeader(w.B, id, wire.CursorNone)
	if n := len(args); n > 0 {
		nullPos := len(w.B)
		for range (n + 7) / 8 {
			w.B = append(w.B, 0)
		}
		w.B = append(w.B, 1) // types follow
		typePos := len(w.B)
		for range n {
			w.B = append(w.B, 0, 0)
		}
		for i, a := range args {
			var typ, flags byte
			var err error
			w.B, typ, flags, err = c.appendParam(w.B, a)
			if err != nil {
				w.B = w.B[:mark]
				return &ArgError{Index: i, Err: err}
			}
			if typ == wire.TypeNull {
				w.B[nullPos+i/8] |= 1 << (i & 7)
			}
			w.B[typePos+2*i] = typ
			w.B[typePos+2*i+1] = flags
		}
	}
	w.Finish()
	return nil
}

const unsignedFlag = 0x80

// appendParam appends the binary encoding of a and reports its type. NULL appends nothing.
func (c *Conn) appendParam(b []byte, a any) ([]byte, byte, byte, error) {
	switch v := a.(type) {
	case nil:
		return b, wire.TypeNull, 0, nil
	case int:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, 0, nil
	case int64:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, 0, nil
	case int32:
		return wire.AppendUint64(b, uint64(int64(v))), wire.TypeLongLong, 0, nil
	case int16:
		return wire.AppendUint64(b, uint64(int64(v))), wire.TypeLongLong, 0, nil
	case int8:
		return wire.AppendUint64(b, uint64(int64(v))), wire.TypeLongLong, 0, nil
	case uint:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, unsignedFlag, nil
	case uint64:
		return wire.AppendUint64(b, v), wire.TypeLongLong, unsignedFlag, nil
	case uint32:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, unsignedFlag, nil
	case uint16:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, unsignedFlag, nil
	case uint8:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, unsignedFlag, nil
	case float64:
		return wire.AppendFloat64(b, v), wire.TypeDouble, 0, nil
	case float32:
		return wire.AppendFloat32(b, v), wire.TypeFloat, 0, nil
	case bool:
		if v {
			return append(b, 1), wire.TypeTiny, 0, nil
		}
		return append(b, 0), wire.TypeTiny, 0, nil
	case string:
		return wire.AppendLenEncString(b, v), wire.TypeVarString, 0, nil
	case []byte:
		if v == nil {
			return b, wire.TypeNull, 0, nil
		}
		return wire.AppendLenEncBytes(b, v), wire.TypeBlob, 0, nil
	case json.RawMessage:
		if v == nil {
			return b, wire.TypeNull, 0, nil
		}
		// As text: a JSON column refuses a value in the binary character set.
		return wire.AppendLenEncBytes(b, v), wire.TypeVarString, 0, nil
	case time.Time:
		dt := c.dateTimeOf(v)
		if dt.Year < 0 || dt.Year > 9999 {
			return b, 0, 0, fmt.Errorf("time %v outside the DATETIME range (years 0 to 9999)", v)
		}
		return wire.AppendBinaryDateTime(b, dt), wire.TypeDateTime, 0, nil
	case time.Duration:
		if v > maxTimeArg || v < -maxTimeArg {
			return b, 0, 0, fmt.Errorf("duration %v out of TIME range", v)
		}
		return wire.AppendBinaryTime(b, v), wire.TypeTime, 0, nil
	case *LocalFile:
		return b, 0, 0, fmt.Errorf("a LocalFile is only accepted by LOAD DATA LOCAL INFILE statements")
	}
	v, err := canonicalArg(a)
	if err != nil {
		return b, 0, 0, err
	}
	return c.appendParam(b, v)
}

// callValuer calls v.Value, treating a nil pointer receiver as NULL (as database/sql does).
func callValuer(v driver.Valuer) (driver.Value, error) {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return nil, nil
	}
	return v.Value()
}

// canonicalArg reduces an argument of any other type to one the encoders handle directly: the
// value of a driver.Valuer (a nil pointer receiver is NULL, as in database/sql), the target of
// a pointer (nil is NULL), and for named types their underlying int64, uint64, float32,
// float64, bool, string or []byte. The three encoders (binary parameters, interpolated
// literals, LOAD DATA text) share it, so an argument means the same in every mode.
func canonicalArg(a any) (any, error) {
	if v, ok := a.(driver.Valuer); ok {
		dv, err := callValuer(v)
		if err != nil {
			return nil, err
		}
		if _, again := dv.(driver.Valuer); again {
			return nil, fmt.Errorf("%T.Value returned another driver.Valuer", v)
		}
		return dv, nil
	}
	rv := reflect.ValueOf(a)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil, nil
		}
		return rv.Elem().Interface(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return rv.Uint(), nil
	case reflect.Float32:
		return float32(rv.Float()), nil
	case reflect.Float64:
		return rv.Float(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			if rv.IsNil() {
				return nil, nil
			}
			return rv.Bytes(), nil
		}
	}
	return nil, fmt.Errorf("unsupported type %T (use a basic type, time.Time, time.Duration, []byte, or a driver.Valuer)", a)
}

// dateTimeOf converts t to the connection's location and splits it into fields.
func (c *Conn) dateTimeOf(t time.Time) wire.DateTime {
	t = t.In(c.cfg.location())
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return wire.DateTime{Year: y, Month: int(mo), Day: d, Hour: h, Minute: mi, Second: s, Micros: t.Nanosecond() / 1000}
}

func (cfg *Config) location() *time.Location {
	if cfg.Location != nil {
		return cfg.Location
	}
	return time.UTC
}
