package sqlb

import (
	"fmt"
	"slices"
)

// DeleteStmt is a DELETE statement, single-table or joined (multiple-table). It is an
// immutable value: methods return a new statement.
type DeleteStmt struct {
	table     *Table
	joins     []fromEntry
	where     []node
	orderBy   []orderTerm
	limit     *int64
	ignore    bool
	returning []SelectItem
	errs      []string
}

// DeleteFrom starts "DELETE FROM table". Deleting through an alias or with joins uses
// the multiple-table form, "DELETE `alias` FROM `table` AS `alias` JOIN ...".
func DeleteFrom(table *Table) DeleteStmt { return DeleteStmt{table: table} }

// Join joins another table (multiple-table DELETE, which deletes only from the first
// table); with no condition the ON clause is inferred from the one foreign key.
func (s DeleteStmt) Join(right FromItem, on ...Condition) DeleteStmt {
	s.joins = appendJoin(s.joins, joinInner, right, on)
	return s
}

// LeftJoin joins another table with LEFT JOIN.
func (s DeleteStmt) LeftJoin(right FromItem, on ...Condition) DeleteStmt {
	s.joins = appendJoin(s.joins, joinLeft, right, on)
	return s
}

// Where adds conditions, joined with AND to those already there; nil ones are skipped.
func (s DeleteStmt) Where(conds ...Condition) DeleteStmt {
	s.where = appendConditions(s.where, conds)
	return s
}

// WhereIf adds cond only when ok is true.
func (s DeleteStmt) WhereIf(ok bool, cond Condition) DeleteStmt {
	if !ok {
		return s
	}
	return s.Where(cond)
}

// OrderBy orders the deleted rows (single-table DELETE only).
func (s DeleteStmt) OrderBy(items ...OrderItem) DeleteStmt {
	s.orderBy = appendOrder(s.orderBy, items)
	return s
}

// Limit deletes at most n rows (single-table DELETE only).
func (s DeleteStmt) Limit(n int64) DeleteStmt {
	if n < 0 {
		s.errs = append(slices.Clip(s.errs), fmt.Sprintf("negative LIMIT %d", n))
	}
	s.limit = &n
	return s
}

// Ignore makes it DELETE IGNORE.
func (s DeleteStmt) Ignore() DeleteStmt {
	s.ignore = true
	return s
}

// Returning adds a RETURNING clause (MariaDB 10.0.5+, single-table DELETE only; MySQL
// has none): the statement returns the deleted rows' items.
func (s DeleteStmt) Returning(items ...SelectItem) DeleteStmt {
	s.returning = append(slices.Clip(s.returning), items...)
	return s
}

// ResultColumns describes what RETURNING returns (nil without RETURNING).
func (s DeleteStmt) ResultColumns() []ResultColumn {
	if len(s.returning) == 0 {
		return nil
	}
	return exportResult(labelResult(s.returning, LabelNone))
}

// Compile renders the statement for the dialect.
func (s DeleteStmt) Compile(d Dialect) (Compiled, error) {
	out, err := compile(d, s.write)
	if err != nil {
		return Compiled{}, err
	}
	out.Columns = s.ResultColumns()
	return out, nil
}

func (s DeleteStmt) write(c *compiler) {
	for _, e := range s.errs {
		c.failf(e)
	}
	if s.table == nil {
		c.failf("DELETE from a nil table")
		return
	}
	multi := len(s.joins) > 0 || s.table.aliasOf != nil
	if multi && (len(s.orderBy) > 0 || s.limit != nil) {
		c.fail(&UnsupportedError{Feature: "ORDER BY and LIMIT in a multiple-table DELETE (joins or an aliased table)", Dialect: c.d})
		return
	}
	if len(s.returning) > 0 {
		if !c.require(featureDeleteReturning) {
			return
		}
		if multi {
			c.fail(&UnsupportedError{Feature: "RETURNING in a multiple-table DELETE (joins or an aliased table)", Dialect: c.d})
			return
		}
	}
	entries := append([]fromEntry{{item: s.table}}, s.joins...)
	scope := &selectScope{}
	for _, e := range entries {
		scope.froms = append(scope.froms, e.item)
	}
	c.inSelect(scope, func() {
		c.write("DELETE ")
		if s.ignore {
			c.write("IGNORE ")
		}
		if multi {
			s.table.writeQualifier(c)
			c.writeByte(' ')
		}
		c.write("FROM ")
		c.writeFromEntries(entries)
		c.writeConditions(" WHERE ", s.where)
		if len(s.orderBy) > 0 {
			c.write(" ORDER BY ")
			c.orderList(s.orderBy, true)
		}
		if s.limit != nil {
			c.write(" LIMIT ")
			c.bind(*s.limit)
		}
		if len(s.returning) > 0 {
			c.write(" RETURNING ")
			saved := c.bareColumnsOf
			c.bareColumnsOf = s.table
			c.writeSelectList(labelResult(s.returning, LabelNone))
			c.bareColumnsOf = saved
		}
	})
}
