package sqlb

import (
	"fmt"

	"github.com/myxdb/myx/internal/sqltext"
)

// Text is raw SQL, the escape hatch for what the builders cannot express. Each ? in sql
// (outside quoted strings, quoted identifiers and comments) is a placeholder for the next
// argument: an Expression argument renders as SQL in its place, anything else is a bound
// parameter. The number of placeholders must match the number of arguments.
//
// Text is typed as a Condition so it can be passed to Where directly; use TextAs for
// another Go type. Never build sql from untrusted input: pass values as arguments.
func Text(sql string, args ...any) Condition { return TextAs[bool](sql, args...) }

// TextAs is Text with the Go type T.
func TextAs[T any](sql string, args ...any) Expr[T] {
	return wrap[T](&textNode{sql: sql, args: args})
}

type textNode struct {
	sql  string
	args []any
}

func (n *textNode) writeSQL(c *compiler) {
	positions := placeholderPositions(n.sql, c.d.NoBackslashEscapes)
	if len(positions) != len(n.args) {
		c.fail(fmt.Errorf("sqlb: Text has %d placeholders but %d arguments: %q", len(positions), len(n.args), n.sql))
		return
	}
	last := 0
	for i, pos := range positions {
		c.write(n.sql[last:pos])
		last = pos + 1
		switch a := n.args[i].(type) {
		case Expression:
			c.operand(nodeOf(a), precAtom, false)
		case SelectQuery:
			c.subquery(a, 0)
		default:
			c.bind(a)
		}
	}
	c.write(n.sql[last:])
}
func (n *textNode) precedence() int { return precRaw }
func (n *textNode) collectFroms(add func(FromItem)) {
	for _, a := range n.args {
		if e, ok := a.(Expression); ok {
			nodeOf(e).collectFroms(add)
		}
	}
}

// placeholderPositions returns the byte offsets of the ? placeholders in sql, found by
// myx's one SQL lexer: quoted strings, quoted identifiers and comments are skipped as the
// server skips them under the dialect's backslash mode.
func placeholderPositions(sql string, noBackslashEscapes bool) []int {
	var mode sqltext.Mode
	if noBackslashEscapes {
		mode = sqltext.NoBackslashEscapes
	}
	var out []int
	sqltext.Scan(sql, mode, &out)
	return out
}
