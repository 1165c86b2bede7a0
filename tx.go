package myx

// The high-level API: transactions (Begin, BeginTx, savepoints, BeginFunc with retries).

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// IsoLevel is a transaction isolation level.
type IsoLevel string

// Isolation levels. The empty level keeps the session's (REPEATABLE READ unless configured).
const (
	ReadUncommitted IsoLevel = "READ UNCOMMITTED"
	ReadCommitted   IsoLevel = "READ COMMITTED"
	RepeatableRead  IsoLevel = "REPEATABLE READ"
	Serializable    IsoLevel = "SERIALIZABLE"
)

// TxOptions configures a transaction.
type TxOptions struct {
	IsoLevel IsoLevel
	// ReadOnly starts the transaction READ ONLY.
	ReadOnly bool
	// ConsistentSnapshot starts it WITH CONSISTENT SNAPSHOT (InnoDB reads from a snapshot taken
	// at once instead of at the first read).
	ConsistentSnapshot bool

	// MaxAttempts bounds how many times BeginTxFunc runs the function when the server reports a
	// deadlock (1213) or a lock wait timeout (1205); 0 means 3. 1 disables retrying.
	MaxAttempts int
	// RetryBaseDelay and RetryMaxDelay shape the jittered exponential backoff between attempts
	// (defaults 5ms and 500ms).
	RetryBaseDelay, RetryMaxDelay time.Duration
}

// Tx is a transaction, or with Begin a nested one (a savepoint). A Tx is bound to one
// connection and, like it, not safe for concurrent use. After Commit or Rollback every method
// fails with ErrTxClosed; calling Rollback after Commit is therefore a harmless way to clean up
// with defer.
type Tx interface {
	// Begin starts a nested transaction backed by a savepoint.
	Begin(ctx context.Context) (Tx, error)
	// Commit commits (for a nested transaction: releases its savepoint).
	Commit(ctx context.Context) error
	// Rollback rolls back (for a nested transaction: to its savepoint).
	Rollback(ctx context.Context) error
	Exec(ctx context.Context, query string, args ...any) (Result, error)
	Query(ctx context.Context, query string, args ...any) (*Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *Row
	ExecMany(ctx context.Context, query string, argRows [][]any) (Result, error)
	// Conn is the connection the transaction runs on.
	Conn() *Conn
}

// ErrCommitUnknown is wrapped when the connection failed after COMMIT was sent and before the
// server answered: the transaction may or may not have committed. Check the data before
// retrying.
var ErrCommitUnknown = errors.New("myx: the connection failed during COMMIT; the transaction may or may not have committed")

// Begin starts a transaction with the session's defaults.
func (c *Conn) Begin(ctx context.Context) (Tx, error) {
	return c.BeginTx(ctx, TxOptions{})
}

// BeginTx starts a transaction with opts.
func (c *Conn) BeginTx(ctx context.Context, opts TxOptions) (Tx, error) {
	// SET TRANSACTION (without SESSION) applies to the next transaction only, which the START
	// TRANSACTION below begins: once that succeeds the session is as it was, so what the client
	// noted about the session before it stands (servers without session tracking would
	// otherwise count every transaction with an isolation level as a session change).
	changed, charsetKnown, learned := c.clientChanged, c.charsetKnown, c.learned
	if opts.IsoLevel != "" {
		switch opts.IsoLevel {
		case ReadUncommitted, ReadCommitted, RepeatableRead, Serializable:
		default:
			return nil, fmt.Errorf("myx: unknown isolation level %q", string(opts.IsoLevel))
		}
		if _, err := c.Exec(ctx, "SET TRANSACTION ISOLATION LEVEL "+string(opts.IsoLevel)); err != nil {
			return nil, err
		}
	}
	q := "START TRANSACTION"
	var mods []string
	if opts.ConsistentSnapshot {
		mods = append(mods, "WITH CONSISTENT SNAPSHOT")
	}
	if opts.ReadOnly {
		mods = append(mods, "READ ONLY")
	}
	for i, m := range mods {
		if i == 0 {
			q += " " + m
		} else {
			q += ", " + m
		}
	}
	if _, err := c.Exec(ctx, q); err != nil {
		return nil, err
	}
	c.clientChanged, c.charsetKnown, c.learned = changed, charsetKnown, learned
	return &dbTx{c: c}, nil
}

type dbTx struct {
	c        *Conn
	done     bool
	nextSave int
}

func (t *dbTx) Conn() *Conn { return t.c }

func (t *dbTx) Begin(ctx context.Context) (Tx, error) {
	if t.done {
		return nil, ErrTxClosed
	}
	t.nextSave++
	name := "myx_sp_" + strconv.Itoa(t.nextSave)
	if _, err := t.c.Exec(ctx, "SAVEPOINT "+name); err != nil {
		return nil, err
	}
	return &savepointTx{parent: t, name: name}, nil
}

func (t *dbTx) Commit(ctx context.Context) error {
	if t.done {
		return ErrTxClosed
	}
	t.done = true
	_, err := t.c.Exec(ctx, "COMMIT")
	return commitOutcome(err)
}

// commitOutcome classifies the error of a COMMIT: nil when the server confirmed it (also when
// the context ended as the server finished it), ErrCommitUnknown when the COMMIT may have
// reached the server but its answer was lost or interrupted, and the error as is when the
// transaction certainly did not commit (nothing was sent, or the server refused the COMMIT).
func commitOutcome(err error) error {
	if err == nil {
		return nil
	}
	var ie *InterruptedError
	if errors.As(err, &ie) {
		switch {
		case ie.Completed:
			return nil // the server answered OK: committed
		case ie.Server != nil || ie.ConnClosed:
			// The COMMIT was under way when the context ended: the server may have committed
			// before it saw the interruption.
			return &wrappedError{is: ErrCommitUnknown, err: err}
		}
		return err // the context ended before anything was sent
	}
	if IsConnLost(err) && !SafeToRetry(err) {
		return &wrappedError{is: ErrCommitUnknown, err: err}
	}
	return err
}

func (t *dbTx) Rollback(ctx context.Context) error {
	if t.done {
		return ErrTxClosed
	}
	t.done = true
	if t.c.closed {
		// The server rolls back a transaction whose connection is gone.
		return nil
	}
	_, err := t.c.Exec(ctx, "ROLLBACK")
	if err != nil && t.c.closed {
		return nil
	}
	return err
}

func (t *dbTx) Exec(ctx context.Context, query string, args ...any) (Result, error) {
	if t.done {
		return Result{}, ErrTxClosed
	}
	return t.c.Exec(ctx, query, args...)
}

func (t *dbTx) Query(ctx context.Context, query string, args ...any) (*Rows, error) {
	if t.done {
		return nil, ErrTxClosed
	}
	return t.c.Query(ctx, query, args...)
}

func (t *dbTx) QueryRow(ctx context.Context, query string, args ...any) *Row {
	if t.done {
		return &Row{err: ErrTxClosed}
	}
	return t.c.QueryRow(ctx, query, args...)
}

func (t *dbTx) ExecMany(ctx context.Context, query string, argRows [][]any) (Result, error) {
	if t.done {
		return Result{}, ErrTxClosed
	}
	return t.c.ExecMany(ctx, query, argRows)
}

// savepointTx is a nested transaction.
type savepointTx struct {
	parent *dbTx
	name   string
	done   bool
}

func (s *savepointTx) Conn() *Conn { return s.parent.c }

func (s *savepointTx) usable() error {
	if s.done || s.parent.done {
		return ErrTxClosed
	}
	return nil
}

func (s *savepointTx) Begin(ctx context.Context) (Tx, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	return s.parent.Begin(ctx)
}

func (s *savepointTx) Commit(ctx context.Context) error {
	if err := s.usable(); err != nil {
		return err
	}
	s.done = true
	_, err := s.parent.c.Exec(ctx, "RELEASE SAVEPOINT "+s.name)
	return err
}

func (s *savepointTx) Rollback(ctx context.Context) error {
	if err := s.usable(); err != nil {
		return err
	}
	s.done = true
	_, err := s.parent.c.Exec(ctx, "ROLLBACK TO SAVEPOINT "+s.name)
	return err
}

func (s *savepointTx) Exec(ctx context.Context, query string, args ...any) (Result, error) {
	if err := s.usable(); err != nil {
		return Result{}, err
	}
	return s.parent.c.Exec(ctx, query, args...)
}

func (s *savepointTx) Query(ctx context.Context, query string, args ...any) (*Rows, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	return s.parent.c.Query(ctx, query, args...)
}

func (s *savepointTx) QueryRow(ctx context.Context, query string, args ...any) *Row {
	if err := s.usable(); err != nil {
		return &Row{err: err}
	}
	return s.parent.c.QueryRow(ctx, query, args...)
}

func (s *savepointTx) ExecMany(ctx context.Context, query string, argRows [][]any) (Result, error) {
	if err := s.usable(); err != nil {
		return Result{}, err
	}
	return s.parent.c.ExecMany(ctx, query, argRows)
}

// TxBeginner starts transactions: *Conn, Tx (savepoints) and the pool implement it.
type TxBeginner interface {
	BeginTx(ctx context.Context, opts TxOptions) (Tx, error)
}

// BeginTx on a Tx starts a nested transaction (options other than retries are ignored).
func (t *dbTx) BeginTx(ctx context.Context, _ TxOptions) (Tx, error) { return t.Begin(ctx) }

// BeginTx on a nested transaction starts a further nested one.
func (s *savepointTx) BeginTx(ctx context.Context, _ TxOptions) (Tx, error) { return s.Begin(ctx) }

// TxError reports the failure of BeginFunc/BeginTxFunc after all attempts.
type TxError struct {
	Attempts int
	Err      error
}

func (e *TxError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("%v (after %d attempts)", e.Err, e.Attempts)
	}
	return e.Err.Error()
}

func (e *TxError) Unwrap() error { return e.Err }

// BeginFunc runs fn in a transaction on db: it commits when fn returns nil and rolls back when
// fn returns an error or panics (the panic continues after the rollback). When the server
// reports a deadlock (1213) or a lock wait timeout (1205), or the failure happened before
// anything was sent, the whole transaction is retried with jittered backoff, up to
// TxOptions.MaxAttempts; fn must therefore be safe to run again (no side effects outside the
// database). The error, if any, is a *TxError with the attempt count.
func BeginFunc(ctx context.Context, db TxBeginner, fn func(Tx) error) error {
	return BeginTxFunc(ctx, db, TxOptions{}, fn)
}

// BeginTxFunc is BeginFunc with options.
func BeginTxFunc(ctx context.Context, db TxBeginner, opts TxOptions, fn func(Tx) error) error {
	attempts := opts.MaxAttempts
	if attempts <= 0 {
		attempts = 3
	}
	base, maxDelay := opts.RetryBaseDelay, opts.RetryMaxDelay
	if base <= 0 {
		base = 5 * time.Millisecond
	}
	if maxDelay <= 0 {
		maxDelay = 500 * time.Millisecond
	}
	retryable := RetryableTx
	if r, ok := db.(TxRetrier); ok {
		retryable = r.RetryableTx
	}
	var rt RetryTracer
	switch d := db.(type) {
	case *Conn:
		rt = d.tr.retry
	case TxRetryTracer:
		rt = d.TxRetryTracer()
	}
	var err error
	for attempt := 1; ; attempt++ {
		if attempt > 1 && rt != nil {
			rt.TraceRetry(ctx, TraceRetryData{Op: "transaction", Attempt: attempt, Err: err})
		}
		err = runTx(ctx, db, opts, fn)
		if err == nil {
			return nil
		}
		if attempt >= attempts || ctx.Err() != nil || !retryable(err) {
			return &TxError{Attempts: attempt, Err: err}
		}
		d := base << (attempt - 1)
		if d > maxDelay || d <= 0 {
			d = maxDelay
		}
		d = d/2 + rand.N(d/2+1)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return &TxError{Attempts: attempt, Err: err}
		case <-t.C:
		}
	}
}

// TxRetryTracer is implemented by a TxBeginner other than a Conn that has a RetryTracer for
// BeginTxFunc to tell about its retries (a pool whose tracer implements RetryTracer); nil means
// none. For a Conn, BeginTxFunc uses the RetryTracer of its Config.Tracer.
type TxRetryTracer interface {
	TxRetryTracer() RetryTracer
}

// TxRetrier is implemented by a TxBeginner that decides itself which failed transactions
// BeginTxFunc may run again (a pool, which can retry on a fresh connection, retries more than a
// single connection can). Without it, BeginTxFunc uses RetryableTx.
type TxRetrier interface {
	RetryableTx(err error) bool
}

// RetryableTx reports whether a transaction that failed with err may be run again from the
// start: a deadlock or lock wait timeout (the server rolled it back), or a failure before
// anything was sent.
func RetryableTx(err error) bool {
	return isRetryableTxError(err) || SafeToRetry(err)
}

func runTx(ctx context.Context, db TxBeginner, opts TxOptions, fn func(Tx) error) (err error) {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback(context.WithoutCancel(ctx))
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(context.WithoutCancel(ctx)); rerr != nil && !errors.Is(rerr, ErrTxClosed) && !IsConnLost(rerr) {
			return errors.Join(err, wrapErr("rollback", rerr))
		}
		return err
	}
	return tx.Commit(ctx)
}
