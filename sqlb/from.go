package sqlb

import (
	"fmt"
	"slices"
)

// SelectItem is what a SELECT can list: any expression, or a table, alias, derived
// table or CTE, which stands for all its columns.
type SelectItem interface {
	selectExpressions() []Expression
}

// OrderItem is an element of ORDER BY: an expression (ascending) or the result of Asc
// or Desc.
type OrderItem interface {
	orderTerm() orderTerm
}

type orderTerm struct {
	n   node
	dir string // "", " ASC" or " DESC"
}

func (o orderTerm) orderTerm() orderTerm { return o }

func appendOrder(list []orderTerm, items []OrderItem) []orderTerm {
	list = slices.Clip(list)
	for _, item := range items {
		if item == nil {
			list = append(list, orderTerm{n: errNode{msg: "missing ORDER BY item (nil)"}})
			continue
		}
		term := item.orderTerm()
		if term.n == nil {
			term.n = errNode{msg: "missing ORDER BY item (nil)"}
		}
		list = append(list, term)
	}
	return list
}

// orderList writes ORDER BY items. A labelled expression is written as its label,
// which ORDER BY of a SELECT may refer to.
func (c *compiler) orderList(terms []orderTerm) {
	for i, t := range terms {
		if i > 0 {
			c.write(", ")
		}
		if l, ok := t.n.(*labelNode); ok {
			c.ident(l.name)
		} else {
			c.expr(t.n)
		}
		c.write(t.dir)
	}
}

// FromItem is what FROM and JOIN take: a table, a table alias, a derived table
// (Subquery) or a CTE.
type FromItem interface {
	SelectItem
	// Columns returns the columns the item provides.
	Columns() []AnyColumn
	// fromName is the name its columns are qualified with.
	fromName() string
	writeQualifier(c *compiler)
	writeFrom(c *compiler)
}

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
