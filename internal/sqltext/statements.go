package sqltext

import "strings"

// SplitStatements splits a text of several statements at the semicolons that end them, not at
// those inside string literals, quoted names or comments, and returns the statements without
// their semicolons and surrounding space. A piece that holds nothing but space and comments is
// left out. Compound statements (BEGIN ... END bodies of procedures and triggers) hold
// semicolons of their own and must be sent whole instead.
func SplitStatements(text string, mode Mode) []string {
	var out []string
	s := scanner{q: text, mode: mode}
	start, code := 0, false
	for {
		t := s.next()
		if t.kind == tokEOF || t.kind == tokSemicolon {
			if code {
				out = append(out, strings.TrimSpace(text[start:t.start]))
			}
			if t.kind == tokEOF {
				return out
			}
			start, code = t.end, false
			continue
		}
		code = true
	}
}
