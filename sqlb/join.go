package sqlb

import (
	"fmt"
	"slices"
	"strings"
)

type joinKind int

const (
	joinNone joinKind = iota // a plain FROM item, separated by a comma
	joinInner
	joinLeft
	joinRight
	joinCross
)

var joinKeywords = map[joinKind]string{
	joinInner: " INNER JOIN ",
	joinLeft:  " LEFT JOIN ",
	joinRight: " RIGHT JOIN ",
	joinCross: " CROSS JOIN ",
}

// fromEntry is an element of a FROM clause: an item and how it joins what precedes it.
type fromEntry struct {
	item    FromItem
	join    joinKind
	on      []node
	inferOn bool // no condition was given: infer it from the foreign keys
	emptyOn bool // conditions were given but all were nil
}

func appendJoin(list []fromEntry, kind joinKind, right FromItem, on []Condition) []fromEntry {
	e := fromEntry{item: unwrapFrom(right), join: kind}
	if len(on) == 0 {
		e.inferOn = true
	} else {
		e.on = appendConditions(nil, on)
		e.emptyOn = len(e.on) == 0
	}
	return append(slices.Clip(list), e)
}

// writeFromEntries writes a FROM clause. Comma-separated items that are followed by a
// join are put in parentheses, "(a, b) JOIN c ON ...", because a comma binds less
// tightly than JOIN and the ON clause could not see a otherwise.
func (c *compiler) writeFromEntries(entries []fromEntry) {
	seen := map[FromItem]bool{}
	for _, e := range entries {
		if isNilFrom(e.item) {
			c.failf("nil table in FROM or JOIN")
			return
		}
		if seen[e.item] {
			c.fail(fmt.Errorf("sqlb: %s appears twice in FROM; use an alias (As) for the second use", describeFrom(e.item)))
			return
		}
		seen[e.item] = true
	}
	// open[i] is the number of parentheses to open before entry 0 so that entry i can
	// close one.
	opens := 0
	commaSinceParen := false
	closeAt := make([]bool, len(entries))
	for i := 1; i < len(entries); i++ {
		if entries[i].join == joinNone {
			commaSinceParen = true
			continue
		}
		if commaSinceParen {
			opens++
			closeAt[i] = true
			commaSinceParen = false
		}
	}
	c.write(strings.Repeat("(", opens))
	for i, e := range entries {
		switch {
		case i == 0:
		case e.join == joinNone:
			c.write(", ")
		default:
			if closeAt[i] {
				c.writeByte(')')
			}
			c.write(joinKeywords[e.join])
		}
		e.item.writeFrom(c)
		if i == 0 || e.join == joinNone || e.join == joinCross {
			continue
		}
		c.write(" ON ")
		switch {
		case e.emptyOn:
			c.fail(fmt.Errorf("sqlb: the join of %s was given only nil conditions", describeFrom(e.item)))
		case e.inferOn:
			left := make([]FromItem, i)
			for j := range left {
				left[j] = entries[j].item
			}
			cond, err := inferJoinCondition(left, e.item)
			if err != nil {
				c.fail(err)
				return
			}
			c.expr(cond)
		default:
			c.writeConditionList(e.on)
		}
	}
}

// writeConditionList writes conditions joined with AND.
func (c *compiler) writeConditionList(conds []node) {
	if len(conds) == 1 {
		c.expr(conds[0])
		return
	}
	for i, n := range conds {
		if i > 0 {
			c.write(" AND ")
		}
		c.operand(n, precAnd, true)
	}
}

// fkPath is a foreign key linking a table on the left of a join to the joined table;
// the column pairs are oriented left, right.
type fkPath struct {
	name        string
	left, right []AnyColumn
}

// inferJoinCondition finds the one foreign key between right and the tables of left, in
// either direction, and returns "l.a = r.b [AND ...]" for it.
func inferJoinCondition(left []FromItem, right FromItem) (node, error) {
	rt, ok := right.(*Table)
	if !ok {
		return nil, fmt.Errorf("sqlb: cannot infer the ON clause for %s (only tables have foreign keys); pass a condition", describeFrom(right))
	}
	var paths []fkPath
	for _, l := range left {
		lt, ok := l.(*Table)
		if !ok {
			continue
		}
		// Foreign keys of the joined table pointing at the left table...
		for _, fk := range rt.ForeignKeys() {
			if fk.ReferencedTable() == lt.base() {
				paths = append(paths, fkPath{name: fk.Name, left: lt.mapColumns(fk.References), right: fk.Columns})
			}
		}
		// ...and of the left table pointing at the joined one.
		for _, fk := range lt.ForeignKeys() {
			if fk.ReferencedTable() == rt.base() {
				paths = append(paths, fkPath{name: fk.Name, left: fk.Columns, right: rt.mapColumns(fk.References)})
			}
		}
	}
	var names []string
	for _, l := range left {
		names = append(names, describeFrom(l))
	}
	switch len(paths) {
	case 0:
		return nil, fmt.Errorf("sqlb: cannot infer the ON clause: no foreign key links %s with %s; pass a condition", describeFrom(right), strings.Join(names, ", "))
	case 1:
	default:
		var fks []string
		for _, p := range paths {
			fks = append(fks, p.name)
		}
		return nil, fmt.Errorf("sqlb: cannot infer the ON clause: %d foreign keys link %s with %s (%s); pass a condition", len(paths), describeFrom(right), strings.Join(names, ", "), strings.Join(fks, ", "))
	}
	p := paths[0]
	var conds []node
	for i := range p.left {
		conds = append(conds, &binaryNode{left: nodeOf(p.left[i]), op: "=", right: nodeOf(p.right[i]), prec: precCompare})
	}
	if len(conds) == 1 {
		return conds[0], nil
	}
	return &logicalNode{op: "AND", prec: precAnd, items: conds}, nil
}
