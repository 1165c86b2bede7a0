package sqlb

import (
	"slices"
)

// Compiled is a statement rendered for one dialect: SQL text with ? placeholders and
// the arguments in placeholder order, ready for Exec or Query.
type Compiled struct {
	// SQL is the statement text.
	SQL string
	// Args are the bound parameters, one per placeholder, in order.
	Args []any
	// Columns describes each column the statement returns (SELECT, compound queries and
	// RETURNING), in order; nil for statements that return no rows.
	Columns []ResultColumn

	dialect Dialect
	marks   []int // byte offset of each placeholder in SQL
	// modeSensitive is set when SQL holds a literal written differently under the
	// NO_BACKSLASH_ESCAPES SQL mode (see Dialect.NoBackslashEscapes).
	modeSensitive bool
}

// DependsOnSQLMode reports whether the SQL text holds a string literal that reads
// differently with and without the NO_BACKSLASH_ESCAPES SQL mode, so that it is only
// correct for a session whose mode matches Dialect().NoBackslashEscapes. Exec and Query
// check the session's mode for such statements before sending them.
func (c Compiled) DependsOnSQLMode() bool { return c.modeSensitive }

// ReturnsRows reports whether the statement returns a result set.
func (c Compiled) ReturnsRows() bool { return c.Columns != nil }

// Dialect is the dialect the statement was compiled for.
func (c Compiled) Dialect() Dialect { return c.dialect }

// DebugSQL returns the SQL with every argument written inline as a literal, escaped
// for the dialect, for logs and debugging only. Statements are always executed with
// SQL and Args.
func (c Compiled) DebugSQL() string {
	var out []byte
	last := 0
	for i, pos := range c.marks {
		out = append(out, c.SQL[last:pos]...)
		last = pos + 1
		var err error
		var lit []byte
		if i < len(c.Args) {
			lit, err = appendLiteral(nil, c.Args[i], c.dialect.NoBackslashEscapes)
		}
		if err != nil || i >= len(c.Args) {
			out = append(out, "/* unprintable */ ?"...)
			continue
		}
		out = append(out, lit...)
	}
	out = append(out, c.SQL[last:]...)
	return string(out)
}

// CompileAll compiles statements in order, stopping at the first error.
func CompileAll(d Dialect, stmts []Statement) ([]Compiled, error) {
	out := make([]Compiled, 0, len(stmts))
	for _, s := range stmts {
		c, err := s.Compile(d)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return slices.Clip(out), nil
}
