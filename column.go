package myx

import (
	"reflect"
	"time"

	"github.com/myxdb/myx/internal/wire"
)

// ColumnType is the protocol type of a result column (MYSQL_TYPE_*).
type ColumnType byte

// Column types as the server reports them.
const (
	TypeDecimal    = ColumnType(wire.TypeDecimal)
	TypeTiny       = ColumnType(wire.TypeTiny)
	TypeShort      = ColumnType(wire.TypeShort)
	TypeLong       = ColumnType(wire.TypeLong)
	TypeFloat      = ColumnType(wire.TypeFloat)
	TypeDouble     = ColumnType(wire.TypeDouble)
	TypeNull       = ColumnType(wire.TypeNull)
	TypeTimestamp  = ColumnType(wire.TypeTimestamp)
	TypeLongLong   = ColumnType(wire.TypeLongLong)
	TypeInt24      = ColumnType(wire.TypeInt24)
	TypeDate       = ColumnType(wire.TypeDate)
	TypeTime       = ColumnType(wire.TypeTime)
	TypeDateTime   = ColumnType(wire.TypeDateTime)
	TypeYear       = ColumnType(wire.TypeYear)
	TypeVarChar    = ColumnType(wire.TypeVarChar)
	TypeBit        = ColumnType(wire.TypeBit)
	TypeJSON       = ColumnType(wire.TypeJSON)
	TypeNewDecimal = ColumnType(wire.TypeNewDecimal)
	TypeEnum       = ColumnType(wire.TypeEnum)
	TypeSet        = ColumnType(wire.TypeSet)
	TypeTinyBlob   = ColumnType(wire.TypeTinyBlob)
	TypeMediumBlob = ColumnType(wire.TypeMediumBlob)
	TypeLongBlob   = ColumnType(wire.TypeLongBlob)
	TypeBlob       = ColumnType(wire.TypeBlob)
	TypeVarString  = ColumnType(wire.TypeVarString)
	TypeString     = ColumnType(wire.TypeString)
	TypeGeometry   = ColumnType(wire.TypeGeometry)
)

var typeNames = map[ColumnType]string{
	TypeDecimal: "DECIMAL", TypeNewDecimal: "DECIMAL", TypeTiny: "TINYINT", TypeShort: "SMALLINT",
	TypeLong: "INT", TypeFloat: "FLOAT", TypeDouble: "DOUBLE", TypeNull: "NULL",
	TypeTimestamp: "TIMESTAMP", TypeLongLong: "BIGINT", TypeInt24: "MEDIUMINT", TypeDate: "DATE",
	TypeTime: "TIME", TypeDateTime: "DATETIME", TypeYear: "YEAR", TypeVarChar: "VARCHAR",
	TypeBit: "BIT", TypeJSON: "JSON", TypeEnum: "ENUM", TypeSet: "SET", TypeTinyBlob: "TINYBLOB",
	TypeMediumBlob: "MEDIUMBLOB", TypeLongBlob: "LONGBLOB", TypeBlob: "BLOB",
	TypeVarString: "VARCHAR", TypeString: "CHAR", TypeGeometry: "GEOMETRY",
}

// String gives the SQL type name, e.g. "INT" or "VARCHAR".
func (t ColumnType) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return "UNKNOWN"
}

// ColumnFlags are the column definition flags (NOT_NULL, UNSIGNED, ...).
type ColumnFlags uint16

// Column flags.
const (
	FlagNotNull       = ColumnFlags(wire.FlagNotNull)
	FlagPrimaryKey    = ColumnFlags(wire.FlagPriKey)
	FlagUniqueKey     = ColumnFlags(wire.FlagUniqueKey)
	FlagMultipleKey   = ColumnFlags(wire.FlagMultipleKey)
	FlagBlob          = ColumnFlags(wire.FlagBlob)
	FlagUnsigned      = ColumnFlags(wire.FlagUnsigned)
	FlagZeroFill      = ColumnFlags(wire.FlagZeroFill)
	FlagBinary        = ColumnFlags(wire.FlagBinary)
	FlagEnum          = ColumnFlags(wire.FlagEnum)
	FlagAutoIncrement = ColumnFlags(wire.FlagAutoIncrement)
	FlagTimestamp     = ColumnFlags(wire.FlagTimestamp)
	FlagSet           = ColumnFlags(wire.FlagSet)
)

// Column describes one column of a result set. Its strings are owned by the Column and stay
// valid after the Rows is closed.
type Column struct {
	// Name is the column's label in the result (its alias if one was given).
	Name string
	// OrgName is the underlying column name, empty for expressions.
	OrgName string
	// Table is the table's alias in the query; OrgTable the underlying table; Schema its database.
	Table, OrgTable, Schema string
	Type                    ColumnType
	Flags                   ColumnFlags
	// Length is the maximum display length in bytes; Decimals the scale of DECIMAL and the
	// fractional-second precision of temporal types.
	Length    uint32
	Decimals  uint8
	Collation uint16
	// dec is the column's decoding plan (decode.go), computed once when the definition
	// arrives. It sits here, in what would be padding, so that a Column is no larger.
	dec decoding
	// ExtType is MariaDB's extended type name ("uuid", "inet6", ...) or format ("json") when
	// the server reports one.
	ExtType string
}

// Nullable reports whether the column can hold NULL.
func (c *Column) Nullable() bool { return c.Flags&FlagNotNull == 0 }

// Unsigned reports whether an integer column is unsigned.
func (c *Column) Unsigned() bool { return c.Flags&FlagUnsigned != 0 }

// IsBinary reports whether a string-like column holds bytes rather than text.
func (c *Column) IsBinary() bool { return c.Collation == wire.BinaryCollation }

// DatabaseTypeName gives the SQL type name, with "UNSIGNED" for unsigned integers and "JSON"
// for MariaDB's JSON columns.
func (c *Column) DatabaseTypeName() string {
	if c.ExtType == "json" {
		return "JSON"
	}
	name := c.Type.String()
	switch c.Type {
	case TypeTiny, TypeShort, TypeInt24, TypeLong, TypeLongLong:
		if c.Unsigned() {
			return name + " UNSIGNED"
		}
	case TypeBlob, TypeTinyBlob, TypeMediumBlob, TypeLongBlob:
		if !c.IsBinary() {
			switch c.Type {
			case TypeTinyBlob:
				return "TINYTEXT"
			case TypeMediumBlob:
				return "MEDIUMTEXT"
			case TypeLongBlob:
				return "LONGTEXT"
			}
			return "TEXT"
		}
	case TypeVarString, TypeVarChar:
		if c.IsBinary() {
			return "VARBINARY"
		}
	case TypeString:
		if c.IsBinary() {
			return "BINARY"
		}
		if c.Flags&FlagEnum != 0 {
			return "ENUM"
		}
		if c.Flags&FlagSet != 0 {
			return "SET"
		}
	}
	return name
}

var (
	typeInt64    = reflect.TypeFor[int64]()
	typeUint64   = reflect.TypeFor[uint64]()
	typeFloat64  = reflect.TypeFor[float64]()
	typeFloat32  = reflect.TypeFor[float32]()
	typeString   = reflect.TypeFor[string]()
	typeBytes    = reflect.TypeFor[[]byte]()
	typeTime     = reflect.TypeFor[time.Time]()
	typeDuration = reflect.TypeFor[time.Duration]()
	typeAny      = reflect.TypeFor[any]()
)

// ScanType is the Go type that Rows.Values gives for this column when it is not NULL (the
// native face of the decoding table in decode.go).
func (c *Column) ScanType() reflect.Type {
	dec := c.dec
	if dec == decUnset {
		dec = decodingOf(c)
	}
	switch dec {
	case decInt, decYear:
		return typeInt64
	case decUint64, decBit:
		return typeUint64
	case decFloat32:
		return typeFloat32
	case decFloat64:
		return typeFloat64
	case decDate, decDateTime:
		return typeTime
	case decTime:
		return typeDuration
	case decNull:
		return typeAny
	case decBytes:
		return typeBytes
	}
	return typeString
}

// extType is the extended type name, or failing that the format ("json").
func extType(d *wire.ColumnDef) string {
	if len(d.ExtType) > 0 {
		return string(d.ExtType)
	}
	return string(d.ExtFormat)
}

func newColumn(d *wire.ColumnDef) Column {
	c := Column{
		Name:      string(d.Name),
		OrgName:   string(d.OrgName),
		Table:     string(d.Table),
		OrgTable:  string(d.OrgTable),
		Schema:    string(d.Schema),
		Type:      ColumnType(d.Type),
		Flags:     ColumnFlags(d.Flags),
		Length:    d.Length,
		Decimals:  d.Decimals,
		Collation: d.Collation,
		ExtType:   extType(d),
	}
	c.dec = decodingOf(&c)
	return c
}
