package sqlb

import (
	"fmt"
	"slices"
)

// UpdateStmt is an UPDATE statement, single-table or joined (multiple-table). It is an
// immutable value: methods return a new statement.
type UpdateStmt struct {
	table   *Table
	joins   []fromEntry
	set     []Assignment
	where   []node
	orderBy []orderTerm
	limit   *int64
	ignore  bool
	errs    []string
}

// Update starts "UPDATE table" (an alias is written `table` AS `alias`).
func Update(table *Table) UpdateStmt { return UpdateStmt{table: table} }

// Set adds assignments.
func (s UpdateStmt) Set(set ...Assignment) UpdateStmt {
	s.set = append(slices.Clip(s.set), set...)
	return s
}

// Join joins another table (multiple-table UPDATE); with no condition the ON clause is
// inferred from the one foreign key, as in SelectStmt.Join.
func (s UpdateStmt) Join(right FromItem, on ...Condition) UpdateStmt {
	s.joins = appendJoin(s.joins, joinInner, right, on)
	return s
}

// LeftJoin joins another table with LEFT JOIN.
func (s UpdateStmt) LeftJoin(right FromItem, on ...Condition) UpdateStmt {
	s.joins = appendJoin(s.joins, joinLeft, right, on)
	return s
}

// Where adds conditions, joined with AND to those already there; nil ones are skipped.
func (s UpdateStmt) Where(conds ...Condition) UpdateStmt {
	s.where = appendConditions(s.where, conds)
	return s
}

// WhereIf adds cond only when ok is true.
func (s UpdateStmt) WhereIf(ok bool, cond Condition) UpdateStmt {
	if !ok {
		return s
	}
	return s.Where(cond)
}

// OrderBy orders the updated rows (single-table UPDATE only).
func (s UpdateStmt) OrderBy(items ...OrderItem) UpdateStmt {
	s.orderBy = appendOrder(s.orderBy, items)
	return s
}

// Limit updates at most n rows (single-table UPDATE only).
func (s UpdateStmt) Limit(n int64) UpdateStmt {
	if n < 0 {
		s.errs = append(slices.Clip(s.errs), fmt.Sprintf("negative LIMIT %d", n))
	}
	s.limit = &n
	return s
}

// Ignore makes it UPDATE IGNORE: rows whose update would violate a unique key are
// skipped.
func (s UpdateStmt) Ignore() UpdateStmt {
	s.ignore = true
	return s
}

// Compile renders the statement for the dialect.
func (s UpdateStmt) Compile(d Dialect) (Compiled, error) { return compile(d, s.write) }

func (s UpdateStmt) write(c *compiler) {
	for _, e := range s.errs {
		c.failf(e)
	}
	switch {
	case s.table == nil:
		c.failf("UPDATE of a nil table")
		return
	case len(s.set) == 0:
		c.failf("UPDATE without Set")
		return
	}
	multi := len(s.joins) > 0
	if multi && (len(s.orderBy) > 0 || s.limit != nil) {
		c.fail(&UnsupportedError{Feature: "ORDER BY and LIMIT in a multiple-table UPDATE", Dialect: c.d})
		return
	}
	entries := append([]fromEntry{{item: s.table}}, s.joins...)
	scope := &selectScope{}
	for _, e := range entries {
		scope.froms = append(scope.froms, e.item)
	}
	c.inSelect(scope, func() {
		c.write("UPDATE ")
		if s.ignore {
			c.write("IGNORE ")
		}
		c.writeFromEntries(entries)
		c.write(" SET ")
		if multi {
			for _, a := range s.set {
				if a.column != nil && !slices.Contains(scope.froms, a.column.From()) {
					c.fail(fmt.Errorf("sqlb: UPDATE assigns column %q of a table the statement does not name", a.column.Name()))
					return
				}
			}
			c.writeAssignments(s.set, nil, false)
		} else {
			c.writeAssignments(s.set, s.table, true)
		}
		c.writeConditions(" WHERE ", s.where)
		if len(s.orderBy) > 0 {
			c.write(" ORDER BY ")
			c.orderList(s.orderBy, true)
		}
		if s.limit != nil {
			c.write(" LIMIT ")
			c.bind(*s.limit)
		}
	})
}
