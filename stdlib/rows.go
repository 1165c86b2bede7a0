package stdlib

import (
	"database/sql"
	"database/sql/driver"
	"io"
	"math"
	"reflect"
	"time"

	"github.com/myxdb/myx"
)

// rows streams a result to database/sql.
type rows struct {
	mr      *myx.Rows
	cfg     *myx.Config // the connection's
	names   []string    // column labels of the current result set, built on first use
	scratch []byte      // formatted values of the current row (see myx.Rows.DriverValues)
}

var (
	_ driver.Rows                           = (*rows)(nil)
	_ driver.RowsNextResultSet              = (*rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*rows)(nil)
)

// newRows wraps mr, first moving past leading results without columns so that a
// multi-statement query such as "UPDATE ...; SELECT ..." reads as the SELECT.
func newRows(mr *myx.Rows, cfg *myx.Config) (driver.Rows, error) {
	for len(mr.Columns()) == 0 && mr.HasNextResultSet() {
		if !mr.NextResultSet() {
			if err := mr.Err(); err != nil {
				mr.Close()
				return nil, mapErr(cfg, err)
			}
			break
		}
	}
	return &rows{mr: mr, cfg: cfg}, nil
}

// Columns gives the column labels of the current result set; with Config.ColumnsWithAlias
// (DSN columnsWithAlias=true), "table.label" for columns of a table, the table named as in
// the query (its alias, if it has one).
func (r *rows) Columns() []string {
	if r.names == nil {
		cols := r.mr.Columns()
		r.names = make([]string, len(cols))
		for i := range cols {
			if r.cfg.ColumnsWithAlias && cols[i].Table != "" {
				r.names[i] = cols[i].Table + "." + cols[i].Name
			} else {
				r.names[i] = cols[i].Name
			}
		}
	}
	return r.names
}

// Close discards what remains of the response and frees the connection.
func (r *rows) Close() error {
	return r.mr.Close()
}

// Next fills dest with the next row (see the package documentation for the types). []byte
// values point into the connection's buffers and are valid until the next call.
func (r *rows) Next(dest []driver.Value) error {
	if !r.mr.Next() {
		if err := r.mr.Err(); err != nil {
			return mapErr(r.cfg, err)
		}
		return io.EOF
	}
	var err error
	r.scratch, err = r.mr.DriverValues(dest, r.scratch)
	return err
}

// HasNextResultSet reports whether another result may follow the current one.
func (r *rows) HasNextResultSet() bool { return r.mr.HasNextResultSet() }

// NextResultSet moves to the next result set with columns; results without columns (the
// status of a CALL, or statements such as UPDATE in a multi-statement query) are skipped, as
// go-sql-driver does. It returns io.EOF when there is none.
func (r *rows) NextResultSet() error {
	for r.mr.NextResultSet() {
		if len(r.mr.Columns()) > 0 {
			r.names = nil
			return nil
		}
	}
	if err := r.mr.Err(); err != nil {
		return mapErr(r.cfg, err)
	}
	return io.EOF
}

func (r *rows) col(i int) *myx.Column { return &r.mr.Columns()[i] }

// ColumnTypeDatabaseTypeName gives the column's type name as go-sql-driver/mysql reports it:
// "INT", "UNSIGNED INT", "VARCHAR", "VARBINARY", "DECIMAL", "DATETIME", ...; BLOB and TEXT
// columns by the type the server sends (servers send every BLOB and TEXT column as "BLOB" or
// "TEXT", whatever its size); "ENUM", "SET", "JSON" (MySQL's JSON type; MariaDB's JSON is a
// TEXT); "" for a type it does not know.
func (r *rows) ColumnTypeDatabaseTypeName(i int) string { return databaseTypeName(r.col(i)) }

// ColumnTypeNullable reports whether the column may hold NULL.
func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) { return r.col(i).Nullable(), true }

// ColumnTypeScanType gives a Go type that values of the column scan into, as go-sql-driver
// reports it: a sized integer, float32/float64 or string for a NOT NULL column,
// sql.NullInt64, sql.Null[uint64], sql.NullFloat64 or sql.NullString for a nullable one,
// sql.NullTime for DATE, DATETIME and TIMESTAMP (nullable or not), []byte for binary
// strings, BLOBs, BIT and GEOMETRY, and *any for the NULL type.
func (r *rows) ColumnTypeScanType(i int) reflect.Type { return scanType(r.col(i)) }

// ColumnTypePrecisionScale gives what go-sql-driver reports: for DECIMAL its precision and
// scale; for DATETIME, TIMESTAMP and TIME the fractional-second digits as both; for FLOAT
// and DOUBLE math.MaxInt64 and the scale (math.MaxInt64 too when the column has none). Other
// columns have none (ok is false).
func (r *rows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	return precisionScale(r.col(i))
}

func databaseTypeName(c *myx.Column) string {
	unsigned := func(name string) string {
		if c.Unsigned() {
			return "UNSIGNED " + name
		}
		return name
	}
	bin := c.IsBinary()
	switch c.Type {
	case myx.TypeTiny:
		return unsigned("TINYINT")
	case myx.TypeShort:
		return unsigned("SMALLINT")
	case myx.TypeInt24:
		return unsigned("MEDIUMINT")
	case myx.TypeLong:
		return unsigned("INT")
	case myx.TypeLongLong:
		return unsigned("BIGINT")
	case myx.TypeTinyBlob:
		return pick(bin, "TINYBLOB", "TINYTEXT")
	case myx.TypeBlob:
		return pick(bin, "BLOB", "TEXT")
	case myx.TypeMediumBlob:
		return pick(bin, "MEDIUMBLOB", "MEDIUMTEXT")
	case myx.TypeLongBlob:
		return pick(bin, "LONGBLOB", "LONGTEXT")
	case myx.TypeVarChar, myx.TypeVarString:
		return pick(bin, "VARBINARY", "VARCHAR")
	case myx.TypeString:
		switch {
		case c.Flags&myx.FlagEnum != 0:
			return "ENUM"
		case c.Flags&myx.FlagSet != 0:
			return "SET"
		}
		return pick(bin, "BINARY", "CHAR")
	case myx.TypeDecimal, myx.TypeNewDecimal:
		return "DECIMAL"
	case myx.TypeFloat:
		return "FLOAT"
	case myx.TypeDouble:
		return "DOUBLE"
	case myx.TypeNull:
		return "NULL"
	case myx.TypeTimestamp:
		return "TIMESTAMP"
	case myx.TypeDate, typeNewDate:
		return "DATE"
	case myx.TypeTime:
		return "TIME"
	case myx.TypeDateTime:
		return "DATETIME"
	case myx.TypeYear:
		return "YEAR"
	case myx.TypeBit:
		return "BIT"
	case myx.TypeJSON:
		return "JSON"
	case myx.TypeEnum:
		return "ENUM"
	case myx.TypeSet:
		return "SET"
	case myx.TypeGeometry:
		return "GEOMETRY"
	case typeVector:
		return "VECTOR"
	}
	return ""
}

// Column types the myx package does not name: MYSQL_TYPE_NEWDATE (not sent to clients) and
// MySQL 9's VECTOR.
const (
	typeNewDate = myx.ColumnType(14)
	typeVector  = myx.ColumnType(242)
)

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

var (
	typeInt8       = reflect.TypeFor[int8]()
	typeInt16      = reflect.TypeFor[int16]()
	typeInt32      = reflect.TypeFor[int32]()
	typeInt64      = reflect.TypeFor[int64]()
	typeUint8      = reflect.TypeFor[uint8]()
	typeUint16     = reflect.TypeFor[uint16]()
	typeUint32     = reflect.TypeFor[uint32]()
	typeUint64     = reflect.TypeFor[uint64]()
	typeFloat32    = reflect.TypeFor[float32]()
	typeFloat64    = reflect.TypeFor[float64]()
	typeString     = reflect.TypeFor[string]()
	typeBytes      = reflect.TypeFor[[]byte]()
	typeTime       = reflect.TypeFor[time.Time]()
	typeUnknown    = reflect.TypeFor[*any]()
	typeNullInt64  = reflect.TypeFor[sql.NullInt64]()
	typeNullUint64 = reflect.TypeFor[sql.Null[uint64]]()
	typeNullFloat  = reflect.TypeFor[sql.NullFloat64]()
	typeNullString = reflect.TypeFor[sql.NullString]()
	typeNullTime   = reflect.TypeFor[sql.NullTime]()
)

func scanType(c *myx.Column) reflect.Type {
	notNull := !c.Nullable()
	integer := func(signed, unsigned reflect.Type) reflect.Type {
		switch {
		case !notNull:
			return typeNullInt64
		case c.Unsigned():
			return unsigned
		}
		return signed
	}
	switch c.Type {
	case myx.TypeTiny:
		return integer(typeInt8, typeUint8)
	case myx.TypeShort, myx.TypeYear:
		return integer(typeInt16, typeUint16)
	case myx.TypeInt24, myx.TypeLong:
		return integer(typeInt32, typeUint32)
	case myx.TypeLongLong:
		if c.Unsigned() && !notNull {
			return typeNullUint64
		}
		return integer(typeInt64, typeUint64)
	case myx.TypeFloat:
		return pickType(notNull, typeFloat32, typeNullFloat)
	case myx.TypeDouble:
		return pickType(notNull, typeFloat64, typeNullFloat)
	case myx.TypeBit, myx.TypeTinyBlob, myx.TypeMediumBlob, myx.TypeLongBlob, myx.TypeBlob,
		myx.TypeVarString, myx.TypeString, myx.TypeGeometry, typeVector:
		if c.IsBinary() {
			return typeBytes
		}
		return pickType(notNull, typeString, typeNullString)
	case myx.TypeDecimal, myx.TypeNewDecimal, myx.TypeVarChar, myx.TypeEnum, myx.TypeSet,
		myx.TypeJSON, myx.TypeTime:
		return pickType(notNull, typeString, typeNullString)
	case myx.TypeDate, typeNewDate, myx.TypeTimestamp, myx.TypeDateTime:
		// Whatever the nullability, as go-sql-driver: sql.NullTime takes both time.Time and
		// the text of a date.
		return typeNullTime
	}
	return typeUnknown
}

func pickType(cond bool, yes, no reflect.Type) reflect.Type {
	if cond {
		return yes
	}
	return no
}

func precisionScale(c *myx.Column) (int64, int64, bool) {
	decimals := int64(c.Decimals)
	switch c.Type {
	case myx.TypeDecimal, myx.TypeNewDecimal:
		// The display length counts the digits, a sign and a point when there are decimals
		// (go-sql-driver's reading, which counts a sign for unsigned columns too).
		if decimals > 0 {
			return int64(c.Length) - 2, decimals, true
		}
		return int64(c.Length) - 1, decimals, true
	case myx.TypeTimestamp, myx.TypeDateTime, myx.TypeTime:
		return decimals, decimals, true
	case myx.TypeFloat, myx.TypeDouble:
		if c.Decimals == 0x1f {
			return math.MaxInt64, math.MaxInt64, true
		}
		return math.MaxInt64, decimals, true
	}
	return 0, 0, false
}
