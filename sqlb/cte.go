package sqlb

import (
	"fmt"
	"slices"
)

// CTE is a common table expression, "WITH name AS (query)", used as a table in FROM. A
// statement that uses a CTE gets the WITH clause automatically (on the outermost query),
// or where With declares it. Get its columns with Column.Of or Col.
//
// A recursive CTE is built from its anchor query: anchor.CTE(name) gives a CTE the
// recursive part can refer to, and UnionAll (or Union) with the recursive part gives the
// complete CTE, which is the one to select from.
type CTE struct {
	identity  *cteIdentity
	alias     string // set for an alias of the CTE (FROM name AS alias)
	body      SelectQuery
	recursive bool
	columns   []AnyColumn
}

// cteIdentity is shared by a CTE, its recursive completion and its aliases: they all
// stand for one WITH entry.
type cteIdentity struct {
	name string
	full *CTE // the most complete definition (the recursive one when there is one)
}

func newCTE(q SelectQuery, name string) *CTE {
	cte := &CTE{identity: &cteIdentity{name: name}, body: q}
	cte.identity.full = cte
	cte.columns = derivedColumns(cte, q.resultColumns())
	return cte
}

// Name is the CTE's name.
func (cte *CTE) Name() string { return cte.identity.name }

// Columns returns the columns the CTE provides (named by the anchor query's labels).
func (cte *CTE) Columns() []AnyColumn { return slices.Clone(cte.columns) }

// As returns an alias of the CTE, to use it twice in one FROM.
func (cte *CTE) As(alias string) *CTE {
	a := &CTE{identity: cte.identity, alias: alias, body: cte.body, recursive: cte.recursive}
	a.columns = derivedColumns(a, cte.body.resultColumns())
	return a
}

// UnionAll completes a recursive CTE: its body becomes "anchor UNION ALL recursive",
// where the recursive part selects from cte itself. It needs MySQL 8.0.1+ or MariaDB
// 10.2.2+.
func (cte *CTE) UnionAll(recursive SelectQuery) *CTE { return cte.recurse("UNION ALL", recursive) }

// Union completes a recursive CTE with UNION (duplicates removed, which also stops
// cycles).
func (cte *CTE) Union(recursive SelectQuery) *CTE { return cte.recurse("UNION", recursive) }

func (cte *CTE) recurse(op string, recursive SelectQuery) *CTE {
	body := newCompound(op, cte.body, []SelectQuery{recursive})
	full := &CTE{identity: cte.identity, alias: cte.alias, body: body, recursive: true}
	full.columns = derivedColumns(full, cte.body.resultColumns())
	cte.identity.full = full
	return full
}

func (cte *CTE) selectExpressions() []Expression {
	out := make([]Expression, len(cte.columns))
	for i, c := range cte.columns {
		out[i] = c
	}
	return out
}

func (cte *CTE) fromName() string {
	if cte.alias != "" {
		return cte.alias
	}
	return cte.identity.name
}

func (cte *CTE) writeQualifier(c *compiler) { c.ident(cte.fromName()) }

func (cte *CTE) fromItem() FromItem { return cte }

func (cte *CTE) writeFrom(c *compiler) {
	c.referenceCTE(cte)
	c.ident(cte.identity.name)
	if cte.alias != "" {
		if err := checkIdent("alias", cte.alias, maxAliasLength); err != nil {
			c.fail(err)
		}
		c.write(" AS ")
		c.ident(cte.alias)
	}
}

// withScope is a query that owns a WITH clause.
type withScope struct {
	declared []*CTE
	state    map[*cteIdentity]cteState
	entries  []*writer // "name AS (body)", dependencies first
	names    map[string]*cteIdentity
	recurse  bool
}

type cteState int

const (
	cteUnseen cteState = iota
	cteDefining
	cteDefined
)

func (s *withScope) declares(id *cteIdentity) bool {
	for _, d := range s.declared {
		if d.identity == id {
			return true
		}
	}
	return false
}

// ownsWith reports whether a query with the given declared CTEs must own a WITH clause:
// the outermost query of a statement always does, to collect CTEs declared nowhere.
func (c *compiler) ownsWith(declared []*CTE) bool {
	return len(c.withs) == 0 || len(declared) > 0
}

// withQuery renders a query that owns a WITH clause: body first (discovering the CTEs
// it uses), then "WITH [RECURSIVE] ..." in front of it.
func (c *compiler) withQuery(declared []*CTE, body func()) {
	scope := &withScope{declared: declared, state: map[*cteIdentity]cteState{}, names: map[string]*cteIdentity{}}
	c.withs = append(c.withs, scope)
	for _, d := range declared {
		if d == nil {
			c.failf("nil CTE in With")
			continue
		}
		c.defineCTE(scope, d.identity)
	}
	text := c.sub(body)
	c.withs = c.withs[:len(c.withs)-1]
	if len(scope.entries) > 0 && c.require(featureCTE) {
		c.write("WITH ")
		if scope.recurse && c.require(featureRecursiveCTE) {
			c.write("RECURSIVE ")
		}
		for i, e := range scope.entries {
			if i > 0 {
				c.write(", ")
			}
			c.w.appendWriter(e)
		}
		c.writeByte(' ')
	}
	c.w.appendWriter(text)
}

// referenceCTE makes sure the CTE a FROM clause names is defined by a WITH clause: the
// nearest one that declares it, else the outermost query's.
func (c *compiler) referenceCTE(cte *CTE) {
	if len(c.withs) == 0 {
		c.fail(fmt.Errorf("sqlb: CTE %q is used where no query can carry its WITH clause (UPDATE and DELETE tables); use a subquery", cte.identity.name))
		return
	}
	for i := len(c.withs) - 1; i >= 0; i-- {
		if c.withs[i].declares(cte.identity) {
			c.defineCTE(c.withs[i], cte.identity)
			return
		}
	}
	c.defineCTE(c.withs[0], cte.identity)
}

// defineCTE renders the WITH entry of a CTE in scope, after the entries it depends on.
func (c *compiler) defineCTE(scope *withScope, id *cteIdentity) {
	switch scope.state[id] {
	case cteDefined:
		return
	case cteDefining:
		scope.recurse = true // the CTE refers to itself
		return
	}
	if other, ok := scope.names[id.name]; ok && other != id {
		c.fail(fmt.Errorf("sqlb: two different CTEs are named %q in one statement", id.name))
		return
	}
	scope.names[id.name] = id
	scope.state[id] = cteDefining
	cte := id.full
	if cte.recursive {
		scope.recurse = true
	}
	entry := c.sub(func() {
		if err := checkIdent("CTE", id.name, MaxIdentifierLength); err != nil {
			c.fail(err)
		}
		// The body is a query of its own: nothing of the place where the CTE was first
		// used applies to it.
		saved := *c
		c.selects, c.bareColumnsOf, c.upsert, c.compoundLabels = nil, nil, nil, nil
		c.ident(id.name)
		c.write(" AS (")
		cte.body.writeQuery(c)
		c.writeByte(')')
		c.selects, c.bareColumnsOf, c.upsert, c.compoundLabels = saved.selects, saved.bareColumnsOf, saved.upsert, saved.compoundLabels
	})
	scope.entries = append(scope.entries, entry)
	scope.state[id] = cteDefined
}
