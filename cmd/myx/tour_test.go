package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// TestTour runs the whole tour against the test server, twice in a row in a database that
// exists before, then once in one it creates, and checks what a reader sees. The first run has
// the cluster chapter (it starts three servers) unless the test server is TiDB; the others
// leave it out with -cluster=false.
func TestTour(t *testing.T) {
	dsn := mysqltest.Require(t)
	ctx := context.Background() // no deadline: go test's -timeout catches a hang
	db := tourDatabase(t, dsn)
	c, err := myx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+db); err != nil {
		t.Fatal(err)
	}
	// The cluster chapter starts servers of its own, whatever the tour's server: against TiDB
	// (CI's second pass) it would only repeat the MariaDB pass.
	withCluster := c.ServerInfo().Flavor != myx.TiDB
	for run := 1; run <= 2; run++ {
		args := []string{"-dsn", dsn, "-database", db}
		if run > 1 || !withCluster {
			args = append(args, "-cluster=false")
		}
		out := captureStdout(t, func() {
			if err := runTour(ctx, args); err != nil {
				t.Errorf("tour, run %d: %v", run, err)
			}
		})
		checkTourOutput(t, out)
		want := chapterLeftOut
		if run == 1 && withCluster {
			want = chapterRun
		}
		checkClusterChapter(t, out, want)
		if !strings.Contains(out, "Dropped the tour's tables") {
			t.Errorf("run %d: no word of the tables dropped:\n%s", run, out)
		}
		var tables int
		err := c.QueryRow(ctx, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
			db).Scan(&tables)
		if err != nil || tables != 0 {
			t.Errorf("run %d left %d tables in %s (%v)", run, tables, db, err)
		}
	}
	// In a database of its own making, the tour drops the database.
	if _, err := c.Exec(ctx, "DROP DATABASE "+db); err != nil {
		t.Fatal(err)
	}
	out := captureStdout(t, func() {
		if err := runTour(ctx, []string{"-dsn", dsn, "-database", db, "-cluster=false"}); err != nil {
			t.Errorf("tour in a new database: %v", err)
		}
	})
	checkTourOutput(t, out)
	var n int
	err = c.QueryRow(ctx, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
		db).Scan(&n)
	if err != nil || n != 0 || !strings.Contains(out, "Dropped the database "+db) {
		t.Errorf("the tour's own database %s: %d left (%v); output:\n%s", db, n, err, out)
	}
}

// tourStep is one step of the tour's output: its heading, listing and output lines.
type tourStep struct {
	heading string
	code    []string
	output  []string
}

// splitTour cuts the tour's output into its steps.
func splitTour(out string) []tourStep {
	var steps []tourStep
	for l := range strings.SplitSeq(out, "\n") {
		switch {
		case strings.HasPrefix(l, "== "):
			steps = append(steps, tourStep{heading: l})
		case len(steps) == 0:
		case strings.HasPrefix(l, "  > "):
			s := &steps[len(steps)-1]
			s.output = append(s.output, strings.TrimPrefix(l, "  > "))
		case strings.HasPrefix(l, "    ") && len(steps[len(steps)-1].output) > 0:
			s := &steps[len(steps)-1] // an output line's continuation
			s.output[len(s.output)-1] += " " + strings.TrimSpace(l)
		case strings.HasPrefix(l, "    "):
			s := &steps[len(steps)-1]
			s.code = append(s.code, l)
		}
	}
	return steps
}

// checkTourOutput checks what the tour printed: widths, every step with code and output, no
// row printed twice, dict rows in column order, the chapters' results and their order.
func checkTourOutput(t *testing.T, out string) {
	t.Helper()
	for i, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > maxWidth {
			t.Errorf("line %d has %d characters (at most %d):\n%s", i+1, n, maxWidth, l)
		}
	}
	steps := splitTour(out)
	if len(steps) < 20 {
		t.Fatalf("%d steps in the output:\n%s", len(steps), out)
	}
	byTitle := map[string]tourStep{}
	for _, s := range steps {
		byTitle[s.heading] = s
		if len(s.code) == 0 || len(s.output) == 0 {
			t.Errorf("step %q shows %d lines of code and %d of output", s.heading, len(s.code),
				len(s.output))
		}
		seen := map[string]bool{}
		for _, o := range s.output {
			if seen[o] {
				t.Errorf("step %q prints %q twice", s.heading, o)
			}
			seen[o] = true
		}
	}
	step := func(title string) tourStep {
		t.Helper()
		for h, s := range byTitle {
			if strings.Contains(h, title) {
				return s
			}
		}
		t.Fatalf("no step %q in:\n%s", title, out)
		return tourStep{}
	}
	outputOf := func(title string) string { return strings.Join(step(title).output, "\n") }

	// Dictionary rows print in the columns' order, every key once.
	dict := regexp.MustCompile(`^\{"id": \d+, "username": "[a-z]+", "created": [-0-9: ]+\}$`)
	if d := step("Dictionary rows").output; len(d) != 2 || !dict.MatchString(d[0]) ||
		!dict.MatchString(d[1]) {
		t.Errorf("dictionary rows, not in column order:\n%s", strings.Join(d, "\n"))
	}
	// The labelled join prints each of its four rows once.
	join := outputOf("table_column labels")
	for _, job := range []string{"developer", "writer", "tester", "operator"} {
		if n := strings.Count(join, `"`+job+`"`); n != 1 {
			t.Errorf("the labelled join shows job %s %d times:\n%s", job, n, join)
		}
	}
	for title, wants := range map[string][]string{
		"Connect":                       {"connected to"},
		"Autocommit":                    {"@@autocommit = 1", "inside the transaction: 1 user", "after Rollback: 0 users"},
		"then Commit":                   {"committed: 4 users visible"},
		"injection":                     {"matched 0 rows"},
		"executemany":                   {"inserted 1000 rows"},
		"A transaction that rolls back": {"error 1062", "rolled back: 4 users before, 4 after"},
		"A pooled transaction":          {"error 1452", "rolled back: 4 users before, 4 after"},
		"20 concurrent workers":         {"60 queries", "waited for a connection being opened"},
		"killed under the pool": {"the caller saw no error", "IsConnLost(err) = true",
			"SafeToRetry(err) = true"},
		"locking read":         {"order 1", "errors.Is(err, errNoCustomer) = true"},
		"refused while orders": {"deleting ana: customer 1: the customer has orders", "deleting ben"},
		"Two sessions":         {"NOWAIT: Error", "waits for A's lock", "orders without a customer: 0"},
		"nested structs":       {`User{ID:1 Username:"yang"`},
		"reflecting":           {"foreign key"},
	} {
		o := outputOf(title)
		if strings.HasPrefix(o, "skipped: ") {
			continue
		}
		for _, w := range wants {
			if !strings.Contains(o, w) {
				t.Errorf("step %q lacks %q:\n%s", title, w, o)
			}
		}
	}
	// The second session gets its lock only after the first commits.
	two := step("Two sessions").output
	committed := slices.IndexFunc(two, func(l string) bool { return l == "A: committed" })
	granted := slices.IndexFunc(two, func(l string) bool {
		return strings.HasPrefix(l, "B: got the lock after A's commit") &&
			strings.Contains(l, "the customer has orders (1)")
	})
	if committed < 0 || granted < committed {
		t.Errorf("the sessions' order:\n%s", strings.Join(two, "\n"))
	}
	if !strings.Contains(out, "The tour is complete.") {
		t.Errorf("the tour did not complete:\n%s", out)
	}
}

// What checkClusterChapter expects of the cluster chapter.
const (
	chapterLeftOut = iota // -cluster=false
	chapterRun            // run (or, outside CI, skipped for want of server binaries)
	chapterSkipped        // skipped: no server binaries
)

// checkClusterChapter checks the cluster chapter's output: run, and last, when want is
// chapterRun (under CI=true, where the server binaries must be installed, never skipped);
// each step skipped, the first saying why, for chapterSkipped; else announced as left out.
func checkClusterChapter(t *testing.T, out string, want int) {
	t.Helper()
	steps := splitTour(out)
	var chapter []tourStep
	for _, s := range steps {
		if strings.Contains(s.heading, "Clusters: ") {
			chapter = append(chapter, s)
		}
	}
	if want == chapterLeftOut {
		if len(chapter) != 0 || !strings.Contains(out, "The cluster chapter was left out") {
			t.Errorf("-cluster=false: %d cluster steps, output:\n%s", len(chapter), out)
		}
		return
	}
	if len(chapter) != 5 {
		t.Fatalf("%d steps in the cluster chapter:\n%s", len(chapter), out)
	}
	if last := steps[len(steps)-1]; last.heading != chapter[4].heading {
		t.Errorf("the cluster chapter is not the last: %s comes after it", last.heading)
	}
	first := strings.Join(chapter[0].output, "\n")
	if strings.HasPrefix(first, "skipped: ") {
		if want == chapterRun && os.Getenv("CI") == "true" {
			t.Fatalf("CI=true: the cluster chapter was skipped:\n%s", first)
		}
		if !strings.Contains(first, "no server binaries to start a cluster from") {
			t.Errorf("the chapter's first step does not say why it was skipped:\n%s", first)
		}
		for _, s := range chapter[1:] {
			if len(s.output) != 1 || !strings.HasPrefix(s.output[0], "skipped: no cluster (step ") {
				t.Errorf("step %q ran without a cluster:\n%s", s.heading, strings.Join(s.output, "\n"))
			}
		}
		return
	}
	if want == chapterSkipped {
		t.Fatalf("the cluster chapter ran without server binaries:\n%s", first)
	}
	for i, wants := range [][]string{
		{"started the primary and two replicas", "is the primary: role primary, up",
			"is replica 1: role replica, up", "is replica 2: role replica, up"},
		{"c.QueryRow:            answered by the primary",
			"c.Reader().QueryRow:   answered by replica ",
			"with ReadFromReplica:  answered by replica "},
		{`wrote "note 0"`, `wrote "note 2"`, "the session's position: ", "a resumed session sees all"},
		{"20 reads before: ", "STOP SLAVE on replica 1", "20 reads after: ",
			"Stat: replica 1   role replica up, lag 0s (known: false)",
			"START SLAVE, caught up; 20 reads: replica 1 "},
		{"closed the cluster; stopped the three servers"},
	} {
		o := strings.Join(chapter[i].output, "\n")
		for _, w := range wants {
			if !strings.Contains(o, w) {
				t.Errorf("step %q lacks %q:\n%s", chapter[i].heading, w, o)
			}
		}
	}
	// The reads after the stop avoid replica 1; before it, the replicas took them all.
	for _, o := range chapter[3].output {
		if strings.HasPrefix(o, "20 reads after: ") && strings.Contains(o, "replica 1") {
			t.Errorf("reads went to the stopped replica: %s", o)
		}
		if strings.HasPrefix(o, "20 reads before: ") && strings.Contains(o, "the primary") {
			t.Errorf("reads went to the primary with both replicas up: %s", o)
		}
	}
}

// TestTourClusterSkipped: without server binaries to start a cluster from, the cluster
// chapter says so and is skipped, and the rest of the tour runs as ever.
func TestTourClusterSkipped(t *testing.T) {
	dsn := mysqltest.Require(t)
	t.Setenv(mysqltest.EnvServerBinary, "/nonexistent/mariadbd")
	db := tourDatabase(t, dsn)
	out := captureStdout(t, func() {
		if err := runTour(context.Background(), []string{"-dsn", dsn, "-database", db}); err != nil {
			t.Errorf("tour: %v", err)
		}
	})
	checkTourOutput(t, out)
	checkClusterChapter(t, out, chapterSkipped)
}

// TestTourListings checks every step's listing without a server: present, within the width,
// written as a program of one's own would be (no tour plumbing).
func TestTourListings(t *testing.T) {
	ls, err := loadListings()
	if err != nil {
		t.Fatal(err)
	}
	plumbing := regexp.MustCompile(`(^|[\s(,!&*])t\.[a-zA-Z]`)
	tr := &tour{listing: ls}
	steps := tr.steps()
	if len(steps) < 20 {
		t.Fatalf("%d steps", len(steps))
	}
	for _, s := range steps {
		code, err := ls.step(s)
		if err != nil {
			t.Errorf("%s: %v", s.title, err)
			continue
		}
		if len(code) < 2 || s.intro == "" {
			t.Errorf("%s: %d lines of code, intro %q", s.title, len(code), s.intro)
		}
		for _, l := range code {
			if n := utf8.RuneCountInString("    " + l); n > maxWidth {
				t.Errorf("%s: a listing line of %d characters:\n%s", s.title, n, l)
			}
			if plumbing.MatchString(l) || strings.Contains(l, showMarker) ||
				strings.Contains(l, hideMarker) {
				t.Errorf("%s: the listing shows the tour's plumbing:\n%s", s.title, l)
			}
		}
	}
}

// TestListingPresent: the error checks that only pass the error on are left out, others stay;
// indentation is relative to the shallowest line.
func TestListingPresent(t *testing.T) {
	src := []string{
		"\tx, err := f()",
		"\tif err != nil {",
		"\t\treturn err",
		"\t}",
		"\tif err != nil {",
		"\t\treturn fmt.Errorf(\"f: %w\", err)",
		"\t}",
		"",
		"\tfor range x {",
		"\t\tg()",
		"\t}",
	}
	want := []string{
		"x, err := f()",
		"if err != nil {",
		"    return fmt.Errorf(\"f: %w\", err)",
		"}",
		"",
		"for range x {",
		"    g()",
		"}",
	}
	if got := present(src); !slices.Equal(got, want) {
		t.Errorf("present:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestWrap: lines that fit stay as they are; longer ones break at spaces, a word too long for
// a line stays whole.
func TestWrap(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  []string
	}{
		{"a  b", 10, []string{"> a  b"}},
		{"    indented", 20, []string{">     indented"}},
		{"one two three four", 9, []string{"> one two", "+ three", "+ four"}},
		{"averyveryverylongword x", 5, []string{"> averyveryverylongword", "+ x"}},
		{"a\nb", 5, []string{"> a", "+ b"}},
	} {
		if got := wrap(c.in, c.width, "> ", "+ "); !slices.Equal(got, c.want) {
			t.Errorf("wrap(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}

// tourDatabase names a database of this test's own, dropped when the test ends, so that test
// runs sharing a server do not replace each other's tables.
func tourDatabase(t *testing.T, dsn string) string {
	t.Helper()
	var b [4]byte
	rand.Read(b[:])
	db := "myx_tour_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx := context.Background()
		if c, err := myx.Connect(ctx, dsn); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+db)
			c.Close(ctx)
		}
	})
	return db
}

func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() { os.Stdout = old }()
	f()
	w.Close()
	os.Stdout = old
	return <-done
}

// TestTourStartsThrowawayServer: with no DSN and nothing listening at the default address, the
// tour starts a throwaway server from the installed binaries and runs against it.
func TestTourStartsThrowawayServer(t *testing.T) {
	if _, err := mysqltest.LookupServerBinaries(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Setenv("MYSQL_DSN", "")
	old := defaultDSN
	defaultDSN = "mysql://root@127.0.0.1:1/test" // nothing listens on port 1
	defer func() { defaultDSN = old }()
	ctx := context.Background() // no deadline: starting a server and the tour take what they take
	out := captureStdout(t, func() {
		if err := runTour(ctx, []string{"-database", "myx_tour_throwaway", "-cluster=false"}); err != nil {
			t.Errorf("tour: %v", err)
		}
	})
	if !strings.Contains(out, "throwaway server ready") {
		t.Errorf("tour output:\n%s", out)
	}
	checkTourOutput(t, out)
}
