// Package suggest finds the known name a misspelt one was meant to be, for configuration
// errors such as "unknown parameter readTimout; did you mean readTimeout?".
package suggest

import "strings"

// Closest returns the name in known that name is most likely a misspelling of: one whose
// normalised form (lower case, without '_', '-' and '.') equals name's or is one edit away
// (an insertion, a deletion, a substitution or a swap of two adjacent characters). It
// returns false when no name is that close, or when name itself is in known. Of several
// equally close names, the first in known wins.
func Closest(name string, known []string) (string, bool) {
	n := normalize(name)
	best, bestDist := "", 2
	for _, k := range known {
		if k == name {
			return "", false
		}
		if d := distance(n, normalize(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best, bestDist <= 1
}

func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c == '-' || c == '.':
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// distance is the optimal string alignment distance between a and b (Levenshtein plus
// transpositions of adjacent characters), computed only as far as needed to tell 0, 1 and
// "2 or more" apart.
func distance(a, b string) int {
	if a == b {
		return 0
	}
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return 2
	}
	// Skip the common prefix; what is left must be one edit.
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	a, b = a[i:], b[i:]
	switch {
	case len(a) == len(b):
		if a[1:] == b[1:] { // substitution
			return 1
		}
		if len(a) >= 2 && a[0] == b[1] && a[1] == b[0] && a[2:] == b[2:] { // swap
			return 1
		}
	case len(a) == len(b)+1:
		if a[1:] == b { // deletion
			return 1
		}
	default:
		if b[1:] == a { // insertion
			return 1
		}
	}
	return 2
}
