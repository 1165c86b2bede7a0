package mysqltest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogStyleExcerpt checks which lines of a log explain a failure: the
// error lines after the offset (the first or the last ten by style), else
// the last fifteen lines, and how a log not written yet reads.
func TestLogStyleExcerpt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "log")
	var b strings.Builder
	b.WriteString("[ERROR] before the offset\n")
	off := int64(b.Len())
	for i := range 12 {
		fmt.Fprintf(&b, "note %d\n[ERROR] e%d [Error] \n", i, i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	first, last := serverLog.excerpt(path, off), tidbLog.excerpt(path, off)
	if l := strings.Split(first, "\n"); len(l) != 10 || !strings.Contains(l[0], "e0 ") || !strings.Contains(l[9], "e9 ") {
		t.Errorf("server log excerpt:\n%s\nwant error lines e0 to e9", first)
	}
	if l := strings.Split(last, "\n"); len(l) != 10 || !strings.Contains(l[0], "e2 ") || !strings.Contains(l[9], "e11 ") {
		t.Errorf("TiDB log excerpt:\n%s\nwant error lines e2 to e11", last)
	}

	var quiet strings.Builder
	for i := range 20 {
		fmt.Fprintf(&quiet, "line %d\n", i)
	}
	if err := os.WriteFile(path, []byte(quiet.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := serverLog.excerpt(path, 0); !strings.HasPrefix(got, "line 5\n") || !strings.HasSuffix(got, "line 19") {
		t.Errorf("excerpt of a log without errors:\n%s\nwant lines 5 to 19", got)
	}

	missing := filepath.Join(dir, "missing")
	if got := tidbLog.excerpt(missing, 0); got != "" {
		t.Errorf("TiDB excerpt of a missing log = %q, want empty", got)
	}
	if got := serverLog.excerpt(missing, 0); !strings.Contains(got, "cannot read") {
		t.Errorf("server excerpt of a missing log = %q, want a cannot-read note", got)
	}
}
