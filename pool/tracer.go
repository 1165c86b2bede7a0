package pool

import (
	"context"
	"time"

	"github.com/myxdb/myx"
)

// The pool's tracers. Config.Tracer holds one value; the pool finds out, when it is created,
// which of AcquireTracer, ReleaseTracer and myx.RetryTracer it implements, so a pool with no
// tracer pays one nil check per acquire and per release, and allocates nothing for tracing.
// The same value may implement the root package's tracers (myx.QueryTracer and the others): see
// Config.Tracer for how the pool's connections then use it.

// AcquireTracer traces getting a connection from the pool: Acquire, AcquireFunc, and the
// acquires that Exec, Query, QueryRow, ExecMany, SendBatch, CopyFrom, BeginTx, BeginFunc,
// Idempotent, Ping and ServerInfo make. TraceAcquireEnd is called once per TraceAcquireStart,
// whether the acquire succeeded or not, with the context TraceAcquireStart returned; the
// acquire itself (its wait, a ping of a long-idle connection) runs under that context too.
type AcquireTracer interface {
	TraceAcquireStart(ctx context.Context, p *Pool, data TraceAcquireStartData) context.Context
	TraceAcquireEnd(ctx context.Context, p *Pool, data TraceAcquireEndData)
}

// TraceAcquireStartData describes an acquire about to start.
type TraceAcquireStartData struct {
	// Pending counts the acquires already waiting for a connection when this one started (not
	// counting this one): OpenTelemetry's db.client.connection.pending_requests as this
	// acquire saw it.
	Pending int
	// Idle counts the idle connections when this acquire started; zero means it will wait for
	// a release or for a new connection (unless a release comes first).
	Idle int
}

// TraceAcquireEndData describes how an acquire ended.
type TraceAcquireEndData struct {
	// Conn is the connection acquired; nil when Err is set. It belongs to the acquirer: the
	// tracer may read it (its server, its id) during the call, not use it.
	Conn *myx.Conn
	// Err is the acquire's error: ErrClosed, ErrAcquireRejected, a dial error, or a
	// *myx.InterruptedError when the acquire's context ended. An acquire that gave up because
	// its context's deadline passed satisfies errors.Is(Err, context.DeadlineExceeded): that is
	// a timeout in OpenTelemetry's sense (db.client.connection.timeouts); errors.Is(Err,
	// context.Canceled) is a cancellation.
	Err error
	// Wait is how long the acquire waited for a connection to be released or opened: zero
	// when an idle connection was there (db.client.connection.wait_time counts it as 0).
	// It does not include the vetting of the connection (see Duration).
	Wait time.Duration
	// Opened reports that the connection was opened while this acquire waited, and handed to
	// it straight from the dial (it may have been dialled for another waiter that gave up).
	Opened bool
	// CreateDuration is, when Opened, how long opening that connection took: the dial, the
	// handshake, the session settings and Config.AfterConnect (OpenTelemetry's
	// db.client.connection.create_time). Zero otherwise. Connections the pool opens in the
	// background (MinConns, MinIdleConns) are not reported here; a myx.ConnectTracer given to
	// the pool's connections sees every dial.
	CreateDuration time.Duration
	// Replaced counts the connections this acquire found unfit and closed before it got one
	// (closed by the server, past their lifetime, failing a ping, rejected by BeforeAcquire).
	Replaced int
	// Duration is the whole acquire, from TraceAcquireStart: the wait plus the vetting.
	Duration time.Duration
}

// ReleaseTracer traces the return of a connection to the pool, whether it goes back to the
// idle set (or to a waiting acquire) or is closed instead, and its removal by Conn.Hijack.
// TraceRelease is called once per successful acquire, after the rollback and session reset a
// release may need and before the connection is handed on, from the goroutine releasing it.
//
// TraceRelease receives, as ctx, the context of the work that used the connection: the one
// given to Exec, Query, QueryRow, ExecMany, SendBatch, CopyFrom, BeginTx, BeginFunc,
// Idempotent, AcquireFunc, Ping, or to Acquire for a Conn released with Conn.Release. That
// context may have ended by the time of the release; it is passed for its values (a span, a
// request id), and the tracer must not rely on it being live. (The ROLLBACK and session reset
// of a release run under a context with the same values, bounded by Config.ReleaseTimeout
// only, so the connections' tracer sees them as part of that work.)
type ReleaseTracer interface {
	TraceRelease(ctx context.Context, p *Pool, data TraceReleaseData)
}

// TraceReleaseData describes one release.
type TraceReleaseData struct {
	// Conn is the connection released. The tracer may read it (its id, its server) during the
	// call, not use it: it is handed on, or closed, right after.
	Conn *myx.Conn
	// Use is how long the connection was held, from the end of its acquire to its release
	// (OpenTelemetry's db.client.connection.use_time).
	Use time.Duration
	// RolledBack reports that a transaction left open was rolled back.
	RolledBack bool
	// Reset reports that the session was reset (COM_RESET_CONNECTION and the configured
	// session settings again), because the session had changed or Config.AlwaysReset is set.
	Reset bool
	// Destroyed reports that the connection was closed instead of being returned; Reason says
	// why and Err carries the failure when there was one.
	Destroyed bool
	// Reason is why a destroyed connection was closed: "closed" (it was already closed: lost,
	// killed, or failed), "busy" (still busy with an unread result, or closed by the server,
	// found by the check without a round trip), "lifetime" (past MaxConnLifetime),
	// "rollback_failed", "after_release" (Config.AfterRelease returned false), "reset_failed",
	// or "pool_closed" (the pool was closed while the connection was in use). Empty when the
	// connection went back to the pool.
	Reason string
	// Err is the error that made the release close the connection (the ROLLBACK's or the
	// reset's, or what the check found), if any.
	Err error
	// Hijacked reports that the connection left the pool through Conn.Hijack: the caller owns
	// it now; it was neither cleaned up nor closed.
	Hijacked bool
}

// Reasons for TraceReleaseData.Reason.
const (
	releaseClosed       = "closed"
	releaseBusy         = "busy"
	releaseLifetime     = "lifetime"
	releaseRollback     = "rollback_failed"
	releaseAfterRelease = "after_release"
	releaseReset        = "reset_failed"
	releasePoolClosed   = "pool_closed"
)

// tracers are the interfaces Config.Tracer implements, found once by type assertion.
type tracers struct {
	acquire AcquireTracer
	release ReleaseTracer
	retry   myx.RetryTracer
}

// isRootTracer reports whether t implements any of the root package's tracer interfaces.
func isRootTracer(t any) bool {
	switch t.(type) {
	case myx.QueryTracer, myx.BatchTracer, myx.CopyFromTracer, myx.ExecManyTracer,
		myx.PrepareTracer, myx.ConnectTracer, myx.CancelTracer, myx.ResetTracer, myx.RetryTracer:
		return true
	}
	return false
}

// traceRetry tells the retry tracer, if any, that op runs again; attempt is the attempt about
// to start, from 2.
func (p *Pool) traceRetry(ctx context.Context, op string, attempt int, err error) {
	if t := p.cfg.tr.retry; t != nil {
		t.TraceRetry(ctx, myx.TraceRetryData{Op: op, Attempt: attempt, Err: err})
	}
}

// MultiTracer is several tracers used as one Config.Tracer: a myx.MultiTracer (whose methods
// it has, calling them) that also dispatches the pool's AcquireTracer and ReleaseTracer. Each
// call goes to every member that implements the interface, in order. A Start's context goes
// through the members in turn (each receives the context the previous one returned; a nil
// return keeps the context it was given) and the matching End calls every member with the
// last context, so each member finds what it put there. Nil members are skipped.
//
// As a Config.Tracer it is taken apart when the pool is created: each of the pool's interfaces
// goes to the members that implement it (to the member itself when only one does, nowhere when
// none does, so a member that traces only releases costs nothing on acquires), and the members
// that implement root tracers go to the pool's connections, as a myx.MultiTracer or the one
// member, under the rule of Config.Tracer. A myx.MultiTracer given as Config.Tracer is taken
// apart in the same way. It must not be modified while the pool uses it.
type MultiTracer []any

// TraceAcquireStart calls every member that is an AcquireTracer.
func (m MultiTracer) TraceAcquireStart(ctx context.Context, p *Pool, data TraceAcquireStartData) context.Context {
	for _, t := range m {
		if t, ok := t.(AcquireTracer); ok {
			if got := t.TraceAcquireStart(ctx, p, data); got != nil {
				ctx = got
			}
		}
	}
	return ctx
}

// TraceAcquireEnd calls every member that is an AcquireTracer.
func (m MultiTracer) TraceAcquireEnd(ctx context.Context, p *Pool, data TraceAcquireEndData) {
	for _, t := range m {
		if t, ok := t.(AcquireTracer); ok {
			t.TraceAcquireEnd(ctx, p, data)
		}
	}
}

// TraceRelease calls every member that is a ReleaseTracer.
func (m MultiTracer) TraceRelease(ctx context.Context, p *Pool, data TraceReleaseData) {
	for _, t := range m {
		if t, ok := t.(ReleaseTracer); ok {
			t.TraceRelease(ctx, p, data)
		}
	}
}

// TraceRetry calls every member that is a myx.RetryTracer (see myx.MultiTracer).
func (m MultiTracer) TraceRetry(ctx context.Context, data myx.TraceRetryData) {
	myx.MultiTracer(m).TraceRetry(ctx, data)
}

// findTracers finds the pool's tracers in t, and the tracer t holds for the connections (nil
// if none). A MultiTracer (or a myx.MultiTracer) is taken apart: each interface goes to the members that implement
// it (directly to the member when there is one), and the members that are root tracers go to
// the connections together.
func findTracers(t any) (tr tracers, forConns any) {
	m, ok := t.(MultiTracer)
	if mm, isRoot := t.(myx.MultiTracer); isRoot {
		m, ok = MultiTracer(mm), true
	}
	if !ok {
		tr.acquire, _ = t.(AcquireTracer)
		tr.release, _ = t.(ReleaseTracer)
		tr.retry, _ = t.(myx.RetryTracer)
		if isRootTracer(t) {
			forConns = t
		}
		return tr, forConns
	}
	var acq, rel, ret, root MultiTracer
	for _, t := range m {
		if _, ok := t.(AcquireTracer); ok {
			acq = append(acq, t)
		}
		if _, ok := t.(ReleaseTracer); ok {
			rel = append(rel, t)
		}
		if _, ok := t.(myx.RetryTracer); ok {
			ret = append(ret, t)
		}
		if isRootTracer(t) {
			root = append(root, t)
		}
	}
	switch len(acq) {
	case 0:
	case 1:
		tr.acquire = acq[0].(AcquireTracer)
	default:
		tr.acquire = acq
	}
	switch len(rel) {
	case 0:
	case 1:
		tr.release = rel[0].(ReleaseTracer)
	default:
		tr.release = rel
	}
	switch len(ret) {
	case 0:
	case 1:
		tr.retry = ret[0].(myx.RetryTracer)
	default:
		tr.retry = ret
	}
	switch len(root) {
	case 0:
	case 1:
		forConns = root[0]
	default:
		forConns = myx.MultiTracer(root)
	}
	return tr, forConns
}
