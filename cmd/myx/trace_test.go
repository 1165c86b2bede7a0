package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
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
