package sqlb

import (
	"fmt"
	"slices"
	"strings"
)

// InsertStmt is an INSERT or REPLACE statement. Like every statement it is an immutable
// value: methods return a new statement.
type InsertStmt struct {
	table        *Table
	replace      bool
	ignore       bool
	rows         [][]Assignment
	query        SelectQuery
	queryColumns []AnyColumn
	onDuplicate  []Assignment
	returning    []SelectItem
}

// InsertInto starts "INSERT INTO table".
func InsertInto(table *Table) InsertStmt { return InsertStmt{table: table} }

// ReplaceInto starts "REPLACE INTO table": a row whose key exists replaces the old row
// (which is deleted, then the new one inserted).
func ReplaceInto(table *Table) InsertStmt { return InsertStmt{table: table, replace: true} }

// Values adds one row. Every row must assign the same columns (in any order); a row
// with no assignments inserts the defaults, "() VALUES ()".
//
//	sqlb.InsertInto(users).
//		Values(users.Name.Set("ann"), users.Age.Set(31)).
//		Values(users.Name.Set("bob"), users.Age.Set(42))
func (s InsertStmt) Values(row ...Assignment) InsertStmt {
	s.rows = append(slices.Clip(s.rows), slices.Clone(row))
	return s
}

// FromSelect inserts the rows q returns: "INSERT INTO table (columns) SELECT ...".
// Without columns, q must select every column of the table, in order.
func (s InsertStmt) FromSelect(q SelectQuery, columns ...AnyColumn) InsertStmt {
	s.query = q
	s.queryColumns = slices.Clone(columns)
	return s
}

// Ignore makes it INSERT IGNORE: rows that would violate a unique key are skipped and
// some errors become warnings.
func (s InsertStmt) Ignore() InsertStmt {
	s.ignore = true
	return s
}

// OnDuplicateKeyUpdate adds "ON DUPLICATE KEY UPDATE" with assignments, applied to the
// existing row when the insert hits a unique key. Use Inserted to refer to the value the
// statement tried to insert.
func (s InsertStmt) OnDuplicateKeyUpdate(set ...Assignment) InsertStmt {
	s.onDuplicate = append(slices.Clip(s.onDuplicate), set...)
	return s
}

// OnDuplicateKeyUpdateInserted adds "col = <inserted value>" for each column: the
// common upsert that overwrites the existing row with the new values.
func (s InsertStmt) OnDuplicateKeyUpdateInserted(columns ...AnyColumn) InsertStmt {
	s.onDuplicate = slices.Clip(s.onDuplicate)
	for _, col := range columns {
		s.onDuplicate = append(s.onDuplicate, Assignment{column: col, value: &insertedNode{col: col}})
	}
	return s
}

// Returning adds a RETURNING clause (MariaDB 10.5+; MySQL has none): the statement
// then returns the inserted rows' items.
func (s InsertStmt) Returning(items ...SelectItem) InsertStmt {
	s.returning = append(slices.Clip(s.returning), items...)
	return s
}

// Inserted refers, inside ON DUPLICATE KEY UPDATE, to the value the statement tried to
// insert into col. It renders as the row alias (`new`.`col`, MySQL 8.0.19+) where the
// dialect has one, else as VALUES(`col`) (MariaDB, older MySQL, INSERT ... SELECT).
func Inserted[T any](col *Column[T]) Expr[T] {
	if col == nil {
		return wrap[T](errNode{msg: "Inserted(nil)"})
	}
	return wrap[T](&insertedNode{col: col})
}

type insertedNode struct {
	col AnyColumn
}

func (n *insertedNode) writeSQL(c *compiler) {
	u := c.upsert
	switch {
	case u == nil:
		c.failf("Inserted is only valid in ON DUPLICATE KEY UPDATE")
		return
	case n.col == nil || !u.target.ownsColumn(n.col):
		c.fail(fmt.Errorf("sqlb: Inserted refers to a column that is not in table %q", u.target.name))
		return
	}
	u.used = true
	if u.rowAlias != "" {
		c.ident(u.rowAlias)
		c.writeByte('.')
		c.ident(n.col.Name())
		return
	}
	c.write("VALUES(")
	c.ident(n.col.Name())
	c.writeByte(')')
}
func (n *insertedNode) precedence() int             { return precAtom }
func (n *insertedNode) collectFroms(func(FromItem)) {}

// ResultColumns describes what RETURNING returns (nil without RETURNING).
func (s InsertStmt) ResultColumns() []ResultColumn {
	if len(s.returning) == 0 {
		return nil
	}
	return exportResult(labelResult(s.returning, LabelNone))
}

// Compile renders the statement for the dialect.
func (s InsertStmt) Compile(d Dialect) (Compiled, error) {
	out, err := compile(d, s.write)
	if err != nil {
		return Compiled{}, err
	}
	out.Columns = s.ResultColumns()
	return out, nil
}

func (s InsertStmt) write(c *compiler) {
	t := s.table
	verb := "INSERT"
	if s.replace {
		verb = "REPLACE"
	}
	switch {
	case t == nil:
		c.fail(fmt.Errorf("sqlb: %s into a nil table", verb))
		return
	case t.aliasOf != nil:
		c.fail(fmt.Errorf("sqlb: %s into alias %q; use table %q", verb, t.name, t.aliasOf.name))
		return
	case s.replace && s.ignore:
		c.failf("REPLACE has no IGNORE")
		return
	case s.replace && len(s.onDuplicate) > 0:
		c.failf("REPLACE has no ON DUPLICATE KEY UPDATE")
		return
	case s.query != nil && len(s.rows) > 0:
		c.fail(fmt.Errorf("sqlb: %s has both Values and FromSelect", verb))
		return
	case s.query == nil && len(s.rows) == 0:
		c.fail(fmt.Errorf("sqlb: %s without Values or FromSelect", verb))
		return
	}
	if len(s.returning) > 0 && !c.require(featureInsertReturning) {
		return
	}
	c.write(verb)
	if s.ignore {
		c.write(" IGNORE")
	}
	c.write(" INTO ")
	t.writeName(c)
	if s.query != nil {
		s.writeSelectSource(c)
	} else {
		s.writeValues(c)
	}
	if len(s.onDuplicate) > 0 {
		s.writeOnDuplicate(c)
	}
	if len(s.returning) > 0 {
		c.write(" RETURNING ")
		saved := c.bareColumnsOf
		c.bareColumnsOf = t
		c.writeSelectList(labelResult(s.returning, LabelNone))
		c.bareColumnsOf = saved
	}
}

// writeColumnList writes " (`a`, `b`)" after checking the columns belong to the table.
func (s InsertStmt) writeColumnList(c *compiler, cols []AnyColumn) {
	c.write(" (")
	for i, col := range cols {
		if i > 0 {
			c.write(", ")
		}
		if col == nil || !s.table.ownsColumn(col) {
			c.fail(fmt.Errorf("sqlb: insert into %q names a column of another table", s.table.name))
			return
		}
		c.ident(col.Name())
	}
	c.writeByte(')')
}

func (s InsertStmt) writeValues(c *compiler) {
	first := s.rows[0]
	cols := make([]AnyColumn, len(first))
	for i, a := range first {
		cols[i] = a.column
	}
	s.writeColumnList(c, cols)
	if c.err != nil {
		return
	}
	c.write(" VALUES ")
	saved := c.bareColumnsOf
	c.bareColumnsOf = s.table
	defer func() { c.bareColumnsOf = saved }()
	for r, row := range s.rows {
		if r > 0 {
			c.write(", ")
		}
		ordered, err := alignRow(cols, row, r)
		if err != nil {
			c.fail(err)
			return
		}
		c.writeByte('(')
		c.exprList(ordered)
		c.writeByte(')')
	}
}

// alignRow returns the values of row in the order of cols, or an error when the row
// does not assign exactly those columns.
func alignRow(cols []AnyColumn, row []Assignment, r int) ([]node, error) {
	if len(row) != len(cols) {
		return nil, fmt.Errorf("sqlb: row %d of the insert assigns %d columns, the first row %d", r+1, len(row), len(cols))
	}
	out := make([]node, len(cols))
	for _, a := range row {
		i := slices.IndexFunc(cols, func(c AnyColumn) bool { return c == a.column })
		if i < 0 {
			return nil, fmt.Errorf("sqlb: row %d of the insert assigns column %q, which the first row does not", r+1, columnName(a.column))
		}
		if out[i] != nil {
			return nil, fmt.Errorf("sqlb: row %d of the insert assigns column %q twice", r+1, columnName(a.column))
		}
		out[i] = a.value
	}
	return out, nil
}

func columnName(col AnyColumn) string {
	if col == nil {
		return "<nil>"
	}
	return col.Name()
}

func (s InsertStmt) writeSelectSource(c *compiler) {
	want := len(s.table.columns)
	if len(s.queryColumns) > 0 {
		s.writeColumnList(c, s.queryColumns)
		want = len(s.queryColumns)
	}
	if got := len(s.query.resultColumns()); got != want {
		c.fail(fmt.Errorf("sqlb: insert into %q expects %d columns but the query selects %d", s.table.name, want, got))
		return
	}
	c.writeByte(' ')
	s.query.writeQuery(c)
}

func (s InsertStmt) writeOnDuplicate(c *compiler) {
	u := &upsertContext{target: s.table}
	if s.query == nil && c.d.supports(featureRowAlias) {
		u.rowAlias = "new"
		if strings.EqualFold(s.table.name, u.rowAlias) {
			u.rowAlias = "new_1"
		}
	}
	saved := c.upsert
	c.upsert = u
	text := c.sub(func() {
		c.write(" ON DUPLICATE KEY UPDATE ")
		c.writeAssignments(s.onDuplicate, s.table, true)
	})
	c.upsert = saved
	if u.used && u.rowAlias != "" {
		c.write(" AS ")
		c.ident(u.rowAlias)
	}
	c.w.appendWriter(text)
}

// writeAssignments writes "a = v, b = w". With bare, the targets are written without a
// table (single-table statements), and must be columns of table.
func (c *compiler) writeAssignments(set []Assignment, table *Table, bare bool) {
	for i, a := range set {
		if i > 0 {
			c.write(", ")
		}
		if a.column == nil {
			c.failf("assignment to a nil column")
			return
		}
		if bare {
			if table != nil && !table.ownsColumn(a.column) {
				c.fail(fmt.Errorf("sqlb: assignment to column %q, which is not in table %q", a.column.Name(), table.name))
				return
			}
			c.ident(a.column.Name())
		} else {
			c.expr(nodeOf(a.column))
		}
		c.write(" = ")
		c.expr(a.value)
	}
}
