package sqlb

import (
	"errors"
	"strconv"
)

// Statement is anything that compiles to one SQL statement: SELECT (and compounds of
// SELECTs), INSERT, REPLACE, UPDATE, DELETE and the DDL statements.
type Statement interface {
	// Compile renders the statement for the dialect: SQL text with ? placeholders and
	// the arguments in placeholder order. The zero Dialect means DefaultDialect.
	Compile(d Dialect) (Compiled, error)
}

// writer accumulates SQL text, the bound arguments and the byte offset of each
// placeholder (which DebugSQL uses to inline the arguments).
type writer struct {
	buf   []byte
	args  []any
	marks []int
}

// appendWriter appends the text and arguments of other.
func (w *writer) appendWriter(other *writer) {
	base := len(w.buf)
	w.buf = append(w.buf, other.buf...)
	w.args = append(w.args, other.args...)
	for _, m := range other.marks {
		w.marks = append(w.marks, base+m)
	}
}

// compiler carries the state of one compilation. It is never shared between goroutines.
type compiler struct {
	d   Dialect
	w   *writer
	err error

	// selects are the enclosing SELECT scopes, innermost last; their FROM items are
	// what a correlated subquery may refer to without listing them itself.
	selects []*selectScope
	// withs are the enclosing queries that own a WITH clause, innermost last; the first
	// is the outermost query of the statement, which collects every CTE not declared
	// anywhere.
	withs []*withScope

	// bareColumnsOf makes columns of this FROM item render without a qualifier (INSERT
	// values, RETURNING).
	bareColumnsOf FromItem
	// upsert is set while rendering ON DUPLICATE KEY UPDATE, where Inserted is allowed.
	upsert *upsertContext
	// compoundLabels, when set, renders columns selected by the first member of a UNION
	// as their result names (in the ORDER BY of the compound).
	compoundLabels []resultColumn
	// inlineValues writes values as literals instead of placeholders: DDL statements
	// cannot take parameters.
	inlineValues bool
	// modeSensitive is set when a literal was written that reads differently under the
	// NO_BACKSLASH_ESCAPES SQL mode, so the executor must know the session's mode.
	modeSensitive bool
}

// selectScope is one SELECT being compiled.
type selectScope struct {
	froms []FromItem
}

// upsertContext tells Inserted how to refer to the row being inserted.
type upsertContext struct {
	rowAlias string // non-empty: render `alias`.`col`; empty: VALUES(`col`)
	target   *Table
	used     bool // Inserted was rendered
}

// compile runs render with a fresh compiler and packages the result.
func compile(d Dialect, render func(c *compiler)) (Compiled, error) {
	c := &compiler{d: d.resolved(), w: &writer{}}
	render(c)
	if c.err != nil {
		return Compiled{}, c.err
	}
	return Compiled{
		SQL:           string(c.w.buf),
		Args:          c.w.args,
		dialect:       c.d,
		marks:         c.w.marks,
		modeSensitive: c.modeSensitive,
	}, nil
}

// fail records the first error of the compilation.
func (c *compiler) fail(err error) {
	if c.err == nil && err != nil {
		c.err = err
	}
}

// failf records an error built from a message.
func (c *compiler) failf(msg string) {
	c.fail(errors.New("sqlb: " + msg))
}

// require records an UnsupportedError unless the dialect has the feature, and reports
// whether it has.
func (c *compiler) require(f feature) bool {
	if c.d.supports(f) {
		return true
	}
	c.fail(c.d.unsupported(f))
	return false
}

func (c *compiler) write(s string) { c.w.buf = append(c.w.buf, s...) }

func (c *compiler) writeByte(b byte) { c.w.buf = append(c.w.buf, b) }

func (c *compiler) writeInt(n int64) { c.w.buf = strconv.AppendInt(c.w.buf, n, 10) }

// ident writes a backtick-quoted identifier.
func (c *compiler) ident(name string) { c.w.buf = quoteIdent(c.w.buf, name) }

// qualifiedIdent writes `schema`.`name`, or `name` without a schema.
func (c *compiler) qualifiedIdent(schema, name string) {
	if schema != "" {
		c.ident(schema)
		c.writeByte('.')
	}
	c.ident(name)
}

// bind writes a placeholder for v.
func (c *compiler) bind(v any) {
	if c.inlineValues {
		c.literal(v)
		return
	}
	c.w.marks = append(c.w.marks, len(c.w.buf))
	c.w.buf = append(c.w.buf, '?')
	c.w.args = append(c.w.args, v)
}

// expr writes n as a complete expression (a list element, a clause on its own).
func (c *compiler) expr(n node) {
	if n == nil {
		c.failf("missing expression (nil)")
		return
	}
	n.writeSQL(c)
}

// operand writes n inside an operator of precedence prec, in parentheses when n binds
// less tightly; tight asks for parentheses at equal precedence too.
func (c *compiler) operand(n node, prec int, tight bool) {
	if n == nil {
		c.failf("missing expression (nil)")
		return
	}
	p := n.precedence()
	if p < prec || (tight && p == prec) {
		c.writeByte('(')
		n.writeSQL(c)
		c.writeByte(')')
		return
	}
	n.writeSQL(c)
}

// exprList writes nodes separated by commas.
func (c *compiler) exprList(nodes []node) {
	for i, n := range nodes {
		if i > 0 {
			c.write(", ")
		}
		c.expr(n)
	}
}

// sub compiles render into a separate writer and returns it, leaving c's own text as
// it was; the caller decides where the fragment goes.
func (c *compiler) sub(render func()) *writer {
	saved := c.w
	c.w = &writer{}
	render()
	out := c.w
	c.w = saved
	return out
}

// inSelect runs render with a new innermost SELECT scope.
func (c *compiler) inSelect(scope *selectScope, render func()) {
	c.selects = append(c.selects, scope)
	render()
	c.selects = c.selects[:len(c.selects)-1]
}

// isCorrelated reports whether item is in the FROM clause of an enclosing SELECT.
func (c *compiler) isCorrelated(item FromItem) bool {
	for _, s := range c.selects {
		for _, f := range s.froms {
			if f == item {
				return true
			}
		}
	}
	return false
}
