package sqlb

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// MetaData is a collection of tables: the schema a program works with. CreateAllDDL
// and DropAllDDL produce the DDL for all of them in foreign-key order.
//
// Define tables and columns once (typically in package variables or an init function)
// before using them; after that a MetaData and its tables are only read, and may be
// shared by any number of goroutines.
type MetaData struct {
	tables []*Table
	errs   []error
}

// NewMetaData returns an empty MetaData.
func NewMetaData() *MetaData { return &MetaData{} }

// NewTable defines a table in m.
func (m *MetaData) NewTable(name string, opts ...TableOption) *Table {
	t := &Table{meta: m, name: name}
	if m == nil {
		t.addError(fmt.Errorf("sqlb: table %q defined on a nil MetaData (use NewMetaData)", name))
		return t
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&t.options)
		}
	}
	if err := checkIdent("table", name, MaxIdentifierLength); err != nil {
		t.addError(err)
	}
	if t.options.Schema != "" {
		if err := checkIdent("schema", t.options.Schema, MaxIdentifierLength); err != nil {
			t.addError(err)
		}
	}
	for _, other := range m.tables {
		if strings.EqualFold(other.name, name) && other.options.Schema == t.options.Schema {
			t.addError(fmt.Errorf("sqlb: the metadata already has a table %q", name))
		}
	}
	m.tables = append(m.tables, t)
	return t
}

// Tables returns the tables in definition order.
func (m *MetaData) Tables() []*Table { return slices.Clone(m.tables) }

// Table returns the table named name, or nil.
func (m *MetaData) Table(name string) *Table {
	for _, t := range m.tables {
		if t.name == name {
			return t
		}
	}
	return nil
}

// Err returns the definition mistakes recorded in m's tables, or nil.
func (m *MetaData) Err() error {
	var errs []error
	for _, t := range m.tables {
		errs = append(errs, t.errs...)
	}
	return errors.Join(errs...)
}

// TableOptions are the MySQL table options of CREATE TABLE.
type TableOptions struct {
	Schema    string // the database the table lives in, when not the connection's
	Engine    string // ENGINE, for example "InnoDB"
	Charset   string // DEFAULT CHARSET, for example "utf8mb4"
	Collation string // COLLATE, for example "utf8mb4_unicode_ci"
	Comment   string // COMMENT
}

// TableOption configures a table in NewTable.
type TableOption func(*TableOptions)

// InSchema places the table in another database: it is written `schema`.`table`.
func InSchema(name string) TableOption { return func(o *TableOptions) { o.Schema = name } }

// Engine sets the storage engine, for example "InnoDB".
func Engine(name string) TableOption { return func(o *TableOptions) { o.Engine = name } }

// DefaultCharset sets the table's default character set.
func DefaultCharset(name string) TableOption { return func(o *TableOptions) { o.Charset = name } }

// DefaultCollation sets the table's default collation.
func DefaultCollation(name string) TableOption {
	return func(o *TableOptions) { o.Collation = name }
}

// TableComment sets the table comment.
func TableComment(text string) TableOption { return func(o *TableOptions) { o.Comment = text } }

// Table is a table of a MetaData, or an alias of one (see As). A table is a FromItem;
// selecting it selects all its columns.
type Table struct {
	meta        *MetaData
	name        string
	options     TableOptions
	columns     []AnyColumn
	primaryKey  []AnyColumn
	indexes     []Index
	foreignKeys []ForeignKey
	aliasOf     *Table
	errs        []error

	aliasMu sync.Mutex
	aliases map[string]*Table // made by As, by name
}

func (t *Table) addError(err error) {
	if t.aliasOf != nil {
		t.aliasOf.addError(err)
		return
	}
	t.errs = append(t.errs, err)
}

// Name is the table name, or for an alias the alias name.
func (t *Table) Name() string { return t.name }

// Options are the table options (an alias has those of its table).
func (t *Table) Options() TableOptions { return t.base().options }

// MetaData is the MetaData the table belongs to.
func (t *Table) MetaData() *MetaData { return t.base().meta }

// AliasOf is the table an alias stands for, or nil when t is not an alias.
func (t *Table) AliasOf() *Table { return t.aliasOf }

// base is the table itself, or the table behind an alias.
func (t *Table) base() *Table {
	if t.aliasOf != nil {
		return t.aliasOf
	}
	return t
}

// Err returns the definition mistakes recorded for the table, or nil.
func (t *Table) Err() error { return errors.Join(t.base().errs...) }

// Columns returns the columns in definition order.
func (t *Table) Columns() []AnyColumn { return slices.Clone(t.columns) }

// Column returns the column named name (compared case-insensitively), or nil.
func (t *Table) Column(name string) AnyColumn {
	for _, c := range t.columns {
		if strings.EqualFold(c.Name(), name) {
			return c
		}
	}
	return nil
}

// PrimaryKey returns the primary key columns.
func (t *Table) PrimaryKey() []AnyColumn { return t.mapColumns(t.base().primaryKey) }

// Indexes returns the indexes and unique keys.
func (t *Table) Indexes() []Index {
	out := slices.Clone(t.base().indexes)
	for i := range out {
		out[i].Parts = slices.Clone(out[i].Parts)
	}
	return out
}

// ForeignKeys returns the foreign keys; for an alias, their columns are the alias's.
func (t *Table) ForeignKeys() []ForeignKey {
	out := slices.Clone(t.base().foreignKeys)
	for i := range out {
		out[i].Columns = t.mapColumns(out[i].Columns)
		out[i].References = slices.Clone(out[i].References)
	}
	return out
}

// mapColumns returns the columns of t at the positions of cols (columns of t's base).
func (t *Table) mapColumns(cols []AnyColumn) []AnyColumn {
	out := make([]AnyColumn, len(cols))
	for i, c := range cols {
		out[i] = t.columns[c.columnIndex()]
	}
	return out
}

// As returns an alias of the table, for self-joins and for naming a table differently
// in one statement: FROM `table` AS `alias`. Get its columns with Column.Of. Asking twice
// for the same alias name gives the same alias, so separately built parts of a
// statement agree on it. As is safe for concurrent use.
func (t *Table) As(alias string) *Table {
	base := t.base()
	base.aliasMu.Lock()
	defer base.aliasMu.Unlock()
	if a, ok := base.aliases[alias]; ok {
		return a
	}
	if base.aliases == nil {
		base.aliases = map[string]*Table{}
	}
	a := &Table{meta: base.meta, name: alias, aliasOf: base}
	base.aliases[alias] = a
	if err := checkIdent("alias", alias, maxAliasLength); err != nil {
		a.errs = append(a.errs, err)
	}
	a.columns = make([]AnyColumn, len(base.columns))
	for i, c := range base.columns {
		a.columns[i] = c.cloneFor(a)
	}
	return a
}

// ownsColumn reports whether col is a column of t itself.
func (t *Table) ownsColumn(col AnyColumn) bool {
	return col != nil && col.From() == FromItem(t)
}

// SetPrimaryKey sets the primary key columns, in key order (instead of using the
// PrimaryKey column option).
func (t *Table) SetPrimaryKey(cols ...AnyColumn) {
	if t.aliasOf != nil {
		t.addError(fmt.Errorf("sqlb: cannot set the primary key of alias %q", t.name))
		return
	}
	for _, c := range t.primaryKey {
		c.definition().PrimaryKey = false
	}
	t.primaryKey = nil
	for _, c := range cols {
		if !t.ownsColumn(c) {
			t.addError(fmt.Errorf("sqlb: primary key of table %q names a column of another table", t.name))
			continue
		}
		c.definition().PrimaryKey = true
		t.primaryKey = append(t.primaryKey, c)
	}
}

// IndexPart is an element of an index: a column, or a prefix of one (see Prefix).
type IndexPart interface {
	indexPart() (AnyColumn, int)
}

type prefixPart struct {
	col    AnyColumn
	length int
}

func (p prefixPart) indexPart() (AnyColumn, int) { return p.col, p.length }

// Prefix indexes the first length characters (bytes for binary types) of col, as
// needed for TEXT and BLOB columns.
func Prefix(col AnyColumn, length int) IndexPart { return prefixPart{col: col, length: length} }

// Index is an index or unique key of a table.
type Index struct {
	Name   string
	Unique bool
	Parts  []IndexPart
}

// Columns returns the indexed columns.
func (ix Index) Columns() []AnyColumn {
	out := make([]AnyColumn, len(ix.Parts))
	for i, p := range ix.Parts {
		if p != nil {
			out[i], _ = p.indexPart()
		}
	}
	return out
}

// PrefixLengths returns, for each part, the length of the indexed prefix (see Prefix),
// 0 for a whole column; the parts are in the order of Columns.
func (ix Index) PrefixLengths() []int {
	out := make([]int, len(ix.Parts))
	for i, p := range ix.Parts {
		if p != nil {
			_, out[i] = p.indexPart()
		}
	}
	return out
}

// AddIndex adds an index on parts; an empty name is replaced by ix_<table>_<columns>.
func (t *Table) AddIndex(name string, parts ...IndexPart) { t.addIndex(name, false, parts) }

// AddUniqueKey adds a unique key on parts; an empty name is replaced by
// uq_<table>_<columns>.
func (t *Table) AddUniqueKey(name string, parts ...IndexPart) { t.addIndex(name, true, parts) }

func (t *Table) addIndex(name string, unique bool, parts []IndexPart) {
	if t.aliasOf != nil {
		t.addError(fmt.Errorf("sqlb: cannot add an index to alias %q", t.name))
		return
	}
	if len(parts) == 0 {
		t.addError(fmt.Errorf("sqlb: index on table %q without columns", t.name))
		return
	}
	var names []string
	for _, p := range parts {
		if p == nil {
			t.addError(fmt.Errorf("sqlb: nil column in an index of table %q", t.name))
			return
		}
		col, length := p.indexPart()
		if !t.ownsColumn(col) {
			t.addError(fmt.Errorf("sqlb: index of table %q names a column of another table", t.name))
			return
		}
		if length < 0 {
			t.addError(fmt.Errorf("sqlb: negative prefix length in an index of table %q", t.name))
		}
		names = append(names, col.Name())
	}
	if name == "" {
		prefix := "ix_"
		if unique {
			prefix = "uq_"
		}
		name = shortenIdent(prefix+t.name+"_"+strings.Join(names, "_"), MaxIdentifierLength)
	}
	if err := checkIdent("index", name, MaxIdentifierLength); err != nil {
		t.addError(err)
	}
	for _, ix := range t.indexes {
		if strings.EqualFold(ix.Name, name) {
			t.addError(fmt.Errorf("sqlb: table %q already has an index %q", t.name, name))
		}
	}
	t.indexes = append(t.indexes, Index{Name: name, Unique: unique, Parts: slices.Clone(parts)})
}

// ReferentialAction is what a foreign key does when the referenced row is deleted or
// its key updated.
type ReferentialAction int

const (
	// ActionDefault writes no clause: the server's default, which is RESTRICT.
	ActionDefault ReferentialAction = iota
	// Restrict rejects the change.
	Restrict
	// Cascade deletes or updates the referencing rows too.
	Cascade
	// SetNull sets the referencing columns to NULL (they must be Nullable).
	SetNull
	// NoAction is a synonym of Restrict in InnoDB.
	NoAction
	// SetDefault is parsed by the servers but rejected by InnoDB.
	SetDefault
)

// String returns the SQL of the action, for example "CASCADE".
func (a ReferentialAction) String() string {
	switch a {
	case Restrict:
		return "RESTRICT"
	case Cascade:
		return "CASCADE"
	case SetNull:
		return "SET NULL"
	case NoAction:
		return "NO ACTION"
	case SetDefault:
		return "SET DEFAULT"
	}
	return ""
}

// ForeignKey is a foreign key constraint: Columns of the table reference References,
// which are columns of one table (usually its primary key).
type ForeignKey struct {
	Name       string
	Columns    []AnyColumn
	References []AnyColumn
	OnDelete   ReferentialAction
	OnUpdate   ReferentialAction
}

// ReferencedTable is the table the foreign key points to.
func (fk ForeignKey) ReferencedTable() *Table {
	if len(fk.References) == 0 {
		return nil
	}
	return fk.References[0].Table()
}

// ForeignKeyOption configures a foreign key.
type ForeignKeyOption func(*ForeignKey)

// OnDelete sets the ON DELETE action.
func OnDelete(a ReferentialAction) ForeignKeyOption { return func(fk *ForeignKey) { fk.OnDelete = a } }

// OnUpdate sets the ON UPDATE action.
func OnUpdate(a ReferentialAction) ForeignKeyOption { return func(fk *ForeignKey) { fk.OnUpdate = a } }

// ConstraintName names the constraint; the default is fk_<table>_<columns>. Names are
// needed to drop foreign keys, so they are always written.
func ConstraintName(name string) ForeignKeyOption { return func(fk *ForeignKey) { fk.Name = name } }

// AddForeignKey adds a foreign key from columns (of t) to references (of one other
// table, or of t itself), position by position.
func (t *Table) AddForeignKey(columns, references []AnyColumn, opts ...ForeignKeyOption) {
	if t.aliasOf != nil {
		t.addError(fmt.Errorf("sqlb: cannot add a foreign key to alias %q", t.name))
		return
	}
	fk := ForeignKey{Columns: slices.Clone(columns), References: slices.Clone(references)}
	for _, opt := range opts {
		if opt != nil {
			opt(&fk)
		}
	}
	if len(columns) == 0 || len(columns) != len(references) {
		t.addError(fmt.Errorf("sqlb: foreign key of table %q needs as many referenced columns as columns (%d and %d)", t.name, len(columns), len(references)))
		return
	}
	var names []string
	var target *Table
	for i, col := range columns {
		ref := references[i]
		if !t.ownsColumn(col) {
			t.addError(fmt.Errorf("sqlb: foreign key of table %q names a column of another table", t.name))
			return
		}
		if ref == nil || ref.Table() == nil || ref.Table().aliasOf != nil {
			t.addError(fmt.Errorf("sqlb: foreign key %s.%s must reference a column of a table (not an alias or derived table)", t.name, col.Name()))
			return
		}
		if target == nil {
			target = ref.Table()
		} else if ref.Table() != target {
			t.addError(fmt.Errorf("sqlb: foreign key of table %q references columns of several tables", t.name))
			return
		}
		if !col.sameGoType(ref) {
			t.addError(fmt.Errorf("sqlb: foreign key column %s.%s (Go type %s) references %s.%s (Go type %s)", t.name, col.Name(), col.GoType(), target.name, ref.Name(), ref.GoType()))
			return
		}
		names = append(names, col.Name())
	}
	if fk.Name == "" {
		fk.Name = shortenIdent("fk_"+t.name+"_"+strings.Join(names, "_"), MaxIdentifierLength)
	}
	if err := checkIdent("foreign key", fk.Name, MaxIdentifierLength); err != nil {
		t.addError(err)
	}
	for _, other := range t.foreignKeys {
		if strings.EqualFold(other.Name, fk.Name) {
			t.addError(fmt.Errorf("sqlb: table %q already has a foreign key %q", t.name, fk.Name))
		}
	}
	t.foreignKeys = append(t.foreignKeys, fk)
}

// Table as a FromItem.

func (t *Table) selectExpressions() []Expression {
	out := make([]Expression, len(t.columns))
	for i, c := range t.columns {
		out[i] = c
	}
	return out
}

func (t *Table) fromName() string { return t.name }

func (t *Table) fromItem() FromItem { return t }

func (t *Table) writeQualifier(c *compiler) {
	if t.aliasOf != nil {
		c.ident(t.name)
		return
	}
	c.qualifiedIdent(t.options.Schema, t.name)
}

func (t *Table) writeFrom(c *compiler) {
	if err := t.Err(); err != nil {
		c.fail(err)
	}
	if t.aliasOf != nil {
		if len(t.errs) > 0 {
			c.fail(errors.Join(t.errs...))
		}
		c.qualifiedIdent(t.aliasOf.options.Schema, t.aliasOf.name)
		c.write(" AS ")
		c.ident(t.name)
		return
	}
	c.qualifiedIdent(t.options.Schema, t.name)
}

// writeName writes the real table name (an alias's table), as INSERT and DDL need.
func (t *Table) writeName(c *compiler) {
	b := t.base()
	if err := b.Err(); err != nil {
		c.fail(err)
	}
	c.qualifiedIdent(b.options.Schema, b.name)
}
