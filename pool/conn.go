package pool

import (
	"context"
	"time"

	"github.com/myxdb/myx"
)

// Conn is a connection acquired from a Pool. It belongs to the goroutine that acquired it
// until Release (or Hijack); like a *myx.Conn it is not safe for concurrent use.
type Conn struct {
	e *entry
}

// Acquire returns a connection for the caller's exclusive use, which must be given back with
// Release. When every connection is in use and the pool is at MaxConns, Acquire waits, first
// come first served, until one is released, the pool closes (ErrClosed) or ctx ends (a
// *myx.InterruptedError, errors.Is(err, ctx.Err())). A connection the pool opened for an
// acquire that gave up is kept for the next one, never leaked. A connection is vetted before it
// is handed out (see Config.PingAfterIdle); an error opening a new one is returned as is
// (typically a *myx.ConnError or *myx.MySQLError).
func (p *Pool) Acquire(ctx context.Context) (*Conn, error) {
	e, err := p.acquire(ctx)
	if err != nil {
		return nil, err
	}
	return &Conn{e: e}, nil
}

// AcquireFunc acquires a connection, calls fn with it and releases it, whatever fn returns.
// It returns fn's error, or the acquire's.
func (p *Pool) AcquireFunc(ctx context.Context, fn func(c *myx.Conn) error) error {
	e, err := p.acquire(ctx)
	if err != nil {
		return err
	}
	defer p.put(e, true)
	return fn(e.c)
}

// Conn returns the underlying connection, or nil after Release or Hijack. It must not be used
// after Release.
func (c *Conn) Conn() *myx.Conn {
	if c.e == nil {
		return nil
	}
	return c.e.c
}

// Release gives the connection back to the pool. An open transaction is rolled back and a
// changed session is reset (see Config.AlwaysReset); a connection that is closed, still busy
// with an unread result, or cannot be cleaned up is closed instead of being reused. Releasing
// twice is harmless.
func (c *Conn) Release() {
	e := c.e
	if e == nil {
		return
	}
	c.e = nil
	e.p.put(e, true)
}

// Hijack takes the connection out of the pool: the caller owns it and must close it, and the
// pool opens another in its place when needed. A ReleaseTracer hears of it as a release with
// Hijacked set. It returns nil after Release or Hijack.
func (c *Conn) Hijack() *myx.Conn {
	e := c.e
	if e == nil {
		return nil
	}
	c.e = nil
	p := e.p
	if !e.acquired.IsZero() {
		if t := p.cfg.tr.release; t != nil {
			t.TraceRelease(e.ctx, p, TraceReleaseData{Conn: e.c, Use: time.Since(e.acquired), Hijacked: true})
		}
		e.ctx, e.acquired = nil, time.Time{}
	}
	p.mu.Lock()
	p.total--
	p.inUse--
	p.dialLocked()
	p.checkDrainedLocked()
	p.mu.Unlock()
	p.nudge()
	return e.c
}
