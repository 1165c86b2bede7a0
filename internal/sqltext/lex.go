// Package sqltext is myx's one SQL lexer and one literal encoder. The lexer finds '?'
// placeholders, skips comments, quoted strings and identifiers as the server does under either
// backslash mode, classifies statements (plain SELECT; may change session state), and splits
// INSERT ... VALUES statements for multi-row rewriting. The encoder renders values as SQL
// literals and names as quoted identifiers. Interpolation, ExecMany, CopyFrom and sqlb's
// DebugSQL all use it.
//
// The lexer is deliberately conservative: where the server's reading of a text could differ
// from the lexer's (a placeholder inside an executable comment, a "--" followed by an unusual
// byte), it says so with the Ambiguous flag instead of guessing, and statements it does not
// know are reported as possibly changing session state.
package sqltext

// Mode is the part of the session's SQL mode that changes how text is lexed.
type Mode uint8

const (
	// NoBackslashEscapes: a backslash is an ordinary character in string literals.
	NoBackslashEscapes Mode = 1 << iota
	// ANSIQuotes: "..." is an identifier (no backslash escapes), not a string.
	ANSIQuotes
	// Readable asks AppendString to write control characters as backslash escapes where
	// the mode allows (for logs and DDL); the lexer ignores it.
	Readable
)

// Flags describe what Scan saw.
type Flags uint32

const (
	// MayChangeSession: a statement that may change session state (SET, USE, temporary
	// tables, locks, PREPARE, CALL, user variable assignment, ... and anything unknown).
	MayChangeSession Flags = 1 << iota
	// MultiStatement: more than one statement.
	MultiStatement
	// Locking: a SELECT that locks rows (FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE) or writes
	// its result somewhere (INTO).
	Locking
	// BackslashInString: a backslash inside a '...' or "..." literal, so where the literal ends
	// depends on NO_BACKSLASH_ESCAPES.
	BackslashInString
	// BackslashInDoubleQuote: a backslash inside "...", whose meaning also depends on
	// ANSI_QUOTES.
	BackslashInDoubleQuote
	// HighBackslash: inside a quoted literal, a byte >= 0x80 followed by a backslash, which
	// character sets such as gbk, big5 and sjis read as one character.
	HighBackslash
	// Ambiguous: the server's reading of the text may differ from the lexer's (a placeholder,
	// quote or comment inside an executable comment /*! */, /*M! */, /*T! */, or "--" followed
	// by a byte that is neither a space nor printable ASCII). Interpolation refuses such text.
	Ambiguous
	// SessionTracking: a statement that names a session_track_* variable (it may switch the
	// server's change reporting off).
	SessionTracking
)

// Kind is the kind of the first statement.
type Kind uint8

const (
	KindOther  Kind = iota
	KindSelect      // SELECT, WITH, TABLE, VALUES, or a parenthesized query
	KindInsert      // INSERT or REPLACE
)

// Info is what Scan learned about a statement text.
type Info struct {
	Kind  Kind
	Flags Flags
	// Placeholders is the number of '?' placeholders.
	Placeholders int
}

// PlainSelect reports whether the text is a single SELECT that locks nothing, writes nothing
// and changes no session state: stopping it early changes nothing but the rows it would have
// sent.
func (i Info) PlainSelect() bool {
	return i.Kind == KindSelect && i.Flags&(MayChangeSession|MultiStatement|Locking|Ambiguous) == 0
}

// Scan lexes query under mode. When marks is not nil, the byte offset of each placeholder is
// appended to *marks.
func Scan(query string, mode Mode, marks *[]int) Info {
	var info Info
	s := scanner{q: query, mode: mode}
	stmtStart := true // the next word is a statement's first word
	var vb [20]byte   // the current statement's first word, upper-cased
	verb := vb[:0]
	for {
		t := s.next()
		if t.kind == tokEOF {
			info.Flags |= s.flags
			return info
		}
		if s.sawSemicolon && t.kind != tokSemicolon {
			info.Flags |= MultiStatement
		}
		switch t.kind {
		case tokPlaceholder:
			info.Placeholders++
			if marks != nil {
				*marks = append(*marks, t.start)
			}
		case tokWord:
			w := query[t.start:t.end]
			if stmtStart {
				verb = upperInto(vb[:0], w[:min(len(w), len(vb))])
				if info.Flags&MultiStatement == 0 {
					info.Kind = kindOf(verb)
				}
				if !harmlessVerb(verb) {
					info.Flags |= MayChangeSession
				}
			} else {
				info.Flags |= wordFlags(verb, w)
			}
		case tokAssign:
			info.Flags |= MayChangeSession
		}
		switch {
		case t.kind == tokSemicolon:
			stmtStart, verb = true, vb[:0]
		case stmtStart && t.kind == tokOpenParen && len(verb) == 0:
			// "(SELECT ...)": the first word is still to come.
		case stmtStart && t.kind != tokWord:
			// A statement that starts with something other than a word.
			info.Flags |= MayChangeSession
			stmtStart = false
		default:
			stmtStart = false
		}
	}
}

// kindOf classifies a statement by its first word.
func kindOf(verb []byte) Kind {
	switch string(verb) {
	case "SELECT", "WITH", "TABLE", "VALUES":
		return KindSelect
	case "INSERT", "REPLACE":
		return KindInsert
	}
	return KindOther
}

// harmlessVerb reports whether a statement starting with verb leaves the session as it was
// (apart from the transaction status, which the server reports in every reply). Anything not
// listed may change it. DO evaluates expressions as SELECT does: what in them may change the
// session (an assignment, GET_LOCK, NEXTVAL, ...) is flagged word by word, as for SELECT.
func harmlessVerb(verb []byte) bool {
	switch string(verb) {
	case "SELECT", "WITH", "TABLE", "VALUES", "DO",
		"INSERT", "REPLACE", "UPDATE", "DELETE", "LOAD", "TRUNCATE",
		"CREATE", "ALTER", "DROP", "RENAME",
		"SHOW", "DESCRIBE", "DESC", "EXPLAIN", "HELP", "ANALYZE", "OPTIMIZE", "CHECK",
		"CHECKSUM", "REPAIR",
		"BEGIN", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE",
		"GRANT", "REVOKE", "KILL":
		return true
	}
	return false
}

// wordFlags gives the flags a word adds to a statement that started with verb.
func wordFlags(verbBytes []byte, w string) Flags {
	switch w[0] | 0x20 { // the first letters of the words below, lower-cased
	case 't', 'i', 'u', 's', 'l', 'g', 'r', 'n':
	default:
		return 0
	}
	if len(w) >= 13 && equalFold(w[:13], "SESSION_TRACK") {
		return SessionTracking | MayChangeSession
	}
	if len(w) < 4 || len(w) > 17 {
		return 0
	}
	verb := string(verbBytes) // compared only: no allocation
	var buf [17]byte
	u := upperInto(buf[:0], w)
	switch string(u) {
	case "TEMPORARY":
		if verb == "CREATE" || verb == "DROP" {
			return MayChangeSession
		}
	case "INTO":
		if verb == "SELECT" || verb == "WITH" || verb == "TABLE" || verb == "VALUES" {
			return Locking | MayChangeSession
		}
	case "UPDATE", "SHARE", "LOCK":
		if verb == "SELECT" || verb == "WITH" || verb == "TABLE" || verb == "VALUES" {
			return Locking
		}
	case "GET_LOCK", "RELEASE_LOCK", "RELEASE_ALL_LOCKS", "NEXTVAL", "SETVAL", "LASTVAL":
		return MayChangeSession
	}
	return 0
}

func upper(w string) string {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'a' && c <= 'z' {
			var buf [32]byte
			if len(w) <= len(buf) {
				return string(upperInto(buf[:0], w))
			}
			return string(upperInto(nil, w))
		}
	}
	return w
}

// equalFold reports whether w equals the upper-case ASCII word u, ignoring case.
func equalFold(w, u string) bool {
	if len(w) != len(u) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != u[i] {
			return false
		}
	}
	return true
}

func upperInto(b []byte, w string) []byte {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokComment
	tokWord
	tokQuoted // '...', "..." or `...`
	tokPlaceholder
	tokOpenParen
	tokCloseParen
	tokComma
	tokSemicolon
	tokAssign // :=
	tokOther
)

type token struct {
	kind       tokKind
	start, end int
}

// scanner splits a statement into tokens. Executable comments are entered: their contents
// are lexed as code (the servers that honour them run them), and the flag inExec tells the
// caller that what it sees might be a comment on another server.
type scanner struct {
	q            string
	i            int
	mode         Mode
	inExec       bool // inside /*! ... */
	flags        Flags
	sawSemicolon bool
}

// byteClass sorts bytes for the scanner's fast paths.
var byteClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
			t[c] = classWord
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			t[c] = classSpace
		}
	}
	return t
}()

const (
	classOther = iota
	classWord
	classSpace
)

// next returns the next token that is not space or a comment (comments are still read:
// executable ones are entered).
func (s *scanner) next() token {
	for {
		for s.i < len(s.q) && byteClass[s.q[s.i]] == classSpace {
			s.i++
		}
		if t := s.token(); t.kind != tokComment {
			return t
		}
	}
}

func (s *scanner) token() token {
	q := s.q
	start := s.i
	if s.i >= len(q) {
		return token{kind: tokEOF, start: start, end: start}
	}
	c := q[s.i]
	switch {
	case byteClass[c] == classWord:
		s.i++
		for s.i < len(q) && byteClass[q[s.i]] == classWord {
			s.i++
		}
		return token{kind: tokWord, start: start, end: s.i}
	case c == '\'' || c == '"' || c == '`':
		s.skipQuoted(c)
		if s.inExec {
			s.flags |= Ambiguous
		}
		return token{kind: tokQuoted, start: start, end: s.i}
	case c == '?':
		s.i++
		if s.inExec {
			s.flags |= Ambiguous
		}
		return token{kind: tokPlaceholder, start: start, end: s.i}
	case c == '#':
		s.skipLine()
		if s.inExec {
			s.flags |= Ambiguous
		}
		return token{kind: tokComment, start: start, end: s.i}
	case c == '-' && s.i+1 < len(q) && q[s.i+1] == '-':
		if s.i+2 >= len(q) {
			s.i = len(q)
			return token{kind: tokComment, start: start, end: s.i}
		}
		switch d := q[s.i+2]; {
		case d == ' ' || d == '\t' || d == '\n' || d == '\r':
			s.skipLine()
			if s.inExec {
				s.flags |= Ambiguous
			}
			return token{kind: tokComment, start: start, end: s.i}
		case d < ' ' || d >= 0x7f:
			// The servers disagree on which control and non-ASCII bytes start a comment.
			s.flags |= Ambiguous
			s.skipLine()
			return token{kind: tokComment, start: start, end: s.i}
		}
		s.i++
		return token{kind: tokOther, start: start, end: s.i}
	case c == '/' && s.i+1 < len(q) && q[s.i+1] == '*':
		if s.inExec {
			// A comment inside an executable comment: where each ends is server-specific.
			s.flags |= Ambiguous
		}
		j := s.i + 2
		exec := false
		if j < len(q) && q[j] == '!' {
			exec, j = true, j+1
		} else if j+1 < len(q) && (q[j] == 'M' || q[j] == 'm' || q[j] == 'T' || q[j] == 't') && q[j+1] == '!' {
			exec, j = true, j+2
		}
		if exec && !s.inExec {
			// /*!NNNNN ... */: the version digits are part of the marker.
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			if q[j-1] == '!' || q[j-1] >= '0' && q[j-1] <= '9' {
				// TiDB's /*T![feature] ... */ names features in brackets.
				if j < len(q) && q[j] == '[' {
					for j < len(q) && q[j] != ']' && q[j] != '*' {
						j++
					}
					if j < len(q) && q[j] == ']' {
						j++
					}
				}
			}
			s.inExec = true
			s.i = j
			return token{kind: tokComment, start: start, end: s.i}
		}
		end := indexFrom(q, j, "*/")
		if end < 0 {
			s.i = len(q)
		} else {
			s.i = end + 2
		}
		return token{kind: tokComment, start: start, end: s.i}
	case c == '*' && s.inExec && s.i+1 < len(q) && q[s.i+1] == '/':
		s.inExec = false
		s.i += 2
		return token{kind: tokComment, start: start, end: s.i}
	case c == '(':
		s.i++
		return token{kind: tokOpenParen, start: start, end: s.i}
	case c == ')':
		s.i++
		return token{kind: tokCloseParen, start: start, end: s.i}
	case c == ',':
		s.i++
		return token{kind: tokComma, start: start, end: s.i}
	case c == ';':
		s.i++
		s.sawSemicolon = true
		return token{kind: tokSemicolon, start: start, end: s.i}
	case c == ':' && s.i+1 < len(q) && q[s.i+1] == '=':
		s.i += 2
		return token{kind: tokAssign, start: start, end: s.i}
	}
	s.i++
	return token{kind: tokOther, start: start, end: s.i}
}

// skipQuoted skips a quoted string or identifier starting at s.i.
func (s *scanner) skipQuoted(quote byte) {
	q := s.q
	escapes := quote != '`' && s.mode&NoBackslashEscapes == 0 && !(quote == '"' && s.mode&ANSIQuotes != 0)
	i := s.i + 1
	for i < len(q) {
		c := q[i]
		if c == '\\' && quote != '`' {
			s.flags |= BackslashInString
			if quote == '"' {
				s.flags |= BackslashInDoubleQuote
			}
			if q[i-1] >= 0x80 {
				s.flags |= HighBackslash
			}
			if escapes {
				i += 2
				continue
			}
		}
		if c == quote {
			if i+1 < len(q) && q[i+1] == quote {
				i += 2
				continue
			}
			s.i = i + 1
			return
		}
		i++
	}
	s.i = len(q)
}

func (s *scanner) skipLine() {
	for s.i < len(s.q) && s.q[s.i] != '\n' {
		s.i++
	}
}

func indexFrom(q string, from int, sub string) int {
	for i := from; i+len(sub) <= len(q); i++ {
		if q[i] == sub[0] && q[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
