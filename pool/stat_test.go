package pool

import (
	"testing"
	"time"
)

// TestStatSeparatesOpensFromWaits: an acquire that waits while the pool opens a connection is
// an open wait; only an acquire that waits for a busy connection to come back is a wait.
func TestStatSeparatesOpensFromWaits(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 2 })
	ctx := ctxT(t, 20*time.Second)

	// The pool starts empty: the first acquire waits for a connection to open.
	c1, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Stat(); s.OpenWaitCount != 1 || s.OpenWaitDuration <= 0 || s.WaitCount != 0 ||
		s.WaitDuration != 0 || s.CreatedConns != 1 {
		t.Fatalf("after the first acquire: %+v", s)
	}
	// Released and acquired again: taken from the idle set, no wait of either kind.
	c1.Release()
	if c1, err = p.Acquire(ctx); err != nil {
		t.Fatal(err)
	}
	if s := p.Stat(); s.OpenWaitCount != 1 || s.WaitCount != 0 || s.AcquireCount != 2 {
		t.Fatalf("after an idle acquire: %+v", s)
	}
	// Room for one more: the second concurrent acquire waits for a new connection.
	c2, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Stat(); s.OpenWaitCount != 2 || s.WaitCount != 0 || s.CreatedConns != 2 {
		t.Fatalf("after the pool grew: %+v", s)
	}
	// Full: the third waits until a connection is released.
	got := make(chan error, 1)
	go func() {
		c3, err := p.Acquire(ctx)
		if err == nil {
			c3.Release()
		}
		got <- err
	}()
	if !eventually(5*time.Second, func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.waiters.n == 1
	}) {
		t.Fatal("the third acquire did not queue")
	}
	c1.Release()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	c2.Release()
	s := settled(t, p)
	if s.WaitCount != 1 || s.WaitDuration <= 0 || s.OpenWaitCount != 2 || s.CreatedConns != 2 ||
		s.AcquireCount != 4 {
		t.Fatalf("after waiting for a release: %+v", s)
	}
}

// TestStatCountsFailedOpenAsOpenWait: an acquire that waited for a dial that failed is an open
// wait too, not a wait for a release.
func TestStatCountsFailedOpenAsOpenWait(t *testing.T) {
	t.Parallel()
	cc := connConfigFor(t, "mysql://root@127.0.0.1:1/test") // nothing listens on port 1
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 1 })
	if _, err := p.Acquire(ctxT(t, 20*time.Second)); err == nil {
		t.Fatal("acquired a connection to port 1")
	}
	if s := p.Stat(); s.OpenWaitCount != 1 || s.WaitCount != 0 || s.DialErrors < 1 {
		t.Fatalf("stat: %+v", s)
	}
}
