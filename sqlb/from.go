package sqlb

import "slices"

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

// orderList writes ORDER BY items. In the ORDER BY of a statement (byLabel) a labelled
// expression is written as its label, which refers to the select list; in a window it
// is written as the expression.
func (c *compiler) orderList(terms []orderTerm, byLabel bool) {
	for i, t := range terms {
		if i > 0 {
			c.write(", ")
		}
		if l, ok := t.n.(*labelNode); ok && byLabel {
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
	// fromItem returns the item itself: a struct that embeds a *Table (as the types
	// codegen.GenerateGo writes do) passes for its table this way.
	fromItem() FromItem
}

// unwrapFrom returns the table, derived table or CTE item stands for.
func unwrapFrom(item FromItem) FromItem {
	if item == nil {
		return nil
	}
	switch item.(type) {
	case *Table, *Subquery, *CTE:
		return item
	}
	return item.fromItem()
}

// isNilFrom reports whether item is nil or a nil pointer of one of the FROM item types.
func isNilFrom(item FromItem) bool {
	switch f := item.(type) {
	case nil:
		return true
	case *Table:
		return f == nil
	case *Subquery:
		return f == nil
	case *CTE:
		return f == nil
	}
	return false
}
