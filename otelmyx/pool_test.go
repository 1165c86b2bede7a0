package otelmyx_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/otelmyx"
	"github.com/myxdb/myx/pool"
)

// newPool opens a pool on the test server with tracer as its tracer (and so its connections').
func newPool(t testing.TB, tracer any, maxConns int) *pool.Pool {
	t.Helper()
	cfg, err := pool.ParseConfig(mysqltest.Require(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = maxConns
	cfg.Tracer = tracer
	p, err := pool.NewWithConfig(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func TestPoolMetrics(t *testing.T) {
	e := newEnv(t, otelmyx.WithPoolName("test-pool"))
	p := newPool(t, e.tr, 1)
	unregister, err := e.tr.RegisterPoolMetrics(p)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := unregister(); err != nil {
			t.Error(err)
		}
	}()
	ctx := testCtx(t)
	if err := p.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	held, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The only connection is held: an acquire with a deadline times out, whatever the speed.
	tctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	_, err = p.Acquire(tctx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("acquire on a full pool: %v, want a deadline error", err)
	}

	rm := e.collect(t)
	pn := map[string]string{"db.client.connection.pool.name": "test-pool"}
	count := sumPoints(t, rm, "db.client.connection.count")
	if pt, ok := pointWith(count, sumAttrs, map[string]string{"db.client.connection.pool.name": "test-pool", "db.client.connection.state": "used"}); !ok || pt.Value != 1 {
		t.Errorf("used connections %v (found %v), want 1", pt.Value, ok)
	}
	if pt, ok := pointWith(count, sumAttrs, map[string]string{"db.client.connection.state": "idle"}); !ok || pt.Value != 0 {
		t.Errorf("idle connections %v (found %v), want 0", pt.Value, ok)
	}
	if pt, ok := pointWith(sumPoints(t, rm, "db.client.connection.max"), sumAttrs, pn); !ok || pt.Value != 1 {
		t.Errorf("max connections %v (found %v), want 1", pt.Value, ok)
	}
	if pt, ok := pointWith(sumPoints(t, rm, "db.client.connection.pending_requests"), sumAttrs, pn); !ok || pt.Value != 0 {
		t.Errorf("pending requests %v (found %v), want 0", pt.Value, ok)
	}
	if pt, ok := pointWith(sumPoints(t, rm, "db.client.connection.timeouts"), sumAttrs, pn); !ok || pt.Value != 1 {
		t.Errorf("timeouts %v (found %v), want 1", pt.Value, ok)
	}
	// Two acquires succeeded (Ping's and Acquire's); one released so far.
	if pt, ok := pointWith(histogramPoints(t, rm, "db.client.connection.wait_time"), histAttrs, pn); !ok || pt.Count != 2 {
		t.Errorf("wait_time count %v (found %v), want 2", pt.Count, ok)
	}
	if pt, ok := pointWith(histogramPoints(t, rm, "db.client.connection.use_time"), histAttrs, pn); !ok || pt.Count != 1 {
		t.Errorf("use_time count %v (found %v), want 1", pt.Count, ok)
	}
	// The first Ping's acquire opened the connection.
	if pt, ok := pointWith(histogramPoints(t, rm, "db.client.connection.create_time"), histAttrs, pn); !ok || pt.Count != 1 || pt.Sum <= 0 {
		t.Errorf("create_time count %v sum %v (found %v), want 1 and > 0", pt.Count, pt.Sum, ok)
	}
	// An acquire waiting for the held connection is a pending request.
	wctx, stopWaiting := context.WithCancel(ctx)
	waited := make(chan error, 1)
	go func() {
		c, err := p.Acquire(wctx)
		if err == nil {
			c.Release()
		}
		waited <- err
	}()
	for p.Stat().PendingAcquires == 0 {
		time.Sleep(time.Millisecond)
	}
	if pt, ok := pointWith(sumPoints(t, e.collect(t), "db.client.connection.pending_requests"), sumAttrs, pn); !ok || pt.Value != 1 {
		t.Errorf("pending requests with one acquire waiting %v (found %v), want 1", pt.Value, ok)
	}
	stopWaiting()
	if err := <-waited; !errors.Is(err, context.Canceled) {
		t.Errorf("the waiting acquire ended with %v, want its cancellation", err)
	}
	held.Release()
	rm = e.collect(t)
	if pt, ok := pointWith(sumPoints(t, rm, "db.client.connection.count"), sumAttrs, map[string]string{"db.client.connection.state": "idle"}); !ok || pt.Value != 1 {
		t.Errorf("idle connections after the release %v (found %v), want 1", pt.Value, ok)
	}
}

func TestAcquireSpans(t *testing.T) {
	for _, on := range []bool{false, true} {
		e := newEnv(t, otelmyx.WithAcquireSpans(on))
		p := newPool(t, e.tr, 2)
		ctx, parent := e.parent(testCtx(t))
		c, err := p.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c.Release()
		parent.End()
		n := 0
		for _, s := range e.ended() {
			if s.Name() == "acquire" {
				n++
				if s.Parent().SpanID() != parent.SpanContext().SpanID() {
					t.Error("the acquire span is not a child of the caller's span")
				}
				wantAttrs(t, "acquire span", s.Attributes(), map[string]string{"myx.acquire.new_conn": "true", "server.port": portAttr(t, p.Config().ConnConfig.Addr)})
			}
		}
		want := 0
		if on {
			want = 1
		}
		if n != want {
			t.Errorf("WithAcquireSpans(%v): %d acquire spans, want %d", on, n, want)
		}
	}
}
