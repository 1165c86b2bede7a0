package sqlb

import (
	"fmt"
	"strings"
)

// LabelStyle decides which selected columns get an "AS label" and what the label is.
// Whatever the style, an expression given a Label keeps it.
type LabelStyle int

const (
	// LabelDisambiguate (the default) leaves columns their own names and labels only
	// those whose name is already taken in the result, as name_1, name_2...; other
	// unnamed expressions get labels such as count_1 or expr_1. It is SQLAlchemy's
	// LABEL_STYLE_DISAMBIGUATE_ONLY.
	LabelDisambiguate LabelStyle = iota
	// LabelTablePlusColumn labels every column <table>_<column> (the alias for an
	// aliased table), like SQLAlchemy's use_labels=True or
	// LABEL_STYLE_TABLENAME_PLUS_COL: `user`.`id` AS `user_id`.
	LabelTablePlusColumn
	// LabelNone writes no labels but the explicit ones; the server then names columns
	// after their column names or expression text.
	LabelNone
)

// String names the style.
func (s LabelStyle) String() string {
	switch s {
	case LabelDisambiguate:
		return "disambiguate"
	case LabelTablePlusColumn:
		return "table_plus_column"
	case LabelNone:
		return "none"
	}
	return fmt.Sprintf("LabelStyle(%d)", int(s))
}

// resultColumn is one column of a query's result.
type resultColumn struct {
	expr   Expression // as selected
	node   node       // what is written before AS (the label removed)
	column AnyColumn  // set when a plain column is selected
	name   string     // the column's name in the result; "" when the server chooses
	label  bool       // write AS name
	err    error
}

// labelResult computes the result columns of a select list under a label style.
// Generated labels are unique in the result and never longer than MaxIdentifierLength;
// explicit labels are kept as given (and checked).
func labelResult(items []SelectItem, style LabelStyle) []resultColumn {
	var exprs []Expression
	for _, item := range items {
		if item == nil {
			exprs = append(exprs, Coerce[any](nil))
			continue
		}
		exprs = append(exprs, item.selectExpressions()...)
	}
	out := make([]resultColumn, len(exprs))
	var names nameSet
	// Explicit labels first, so generated names step around them.
	for i, e := range exprs {
		n := nodeOf(e)
		out[i] = resultColumn{expr: e, node: n}
		if l, ok := n.(*labelNode); ok {
			out[i].node = l.x
			out[i].name = l.name
			out[i].label = true
			out[i].err = checkIdent("label", l.name, MaxIdentifierLength)
			names.add(l.name)
		}
	}
	anonymous := map[string]int{}
	for i := range out {
		rc := &out[i]
		if rc.label {
			continue
		}
		if col, ok := rc.node.(AnyColumn); ok {
			rc.column = col
			if col.From() == nil { // an unresolved column; compiling it reports why
				rc.name = col.Name()
				continue
			}
			switch style {
			case LabelNone:
				rc.name = col.Name()
			case LabelTablePlusColumn:
				rc.name = names.unique(col.From().fromName() + "_" + col.Name())
				rc.label = rc.name != col.Name()
			default:
				rc.name = names.unique(col.Name())
				rc.label = rc.name != col.Name()
			}
			continue
		}
		if style == LabelNone {
			continue
		}
		prefix := "expr"
		if f, ok := rc.node.(*funcNode); ok && isPlainWord(f.name) {
			prefix = strings.ToLower(f.name)
		}
		for {
			anonymous[prefix]++
			candidate := fmt.Sprintf("%s_%d", prefix, anonymous[prefix])
			if !names.has(candidate) {
				rc.name = names.unique(candidate)
				break
			}
		}
		rc.label = true
	}
	return out
}

// writeSelectList writes the result columns with their labels.
func (c *compiler) writeSelectList(rcs []resultColumn) {
	if len(rcs) == 0 {
		c.failf("SELECT without columns")
		return
	}
	for i, rc := range rcs {
		if i > 0 {
			c.write(", ")
		}
		c.fail(rc.err)
		c.expr(rc.node)
		if rc.label {
			c.write(" AS ")
			c.ident(rc.name)
		}
	}
}

// ResultColumn describes one column a compiled statement returns, so rows can be mapped
// back to column objects.
type ResultColumn struct {
	// Name is the column's name in the result: its label, or the column name when
	// none is written. It is empty for an unlabelled expression under LabelNone, which
	// the server names after the expression text.
	Name string
	// Column is the selected column (of a table, alias, derived table or CTE), or nil
	// for other expressions.
	Column AnyColumn
	// Expr is the selected expression.
	Expr Expression
}

func exportResult(rcs []resultColumn) []ResultColumn {
	out := make([]ResultColumn, len(rcs))
	for i, rc := range rcs {
		out[i] = ResultColumn{Name: rc.name, Column: rc.column, Expr: rc.expr}
	}
	return out
}
