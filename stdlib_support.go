package myx

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/myxdb/myx/internal/wire"
)

// This file holds what the database/sql adapter (package stdlib) needs from a Rows and a
// Column beyond the native API. It is exported for adapters and tools of the same kind.

// DriverValues fills dest, one element per column, with the current row in the types a
// database/sql driver hands to database/sql (those of go-sql-driver/mysql with parseTime on):
//
//   - nil for NULL;
//   - int64 for TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT and YEAR, signed or unsigned, except
//     uint64 for BIGINT UNSIGNED;
//   - float32 for FLOAT, float64 for DOUBLE;
//   - time.Time for DATE, DATETIME and TIMESTAMP, in Config.Location; the zero date
//     (0000-00-00) gives the zero time.Time, and a date with a zero month or day, which a
//     time.Time cannot hold, gives its text ("2024-00-00") as []byte;
//   - []byte for everything else: DECIMAL as its exact text, TIME as "[-]HH:MM:SS[.ffffff]",
//     strings, BLOBs, JSON, ENUM, SET, BIT (the raw big-endian bits) and GEOMETRY.
//
// The []byte values are not copies: they point into the connection's read buffer or into
// scratch, and stay valid until the next call to Next, NextResultSet or Close. An empty value is
// a non-nil empty slice. scratch is memory DriverValues may use for values it has to format
// (TIME values of binary-protocol results); it returns the buffer to pass to the next call, so
// that one buffer serves the whole result. dest must have one element per column.
func (r *Rows) DriverValues(dest []driver.Value, scratch []byte) ([]byte, error) {
	if !r.hasRow {
		if r.err != nil {
			return scratch, r.err
		}
		return scratch, errNoCurrentRow
	}
	if len(dest) != len(r.cols) {
		return scratch, fmt.Errorf("myx: DriverValues got %d destinations for %d columns", len(dest), len(r.cols))
	}
	scratch = scratch[:0]
	for i := range r.cols {
		v, s, err := r.driverValueAt(i, scratch)
		if err != nil {
			return scratch, &ScanError{Column: r.cols[i].Name, Index: i, Err: err}
		}
		scratch = s
		dest[i] = v
	}
	return scratch, nil
}

var errNoCurrentRow = errors.New("myx: DriverValues called without a current row (call Next first)")

// driverValueAt converts column i of the current row; formatted values are appended to
// scratch, which is returned.
func (r *Rows) driverValueAt(i int, scratch []byte) (driver.Value, []byte, error) {
	raw := r.values[i]
	if raw == nil {
		return nil, scratch, nil
	}
	col := &r.cols[i]
	switch col.Type {
	case TypeTiny, TypeShort, TypeInt24, TypeLong, TypeYear:
		v, err := r.intIn(i, math.MinInt64, math.MaxInt64)
		return v, scratch, err
	case TypeLongLong:
		if col.Unsigned() {
			v, err := r.uintIn(i, math.MaxUint64)
			return v, scratch, err
		}
		v, err := r.intIn(i, math.MinInt64, math.MaxInt64)
		return v, scratch, err
	case TypeFloat:
		f, err := r.float(i)
		return float32(f), scratch, err
	case TypeDouble:
		f, err := r.float(i)
		return f, scratch, err
	case TypeDate, TypeDateTime, TypeTimestamp, ColumnType(wire.TypeNewDate),
		ColumnType(wire.TypeDateTime2), ColumnType(wire.TypeTimestamp2):
		d, err := r.dateTime(i)
		if err != nil {
			return nil, scratch, err
		}
		if d.IsZero() {
			return time.Time{}, scratch, nil
		}
		if d.Month == 0 || d.Day == 0 {
			// Not representable as a time.Time: hand over the text so that scanning into a
			// string or []byte still works (and a time.Time destination reports a clear error).
			if !r.binary {
				return raw, scratch, nil
			}
			start := len(scratch)
			scratch, err = r.appendText(scratch, i)
			return scratch[start:len(scratch):len(scratch)], scratch, err
		}
		return time.Date(d.Year, time.Month(d.Month), d.Day, d.Hour, d.Minute, d.Second,
			d.Micros*1000, r.c.cfg.location()), scratch, nil
	case TypeTime, ColumnType(wire.TypeTime2):
		if !r.binary {
			return raw, scratch, nil
		}
		start := len(scratch)
		var err error
		scratch, err = r.appendText(scratch, i)
		return scratch[start:len(scratch):len(scratch)], scratch, err
	}
	return raw, scratch, nil
}

// HasNextResultSet reports whether another result may follow the current one in the response
// (of a multi-statement query or a stored procedure call). It reports false only when none can
// follow: once the current result has been read to its end, true means that NextResultSet will
// advance. The result that follows may have no columns (the status of a CALL, or a statement
// such as UPDATE).
func (r *Rows) HasNextResultSet() bool {
	switch r.state {
	case rowsBetween:
		return true
	case rowsReading:
		return !r.closed
	}
	return false
}

var (
	charsetByIDOnce sync.Once
	charsetByID     map[uint16]string
)

// Charset gives the name of the character set the column's values are sent in ("utf8mb4",
// "latin1", ...: the server converts text columns to the connection's character_set_results),
// "binary" for byte strings and for non-string columns, or "" when the collation id is not one
// myx knows.
func (c *Column) Charset() string {
	if c.Collation == wire.BinaryCollation {
		return "binary"
	}
	charsetByIDOnce.Do(func() {
		charsetByID = make(map[uint16]string, len(collationIDs))
		for name, id := range collationIDs {
			charsetByID[id] = charsetOf(name)
		}
	})
	return charsetByID[c.Collation]
}
