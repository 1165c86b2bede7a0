package sqlb

import (
	"github.com/myxdb/myx/internal/sqltext"

	"fmt"
	"hash/fnv"
	"strings"
	"unicode/utf8"
)

// MaxIdentifierLength is the longest name, in characters, that MySQL and MariaDB accept
// for a database, table, column, index, constraint or view column.
//
// Column aliases may be up to 256 characters in a plain SELECT, but a label becomes a
// column name as soon as the SELECT is used as a derived table, a CTE, a view or in
// CREATE TABLE ... SELECT, where the limit is 64; generated labels therefore never
// exceed MaxIdentifierLength.
const MaxIdentifierLength = 64

// maxAliasLength is the limit for table aliases and explicit column labels.
const maxAliasLength = 256

// quoteIdent appends name quoted with backticks, doubling any backtick inside.
func quoteIdent(buf []byte, name string) []byte { return sqltext.AppendIdent(buf, name) }

// checkIdent reports why name cannot be a MySQL identifier of the given kind, or nil.
func checkIdent(kind, name string, max int) error {
	if name == "" {
		return fmt.Errorf("sqlb: empty %s name", kind)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("sqlb: %s name %q is not valid UTF-8", kind, name)
	}
	if n := utf8.RuneCountInString(name); n > max {
		return fmt.Errorf("sqlb: %s name %q is %d characters long; the server allows %d", kind, name, n, max)
	}
	for _, r := range name {
		if r == 0 || r > 0xFFFF {
			return fmt.Errorf("sqlb: %s name %q contains a character the server does not allow in identifiers (U+%04X)", kind, name, r)
		}
	}
	if strings.HasSuffix(name, " ") {
		return fmt.Errorf("sqlb: %s name %q ends with a space", kind, name)
	}
	return nil
}

// isPlainWord reports whether s is made only of ASCII letters, digits and underscores,
// the shape of a function name, charset, collation or engine name that the compiler
// writes without quotes.
func isPlainWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// labelHashLength is the number of hex digits of the hash that ends a shortened label.
const labelHashLength = 8

// shortenIdent returns name unchanged when it has at most max characters; otherwise it
// keeps a prefix and appends "_" and a hash of the whole name, so that two long names
// sharing a prefix still get different results, and the same name always gets the same.
func shortenIdent(name string, max int) string {
	if utf8.RuneCountInString(name) <= max {
		return name
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	suffix := fmt.Sprintf("_%08x", h.Sum32())
	keep := max - len(suffix)
	var b strings.Builder
	n := 0
	for _, r := range name {
		if n == keep {
			break
		}
		b.WriteRune(r)
		n++
	}
	b.WriteString(suffix)
	return b.String()
}

// nameSet hands out names that are unique (case-insensitively, as MySQL compares column
// names) within one result, adding _1, _2... to names already taken, and keeps every
// name within MaxIdentifierLength characters.
type nameSet struct {
	taken map[string]bool
}

func (s *nameSet) has(name string) bool {
	return s.taken[strings.ToLower(name)]
}

func (s *nameSet) add(name string) {
	if s.taken == nil {
		s.taken = make(map[string]bool)
	}
	s.taken[strings.ToLower(name)] = true
}

// unique returns name (shortened to the limit) if it is free, else the first free
// name_N, and reserves the result.
func (s *nameSet) unique(name string) string {
	candidate := shortenIdent(name, MaxIdentifierLength)
	for n := 1; s.has(candidate); n++ {
		candidate = shortenIdent(fmt.Sprintf("%s_%d", name, n), MaxIdentifierLength)
	}
	s.add(candidate)
	return candidate
}
