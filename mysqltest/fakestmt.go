package mysqltest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/myxdb/myx/mysqltest/proto"
	"math"
	"strconv"
	"strings"
	"time"
)

// WritePrepareOK sends the answer to COM_STMT_PREPARE: the COM_STMT_PREPARE_OK
// packet with the statement id, column and parameter counts and warning
// count, then the parameter definitions and the column definitions, each
// group followed by an EOF packet unless CLIENT_DEPRECATE_EOF is in effect.
func (c *FakeConn) WritePrepareOK(stmtID uint32, params, columns []ColumnDef, warnings uint16) error {
	b := []byte{0}
	b = binary.LittleEndian.AppendUint32(b, stmtID)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(columns)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(params)))
	b = append(b, 0)
	b = binary.LittleEndian.AppendUint16(b, warnings)
	if c.Capabilities()&proto.ClientOptionalResultsetMetadata != 0 {
		b = append(b, 1)
	}
	c.WritePacket(b)
	deprecateEOF := c.Capabilities()&proto.ClientDeprecateEOF != 0
	for _, group := range [][]ColumnDef{params, columns} {
		if len(group) == 0 {
			continue
		}
		for _, col := range group {
			c.WriteColumnDef(col)
		}
		if !deprecateEOF {
			c.WriteEOF(0, 0)
		}
	}
	return c.err
}

// ParamDef returns the definition MariaDB sends for each statement
// parameter: name "?", type NULL, binary collation and flag. Clients do not
// depend on its details.
func ParamDef() ColumnDef {
	return ColumnDef{Catalog: "def", Name: "?", Type: proto.TypeNull, Charset: uint16(proto.CollationBinary), Flags: proto.FlagBinary}
}

// WriteBinaryRow sends a binary-protocol row (as in answers to
// COM_STMT_EXECUTE): a 0x00 header, the NULL bitmap and each non-NULL value
// encoded for its column's type. Values may be nil (NULL), Go integers,
// floats, bools, strings, []byte, time.Time (DATE, DATETIME, TIMESTAMP; the
// zero time.Time is MySQL's zero date) or time.Duration (TIME); a string is
// parsed when the column type needs a number, date or time. Integer columns
// with proto.FlagUnsigned take unsigned values. A value that does not fit its
// column is an error and nothing is sent.
func (c *FakeConn) WriteBinaryRow(columns []ColumnDef, values []any) error {
	b, err := binaryRowPayload(columns, values)
	if err != nil {
		return err
	}
	return c.WritePacket(b)
}

func binaryRowPayload(columns []ColumnDef, values []any) ([]byte, error) {
	if len(values) != len(columns) {
		return nil, fmt.Errorf("mysqltest: binary row has %d values for %d columns", len(values), len(columns))
	}
	b := make([]byte, 1+(len(columns)+7+2)/8)
	for i, v := range values {
		if isNullValue(v) {
			b[1+(i+2)/8] |= 1 << ((i + 2) % 8)
			continue
		}
		var err error
		if b, err = appendBinaryValue(b, columns[i], v); err != nil {
			return nil, fmt.Errorf("mysqltest: column %d (%s): %w", i, columns[i].Name, err)
		}
	}
	return b, nil
}

func isNullValue(v any) bool {
	if v == nil {
		return true
	}
	if b, ok := v.([]byte); ok && b == nil {
		return true
	}
	return false
}

// appendBinaryValue encodes v for column col in the binary protocol.
func appendBinaryValue(b []byte, col ColumnDef, v any) ([]byte, error) {
	unsigned := col.Flags&proto.FlagUnsigned != 0
	intOf := func(bits int) (uint64, error) {
		if unsigned {
			u, err := toUint64(v)
			if err == nil && bits < 64 && u >= 1<<bits {
				err = fmt.Errorf("%d overflows %d unsigned bits", u, bits)
			}
			return u, err
		}
		i, err := toInt64(v)
		if err == nil && bits < 64 && (i < -(1<<(bits-1)) || i >= 1<<(bits-1)) {
			err = fmt.Errorf("%d overflows %d bits", i, bits)
		}
		return uint64(i), err
	}
	switch col.Type {
	case proto.TypeTiny:
		u, err := intOf(8)
		return append(b, byte(u)), err
	case proto.TypeShort, proto.TypeYear:
		u, err := intOf(16)
		return binary.LittleEndian.AppendUint16(b, uint16(u)), err
	case proto.TypeLong, proto.TypeInt24:
		u, err := intOf(32)
		return binary.LittleEndian.AppendUint32(b, uint32(u)), err
	case proto.TypeLongLong:
		u, err := intOf(64)
		return binary.LittleEndian.AppendUint64(b, u), err
	case proto.TypeFloat:
		f, err := toFloat64(v)
		return binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(f))), err
	case proto.TypeDouble:
		f, err := toFloat64(v)
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(f)), err
	case proto.TypeDate, proto.TypeNewDate, proto.TypeDateTime, proto.TypeTimestamp:
		t, err := toTime(v)
		if err != nil {
			return b, err
		}
		return appendBinaryDateTime(b, t, col.Type == proto.TypeDate || col.Type == proto.TypeNewDate), nil
	case proto.TypeTime:
		d, err := toDuration(v)
		if err != nil {
			return b, err
		}
		return appendBinaryTime(b, d), nil
	default:
		return appendLenEncBytes(b, TextValues(v)[0]), nil
	}
}

// appendBinaryDateTime uses the shortest of the protocol's forms: 0 bytes for
// the zero date (the zero time.Time), 4 for a date at midnight, 7 without
// microseconds, else 11.
func appendBinaryDateTime(b []byte, t time.Time, dateOnly bool) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	year, month, day := t.Date()
	h, m, s := t.Clock()
	us := t.Nanosecond() / 1000
	if dateOnly {
		h, m, s, us = 0, 0, 0, 0
	}
	var n byte
	switch {
	case us != 0:
		n = 11
	case h != 0 || m != 0 || s != 0:
		n = 7
	case year != 0 || month != 0 || day != 0:
		n = 4
	}
	b = append(b, n)
	if n >= 4 {
		b = binary.LittleEndian.AppendUint16(b, uint16(year))
		b = append(b, byte(month), byte(day))
	}
	if n >= 7 {
		b = append(b, byte(h), byte(m), byte(s))
	}
	if n == 11 {
		b = binary.LittleEndian.AppendUint32(b, uint32(us))
	}
	return b
}

// appendBinaryTime encodes a TIME value: 0 bytes for zero, 8 without
// microseconds, else 12.
func appendBinaryTime(b []byte, d time.Duration) []byte {
	if d == 0 {
		return append(b, 0)
	}
	neg := byte(0)
	if d < 0 {
		neg, d = 1, -d
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	d -= h * time.Hour
	m := d / time.Minute
	d -= m * time.Minute
	s := d / time.Second
	us := (d - s*time.Second) / time.Microsecond
	n := byte(8)
	if us != 0 {
		n = 12
	}
	b = append(b, n, neg)
	b = binary.LittleEndian.AppendUint32(b, uint32(days))
	b = append(b, byte(h), byte(m), byte(s))
	if n == 12 {
		b = binary.LittleEndian.AppendUint32(b, uint32(us))
	}
	return b
}

func toInt64(v any) (int64, error) {
	switch v := v.(type) {
	case int:
		return int64(v), nil
	case int8:
		return int64(v), nil
	case int16:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case int64:
		return v, nil
	case uint, uint8, uint16, uint32, uint64:
		u, _ := toUint64(v)
		if u > math.MaxInt64 {
			return 0, fmt.Errorf("%d overflows int64", u)
		}
		return int64(u), nil
	case bool:
		if v {
			return 1, nil
		}
		return 0, nil
	case float32, float64:
		f, _ := toFloat64(v)
		if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
			return 0, fmt.Errorf("%v is not an integer", f)
		}
		return int64(f), nil
	case string:
		return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	case []byte:
		return strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
	}
	return 0, fmt.Errorf("cannot use %T as an integer", v)
}

func toUint64(v any) (uint64, error) {
	switch v := v.(type) {
	case uint:
		return uint64(v), nil
	case uint8:
		return uint64(v), nil
	case uint16:
		return uint64(v), nil
	case uint32:
		return uint64(v), nil
	case uint64:
		return v, nil
	case string:
		return strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	case []byte:
		return strconv.ParseUint(strings.TrimSpace(string(v)), 10, 64)
	}
	i, err := toInt64(v)
	if err == nil && i < 0 {
		err = fmt.Errorf("%d is negative", i)
	}
	return uint64(i), err
}

func toFloat64(v any) (float64, error) {
	switch v := v.(type) {
	case float32:
		return float64(v), nil
	case float64:
		return v, nil
	case string:
		return strconv.ParseFloat(strings.TrimSpace(v), 64)
	case []byte:
		return strconv.ParseFloat(strings.TrimSpace(string(v)), 64)
	}
	i, err := toInt64(v)
	return float64(i), err
}

// dateTimeLayouts are the text forms toTime accepts.
var dateTimeLayouts = []string{"2006-01-02 15:04:05.999999", "2006-01-02T15:04:05.999999", "2006-01-02"}

func toTime(v any) (time.Time, error) {
	switch v := v.(type) {
	case time.Time:
		return v, nil
	case string, []byte:
		s := fmt.Sprintf("%s", v)
		if strings.HasPrefix(s, "0000-00-00") && strings.Trim(s, "0-:. ") == "" {
			return time.Time{}, nil // MySQL's zero date
		}
		for _, l := range dateTimeLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("cannot parse %q as a date or datetime", s)
	}
	return time.Time{}, fmt.Errorf("cannot use %T as a date or datetime", v)
}

func toDuration(v any) (time.Duration, error) {
	switch v := v.(type) {
	case time.Duration:
		return v, nil
	case string, []byte:
		return parseTimeOfDay(fmt.Sprintf("%s", v))
	}
	return 0, fmt.Errorf("cannot use %T as a TIME value", v)
}

// parseTimeOfDay parses MySQL's TIME text form, [-]H+:MM:SS[.ffffff].
func parseTimeOfDay(s string) (time.Duration, error) {
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(s, "-")
	parts := strings.Split(body, ":")
	if len(parts) != 3 {
		return 0, fmt.Errorf("cannot parse %q as a TIME value", s)
	}
	h, err1 := strconv.ParseUint(parts[0], 10, 32)
	m, err2 := strconv.ParseUint(parts[1], 10, 8)
	secs, frac, _ := strings.Cut(parts[2], ".")
	sec, err3 := strconv.ParseUint(secs, 10, 8)
	var us uint64
	var err4 error
	if frac != "" {
		frac = (frac + "000000")[:6]
		us, err4 = strconv.ParseUint(frac, 10, 32)
	}
	if err := errors.Join(err1, err2, err3, err4); err != nil || m > 59 || sec > 59 {
		return 0, fmt.Errorf("cannot parse %q as a TIME value", s)
	}
	d := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second + time.Duration(us)*time.Microsecond
	if neg {
		d = -d
	}
	return d, nil
}

// WriteBinaryResult is WriteResult for the binary protocol (the answer to
// COM_STMT_EXECUTE): rows are sent with WriteBinaryRow.
func (c *FakeConn) WriteBinaryResult(r Result, more bool) error {
	return c.writeResult(r, more, true)
}

// fakeStmt is a statement prepared on a FakeConn by ServeQueries.
type fakeStmt struct {
	id       uint32
	sql      string
	params   int
	types    []byte // type and flag byte pairs from the last execution that bound them
	longData map[int][]byte
}

// countPlaceholders counts the '?' placeholders in query outside string
// literals, quoted identifiers and comments.
func countPlaceholders(query string) int {
	n := 0
	for i := 0; i < len(query); i++ {
		switch ch := query[i]; ch {
		case '?':
			n++
		case '\'', '"', '`':
			for i++; i < len(query); i++ {
				if query[i] == '\\' && ch != '`' {
					i++
				} else if query[i] == ch {
					if i+1 < len(query) && query[i+1] == ch {
						i++
						continue
					}
					break
				}
			}
		case '#':
			for i < len(query) && query[i] != '\n' {
				i++
			}
		case '-':
			if strings.HasPrefix(query[i:], "-- ") || query[i:] == "--" || strings.HasPrefix(query[i:], "--\t") || strings.HasPrefix(query[i:], "--\n") {
				for i < len(query) && query[i] != '\n' {
					i++
				}
			}
		case '/':
			if strings.HasPrefix(query[i:], "/*") {
				end := strings.Index(query[i+2:], "*/")
				if end < 0 {
					return n
				}
				i += end + 3
			}
		}
	}
	return n
}

// decodeExecute parses a COM_STMT_EXECUTE payload (after the command byte)
// for st, without CLIENT_QUERY_ATTRIBUTES, returning the arguments.
func decodeExecute(d *decoder, st *fakeStmt) ([]any, error) {
	args, _, err := decodeExecuteAttrs(d, st, false)
	return args, err
}

// decodeBinaryParam decodes one binary-protocol value: integers become int64
// (uint64 if unsigned), FLOAT float32, DOUBLE float64, dates time.Time in
// UTC, TIME time.Duration, anything else []byte.
func decodeBinaryParam(d *decoder, typ byte, unsigned bool) (any, error) {
	var v any
	switch typ {
	case proto.TypeNull:
		return nil, nil
	case proto.TypeTiny:
		x := d.byte1("TINY")
		v = int64(int8(x))
		if unsigned {
			v = uint64(x)
		}
	case proto.TypeShort, proto.TypeYear:
		x := d.uint16("SHORT")
		v = int64(int16(x))
		if unsigned {
			v = uint64(x)
		}
	case proto.TypeLong, proto.TypeInt24:
		x := d.uint32("LONG")
		v = int64(int32(x))
		if unsigned {
			v = uint64(x)
		}
	case proto.TypeLongLong:
		b := d.bytes(8, "LONGLONG")
		if b != nil {
			x := binary.LittleEndian.Uint64(b)
			v = int64(x)
			if unsigned {
				v = x
			}
		}
	case proto.TypeFloat:
		v = math.Float32frombits(d.uint32("FLOAT"))
	case proto.TypeDouble:
		b := d.bytes(8, "DOUBLE")
		if b != nil {
			v = math.Float64frombits(binary.LittleEndian.Uint64(b))
		}
	case proto.TypeDate, proto.TypeNewDate, proto.TypeDateTime, proto.TypeTimestamp:
		n := int(d.byte1("datetime length"))
		b := d.bytes(n, "datetime")
		if d.err != nil {
			return nil, d.err
		}
		var year, month, day, h, m, s, us int
		switch n {
		case 11:
			us = int(binary.LittleEndian.Uint32(b[7:]))
			fallthrough
		case 7:
			h, m, s = int(b[4]), int(b[5]), int(b[6])
			fallthrough
		case 4:
			year, month, day = int(binary.LittleEndian.Uint16(b)), int(b[2]), int(b[3])
		case 0:
			return time.Time{}, nil // the zero date
		default:
			return nil, fmt.Errorf("datetime of length %d", n)
		}
		v = time.Date(year, time.Month(month), day, h, m, s, us*1000, time.UTC)
	case proto.TypeTime:
		n := int(d.byte1("time length"))
		b := d.bytes(n, "time")
		if d.err != nil {
			return nil, d.err
		}
		var dur time.Duration
		switch n {
		case 0:
		case 8, 12:
			dur = time.Duration(binary.LittleEndian.Uint32(b[1:]))*24*time.Hour +
				time.Duration(b[5])*time.Hour + time.Duration(b[6])*time.Minute + time.Duration(b[7])*time.Second
			if n == 12 {
				dur += time.Duration(binary.LittleEndian.Uint32(b[8:])) * time.Microsecond
			}
			if b[0] == 1 {
				dur = -dur
			}
		default:
			return nil, fmt.Errorf("time of length %d", n)
		}
		v = dur
	default:
		v = append([]byte{}, d.lenEncBytes("value")...)
	}
	return v, d.err
}
