package sqltext

import (
	"slices"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	for _, c := range []struct {
		in   string
		mode Mode
		want []string
	}{
		{"SELECT 1", 0, []string{"SELECT 1"}},
		{" SELECT 1 ; SELECT 2; ", 0, []string{"SELECT 1", "SELECT 2"}},
		{"SELECT ';' ; SELECT `a;b` FROM t", 0, []string{"SELECT ';'", "SELECT `a;b` FROM t"}},
		{`SELECT 'it\'s;' ; SELECT 2`, 0, []string{`SELECT 'it\'s;'`, "SELECT 2"}},
		{"SELECT 1 -- a; comment\n; /* ; */ ;; # x;\n", 0, []string{"SELECT 1 -- a; comment"}},
		{"SELECT \"a;\" ; SELECT 2", ANSIQuotes, []string{`SELECT "a;"`, "SELECT 2"}},
		{"", 0, nil},
		{";;", 0, nil},
	} {
		if got := SplitStatements(c.in, c.mode); !slices.Equal(got, c.want) {
			t.Errorf("SplitStatements(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
