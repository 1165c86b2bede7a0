package sqlb

import (
	"fmt"
	"slices"
)

// Subquery is a SELECT used as a table in FROM (a derived table), under an alias. Its
// columns are what the query selects, named by their labels; get them with Column.Of
// (for selected table columns) or Col.
type Subquery struct {
	query   SelectQuery
	alias   string
	columns []AnyColumn
}

func newSubquery(q SelectQuery, alias string) *Subquery {
	s := &Subquery{query: q, alias: alias}
	s.columns = derivedColumns(s, q.resultColumns())
	return s
}

// derivedColumns makes the columns a derived table or CTE exposes.
func derivedColumns(from FromItem, rcs []resultColumn) []AnyColumn {
	out := make([]AnyColumn, len(rcs))
	for i, rc := range rcs {
		col := rc.expr.derive(from, rc.name)
		if rc.name == "" {
			col = nameless(col, i)
		}
		out[i] = col
	}
	return out
}

// nameless marks a derived column the server names after its expression text, which
// cannot be referred to reliably.
func nameless(col AnyColumn, i int) AnyColumn {
	return errorColumn{AnyColumn: col, msg: fmt.Sprintf("column %d of %s has no name; give the expression a Label", i+1, describeFrom(col.From()))}
}

// errorColumn is a column that fails any compilation using it.
type errorColumn struct {
	AnyColumn
	msg string
}

func (e errorColumn) sqlNode() node { return errNode{msg: e.msg} }

// Alias is the derived table's alias.
func (s *Subquery) Alias() string { return s.alias }

// Query is the SELECT behind the derived table.
func (s *Subquery) Query() SelectQuery { return s.query }

// Columns returns the columns the derived table provides.
func (s *Subquery) Columns() []AnyColumn { return slices.Clone(s.columns) }

func (s *Subquery) selectExpressions() []Expression {
	out := make([]Expression, len(s.columns))
	for i, c := range s.columns {
		out[i] = c
	}
	return out
}

func (s *Subquery) fromName() string           { return s.alias }
func (s *Subquery) fromItem() FromItem         { return s }
func (s *Subquery) writeQualifier(c *compiler) { c.ident(s.alias) }

func (s *Subquery) writeFrom(c *compiler) {
	if err := checkIdent("derived table alias", s.alias, maxAliasLength); err != nil {
		c.fail(err)
	}
	// A derived table cannot see the FROM items of the query around it.
	saved := c.selects
	c.selects = nil
	c.subquery(s.query, 0)
	c.selects = saved
	c.write(" AS ")
	c.ident(s.alias)
}
