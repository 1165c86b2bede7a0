package sqlb

import (
	"fmt"
	"slices"
)

// CompoundSelect combines queries with UNION, UNION ALL, INTERSECT or EXCEPT. Like
// SelectStmt it is an immutable value. Its columns are named by the first query.
type CompoundSelect struct {
	members []SelectQuery
	ops     []string // ops[i] joins members[i] and members[i+1]
	kind    string   // the operator it was made with, for messages
	orderBy []orderTerm
	limit   *int64
	offset  *int64
	with    []*CTE
	errs    []string
}

func compoundOf(op string, queries []SelectQuery) CompoundSelect {
	q := CompoundSelect{members: slices.Clone(queries), kind: op}
	for range max(len(queries)-1, 0) {
		q.ops = append(q.ops, op)
	}
	return q
}

func newCompound(op string, first SelectQuery, others []SelectQuery) CompoundSelect {
	return compoundOf(op, append([]SelectQuery{first}, others...))
}

// Union is "q1 UNION q2 UNION ...".
func Union(queries ...SelectQuery) CompoundSelect { return compoundOf("UNION", queries) }

// UnionAll is "q1 UNION ALL q2 ...".
func UnionAll(queries ...SelectQuery) CompoundSelect { return compoundOf("UNION ALL", queries) }

// Intersect is "q1 INTERSECT q2 ..." (MySQL 8.0.31+, MariaDB 10.3+).
func Intersect(queries ...SelectQuery) CompoundSelect { return compoundOf("INTERSECT", queries) }

// IntersectAll is "q1 INTERSECT ALL q2 ..." (MySQL 8.0.31+, MariaDB 10.5+).
func IntersectAll(queries ...SelectQuery) CompoundSelect {
	return compoundOf("INTERSECT ALL", queries)
}

// Except is "q1 EXCEPT q2 ..." (MySQL 8.0.31+, MariaDB 10.3+).
func Except(queries ...SelectQuery) CompoundSelect { return compoundOf("EXCEPT", queries) }

// ExceptAll is "q1 EXCEPT ALL q2 ..." (MySQL 8.0.31+, MariaDB 10.5+).
func ExceptAll(queries ...SelectQuery) CompoundSelect { return compoundOf("EXCEPT ALL", queries) }

// isUnion reports whether op is UNION or UNION ALL. The servers evaluate a chain of
// them left to right, so "(a UNION b) UNION ALL c" can be written without parentheses
// (which MySQL 5.7 does not accept around a compound).
func isUnion(op string) bool { return op == "UNION" || op == "UNION ALL" }

// chain appends queries with op, flattening when that keeps the meaning.
func (q CompoundSelect) chain(op string, others []SelectQuery) CompoundSelect {
	flat := len(q.orderBy) == 0 && q.limit == nil && q.offset == nil && len(q.with) == 0
	for _, existing := range q.ops {
		if existing != op && !(isUnion(existing) && isUnion(op)) {
			flat = false
		}
	}
	if !flat {
		return newCompound(op, q, others)
	}
	q.members = append(slices.Clip(q.members), others...)
	q.ops = slices.Clip(q.ops)
	for range others {
		q.ops = append(q.ops, op)
	}
	return q
}

// Union adds queries with UNION; mixing operators puts the earlier ones in parentheses.
func (q CompoundSelect) Union(others ...SelectQuery) CompoundSelect { return q.chain("UNION", others) }

// UnionAll adds queries with UNION ALL.
func (q CompoundSelect) UnionAll(others ...SelectQuery) CompoundSelect {
	return q.chain("UNION ALL", others)
}

// Intersect adds queries with INTERSECT.
func (q CompoundSelect) Intersect(others ...SelectQuery) CompoundSelect {
	return q.chain("INTERSECT", others)
}

// Except adds queries with EXCEPT.
func (q CompoundSelect) Except(others ...SelectQuery) CompoundSelect {
	return q.chain("EXCEPT", others)
}

// OrderBy orders the combined result. Columns selected by the first query are written
// as their result names, as the servers require.
func (q CompoundSelect) OrderBy(items ...OrderItem) CompoundSelect {
	q.orderBy = appendOrder(q.orderBy, items)
	return q
}

// Limit sets LIMIT on the combined result.
func (q CompoundSelect) Limit(n int64) CompoundSelect {
	if n < 0 {
		q.errs = append(slices.Clip(q.errs), fmt.Sprintf("negative LIMIT %d", n))
	}
	q.limit = &n
	return q
}

// Offset sets OFFSET on the combined result.
func (q CompoundSelect) Offset(n int64) CompoundSelect {
	if n < 0 {
		q.errs = append(slices.Clip(q.errs), fmt.Sprintf("negative OFFSET %d", n))
	}
	q.offset = &n
	return q
}

// With declares CTEs on the compound query.
func (q CompoundSelect) With(ctes ...*CTE) CompoundSelect {
	q.with = append(slices.Clip(q.with), ctes...)
	return q
}

// Subquery makes the compound a derived table under alias.
func (q CompoundSelect) Subquery(alias string) *Subquery { return newSubquery(q, alias) }

// CTE makes the compound a common table expression.
func (q CompoundSelect) CTE(name string) *CTE { return newCTE(q, name) }

// ResultColumns describes the columns of the result (those of the first query).
func (q CompoundSelect) ResultColumns() []ResultColumn { return exportResult(q.resultColumns()) }

// Compile renders the compound query for the dialect.
func (q CompoundSelect) Compile(d Dialect) (Compiled, error) {
	out, err := compile(d, q.writeQuery)
	if err != nil {
		return Compiled{}, err
	}
	out.Columns = exportResult(q.resultColumns())
	return out, nil
}

func (q CompoundSelect) resultColumns() []resultColumn {
	if len(q.members) == 0 || q.members[0] == nil {
		return nil
	}
	return q.members[0].resultColumns()
}

func (q CompoundSelect) parenthesizedInCompound() bool { return true }

func (q CompoundSelect) writeQuery(c *compiler) {
	if c.ownsWith(q.with) {
		c.withQuery(q.with, func() { q.writeBody(c) })
		return
	}
	q.writeBody(c)
}

func (q CompoundSelect) writeBody(c *compiler) {
	for _, e := range q.errs {
		c.failf(e)
	}
	if len(q.members) < 2 {
		c.fail(fmt.Errorf("sqlb: %s needs at least two queries", q.kind))
		return
	}
	for _, op := range q.ops {
		switch op {
		case "INTERSECT", "EXCEPT":
			c.require(featureIntersectExcept)
		case "INTERSECT ALL", "EXCEPT ALL":
			c.require(featureSetOpAll)
		}
	}
	width := -1
	for i, m := range q.members {
		if m == nil {
			c.fail(fmt.Errorf("sqlb: nil query in %s", q.kind))
			return
		}
		n := len(m.resultColumns())
		if width >= 0 && n != width {
			c.fail(fmt.Errorf("sqlb: the queries of a %s select different numbers of columns (%d and %d)", q.kind, width, n))
			return
		}
		width = n
		if i > 0 {
			c.write(" " + q.ops[i-1] + " ")
		}
		// Each member is a query of its own: it does not see the FROM items of
		// another member.
		if m.parenthesizedInCompound() {
			c.writeByte('(')
			m.writeQuery(c)
			c.writeByte(')')
		} else {
			m.writeQuery(c)
		}
	}
	if len(q.orderBy) > 0 {
		c.write(" ORDER BY ")
		saved := c.compoundLabels
		c.compoundLabels = q.resultColumns()
		c.orderList(q.orderBy, true)
		c.compoundLabels = saved
	}
	c.writeLimit(q.limit, q.offset)
}
