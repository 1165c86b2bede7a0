package sqlb

import "fmt"

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
	positions := placeholderPositions(n.sql)
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

// placeholderPositions returns the byte offsets of the ? placeholders in sql, skipping
// quoted strings ('...', "..."), quoted identifiers (`...`) and comments (-- , #, /* */).
func placeholderPositions(sql string) []int {
	var out []int
	for i := 0; i < len(sql); i++ {
		switch ch := sql[i]; ch {
		case '?':
			out = append(out, i)
		case '\'', '"', '`':
			i = skipQuoted(sql, i, ch)
		case '#':
			i = skipToLineEnd(sql, i)
		case '-':
			if i+2 < len(sql) && sql[i+1] == '-' && (sql[i+2] == ' ' || sql[i+2] == '\t' || sql[i+2] == '\n' || sql[i+2] == '\r') {
				i = skipToLineEnd(sql, i)
			}
		case '/':
			if i+1 < len(sql) && sql[i+1] == '*' {
				end := indexFrom(sql, "*/", i+2)
				if end < 0 {
					return out
				}
				i = end + 1
			}
		}
	}
	return out
}

// skipQuoted returns the index of the quote that closes the quoted text starting at
// start (or the last index when it is not closed). A doubled quote stays inside; in
// strings a backslash escapes the next byte.
func skipQuoted(sql string, start int, quote byte) int {
	for i := start + 1; i < len(sql); i++ {
		switch sql[i] {
		case '\\':
			if quote != '`' {
				i++
			}
		case quote:
			if i+1 < len(sql) && sql[i+1] == quote {
				i++
				continue
			}
			return i
		}
	}
	return len(sql) - 1
}

func skipToLineEnd(sql string, i int) int {
	for i < len(sql) && sql[i] != '\n' {
		i++
	}
	return i
}

func indexFrom(s, sub string, from int) int {
	for i := from; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
