package myx_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
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
	d.Args = append([]any(nil), d.Args...) // the Args are the library's after End: keep a copy
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
	tbl := newTable(t, c, "seq INT PRIMARY KEY")
	if _, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (1), (2), (3), (4), (5)"); err != nil {
		t.Fatal(err)
	}
	q := "SELECT seq FROM " + tbl + " WHERE seq > ?"
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

func TestTraceBatch(t *testing.T) {
	c, rec := tracedConn(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY, v INT")
	rec.reset()
	b := &myx.Batch{}
	b.Queue("INSERT INTO "+tbl+" VALUES (?, ?)", 1, 10)
	b.Queue("INSERT INTO "+tbl+" VALUES (?, ?)", 2, 20)
	b.Queue("SELECT v FROM "+tbl+" WHERE id >= ?", 1)
	b.Queue("SELECT * FROM myx_no_such_table_at_all")
	br := c.SendBatch(ctx, b)
	for range 2 {
		if _, err := br.Exec(); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := br.Query()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("%d rows", n)
	}
	if got := len(rec.only("query.start")); got != 0 {
		t.Errorf("batch items also traced as %d queries", got)
	}
	var kinds []string
	for _, e := range rec.events() {
		if e.kind == "batch.start" || e.kind == "batch.query" || e.kind == "batch.end" {
			kinds = append(kinds, e.kind)
			if e.kind != "batch.start" && e.ctxTag != "batch" {
				t.Errorf("%s got context tag %q", e.kind, e.ctxTag)
			}
		}
	}
	if fmt.Sprint(kinds) != "[batch.start batch.query batch.query batch.query batch.query batch.end]" {
		t.Fatalf("events %v", kinds)
	}
	if d := rec.only("batch.start")[0].data.(myx.TraceBatchStartData); d.Len != 4 {
		t.Errorf("start %+v", d)
	}
	items := rec.only("batch.query")
	for i, e := range items {
		d := e.data.(myx.TraceBatchQueryData)
		if d.Index != i {
			t.Errorf("item %d has index %d", i, d.Index)
		}
	}
	d0 := items[0].data.(myx.TraceBatchQueryData)
	if d0.RowsAffected != 1 || d0.Err != nil || d0.Statement.Summary != "INSERT "+tbl || len(d0.Args) != 2 {
		t.Errorf("item 0: %+v", d0)
	}
	if d2 := items[2].data.(myx.TraceBatchQueryData); d2.RowsReturned != 2 || d2.Err != nil || d2.Statement.Collection != tbl {
		t.Errorf("item 2: %+v", d2)
	}
	var me *myx.MySQLError
	if d3 := items[3].data.(myx.TraceBatchQueryData); !errors.As(d3.Err, &me) || me.Number != 1146 {
		t.Errorf("item 3: %+v, want error 1146", d3)
	}
	// Its statements were prepared for the cache inside the batch, once per text (the INSERT
	// is queued twice), the failing one included.
	preps := rec.only("prepare.end")
	if len(preps) != 3 || len(rec.only("prepare.start")) != 3 {
		t.Errorf("prepares %d, want 3: %v", len(preps), rec.kinds())
	}
	var me1146 *myx.MySQLError
	if len(preps) == 3 && !errors.As(preps[2].data.(myx.TracePrepareEndData).Err, &me1146) {
		t.Errorf("the missing table's prepare: %+v", preps[2].data)
	}
	end := rec.only("batch.end")[0].data.(myx.TraceBatchEndData)
	if end.Err != nil || end.RoundTrips < 1 || end.RoundTrips > 2 || end.BytesSent <= 0 || end.BytesRead <= 0 || end.Duration <= 0 {
		t.Errorf("end %+v", end)
	}

	// Again: the statement is in the cache now.
	rec.reset()
	hits := c.Stats().StatementCacheHits
	b.Queue("INSERT INTO "+tbl+" VALUES (?, ?)", 3, 30)
	if err := c.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	if preps := rec.only("prepare.end"); len(preps) != 1 || !preps[0].data.(myx.TracePrepareEndData).Cached {
		t.Errorf("second batch: %v, want one prepare found in the cache", rec.kinds())
	}
	if got := c.Stats().StatementCacheHits; got != hits+1 {
		t.Errorf("cache hits %d, want %d", got, hits+1)
	}
	if items := rec.only("batch.query"); len(items) != 1 || items[0].data.(myx.TraceBatchQueryData).RowsAffected != 1 {
		t.Errorf("second batch items %+v", items)
	}
	if end := rec.only("batch.end"); len(end) != 1 || end[0].data.(myx.TraceBatchEndData).RoundTrips != 1 {
		t.Errorf("second batch end %+v, want one round trip", end)
	}
}

func TestTraceExecMany(t *testing.T) {
	c, rec := tracedConn(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY, v INT")
	rec.reset()
	rows := [][]any{{1, 1}, {2, 2}, {3, 3}}
	if _, err := c.ExecMany(ctx, "INSERT INTO "+tbl+" VALUES (?, ?)", rows); err != nil {
		t.Fatal(err)
	}
	starts, ends := rec.only("execmany.start"), rec.only("execmany.end")
	if len(starts) != 1 || len(ends) != 1 || len(rec.only("query.start")) != 0 {
		t.Fatalf("events %v", rec.kinds())
	}
	sd := starts[0].data.(myx.TraceExecManyStartData)
	if sd.Rows != 3 || sd.Statement.Summary != "INSERT "+tbl {
		t.Errorf("start %+v", sd)
	}
	ed := ends[0].data.(myx.TraceExecManyEndData)
	want := "multirow"
	if c.ServerInfo().Flavor == myx.MariaDB {
		want = "bulk"
	}
	if ed.Err != nil || ed.RowsAffected != 3 || ed.Method != want || ed.RoundTrips < 1 || ed.BytesSent <= 0 || ends[0].ctxTag != "execmany" {
		t.Errorf("end %+v (tag %q), want method %q", ed, ends[0].ctxTag, want)
	}
	// One statement per row where neither applies.
	rec.reset()
	if _, err := c.ExecMany(ctx, "UPDATE "+tbl+" SET v = ? WHERE id = ?", [][]any{{5, 1}, {6, 2}}); err != nil {
		t.Fatal(err)
	}
	ed = rec.only("execmany.end")[0].data.(myx.TraceExecManyEndData)
	if want := map[bool]string{true: "bulk", false: "each"}[c.ServerInfo().Flavor == myx.MariaDB]; ed.Method != want || ed.RowsAffected != 2 {
		t.Errorf("update: end %+v, want method %q", ed, want)
	}
}

func TestTraceCopyFrom(t *testing.T) {
	c, rec := tracedConn(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY, name VARCHAR(20)")
	rec.reset()
	n, err := c.CopyFrom(ctx, tbl, []string{"id", "name"}, myx.CopyFromRows([][]any{{1, "a"}, {2, "b"}}))
	if err != nil {
		skipUnlessLocalInfile(t, err)
		t.Fatal(err)
	}
	if fmt.Sprint(rec.kinds()) != "[copy.start copy.end]" {
		t.Fatalf("events %v", rec.kinds())
	}
	sd := rec.only("copy.start")[0].data.(myx.TraceCopyFromStartData)
	ed := rec.only("copy.end")[0]
	d := ed.data.(myx.TraceCopyFromEndData)
	if sd.Table != tbl || len(sd.Columns) != 2 || n != 2 || d.Rows != 2 || d.Err != nil || d.BytesSent <= 0 || ed.ctxTag != "copy" {
		t.Errorf("start %+v end %+v", sd, d)
	}
}

// skipUnlessLocalInfile skips when the server refuses LOAD DATA LOCAL.
func skipUnlessLocalInfile(t *testing.T, err error) {
	var me *myx.MySQLError
	if errors.As(err, &me) && (me.Number == 1148 || me.Number == 3948) {
		t.Skip("the server refuses LOAD DATA LOCAL:", err)
	}
}

func TestTraceReset(t *testing.T) {
	c, rec := tracedConn(t)
	ctx := ctxT(t)
	before := c.Stats().Resets
	if err := c.ResetSession(ctx); err != nil {
		t.Fatal(err)
	}
	ends := rec.only("reset.end")
	if len(rec.only("reset.start")) != 1 || len(ends) != 1 || ends[0].data.(myx.TraceResetEndData).Err != nil || ends[0].ctxTag != "reset" {
		t.Fatalf("events %v", rec.events())
	}
	if d := ends[0].data.(myx.TraceResetEndData); d.Duration <= 0 {
		t.Errorf("end %+v", d)
	}
	if got := c.Stats().Resets; got != before+1 {
		t.Errorf("Resets %d, want %d", got, before+1)
	}
}

// cancelRunningSleep runs SELECT SLEEP(5) on c, cancels its context once another connection
// sees the server run it (no timing assumption), and returns the statement's error.
func cancelRunningSleep(t *testing.T, c *myx.Conn) error {
	t.Helper()
	observer := connect(t)
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	done := make(chan error, 1)
	go func() {
		var n int
		done <- c.QueryRow(ctx, "SELECT SLEEP(?)", 5).Scan(&n)
	}()
	for {
		var n int
		if err := observer.QueryRow(ctxT(t), "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE 'SELECT SLEEP%'", c.ConnID()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the query ended before it was seen running: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	return <-done
}

func TestTraceCancel(t *testing.T) {
	c, rec := tracedConn(t, func(cfg *myx.Config) { cfg.KillTimeout = 15 * time.Second })
	err := cancelRunningSleep(t, c)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	evs := rec.only("cancel")
	if len(evs) != 1 {
		t.Fatalf("events %v, want one cancel", rec.kinds())
	}
	d := evs[0].data.(myx.TraceCancelData)
	if !errors.Is(d.Cause, context.Canceled) || !d.Killed || d.Err != nil || d.Closed || d.Duration <= 0 {
		t.Errorf("cancel %+v", d)
	}
	if evs[0].ctxTag != "query" {
		t.Errorf("cancel got context tag %q, want the query's", evs[0].ctxTag)
	}
	_, ends := queryPairs(t, rec)
	if len(ends) != 1 || !errors.Is(ends[0].Err, context.Canceled) {
		t.Errorf("query ends %+v", ends)
	}
	if c.Stats().Kills != 1 {
		t.Errorf("Kills %d, want 1", c.Stats().Kills)
	}
	// The side connection that sent the kill is not traced.
	if n := len(rec.only("connect.start")); n != 0 {
		t.Errorf("the kill's side connection was traced (%d connects)", n)
	}
}

func TestTraceRetry(t *testing.T) {
	c, rec := tracedConn(t)
	ctx := ctxT(t)
	runs := 0
	err := myx.BeginTxFunc(ctx, c, myx.TxOptions{MaxAttempts: 3, RetryBaseDelay: time.Millisecond}, func(tx myx.Tx) error {
		runs++
		if runs == 1 {
			return &myx.MySQLError{Number: myx.ErLockDeadlock, Message: "simulated"}
		}
		return nil
	})
	if err != nil || runs != 2 {
		t.Fatalf("err %v after %d runs", err, runs)
	}
	evs := rec.only("retry")
	if len(evs) != 1 {
		t.Fatalf("events %v, want one retry", rec.kinds())
	}
	d := evs[0].data.(myx.TraceRetryData)
	var me *myx.MySQLError
	if d.Op != "transaction" || d.Attempt != 2 || !errors.As(d.Err, &me) || me.Number != myx.ErLockDeadlock {
		t.Errorf("retry %+v", d)
	}
}

func TestMultiTracer(t *testing.T) {
	a, b := &traceRec{name: "a"}, &traceRec{name: "b"}
	c := connect(t, func(cfg *myx.Config) { cfg.Tracer = myx.MultiTracer{a, nil, 42, b} })
	if len(a.only("connect.end")) != 1 || len(b.only("connect.end")) != 1 {
		t.Fatalf("connect: %v / %v", a.kinds(), b.kinds())
	}
	a.reset()
	b.reset()
	if err := c.QueryRow(ctxT(t), "SELECT ?", 1).Scan(new(int)); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*traceRec{a, b} {
		_, ends := queryPairs(t, r)
		if len(ends) != 1 || ends[0].RowsReturned != 1 {
			t.Errorf("%s: %v", r.name, r.kinds())
		}
	}
	// b's Start got the context a's Start returned; both Ends get the last one.
	if e := b.only("query.start")[0]; e.data.(myx.TraceQueryStartData).SQL != "SELECT ?" {
		t.Errorf("b start %+v", e.data)
	}
	aEnd, bEnd := a.only("query.end")[0], b.only("query.end")[0]
	if aEnd.ctxTag != "query" || bEnd.ctxTag != "query" {
		t.Errorf("end tags %q, %q", aEnd.ctxTag, bEnd.ctxTag)
	}
	var seen string
	ctxSeen := func(ctx context.Context) { seen, _ = ctx.Value(tagKey{"a"}).(string) }
	probe := probeTracer{f: ctxSeen}
	c2 := connect(t, func(cfg *myx.Config) { cfg.Tracer = myx.MultiTracer{a, probe} })
	if _, err := c2.Exec(ctxT(t), "DO 1"); err != nil {
		t.Fatal(err)
	}
	if seen != "query" {
		t.Errorf("the second tracer's Start saw %q from the first's context, want %q", seen, "query")
	}
}

// probeTracer calls f with the context its TraceQueryStart is given.
type probeTracer struct{ f func(context.Context) }

func (p probeTracer) TraceQueryStart(ctx context.Context, _ *myx.Conn, _ myx.TraceQueryStartData) context.Context {
	p.f(ctx)
	return nil
}
func (p probeTracer) TraceQueryEnd(context.Context, *myx.Conn, myx.TraceQueryEndData) {}

func TestStatsCount(t *testing.T) {
	c := connect(t)
	ctx := ctxT(t)
	s0 := c.Stats()
	if err := c.QueryRow(ctx, "SELECT ?", 1).Scan(new(int)); err != nil {
		t.Fatal(err)
	}
	s1 := c.Stats()
	if s1.RoundTrips <= s0.RoundTrips || s1.BytesSent <= s0.BytesSent || s1.BytesRead <= s0.BytesRead || s1.RowsRead-s0.RowsRead != 1 || s1.StatementCacheMisses-s0.StatementCacheMisses != 1 {
		t.Errorf("first point query: %+v -> %+v", s0, s1)
	}
	if err := c.QueryRow(ctx, "SELECT ?", 1).Scan(new(int)); err != nil {
		t.Fatal(err)
	}
	// Once cached, a point query is one round trip.
	if s2 := c.Stats(); s2.StatementCacheHits-s1.StatementCacheHits != 1 || s2.RoundTrips-s1.RoundTrips != 1 {
		t.Errorf("second run: %+v -> %+v, want one cache hit, one round trip", s1, s2)
	}
}

// With compression the counters are the bytes on the wire: the compressed frames.
func TestStatsCountCompressedBytes(t *testing.T) {
	skipUnless(t, mysqltest.ZlibCompression)
	c := connect(t, func(cfg *myx.Config) { cfg.Compress = myx.CompressZlib })
	ctx := ctxT(t)
	s0, z0 := c.Stats(), c.CompressionStats()
	var s string
	if err := c.QueryRow(ctx, "SELECT REPEAT('a', 100000)").Scan(&s); err != nil || len(s) != 100000 {
		t.Fatal(err, len(s))
	}
	s1, z1 := c.Stats(), c.CompressionStats()
	read, wire, raw := s1.BytesRead-s0.BytesRead, z1.WireReceived-z0.WireReceived, z1.RawReceived-z0.RawReceived
	if read != wire || read <= 0 || read >= raw {
		t.Errorf("read %d bytes; compression counters: %d on the wire, %d raw", read, wire, raw)
	}
	if sent, wireSent := s1.BytesSent-s0.BytesSent, z1.WireSent-z0.WireSent; sent != wireSent {
		t.Errorf("sent %d bytes, %d on the wire", sent, wireSent)
	}
}

// When the kill cannot be delivered (the server is unreachable), the cancellation is traced
// with the kill's error and the connection closed.
func TestTraceCancelClosesConnection(t *testing.T) {
	cfg, proxy := proxiedConfig(t)
	cfg.KillTimeout = 500 * time.Millisecond
	rec := &traceRec{name: "rec"}
	cfg.Tracer = rec
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	proxy.BlackHole(true)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err := c.Exec(ctx, "DO SLEEP(30)"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	evs := rec.only("cancel")
	if len(evs) != 1 {
		t.Fatalf("events %v, want one cancel", rec.kinds())
	}
	if d := evs[0].data.(myx.TraceCancelData); d.Killed || d.Err == nil || !d.Closed || !errors.Is(d.Cause, context.Canceled) {
		t.Errorf("cancel %+v, want not killed, the kill's error, closed", d)
	}
}
