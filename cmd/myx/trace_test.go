package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// TestTraceLines feeds the -trace tracer what a connection tells it and checks the lines.
func TestTraceLines(t *testing.T) {
	var buf bytes.Buffer
	tr := newTracer(&buf)
	ctx := context.Background()

	cctx := tr.TraceConnectStart(ctx, myx.TraceConnectStartData{Config: &myx.Config{Addr: "127.0.0.1:3306", Password: "pw"}})
	tr.TraceConnectEnd(cctx, myx.TraceConnectEndData{Err: errors.New("refused"), Duration: 2 * time.Millisecond})

	pctx := tr.TracePrepareStart(ctx, nil, myx.TracePrepareStartData{SQL: "SELECT ?"})
	tr.TracePrepareEnd(pctx, nil, myx.TracePrepareEndData{Duration: 300 * time.Microsecond})
	pctx = tr.TracePrepareStart(ctx, nil, myx.TracePrepareStartData{SQL: "SELECT ?"})
	tr.TracePrepareEnd(pctx, nil, myx.TracePrepareEndData{Cached: true}) // not printed: nothing sent

	qctx := tr.TraceQueryStart(ctx, nil, myx.TraceQueryStartData{SQL: "SELECT name\n\tFROM user WHERE id = ?", Args: []any{"secret"}})
	tr.TraceQueryEnd(qctx, nil, myx.TraceQueryEndData{RowsReturned: 1, Cache: myx.CacheMiss, RoundTrips: 2, Duration: 400 * time.Microsecond})
	qctx = tr.TraceQueryStart(ctx, nil, myx.TraceQueryStartData{SQL: "UPDATE user SET x = 1"})
	tr.TraceQueryEnd(qctx, nil, myx.TraceQueryEndData{RowsAffected: 3, RoundTrips: 1, Duration: 1500 * time.Millisecond})
	qctx = tr.TraceQueryStart(ctx, nil, myx.TraceQueryStartData{SQL: "SELECT * FROM nope"})
	tr.TraceQueryEnd(qctx, nil, myx.TraceQueryEndData{Err: &myx.MySQLError{Number: 1146, SQLState: "42S02", Message: "no such table"}, Duration: time.Millisecond})

	bctx := tr.TraceBatchStart(ctx, nil, myx.TraceBatchStartData{Len: 2})
	tr.TraceBatchQuery(bctx, nil, myx.TraceBatchQueryData{Index: 0, SQL: "INSERT INTO t VALUES (?)", RowsAffected: 1})
	tr.TraceBatchQuery(bctx, nil, myx.TraceBatchQueryData{Index: 1, SQL: "SELECT 1", RowsReturned: 1})
	tr.TraceBatchEnd(bctx, nil, myx.TraceBatchEndData{RoundTrips: 1, Duration: 5 * time.Millisecond})

	ectx := tr.TraceExecManyStart(ctx, nil, myx.TraceExecManyStartData{SQL: "INSERT INTO t VALUES (?)", Rows: 3})
	tr.TraceExecManyEnd(ectx, nil, myx.TraceExecManyEndData{RowsAffected: 3, Method: "bulk", Duration: time.Millisecond})
	rctx := tr.TraceResetStart(ctx, nil)
	tr.TraceResetEnd(rctx, nil, myx.TraceResetEndData{Duration: 100 * time.Microsecond})
	tr.TraceCancel(ctx, nil, myx.TraceCancelData{Cause: context.Canceled, Killed: true, Duration: time.Millisecond})
	tr.TraceRetry(ctx, myx.TraceRetryData{Op: "transaction", Attempt: 2, Err: errors.New("deadlock")})

	want := `myx:   2.0ms  connect 127.0.0.1:3306  error: refused
myx:   0.3ms  prepare SELECT ?
myx:   0.4ms  SELECT name FROM user WHERE id = ?  (1 row, cache miss, 2 round trips)
myx:   1.50s  UPDATE user SET x = 1  (3 affected)
myx:   1.0ms  SELECT * FROM nope  error: Error 1146 (42S02): no such table
myx:            [0] INSERT INTO t VALUES (?)  (1 affected)
myx:            [1] SELECT 1  (1 row)
myx:   5.0ms  batch of 2 statements  (1 round trip)
myx:   1.0ms  INSERT INTO t VALUES (?)  (executemany of 3 rows, bulk, 3 affected)
myx:   0.1ms  reset session
myx:   1.0ms  cancel: context canceled  (KILL QUERY sent)
myx:          retry transaction, attempt 2  error: deadlock
`
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(buf.String(), "secret") || strings.Contains(buf.String(), "pw") {
		t.Errorf("-trace printed an argument or the password")
	}
}

func TestTraceSQL(t *testing.T) {
	for d, want := range map[time.Duration]string{40 * time.Microsecond: "0.04ms", 400 * time.Microsecond: "0.4ms",
		12340 * time.Microsecond: "12.3ms", 1250 * time.Millisecond: "1.25s"} {
		if got := traceDuration(d); got != want {
			t.Errorf("traceDuration(%v) = %q, want %q", d, got, want)
		}
	}
	if got := traceSQL("SELECT  1\n  FROM\tdual "); got != "SELECT 1 FROM dual" {
		t.Errorf("traceSQL = %q", got)
	}
	long := "SELECT '" + strings.Repeat("é", 200) + "'"
	got := traceSQL(long)
	if len(got) > maxTraceSQL+len("…") || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "SELECT 'éé") {
		t.Errorf("traceSQL of a long statement = %q", got)
	}
	for _, r := range strings.TrimSuffix(got, "…") {
		if r == '\uFFFD' {
			t.Fatalf("traceSQL cut inside a character: %q", got)
		}
	}
}

var traceLine = regexp.MustCompile(`(?m)^myx: +\d+\.\d+m?s  `)

// TestQueryTrace: myx query -trace prints the connection and each statement on stderr, and
// without -trace nothing of the kind.
func TestQueryTrace(t *testing.T) {
	dsn := mysqltest.Require(t)
	out, errOut, code := query(t, dsn, "", "-trace", "SELECT 1 AS one; DO 2")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if !strings.Contains(out, "one") {
		t.Errorf("stdout lost the result:\n%s", out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^myx: +\d+\.\d+m?s  connect \S+  \(conn \d+, server [^)]+\)$`),
		regexp.MustCompile(`(?m)^myx: +\d+\.\d+m?s  SELECT 1 AS one  \(1 row, conn \d+\)$`),
		regexp.MustCompile(`(?m)^myx: +\d+\.\d+m?s  DO 2  \(0 rows, conn \d+\)$`),
	} {
		if !want.MatchString(errOut) {
			t.Errorf("stderr has no line matching %s:\n%s", want, errOut)
		}
	}
	if strings.Contains(out, "myx: ") {
		t.Errorf("trace lines on stdout:\n%s", out)
	}

	_, errOut, code = query(t, dsn, "", "SELECT 1")
	if code != 0 || traceLine.MatchString(errOut) {
		t.Errorf("without -trace: exit %d, stderr:\n%s", code, errOut)
	}
}

// TestTourTrace: myx tour -trace prints the statements of the tour, those of its pool
// included, on stderr.
func TestTourTrace(t *testing.T) {
	dsn := mysqltest.Require(t)
	db := tourDatabase(t, dsn)
	out, errOut, code := runMyx(t, context.Background(), "", "tour", "-trace", "-dsn", dsn, "-database", db)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	checkTourOutput(t, out)
	wants := []string{"connect ", "CREATE TABLE user (", "INSERT INTO jobs (jobs, user_id) VALUES (?, ?)  (executemany of 1000 rows"}
	if strings.Contains(out, "started the primary and two replicas") {
		// The cluster chapter's pools trace too.
		wants = append(wants, "INSERT INTO tour_notes (note) VALUES (?)")
	}
	for _, want := range wants {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr has no %q:\n%s", want, errOut)
		}
	}
	// Every line on stderr is a trace line.
	for l := range strings.SplitSeq(strings.TrimSpace(errOut), "\n") {
		if !strings.HasPrefix(l, "myx: ") {
			t.Errorf("stderr line %q is not a trace line", l)
		}
	}
	// The pool's connections are traced too: several connection ids.
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile(`conn (\d+)`).FindAllStringSubmatch(errOut, -1) {
		ids[m[1]] = true
	}
	if len(ids) < 3 {
		t.Errorf("trace lines name %d connections, want the tour's several: %v", len(ids), ids)
	}
}
