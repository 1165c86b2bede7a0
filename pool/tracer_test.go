package pool

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// traceKey marks contexts in the tracer tests.
type traceKey string

// recorder is a pool tracer that records what it is told.
type recorder struct {
	name     string // the value TraceAcquireStart puts in the context under traceKey(name)
	mu       sync.Mutex
	starts   []TraceAcquireStartData
	ends     []acquireEnd
	releases []release
	retries  []myx.TraceRetryData
}

type acquireEnd struct {
	TraceAcquireEndData
	marked bool // the context TraceAcquireStart returned arrived
}

type release struct {
	TraceReleaseData
	work any // the value of traceKey("work") in the release's context
}

func (r *recorder) TraceAcquireStart(ctx context.Context, p *Pool, d TraceAcquireStartData) context.Context {
	r.mu.Lock()
	r.starts = append(r.starts, d)
	r.mu.Unlock()
	return context.WithValue(ctx, traceKey(r.name), true)
}

func (r *recorder) TraceAcquireEnd(ctx context.Context, p *Pool, d TraceAcquireEndData) {
	r.mu.Lock()
	r.ends = append(r.ends, acquireEnd{d, ctx.Value(traceKey(r.name)) == true})
	r.mu.Unlock()
}

func (r *recorder) TraceRelease(ctx context.Context, p *Pool, d TraceReleaseData) {
	r.mu.Lock()
	r.releases = append(r.releases, release{d, ctx.Value(traceKey("work"))})
	r.mu.Unlock()
}

func (r *recorder) TraceRetry(ctx context.Context, d myx.TraceRetryData) {
	r.mu.Lock()
	r.retries = append(r.retries, d)
	r.mu.Unlock()
}

// take returns what was recorded since the last take and forgets it.
func (r *recorder) take() (starts []TraceAcquireStartData, ends []acquireEnd, rels []release, retries []myx.TraceRetryData) {
	r.mu.Lock()
	defer r.mu.Unlock()
	starts, ends, rels, retries = r.starts, r.ends, r.releases, r.retries
	r.starts, r.ends, r.releases, r.retries = nil, nil, nil, nil
	return
}

// oneCycle checks that exactly one acquire and one release were recorded, and returns them.
func oneCycle(t *testing.T, r *recorder, what string) (TraceAcquireStartData, acquireEnd, release) {
	t.Helper()
	starts, ends, rels, _ := r.take()
	if len(starts) != 1 || len(ends) != 1 || len(rels) != 1 {
		t.Fatalf("%s: %d acquire starts, %d ends, %d releases; want one each", what, len(starts), len(ends), len(rels))
	}
	return starts[0], ends[0], rels[0]
}

func TestTraceAcquireOpenedThenIdle(t *testing.T) {
	t.Parallel()
	rec := &recorder{name: "acq"}
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 2; c.Tracer = rec })
	ctx := ctxT(t, 10*time.Second)

	if _, err := p.Exec(ctx, "DO 1"); err != nil {
		t.Fatal(err)
	}
	st, end, rel := oneCycle(t, rec, "first Exec")
	if st.Pending != 0 || st.Idle != 0 {
		t.Errorf("first acquire started with %+v, want an empty pool", st)
	}
	if end.Err != nil || end.Conn == nil || !end.Opened || end.CreateDuration <= 0 || !end.marked {
		t.Errorf("first acquire: %+v (marked %v), want a connection opened for it, with its create time, under the start's context", end.TraceAcquireEndData, end.marked)
	}
	if end.Wait < end.CreateDuration || end.Duration < end.Wait {
		t.Errorf("first acquire: wait %v, create %v, duration %v: it waited for the dial", end.Wait, end.CreateDuration, end.Duration)
	}
	if rel.Conn != end.Conn || rel.Destroyed || rel.Reason != "" || rel.Reset || rel.RolledBack || rel.Err != nil {
		t.Errorf("release after a plain Exec: %+v", rel.TraceReleaseData)
	}
	first := end.Conn

	if _, err := p.Exec(ctx, "DO 2"); err != nil {
		t.Fatal(err)
	}
	st, end, _ = oneCycle(t, rec, "second Exec")
	if st.Idle != 1 || st.Pending != 0 {
		t.Errorf("second acquire started with %+v, want one idle connection", st)
	}
	if end.Err != nil || end.Conn != first || end.Opened || end.Wait != 0 || end.CreateDuration != 0 || end.Replaced != 0 {
		t.Errorf("second acquire: %+v, want the idle connection with no wait", end.TraceAcquireEndData)
	}
}

func TestTraceAcquireWaitsAndTimesOut(t *testing.T) {
	t.Parallel()
	rec := &recorder{name: "acq"}
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 1; c.Tracer = rec })
	ctx := ctxT(t, 10*time.Second)

	held, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec.take()
	done := make(chan error, 1)
	go func() {
		_, err := p.Exec(ctx, "DO 1")
		done <- err
	}()
	// The Exec queues for the one connection; release it only then.
	if !eventually(10*time.Second, func() bool { return p.Stat().PendingAcquires == 1 }) {
		t.Fatalf("the Exec never waited: %+v", p.Stat())
	}
	if s := p.Stat(); s.InUseConns != 1 || s.IdleConns != 0 || s.MaxConns != 1 {
		t.Errorf("stat while waiting: %+v", s)
	}
	held.Release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	starts, ends, rels, _ := rec.take()
	if len(starts) != 1 || len(ends) != 1 || len(rels) != 2 {
		t.Fatalf("%d starts, %d ends, %d releases; want 1, 1, 2", len(starts), len(ends), len(rels))
	}
	if ends[0].Err != nil || ends[0].Opened || ends[0].Wait <= 0 || ends[0].Conn == nil {
		t.Errorf("waiting acquire: %+v, want a released connection after a wait", ends[0].TraceAcquireEndData)
	}
	if s := p.Stat(); s.PendingAcquires != 0 {
		t.Errorf("pending after the wait: %+v", s)
	}

	// An acquire whose deadline passes while the only connection is held is a timeout.
	held, err = p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	rec.take()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	_, err = p.Exec(tctx, "DO 1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Exec with a pool held: %v, want the deadline", err)
	}
	_, ends, rels, _ = rec.take()
	if len(ends) != 1 || len(rels) != 0 {
		t.Fatalf("%d acquire ends, %d releases after a timeout; want 1 and 0", len(ends), len(rels))
	}
	if d := ends[0]; !errors.Is(d.Err, context.DeadlineExceeded) || d.Conn != nil || d.Wait <= 0 {
		t.Errorf("timed out acquire: %+v", d.TraceAcquireEndData)
	}
	if s := p.Stat(); s.TimeoutAcquireCount != 1 || s.CanceledAcquireCount != 1 {
		t.Errorf("stat after a timeout: %+v, want one timeout", s)
	}

	// A cancellation is not a timeout.
	cctx, cancel2 := context.WithCancel(ctx)
	go func() {
		eventually(10*time.Second, func() bool { return p.Stat().PendingAcquires == 1 })
		cancel2()
	}()
	if _, err := p.Exec(cctx, "DO 1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Exec cancelled: %v", err)
	}
	if s := p.Stat(); s.TimeoutAcquireCount != 1 || s.CanceledAcquireCount != 2 {
		t.Errorf("stat after a cancellation: %+v", s)
	}
}

// TestTraceReleaseGetsTheWorkContext: every way of using a pooled connection tells the
// ReleaseTracer with the caller's context.
func TestTraceReleaseGetsTheWorkContext(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "v INT")
	rec := &recorder{name: "acq"}
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 2; c.Tracer = rec })
	base := ctxT(t, 10*time.Second)
	for _, tc := range []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"Exec", func(ctx context.Context) error { _, err := p.Exec(ctx, "DO 1"); return err }},
		{"Query", func(ctx context.Context) error {
			rows, err := p.Query(ctx, "SELECT 1 UNION ALL SELECT 2")
			if err != nil {
				return err
			}
			for rows.Next() {
			}
			return rows.Err()
		}},
		{"QueryRow", func(ctx context.Context) error { return p.QueryRow(ctx, "SELECT 1").Scan(new(int)) }},
		{"ExecMany", func(ctx context.Context) error {
			_, err := p.ExecMany(ctx, "INSERT INTO "+table+" (v) VALUES (?)", [][]any{{1}, {2}})
			return err
		}},
		{"BeginFunc", func(ctx context.Context) error {
			return p.BeginFunc(ctx, func(tx myx.Tx) error { _, err := tx.Exec(ctx, "DO 1"); return err })
		}},
		{"Begin+Commit", func(ctx context.Context) error {
			tx, err := p.Begin(ctx)
			if err != nil {
				return err
			}
			return tx.Commit(context.Background()) // the release keeps the transaction's context
		}},
		{"Idempotent", func(ctx context.Context) error {
			return p.Idempotent(ctx, func(c *myx.Conn) error { return c.Ping(ctx) })
		}},
		{"AcquireFunc", func(ctx context.Context) error {
			return p.AcquireFunc(ctx, func(c *myx.Conn) error { return c.Ping(ctx) })
		}},
		{"SendBatch", func(ctx context.Context) error {
			var b myx.Batch
			b.Queue("DO 1")
			b.Queue("SELECT 2")
			return p.SendBatch(ctx, &b).Close()
		}},
		{"Acquire+Release", func(ctx context.Context) error {
			c, err := p.Acquire(ctx)
			if err != nil {
				return err
			}
			err = c.Conn().Ping(ctx)
			c.Release()
			return err
		}},
		{"Ping", func(ctx context.Context) error { return p.Ping(ctx) }},
	} {
		ctx := context.WithValue(base, traceKey("work"), tc.name)
		if err := tc.run(ctx); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		_, end, rel := oneCycle(t, rec, tc.name)
		if rel.work != tc.name {
			t.Errorf("%s: the release got the context of %v", tc.name, rel.work)
		}
		if rel.Conn == nil || rel.Conn != end.Conn || rel.Destroyed || rel.Use <= 0 {
			t.Errorf("%s: release %+v after acquire of %p", tc.name, rel.TraceReleaseData, end.Conn)
		}
	}
}

func TestTraceReleaseResetRollbackDestroy(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	rec := &recorder{name: "acq"}
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 1; c.Tracer = rec })
	ctx := ctxT(t, 10*time.Second)
	use := func(what string, stmts ...string) release {
		t.Helper()
		c, err := p.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range stmts {
			c.Conn().Exec(ctx, q)
		}
		c.Release()
		_, _, rel := oneCycle(t, rec, what)
		return rel
	}

	if rel := use("no change", "SELECT 1"); rel.Reset || rel.RolledBack || rel.Destroyed {
		t.Errorf("unchanged session: %+v", rel.TraceReleaseData)
	}
	if rel := use("user variable", "SET @x = 1"); !rel.Reset || rel.RolledBack || rel.Destroyed || rel.Err != nil {
		t.Errorf("after SET @x: %+v, want a reset", rel.TraceReleaseData)
	}
	if rel := use("after the reset", "SELECT @x"); rel.Reset {
		t.Errorf("a reset session was reset again: %+v", rel.TraceReleaseData)
	}
	if rel := use("open transaction", "BEGIN", "SELECT 1"); !rel.RolledBack || rel.Destroyed {
		t.Errorf("released in a transaction: %+v, want a rollback", rel.TraceReleaseData)
	}

	// A connection killed while held is closed on release.
	c, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kill(t, cc, c.Conn().ConnID())
	if _, err := c.Conn().Exec(ctx, "DO 1"); err == nil {
		t.Fatal("a killed connection worked")
	}
	c.Release()
	_, _, rel := oneCycle(t, rec, "killed")
	if !rel.Destroyed || rel.Reason != "closed" {
		t.Errorf("killed connection: %+v, want destroyed as closed", rel.TraceReleaseData)
	}

	// Lifetime.
	c, err = p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.e.expires = time.Now().Add(-time.Second)
	c.Release()
	_, _, rel = oneCycle(t, rec, "expired")
	if !rel.Destroyed || rel.Reason != "lifetime" {
		t.Errorf("expired connection: %+v", rel.TraceReleaseData)
	}

	// Hijack.
	c, err = p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mc := c.Hijack()
	defer mc.Close(ctx)
	_, _, rel = oneCycle(t, rec, "hijacked")
	if !rel.Hijacked || rel.Destroyed || rel.Conn != mc {
		t.Errorf("hijacked connection: %+v", rel.TraceReleaseData)
	}
	settled(t, p)
}

func TestTraceReleaseBusyConnection(t *testing.T) {
	t.Parallel()
	rec := &recorder{name: "acq"}
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 1; c.Tracer = rec })
	ctx := ctxT(t, 10*time.Second)
	c, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := c.Conn().Query(ctx, "SELECT 1 UNION ALL SELECT 2")
	if err != nil {
		t.Fatal(err)
	}
	c.Release() // the Rows is unread
	rows.Close()
	_, _, rel := oneCycle(t, rec, "busy")
	if !rel.Destroyed || rel.Reason != "busy" || rel.Err == nil {
		t.Errorf("release with an unread result: %+v", rel.TraceReleaseData)
	}
}

func TestTraceRetries(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	px, pc := newProxy(t, cc)
	rec := &recorder{name: "acq"}
	var armed atomic.Bool
	p := newPool(t, pc, func(c *Config) {
		c.MaxConns = 2
		c.Tracer = rec
		c.BeforeAcquire = func(_ context.Context, c *myx.Conn) bool {
			if armed.CompareAndSwap(true, false) {
				// The server side goes away after acquire's own check passed (as in
				// TestStaleConnectionRetriedTransparently).
				px.ResetAll()
				time.Sleep(50 * time.Millisecond)
			}
			return true
		}
	})
	ctx := ctxT(t, 20*time.Second)
	connID(t, p)
	rec.take()
	armed.Store(true)
	if _, err := p.Exec(ctx, "DO 1"); err != nil {
		t.Fatal(err)
	}
	_, ends, rels, retries := rec.take()
	if len(retries) != 1 || retries[0].Op != "exec" || retries[0].Attempt != 2 || !myx.SafeToRetry(retries[0].Err) {
		t.Fatalf("retries %+v, want one exec retry at attempt 2", retries)
	}
	if len(ends) != 2 || len(rels) != 2 || !rels[0].Destroyed || rels[1].Destroyed {
		t.Errorf("%d acquires and %d releases (%+v); want two of each, the first destroyed", len(ends), len(rels), rels)
	}

	// A batch that could not be sent goes to another connection, whole.
	connID(t, p)
	rec.take()
	armed.Store(true)
	var b myx.Batch
	b.Queue("DO 1")
	b.Queue("DO 2")
	if err := p.SendBatch(ctx, &b).Close(); err != nil {
		t.Fatal(err)
	}
	_, _, _, retries = rec.take()
	if len(retries) != 1 || retries[0].Op != "batch" || retries[0].Attempt != 2 {
		t.Fatalf("retries %+v, want one batch retry at attempt 2", retries)
	}

	// So does a CopyFrom whose statement could not be sent.
	table := newTable(t, cc, "id INT PRIMARY KEY")
	connID(t, p)
	rec.take()
	armed.Store(true)
	if n, err := p.CopyFrom(ctx, table, []string{"id"}, myx.CopyFromRows([][]any{{1}, {2}})); err != nil || n != 2 {
		t.Fatalf("CopyFrom: %d %v", n, err)
	}
	_, _, _, retries = rec.take()
	if len(retries) != 1 || retries[0].Op != "copyfrom" || retries[0].Attempt != 2 {
		t.Fatalf("retries %+v, want one copyfrom retry at attempt 2", retries)
	}

	// BeginFunc runs the transaction again when its connection was lost before COMMIT.
	runs := 0
	err := p.BeginFunc(ctx, func(tx myx.Tx) error {
		if runs++; runs == 1 {
			kill(t, cc, tx.Conn().ConnID())
		}
		_, err := tx.Exec(ctx, "DO 1")
		return err
	})
	if err != nil || runs != 2 {
		t.Fatalf("BeginFunc: %d runs, %v", runs, err)
	}
	_, _, _, retries = rec.take()
	if len(retries) != 1 || retries[0].Op != "transaction" || retries[0].Attempt != 2 || !myx.IsConnLost(retries[0].Err) {
		t.Fatalf("retries %+v, want one transaction retry at attempt 2", retries)
	}

	// Idempotent repeats fn after a lost connection.
	runs = 0
	err = p.Idempotent(ctx, func(c *myx.Conn) error {
		if runs++; runs == 1 {
			kill(t, cc, c.ConnID())
		}
		return c.Ping(ctx)
	})
	if err != nil || runs != 2 {
		t.Fatalf("Idempotent: %d runs, %v", runs, err)
	}
	_, _, _, retries = rec.take()
	if len(retries) != 1 || retries[0].Op != "idempotent" || retries[0].Attempt != 2 || !myx.IsConnLost(retries[0].Err) {
		t.Fatalf("retries %+v, want one idempotent retry at attempt 2", retries)
	}
}

// TestTraceMultiTracer: both members hear of everything, each finds its own context values.
func TestTraceMultiTracer(t *testing.T) {
	t.Parallel()
	a, b := &recorder{name: "a"}, &recorder{name: "b"}
	onlyRelease := &releaseOnly{}
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 1; c.Tracer = MultiTracer{a, nil, b, onlyRelease} })
	ctx := context.WithValue(ctxT(t, 10*time.Second), traceKey("work"), "w")
	if err := p.QueryRow(ctx, "SELECT 1").Scan(new(int)); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*recorder{a, b} {
		_, end, rel := oneCycle(t, r, r.name)
		if !end.marked || rel.work != "w" {
			t.Errorf("%s: acquire end saw its context: %v; release got %v", r.name, end.marked, rel.work)
		}
	}
	if n := onlyRelease.n.Load(); n != 1 {
		t.Errorf("the release-only member heard of %d releases", n)
	}
	if _, ok := p.cfg.tr.acquire.(MultiTracer); !ok {
		t.Errorf("acquire tracer %T, want the two acquire tracers together", p.cfg.tr.acquire)
	}
	if _, ok := p.cfg.tr.release.(MultiTracer); !ok {
		t.Errorf("release tracer %T, want the three release tracers together", p.cfg.tr.release)
	}
	if m, ok := p.cfg.connConfig.Tracer.(myx.MultiTracer); !ok || len(m) != 2 || m[0] != a || m[1] != b {
		t.Errorf("connections' tracer %#v, want the two root tracers (retry tracers) together", p.cfg.connConfig.Tracer)
	}
	p2 := newPool(t, nil, func(c *Config) { c.Tracer = MultiTracer{onlyRelease} })
	if p2.cfg.tr.release != onlyRelease || p2.cfg.tr.acquire != nil || p2.cfg.tr.retry != nil || p2.cfg.connConfig.Tracer != nil {
		t.Errorf("a MultiTracer of one release tracer: %+v, connections' tracer %T", p2.cfg.tr, p2.cfg.connConfig.Tracer)
	}
}

type releaseOnly struct{ n atomic.Int32 }

func (r *releaseOnly) TraceRelease(context.Context, *Pool, TraceReleaseData) { r.n.Add(1) }

// queryRecorder is a root tracer (myx.QueryTracer) as well as a pool tracer.
type queryRecorder struct {
	recorder
	qmu     sync.Mutex
	queries []queryEnd
}

type queryEnd struct {
	sql  string
	work any // traceKey("work") in the End's context
	myx.TraceQueryEndData
}

type sqlKey struct{}

func (q *queryRecorder) TraceQueryStart(ctx context.Context, _ *myx.Conn, d myx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, sqlKey{}, d.SQL)
}

func (q *queryRecorder) TraceQueryEnd(ctx context.Context, _ *myx.Conn, d myx.TraceQueryEndData) {
	sql, _ := ctx.Value(sqlKey{}).(string)
	q.qmu.Lock()
	q.queries = append(q.queries, queryEnd{sql, ctx.Value(traceKey("work")), d})
	q.qmu.Unlock()
}

func (q *queryRecorder) takeQueries() []queryEnd {
	q.qmu.Lock()
	defer q.qmu.Unlock()
	qs := q.queries
	q.queries = nil
	return qs
}

// TestTracerTracesPooledStatements: one value set as pool.Config.Tracer sees the pool's
// acquires and releases and the statements run on its connections, under the caller's
// context; the ROLLBACK of a release runs under the work's context too.
func TestTracerTracesPooledStatements(t *testing.T) {
	t.Parallel()
	q := &queryRecorder{recorder: recorder{name: "q"}}
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 1; c.Tracer = q })
	ctx := context.WithValue(ctxT(t, 10*time.Second), traceKey("work"), "w")
	var n int
	if err := p.QueryRow(ctx, "SELECT ? + 1", 41).Scan(&n); err != nil || n != 42 {
		t.Fatalf("QueryRow: %d %v", n, err)
	}
	if _, end, rel := oneCycle(t, &q.recorder, "QueryRow"); !end.marked || rel.work != "w" {
		t.Errorf("acquire end marked %v, release context %v", end.marked, rel.work)
	}
	qs := q.takeQueries()
	if len(qs) != 1 || qs[0].sql != "SELECT ? + 1" || qs[0].work != "w" || qs[0].Err != nil || qs[0].RowsReturned != 1 {
		t.Fatalf("queries traced: %+v", qs)
	}

	c, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Conn().Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	c.Release()
	_, _, rel := oneCycle(t, &q.recorder, "released in a transaction")
	if !rel.RolledBack {
		t.Errorf("release: %+v", rel.TraceReleaseData)
	}
	qs = q.takeQueries()
	if len(qs) != 2 || qs[0].sql != "BEGIN" || qs[1].sql != "ROLLBACK" || qs[1].work != "w" {
		t.Fatalf("queries traced: %+v", qs)
	}
}

// TestTracerGivenToConnections: a pool tracer that is a root tracer becomes the connections'
// tracer unless they have their own; the caller's ConnConfig is left alone.
func TestTracerGivenToConnections(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	q := &queryRecorder{recorder: recorder{name: "q"}}
	p := newPool(t, cc, func(c *Config) { c.Tracer = q })
	if p.cfg.connConfig.Tracer != q || cc.Tracer != nil || p.Config().ConnConfig != cc {
		t.Fatalf("connections' tracer %T; caller's config changed: %v", p.cfg.connConfig.Tracer, cc.Tracer != nil)
	}
	own := &queryRecorder{}
	cc2 := testConnConfig(t)
	cc2.Tracer = own
	p2 := newPool(t, cc2, func(c *Config) { c.Tracer = q })
	if p2.cfg.connConfig.Tracer != own {
		t.Fatalf("the connections' own tracer was replaced by %T", p2.cfg.connConfig.Tracer)
	}
	// A pool tracer that is no root tracer leaves the connections untraced.
	p3 := newPool(t, nil, func(c *Config) { c.Tracer = &releaseOnly{} })
	if p3.cfg.connConfig.Tracer != nil || p3.cfg.tr.acquire != nil || p3.cfg.tr.retry != nil {
		t.Fatalf("release-only tracer: %+v", p3.cfg.tr)
	}
}

// TestTraceMultiTracerRoot: the members of a MultiTracer that are root tracers trace the
// statements of the pool's connections, all of them; a myx.MultiTracer is taken apart alike.
func TestTraceMultiTracerRoot(t *testing.T) {
	t.Parallel()
	for _, multi := range []func(...any) any{
		func(ts ...any) any { return MultiTracer(ts) },
		func(ts ...any) any { return myx.MultiTracer(ts) },
	} {
		q1, q2 := &queryRecorder{recorder: recorder{name: "q1"}}, &queryRecorder{recorder: recorder{name: "q2"}}
		onlyRelease := &releaseOnly{}
		mt := multi(q1, onlyRelease, q2)
		p := newPool(t, nil, func(c *Config) { c.MaxConns = 1; c.Tracer = mt })
		ctx := context.WithValue(ctxT(t, 10*time.Second), traceKey("work"), "w")
		if _, err := p.Exec(ctx, "DO 7"); err != nil {
			t.Fatal(err)
		}
		for _, q := range []*queryRecorder{q1, q2} {
			if qs := q.takeQueries(); len(qs) != 1 || qs[0].sql != "DO 7" || qs[0].work != "w" {
				t.Errorf("%T: %s traced %+v", mt, q.name, qs)
			}
			if _, end, rel := oneCycle(t, &q.recorder, q.name); !end.marked || rel.work != "w" {
				t.Errorf("%T: %s: acquire marked %v, release context %v", mt, q.name, end.marked, rel.work)
			}
		}
		if onlyRelease.n.Load() != 1 {
			t.Errorf("%T: the release-only member heard of %d releases", mt, onlyRelease.n.Load())
		}
	}
}

// TestConnTracerSeesReleaseUnderWorkContext: with a tracer on the connections only, the
// ROLLBACK a release runs is traced under the context of the work that held the connection;
// the pool's own interfaces are not looked for in ConnConfig.Tracer (except RetryTracer).
func TestConnTracerSeesReleaseUnderWorkContext(t *testing.T) {
	t.Parallel()
	q := &queryRecorder{recorder: recorder{name: "q"}}
	cc := testConnConfig(t)
	cc.Tracer = q
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 1 })
	ctx := context.WithValue(ctxT(t, 10*time.Second), traceKey("work"), "w")
	c, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Conn().Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	c.Release()
	qs := q.takeQueries()
	if len(qs) != 2 || qs[1].sql != "ROLLBACK" || qs[1].work != "w" {
		t.Fatalf("queries traced: %+v", qs)
	}
	if starts, ends, rels, _ := q.take(); len(starts)+len(ends)+len(rels) != 0 {
		t.Errorf("the pool used the connections' tracer for its own events: %d %d %d", len(starts), len(ends), len(rels))
	}
	if p.cfg.tr.retry != q {
		t.Errorf("retry tracer %T, want the connections' one", p.cfg.tr.retry)
	}
}

// TestTraceAcquireDialError: an acquire that fails because no connection can be opened ends
// with the dial's error, no connection, and Opened false.
func TestTraceAcquireDialError(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t).Copy()
	cc.Addr = "127.0.0.1:1" // nothing listens there
	rec := &recorder{name: "acq"}
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 1; c.Tracer = rec })
	err := p.Ping(ctxT(t, 10*time.Second))
	if !myx.IsConnLost(err) && !errors.As(err, new(*myx.ConnError)) {
		t.Fatalf("Ping with no server: %v", err)
	}
	_, ends, rels, _ := rec.take()
	if len(ends) != 1 || len(rels) != 0 {
		t.Fatalf("%d acquire ends, %d releases; want 1 and 0", len(ends), len(rels))
	}
	if d := ends[0]; d.Err != err || d.Conn != nil || d.Opened || d.CreateDuration != 0 {
		t.Errorf("failed acquire: %+v", d.TraceAcquireEndData)
	}
}
