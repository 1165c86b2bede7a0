package myx

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"

	"github.com/myxdb/myx/internal/wire"
)

// This file holds what the database/sql adapter (package stdlib) needs from a Rows and a
// Column beyond the native API. It is exported for adapters and tools of the same kind.

// DriverValues fills dest, one element per column, with the current row in the types a
// database/sql driver hands to database/sql: the driver face of the decoding table (decode.go),
// which follows go-sql-driver/mysql's prepared-statement path in both protocols:
//
//   - nil for NULL;
//   - int64 for TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT and YEAR, signed or unsigned; BIGINT
//     UNSIGNED values above math.MaxInt64 are uint64;
//   - float32 for FLOAT, float64 for DOUBLE;
//   - DATE, DATETIME and TIMESTAMP: with Config.ParseTime, time.Time in Config.Location (the
//     zero date 0000-00-00 gives the zero time.Time; a date with a zero month or day, which a
//     time.Time cannot hold, gives its text); without it (go-sql-driver's default), the text
//     "2012-06-14", "2011-11-20 21:27:37[.ffffff]" as []byte, with the column's fractional
//     digits, in the binary protocol as in the text one;
//   - []byte for everything else: DECIMAL as its exact text, TIME as "[-]HH:MM:SS[.ffffff]"
//     (hours may exceed 24), strings, BLOBs, JSON, ENUM, SET, BIT (the raw big-endian bits) and
//     GEOMETRY.
//
// A sql.Scanner given to Rows.Scan receives the same values.
//
// The []byte values are not copies: they point into the connection's read buffer or into
// scratch, and stay valid until the next call to Next, NextResultSet or Close. An empty value is
// a non-nil empty slice. scratch is memory DriverValues may use for values it has to format
// (temporal values of binary-protocol results); it returns the buffer to pass to the next call,
// so that one buffer serves the whole result. dest must have one element per column.
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

// SetGoSQLDriverArguments makes the connection encode statement arguments as
// go-sql-driver/mysql does, in prepared statements and in interpolated text alike (the
// database/sql face sets it on every connection it opens): float32 as a DOUBLE,
// time.Duration as its int64 nanoseconds, string, []byte and json.RawMessage as text
// parameters in the connection's character set, time.Time as text ("0000-00-00" for the zero
// time, "YYYY-MM-DD" at midnight, else with up to nine fractional digits) in Config.Location,
// and interpolated floats in their shortest plain form ("0.1", a DECIMAL literal). Other
// arguments are sent as the native API sends them. Call it before the connection is shared.
func (c *Conn) SetGoSQLDriverArguments(on bool) { c.goArgs = on }
