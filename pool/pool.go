// Package pool shares MySQL and MariaDB connections between goroutines, and builds in the
// reconnect-and-retry logic that users of other drivers write by hand, without ever running a
// statement twice.
//
//	p, err := pool.New(ctx, "mysql://app@db:3306/shop?pool_max_conns=8")
//	defer p.Close()
//	err = p.QueryRow(ctx, "SELECT name FROM users WHERE id = ?", id).Scan(&name)
//	err = p.BeginFunc(ctx, func(tx myx.Tx) error { ... })
//
// # Acquiring
//
// The pool opens connections on demand, up to MaxConns, and keeps MinConns open and
// MinIdleConns ready. Acquire takes the most recently used idle connection or waits, first come
// first served, until one is released, the pool closes or its context ends. An acquire that
// gives up leaks nothing: a connection being opened for it goes to the next waiter or to the
// idle set. Before a connection is handed out it is checked, without a round trip, for a close
// by the server (a restart, KILL CONNECTION, wait_timeout), pinged if it sat idle longer than
// PingAfterIdle, and closed if it outlived MaxConnLifetime; one that fails is replaced, never
// handed out. (A connection whose last statement ended less than 10 milliseconds ago, as in a
// busy pool, skips the check for a close: it counts as still in use, and a close by the server
// in that window, a KILL just after a statement, reaches the next statement as a lost
// connection, as a close during a statement does.) A background goroutine closes connections
// idle longer than MaxConnIdleTime or closed by the server, and reopens MinConns.
//
// # Releasing
//
// A released connection goes back clean. An open transaction is rolled back. The session is
// reset (COM_RESET_CONNECTION, then the configured session variables and init commands again)
// when the server flagged a change to it: user variables, session variables, temporary tables,
// the current database, SQL prepared statements. A session the server reports unchanged is
// handed on as is, because a reset costs a round trip and drops the connection's cached
// prepared statements. On servers that cannot flag changes (TiDB, proxies), the connection's
// own classification of the statements it sent decides instead (see myx.Conn.SessionChanged).
// State the server does not flag (named locks from GET_LOCK, LOCK
// TABLES, SET TRANSACTION for the next transaction) survives a release; set
// Config.AlwaysReset if code takes such state, or release it before releasing the connection.
// A connection that is closed, still busy with an unread result, past its lifetime, or that
// cannot be rolled back or reset in ReleaseTimeout, is closed instead of being reused.
//
// # Retries
//
// Exec, Query, QueryRow, ExecMany, CopyFrom and SendBatch acquire a connection, run the
// statement (or the batch) and release it (a Rows releases its connection when it is closed or
// read to the end, a BatchResults when it is closed). They retry on another connection only
// when the failure happened before any byte of the statement was sent (myx.SafeToRetry reports
// it): a statement that may have reached the server is never run twice by the pool, nor is a
// batch of which any statement may have; the caller gets the error, a *myx.ConnError for a lost
// connection.
// Idempotent runs a function the caller declares safe to repeat (typically a read) and repeats
// it on a fresh connection when the connection is lost. BeginFunc runs a transaction and runs
// it again on deadlock, lock wait timeout, or loss of the connection before COMMIT was sent;
// a lost answer to COMMIT is reported (myx.ErrCommitUnknown), never retried.
//
// A query cancelled through its context is stopped on the server (KILL QUERY) and its
// connection goes back to the pool in a known state, or is closed: the next user never sees
// results meant for another.
//
// # Tracing
//
// Config.Tracer takes a value implementing AcquireTracer (each acquire: its wait, whether a
// connection was opened for it, its error, a timeout being errors.Is(err,
// context.DeadlineExceeded)), ReleaseTracer (each release, with the context of the work that
// held the connection, how long it was held, and whether it was rolled back, reset or closed)
// and myx.RetryTracer (the pool's retries), in any combination; MultiTracer combines several.
// The same value may be one of the root package's tracers: the pool's connections then use
// it, unless their ConnConfig has a tracer of its own. Stat's gauges (IdleConns, InUseConns,
// PendingAcquires, MaxConns) and counters (TimeoutAcquireCount and the others) complete what
// OpenTelemetry's db.client.connection metrics need. With no tracer, acquiring and releasing
// cost nothing more.
//
// # Errors
//
// Every failure is a value: *myx.MySQLError for the server's errors, *myx.ConnError for lost
// connections and failed dials, *myx.InterruptedError when a context ends, ErrClosed after
// Close, ErrAcquireRejected when BeforeAcquire refuses every connection, *myx.TxError from
// BeginFunc, *myx.ConfigError for a bad DSN.
package pool

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/myxdb/myx"
)

// ErrClosed is returned by every method that needs a connection once Close has been called.
var ErrClosed = errors.New("pool: closed")

// ErrAcquireRejected is returned by an acquire when Config.BeforeAcquire rejected MaxConns+1
// connections in a row.
var ErrAcquireRejected = errors.New("pool: BeforeAcquire rejected every connection tried")

// Pool is a pool of connections. It is safe for concurrent use by any number of goroutines.
// Create one with New or NewWithConfig and Close it when done.
type Pool struct {
	cfg    *settings
	ctx    context.Context // cancelled by Close: bounds dials
	cancel context.CancelFunc
	wake   chan struct{} // nudges the background goroutine
	bgDone chan struct{} // closed when the background goroutine exits

	mu       sync.Mutex
	idle     []*entry // a stack: the most recently used connection on top
	waiters  waitQueue
	total    int // open connections plus those being opened
	inUse    int
	dialing  int
	closed   bool
	drained  chan struct{} // closed once closed and total == 0
	stat     counters
	acquires atomic.Int64                   // successful acquires (outside mu: counted after the checks)
	server   atomic.Pointer[myx.ServerInfo] // learned from the first connection (see ServerInfo)
	waitPool sync.Pool
	// checkAfter is how long a connection must have been idle for acquire to check it for a
	// close by the server (checkAfterIdle; tests change it before using the pool).
	checkAfter time.Duration
}

// checkAfterIdle is how long a connection must have sat idle since its last command before an
// acquire checks it for a close by the server (myx.Conn.CheckConn, one system call). A
// connection used less than this long ago is handed out unchecked: it is treated as though it
// were still in use for that long, so a close by the server in that window (a KILL landing just
// after a statement ended) surfaces the way a close during a statement does, as an error of
// the next statement (not retried by Exec and the like, retried by Idempotent), instead of
// being replaced before use. The usual closes of idle connections are still found before use:
// wait_timeout and proxies' idle limits take a second or more of idleness, and a connection
// from before a restart or a failover has been idle for longer than the server took to come
// back (while the server goes down, a replacement could not connect either). A busy pool hands
// connections on within microseconds, so this saves a system call per statement where it
// counts. (pgxpool skips its liveness ping under one second of idleness; go-sql-driver checks
// on every reuse.)
const checkAfterIdle = 10 * time.Millisecond

// counters are Stat's cumulative figures.
type counters struct {
	canceled, waits    int64
	timeouts           int64 // of canceled: the context's deadline passed
	waitTime           time.Duration
	openWaits          int64 // waits ended by a connection just opened (or its dial error)
	openWaitTime       time.Duration
	created, destroyed int64
	dialErrors         int64
	lifetimeDestroyed  int64
	idleDestroyed      int64
}

// entry is one pooled connection.
type entry struct {
	p       *Pool
	c       *myx.Conn
	expires time.Time // end of life; zero for none
	release func()    // p.put(e, false), bound once for Rows.OnClose
	// needReset forces a session reset at the next release (state the server does not flag).
	needReset bool
	// created is how long opening the connection took (dial, session setup, AfterConnect).
	created time.Duration
	// With a tracer only (settings.keepCtx): the context of the work holding the connection
	// and when it was acquired (cleared on release).
	ctx      context.Context
	acquired time.Time
}

// New creates a pool from a DSN (see ParseConfig for the pool_* parameters). It opens the
// Config.MinConns connections before returning, bounded by ctx, and fails (closing those it
// opened) if one cannot be opened; with MinConns 0 (the default) it does no I/O, and the first use
// connects. Call Ping to check that the server answers.
func New(ctx context.Context, dsn string) (*Pool, error) {
	cfg, err := ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return NewWithConfig(ctx, cfg)
}

// NewWithConfig is New with a Config, which must not be modified afterwards.
func NewWithConfig(ctx context.Context, cfg *Config) (*Pool, error) {
	s, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, &myx.InterruptedError{Cause: err}
	}
	p := &Pool{
		cfg:     s,
		wake:    make(chan struct{}, 1),
		bgDone:  make(chan struct{}),
		drained: make(chan struct{}),

		checkAfter: checkAfterIdle,
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.waitPool.New = func() any { return &waiter{ch: make(chan handoff, 1)} }
	go p.background()
	if s.MinConns > 0 {
		if err := p.openInitial(ctx, s.MinConns); err != nil {
			p.Close()
			return nil, err
		}
	}
	return p, nil
}

// openInitial opens n connections concurrently and puts them in the idle set.
func (p *Pool) openInitial(ctx context.Context, n int) error {
	p.mu.Lock()
	p.total += n
	p.dialing += n
	p.mu.Unlock()
	errs := make(chan error, n)
	for range n {
		go func() {
			e, err := p.connect(ctx)
			p.mu.Lock()
			p.dialing--
			if err != nil {
				p.total--
				p.stat.dialErrors++
			} else {
				p.stat.created++
				p.putLocked(e)
			}
			p.mu.Unlock()
			errs <- err
		}()
	}
	var first error
	for range n {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// connect opens one connection and runs AfterConnect.
func (p *Pool) connect(ctx context.Context) (*entry, error) {
	start := time.Now()
	c, err := myx.ConnectConfig(ctx, p.cfg.connConfig)
	if err != nil {
		return nil, err
	}
	p.noteServer(c)
	if hook := p.cfg.AfterConnect; hook != nil {
		if err := hook(ctx, c); err != nil {
			c.Close(context.Background())
			return nil, fmt.Errorf("pool: AfterConnect: %w", err)
		}
	}
	e := &entry{p: p, c: c, created: time.Since(start)}
	e.release = func() { p.put(e, false) }
	if lt := p.cfg.MaxConnLifetime; lt > 0 {
		if j := p.cfg.MaxConnLifetimeJitter; j > 0 {
			lt += rand.N(j)
		}
		e.expires = time.Now().Add(lt)
	}
	return e, nil
}

// handoff is what a waiter receives: a connection, or the error of the dial meant for it.
type handoff struct {
	e      *entry
	err    error
	opened bool          // from a dial that just finished, not from a release
	wait   time.Duration // how long the waiter waited
}

// waiter is an acquire waiting for a connection, in a FIFO queue.
type waiter struct {
	ch         chan handoff // buffered: a handoff never blocks
	prev, next *waiter
	queued     bool
	start      time.Time // when the wait began
}

type waitQueue struct {
	head, tail *waiter
	n          int
}

func (q *waitQueue) push(w *waiter) {
	w.prev, w.next, w.queued = q.tail, nil, true
	if q.tail != nil {
		q.tail.next = w
	} else {
		q.head = w
	}
	q.tail = w
	q.n++
}

func (q *waitQueue) remove(w *waiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		q.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		q.tail = w.prev
	}
	w.prev, w.next, w.queued = nil, nil, false
	q.n--
}

func (q *waitQueue) pop() *waiter {
	w := q.head
	if w != nil {
		q.remove(w)
	}
	return w
}

// get takes an idle connection or waits for one, first come, first served. The connection is
// counted in use. h tells how long the acquire waited and whether the connection was just
// opened; h.e and h.err are not set.
func (p *Pool) get(ctx context.Context) (e *entry, h handoff, err error) {
	if err := ctx.Err(); err != nil {
		return nil, h, &myx.InterruptedError{Cause: err}
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, h, ErrClosed
	}
	if p.waiters.n == 0 {
		if n := len(p.idle); n > 0 {
			e := p.idle[n-1]
			p.idle[n-1] = nil
			p.idle = p.idle[:n-1]
			p.inUse++
			p.mu.Unlock()
			return e, h, nil
		}
	}
	w := p.waitPool.Get().(*waiter)
	w.start = time.Now()
	p.waiters.push(w)
	p.dialLocked()
	p.mu.Unlock()

	if done := ctx.Done(); done == nil {
		h = <-w.ch // a context that never ends: a plain receive costs less than a select
	} else {
		select {
		case h = <-w.ch:
		case <-done:
			cause := ctx.Err()
			timeout := errors.Is(cause, context.DeadlineExceeded)
			p.mu.Lock()
			if w.queued {
				p.waiters.remove(w)
				h.wait = time.Since(w.start)
				p.stat.canceled++
				if timeout {
					p.stat.timeouts++
				}
				p.stat.waits++
				p.stat.waitTime += h.wait
				p.mu.Unlock()
				p.waitPool.Put(w)
				return nil, h, &myx.InterruptedError{Cause: cause}
			}
			p.mu.Unlock()
			// A connection (or a dial error) was handed over as the context ended: take it and
			// pass the connection on, so nothing leaks.
			h = <-w.ch
			p.waitPool.Put(w)
			if h.e != nil {
				p.giveBack(h.e, timeout)
			}
			return nil, handoff{wait: h.wait}, &myx.InterruptedError{Cause: cause}
		}
	}
	p.waitPool.Put(w)
	e, err = h.e, h.err
	h.e, h.err = nil, nil
	return e, h, err
}

// handLocked hands h to the first waiter, if there is one, and counts the wait: as a wait for
// a connection to open when h comes from a dial, otherwise as a wait for one to be released.
func (p *Pool) handLocked(h handoff) bool {
	w := p.waiters.pop()
	if w == nil {
		return false
	}
	h.wait = time.Since(w.start)
	if h.opened {
		p.stat.openWaits++
		p.stat.openWaitTime += h.wait
	} else {
		p.stat.waits++
		p.stat.waitTime += h.wait
	}
	if h.e != nil {
		p.inUse++
	}
	w.ch <- h
	return true
}

// dialLocked starts dials while waiters outnumber the dials under way and there is room.
func (p *Pool) dialLocked() {
	for p.dialing < p.waiters.n && p.total < p.cfg.maxConns && !p.closed {
		p.total++
		p.dialing++
		go p.dial()
	}
}

// dial opens a connection for whoever waits first when it is ready (or for the idle set).
func (p *Pool) dial() {
	e, err := p.connect(p.ctx)
	p.mu.Lock()
	p.dialing--
	if err != nil {
		p.total--
		p.stat.dialErrors++
		// The oldest waiter hears of the failure; the others keep waiting for their dials or
		// for a release. (With nobody waiting, the background goroutine tries again later.)
		p.handLocked(handoff{err: err, opened: true})
		p.checkDrainedLocked()
		p.mu.Unlock()
		return
	}
	p.stat.created++
	if p.closed {
		p.total--
		p.stat.destroyed++
		p.checkDrainedLocked()
		p.mu.Unlock()
		e.c.Close(context.Background())
		return
	}
	if !p.handLocked(handoff{e: e, opened: true}) {
		p.idle = append(p.idle, e)
	}
	p.mu.Unlock()
}

// putLocked hands a clean connection to the first waiter, or makes it idle. A connection
// handed over is counted in use; the caller has already uncounted it.
func (p *Pool) putLocked(e *entry) {
	if !p.handLocked(handoff{e: e}) {
		p.idle = append(p.idle, e)
	}
}

// giveBack returns a connection that was never used (an acquire gave up on it; timeout tells
// that its context's deadline passed).
func (p *Pool) giveBack(e *entry, timeout bool) {
	p.mu.Lock()
	p.inUse--
	p.stat.canceled++
	if timeout {
		p.stat.timeouts++
	}
	if p.closed {
		p.total--
		p.stat.destroyed++
		p.checkDrainedLocked()
		p.mu.Unlock()
		e.c.Close(context.Background())
		return
	}
	p.putLocked(e)
	p.mu.Unlock()
}

// acquire gets a connection that passed the checks of checkOut, for work running under ctx.
func (p *Pool) acquire(ctx context.Context) (e *entry, err error) {
	if t := p.cfg.tr.acquire; t != nil {
		e, err = p.acquireTraced(ctx, t)
	} else {
		e, _, err = p.vetted(ctx)
	}
	if e != nil && p.cfg.keepCtx {
		e.ctx, e.acquired = ctx, time.Now()
	}
	return e, err
}

// acquireNote is what an acquire tells its tracer.
type acquireNote struct {
	handoff      // of the last get: wait (summed over gets), opened
	replaced int // connections found unfit
}

// vetted gets a connection that passed the checks of checkOut.
func (p *Pool) vetted(ctx context.Context) (*entry, acquireNote, error) {
	var n acquireNote
	for {
		e, h, err := p.get(ctx)
		n.wait += h.wait
		n.opened = h.opened
		if err != nil {
			return nil, n, err
		}
		ok, err := p.checkOut(ctx, e)
		if ok {
			p.acquires.Add(1)
			return e, n, nil
		}
		if err != nil {
			return nil, n, err
		}
		if n.replaced++; n.replaced > p.cfg.maxConns {
			return nil, n, ErrAcquireRejected
		}
	}
}

// acquireTraced is vetted between TraceAcquireStart and TraceAcquireEnd.
func (p *Pool) acquireTraced(ctx context.Context, t AcquireTracer) (*entry, error) {
	p.mu.Lock()
	sd := TraceAcquireStartData{Pending: p.waiters.n, Idle: len(p.idle)}
	p.mu.Unlock()
	tctx := t.TraceAcquireStart(ctx, p, sd)
	if tctx == nil {
		tctx = ctx
	}
	start := time.Now()
	e, n, err := p.vetted(tctx)
	d := TraceAcquireEndData{Err: err, Wait: n.wait, Replaced: n.replaced, Duration: time.Since(start)}
	if e != nil {
		d.Conn = e.c
		if n.opened {
			d.Opened, d.CreateDuration = true, e.created
		}
	}
	t.TraceAcquireEnd(tctx, p, d)
	return e, err
}

// checkOut vets a connection about to be handed out: its lifetime, a close by the server (a
// check without a round trip, for a connection idle at least checkAfter), a ping after a long
// idle, and BeforeAcquire.
// (MaxConnIdleTime is the health check's business: it reclaims resources and respects
// MinConns; an idle connection that passes these checks is fit for use.) A connection that
// fails is destroyed and ok is false; err is set only when ctx ended.
func (p *Pool) checkOut(ctx context.Context, e *entry) (ok bool, err error) {
	c := e.c
	now := time.Now()
	if !e.expires.IsZero() && now.After(e.expires) {
		p.destroy(e, true, reasonLifetime)
		return false, nil
	}
	idle := now.Sub(c.IdleSince())
	if c.IsClosed() || idle >= p.checkAfter && c.CheckConn() != nil {
		p.destroy(e, true, reasonBroken)
		return false, nil
	}
	if p.cfg.PingAfterIdle > 0 && idle > p.cfg.PingAfterIdle {
		pctx, cancel := context.WithTimeout(ctx, p.cfg.PingTimeout)
		perr := c.Ping(pctx)
		cancel()
		if perr != nil {
			if ctx.Err() != nil && !c.IsClosed() {
				p.put(e, false)
				return false, &myx.InterruptedError{Cause: ctx.Err()}
			}
			p.destroy(e, true, reasonBroken)
			if ctx.Err() != nil {
				return false, &myx.InterruptedError{Cause: ctx.Err()}
			}
			return false, nil
		}
	}
	if hook := p.cfg.BeforeAcquire; hook != nil && !hook(ctx, c) {
		p.destroy(e, true, reasonBroken)
		return false, nil
	}
	return true, nil
}

type destroyReason int

const (
	reasonBroken destroyReason = iota
	reasonLifetime
	reasonIdle
)

// destroy closes a connection and forgets it; inUse tells whether it was counted in use.
func (p *Pool) destroy(e *entry, inUse bool, why destroyReason) {
	p.mu.Lock()
	p.total--
	if inUse {
		p.inUse--
	}
	p.countDestroyLocked(why)
	p.dialLocked()
	p.checkDrainedLocked()
	p.mu.Unlock()
	p.nudge()
	e.c.Close(context.Background())
}

func (p *Pool) countDestroyLocked(why destroyReason) {
	p.stat.destroyed++
	switch why {
	case reasonLifetime:
		p.stat.lifetimeDestroyed++
	case reasonIdle:
		p.stat.idleDestroyed++
	}
}

func (p *Pool) checkDrainedLocked() {
	if p.closed && p.total == 0 {
		select {
		case <-p.drained:
		default:
			close(p.drained)
		}
	}
}

// nudge wakes the background goroutine (to reopen MinConns) without blocking.
func (p *Pool) nudge() {
	if p.cfg.MinConns == 0 && p.cfg.MinIdleConns == 0 {
		return
	}
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// put takes back a connection that was in use. A connection is handed on only when it is
// known to be clean: it is closed instead when it failed, is closed, outlived its lifetime, is
// still busy with a result (checked, with the check of CheckConn, when check is set), or
// cannot be rolled back or reset within ReleaseTimeout. Releasing runs, in order: ROLLBACK if
// a transaction is open, AfterRelease, then a session reset if the server flagged a session
// change since the last reset (or AlwaysReset is set). The ReleaseTracer, if any, hears of it
// before the connection is handed on or closed.
func (p *Pool) put(e *entry, check bool) {
	c := e.c
	if c.IsClosed() {
		p.traceRelease(e, cleanup{reason: releaseClosed})
		p.destroy(e, true, reasonBroken)
		return
	}
	if !e.expires.IsZero() && time.Now().After(e.expires) {
		p.traceRelease(e, cleanup{reason: releaseLifetime})
		p.destroy(e, true, reasonLifetime)
		return
	}
	if check {
		if err := c.CheckConn(); err != nil {
			// Busy with an unread result, or closed by the server.
			p.traceRelease(e, cleanup{reason: releaseBusy, err: err})
			p.destroy(e, true, reasonBroken)
			return
		}
	}
	var cl cleanup
	if c.InTransaction() || e.needReset || p.cfg.AlwaysReset || p.cfg.AfterRelease != nil || c.SessionChanged() {
		cl = p.clean(e)
		if cl.reason != "" {
			p.traceRelease(e, cl)
			p.destroy(e, true, reasonBroken)
			return
		}
	}
	p.traceRelease(e, cl)
	p.mu.Lock()
	p.inUse--
	if p.closed {
		p.total--
		p.stat.destroyed++
		p.checkDrainedLocked()
		p.mu.Unlock()
		c.Close(context.Background())
		return
	}
	p.putLocked(e)
	p.mu.Unlock()
}

// cleanup is what releasing did to a connection: reason is set when it must be closed.
type cleanup struct {
	rolledBack, reset bool
	reason            string
	err               error
}

// traceRelease tells the ReleaseTracer, if any, about the release of a connection that was
// acquired, and forgets the work's context. (Small enough to inline: without a tracer a
// release pays one check.)
func (p *Pool) traceRelease(e *entry, cl cleanup) {
	if !e.acquired.IsZero() {
		p.traceReleaseKept(e, cl)
	}
}

// traceReleaseKept is traceRelease for an entry that kept its work's context.
func (p *Pool) traceReleaseKept(e *entry, cl cleanup) {
	t := p.cfg.tr.release
	if t == nil {
		e.ctx, e.acquired = nil, time.Time{}
		return
	}
	if cl.reason == "" {
		p.mu.Lock()
		if p.closed {
			cl.reason = releasePoolClosed
		}
		p.mu.Unlock()
	}
	ctx := e.ctx
	d := TraceReleaseData{
		Conn:       e.c,
		Use:        time.Since(e.acquired),
		RolledBack: cl.rolledBack,
		Reset:      cl.reset,
		Destroyed:  cl.reason != "",
		Reason:     cl.reason,
		Err:        cl.err,
	}
	e.ctx, e.acquired = nil, time.Time{}
	t.TraceRelease(ctx, p, d)
}

// clean rolls back, runs AfterRelease and resets the session as needed; a reason in the
// result means the connection must be closed. The work's context, kept when there is a
// tracer, is the parent of the cleanup's (for its values, such as a span: the cleanup is
// bounded by ReleaseTimeout alone).
func (p *Pool) clean(e *entry) (cl cleanup) {
	c := e.c
	parent := context.Background()
	if e.ctx != nil {
		parent = context.WithoutCancel(e.ctx)
	}
	ctx, cancel := context.WithTimeout(parent, p.cfg.ReleaseTimeout)
	defer cancel()
	if c.InTransaction() {
		cl.rolledBack = true
		if _, err := c.Exec(ctx, "ROLLBACK"); err != nil || c.InTransaction() {
			cl.reason, cl.err = releaseRollback, err
			return cl
		}
	}
	if hook := p.cfg.AfterRelease; hook != nil && !hook(c) {
		cl.reason = releaseAfterRelease
		return cl
	}
	if e.needReset || p.cfg.AlwaysReset || c.SessionChanged() {
		cl.reset = true
		if err := c.ResetSession(ctx); err != nil {
			cl.reason, cl.err = releaseReset, err
			return cl
		}
		e.needReset = false
	}
	return cl
}

// background runs the health check every HealthCheckPeriod and reopens connections for
// MinConns and MinIdleConns when nudged.
func (p *Pool) background() {
	defer close(p.bgDone)
	t := time.NewTicker(p.cfg.HealthCheckPeriod)
	defer t.Stop()
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-t.C:
			p.healthCheck()
		case <-p.wake:
		}
		p.fillMin()
	}
}

// healthCheck closes idle connections that expired, idled too long (beyond MinConns) or were
// closed by the server.
func (p *Pool) healthCheck() {
	now := time.Now()
	var doomed []*entry
	p.mu.Lock()
	kept := p.idle[:0]
	for i, e := range p.idle {
		why := destroyReason(-1)
		switch {
		case !e.expires.IsZero() && now.After(e.expires):
			why = reasonLifetime
		case p.cfg.MaxConnIdleTime > 0 && now.Sub(e.c.IdleSince()) > p.cfg.MaxConnIdleTime && p.total > p.cfg.MinConns:
			why = reasonIdle
		case e.c.CheckConn() != nil:
			why = reasonBroken
		}
		p.idle[i] = nil
		if why < 0 {
			kept = append(kept, e)
			continue
		}
		p.total--
		p.countDestroyLocked(why)
		doomed = append(doomed, e)
	}
	p.idle = kept
	p.dialLocked()
	p.mu.Unlock()
	for _, e := range doomed {
		e.c.Close(context.Background())
	}
}

// fillMin starts dials so that MinConns connections exist and MinIdleConns are idle or on
// their way.
func (p *Pool) fillMin() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	need := max(p.cfg.MinConns-p.total, p.cfg.MinIdleConns-len(p.idle)-p.dialing)
	for ; need > 0 && p.total < p.cfg.maxConns; need-- {
		p.total++
		p.dialing++
		go p.dial()
	}
}

// Close closes the pool: acquires fail with ErrClosed from now on, waiting acquires are
// woken with ErrClosed, idle connections are closed, and Close waits until every connection in
// use has been released (each is closed as it comes back) and every dial under way has ended.
// Calling Close again waits again.
func (p *Pool) Close() {
	p.CloseContext(context.Background())
}

// CloseContext is Close bounded by ctx: if connections are still in use when ctx ends, it
// returns an error saying how many (errors.Is gives ctx's error); they are closed when they
// are released.
func (p *Pool) CloseContext(ctx context.Context) error {
	p.mu.Lock()
	var idle []*entry
	if !p.closed {
		p.closed = true
		p.cancel()
		for p.handLocked(handoff{err: ErrClosed}) {
		}
		idle = p.idle
		p.idle = nil
		p.total -= len(idle)
		p.stat.destroyed += int64(len(idle))
		p.checkDrainedLocked()
	}
	p.mu.Unlock()
	for _, e := range idle {
		e.c.Close(ctx)
	}
	select {
	case <-p.drained:
	case <-ctx.Done():
		p.mu.Lock()
		n := p.total
		p.mu.Unlock()
		return fmt.Errorf("pool: close: %d connection(s) still in use or opening: %w", n, ctx.Err())
	}
	select {
	case <-p.bgDone:
	case <-ctx.Done():
		return fmt.Errorf("pool: close: %w", ctx.Err())
	}
	return nil
}

// Stat is a snapshot of a pool's state and cumulative counters.
type Stat struct {
	// TotalConns counts open connections plus those being opened.
	TotalConns int
	// IdleConns counts connections ready to be handed out.
	IdleConns int
	// InUseConns counts connections acquired and not yet released (including those the
	// pool's own Exec, Query, QueryRow and transactions hold).
	InUseConns int
	// ConstructingConns counts connections being opened.
	ConstructingConns int
	// MaxConns is the configured maximum.
	MaxConns int
	// AcquireCount counts successful acquires.
	AcquireCount int64
	// WaitCount counts acquires that found no idle connection and waited for one to be
	// released (whether they got one, failed, or gave up); WaitDuration is the total time they
	// spent waiting, summed over concurrent waiters. Acquires served by a connection opened
	// while they waited are counted in OpenWaitCount instead.
	WaitCount    int64
	WaitDuration time.Duration
	// OpenWaitCount counts acquires that waited until a connection the pool was opening was
	// ready (or its dial failed), and OpenWaitDuration the total time they spent waiting.
	OpenWaitCount    int64
	OpenWaitDuration time.Duration
	// PendingAcquires counts the acquires waiting for a connection now (OpenTelemetry's
	// db.client.connection.pending_requests).
	PendingAcquires int
	// CanceledAcquireCount counts acquires that gave up because their context ended while
	// they waited; TimeoutAcquireCount counts those of them whose context's deadline passed
	// (OpenTelemetry's db.client.connection.timeouts).
	CanceledAcquireCount int64
	TimeoutAcquireCount  int64
	// CreatedConns counts connections opened; DialErrors counts failed attempts.
	CreatedConns int64
	DialErrors   int64
	// DestroyedConns counts connections closed, for any reason;
	// LifetimeDestroyCount and IdleDestroyCount count those closed for reaching
	// MaxConnLifetime and MaxConnIdleTime.
	DestroyedConns       int64
	LifetimeDestroyCount int64
	IdleDestroyCount     int64
}

// Stat returns a snapshot of the pool's state; its connection counts are consistent with each
// other.
func (p *Pool) Stat() Stat {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Stat{
		TotalConns:           p.total,
		IdleConns:            len(p.idle),
		InUseConns:           p.inUse,
		ConstructingConns:    p.dialing,
		MaxConns:             p.cfg.maxConns,
		AcquireCount:         p.acquires.Load(),
		WaitCount:            p.stat.waits,
		WaitDuration:         p.stat.waitTime,
		OpenWaitCount:        p.stat.openWaits,
		OpenWaitDuration:     p.stat.openWaitTime,
		PendingAcquires:      p.waiters.n,
		CanceledAcquireCount: p.stat.canceled,
		TimeoutAcquireCount:  p.stat.timeouts,
		CreatedConns:         p.stat.created,
		DialErrors:           p.stat.dialErrors,
		DestroyedConns:       p.stat.destroyed,
		LifetimeDestroyCount: p.stat.lifetimeDestroyed,
		IdleDestroyCount:     p.stat.idleDestroyed,
	}
}

// Config returns a copy of the pool's configuration with defaults applied.
func (p *Pool) Config() Config {
	c := p.cfg.Config
	c.MaxConns = p.cfg.maxConns
	return c
}
