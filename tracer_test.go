package myx_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/myxdb/myx"
)

// traceRec is a tracer implementing every root interface; it records each call in order.
// Every Start puts a value into the context so that the tests can check End received it.
type traceRec struct {
	name string
	mu   sync.Mutex
	ev   []event
}

type event struct {
	kind   string // "query.start", "query.end", ...
	ctxTag string // the traceRec tag found in the context given to the call
	c      *myx.Conn
	data   any
}

type tagKey struct{ name string }

func (r *traceRec) add(ctx context.Context, kind string, c *myx.Conn, data any) {
	tag, _ := ctx.Value(tagKey{r.name}).(string)
	r.mu.Lock()
	r.ev = append(r.ev, event{kind: kind, ctxTag: tag, c: c, data: data})
	r.mu.Unlock()
}

func (r *traceRec) tag(ctx context.Context, kind string) context.Context {
	return context.WithValue(ctx, tagKey{r.name}, kind)
}

func (r *traceRec) events() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event(nil), r.ev...)
}

func (r *traceRec) reset() {
	r.mu.Lock()
	r.ev = nil
	r.mu.Unlock()
}

// kinds lists the recorded event kinds, in order.
func (r *traceRec) kinds() []string {
	var ks []string
	for _, e := range r.events() {
		ks = append(ks, e.kind)
	}
	return ks
}

// queryEvents returns the query start and end events.
func (r *traceRec) queryEvents() []event {
	var out []event
	for _, e := range r.events() {
		if e.kind == "query.start" || e.kind == "query.end" {
			out = append(out, e)
		}
	}
	return out
}

// only returns the events of the given kind.
func (r *traceRec) only(kind string) []event {
	var out []event
	for _, e := range r.events() {
		if e.kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func (r *traceRec) TraceQueryStart(ctx context.Context, c *myx.Conn, d myx.TraceQueryStartData) context.Context {
	r.add(ctx, "query.start", c, d)
	return r.tag(ctx, "query")
}
func (r *traceRec) TraceQueryEnd(ctx context.Context, c *myx.Conn, d myx.TraceQueryEndData) {
	r.add(ctx, "query.end", c, d)
}
func (r *traceRec) TraceBatchStart(ctx context.Context, c *myx.Conn, d myx.TraceBatchStartData) context.Context {
	r.add(ctx, "batch.start", c, d)
	return r.tag(ctx, "batch")
}
func (r *traceRec) TraceBatchQuery(ctx context.Context, c *myx.Conn, d myx.TraceBatchQueryData) {
	r.add(ctx, "batch.query", c, d)
}
func (r *traceRec) TraceBatchEnd(ctx context.Context, c *myx.Conn, d myx.TraceBatchEndData) {
	r.add(ctx, "batch.end", c, d)
}
func (r *traceRec) TraceCopyFromStart(ctx context.Context, c *myx.Conn, d myx.TraceCopyFromStartData) context.Context {
	r.add(ctx, "copy.start", c, d)
	return r.tag(ctx, "copy")
}
func (r *traceRec) TraceCopyFromEnd(ctx context.Context, c *myx.Conn, d myx.TraceCopyFromEndData) {
	r.add(ctx, "copy.end", c, d)
}
func (r *traceRec) TraceExecManyStart(ctx context.Context, c *myx.Conn, d myx.TraceExecManyStartData) context.Context {
	r.add(ctx, "execmany.start", c, d)
	return r.tag(ctx, "execmany")
}
func (r *traceRec) TraceExecManyEnd(ctx context.Context, c *myx.Conn, d myx.TraceExecManyEndData) {
	r.add(ctx, "execmany.end", c, d)
}
func (r *traceRec) TracePrepareStart(ctx context.Context, c *myx.Conn, d myx.TracePrepareStartData) context.Context {
	r.add(ctx, "prepare.start", c, d)
	return r.tag(ctx, "prepare")
}
func (r *traceRec) TracePrepareEnd(ctx context.Context, c *myx.Conn, d myx.TracePrepareEndData) {
	r.add(ctx, "prepare.end", c, d)
}
func (r *traceRec) TraceConnectStart(ctx context.Context, d myx.TraceConnectStartData) context.Context {
	r.add(ctx, "connect.start", nil, d)
	return r.tag(ctx, "connect")
}
func (r *traceRec) TraceConnectEnd(ctx context.Context, d myx.TraceConnectEndData) {
	r.add(ctx, "connect.end", d.Conn, d)
}
func (r *traceRec) TraceCancel(ctx context.Context, c *myx.Conn, d myx.TraceCancelData) {
	r.add(ctx, "cancel", c, d)
}
func (r *traceRec) TraceResetStart(ctx context.Context, c *myx.Conn) context.Context {
	r.add(ctx, "reset.start", c, nil)
	return r.tag(ctx, "reset")
}
func (r *traceRec) TraceResetEnd(ctx context.Context, c *myx.Conn, d myx.TraceResetEndData) {
	r.add(ctx, "reset.end", c, d)
}
func (r *traceRec) TraceRetry(ctx context.Context, d myx.TraceRetryData) {
	r.add(ctx, "retry", nil, d)
}

// tracedConn connects with a traceRec as the tracer; the events of connecting are dropped.
func tracedConn(t *testing.T, edit ...func(*myx.Config)) (*myx.Conn, *traceRec) {
	t.Helper()
	rec := &traceRec{name: "rec"}
	c := connect(t, append([]func(*myx.Config){func(cfg *myx.Config) { cfg.Tracer = rec }}, edit...)...)
	rec.reset()
	return c, rec
}

// queryEnds returns the query start and end data recorded, checking they pair up.
func queryPairs(t *testing.T, rec *traceRec) ([]myx.TraceQueryStartData, []myx.TraceQueryEndData) {
	t.Helper()
	var starts []myx.TraceQueryStartData
	var ends []myx.TraceQueryEndData
	open := false
	for _, e := range rec.events() {
		switch e.kind {
		case "query.start":
			if open {
				t.Fatalf("query start before the previous one ended: %v", rec.kinds())
			}
			open = true
			starts = append(starts, e.data.(myx.TraceQueryStartData))
		case "query.end":
			if !open {
				t.Fatalf("query end without start: %v", rec.kinds())
			}
			if e.ctxTag != "query" {
				t.Errorf("query end got context tag %q, want the one Start returned", e.ctxTag)
			}
			open = false
			ends = append(ends, e.data.(myx.TraceQueryEndData))
		}
	}
	if open {
		t.Fatalf("query start without end: %v", rec.kinds())
	}
	return starts, ends
}

func TestTraceConnect(t *testing.T) {
	rec := &traceRec{name: "rec"}
	c := connect(t, func(cfg *myx.Config) { cfg.Tracer = rec })
	evs := rec.only("connect.end")
	if len(rec.only("connect.start")) != 1 || len(evs) != 1 {
		t.Fatalf("events %v, want one connect start and end", rec.kinds())
	}
	d := evs[0].data.(myx.TraceConnectEndData)
	if d.Conn != c || d.Err != nil || d.Duration <= 0 || evs[0].ctxTag != "connect" {
		t.Errorf("connect end %+v (tag %q)", d, evs[0].ctxTag)
	}
	if n := len(rec.only("query.start")); n != 0 {
		t.Errorf("session setup traced as %d queries", n)
	}

	rec.reset()
	cfg := testConfig(t)
	cfg.Tracer = rec
	cfg.User, cfg.Password = "myx_no_such_user", "nope"
	if _, err := myx.ConnectConfig(ctxT(t), cfg); err == nil {
		t.Fatal("connect as an unknown user succeeded")
	}
	evs = rec.only("connect.end")
	if len(evs) != 1 || evs[0].data.(myx.TraceConnectEndData).Err == nil || evs[0].data.(myx.TraceConnectEndData).Conn != nil {
		t.Fatalf("failed connect traced as %v", rec.events())
	}
}

func TestTraceExec(t *testing.T) {
	c, rec := tracedConn(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY, v INT")
	rec.reset()
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (1, 1), (2, 2)"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "UPDATE "+tbl+" SET v = v + 1 WHERE id >= ?", 1); err != nil {
		t.Fatal(err)
	}
	starts, ends := queryPairs(t, rec)
	if len(starts) != 2 {
		t.Fatalf("events %v, want two queries", rec.kinds())
	}
	if starts[0].SQL != "INSERT INTO "+tbl+" VALUES (1, 1), (2, 2)" || len(starts[0].Args) != 0 {
		t.Errorf("start %+v", starts[0])
	}
	if want := (myx.StatementInfo{Operation: "INSERT", Collection: tbl, Summary: "INSERT " + tbl}); starts[0].Statement != want {
		t.Errorf("statement %+v, want %+v", starts[0].Statement, want)
	}
	if want := (myx.StatementInfo{Operation: "UPDATE", Collection: tbl, Summary: "UPDATE " + tbl}); starts[1].Statement != want {
		t.Errorf("statement %+v, want %+v", starts[1].Statement, want)
	}
	if len(starts[1].Args) != 1 || starts[1].Args[0] != 1 {
		t.Errorf("args %v", starts[1].Args)
	}
	for i, e := range ends {
		if e.Err != nil || e.RowsAffected != 2 || e.RowsReturned != 0 || e.RoundTrips < 1 || e.BytesSent <= 0 || e.BytesRead <= 0 || e.Duration <= 0 {
			t.Errorf("end %d: %+v", i, e)
		}
	}
	if ends[0].Cache != myx.CacheNotUsed || ends[0].RoundTrips != 1 {
		t.Errorf("text exec: cache %v, round trips %d; want not_used, 1", ends[0].Cache, ends[0].RoundTrips)
	}
	if ends[1].Cache != myx.CacheMiss {
		t.Errorf("first prepared exec: cache %v, want miss", ends[1].Cache)
	}
}

func TestTraceQueryEndsWhenFinished(t *testing.T) {
	c, rec := tracedConn(t)
	ctx := ctxT(t)
	const q = "SELECT seq FROM seq_1_to_5 WHERE seq > ?"
	skipUnlessSeq(t, c)
	rec.reset()

	// Closed early: End fires at Close, not before.
	rows, err := c.Query(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() || !rows.Next() {
		t.Fatal("no rows")
	}
	if got := rec.queryEvents(); len(got) != 1 || got[0].kind != "query.start" {
		t.Fatalf("before Close: events %v, want the query started and not ended", rec.kinds())
	}
	rows.Close()
	_, ends := queryPairs(t, rec)
	if len(ends) != 1 || ends[0].Err != nil || ends[0].RowsReturned != 2 {
		t.Fatalf("after Close: ends %+v, want one with 2 rows returned", ends)
	}

	// Read to the end: End fires when Next reports false, with every row counted.
	rec.reset()
	rows, err = c.Query(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	_, ends = queryPairs(t, rec)
	if n != 5 || len(ends) != 1 || ends[0].RowsReturned != 5 || ends[0].Cache != myx.CacheHit {
		t.Fatalf("read to the end: %d rows, ends %+v; want 5 rows, one end, a cache hit", n, ends)
	}
	if ends[0].RoundTrips != 1 {
		t.Errorf("cached query: %d round trips, want 1", ends[0].RoundTrips)
	}
	rows.Close()
	if len(rec.only("query.end")) != 1 {
		t.Errorf("Close after the end traced again: %v", rec.kinds())
	}
}

// skipUnlessSeq skips unless the server has MariaDB's sequence engine (seq_1_to_N tables).
func skipUnlessSeq(t *testing.T, c *myx.Conn) {
	t.Helper()
	if c.ServerInfo().Flavor != myx.MariaDB {
		t.Skip("needs MariaDB's sequence tables")
	}
}

func TestTraceQueryRow(t *testing.T) {
	c, rec := tracedConn(t)
	ctx := ctxT(t)
	var v int
	for i := range 2 {
		if err := c.QueryRow(ctx, "SELECT ? + 1", 41).Scan(&v); err != nil || v != 42 {
			t.Fatalf("scan: %v, %d", err, v)
		}
		_ = i
	}
	starts, ends := queryPairs(t, rec)
	if len(ends) != 2 {
		t.Fatalf("events %v", rec.kinds())
	}
	if starts[0].Statement != (myx.StatementInfo{Operation: "SELECT", Summary: "SELECT"}) {
		t.Errorf("statement %+v", starts[0].Statement)
	}
	if ends[0].Cache != myx.CacheMiss || ends[1].Cache != myx.CacheHit {
		t.Errorf("cache outcomes %v, %v; want miss then hit", ends[0].Cache, ends[1].Cache)
	}
	if ends[1].RoundTrips != 1 || ends[1].RowsReturned != 1 || ends[1].BytesSent <= 0 || ends[1].BytesRead <= 0 {
		t.Errorf("cached point query: %+v; want 1 round trip, 1 row, bytes both ways", ends[1])
	}
	// No row: End fires at Scan with no error from the statement.
	rec.reset()
	if err := c.QueryRow(ctx, "SELECT 1 FROM DUAL WHERE ? = 0", 1).Scan(&v); !errors.Is(err, myx.ErrNoRows) {
		t.Fatalf("scan: %v, want ErrNoRows", err)
	}
	if _, ends = queryPairs(t, rec); len(ends) != 1 || ends[0].Err != nil || ends[0].RowsReturned != 0 {
		t.Errorf("no row: ends %+v", ends)
	}
}

func TestTraceQueryErrors(t *testing.T) {
	c, rec := tracedConn(t)
	ctx := ctxT(t)
	// The server's error.
	_, err := c.Exec(ctx, "SELECT * FROM myx_no_such_table_at_all")
	var me *myx.MySQLError
	if !errors.As(err, &me) {
		t.Fatalf("err %v, want a *MySQLError", err)
	}
	_, ends := queryPairs(t, rec)
	if len(ends) != 1 || !errors.As(ends[0].Err, &me) || me.Number != 1146 {
		t.Fatalf("ends %+v, want error 1146", ends)
	}
	// Query failing at the server.
	rec.reset()
	if _, err := c.Query(ctx, "SELECT * FROM myx_no_such_table_at_all WHERE a = ?", 1); err == nil {
		t.Fatal("query of a missing table succeeded")
	}
	if _, ends = queryPairs(t, rec); len(ends) != 1 || !errors.As(ends[0].Err, &me) {
		t.Fatalf("ends %+v", ends)
	}
	// Bad arguments: nothing sent, Start and End all the same.
	rec.reset()
	_, err = c.Exec(ctx, "SELECT ?", make(chan int))
	var ae *myx.ArgError
	if !errors.As(err, &ae) {
		t.Fatalf("err %v, want an *ArgError", err)
	}
	if _, ends = queryPairs(t, rec); len(ends) != 1 || !errors.As(ends[0].Err, &ae) || ends[0].BytesSent != 0 || ends[0].RoundTrips != 0 {
		t.Fatalf("bad args: ends %+v", ends)
	}
	// QueryRow with bad arguments: the error comes from Scan, End has already fired.
	rec.reset()
	if err := c.QueryRow(ctx, "SELECT ?", make(chan int)).Scan(new(int)); !errors.As(err, &ae) {
		t.Fatalf("err %v", err)
	}
	if _, ends = queryPairs(t, rec); len(ends) != 1 || ends[0].Err == nil {
		t.Fatalf("QueryRow bad args: ends %+v", ends)
	}
	// Busy: a second statement while Rows are open is traced with its error; the open one is
	// still traced when it closes.
	rec.reset()
	rows, err := c.Query(ctx, "SELECT 1 UNION ALL SELECT 2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "DO 1"); !errors.Is(err, myx.ErrConnBusy) {
		t.Fatalf("err %v, want ErrConnBusy", err)
	}
	rows.Close()
	evs := rec.queryEvents()
	if len(evs) != 4 || evs[2].data.(myx.TraceQueryEndData).Err == nil || evs[3].data.(myx.TraceQueryEndData).Err != nil {
		t.Fatalf("busy: events %v", rec.kinds())
	}
	if s := evs[0].data.(myx.TraceQueryStartData).Statement; s.Operation != "SELECT" || s.Collection != "" {
		t.Errorf("union: statement %+v, want SELECT with no collection", s)
	}
}

func TestTraceStatementInfoFromContext(t *testing.T) {
	c, rec := tracedConn(t)
	info := myx.StatementInfo{Operation: "SELECT", Collection: "users", Summary: "SELECT users"}
	ctx := myx.WithStatementInfo(ctxT(t), info)
	if _, err := c.Exec(ctx, "DO ?", 1); err != nil {
		t.Fatal(err)
	}
	if starts, _ := queryPairs(t, rec); len(starts) != 1 || starts[0].Statement != info {
		t.Fatalf("starts %+v, want the context's statement info", starts)
	}
}

func TestTraceStmt(t *testing.T) {
	c, rec := tracedConn(t)
	ctx := ctxT(t)
	st, err := c.Prepare(ctx, "SELECT ? * 2")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	prep := rec.only("prepare.end")
	if len(prep) != 1 || prep[0].data.(myx.TracePrepareEndData).Cached || prep[0].data.(myx.TracePrepareEndData).Err != nil {
		t.Fatalf("explicit prepare traced as %v", rec.events())
	}
	if ps := rec.only("prepare.start"); ps[0].data.(myx.TracePrepareStartData).SQL != "SELECT ? * 2" {
		t.Errorf("prepare start %+v", ps[0].data)
	}
	rec.reset()
	var v int
	if err := st.QueryRow(ctx, 21).Scan(&v); err != nil || v != 42 {
		t.Fatal(err, v)
	}
	if _, err := st.Exec(ctx, 1); err != nil {
		t.Fatal(err)
	}
	starts, ends := queryPairs(t, rec)
	if len(ends) != 2 || starts[0].SQL != "SELECT ? * 2" || ends[0].RowsReturned != 1 || ends[0].RoundTrips != 1 {
		t.Fatalf("stmt: starts %+v ends %+v", starts, ends)
	}
}

func TestTracePrepareByCache(t *testing.T) {
	c, rec := tracedConn(t)
	ctx := ctxT(t)
	for range 2 {
		if _, err := c.Exec(ctx, "DO ?", 1); err != nil {
			t.Fatal(err)
		}
	}
	ends := rec.only("prepare.end")
	if len(ends) != 2 {
		t.Fatalf("events %v, want two prepares", rec.kinds())
	}
	if ends[0].data.(myx.TracePrepareEndData).Cached || !ends[1].data.(myx.TracePrepareEndData).Cached {
		t.Errorf("prepares %+v, %+v: want not cached, then cached", ends[0].data, ends[1].data)
	}
	// Prepares run inside the query: they get its context.
	if ps := rec.only("prepare.start"); ps[0].ctxTag != "query" {
		t.Errorf("prepare start context tag %q, want the query's", ps[0].ctxTag)
	}
	if ends[0].ctxTag != "prepare" {
		t.Errorf("prepare end context tag %q", ends[0].ctxTag)
	}
	st := c.Stats()
	if st.StatementCacheHits < 1 || st.StatementCacheMisses < 1 || st.BytesSent <= 0 || st.BytesRead <= 0 || st.RoundTrips < 2 {
		t.Errorf("stats %+v", st)
	}
}

var _ = fmt.Sprint
