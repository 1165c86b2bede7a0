package cluster

import (
	"context"
	"errors"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/pool"
)

// Begin starts a transaction on the writer with the session's defaults; see BeginTx.
func (cl *Cluster) Begin(ctx context.Context) (myx.Tx, error) {
	return cl.BeginTx(ctx, myx.TxOptions{})
}

// BeginTx starts a transaction on a connection to the writer (see myx.Conn.BeginTx), waiting
// for a primary like Exec; the connection goes back to its pool when the transaction commits
// or rolls back, one of which must be called. A failure before anything was sent runs again
// on a fresh connection or host. Under a Session, a successful Commit is observed by it.
// Statements of the transaction that a Galera node refuses as not ready mark it so (BeginFunc
// then runs the transaction again on another node). BeginTx makes a *Cluster a
// myx.TxBeginner.
func (cl *Cluster) BeginTx(ctx context.Context, opts myx.TxOptions) (myx.Tx, error) {
	var ex exclusion
	for attempt := 0; ; attempt++ {
		l, err := cl.acquire(ctx, toWriter, &ex)
		if err != nil {
			return nil, err
		}
		tx, err := l.conn().BeginTx(ctx, opts)
		if err != nil {
			if opts.IsoLevel != "" {
				// SET TRANSACTION may have applied to the next transaction: never hand the
				// connection on.
				l.conn().Close(context.WithoutCancel(ctx))
			}
			l.done()
			if cl.rerun(ctx, l.h, err, &ex, attempt, "begin") {
				continue
			}
			return nil, err
		}
		return &clusterTx{Tx: tx, l: l}, nil
	}
}

// clusterTx is a transaction on a leased connection: it gives the connection back when it
// ends, and notes what its statements' failures say about the host.
type clusterTx struct {
	myx.Tx
	l *lease
}

func (t *clusterTx) note(err error) error {
	if err != nil && t.l != nil && notReady(err) {
		t.l.h.cl.markNotReady(t.l.h, err)
	}
	return err
}

// Exec runs a statement in the transaction (see myx.Tx).
func (t *clusterTx) Exec(ctx context.Context, query string, args ...any) (myx.Result, error) {
	res, err := t.Tx.Exec(ctx, query, args...)
	return res, t.note(err)
}

// ExecMany runs ExecMany in the transaction (see myx.Tx).
func (t *clusterTx) ExecMany(ctx context.Context, query string, argRows [][]any) (myx.Result, error) {
	res, err := t.Tx.ExecMany(ctx, query, argRows)
	return res, t.note(err)
}

// Query runs a query in the transaction (see myx.Tx).
func (t *clusterTx) Query(ctx context.Context, query string, args ...any) (*myx.Rows, error) {
	rows, err := t.Tx.Query(ctx, query, args...)
	return rows, t.note(err)
}

// Commit commits, lets the session observe the commit, and releases the connection.
func (t *clusterTx) Commit(ctx context.Context) error {
	l := t.l
	if l == nil {
		return myx.ErrTxClosed
	}
	t.l = nil
	err := t.note(t.Tx.Commit(ctx))
	if err != nil {
		l.sess = nil
	}
	l.done()
	return err
}

// Rollback rolls back and releases the connection.
func (t *clusterTx) Rollback(ctx context.Context) error {
	l := t.l
	if l == nil {
		return myx.ErrTxClosed
	}
	t.l = nil
	err := t.Tx.Rollback(ctx)
	l.sess = nil
	l.done()
	return err
}

// BeginTx starts a nested transaction (a savepoint), like myx.Tx.Begin.
func (t *clusterTx) BeginTx(ctx context.Context, _ myx.TxOptions) (myx.Tx, error) {
	return t.Tx.Begin(ctx)
}

// BeginFunc runs fn in a transaction on the writer; see BeginTxFunc.
func (cl *Cluster) BeginFunc(ctx context.Context, fn func(tx myx.Tx) error) error {
	return cl.BeginTxFunc(ctx, myx.TxOptions{}, fn)
}

// BeginTxFunc runs fn in a transaction started with opts on the writer, with the pool's rules
// (see pool.Pool.BeginTxFunc): it commits when fn returns nil, rolls back otherwise, and runs
// the whole transaction again, after a jittered backoff, up to TxOptions.MaxAttempts times,
// when it failed on a deadlock or a Galera certification failure (1213), a lock wait timeout
// (1205), a Galera node not ready (1047, on another node), or a connection lost before
// COMMIT was sent, waiting for a new primary when the old one is gone. A lost answer to
// COMMIT is an error wrapping myx.ErrCommitUnknown, never retried. Errors are *myx.TxError.
func (cl *Cluster) BeginTxFunc(ctx context.Context, opts myx.TxOptions, fn func(tx myx.Tx) error) error {
	return myx.BeginTxFunc(ctx, cl, opts, fn)
}

// RetryableTx reports whether a transaction that failed with err may run again from the
// start (see BeginTxFunc): pool.RetryableTx, or a Galera node not ready. It makes a *Cluster
// a myx.TxRetrier.
func (cl *Cluster) RetryableTx(err error) bool {
	return pool.RetryableTx(err) || notReady(err) && !errors.Is(err, myx.ErrCommitUnknown)
}

// TxRetryTracer gives myx.BeginTxFunc the cluster's retry tracer (Config.Tracer or
// Pool.Tracer, when a myx.RetryTracer), nil when there is none.
func (cl *Cluster) TxRetryTracer() myx.RetryTracer { return cl.retry }
