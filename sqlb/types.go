package sqlb

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ColumnType is the SQL type of a column as CREATE TABLE writes it. Type[T] is the only
// implementation; this interface is the view without the Go type.
type ColumnType interface {
	// String renders the type as MySQL writes it, for example "VARCHAR(255)".
	String() string
	// Info returns the type in parts, or the mistake it was constructed with (an
	// out-of-range length, say), which compiling DDL with it also reports.
	Info() (TypeInfo, error)
	spec() typeSpec
}

// TypeInfo is a column type in parts, for tools that write types out, such as code
// generation. Rendering the parts gives String's text.
type TypeInfo struct {
	// Name is the type name as its constructor writes it ("INT", "VARCHAR", "DATETIME",
	// "ENUM"); for a CustomType it is the whole SQL text given.
	Name string
	// Args are the numbers in parentheses: a length, a precision and scale, or the
	// fractional seconds precision (none for DATETIME(0), written DATETIME).
	Args []int
	// Values are the members of an ENUM or a SET.
	Values []string
	// Unsigned is true for the UNSIGNED integer types.
	Unsigned bool
}

// Type is a SQL column type whose values are the Go type T. The constructors choose
// the natural T (int64 for signed integers, uint64 for unsigned ones, string for
// character and DECIMAL types, []byte for binary types, time.Time for dates, float64 for
// floating point); TypeAs picks another.
type Type[T any] struct {
	s typeSpec
}

// typeSpec is the description a type renders from.
type typeSpec struct {
	name     string   // DATETIME, VARCHAR, ...
	args     []int    // the numbers in parentheses
	values   []string // ENUM and SET members
	unsigned bool
	feature  *feature // needed by the dialect, if any
	err      string   // a construction mistake, reported when the DDL compiles
}

func (t Type[T]) spec() typeSpec { return t.s }

// Info returns the type in parts (see ColumnType).
func (t Type[T]) Info() (TypeInfo, error) {
	if t.s.err != "" {
		return TypeInfo{}, errors.New("sqlb: " + t.s.err)
	}
	if t.s.name == "" {
		return TypeInfo{}, errors.New("sqlb: column without a type")
	}
	return TypeInfo{Name: t.s.name, Args: slices.Clone(t.s.args), Values: slices.Clone(t.s.values), Unsigned: t.s.unsigned}, nil
}

// String renders the type for MySQL.
func (t Type[T]) String() string {
	out, err := compile(DefaultDialect, func(c *compiler) { c.columnType(t.s) })
	if err != nil {
		return "<invalid type: " + err.Error() + ">"
	}
	return out.SQL
}

// columnType writes a column type.
func (c *compiler) columnType(s typeSpec) {
	switch {
	case s.err != "":
		c.failf(s.err)
		return
	case s.name == "":
		c.failf("column without a type")
		return
	case s.feature != nil && !c.require(*s.feature):
		return
	}
	c.write(s.name)
	if len(s.args) > 0 {
		c.writeByte('(')
		for i, a := range s.args {
			if i > 0 {
				c.writeByte(',')
			}
			c.writeInt(int64(a))
		}
		c.writeByte(')')
	}
	if s.values != nil {
		c.writeByte('(')
		for i, v := range s.values {
			if i > 0 {
				c.writeByte(',')
			}
			c.stringLiteral(v)
		}
		c.writeByte(')')
	}
	if s.unsigned {
		c.write(" UNSIGNED")
	}
}

func newType[T any](name string, args ...int) Type[T] {
	return Type[T]{s: typeSpec{name: name, args: args}}
}

func badType[T any](format string, a ...any) Type[T] {
	return Type[T]{s: typeSpec{err: fmt.Sprintf(format, a...)}}
}

// TinyInt is TINYINT (-128..127).
func TinyInt() Type[int64] { return newType[int64]("TINYINT") }

// SmallInt is SMALLINT (16 bits).
func SmallInt() Type[int64] { return newType[int64]("SMALLINT") }

// MediumInt is MEDIUMINT (24 bits).
func MediumInt() Type[int64] { return newType[int64]("MEDIUMINT") }

// Int is INT (32 bits).
func Int() Type[int64] { return newType[int64]("INT") }

// BigInt is BIGINT (64 bits).
func BigInt() Type[int64] { return newType[int64]("BIGINT") }

// Unsigned makes an integer type UNSIGNED, with Go type uint64.
func Unsigned(t Type[int64]) Type[uint64] {
	s := t.s
	switch s.name {
	case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT":
	default:
		if s.err == "" {
			s.err = fmt.Sprintf("UNSIGNED applies to integer types, not %s", s.name)
		}
	}
	s.unsigned = true
	return Type[uint64]{s: s}
}

// Boolean is BOOLEAN (a synonym for TINYINT(1)).
func Boolean() Type[bool] { return newType[bool]("BOOLEAN") }

// Decimal is DECIMAL(precision, scale), exact; its Go type is string so no digit is
// lost (use TypeAs for a decimal type of your own that scans from text).
func Decimal(precision, scale int) Type[string] {
	if err := checkDecimal(precision, scale); err != "" {
		return badType[string]("%s", err)
	}
	return newType[string]("DECIMAL", precision, scale)
}

func checkDecimal(precision, scale int) string {
	switch {
	case precision < 1 || precision > 65:
		return fmt.Sprintf("DECIMAL precision %d out of range 1-65", precision)
	case scale < 0 || scale > 30:
		return fmt.Sprintf("DECIMAL scale %d out of range 0-30", scale)
	case scale > precision:
		return fmt.Sprintf("DECIMAL scale %d larger than precision %d", scale, precision)
	}
	return ""
}

// Float is FLOAT, single precision.
func Float() Type[float64] { return newType[float64]("FLOAT") }

// Double is DOUBLE, double precision.
func Double() Type[float64] { return newType[float64]("DOUBLE") }

// Char is CHAR(length), 0 to 255 characters.
func Char(length int) Type[string] {
	if length < 0 || length > 255 {
		return badType[string]("CHAR length %d out of range 0-255", length)
	}
	return newType[string]("CHAR", length)
}

// VarChar is VARCHAR(length), 1 to 65535 characters (the row size limit may be lower).
func VarChar(length int) Type[string] {
	if length < 1 || length > 65535 {
		return badType[string]("VARCHAR length %d out of range 1-65535", length)
	}
	return newType[string]("VARCHAR", length)
}

// TinyText is TINYTEXT (255 bytes).
func TinyText() Type[string] { return newType[string]("TINYTEXT") }

// TextType is TEXT (64 KiB). (Text is the raw SQL expression.)
func TextType() Type[string] { return newType[string]("TEXT") }

// MediumText is MEDIUMTEXT (16 MiB).
func MediumText() Type[string] { return newType[string]("MEDIUMTEXT") }

// LongText is LONGTEXT (4 GiB).
func LongText() Type[string] { return newType[string]("LONGTEXT") }

// Binary is BINARY(length), 0 to 255 bytes.
func Binary(length int) Type[[]byte] {
	if length < 0 || length > 255 {
		return badType[[]byte]("BINARY length %d out of range 0-255", length)
	}
	return newType[[]byte]("BINARY", length)
}

// VarBinary is VARBINARY(length), 1 to 65535 bytes.
func VarBinary(length int) Type[[]byte] {
	if length < 1 || length > 65535 {
		return badType[[]byte]("VARBINARY length %d out of range 1-65535", length)
	}
	return newType[[]byte]("VARBINARY", length)
}

// TinyBlob is TINYBLOB (255 bytes).
func TinyBlob() Type[[]byte] { return newType[[]byte]("TINYBLOB") }

// Blob is BLOB (64 KiB).
func Blob() Type[[]byte] { return newType[[]byte]("BLOB") }

// MediumBlob is MEDIUMBLOB (16 MiB).
func MediumBlob() Type[[]byte] { return newType[[]byte]("MEDIUMBLOB") }

// LongBlob is LONGBLOB (4 GiB).
func LongBlob() Type[[]byte] { return newType[[]byte]("LONGBLOB") }

// Bit is BIT(bits), 1 to 64 bits.
func Bit(bits int) Type[uint64] {
	if bits < 1 || bits > 64 {
		return badType[uint64]("BIT width %d out of range 1-64", bits)
	}
	return newType[uint64]("BIT", bits)
}

// Date is DATE.
func Date() Type[time.Time] { return newType[time.Time]("DATE") }

// DateTime is DATETIME(fsp), with fsp (0 to 6) fractional second digits.
func DateTime(fsp int) Type[time.Time] { return fspType[time.Time]("DATETIME", fsp) }

// Timestamp is TIMESTAMP(fsp), stored in UTC and shown in the session time zone.
func Timestamp(fsp int) Type[time.Time] { return fspType[time.Time]("TIMESTAMP", fsp) }

// Time is TIME(fsp), a time of day or a duration (-838:59:59 to 838:59:59).
func Time(fsp int) Type[time.Duration] { return fspType[time.Duration]("TIME", fsp) }

func fspType[T any](name string, fsp int) Type[T] {
	if fsp < 0 || fsp > 6 {
		return badType[T]("%s fractional seconds precision %d out of range 0-6", name, fsp)
	}
	if fsp == 0 {
		return newType[T](name)
	}
	return newType[T](name, fsp)
}

// Year is YEAR (1901 to 2155).
func Year() Type[int64] { return newType[int64]("YEAR") }

// JSON is JSON (MySQL 5.7.8+; on MariaDB 10.2.7+ an alias for LONGTEXT checked with
// JSON_VALID). Its Go type is string: documents travel as text.
func JSON() Type[string] {
	t := newType[string]("JSON")
	t.s.feature = &featureJSONType
	return t
}

// Enum is ENUM('a', 'b', ...).
func Enum(values ...string) Type[string] { return memberType("ENUM", values) }

// SetOf is SET('a', 'b', ...): a value is a comma-separated subset of the members.
func SetOf(values ...string) Type[string] { return memberType("SET", values) }

func memberType(name string, values []string) Type[string] {
	if len(values) == 0 {
		return badType[string]("%s needs at least one member", name)
	}
	if name == "SET" && len(values) > 64 {
		return badType[string]("SET has at most 64 members, not %d", len(values))
	}
	t := newType[string](name)
	t.s.values = slices.Clone(values)
	return t
}

// CustomType is a column type written as sql in CREATE TABLE (for example "GEOMETRY" or
// "POINT SRID 4326"), with Go type T. sql is trusted DDL text, not a value.
func CustomType[T any](sql string) Type[T] {
	if sql == "" {
		return badType[T]("empty custom column type")
	}
	return newType[T](sql)
}

// TypeAs keeps the SQL type of t and changes its Go type to T, for example an INT
// column of Go type int32, or a JSON column read into json.RawMessage.
//
//	sqlb.TypeAs[int32](sqlb.Int())
func TypeAs[T, S any](t Type[S]) Type[T] { return Type[T]{s: t.s} }
