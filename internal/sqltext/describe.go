package sqltext

// Describing a statement for tracing: its verb and, when the lexer is sure of it, the one
// table it is about.

import "strings"

// Description is what Describe found in a statement text. Empty fields mean unknown.
type Description struct {
	Operation string // the upper-case verb ("SELECT", "INSERT", ...); "" when not a known verb
	Table     string // the one table, as written without quotes ("db.t" keeps its qualifier); "" when unsure
}

// verbs are the statement verbs Describe reports; any other first word is left unknown, so
// that the operation stays low-cardinality whatever the text.
var verbs = []string{
	"SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "VALUES", "TABLE", "CALL", "DO",
	"SET", "SHOW", "USE", "CREATE", "DROP", "ALTER", "TRUNCATE", "RENAME", "BEGIN", "START",
	"COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "LOCK", "UNLOCK", "EXPLAIN", "DESCRIBE",
	"DESC", "ANALYZE", "OPTIMIZE", "CHECK", "CHECKSUM", "REPAIR", "GRANT", "REVOKE", "LOAD",
	"HANDLER", "PREPARE", "EXECUTE", "DEALLOCATE", "KILL", "FLUSH", "XA", "SIGNAL", "RESIGNAL",
	"INSTALL", "UNINSTALL", "PURGE", "RESET", "CHANGE", "BINLOG", "CACHE", "GET", "HELP",
}

// Describe finds the verb of a single statement and, for a simple statement about one table,
// that table:
//
//	SELECT ... FROM t [[AS] a] [WHERE|GROUP|HAVING|ORDER|LIMIT|FOR|LOCK|WINDOW ...]
//	INSERT [modifiers] [INTO] t [(cols)] VALUES|VALUE|SET ...   (also REPLACE)
//	UPDATE [modifiers] t [[AS] a] SET ...
//	DELETE [modifiers] FROM t [[AS] a] [WHERE|ORDER|LIMIT|PARTITION|RETURNING ...]
//
// The table is left empty where the lexer is not sure: joins, several tables, subqueries (any
// second SELECT), unions, derived tables, INSERT ... SELECT, a name in double quotes (a string
// or an identifier depending on ANSI_QUOTES), text whose reading depends on the session (a
// backslash in a string literal, executable comments). Several statements leave both fields
// empty.
func Describe(query string) Description {
	var d Description
	s := scanner{q: query}
	var buf [64]token
	toks := buf[:0]
	for {
		t := s.next()
		if s.inExec {
			// Inside /*! ... */: what the server runs depends on its version.
			if len(toks) == 0 {
				return d
			}
			s.flags |= Ambiguous
		}
		if t.kind == tokEOF {
			break
		}
		if s.sawSemicolon && t.kind != tokSemicolon {
			return Description{} // several statements
		}
		if t.kind != tokSemicolon {
			toks = append(toks, t)
		}
	}
	if len(toks) == 0 || toks[0].kind != tokWord {
		return d
	}
	first := query[toks[0].start:toks[0].end]
	for _, v := range verbs {
		if equalFold(first, v) {
			d.Operation = v
			break
		}
	}
	if d.Operation == "" || s.flags&(Ambiguous|BackslashInString) != 0 {
		return d
	}
	p := parser{q: query, toks: toks, i: 1}
	// Anything that brings in a second table, anywhere: give up.
	for _, t := range toks[1:] {
		if t.kind != tokWord {
			continue
		}
		w := query[t.start:t.end]
		for _, k := range [...]string{"SELECT", "JOIN", "STRAIGHT_JOIN", "UNION", "EXCEPT", "INTERSECT", "TABLE", "USING"} {
			if equalFold(w, k) {
				return d
			}
		}
	}
	var table string
	switch d.Operation {
	case "SELECT":
		table = p.selectTable()
	case "INSERT", "REPLACE":
		table = p.insertTable()
	case "UPDATE":
		table = p.updateTable()
	case "DELETE":
		table = p.deleteTable()
	}
	// A copy: the compiler cannot tell the name from the token buffer, which then stays on
	// the stack.
	d.Table = strings.Clone(table)
	return d
}

// parser walks the tokens of one statement for Describe.
type parser struct {
	q    string
	toks []token
	i    int
}

func (p *parser) peek() (token, bool) {
	if p.i >= len(p.toks) {
		return token{kind: tokEOF}, false
	}
	return p.toks[p.i], true
}

// isWord reports whether the next token is the keyword k.
func (p *parser) isWord(k string) bool {
	t, ok := p.peek()
	return ok && t.kind == tokWord && equalFold(p.q[t.start:t.end], k)
}

// isAnyWord reports whether the next token is one of the keywords ks.
func (p *parser) isAnyWord(ks ...string) bool {
	for _, k := range ks {
		if p.isWord(k) {
			return true
		}
	}
	return false
}

// skipWords skips any of the keywords ks.
func (p *parser) skipWords(ks ...string) {
	for p.isAnyWord(ks...) {
		p.i++
	}
}

// name reads a table name, plain or in backquotes, optionally qualified (db.t); "" when the
// next tokens are not one.
func (p *parser) name() string {
	part := func() (string, bool) {
		t, ok := p.peek()
		if !ok {
			return "", false
		}
		w := p.q[t.start:t.end]
		switch {
		case t.kind == tokWord:
			p.i++
			return w, true
		case t.kind == tokQuoted && w[0] == '`' && len(w) >= 2 && w[len(w)-1] == '`':
			p.i++
			return unquoteBackticks(w[1 : len(w)-1]), true
		}
		return "", false
	}
	n, ok := part()
	if !ok || n == "" {
		return ""
	}
	if t, ok := p.peek(); ok && t.kind == tokOther && p.q[t.start:t.end] == "." {
		p.i++
		m, ok := part()
		if !ok || m == "" {
			return ""
		}
		return n + "." + m
	}
	return n
}

func unquoteBackticks(s string) string {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '`' && s[i+1] == '`' {
			b := make([]byte, 0, len(s))
			for j := 0; j < len(s); j++ {
				b = append(b, s[j])
				if s[j] == '`' && j+1 < len(s) && s[j+1] == '`' {
					j++
				}
			}
			return string(b)
		}
	}
	return s
}

// alias skips "[AS] alias" after a table name, unless the next word is one of the keywords
// that may follow the table (ks).
func (p *parser) alias(ks ...string) {
	if p.isWord("AS") {
		p.i++
		p.i++ // the alias
		return
	}
	if t, ok := p.peek(); ok && (t.kind == tokWord || t.kind == tokQuoted && p.q[t.start] == '`') && !p.isAnyWord(ks...) {
		p.i++
	}
}

// followedBy reports whether the statement ends here or continues with one of ks.
func (p *parser) followedBy(ks ...string) bool {
	if _, ok := p.peek(); !ok {
		return true
	}
	return p.isAnyWord(ks...)
}

var selectTail = []string{"WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "FOR", "LOCK", "WINDOW"}

func (p *parser) selectTable() string {
	// Find FROM outside parentheses.
	depth := 0
	for ; p.i < len(p.toks); p.i++ {
		t := p.toks[p.i]
		switch t.kind {
		case tokOpenParen:
			depth++
		case tokCloseParen:
			depth--
		case tokWord:
			w := p.q[t.start:t.end]
			if depth == 0 && equalFold(w, "FROM") {
				p.i++
				return p.oneTable(selectTail)
			}
			if equalFold(w, "INTO") {
				return "" // SELECT ... INTO writes somewhere
			}
		}
	}
	return ""
}

// oneTable reads "t [[AS] a]" that must be followed by the end or one of tail.
func (p *parser) oneTable(tail []string) string {
	n := p.name()
	if n == "" || equalFold(n, "DUAL") {
		return ""
	}
	p.alias(tail...)
	if !p.followedBy(tail...) {
		return ""
	}
	return n
}

func (p *parser) insertTable() string {
	p.skipWords("LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE")
	if p.isWord("INTO") {
		p.i++
	}
	n := p.name()
	if n == "" {
		return ""
	}
	if t, ok := p.peek(); ok && t.kind == tokOpenParen {
		return n
	}
	if p.isAnyWord("VALUES", "VALUE", "SET", "PARTITION") {
		return n
	}
	return ""
}

func (p *parser) updateTable() string {
	p.skipWords("LOW_PRIORITY", "IGNORE")
	n := p.name()
	if n == "" {
		return ""
	}
	p.alias("SET")
	if !p.isWord("SET") {
		return ""
	}
	return n
}

func (p *parser) deleteTable() string {
	p.skipWords("LOW_PRIORITY", "QUICK", "IGNORE")
	if !p.isWord("FROM") {
		return "" // DELETE t1 FROM ...: several tables
	}
	p.i++
	return p.oneTable([]string{"WHERE", "ORDER", "LIMIT", "PARTITION", "RETURNING"})
}
