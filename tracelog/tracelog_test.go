package tracelog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/pool"
	"github.com/myxdb/myx/tracelog"
)

// recorder is a JSON log written to a buffer, read back record by record.
type recorder struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.Write(p)
}

// records decodes every record written so far.
func (r *recorder) records(t *testing.T) []map[string]any {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(r.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		d := json.NewDecoder(strings.NewReader(line))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			t.Fatalf("record %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// one returns the only record, failing if there is not exactly one.
func (r *recorder) one(t *testing.T) map[string]any {
	t.Helper()
	recs := r.records(t)
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1: %v", len(recs), recs)
	}
	return recs[0]
}

// newLogger returns a Logger writing JSON at handler level min, and its record.
func newLogger(min slog.Level, opts ...tracelog.Option) (*tracelog.Logger, *recorder) {
	r := &recorder{}
	h := slog.NewJSONHandler(r, &slog.HandlerOptions{Level: min})
	return tracelog.New(slog.New(h), opts...), r
}

// query runs a Start/End pair as a connection would.
func query(l *tracelog.Logger, start myx.TraceQueryStartData, end myx.TraceQueryEndData) {
	ctx := l.TraceQueryStart(context.Background(), nil, start)
	l.TraceQueryEnd(ctx, nil, end)
}

func wantAttrs(t *testing.T, rec map[string]any, want map[string]any) {
	t.Helper()
	for k, v := range want {
		got, ok := rec[k]
		if !ok {
			t.Errorf("record has no %q: %v", k, rec)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(v) {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
}

func wantNo(t *testing.T, rec map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if v, ok := rec[k]; ok {
			t.Errorf("record has %s=%v, want none", k, v)
		}
	}
}

func TestQueryRecord(t *testing.T) {
	l, r := newLogger(slog.LevelDebug)
	query(l, myx.TraceQueryStartData{SQL: "SELECT name FROM users WHERE id = ?", Args: []any{42},
		Statement: myx.StatementInfo{Operation: "SELECT", Collection: "users", Summary: "SELECT users"}},
		myx.TraceQueryEndData{RowsReturned: 1, Cache: myx.CacheHit, RoundTrips: 1,
			BytesSent: 20, BytesRead: 80, Duration: 1500 * time.Microsecond})
	rec := r.one(t)
	wantAttrs(t, rec, map[string]any{
		"level": "INFO", "msg": "query", "sql": "SELECT name FROM users WHERE id = ?",
		"duration": 1500000, "rows": 1, "affected": 0, "conn_id": 0, "cache": "hit",
		"round_trips": 1, "bytes_sent": 20, "bytes_read": 80, "summary": "SELECT users",
	})
	wantNo(t, rec, "args", "err", "errno", "slow")
}

func TestQueryLevel(t *testing.T) {
	l, r := newLogger(slog.LevelDebug, tracelog.WithLevel(slog.LevelDebug))
	query(l, myx.TraceQueryStartData{SQL: "DO 1"}, myx.TraceQueryEndData{})
	wantAttrs(t, r.one(t), map[string]any{"level": "DEBUG", "msg": "query"})

	// Under the handler's level, a success is not logged; a failure still is.
	l, r = newLogger(slog.LevelInfo, tracelog.WithLevel(slog.LevelDebug))
	query(l, myx.TraceQueryStartData{SQL: "DO 1"}, myx.TraceQueryEndData{})
	if recs := r.records(t); len(recs) != 0 {
		t.Fatalf("a success under the handler's level was logged: %v", recs)
	}
	query(l, myx.TraceQueryStartData{SQL: "DO 2"}, myx.TraceQueryEndData{Err: errors.New("boom")})
	wantAttrs(t, r.one(t), map[string]any{"level": "ERROR", "sql": "DO 2", "err": "boom"})
}

func TestQueryError(t *testing.T) {
	l, r := newLogger(slog.LevelInfo)
	err := fmt.Errorf("wrapped: %w", &myx.MySQLError{Number: 1146, SQLState: "42S02", Message: "Table 'test.nope' doesn't exist"})
	query(l, myx.TraceQueryStartData{SQL: "SELECT * FROM nope"}, myx.TraceQueryEndData{Err: err, RoundTrips: 1})
	rec := r.one(t)
	wantAttrs(t, rec, map[string]any{"level": "ERROR", "msg": "query", "errno": 1146, "err": err.Error()})
	wantNo(t, rec, "slow")

	// An error that is not the server's has no errno.
	l, r = newLogger(slog.LevelInfo)
	query(l, myx.TraceQueryStartData{SQL: "DO 1"}, myx.TraceQueryEndData{Err: context.Canceled})
	rec = r.one(t)
	wantAttrs(t, rec, map[string]any{"level": "ERROR", "err": "context canceled"})
	wantNo(t, rec, "errno")
}

func TestSlowThreshold(t *testing.T) {
	l, r := newLogger(slog.LevelInfo, tracelog.WithSlowThreshold(100*time.Millisecond))
	query(l, myx.TraceQueryStartData{SQL: "fast"}, myx.TraceQueryEndData{Duration: 99 * time.Millisecond})
	query(l, myx.TraceQueryStartData{SQL: "at"}, myx.TraceQueryEndData{Duration: 100 * time.Millisecond})
	query(l, myx.TraceQueryStartData{SQL: "slow"}, myx.TraceQueryEndData{Duration: time.Second})
	query(l, myx.TraceQueryStartData{SQL: "slowfail"}, myx.TraceQueryEndData{Duration: time.Second, Err: errors.New("x")})
	recs := r.records(t)
	if len(recs) != 4 {
		t.Fatalf("got %d records, want 4: %v", len(recs), recs)
	}
	wantAttrs(t, recs[0], map[string]any{"sql": "fast", "level": "INFO"})
	wantNo(t, recs[0], "slow")
	wantAttrs(t, recs[1], map[string]any{"sql": "at", "level": "WARN", "slow": true})
	wantAttrs(t, recs[2], map[string]any{"sql": "slow", "level": "WARN", "slow": true})
	wantAttrs(t, recs[3], map[string]any{"sql": "slowfail", "level": "ERROR", "slow": true})
}

func TestOnlySlow(t *testing.T) {
	l, r := newLogger(slog.LevelDebug, tracelog.WithSlowThreshold(time.Second), tracelog.WithOnlySlow(true))
	query(l, myx.TraceQueryStartData{SQL: "fast"}, myx.TraceQueryEndData{Duration: time.Millisecond})
	query(l, myx.TraceQueryStartData{SQL: "slow"}, myx.TraceQueryEndData{Duration: 2 * time.Second})
	query(l, myx.TraceQueryStartData{SQL: "failed"}, myx.TraceQueryEndData{Duration: time.Millisecond, Err: errors.New("x")})
	recs := r.records(t)
	if len(recs) != 2 {
		t.Fatalf("got %d records, want 2 (slow, failed): %v", len(recs), recs)
	}
	wantAttrs(t, recs[0], map[string]any{"sql": "slow", "level": "WARN", "slow": true})
	wantAttrs(t, recs[1], map[string]any{"sql": "failed", "level": "ERROR"})

	// Without a threshold, only failures.
	l, r = newLogger(slog.LevelDebug, tracelog.WithOnlySlow(true))
	query(l, myx.TraceQueryStartData{SQL: "fast"}, myx.TraceQueryEndData{Duration: time.Hour})
	query(l, myx.TraceQueryStartData{SQL: "failed"}, myx.TraceQueryEndData{Err: errors.New("x")})
	wantAttrs(t, r.one(t), map[string]any{"sql": "failed"})
}

func TestArgsOnlyWhenAsked(t *testing.T) {
	start := myx.TraceQueryStartData{SQL: "INSERT INTO t VALUES (?, ?)", Args: []any{"secret", 7}}
	l, r := newLogger(slog.LevelInfo)
	query(l, start, myx.TraceQueryEndData{})
	if s := r.buf.String(); strings.Contains(s, "secret") {
		t.Fatalf("an argument was logged without WithArgs: %s", s)
	}

	l, r = newLogger(slog.LevelInfo, tracelog.WithArgs(true), tracelog.WithMaxArgLen(8))
	blob := bytes.Repeat([]byte{0xab}, 40)
	long := strings.Repeat("é", 10) // 20 bytes; 8 bytes is 4 runes
	tm := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	n := 9
	var nilp *int
	query(l, myx.TraceQueryStartData{SQL: "x", Args: []any{"short", long, blob, []byte("hi"), nil, 3.5, true, tm, int64(-1), struct{ A int }{5},
		json.RawMessage(`{}`), &n, nilp}},
		myx.TraceQueryEndData{})
	args, ok := r.one(t)["args"].([]any)
	if !ok {
		t.Fatalf("args = %v, want a list", r.one(t)["args"])
	}
	want := []string{"short", "éééé…(20 bytes)", "[]byte(len=40) " + strings.Repeat("ab", 16) + "…",
		"[]byte(len=2) 6869", "<nil>", "3.5", "true", "2026-12-01T10:00:00Z", "-1", "{5}",
		"[]byte(len=2) 7b7d", "9", "<nil>"}
	if len(args) != len(want) {
		t.Fatalf("args = %v, want %d values", args, len(want))
	}
	for i := range want {
		if got := fmt.Sprint(args[i]); got != want[i] {
			t.Errorf("args[%d] = %q, want %q", i, got, want[i])
		}
	}
}

func TestArgsNotKept(t *testing.T) {
	// The caller's []byte may be reused after the statement; the record shows what it held.
	l, r := newLogger(slog.LevelInfo, tracelog.WithArgs(true))
	b := []byte("abc")
	query(l, myx.TraceQueryStartData{SQL: "x", Args: []any{b}}, myx.TraceQueryEndData{})
	copy(b, "zzz")
	if s := r.buf.String(); !strings.Contains(s, "616263") {
		t.Fatalf("record %s: want the bytes as they were (616263)", s)
	}
}

func TestDisabled(t *testing.T) {
	// A logger enabled at no level the Logger uses: Start returns the context unchanged and
	// End logs nothing.
	r := &recorder{}
	h := slog.NewJSONHandler(r, &slog.HandlerOptions{Level: slog.LevelError + 1})
	l := tracelog.New(slog.New(h))
	ctx := context.Background()
	if got := l.TraceQueryStart(ctx, nil, myx.TraceQueryStartData{SQL: "x"}); got != ctx {
		t.Errorf("TraceQueryStart with a disabled logger returned a new context")
	}
	l.TraceQueryEnd(ctx, nil, myx.TraceQueryEndData{Err: errors.New("x")})
	l.TraceBatchQuery(ctx, nil, myx.TraceBatchQueryData{SQL: "x"})
	l.TraceRetry(ctx, myx.TraceRetryData{Op: "exec", Attempt: 2})
	if got := l.TraceExecManyStart(ctx, nil, myx.TraceExecManyStartData{SQL: "x"}); got != ctx {
		t.Errorf("TraceExecManyStart with a disabled logger returned a new context")
	}
	if r.buf.Len() != 0 {
		t.Fatalf("a disabled logger wrote %s", r.buf.String())
	}
}

func TestEndWithoutStart(t *testing.T) {
	// An End whose context did not come from the matching Start (the logger was disabled
	// then) logs nothing rather than a record without its SQL.
	l, r := newLogger(slog.LevelDebug)
	ctx := context.Background()
	l.TraceQueryEnd(ctx, nil, myx.TraceQueryEndData{Err: errors.New("x")})
	l.TraceBatchEnd(ctx, nil, myx.TraceBatchEndData{})
	l.TraceExecManyEnd(ctx, nil, myx.TraceExecManyEndData{})
	l.TraceCopyFromEnd(ctx, nil, myx.TraceCopyFromEndData{})
	l.TracePrepareEnd(ctx, nil, myx.TracePrepareEndData{})
	l.TraceConnectEnd(ctx, myx.TraceConnectEndData{})
	// A query's start is not a batch's: the kinds do not mix.
	qctx := l.TraceQueryStart(ctx, nil, myx.TraceQueryStartData{SQL: "x"})
	l.TraceBatchEnd(qctx, nil, myx.TraceBatchEndData{})
	if r.buf.Len() != 0 {
		t.Fatalf("Ends without their Start wrote %s", r.buf.String())
	}
}

type ctxKey struct{}

func TestContextPassesThrough(t *testing.T) {
	// The context Start returns keeps the caller's values, deadline and cancellation.
	l, _ := newLogger(slog.LevelDebug)
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "v"))
	ctx := l.TraceQueryStart(parent, nil, myx.TraceQueryStartData{SQL: "x"})
	if ctx.Value(ctxKey{}) != "v" {
		t.Errorf("the caller's value is lost")
	}
	cancel()
	<-ctx.Done()
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("ctx.Err() = %v, want Canceled", ctx.Err())
	}
}

func TestBatch(t *testing.T) {
	l, r := newLogger(slog.LevelDebug)
	ctx := l.TraceBatchStart(context.Background(), nil, myx.TraceBatchStartData{Len: 2})
	l.TraceBatchQuery(ctx, nil, myx.TraceBatchQueryData{Index: 0, SQL: "INSERT INTO t VALUES (?)", Args: []any{"a"}, RowsAffected: 1})
	l.TraceBatchQuery(ctx, nil, myx.TraceBatchQueryData{Index: 1, SQL: "SELECT * FROM t", RowsReturned: 3})
	l.TraceBatchEnd(ctx, nil, myx.TraceBatchEndData{RoundTrips: 1, Duration: time.Millisecond, BytesSent: 50, BytesRead: 200})
	recs := r.records(t)
	if len(recs) != 3 {
		t.Fatalf("got %d records, want 3: %v", len(recs), recs)
	}
	wantAttrs(t, recs[0], map[string]any{"level": "DEBUG", "msg": "batch query", "index": 0, "sql": "INSERT INTO t VALUES (?)", "affected": 1, "rows": 0})
	wantNo(t, recs[0], "args")
	wantAttrs(t, recs[1], map[string]any{"level": "DEBUG", "msg": "batch query", "index": 1, "rows": 3})
	wantAttrs(t, recs[2], map[string]any{"level": "INFO", "msg": "batch", "size": 2, "round_trips": 1, "duration": 1000000, "bytes_sent": 50, "bytes_read": 200})

	// At Info only the batch's record; a failed item still shows, at Error.
	l, r = newLogger(slog.LevelInfo)
	ctx = l.TraceBatchStart(context.Background(), nil, myx.TraceBatchStartData{Len: 2})
	l.TraceBatchQuery(ctx, nil, myx.TraceBatchQueryData{Index: 0, SQL: "DO 1"})
	fail := &myx.MySQLError{Number: 1062, Message: "Duplicate entry"}
	l.TraceBatchQuery(ctx, nil, myx.TraceBatchQueryData{Index: 1, SQL: "INSERT", Err: fail})
	l.TraceBatchEnd(ctx, nil, myx.TraceBatchEndData{Err: fail})
	recs = r.records(t)
	if len(recs) != 2 {
		t.Fatalf("got %d records, want 2: %v", len(recs), recs)
	}
	wantAttrs(t, recs[0], map[string]any{"level": "ERROR", "msg": "batch query", "index": 1, "errno": 1062})
	wantAttrs(t, recs[1], map[string]any{"level": "ERROR", "msg": "batch", "size": 2, "errno": 1062})
}

func TestExecManyCopyFromPrepare(t *testing.T) {
	l, r := newLogger(slog.LevelDebug)
	ctx := l.TraceExecManyStart(context.Background(), nil, myx.TraceExecManyStartData{SQL: "INSERT INTO t VALUES (?)", Rows: 100})
	l.TraceExecManyEnd(ctx, nil, myx.TraceExecManyEndData{RowsAffected: 100, Method: "bulk", RoundTrips: 1})
	ctx = l.TraceCopyFromStart(context.Background(), nil, myx.TraceCopyFromStartData{Table: "t", Columns: []string{"a", "b"}})
	l.TraceCopyFromEnd(ctx, nil, myx.TraceCopyFromEndData{Rows: 5, BytesSent: 99})
	ctx = l.TracePrepareStart(context.Background(), nil, myx.TracePrepareStartData{SQL: "SELECT ?"})
	l.TracePrepareEnd(ctx, nil, myx.TracePrepareEndData{Cached: true})
	recs := r.records(t)
	if len(recs) != 3 {
		t.Fatalf("got %d records, want 3: %v", len(recs), recs)
	}
	wantAttrs(t, recs[0], map[string]any{"level": "INFO", "msg": "execmany", "sql": "INSERT INTO t VALUES (?)", "size": 100, "affected": 100, "method": "bulk", "round_trips": 1})
	wantAttrs(t, recs[1], map[string]any{"level": "INFO", "msg": "copyfrom", "table": "t", "columns": []any{"a", "b"}, "rows": 5, "bytes_sent": 99})
	wantAttrs(t, recs[2], map[string]any{"level": "DEBUG", "msg": "prepare", "sql": "SELECT ?", "cached": true})

	// A failed preparation is logged at Error even when Debug is off.
	l, r = newLogger(slog.LevelInfo)
	ctx = l.TracePrepareStart(context.Background(), nil, myx.TracePrepareStartData{SQL: "SELEC"})
	l.TracePrepareEnd(ctx, nil, myx.TracePrepareEndData{Err: &myx.MySQLError{Number: 1064, Message: "syntax"}})
	wantAttrs(t, r.one(t), map[string]any{"level": "ERROR", "msg": "prepare", "sql": "SELEC", "errno": 1064})
}

func TestConnect(t *testing.T) {
	l, r := newLogger(slog.LevelInfo)
	cfg := &myx.Config{Addr: "db.example:3306", User: "u", Password: "hunter2"}
	ctx := l.TraceConnectStart(context.Background(), myx.TraceConnectStartData{Config: cfg})
	l.TraceConnectEnd(ctx, myx.TraceConnectEndData{Err: errors.New("refused"), Duration: time.Millisecond})
	rec := r.one(t)
	wantAttrs(t, rec, map[string]any{"level": "ERROR", "msg": "connect", "addr": "db.example:3306", "err": "refused"})
	wantNo(t, rec, "conn_id", "server")
	if strings.Contains(r.buf.String(), "hunter2") {
		t.Fatalf("the password was logged: %s", r.buf.String())
	}

	l, r = newLogger(slog.LevelInfo)
	ctx = l.TraceConnectStart(context.Background(), myx.TraceConnectStartData{Config: &myx.Config{Network: "unix", Addr: "/run/mysqld.sock"}})
	l.TraceConnectEnd(ctx, myx.TraceConnectEndData{Err: errors.New("x")})
	wantAttrs(t, r.one(t), map[string]any{"addr": "unix:/run/mysqld.sock"})
}

func TestCancelResetRetry(t *testing.T) {
	l, r := newLogger(slog.LevelDebug)
	ctx := context.Background()
	l.TraceCancel(ctx, nil, myx.TraceCancelData{Cause: context.DeadlineExceeded, Killed: true, Duration: time.Millisecond})
	l.TraceCancel(ctx, nil, myx.TraceCancelData{Cause: context.Canceled, Err: errors.New("side connection refused"), Closed: true})
	rctx := l.TraceResetStart(ctx, nil)
	l.TraceResetEnd(rctx, nil, myx.TraceResetEndData{Duration: time.Millisecond})
	l.TraceResetEnd(rctx, nil, myx.TraceResetEndData{Err: errors.New("reset failed")})
	l.TraceRetry(ctx, myx.TraceRetryData{Op: "transaction", Attempt: 2, Err: &myx.MySQLError{Number: 1213, Message: "Deadlock"}})
	recs := r.records(t)
	if len(recs) != 5 {
		t.Fatalf("got %d records, want 5: %v", len(recs), recs)
	}
	wantAttrs(t, recs[0], map[string]any{"level": "INFO", "msg": "cancel", "killed": true, "closed": false, "cause": "context deadline exceeded"})
	wantNo(t, recs[0], "err")
	wantAttrs(t, recs[1], map[string]any{"level": "WARN", "msg": "cancel", "killed": false, "closed": true, "err": "side connection refused"})
	wantAttrs(t, recs[2], map[string]any{"level": "DEBUG", "msg": "reset", "duration": 1000000})
	wantAttrs(t, recs[3], map[string]any{"level": "ERROR", "msg": "reset", "err": "reset failed"})
	wantAttrs(t, recs[4], map[string]any{"level": "INFO", "msg": "retry", "op": "transaction", "attempt": 2, "errno": 1213})
}

func TestTextHandler(t *testing.T) {
	var buf bytes.Buffer
	h := slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})
	l := tracelog.New(slog.New(h))
	query(l, myx.TraceQueryStartData{SQL: "SELECT 1"}, myx.TraceQueryEndData{RowsReturned: 1, Duration: 400 * time.Microsecond, RoundTrips: 1})
	want := `level=INFO msg=query sql="SELECT 1" duration=400µs rows=1 affected=0 conn_id=0 cache=not_used round_trips=1 bytes_sent=0 bytes_read=0` + "\n"
	if buf.String() != want {
		t.Fatalf("got  %q\nwant %q", buf.String(), want)
	}
}

func TestConcurrent(t *testing.T) {
	l, r := newLogger(slog.LevelDebug, tracelog.WithArgs(true), tracelog.WithSlowThreshold(time.Millisecond))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				query(l, myx.TraceQueryStartData{SQL: fmt.Sprintf("SELECT %d", g), Args: []any{i}},
					myx.TraceQueryEndData{Duration: time.Duration(i) * time.Millisecond / 10})
			}
		})
	}
	wg.Wait()
	if n := len(r.records(t)); n != 400 {
		t.Fatalf("got %d records, want 400", n)
	}
}

func TestNilLoggerIsDefault(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	defer slog.SetDefault(old)
	l := tracelog.New(nil)
	query(l, myx.TraceQueryStartData{SQL: "SELECT 2"}, myx.TraceQueryEndData{})
	if !strings.Contains(buf.String(), `"sql":"SELECT 2"`) {
		t.Fatalf("New(nil) did not log to slog.Default: %q", buf.String())
	}
}

func BenchmarkQuery(b *testing.B) {
	start := myx.TraceQueryStartData{SQL: "SELECT name FROM users WHERE id = ?", Args: []any{1}}
	end := myx.TraceQueryEndData{RowsReturned: 1, RoundTrips: 1, Duration: time.Millisecond}
	for _, bc := range []struct {
		name  string
		level slog.Level
	}{{"disabled", slog.LevelError + 1}, {"errorsOnly", slog.LevelError}, {"enabled", slog.LevelInfo}} {
		b.Run(bc.name, func(b *testing.B) {
			l := tracelog.New(slog.New(slog.NewJSONHandler(discard{}, &slog.HandlerOptions{Level: bc.level})))
			b.ReportAllocs()
			for b.Loop() {
				query(l, start, end)
			}
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestPoolRecords(t *testing.T) {
	l, r := newLogger(slog.LevelDebug)
	ctx := l.TraceAcquireStart(context.Background(), nil, pool.TraceAcquireStartData{Pending: 2, Idle: 0})
	l.TraceAcquireEnd(ctx, nil, pool.TraceAcquireEndData{Wait: 3 * time.Millisecond, Opened: true,
		CreateDuration: 2 * time.Millisecond, Duration: 4 * time.Millisecond})
	ctx = l.TraceAcquireStart(context.Background(), nil, pool.TraceAcquireStartData{Pending: 5})
	l.TraceAcquireEnd(ctx, nil, pool.TraceAcquireEndData{Err: context.DeadlineExceeded})
	l.TraceRelease(context.Background(), nil, pool.TraceReleaseData{Use: time.Millisecond, Reset: true})
	l.TraceRelease(context.Background(), nil, pool.TraceReleaseData{Destroyed: true, Reason: "reset_failed", Err: errors.New("x")})
	recs := r.records(t)
	if len(recs) != 4 {
		t.Fatalf("got %d records, want 4: %v", len(recs), recs)
	}
	wantAttrs(t, recs[0], map[string]any{"level": "DEBUG", "msg": "acquire", "wait": 3000000, "pending": 2, "idle": 0, "opened": true, "create_duration": 2000000, "duration": 4000000})
	wantNo(t, recs[0], "err", "replaced", "conn_id")
	wantAttrs(t, recs[1], map[string]any{"level": "ERROR", "msg": "acquire", "pending": 5, "opened": false, "err": "context deadline exceeded"})
	wantNo(t, recs[1], "create_duration")
	wantAttrs(t, recs[2], map[string]any{"level": "DEBUG", "msg": "release", "use": 1000000, "reset": true})
	wantNo(t, recs[2], "destroyed", "reason")
	wantAttrs(t, recs[3], map[string]any{"level": "WARN", "msg": "release", "destroyed": true, "reason": "reset_failed", "err": "x"})

	// At Info, a successful acquire is not logged.
	l, r = newLogger(slog.LevelInfo)
	ctx = l.TraceAcquireStart(context.Background(), nil, pool.TraceAcquireStartData{})
	l.TraceAcquireEnd(ctx, nil, pool.TraceAcquireEndData{})
	l.TraceRelease(context.Background(), nil, pool.TraceReleaseData{})
	if r.buf.Len() != 0 {
		t.Fatalf("Debug records at Info: %s", r.buf.String())
	}
}
