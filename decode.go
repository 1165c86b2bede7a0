package myx

import (
	"database/sql/driver"
	"math"
	"time"

	"github.com/myxdb/myx/internal/wire"
)

// The decoding table.
//
// Every result column gets one decoding plan, its decoding, when its definition arrives from
// the server (newColumn; connections cache column definitions, so a repeated query does not
// compute it again). Every face reads values through it, in both the text and the binary
// protocol. The native face is Rows.Values and Scan into *any (and interface destinations,
// RowToMap). The driver face is what a sql.Scanner receives from Rows.Scan and what
// Rows.DriverValues hands to database/sql (package stdlib); it follows go-sql-driver/mysql's
// binary (prepared statement) path, with Config.ParseTime deciding the temporal columns as
// go-sql-driver's parseTime does. Typed destinations (*int64, *string, *time.Time, ...)
// convert from the same decoded values.
//
// The table is in the package documentation (doc.go, "Column types") and in README; the
// cases below implement it, and decode_test.go checks every row of it through every face.
//
// Temporal details: time.Time values are in Config.Location (TIMESTAMP values are in the
// session's time_zone, which the server applied). Text has as many fractional digits as the
// column's declared precision (DATETIME(3) gives ".123"), in both protocols. The zero date
// 0000-00-00 (and 0000-00-00 00:00:00) is the zero time.Time where a time.Time is given; a date
// with a zero month or day (2024-00-00), which a time.Time cannot hold, fails natively and is
// its text ([]byte) in the driver face even with ParseTime, so a string destination still
// works (go-sql-driver would hand a normalised, different date). Scanned into a string or
// []byte, a temporal value is always MySQL's text.
type decoding uint8

const (
	decUnset    decoding = iota // a Column built by hand: decodingOf computes it on use
	decNull                     // MYSQL_TYPE_NULL: always NULL
	decInt                      // integers that fit int64
	decUint64                   // BIGINT UNSIGNED
	decYear                     // YEAR
	decBit                      // BIT(n): big-endian bits
	decFloat32                  // FLOAT
	decFloat64                  // DOUBLE
	decDecimal                  // DECIMAL: exact text
	decDate                     // DATE
	decDateTime                 // DATETIME, TIMESTAMP
	decTime                     // TIME: a signed duration, possibly beyond 24h
	decJSON                     // JSON (MySQL's type, MariaDB's json format)
	decText                     // character strings (CHAR, VARCHAR, TEXT, ENUM, SET, ...)
	decBytes                    // byte strings (BINARY, VARBINARY, BLOB, GEOMETRY, ...)
)

// decodingOf builds the plan of a column from its definition.
func decodingOf(c *Column) decoding {
	switch c.Type {
	case TypeNull:
		return decNull
	case TypeTiny, TypeShort, TypeInt24, TypeLong:
		return decInt
	case TypeLongLong:
		if c.Unsigned() {
			return decUint64
		}
		return decInt
	case TypeYear:
		return decYear
	case TypeBit:
		return decBit
	case TypeFloat:
		return decFloat32
	case TypeDouble:
		return decFloat64
	case TypeDecimal, TypeNewDecimal:
		return decDecimal
	case TypeDate, ColumnType(wire.TypeNewDate):
		return decDate
	case TypeDateTime, TypeTimestamp, ColumnType(wire.TypeDateTime2), ColumnType(wire.TypeTimestamp2):
		return decDateTime
	case TypeTime, ColumnType(wire.TypeTime2):
		return decTime
	case TypeJSON:
		return decJSON
	case TypeEnum, TypeSet:
		return decText
	case TypeGeometry:
		return decBytes
	}
	if c.ExtType == "json" {
		return decJSON
	}
	if c.Flags&(FlagEnum|FlagSet) != 0 {
		return decText
	}
	if c.IsBinary() {
		return decBytes
	}
	return decText
}

// decoding returns column i's plan.
func (r *Rows) decoding(i int) decoding {
	if d := r.cols[i].dec; d != decUnset {
		return d
	}
	return decodingOf(&r.cols[i])
}

// value returns column i as the native face of the table gives it (see Values). Values that
// are not numbers are copies owned by the caller.
func (r *Rows) value(i int) (any, error) {
	if r.values[i] == nil {
		return nil, nil
	}
	switch r.decoding(i) {
	case decNull:
		return nil, nil
	case decInt, decYear:
		return r.intIn(i, math.MinInt64, math.MaxInt64)
	case decUint64, decBit:
		return r.uintIn(i, math.MaxUint64)
	case decFloat32:
		f, err := r.float(i)
		return float32(f), err
	case decFloat64:
		return r.float(i)
	case decDate, decDateTime:
		return r.time(i)
	case decTime:
		return r.duration(i)
	case decBytes:
		return r.bytes(i, nil)
	}
	return r.text(i) // DECIMAL, JSON, text
}

// driverValueAt returns column i as the driver face of the table gives it (see DriverValues):
// the value a sql.Scanner receives. []byte values are not copies: they point into the read
// buffer, or, for values formatted here (temporal values of the binary protocol), into
// scratch, to which they are appended; the grown scratch is returned.
func (r *Rows) driverValueAt(i int, scratch []byte) (driver.Value, []byte, error) {
	raw := r.values[i]
	if raw == nil {
		return nil, scratch, nil
	}
	switch dec := r.decoding(i); dec {
	case decNull:
		return nil, scratch, nil
	case decInt, decYear:
		v, err := r.intIn(i, math.MinInt64, math.MaxInt64)
		return v, scratch, err
	case decUint64:
		v, err := r.uintIn(i, math.MaxUint64)
		if v <= math.MaxInt64 {
			return int64(v), scratch, err
		}
		return v, scratch, err
	case decFloat32:
		f, err := r.float(i)
		return float32(f), scratch, err
	case decFloat64:
		f, err := r.float(i)
		return f, scratch, err
	case decDate, decDateTime:
		if r.c.cfg.ParseTime {
			var d wire.DateTime
			if err := r.dateTime(i, &d); err != nil {
				return nil, scratch, err
			}
			if d.IsZero() {
				return time.Time{}, scratch, nil
			}
			if d.Month != 0 && d.Day != 0 {
				return d.Time(r.c.cfg.location()), scratch, nil
			}
			// Not representable as a time.Time: hand over the text, so that scanning into a
			// string or []byte still works and a time.Time destination reports a clear error.
		}
		return r.textBytes(i, scratch)
	case decTime:
		return r.textBytes(i, scratch)
	}
	return raw, scratch, nil // BIT, DECIMAL, JSON, text, bytes
}

// textBytes returns the MySQL text of column i without copying where the protocol sent text;
// binary-protocol values are formatted onto scratch.
func (r *Rows) textBytes(i int, scratch []byte) ([]byte, []byte, error) {
	if !r.binary || !r.convertsBinary(i) {
		return r.values[i], scratch, nil
	}
	start := len(scratch)
	scratch, err := r.appendText(scratch, i)
	return scratch[start:len(scratch):len(scratch)], scratch, err
}
