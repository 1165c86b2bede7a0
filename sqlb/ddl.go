package sqlb

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// compileDDL compiles a DDL statement; values (defaults) are written as literals.
func compileDDL(d Dialect, render func(c *compiler)) (Compiled, error) {
	return compile(d, func(c *compiler) {
		c.inlineValues = true
		render(c)
	})
}

// CreateTableStmt is CREATE TABLE for a table of a MetaData: columns, primary key,
// unique keys, indexes, foreign keys and table options.
type CreateTableStmt struct {
	table       *Table
	ifNotExists bool
	omit        []string // foreign keys left out (added later with ALTER TABLE)
}

// CreateTable returns the CREATE TABLE statement of t.
func CreateTable(t *Table) CreateTableStmt { return CreateTableStmt{table: t} }

// IfNotExists makes it CREATE TABLE IF NOT EXISTS.
func (s CreateTableStmt) IfNotExists() CreateTableStmt {
	s.ifNotExists = true
	return s
}

// Compile renders the statement for the dialect.
func (s CreateTableStmt) Compile(d Dialect) (Compiled, error) { return compileDDL(d, s.write) }

func (s CreateTableStmt) write(c *compiler) {
	t := s.table
	switch {
	case t == nil:
		c.failf("CREATE TABLE of a nil table")
		return
	case t.aliasOf != nil:
		c.fail(fmt.Errorf("sqlb: CREATE TABLE of alias %q", t.name))
		return
	case len(t.columns) == 0:
		c.fail(fmt.Errorf("sqlb: table %q has no columns", t.name))
		return
	}
	c.write("CREATE TABLE ")
	if s.ifNotExists {
		c.write("IF NOT EXISTS ")
	}
	t.writeName(c)
	c.write(" (")
	for i, col := range t.columns {
		if i > 0 {
			c.write(", ")
		}
		c.columnDefinition(t, col)
	}
	if len(t.primaryKey) > 0 {
		c.write(", PRIMARY KEY (")
		for i, col := range t.primaryKey {
			if i > 0 {
				c.write(", ")
			}
			c.ident(col.Name())
		}
		c.writeByte(')')
	}
	for _, ix := range t.indexes {
		c.write(", ")
		if ix.Unique {
			c.write("UNIQUE ")
		}
		c.write("KEY ")
		c.ident(ix.Name)
		c.writeByte(' ')
		c.indexParts(ix.Parts)
	}
	for _, fk := range t.foreignKeys {
		if slices.Contains(s.omit, fk.Name) {
			continue
		}
		c.write(", ")
		c.foreignKey(t, fk, false)
	}
	c.writeByte(')')
	c.tableOptions(t.options)
}

// ColumnDDL returns the definition of a table column as CREATE TABLE writes it for d,
// for example "`name` VARCHAR(100) NOT NULL DEFAULT 'x'", values written as literals;
// tools such as code generation describe columns with it. A column of a derived table
// or CTE has no definition and is an error.
func ColumnDDL(d Dialect, col AnyColumn) (string, error) {
	if col == nil || col.Table() == nil {
		return "", errors.New("sqlb: ColumnDDL of a column that is not a table column")
	}
	out, err := compileDDL(d, func(c *compiler) { c.columnDefinition(col.Table(), col) })
	return out.SQL, err
}

// ExprDDL returns e as a DEFAULT or GENERATED ALWAYS AS clause of table t writes it
// for d: the columns of t unqualified, values as literals.
func ExprDDL(d Dialect, t *Table, e Expression) (string, error) {
	if t == nil {
		return "", errors.New("sqlb: ExprDDL with a nil table")
	}
	out, err := compileDDL(d, func(c *compiler) { c.tableExpr(t, e) })
	return out.SQL, err
}

func (c *compiler) columnDefinition(t *Table, col AnyColumn) {
	def := col.Definition()
	c.ident(col.Name())
	c.writeByte(' ')
	if def.Type == nil {
		c.fail(fmt.Errorf("sqlb: column %s.%s has no type", t.name, col.Name()))
		return
	}
	spec := def.Type.spec()
	c.columnType(spec)
	if def.Charset != "" {
		c.write(" CHARACTER SET ")
		c.plainWord("character set", def.Charset)
	}
	if def.Collation != "" {
		c.write(" COLLATE ")
		c.plainWord("collation", def.Collation)
	}
	if def.Generated != nil {
		c.generatedColumn(t, col, def)
		return
	}
	if def.Nullable {
		c.write(" NULL")
	} else {
		c.write(" NOT NULL")
	}
	defaults := 0
	for _, set := range []bool{def.DefaultCurrentTimestamp, def.DefaultExpr != nil, def.HasDefault && def.DefaultExpr == nil} {
		if set {
			defaults++
		}
	}
	switch {
	case defaults > 1:
		c.fail(fmt.Errorf("sqlb: column %s.%s has several defaults", t.name, col.Name()))
	case defaults == 1 && def.AutoIncrement:
		c.fail(fmt.Errorf("sqlb: AUTO_INCREMENT column %s.%s cannot have a default", t.name, col.Name()))
	case def.DefaultCurrentTimestamp:
		c.write(" DEFAULT ")
		c.currentTimestamp(t, col, spec)
	case def.DefaultExpr != nil:
		if c.require(featureDefaultExpr) {
			c.write(" DEFAULT (")
			c.tableExpr(t, def.DefaultExpr)
			c.writeByte(')')
		}
	case def.HasDefault:
		if def.Default == nil && !def.Nullable {
			c.fail(fmt.Errorf("sqlb: column %s.%s is NOT NULL but its default is NULL", t.name, col.Name()))
		}
		c.write(" DEFAULT ")
		if day, ok := def.Default.(time.Time); ok && spec.name == "DATE" {
			c.stringLiteral(day.Format("2006-01-02"))
		} else {
			c.literal(def.Default)
		}
	}
	if def.OnUpdateCurrentTimestamp {
		c.write(" ON UPDATE ")
		c.currentTimestamp(t, col, spec)
	}
	if def.AutoIncrement {
		c.write(" AUTO_INCREMENT")
	}
	if def.Comment != "" {
		c.write(" COMMENT ")
		c.stringLiteral(def.Comment)
	}
}

// generatedColumn writes the rest of a generated column's definition, after its type:
// GENERATED ALWAYS AS (expr) VIRTUAL|STORED, nullability and comment.
func (c *compiler) generatedColumn(t *Table, col AnyColumn, def ColumnDefinition) {
	switch {
	case !c.require(featureGenerated):
		return
	case def.HasDefault || def.DefaultCurrentTimestamp || def.OnUpdateCurrentTimestamp:
		c.fail(fmt.Errorf("sqlb: generated column %s.%s cannot have a default", t.name, col.Name()))
		return
	case def.AutoIncrement:
		c.fail(fmt.Errorf("sqlb: generated column %s.%s cannot be AUTO_INCREMENT", t.name, col.Name()))
		return
	}
	c.write(" GENERATED ALWAYS AS (")
	c.tableExpr(t, def.Generated)
	c.writeByte(')')
	if def.GeneratedStored {
		c.write(" STORED")
	} else {
		c.write(" VIRTUAL")
	}
	switch {
	case !def.Nullable:
		if c.require(featureGeneratedNotNull) {
			c.write(" NOT NULL")
		}
	case c.d.IsMySQL():
		c.write(" NULL")
	}
	if def.Comment != "" {
		c.write(" COMMENT ")
		c.stringLiteral(def.Comment)
	}
}

// tableExpr writes an expression of a column definition, where the table's own
// columns are written without a qualifier.
func (c *compiler) tableExpr(t *Table, e Expression) {
	saved := c.bareColumnsOf
	c.bareColumnsOf = t
	c.expr(nodeOf(e))
	c.bareColumnsOf = saved
}

// currentTimestamp writes CURRENT_TIMESTAMP with the precision of the column type,
// which the servers require to match.
func (c *compiler) currentTimestamp(t *Table, col AnyColumn, spec typeSpec) {
	if spec.name != "DATETIME" && spec.name != "TIMESTAMP" {
		c.fail(fmt.Errorf("sqlb: CURRENT_TIMESTAMP needs a DATETIME or TIMESTAMP column, not %s (%s.%s)", spec.name, t.name, col.Name()))
		return
	}
	c.write("CURRENT_TIMESTAMP")
	if len(spec.args) == 1 {
		c.writeByte('(')
		c.writeInt(int64(spec.args[0]))
		c.writeByte(')')
	}
}

// plainWord writes a charset, collation or engine name, which cannot be quoted as a
// string everywhere and so must be a plain word.
func (c *compiler) plainWord(kind, name string) {
	if !isPlainWord(name) {
		c.fail(fmt.Errorf("sqlb: %s name %q must be letters, digits and underscores", kind, name))
		return
	}
	c.write(name)
}

func (c *compiler) indexParts(parts []IndexPart) {
	c.writeByte('(')
	for i, p := range parts {
		if i > 0 {
			c.write(", ")
		}
		col, length := p.indexPart()
		c.ident(col.Name())
		if length > 0 {
			c.writeByte('(')
			c.writeInt(int64(length))
			c.writeByte(')')
		}
	}
	c.writeByte(')')
}

// foreignKey writes "CONSTRAINT `name` FOREIGN KEY [IF NOT EXISTS] (...) REFERENCES ...".
func (c *compiler) foreignKey(t *Table, fk ForeignKey, ifNotExists bool) {
	c.write("CONSTRAINT ")
	c.ident(fk.Name)
	c.write(" FOREIGN KEY ")
	if ifNotExists && c.require(featureFKIfNotExists) {
		c.write("IF NOT EXISTS ")
	}
	c.writeByte('(')
	for i, col := range fk.Columns {
		if i > 0 {
			c.write(", ")
		}
		c.ident(col.Name())
		if !col.Definition().Nullable && (fk.OnDelete == SetNull || fk.OnUpdate == SetNull) {
			c.fail(fmt.Errorf("sqlb: foreign key %s sets NULL in NOT NULL column %s.%s", fk.Name, t.name, col.Name()))
		}
	}
	c.write(") REFERENCES ")
	fk.ReferencedTable().writeName(c)
	c.write(" (")
	for i, col := range fk.References {
		if i > 0 {
			c.write(", ")
		}
		c.ident(col.Name())
	}
	c.writeByte(')')
	if fk.OnDelete != ActionDefault {
		c.write(" ON DELETE " + fk.OnDelete.String())
	}
	if fk.OnUpdate != ActionDefault {
		c.write(" ON UPDATE " + fk.OnUpdate.String())
	}
}

func (c *compiler) tableOptions(o TableOptions) {
	if o.Engine != "" {
		c.write(" ENGINE=")
		c.plainWord("engine", o.Engine)
	}
	if o.Charset != "" {
		c.write(" DEFAULT CHARSET=")
		c.plainWord("character set", o.Charset)
	}
	if o.Collation != "" {
		c.write(" COLLATE=")
		c.plainWord("collation", o.Collation)
	}
	if o.Comment != "" {
		c.write(" COMMENT=")
		c.stringLiteral(o.Comment)
	}
}

// DropTableStmt is DROP TABLE.
type DropTableStmt struct {
	tables   []*Table
	ifExists bool
}

// DropTable returns "DROP TABLE t1, t2, ...".
func DropTable(tables ...*Table) DropTableStmt { return DropTableStmt{tables: slices.Clone(tables)} }

// IfExists makes it DROP TABLE IF EXISTS.
func (s DropTableStmt) IfExists() DropTableStmt {
	s.ifExists = true
	return s
}

// Compile renders the statement for the dialect.
func (s DropTableStmt) Compile(d Dialect) (Compiled, error) {
	return compileDDL(d, func(c *compiler) {
		if len(s.tables) == 0 {
			c.failf("DROP TABLE without tables")
			return
		}
		c.write("DROP TABLE ")
		if s.ifExists {
			c.write("IF EXISTS ")
		}
		for i, t := range s.tables {
			if i > 0 {
				c.write(", ")
			}
			if t == nil {
				c.failf("DROP TABLE of a nil table")
				return
			}
			t.writeName(c)
		}
	})
}

// CreateIndexStmt is CREATE [UNIQUE] INDEX, to add an index to an existing table.
type CreateIndexStmt struct {
	table       *Table
	index       Index
	ifNotExists bool
}

// CreateIndex returns "CREATE [UNIQUE] INDEX name ON table (parts)". CREATE TABLE
// already creates the table's indexes; this is for indexes added afterwards.
func CreateIndex(t *Table, ix Index) CreateIndexStmt { return CreateIndexStmt{table: t, index: ix} }

// IfNotExists makes it CREATE INDEX IF NOT EXISTS (MariaDB only).
func (s CreateIndexStmt) IfNotExists() CreateIndexStmt {
	s.ifNotExists = true
	return s
}

// Compile renders the statement for the dialect.
func (s CreateIndexStmt) Compile(d Dialect) (Compiled, error) {
	return compileDDL(d, func(c *compiler) {
		if s.table == nil {
			c.failf("CREATE INDEX on a nil table")
			return
		}
		if len(s.index.Parts) == 0 {
			c.failf("CREATE INDEX without columns")
			return
		}
		if err := checkIdent("index", s.index.Name, MaxIdentifierLength); err != nil {
			c.fail(err)
			return
		}
		for _, p := range s.index.Parts {
			if p == nil {
				c.failf("nil column in CREATE INDEX")
				return
			}
			if col, _ := p.indexPart(); col == nil || !sameBaseColumn(col, s.table.base().Column(col.Name())) {
				c.fail(fmt.Errorf("sqlb: index %q names a column that is not in table %q", s.index.Name, s.table.name))
				return
			}
		}
		c.write("CREATE ")
		if s.index.Unique {
			c.write("UNIQUE ")
		}
		c.write("INDEX ")
		if s.ifNotExists && c.require(featureIndexIfNotExist) {
			c.write("IF NOT EXISTS ")
		}
		c.ident(s.index.Name)
		c.write(" ON ")
		s.table.writeName(c)
		c.writeByte(' ')
		c.indexParts(s.index.Parts)
	})
}

// AddForeignKeyStmt is ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY.
type AddForeignKeyStmt struct {
	table       *Table
	fk          ForeignKey
	ifNotExists bool
}

// AddForeignKey returns "ALTER TABLE t ADD CONSTRAINT ... FOREIGN KEY ...", as
// CreateAllDDL uses for foreign keys that form a cycle.
func AddForeignKey(t *Table, fk ForeignKey) AddForeignKeyStmt {
	return AddForeignKeyStmt{table: t, fk: fk}
}

// IfNotExists adds IF NOT EXISTS (MariaDB only).
func (s AddForeignKeyStmt) IfNotExists() AddForeignKeyStmt {
	s.ifNotExists = true
	return s
}

// Compile renders the statement for the dialect.
func (s AddForeignKeyStmt) Compile(d Dialect) (Compiled, error) {
	return compileDDL(d, func(c *compiler) {
		if s.table == nil || len(s.fk.Columns) == 0 || len(s.fk.Columns) != len(s.fk.References) || s.fk.ReferencedTable() == nil {
			c.failf("incomplete foreign key in ADD FOREIGN KEY")
			return
		}
		c.write("ALTER TABLE ")
		s.table.writeName(c)
		c.write(" ADD ")
		c.foreignKey(s.table, s.fk, s.ifNotExists)
	})
}

// DropForeignKeyStmt is ALTER TABLE ... DROP FOREIGN KEY.
type DropForeignKeyStmt struct {
	table    *Table
	name     string
	ifExists bool
}

// DropForeignKey returns "ALTER TABLE t DROP FOREIGN KEY name".
func DropForeignKey(t *Table, name string) DropForeignKeyStmt {
	return DropForeignKeyStmt{table: t, name: name}
}

// IfExists makes it "ALTER TABLE IF EXISTS t DROP FOREIGN KEY IF EXISTS name"
// (MariaDB 10.5.2+ only).
func (s DropForeignKeyStmt) IfExists() DropForeignKeyStmt {
	s.ifExists = true
	return s
}

// Compile renders the statement for the dialect.
func (s DropForeignKeyStmt) Compile(d Dialect) (Compiled, error) {
	return compileDDL(d, func(c *compiler) {
		if s.table == nil {
			c.failf("DROP FOREIGN KEY on a nil table")
			return
		}
		if err := checkIdent("foreign key", s.name, MaxIdentifierLength); err != nil {
			c.fail(err)
			return
		}
		c.write("ALTER TABLE ")
		if s.ifExists && c.require(featureAlterIfExists) {
			c.write("IF EXISTS ")
		}
		s.table.writeName(c)
		c.write(" DROP FOREIGN KEY ")
		if s.ifExists && c.require(featureFKIfExists) {
			c.write("IF EXISTS ")
		}
		c.ident(s.name)
	})
}
