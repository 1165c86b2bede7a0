package pool

import (
	"context"
	"errors"

	"github.com/myxdb/myx"
)

// Begin starts a transaction on a pooled connection with the session's defaults; see BeginTx.
func (p *Pool) Begin(ctx context.Context) (myx.Tx, error) {
	return p.BeginTx(ctx, myx.TxOptions{})
}

// BeginTx acquires a connection and starts a transaction on it (see myx.Conn.BeginTx). The
// connection goes back to the pool when the transaction commits or rolls back, so one of them
// must be called; after that the Tx and its Conn must not be used (every method of the Tx
// returns myx.ErrTxClosed). Like Exec, it retries on another connection a failure before
// anything was sent. BeginTx makes a *Pool a myx.TxBeginner, so myx.BeginFunc works with a
// pool too (with the root package's retry rule; Pool.BeginFunc also retries transactions whose
// connection was lost before COMMIT).
func (p *Pool) BeginTx(ctx context.Context, opts myx.TxOptions) (myx.Tx, error) {
	for attempt := 0; ; attempt++ {
		e, err := p.acquire(ctx)
		if err != nil {
			return nil, err
		}
		tx, err := e.c.BeginTx(ctx, opts)
		if err != nil {
			if opts.IsoLevel != "" {
				// SET TRANSACTION may have succeeded and would apply to the next user's
				// transaction: reset the session on release.
				e.needReset = true
			}
			p.put(e, true)
			if myx.SafeToRetry(err) && attempt < p.safeRetries() {
				p.traceRetry(ctx, "begin", attempt+2, err)
				continue
			}
			return nil, err
		}
		return &poolTx{Tx: tx, e: e}, nil
	}
}

// poolTx is a transaction on a pooled connection: it releases the connection when it ends.
type poolTx struct {
	myx.Tx
	e *entry
}

// Commit commits and releases the connection (see myx.Tx).
func (t *poolTx) Commit(ctx context.Context) error {
	e := t.e
	if e == nil {
		return myx.ErrTxClosed
	}
	t.e = nil
	err := t.Tx.Commit(ctx)
	e.p.put(e, true)
	return err
}

// Rollback rolls back and releases the connection (see myx.Tx).
func (t *poolTx) Rollback(ctx context.Context) error {
	e := t.e
	if e == nil {
		return myx.ErrTxClosed
	}
	t.e = nil
	err := t.Tx.Rollback(ctx)
	e.p.put(e, true)
	return err
}

// BeginTx starts a nested transaction (a savepoint), like myx.Tx.Begin.
func (t *poolTx) BeginTx(ctx context.Context, _ myx.TxOptions) (myx.Tx, error) {
	return t.Tx.Begin(ctx)
}

// BeginFunc runs fn in a transaction on a pooled connection; see BeginTxFunc.
func (p *Pool) BeginFunc(ctx context.Context, fn func(tx myx.Tx) error) error {
	return p.BeginTxFunc(ctx, myx.TxOptions{}, fn)
}

// BeginTxFunc runs fn in a transaction started with opts on a pooled connection. It commits
// when fn returns nil and rolls back when fn returns an error or panics (the panic then
// continues, after the connection is back in the pool). fn must not commit or roll back tx
// itself.
//
// The whole transaction, fn included, runs again on a fresh connection, after a jittered
// exponential backoff (TxOptions.RetryBaseDelay, RetryMaxDelay), up to TxOptions.MaxAttempts
// times in all (default 3), when it failed because:
//   - the server reported a deadlock (1213) or a lock wait timeout (1205);
//   - the connection failed before anything was sent (myx.SafeToRetry); or
//   - the connection was lost before COMMIT was sent. The server rolls back the transaction of
//     a connection it loses, exactly as it does a deadlock victim, so nothing of the failed
//     attempt remains (as with any retry, statements with effects outside the transaction,
//     such as DDL, which commits implicitly, or writes to non-transactional tables, are the
//     caller's business).
//
// It never retries after the COMMIT was sent: a lost answer to COMMIT is reported as an error
// wrapping myx.ErrCommitUnknown (the transaction may or may not have committed), and nothing
// is retried once ctx has ended. fn must be safe to run again: no side effects outside the
// transaction. Any error is a *myx.TxError carrying the attempt count and the last error.
func (p *Pool) BeginTxFunc(ctx context.Context, opts myx.TxOptions, fn func(tx myx.Tx) error) error {
	return myx.BeginTxFunc(ctx, p, opts, fn)
}

// TxRetryTracer gives myx.BeginTxFunc, given the pool, the pool's retry tracer (see
// Config.Tracer), so that BeginFunc's retries are traced with Op "transaction"; nil when the
// pool has none.
func (p *Pool) TxRetryTracer() myx.RetryTracer { return p.cfg.tr.retry }

// RetryableTx is the package's RetryableTx; it makes myx.BeginTxFunc, given the pool, retry
// what a pool can retry (see myx.TxRetrier).
func (p *Pool) RetryableTx(err error) bool { return RetryableTx(err) }

// RetryableTx reports whether a pooled transaction that failed with err may run again from
// the start on another connection: myx.RetryableTx (deadlock, lock wait timeout, nothing sent),
// or a connection lost before COMMIT was sent. An error wrapping myx.ErrCommitUnknown or
// reporting an ended context is never retryable.
func RetryableTx(err error) bool {
	if errors.Is(err, myx.ErrCommitUnknown) {
		return false
	}
	var ie *myx.InterruptedError
	if errors.As(err, &ie) {
		return false
	}
	return myx.RetryableTx(err) || connGone(err)
}
