package sqlb

import (
	"fmt"
	"strings"
)

// AnyColumn is a column without its Go type: what tables, indexes and foreign keys hold,
// and what compiled statements report for each selected column.
type AnyColumn interface {
	Expression
	IndexPart
	// Name is the column name.
	Name() string
	// From is the table, alias, derived table or CTE the column belongs to.
	From() FromItem
	// Table is the table or alias the column belongs to, nil for a column of a derived
	// table or CTE.
	Table() *Table
	// Definition describes a table column (type, nullability, default...); it is the
	// zero value for columns of derived tables and CTEs.
	Definition() ColumnDefinition
	// Origin is, for a column of a derived table or CTE, the expression the query
	// selected for it (often a table column); nil for table columns.
	Origin() Expression
	// GoType names the Go type of the column's values, for example "int64".
	GoType() string

	sameGoType(other AnyColumn) bool
	cloneFor(from FromItem) AnyColumn
	columnIndex() int
	definition() *ColumnDefinition
}

// ColumnDefinition is what CREATE TABLE says about a column.
type ColumnDefinition struct {
	Type          ColumnType
	Nullable      bool
	AutoIncrement bool
	PrimaryKey    bool // the column is part of the primary key
	// HasDefault is true when DEFAULT is given: Default is the literal value (nil for
	// DEFAULT NULL) or DefaultExpr the expression.
	HasDefault  bool
	Default     any
	DefaultExpr Expression
	// DefaultCurrentTimestamp and OnUpdateCurrentTimestamp are the special timestamp
	// clauses DEFAULT CURRENT_TIMESTAMP and ON UPDATE CURRENT_TIMESTAMP.
	DefaultCurrentTimestamp  bool
	OnUpdateCurrentTimestamp bool
	Charset                  string
	Collation                string
	Comment                  string
	// Generated is the expression of a generated column (GENERATED ALWAYS AS), nil for
	// an ordinary column; GeneratedStored tells STORED from VIRTUAL.
	Generated       Expression
	GeneratedStored bool
}

// Column is a column whose values have the Go type T. Table columns come from
// AddColumn; columns of aliases, derived tables and CTEs from Of and Col. Its operators
// (Eq, In, Like, Add, Label, Asc...) are those of the embedded Operators.
type Column[T any] struct {
	Operators[T]
	from   FromItem
	name   string
	index  int
	def    *ColumnDefinition // shared by a table column and its copies in aliases
	origin Expression        // for columns of derived tables and CTEs
	err    string            // set when the column could not be resolved
}

func (c *Column[T]) init() *Column[T] {
	c.Operators = Operators[T]{n: c}
	return c
}

// Name is the column name.
func (c *Column[T]) Name() string { return c.name }

// From is the table, alias, derived table or CTE the column belongs to.
func (c *Column[T]) From() FromItem { return c.from }

// Table is the table or alias of the column, nil for derived tables and CTEs.
func (c *Column[T]) Table() *Table {
	t, _ := c.from.(*Table)
	return t
}

// Definition describes the column as CREATE TABLE does.
func (c *Column[T]) Definition() ColumnDefinition {
	if c.def == nil {
		return ColumnDefinition{}
	}
	return *c.def
}

// Origin is the expression a derived table or CTE selected for this column.
func (c *Column[T]) Origin() Expression { return c.origin }

// GoType names T.
func (c *Column[T]) GoType() string { return goTypeName[T]() }

func goTypeName[T any]() string {
	return strings.TrimPrefix(fmt.Sprintf("%T", (*T)(nil)), "*")
}

func (c *Column[T]) sameGoType(other AnyColumn) bool {
	_, ok := other.(*Column[T])
	return ok
}

func (c *Column[T]) cloneFor(from FromItem) AnyColumn {
	clone := *c
	clone.from = from
	return clone.init()
}

func (c *Column[T]) columnIndex() int                { return c.index }
func (c *Column[T]) definition() *ColumnDefinition   { return c.def }
func (c *Column[T]) sqlNode() node                   { return c }
func (c *Column[T]) selectExpressions() []Expression { return []Expression{c} }
func (c *Column[T]) orderTerm() orderTerm            { return orderTerm{n: c} }
func (c *Column[T]) indexPart() (AnyColumn, int)     { return c, 0 }
func (c *Column[T]) precedence() int                 { return precAtom }
func (c *Column[T]) collectFroms(add func(FromItem)) { add(c.from) }
func (c *Column[T]) derive(from FromItem, name string) AnyColumn {
	return newDerivedColumn[T](from, name, c)
}

func (c *Column[T]) writeSQL(cc *compiler) {
	if c.err != "" {
		cc.failf(c.err)
		return
	}
	if cc.compoundLabels != nil {
		for _, rc := range cc.compoundLabels {
			if rc.column != nil && sameColumn(rc.column, c) && rc.name != "" {
				cc.ident(rc.name)
				return
			}
		}
	}
	if cc.bareColumnsOf != nil && cc.bareColumnsOf == c.from {
		cc.ident(c.name)
		return
	}
	c.from.writeQualifier(cc)
	cc.writeByte('.')
	cc.ident(c.name)
}

// Of returns the same column as seen through from: the column of a table alias, or the
// column of a derived table or CTE that selected it. When from has no such column the
// result fails the compilation of any statement that uses it.
//
//	mgr := employees.As("mgr")
//	employees.ManagerID.EqExpr(employees.ID.Of(mgr))
func (c *Column[T]) Of(from FromItem) *Column[T] {
	from = unwrapFrom(from)
	if isNilFrom(from) {
		return badColumn[T](c.name, "Of(nil)")
	}
	_, isTable := from.(*Table)
	for _, col := range from.Columns() {
		if col == AnyColumn(c) || derivesFrom(col, c) || (isTable && sameBaseColumn(col, c)) {
			if typedCol, ok := col.(*Column[T]); ok {
				return typedCol
			}
		}
	}
	return badColumn[T](c.name, fmt.Sprintf("column %q is not in %s", c.name, describeFrom(from)))
}

// Set assigns a value to the column in INSERT, UPDATE and ON DUPLICATE KEY UPDATE.
func (c *Column[T]) Set(v T) Assignment {
	return Assignment{column: c, value: bindNode{v}}
}

// SetExpr assigns an expression to the column.
func (c *Column[T]) SetExpr(e Expr[T]) Assignment {
	return Assignment{column: c, value: nodeOf(e)}
}

// Assignment is "column = value", made by Column.Set and Column.SetExpr.
type Assignment struct {
	column AnyColumn
	value  node
}

// Column is the assigned column.
func (a Assignment) Column() AnyColumn { return a.column }

// Col looks a column up by name (case-insensitively, as the server does) in a table,
// alias, derived table or CTE, with the Go type T. When there is no such column, or its
// Go type is not T, the result fails the compilation of any statement that uses it.
//
//	total := sqlb.Col[int64](perUser, "total")
func Col[T any](from FromItem, name string) *Column[T] {
	from = unwrapFrom(from)
	if isNilFrom(from) {
		return badColumn[T](name, "Col(nil, ...)")
	}
	for _, col := range from.Columns() {
		if strings.EqualFold(col.Name(), name) {
			if typedCol, ok := col.(*Column[T]); ok {
				return typedCol
			}
			return badColumn[T](name, fmt.Sprintf("column %q of %s has Go type %s, not %s", name, describeFrom(from), col.GoType(), goTypeName[T]()))
		}
	}
	return badColumn[T](name, fmt.Sprintf("no column %q in %s", name, describeFrom(from)))
}

func badColumn[T any](name, msg string) *Column[T] {
	c := &Column[T]{name: name, err: msg}
	return c.init()
}

func newDerivedColumn[T any](from FromItem, name string, origin Expression) *Column[T] {
	c := &Column[T]{from: from, name: name, origin: origin, index: -1}
	return c.init()
}

// sameColumn reports whether a and b are the same table column, possibly seen through
// different aliases.
func sameColumn(a, b AnyColumn) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil {
		return false
	}
	return a.definition() != nil && a.definition() == b.definition() && a.From() == b.From()
}

// sameBaseColumn reports whether a and b are the same column of the same table
// definition, ignoring aliases.
func sameBaseColumn(a, b AnyColumn) bool {
	return a != nil && b != nil && a.definition() != nil && a.definition() == b.definition()
}

// derivesFrom reports whether col (of a derived table or CTE) selected target, directly
// or through further derived tables.
func derivesFrom(col, target AnyColumn) bool {
	for depth := 0; col != nil && depth < 100; depth++ {
		origin := col.Origin()
		if origin == nil {
			return false
		}
		n := origin.sqlNode()
		if l, ok := n.(*labelNode); ok {
			n = l.x
		}
		next, ok := n.(AnyColumn)
		if !ok {
			return false
		}
		if sameColumn(next, target) {
			return true
		}
		col = next
	}
	return false
}

func describeFrom(from FromItem) string {
	switch f := from.(type) {
	case *Table:
		if f.aliasOf != nil {
			return fmt.Sprintf("alias %q of table %q", f.name, f.aliasOf.name)
		}
		return fmt.Sprintf("table %q", f.name)
	case *Subquery:
		return fmt.Sprintf("derived table %q", f.alias)
	case *CTE:
		return fmt.Sprintf("CTE %q", f.fromName())
	}
	return "FROM item"
}

// ColumnOption configures a column in AddColumn.
type ColumnOption func(*columnSpec)

// columnSpec collects what the options ask for before the column joins its table.
type columnSpec struct {
	def        ColumnDefinition
	primaryKey bool
	unique     bool
	indexed    bool
	references []foreignKeyRequest
	errs       []string
}

type foreignKeyRequest struct {
	target AnyColumn
	opts   []ForeignKeyOption
}

// PrimaryKey makes the column part of the table's primary key (several columns with
// this option form a composite key, in definition order).
func PrimaryKey() ColumnOption { return func(s *columnSpec) { s.primaryKey = true } }

// AutoIncrement makes the column AUTO_INCREMENT (it must be an indexed integer column).
func AutoIncrement() ColumnOption { return func(s *columnSpec) { s.def.AutoIncrement = true } }

// Nullable lets the column hold NULL. Columns are NOT NULL unless given this option,
// because Go values of T cannot be NULL; scan nullable columns into sql.Null[T] or *T.
func Nullable() ColumnOption { return func(s *columnSpec) { s.def.Nullable = true } }

// Unique adds a single-column unique key.
func Unique() ColumnOption { return func(s *columnSpec) { s.unique = true } }

// Indexed adds a single-column index.
func Indexed() ColumnOption { return func(s *columnSpec) { s.indexed = true } }

// Default sets a literal default value (nil means DEFAULT NULL). DDL cannot use
// parameters, so the value is written into the SQL as a correctly escaped literal; it
// must be a string, []byte, bool, number, time.Time or time.Duration.
func Default(v any) ColumnOption {
	return func(s *columnSpec) {
		s.def.HasDefault = true
		s.def.Default = v
	}
}

// DefaultExpr sets an expression default, written as DEFAULT (expr) (MySQL 8.0.13+,
// MariaDB 10.2.1+).
func DefaultExpr(e Expression) ColumnOption {
	return func(s *columnSpec) {
		s.def.HasDefault = true
		s.def.DefaultExpr = e
	}
}

// DefaultCurrentTimestamp sets DEFAULT CURRENT_TIMESTAMP, with the precision of the
// column's type, for DATETIME and TIMESTAMP columns (any server version).
func DefaultCurrentTimestamp() ColumnOption {
	return func(s *columnSpec) { s.def.DefaultCurrentTimestamp = true }
}

// OnUpdateCurrentTimestamp sets ON UPDATE CURRENT_TIMESTAMP for DATETIME and TIMESTAMP
// columns.
func OnUpdateCurrentTimestamp() ColumnOption {
	return func(s *columnSpec) { s.def.OnUpdateCurrentTimestamp = true }
}

// Generated makes the column a VIRTUAL generated column: GENERATED ALWAYS AS (e)
// VIRTUAL, computed when read (MySQL 5.7.6+, MariaDB 10.2.1+). Columns of the table in e
// are written unqualified. MariaDB accepts no NOT NULL on generated columns, so there
// they must also be Nullable; compiling the DDL for MariaDB says so otherwise.
func Generated(e Expression) ColumnOption {
	return func(s *columnSpec) {
		s.def.Generated = e
		s.def.GeneratedStored = false
	}
}

// GeneratedStored makes the column a STORED generated column: GENERATED ALWAYS AS (e)
// STORED, computed when the row is written. See Generated.
func GeneratedStored(e Expression) ColumnOption {
	return func(s *columnSpec) {
		s.def.Generated = e
		s.def.GeneratedStored = true
	}
}

// Comment sets the column comment.
func Comment(text string) ColumnOption { return func(s *columnSpec) { s.def.Comment = text } }

// Charset sets the column's character set, for example "utf8mb4".
func Charset(name string) ColumnOption { return func(s *columnSpec) { s.def.Charset = name } }

// Collate sets the column's collation, for example "utf8mb4_bin".
func Collate(name string) ColumnOption { return func(s *columnSpec) { s.def.Collation = name } }

// References adds a single-column foreign key to target.
func References(target AnyColumn, opts ...ForeignKeyOption) ColumnOption {
	return func(s *columnSpec) {
		s.references = append(s.references, foreignKeyRequest{target: target, opts: opts})
	}
}

// AddColumn defines a column of table t with SQL type typ; the Go type T of its values
// follows from typ. Mistakes (a duplicate name, an alias as table) are recorded on the
// table and reported by t.Err() and by compiling any statement that uses it.
//
//	id := sqlb.AddColumn(users, "id", sqlb.BigInt(), sqlb.PrimaryKey(), sqlb.AutoIncrement())
func AddColumn[T any](t *Table, name string, typ Type[T], opts ...ColumnOption) *Column[T] {
	if t == nil {
		return badColumn[T](name, "AddColumn on a nil table")
	}
	spec := columnSpec{def: ColumnDefinition{Type: typ}}
	for _, opt := range opts {
		if opt != nil {
			opt(&spec)
		}
	}
	spec.def.PrimaryKey = spec.primaryKey
	def := spec.def
	col := &Column[T]{from: t, name: name, index: len(t.columns), def: &def}
	col.init()
	if t.aliasOf != nil {
		t.addError(fmt.Errorf("sqlb: cannot add column %q to alias %q; add it to table %q", name, t.name, t.aliasOf.name))
		col.err = fmt.Sprintf("column %q was added to an alias", name)
		return col
	}
	if err := checkIdent("column", name, MaxIdentifierLength); err != nil {
		t.addError(err)
	}
	if t.Column(name) != nil {
		t.addError(fmt.Errorf("sqlb: table %q already has a column %q", t.name, name))
	}
	if def.AutoIncrement {
		switch typ.s.name {
		case "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT":
		default:
			t.addError(fmt.Errorf("sqlb: AUTO_INCREMENT column %q of table %q must have an integer type", name, t.name))
		}
	}
	t.columns = append(t.columns, col)
	t.aliasMu.Lock()
	for _, a := range t.aliases {
		a.columns = append(a.columns, col.cloneFor(a))
	}
	t.aliasMu.Unlock()
	if spec.primaryKey {
		t.primaryKey = append(t.primaryKey, col)
	}
	if spec.unique {
		t.AddUniqueKey("", col)
	}
	if spec.indexed {
		t.AddIndex("", col)
	}
	for _, ref := range spec.references {
		t.AddForeignKey([]AnyColumn{col}, []AnyColumn{ref.target}, ref.opts...)
	}
	return col
}
