package myx_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// deferRec is a traceRec that lets TraceQueryStart wait for the request to be written
// (myx.QueryStartDeferrer), and notes at each Start how many bytes the connection had sent,
// the bytes before the call being known to the test.
type deferRec struct {
	*traceRec
	defers bool
	sentAt []int64 // Conn.Stats().BytesSent at each TraceQueryStart
}

func (r *deferRec) DeferQueryStart() bool { return r.defers }

func (r *deferRec) TraceQueryStart(ctx context.Context, c *myx.Conn, d myx.TraceQueryStartData) context.Context {
	r.sentAt = append(r.sentAt, c.Stats().BytesSent)
	return r.traceRec.TraceQueryStart(ctx, c, d)
}

func deferredConn(t *testing.T, defers bool, edit ...func(*myx.Config)) (*myx.Conn, *deferRec) {
	t.Helper()
	rec := &deferRec{traceRec: &traceRec{name: "rec"}, defers: defers}
	c := connect(t, append([]func(*myx.Config){func(cfg *myx.Config) { cfg.Tracer = rec }}, edit...)...)
	rec.reset()
	rec.sentAt = nil
	return c, rec
}

// With a deferring tracer, TraceQueryStart comes once the request is written (the bytes are
// sent when it is called), dated by TraceQueryStartData.Start from before; the statement
// cache's prepare events still follow it and get its context, and End gets it too.
func TestTraceDeferredStart(t *testing.T) {
	c, rec := deferredConn(t, true)
	ctx := ctxT(t)
	var sent []int64
	var before []time.Time
	for range 2 {
		sent = append(sent, c.Stats().BytesSent)
		before = append(before, time.Now())
		if _, err := c.Exec(ctx, "DO ?", 1); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"query.start", "prepare.start", "prepare.end", "query.end", "query.start", "prepare.start", "prepare.end", "query.end"}
	if got := rec.kinds(); !equalStrings(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	starts, ends := queryPairs(t, rec.traceRec)
	for i, s := range starts {
		if s.Start.IsZero() || s.Start.Before(before[i]) {
			t.Errorf("statement %d: Start %v, want set, not before %v", i, s.Start, before[i])
		}
		if ends[i].Duration <= 0 || ends[i].Err != nil {
			t.Errorf("statement %d: end %+v", i, ends[i])
		}
	}
	for _, e := range rec.only("prepare.start") {
		if e.ctxTag != "query" {
			t.Errorf("prepare start context tag %q, want the query's", e.ctxTag)
		}
	}
	// The miss prepares before its execute: Start is called before anything is written. The
	// hit's execute is on the wire when Start is called.
	if rec.sentAt[0] != sent[0] {
		t.Errorf("cache miss: %d bytes sent at Start, want %d (before the prepare)", rec.sentAt[0], sent[0])
	}
	if rec.sentAt[1] <= sent[1] {
		t.Errorf("cache hit: %d bytes sent at Start, want more than %d", rec.sentAt[1], sent[1])
	}

	// A Query (its statement prepared by a first run): Start after the request, End when
	// the rows are read, with the Start's context.
	for i := range 2 {
		rec.reset()
		n0 := c.Stats().BytesSent
		rows, err := c.Query(ctx, "SELECT 1 UNION ALL SELECT 2")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"query.start", "prepare.start", "prepare.end"}
		if got := rec.kinds(); !equalStrings(got, want) {
			t.Errorf("run %d: events before the rows are read: %v, want %v", i, got, want)
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if _, ends := queryPairs(t, rec.traceRec); len(ends) != 1 || ends[0].RowsReturned != 2 {
			t.Errorf("run %d: query ends %+v", i, ends)
		}
		if last := rec.sentAt[len(rec.sentAt)-1]; i == 1 && last <= n0 {
			t.Errorf("Query: %d bytes sent at Start, want more than %d", last, n0)
		}
	}
}

// Without DeferQueryStart (or with it false), Start comes before anything is sent and has no
// Start time.
func TestTraceStartNotDeferred(t *testing.T) {
	c, rec := deferredConn(t, false)
	n0 := c.Stats().BytesSent
	if _, err := c.Exec(ctxT(t), "DO 1"); err != nil {
		t.Fatal(err)
	}
	starts, _ := queryPairs(t, rec.traceRec)
	if len(starts) != 1 || !starts[0].Start.IsZero() || rec.sentAt[0] != n0 {
		t.Errorf("starts %+v, %d bytes sent at Start, want %d and no Start time", starts, rec.sentAt, n0)
	}
}

// A statement that fails before its request is written still gets Start, then End with the
// error: an argument error, a busy connection, a closed one, a connection reset.
func TestTraceDeferredStartErrors(t *testing.T) {
	c, rec := deferredConn(t, true)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "DO ?", struct{}{}); err == nil {
		t.Fatal("an unsupported argument was accepted")
	}
	rows, err := c.Query(ctx, "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, "SELECT ?", 2).Scan(new(int)); !errors.Is(err, myx.ErrConnBusy) {
		t.Errorf("busy: %v", err)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	c2, rec2 := deferredConn(t, true)
	if err := c2.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Exec(ctx, "DO 1"); !errors.Is(err, myx.ErrConnClosed) {
		t.Errorf("closed: %v", err)
	}
	// The argument error; the Query (a cache miss: Start before its prepare); the busy
	// QueryRow, inside it; the end of the Query's rows.
	want := []string{"query.start", "query.end", "query.start", "prepare.start", "prepare.end", "query.start", "query.end", "query.end"}
	if got := rec.kinds(); !equalStrings(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	evs := rec.only("query.end")
	if evs[0].data.(myx.TraceQueryEndData).Err == nil || !errors.Is(evs[1].data.(myx.TraceQueryEndData).Err, myx.ErrConnBusy) || evs[2].data.(myx.TraceQueryEndData).Err != nil {
		t.Errorf("ends %+v", evs)
	}
	if _, ends := queryPairs(t, rec2.traceRec); len(ends) != 1 || !errors.Is(ends[0].Err, myx.ErrConnClosed) {
		t.Errorf("closed: events %v", rec2.kinds())
	}

	cfg, proxy := proxiedConfig(t)
	rec3 := &deferRec{traceRec: &traceRec{name: "rec"}, defers: true}
	cfg.Tracer = rec3
	c3, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close(context.Background())
	rec3.reset()
	proxy.ResetAll()
	if _, err := c3.Exec(ctx, "DO 1"); err == nil {
		t.Fatal("Exec on a reset connection succeeded")
	}
	if _, ends := queryPairs(t, rec3.traceRec); len(ends) != 1 || ends[0].Err == nil {
		t.Errorf("reset connection: events %v, ends %+v", rec3.kinds(), ends)
	}
}

// Cancellation while the server runs a statement whose Start was deferred is reported with
// the context Start returned.
func TestTraceDeferredCancel(t *testing.T) {
	c, rec := deferredConn(t, true, func(cfg *myx.Config) { cfg.KillTimeout = 15 * time.Second })
	if err := cancelRunningSleep(t, c); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	evs := rec.only("cancel")
	if len(evs) != 1 || evs[0].ctxTag != "query" {
		t.Fatalf("events %v; cancel events %+v, want one with the query's context", rec.kinds(), evs)
	}
	if _, ends := queryPairs(t, rec.traceRec); len(ends) != 1 || !errors.Is(ends[0].Err, context.Canceled) {
		t.Errorf("query ends %+v", ends)
	}
}

// Query attributes built by Config.QueryAttributesFunc from the context Start returns keep
// Start before the request.
func TestTraceStartNotDeferredForQueryAttributes(t *testing.T) {
	c, rec := deferredConn(t, true, func(cfg *myx.Config) {
		cfg.SQLComment = true
		cfg.QueryAttributesFunc = func(ctx context.Context) []myx.QueryAttribute { return nil }
	})
	n0 := c.Stats().BytesSent
	if _, err := c.Exec(ctxT(t), "DO 1"); err != nil {
		t.Fatal(err)
	}
	if starts, _ := queryPairs(t, rec.traceRec); len(starts) != 1 || !starts[0].Start.IsZero() || rec.sentAt[0] != n0 {
		t.Errorf("starts %+v, bytes at Start %v, want not deferred", starts, rec.sentAt)
	}
}

func TestMultiTracerDeferQueryStart(t *testing.T) {
	yes := &deferRec{traceRec: &traceRec{name: "a"}, defers: true}
	no := &deferRec{traceRec: &traceRec{name: "b"}}
	plain := &traceRec{name: "c"}
	for _, tc := range []struct {
		m    myx.MultiTracer
		want bool
	}{
		{myx.MultiTracer{yes}, true},
		{myx.MultiTracer{yes, struct{}{}, nil}, true},
		{myx.MultiTracer{yes, no}, false},
		{myx.MultiTracer{yes, plain}, false},
		{myx.MultiTracer{}, false},
	} {
		if got := tc.m.DeferQueryStart(); got != tc.want {
			t.Errorf("%v: DeferQueryStart %v, want %v", tc.m, got, tc.want)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
