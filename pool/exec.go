package pool

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/myxdb/myx"
)

// safeRetries bounds the transparent retries of a statement that failed before anything was
// sent: each such failure closes a connection, so one more than the pool can hold is enough to
// get past every stale connection to a fresh one.
func (p *Pool) safeRetries() int { return p.cfg.maxConns + 1 }

// Exec acquires a connection, runs the statement (see myx.Conn.Exec) and releases the
// connection. When the statement fails before any byte of it was sent (a connection the server
// had closed, found on write: myx.SafeToRetry), it runs on another connection, transparently;
// any other failure is returned, and the statement is never run twice.
func (p *Pool) Exec(ctx context.Context, query string, args ...any) (myx.Result, error) {
	for attempt := 0; ; attempt++ {
		e, err := p.acquire(ctx)
		if err != nil {
			return myx.Result{}, err
		}
		res, err := e.c.Exec(ctx, query, args...)
		p.put(e, false)
		if err == nil || !myx.SafeToRetry(err) || attempt >= p.safeRetries() {
			return res, err
		}
		p.traceRetry(ctx, "exec", attempt+2, err)
	}
}

// Query acquires a connection and runs the query (see myx.Conn.Query); the connection goes
// back to the pool when the Rows is closed or read to the end, so the Rows must be closed. It
// retries like Exec: only failures before anything was sent. A failure after the Rows is
// returned is reported by Rows.Err and not retried (use Idempotent for reads to be repeated).
// Rows.Conn must not be used once the Rows is closed.
func (p *Pool) Query(ctx context.Context, query string, args ...any) (*myx.Rows, error) {
	for attempt := 0; ; attempt++ {
		e, err := p.acquire(ctx)
		if err != nil {
			return nil, err
		}
		rows, err := e.c.Query(ctx, query, args...)
		if err != nil {
			p.put(e, false)
			if myx.SafeToRetry(err) && attempt < p.safeRetries() {
				p.traceRetry(ctx, "query", attempt+2, err)
				continue
			}
			return nil, err
		}
		rows.OnClose(e.release)
		return rows, nil
	}
}

// QueryRow acquires a connection and runs a query expected to return at most one row (see
// myx.Conn.QueryRow); Scan releases the connection, so Scan must be called. Errors, including
// the acquire's, are reported by Scan. It retries like Exec.
func (p *Pool) QueryRow(ctx context.Context, query string, args ...any) *myx.Row {
	for attempt := 0; ; attempt++ {
		e, err := p.acquire(ctx)
		if err != nil {
			return myx.ErrRow(err)
		}
		row := e.c.QueryRow(ctx, query, args...)
		if err := row.Err(); err != nil {
			p.put(e, false)
			if myx.SafeToRetry(err) && attempt < p.safeRetries() {
				p.traceRetry(ctx, "query", attempt+2, err)
				continue
			}
			return row
		}
		row.OnClose(e.release)
		return row
	}
}

// ExecMany acquires a connection, runs myx.Conn.ExecMany and releases the connection. It
// retries like Exec.
func (p *Pool) ExecMany(ctx context.Context, query string, argRows [][]any) (myx.Result, error) {
	for attempt := 0; ; attempt++ {
		e, err := p.acquire(ctx)
		if err != nil {
			return myx.Result{}, err
		}
		res, err := e.c.ExecMany(ctx, query, argRows)
		p.put(e, false)
		if err == nil || !myx.SafeToRetry(err) || attempt >= p.safeRetries() {
			return res, err
		}
		p.traceRetry(ctx, "execmany", attempt+2, err)
	}
}

// Ping acquires a connection, checks that the server answers (COM_PING) and releases it.
func (p *Pool) Ping(ctx context.Context) error {
	return p.AcquireFunc(ctx, func(c *myx.Conn) error { return c.Ping(ctx) })
}

// Idempotent runs fn on a pooled connection and releases it afterwards. Calling Idempotent is
// the caller's promise that fn may safely run more than once (typically it only reads, and
// collects its results afresh on each run): when the connection is lost during fn
// (myx.IsConnLost, or the server reporting that it killed the connection or is shutting
// down), fn runs again on a fresh connection after a short jittered backoff, up to
// Config.IdempotentAttempts times in all. Nothing is retried once ctx has ended. fn must close
// every Rows it opens. The result is fn's last error, or the acquire's.
//
// Exec, Query and QueryRow never retry a statement that may have reached the server; use
// Idempotent for reads that should survive a dropped connection.
func (p *Pool) Idempotent(ctx context.Context, fn func(c *myx.Conn) error) error {
	delay := 10 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := p.AcquireFunc(ctx, fn)
		if err == nil || attempt >= p.cfg.IdempotentAttempts || ctx.Err() != nil || !connGone(err) {
			return err
		}
		if !sleep(ctx, jitter(delay)) {
			return err
		}
		p.traceRetry(ctx, "idempotent", attempt+1, err)
		delay = min(2*delay, time.Second)
	}
}

// connGone reports whether err means the connection (not the statement) failed.
func connGone(err error) bool {
	var ie *myx.InterruptedError
	if errors.As(err, &ie) {
		return false
	}
	if myx.IsConnLost(err) {
		return true
	}
	var me *myx.MySQLError
	if errors.As(err, &me) {
		switch me.EffectiveNumber() {
		case myx.ErConnectionKilled, myx.ErServerShutdown, myx.ErClientInteractionTO:
			return true
		}
	}
	return false
}

// jitter returns a duration in [d/2, d].
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits for d or until ctx ends, reporting whether the full time passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
