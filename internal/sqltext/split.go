package sqltext

// SplitInsert recognises a single-row INSERT or REPLACE
//
//	INSERT ... VALUES (tuple) [AS alias [(columns)]] [ON DUPLICATE KEY UPDATE ...]
//
// whose placeholders are all inside the tuple, and returns the text before the tuple, the
// tuple (with its parentheses) and the text after it, so that prefix + tuple + "," + tuple ...
// + suffix is the multi-row form (the row alias then follows the whole VALUES list, as MySQL
// requires). ok is false for any other statement.
func SplitInsert(query string, mode Mode) (prefix, tuple, suffix string, ok bool) {
	s := scanner{q: query, mode: mode}
	t := s.next()
	if t.kind != tokWord {
		return "", "", "", false
	}
	switch upper(query[t.start:t.end]) {
	case "INSERT", "REPLACE":
	default:
		return "", "", "", false
	}
	// Find VALUES at depth 0, with no placeholder before it.
	depth := 0
	for {
		t = s.next()
		switch t.kind {
		case tokEOF, tokPlaceholder, tokSemicolon:
			return "", "", "", false
		case tokOpenParen:
			depth++
		case tokCloseParen:
			depth--
		case tokWord:
			if depth == 0 {
				switch upper(query[t.start:t.end]) {
				case "VALUES", "VALUE":
					goto values
				case "SELECT", "SET", "TABLE":
					return "", "", "", false
				}
			}
		}
	}
values:
	t = s.next()
	if t.kind != tokOpenParen {
		return "", "", "", false
	}
	open := t.start
	depth = 1
	for depth > 0 {
		t = s.next()
		switch t.kind {
		case tokEOF, tokSemicolon:
			return "", "", "", false
		case tokOpenParen:
			depth++
		case tokCloseParen:
			depth--
		}
	}
	closeEnd := t.end
	// What may follow: [AS alias [(columns)]] [ON DUPLICATE KEY UPDATE ...].
	t = s.next()
	if t.kind == tokWord && upper(query[t.start:t.end]) == "AS" {
		if t = s.next(); t.kind != tokWord && t.kind != tokQuoted {
			return "", "", "", false
		}
		t = s.next()
		if t.kind == tokOpenParen {
			for t.kind != tokCloseParen {
				if t = s.next(); t.kind == tokEOF || t.kind == tokPlaceholder || t.kind == tokSemicolon {
					return "", "", "", false
				}
			}
			t = s.next()
		}
	}
	if t.kind == tokWord && upper(query[t.start:t.end]) == "ON" {
		for _, w := range [...]string{"DUPLICATE", "KEY", "UPDATE"} {
			if t = s.next(); t.kind != tokWord || upper(query[t.start:t.end]) != w {
				return "", "", "", false
			}
		}
		for t.kind != tokEOF {
			if t = s.next(); t.kind == tokPlaceholder || t.kind == tokSemicolon {
				return "", "", "", false
			}
		}
	}
	if t.kind != tokEOF || s.flags&Ambiguous != 0 {
		return "", "", "", false
	}
	return query[:open], query[open:closeEnd], query[closeEnd:], true
}
