package myx

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
	"unsafe"

	"github.com/myxdb/myx/internal/wire"
)

// ScanError reports a column whose value could not be stored in its destination. Nothing is
// silently truncated: a value that does not fit is this error.
type ScanError struct {
	Column string // the column's label
	Index  int    // its position, from 0
	Err    error
}

func (e *ScanError) Error() string {
	return fmt.Sprintf("myx: scanning column %d (%q): %v", e.Index, e.Column, e.Err)
}

func (e *ScanError) Unwrap() error { return e.Err }

// ErrNullValue is wrapped by a ScanError when a NULL meets a destination that cannot represent
// it (use a pointer, sql.Null[T] or *any).
var ErrNullValue = errors.New("NULL cannot be stored in this destination (scan into a pointer or sql.Null[T])")

// Scan copies the current row's columns into dest, one destination per column.
//
// Destinations: pointers to signed and unsigned integers, floats, bool, string, []byte (copied),
// sql.RawBytes (not copied: valid until the next call to Next), time.Time, time.Duration (TIME,
// which may be negative or above 24h), any (see Values), any sql.Scanner (including sql.Null[T]),
// pointers to pointers (NULL sets nil), and named types with those underlying kinds. A NULL
// into a destination that cannot represent it, or a value that does not fit (an integer out of
// range, a fraction into an integer, a non-number into a number), is a *ScanError.
//
// All of them read the column through its decoding plan (the table in decode.go). A
// sql.Scanner receives the value database/sql would hand it from this column (Rows.DriverValues:
// go-sql-driver's types, DATE/DATETIME/TIMESTAMP as time.Time only with Config.ParseTime), so a
// Scanner sees the same value through either API; its []byte values are valid only during the
// call. sql.NullTime, sql.Null[time.Time], sql.NullString and sql.Null[string] are filled as
// *time.Time and *string are, whatever Config.ParseTime says.
//
// DATE/DATETIME values are read in Config.Location; the zero date becomes the zero time.Time.
// Temporal values scanned into a string or []byte are MySQL's text ("2011-11-20 21:27:37",
// "2012-06-14", "-25:00:01"), with the column's fractional digits.
func (r *Rows) Scan(dest ...any) error {
	if !r.hasRow {
		if r.err != nil {
			return r.err
		}
		return errors.New("myx: Scan called without a current row (call Next first)")
	}
	if len(dest) != len(r.cols) {
		return fmt.Errorf("myx: Scan got %d destinations for %d columns", len(dest), len(r.cols))
	}
	for i, d := range dest {
		if err := r.scanColumn(i, d); err != nil {
			return &ScanError{Column: r.cols[i].Name, Index: i, Err: err}
		}
	}
	return nil
}

// ScanColumn copies column i of the current row into dest (see Scan for destinations).
func (r *Rows) ScanColumn(i int, dest any) error {
	if !r.hasRow {
		return errors.New("myx: ScanColumn called without a current row")
	}
	if i < 0 || i >= len(r.cols) {
		return fmt.Errorf("myx: column index %d out of range (%d columns)", i, len(r.cols))
	}
	if err := r.scanColumn(i, dest); err != nil {
		return &ScanError{Column: r.cols[i].Name, Index: i, Err: err}
	}
	return nil
}

func (r *Rows) scanColumn(i int, dest any) error {
	if r.values[i] == nil {
		return scanNull(dest)
	}
	// The most common destinations in a small switch, the rest in scanOther's: a type switch
	// searches its cases, once per column of every row.
	switch d := dest.(type) {
	case *string:
		s, err := r.text(i)
		*d = s
		return err
	case *int:
		v, err := r.intIn(i, math.MinInt, math.MaxInt)
		*d = int(v)
		return err
	case *int64:
		v, err := r.intIn(i, math.MinInt64, math.MaxInt64)
		*d = v
		return err
	case *float64:
		v, err := r.float(i)
		*d = v
		return err
	case *time.Time:
		t, err := r.time(i)
		*d = t
		return err
	}
	return r.scanOther(i, dest)
}

// scanOther is scanColumn for the destinations its own switch leaves out.
func (r *Rows) scanOther(i int, dest any) error {
	switch d := dest.(type) {
	case *int32:
		v, err := r.intIn(i, math.MinInt32, math.MaxInt32)
		*d = int32(v)
		return err
	case *int16:
		v, err := r.intIn(i, math.MinInt16, math.MaxInt16)
		*d = int16(v)
		return err
	case *int8:
		v, err := r.intIn(i, math.MinInt8, math.MaxInt8)
		*d = int8(v)
		return err
	case *uint64:
		v, err := r.uintIn(i, math.MaxUint64)
		*d = v
		return err
	case *uint:
		v, err := r.uintIn(i, math.MaxUint)
		*d = uint(v)
		return err
	case *uint32:
		v, err := r.uintIn(i, math.MaxUint32)
		*d = uint32(v)
		return err
	case *uint16:
		v, err := r.uintIn(i, math.MaxUint16)
		*d = uint16(v)
		return err
	case *uint8:
		v, err := r.uintIn(i, math.MaxUint8)
		*d = uint8(v)
		return err
	case *float32:
		v, err := r.float(i)
		if err == nil && !math.IsInf(v, 0) && math.Abs(v) > math.MaxFloat32 {
			return fmt.Errorf("value %g overflows float32", v)
		}
		*d = float32(v)
		return err
	case *bool:
		v, err := r.intIn(i, math.MinInt64, math.MaxInt64)
		if err != nil {
			return err
		}
		if v != 0 && v != 1 {
			return fmt.Errorf("value %d is not a boolean (0 or 1)", v)
		}
		*d = v == 1
		return nil
	case *[]byte:
		b, err := r.bytes(i, nil)
		*d = b
		return err
	case *sql.RawBytes:
		b, err := r.rawBytes(i)
		*d = b
		return err
	case *time.Duration:
		v, err := r.duration(i)
		*d = v
		return err
	case *any:
		v, err := r.value(i)
		*d = v
		return err
	case *sql.Null[time.Duration]:
		v, err := r.duration(i)
		d.V, d.Valid = v, err == nil
		return err
	case *sql.NullTime:
		t, err := r.time(i)
		d.Time, d.Valid = t, err == nil
		return err
	case *sql.Null[time.Time]:
		t, err := r.time(i)
		d.V, d.Valid = t, err == nil
		return err
	case *sql.NullString:
		s, err := r.text(i)
		d.String, d.Valid = s, err == nil
		return err
	case *sql.Null[string]:
		s, err := r.text(i)
		d.V, d.Valid = s, err == nil
		return err
	case sql.Scanner:
		// The driver face of the decoding table, as database/sql would hand it (decode.go).
		// Values formatted here (binary-protocol temporal values) get memory of their own: a
		// field of Rows for them would make every Rows, and so every point query, larger.
		v, _, err := r.driverValueAt(i, nil)
		if err != nil {
			return err
		}
		return d.Scan(v)
	}
	return r.scanReflect(i, dest)
}

// scanNull stores NULL into dest, or fails if dest cannot represent it.
func scanNull(dest any) error {
	switch d := dest.(type) {
	case *any:
		*d = nil
		return nil
	case *[]byte:
		*d = nil
		return nil
	case *sql.RawBytes:
		*d = nil
		return nil
	case *sql.Null[time.Duration]:
		*d = sql.Null[time.Duration]{}
		return nil
	case *sql.NullTime:
		*d = sql.NullTime{}
		return nil
	case *sql.Null[time.Time]:
		*d = sql.Null[time.Time]{}
		return nil
	case *sql.NullString:
		*d = sql.NullString{}
		return nil
	case *sql.Null[string]:
		*d = sql.Null[string]{}
		return nil
	case sql.Scanner:
		return d.Scan(nil)
	}
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("destination %T is not a non-nil pointer", dest)
	}
	e := rv.Elem()
	switch {
	case e.Kind() == reflect.Pointer, e.Kind() == reflect.Interface,
		e.Kind() == reflect.Slice && e.Type().Elem().Kind() == reflect.Uint8:
		e.SetZero()
		return nil
	}
	return fmt.Errorf("%w: %T", ErrNullValue, dest)
}

func (r *Rows) scanReflect(i int, dest any) error {
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("destination %T is not a non-nil pointer", dest)
	}
	e := rv.Elem()
	switch e.Kind() {
	case reflect.Pointer:
		// A pointer to a pointer: allocate the target and scan into it.
		nv := reflect.New(e.Type().Elem())
		if err := r.scanColumn(i, nv.Interface()); err != nil {
			return err
		}
		e.Set(nv)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := e.Type().Bits()
		lo, hi := int64(-1)<<(bits-1), int64(1)<<(bits-1)-1
		v, err := r.intIn(i, lo, hi)
		if err != nil {
			return err
		}
		e.SetInt(v)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		bits := e.Type().Bits()
		v, err := r.uintIn(i, uint64(1)<<(bits-1)*2-1)
		if err != nil {
			return err
		}
		e.SetUint(v)
		return nil
	case reflect.Float32, reflect.Float64:
		v, err := r.float(i)
		if err != nil {
			return err
		}
		if e.Kind() == reflect.Float32 && !math.IsInf(v, 0) && math.Abs(v) > math.MaxFloat32 {
			return fmt.Errorf("value %g overflows float32", v)
		}
		e.SetFloat(v)
		return nil
	case reflect.Bool:
		var b bool
		if err := r.scanColumn(i, &b); err != nil {
			return err
		}
		e.SetBool(b)
		return nil
	case reflect.String:
		s, err := r.text(i)
		if err != nil {
			return err
		}
		e.SetString(s)
		return nil
	case reflect.Slice:
		if e.Type().Elem().Kind() == reflect.Uint8 {
			b, err := r.bytes(i, nil)
			if err != nil {
				return err
			}
			e.SetBytes(b)
			return nil
		}
	case reflect.Interface:
		v, err := r.value(i)
		if err != nil {
			return err
		}
		if v == nil {
			e.SetZero()
			return nil
		}
		vv := reflect.ValueOf(v)
		if !vv.Type().AssignableTo(e.Type()) {
			return fmt.Errorf("cannot store %T in %s", v, e.Type())
		}
		e.Set(vv)
		return nil
	}
	return fmt.Errorf("unsupported destination type %T", dest)
}

// unsafeString views b as a string without copying; only for immediate parsing.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// convertsBinary reports whether a binary-protocol value of column i is not its text (numbers
// and temporal values, which appendText formats); the rest is sent as text in both protocols.
func (r *Rows) convertsBinary(i int) bool { return wire.IsBinaryEncoded(r.types[i]) }

// integer returns the column as a sign and magnitude.
func (r *Rows) integer(i int) (neg bool, mag uint64, err error) {
	raw := r.values[i]
	col := &r.cols[i]
	if r.binary {
		unsigned := col.Flags&FlagUnsigned != 0
		switch r.types[i] {
		case wire.TypeTiny:
			if unsigned {
				return false, uint64(raw[0]), nil
			}
			return sign(int64(int8(raw[0])))
		case wire.TypeShort, wire.TypeYear:
			v := binary.LittleEndian.Uint16(raw)
			if unsigned || r.types[i] == wire.TypeYear {
				return false, uint64(v), nil
			}
			return sign(int64(int16(v)))
		case wire.TypeInt24, wire.TypeLong:
			v := binary.LittleEndian.Uint32(raw)
			if unsigned {
				return false, uint64(v), nil
			}
			return sign(int64(int32(v)))
		case wire.TypeLongLong:
			v := binary.LittleEndian.Uint64(raw)
			if unsigned {
				return false, v, nil
			}
			return sign(int64(v))
		case wire.TypeFloat, wire.TypeDouble:
			f, _ := r.float(i)
			return floatToInt(f)
		}
	}
	if r.decoding(i) == decBit {
		if len(raw) > 8 {
			return false, 0, errors.New("BIT value wider than 64 bits")
		}
		var v uint64
		for _, b := range raw {
			v = v<<8 | uint64(b)
		}
		return false, v, nil
	}
	return parseInteger(raw, r.decoding(i))
}

func sign(v int64) (bool, uint64, error) {
	if v < 0 {
		return true, uint64(-(v + 1)) + 1, nil
	}
	return false, uint64(v), nil
}

func floatToInt(f float64) (bool, uint64, error) {
	if f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f) {
		return false, 0, fmt.Errorf("value %g is not an integer", f)
	}
	if f < 0 {
		if f < -9223372036854775808 {
			return false, 0, fmt.Errorf("value %g out of range", f)
		}
		return sign(int64(f))
	}
	if f >= 18446744073709551616 {
		return false, 0, fmt.Errorf("value %g out of range", f)
	}
	return false, uint64(f), nil
}

// parseInteger parses decimal text. A fraction is accepted only when it is all zeros (DECIMAL
// 12.00); anything else that is not an integer is an error.
func parseInteger(b []byte, dec decoding) (bool, uint64, error) {
	s := b
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) == 0 {
		return false, 0, fmt.Errorf("%q is not an integer", b)
	}
	var v uint64
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			break
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return false, 0, fmt.Errorf("%s out of range", b)
		}
		v = v*10 + d
	}
	if i < len(s) {
		if s[i] != '.' || i == 0 && len(s) == 1 {
			if dec == decFloat32 || dec == decFloat64 {
				f, err := strconv.ParseFloat(unsafeString(b), 64)
				if err != nil {
					return false, 0, fmt.Errorf("%q is not a number", b)
				}
				return floatToInt(f)
			}
			return false, 0, fmt.Errorf("%q is not an integer", b)
		}
		for _, c := range s[i+1:] {
			if c != '0' {
				return false, 0, fmt.Errorf("%s has a fractional part", b)
			}
		}
	}
	if neg && v == 0 {
		neg = false
	}
	return neg, v, nil
}

func (r *Rows) intIn(i int, lo, hi int64) (int64, error) {
	neg, mag, err := r.integer(i)
	if err != nil {
		return 0, err
	}
	if neg {
		if mag-1 > uint64(-(lo + 1)) {
			return 0, fmt.Errorf("value -%d out of range [%d, %d]", mag, lo, hi)
		}
		return -int64(mag-1) - 1, nil
	}
	if mag > uint64(hi) {
		return 0, fmt.Errorf("value %d out of range [%d, %d]", mag, lo, hi)
	}
	return int64(mag), nil
}

func (r *Rows) uintIn(i int, hi uint64) (uint64, error) {
	neg, mag, err := r.integer(i)
	if err != nil {
		return 0, err
	}
	if neg {
		return 0, fmt.Errorf("negative value -%d into an unsigned destination", mag)
	}
	if mag > hi {
		return 0, fmt.Errorf("value %d out of range [0, %d]", mag, hi)
	}
	return mag, nil
}

func (r *Rows) float(i int) (float64, error) {
	raw := r.values[i]
	if r.binary {
		switch r.types[i] {
		case wire.TypeDouble:
			return math.Float64frombits(binary.LittleEndian.Uint64(raw)), nil
		case wire.TypeFloat:
			return float64(math.Float32frombits(binary.LittleEndian.Uint32(raw))), nil
		case wire.TypeTiny, wire.TypeShort, wire.TypeYear, wire.TypeInt24, wire.TypeLong, wire.TypeLongLong:
			neg, mag, _ := r.integer(i)
			if neg {
				return -float64(mag), nil
			}
			return float64(mag), nil
		}
	}
	dec := r.decoding(i)
	if dec == decBit {
		_, mag, err := r.integer(i)
		return float64(mag), err
	}
	bits := 64
	if dec == decFloat32 {
		bits = 32
	}
	f, err := strconv.ParseFloat(unsafeString(raw), bits)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", string(raw))
	}
	return f, nil
}

// text returns the value as a string, in the server's text form for every type.
func (r *Rows) text(i int) (string, error) {
	raw := r.values[i]
	if !r.binary || !r.convertsBinary(i) {
		return string(raw), nil
	}
	var buf [64]byte
	b, err := r.appendText(buf[:0], i)
	return string(b), err
}

// appendText appends the server's text form of a binary-protocol value.
func (r *Rows) appendText(b []byte, i int) ([]byte, error) {
	raw := r.values[i]
	col := &r.cols[i]
	switch t := r.types[i]; t {
	case wire.TypeTiny, wire.TypeShort, wire.TypeYear, wire.TypeInt24, wire.TypeLong, wire.TypeLongLong:
		neg, mag, _ := r.integer(i)
		if neg {
			b = append(b, '-')
		}
		return strconv.AppendUint(b, mag, 10), nil
	case wire.TypeDouble:
		f, _ := r.float(i)
		return strconv.AppendFloat(b, f, 'g', -1, 64), nil
	case wire.TypeFloat:
		f, _ := r.float(i)
		return strconv.AppendFloat(b, f, 'g', -1, 32), nil
	case wire.TypeDate, wire.TypeNewDate:
		var d wire.DateTime
		if err := d.SetBinary(raw); err != nil {
			return b, err
		}
		return appendDate(b, d), nil
	case wire.TypeDateTime, wire.TypeTimestamp, wire.TypeDateTime2, wire.TypeTimestamp2:
		var d wire.DateTime
		if err := d.SetBinary(raw); err != nil {
			return b, err
		}
		return appendDateTime(b, d, fspOf(col, d.Micros != 0)), nil
	case wire.TypeTime, wire.TypeTime2:
		d, err := wire.DecodeBinaryTime(raw)
		if err != nil {
			return b, err
		}
		return appendDuration(b, d, fspOf(col, d%time.Second != 0)), nil
	}
	return append(b, raw...), nil
}

// fspOf gives the fractional digits of a temporal column's text: its declared precision, or,
// for expressions whose precision the server leaves open (decimals 31, or MariaDB's 39), six
// when the value has a fraction and none when it has not, so that nothing is lost.
func fspOf(col *Column, fraction bool) int {
	switch {
	case col.Decimals <= 6:
		return int(col.Decimals)
	case fraction:
		return 6
	}
	return 0
}

// bytes returns a copy of the value (in text form for binary-protocol numbers and times).
func (r *Rows) bytes(i int, dst []byte) ([]byte, error) {
	if r.binary && r.convertsBinary(i) {
		return r.appendText(dst[:0], i)
	}
	if len(r.values[i]) == 0 {
		return []byte{}, nil // empty, not NULL
	}
	return append(dst[:0:0], r.values[i]...), nil
}

// rawBytes returns the value without copying where possible (valid until Next).
func (r *Rows) rawBytes(i int) ([]byte, error) {
	if r.binary && r.convertsBinary(i) {
		return r.appendText(nil, i)
	}
	return r.values[i], nil
}

// dateTime decodes column i, a DATE, DATETIME or TIMESTAMP (or text holding one), into d.
func (r *Rows) dateTime(i int, d *wire.DateTime) error {
	raw := r.values[i]
	if r.binary && wire.IsTemporal(r.types[i]) {
		if r.types[i] == wire.TypeTime || r.types[i] == wire.TypeTime2 {
			return errors.New("TIME value into time.Time (scan into time.Duration)")
		}
		return d.SetBinary(raw)
	}
	switch r.decoding(i) {
	case decDate, decDateTime, decText, decBytes:
		return d.SetText(raw)
	}
	return fmt.Errorf("%s value into time.Time", r.cols[i].Type)
}

func (r *Rows) time(i int) (time.Time, error) {
	var d wire.DateTime
	if err := r.dateTime(i, &d); err != nil {
		return time.Time{}, err
	}
	if d.Month == 0 || d.Day == 0 {
		if d.IsZero() {
			return time.Time{}, nil
		}
		return time.Time{}, fmt.Errorf("date %04d-%02d-%02d has a zero month or day", d.Year, d.Month, d.Day)
	}
	return d.Time(r.c.cfg.location()), nil
}

func (r *Rows) duration(i int) (time.Duration, error) {
	raw := r.values[i]
	if r.binary && (r.types[i] == wire.TypeTime || r.types[i] == wire.TypeTime2) {
		return wire.DecodeBinaryTime(raw)
	}
	switch r.decoding(i) {
	case decTime, decText, decBytes:
		return wire.ParseTextTime(raw)
	}
	return 0, fmt.Errorf("%s value into time.Duration", r.cols[i].Type)
}

// Values returns the current row as Go values, as the native face of the decoding table gives
// them (decode.go): int64 for integers and YEAR (uint64 for BIGINT UNSIGNED and BIT), float32
// for FLOAT, float64 for DOUBLE, string for DECIMAL, JSON, ENUM, SET and text columns, []byte
// for binary columns, time.Time for DATE/DATETIME/TIMESTAMP (whatever Config.ParseTime says),
// time.Duration for TIME, nil for NULL. Everything returned is a copy owned by the caller.
func (r *Rows) Values() ([]any, error) {
	if !r.hasRow {
		return nil, errors.New("myx: Values called without a current row")
	}
	vals := make([]any, len(r.cols))
	for i := range r.cols {
		v, err := r.value(i)
		if err != nil {
			return nil, &ScanError{Column: r.cols[i].Name, Index: i, Err: err}
		}
		vals[i] = v
	}
	return vals, nil
}
