package sqlb

import (
	"fmt"
	"slices"
)

// SelectQuery is a query that returns rows: a SelectStmt or a CompoundSelect. It can be
// compiled, used as a subquery (IN, EXISTS, Scalar), as a derived table (Subquery), as
// a CTE, and as the source of INSERT ... SELECT.
type SelectQuery interface {
	Statement
	// Subquery makes the query a derived table for FROM, under an alias.
	Subquery(alias string) *Subquery
	// CTE makes the query a common table expression named name.
	CTE(name string) *CTE

	resultColumns() []resultColumn
	writeQuery(c *compiler)
	// parenthesizedInCompound reports whether the query needs parentheses as a member
	// of a UNION (it has ORDER BY, LIMIT, a locking clause or its own WITH).
	parenthesizedInCompound() bool
}

// SelectStmt is a SELECT statement. It is an immutable value: every method returns a
// new statement and leaves the receiver unchanged, so a base query can be shared (also
// between goroutines) and refined in different ways.
type SelectStmt struct {
	items      []SelectItem
	distinct   bool
	from       []fromEntry
	where      []node
	groupBy    []node
	having     []node
	orderBy    []orderTerm
	limit      *int64
	offset     *int64
	lock       *lockClause
	with       []*CTE
	labelStyle LabelStyle
	errs       []string
}

// Select starts a SELECT of items: expressions, and tables, aliases, derived tables or
// CTEs for all their columns.
//
// Without From, the FROM clause lists the tables whose columns the statement uses (in
// the select list, WHERE, GROUP BY, HAVING and ORDER BY), except those joined with Join
// and, in a subquery, those of the enclosing query (a correlated subquery).
func Select(items ...SelectItem) SelectStmt {
	return SelectStmt{items: slices.Clone(items)}
}

// AddColumns appends items to the select list.
func (s SelectStmt) AddColumns(items ...SelectItem) SelectStmt {
	s.items = append(slices.Clip(s.items), items...)
	return s
}

// Distinct makes it SELECT DISTINCT.
func (s SelectStmt) Distinct() SelectStmt {
	s.distinct = true
	return s
}

// From appends tables, aliases, derived tables or CTEs to the FROM clause.
func (s SelectStmt) From(items ...FromItem) SelectStmt {
	s.from = slices.Clip(s.from)
	for _, item := range items {
		s.from = append(s.from, fromEntry{item: unwrapFrom(item)})
	}
	return s
}

// Join adds "INNER JOIN right ON ...". With no condition, the ON clause comes from the
// foreign key between right and the tables before it, which must be exactly one (else
// Compile reports an error). Several conditions are joined with AND.
func (s SelectStmt) Join(right FromItem, on ...Condition) SelectStmt {
	s.from = appendJoin(s.from, joinInner, right, on)
	return s
}

// LeftJoin adds "LEFT JOIN right ON ...", the condition inferred as in Join.
func (s SelectStmt) LeftJoin(right FromItem, on ...Condition) SelectStmt {
	s.from = appendJoin(s.from, joinLeft, right, on)
	return s
}

// RightJoin adds "RIGHT JOIN right ON ...", the condition inferred as in Join.
func (s SelectStmt) RightJoin(right FromItem, on ...Condition) SelectStmt {
	s.from = appendJoin(s.from, joinRight, right, on)
	return s
}

// CrossJoin adds "CROSS JOIN right" (every combination of rows).
func (s SelectStmt) CrossJoin(right FromItem) SelectStmt {
	s.from = append(slices.Clip(s.from), fromEntry{item: unwrapFrom(right), join: joinCross})
	return s
}

// Where adds conditions, joined with AND to those already there (calling Where again
// narrows the query, it never replaces). Nil conditions are skipped.
func (s SelectStmt) Where(conds ...Condition) SelectStmt {
	s.where = appendConditions(s.where, conds)
	return s
}

// WhereIf adds cond only when ok is true, for optional filters. cond is built by the
// caller either way; when building it is not safe (a nil pointer), use an if statement.
func (s SelectStmt) WhereIf(ok bool, cond Condition) SelectStmt {
	if !ok {
		return s
	}
	return s.Where(cond)
}

// GroupBy adds GROUP BY expressions.
func (s SelectStmt) GroupBy(exprs ...Expression) SelectStmt {
	s.groupBy = slices.Clip(s.groupBy)
	for _, e := range exprs {
		s.groupBy = append(s.groupBy, nodeOf(e))
	}
	return s
}

// Having adds HAVING conditions, joined with AND to those already there.
func (s SelectStmt) Having(conds ...Condition) SelectStmt {
	s.having = appendConditions(s.having, conds)
	return s
}

// OrderBy adds ORDER BY items, after those already there.
func (s SelectStmt) OrderBy(items ...OrderItem) SelectStmt {
	s.orderBy = appendOrder(s.orderBy, items)
	return s
}

// Limit sets LIMIT (a bound parameter), replacing any earlier limit.
func (s SelectStmt) Limit(n int64) SelectStmt {
	if n < 0 {
		s.errs = append(slices.Clip(s.errs), fmt.Sprintf("negative LIMIT %d", n))
	}
	s.limit = &n
	return s
}

// Offset sets OFFSET (a bound parameter), replacing any earlier offset. Without a
// limit, the statement gets the largest limit the server allows.
func (s SelectStmt) Offset(n int64) SelectStmt {
	if n < 0 {
		s.errs = append(slices.Clip(s.errs), fmt.Sprintf("negative OFFSET %d", n))
	}
	s.offset = &n
	return s
}

// With declares CTEs on this query, in this order. CTEs a query uses need not be
// declared: they are added to the WITH clause of the outermost query.
func (s SelectStmt) With(ctes ...*CTE) SelectStmt {
	s.with = append(slices.Clip(s.with), ctes...)
	return s
}

// LabelStyle sets how selected columns are labelled (LabelDisambiguate by default).
func (s SelectStmt) LabelStyle(style LabelStyle) SelectStmt {
	s.labelStyle = style
	return s
}

// ForUpdate adds a FOR UPDATE locking clause.
func (s SelectStmt) ForUpdate(opts ...LockOption) SelectStmt {
	s.lock = newLock(false, opts)
	return s
}

// ForShare adds a shared locking clause: FOR SHARE on MySQL 8.0.1+, LOCK IN SHARE MODE
// on MariaDB and older MySQL.
func (s SelectStmt) ForShare(opts ...LockOption) SelectStmt {
	s.lock = newLock(true, opts)
	return s
}

// Subquery makes the query a derived table under alias.
func (s SelectStmt) Subquery(alias string) *Subquery { return newSubquery(s, alias) }

// CTE makes the query a common table expression named name.
func (s SelectStmt) CTE(name string) *CTE { return newCTE(s, name) }

// Union combines the query with others by UNION (duplicates removed).
func (s SelectStmt) Union(others ...SelectQuery) CompoundSelect {
	return newCompound("UNION", s, others)
}

// UnionAll combines the query with others by UNION ALL.
func (s SelectStmt) UnionAll(others ...SelectQuery) CompoundSelect {
	return newCompound("UNION ALL", s, others)
}

// Intersect combines the query with others by INTERSECT (MySQL 8.0.31+, MariaDB 10.3+).
func (s SelectStmt) Intersect(others ...SelectQuery) CompoundSelect {
	return newCompound("INTERSECT", s, others)
}

// Except combines the query with others by EXCEPT (MySQL 8.0.31+, MariaDB 10.3+).
func (s SelectStmt) Except(others ...SelectQuery) CompoundSelect {
	return newCompound("EXCEPT", s, others)
}

// ResultColumns describes the columns the query returns (names after labelling), the
// same information without compiling.
func (s SelectStmt) ResultColumns() []ResultColumn { return exportResult(s.resultColumns()) }

// Compile renders the SELECT for the dialect.
func (s SelectStmt) Compile(d Dialect) (Compiled, error) {
	out, err := compile(d, s.writeQuery)
	if err != nil {
		return Compiled{}, err
	}
	out.Columns = exportResult(s.resultColumns())
	return out, nil
}

func (s SelectStmt) resultColumns() []resultColumn { return labelResult(s.items, s.labelStyle) }

func (s SelectStmt) parenthesizedInCompound() bool {
	return len(s.orderBy) > 0 || s.limit != nil || s.offset != nil || s.lock != nil || len(s.with) > 0
}

func (s SelectStmt) writeQuery(c *compiler) {
	if c.ownsWith(s.with) {
		c.withQuery(s.with, func() { s.writeBody(c) })
		return
	}
	s.writeBody(c)
}

func (s SelectStmt) writeBody(c *compiler) {
	for _, e := range s.errs {
		c.failf(e)
	}
	result := s.resultColumns()
	entries := s.fromEntries(c, result)
	scope := &selectScope{}
	for _, e := range entries {
		scope.froms = append(scope.froms, e.item)
	}
	c.inSelect(scope, func() {
		c.write("SELECT ")
		if s.distinct {
			c.write("DISTINCT ")
		}
		c.writeSelectList(result)
		switch {
		case len(entries) > 0:
			c.write(" FROM ")
			c.writeFromEntries(entries)
		case len(s.where) > 0 || len(s.groupBy) > 0 || len(s.having) > 0:
			// Older servers need a FROM before WHERE; DUAL is the table of one row.
			c.write(" FROM DUAL")
		}
		c.writeConditions(" WHERE ", s.where)
		if len(s.groupBy) > 0 {
			c.write(" GROUP BY ")
			c.exprList(s.groupBy)
		}
		c.writeConditions(" HAVING ", s.having)
		if len(s.orderBy) > 0 {
			c.write(" ORDER BY ")
			c.orderList(s.orderBy, true)
		}
		c.writeLimit(s.limit, s.offset)
		if s.lock != nil {
			s.lock.write(c)
		}
	})
}

// fromEntries returns the FROM clause: the explicit one, or the tables the statement's
// expressions use (less joined and correlated ones) followed by the joins.
func (s SelectStmt) fromEntries(c *compiler, result []resultColumn) []fromEntry {
	for _, e := range s.from {
		if e.join == joinNone {
			return s.from
		}
	}
	joined := map[FromItem]bool{}
	for _, e := range s.from {
		joined[e.item] = true
	}
	var inferred []fromEntry
	seen := map[FromItem]bool{}
	add := func(f FromItem) {
		if isNilFrom(f) || seen[f] || joined[f] || c.isCorrelated(f) {
			return
		}
		seen[f] = true
		inferred = append(inferred, fromEntry{item: f})
	}
	for _, rc := range result {
		rc.node.collectFroms(add)
	}
	for _, list := range [][]node{s.where, s.groupBy, s.having} {
		for _, n := range list {
			n.collectFroms(add)
		}
	}
	for _, t := range s.orderBy {
		t.n.collectFroms(add)
	}
	return append(inferred, s.from...)
}

// appendConditions appends the non-nil conditions.
func appendConditions(list []node, conds []Condition) []node {
	list = slices.Clip(list)
	for _, cond := range conds {
		if cond == nil {
			continue
		}
		if n := cond.sqlNode(); n != nil {
			list = append(list, n)
		}
	}
	return list
}

// writeConditions writes keyword and the conditions joined with AND, if there are any.
func (c *compiler) writeConditions(keyword string, conds []node) {
	if len(conds) == 0 {
		return
	}
	c.write(keyword)
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

// maxLimit is the largest LIMIT, used for an OFFSET without a limit.
const maxLimit = "18446744073709551615"

func (c *compiler) writeLimit(limit, offset *int64) {
	switch {
	case limit != nil:
		c.write(" LIMIT ")
		c.bind(*limit)
	case offset != nil:
		c.write(" LIMIT " + maxLimit)
	}
	if offset != nil {
		c.write(" OFFSET ")
		c.bind(*offset)
	}
}

// LockOption refines a locking clause (ForUpdate, ForShare).
type LockOption func(*lockClause)

type lockClause struct {
	share      bool
	noWait     bool
	skipLocked bool
	wait       *int
	of         []FromItem
}

func newLock(share bool, opts []LockOption) *lockClause {
	l := &lockClause{share: share}
	for _, opt := range opts {
		if opt != nil {
			opt(l)
		}
	}
	return l
}

// NoWait fails at once instead of waiting for a locked row (MySQL 8.0.1+, MariaDB
// 10.3+).
func NoWait() LockOption { return func(l *lockClause) { l.noWait = true } }

// SkipLocked skips locked rows (MySQL 8.0.1+, MariaDB 10.6+).
func SkipLocked() LockOption { return func(l *lockClause) { l.skipLocked = true } }

// Wait waits at most seconds for a locked row (MariaDB 10.3+ only).
func Wait(seconds int) LockOption { return func(l *lockClause) { l.wait = &seconds } }

// LockOf limits the locks to the rows of some tables of the query (MySQL 8.0.1+ only).
func LockOf(tables ...FromItem) LockOption {
	return func(l *lockClause) {
		l.of = slices.Clip(l.of)
		for _, t := range tables {
			l.of = append(l.of, unwrapFrom(t))
		}
	}
}

func (l *lockClause) write(c *compiler) {
	if l.noWait && (l.skipLocked || l.wait != nil) || l.skipLocked && l.wait != nil {
		c.failf("NOWAIT, WAIT and SKIP LOCKED exclude each other")
		return
	}
	switch {
	case !l.share:
		c.write(" FOR UPDATE")
	case !c.require(featureShareLock):
		return
	case c.d.supports(featureForShare):
		c.write(" FOR SHARE")
	default:
		c.write(" LOCK IN SHARE MODE")
	}
	if len(l.of) > 0 && c.require(featureLockOf) {
		c.write(" OF ")
		for i, t := range l.of {
			if i > 0 {
				c.write(", ")
			}
			if isNilFrom(t) {
				c.failf("nil table in LockOf")
				continue
			}
			t.writeQualifier(c)
		}
	}
	switch {
	case l.wait != nil:
		if *l.wait < 0 {
			c.fail(fmt.Errorf("sqlb: negative lock wait %d", *l.wait))
		}
		if c.require(featureLockWait) {
			c.write(" WAIT ")
			c.writeInt(int64(*l.wait))
		}
	case l.noWait:
		if c.require(featureNoWait) {
			c.write(" NOWAIT")
		}
	case l.skipLocked:
		if c.require(featureSkipLocked) {
			c.write(" SKIP LOCKED")
		}
	}
}
