package pool

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

func count(t testing.TB, p *Pool, table, where string) int {
	t.Helper()
	var n int
	if err := p.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table+" WHERE "+where).Scan(&n); err != nil {
		t.Fatalf("count: %v", err)
	}
	return n
}

func TestBeginFuncCommitsRollsBackAndRepanics(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY")
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 2 })
	ctx := ctxT(t, 20*time.Second)

	if err := p.BeginFunc(ctx, func(tx myx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO "+table+" VALUES (1)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if count(t, p, table, "id = 1") != 1 {
		t.Fatal("not committed")
	}

	mine := errors.New("mine")
	err := p.BeginFunc(ctx, func(tx myx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO "+table+" VALUES (2)"); err != nil {
			return err
		}
		return mine
	})
	var te *myx.TxError
	if !errors.Is(err, mine) || !errors.As(err, &te) || te.Attempts != 1 {
		t.Fatalf("got %v", err)
	}
	if count(t, p, table, "id = 2") != 0 {
		t.Fatal("not rolled back on error")
	}

	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("recovered %v, want the panic to continue", r)
			}
		}()
		p.BeginFunc(ctx, func(tx myx.Tx) error {
			tx.Exec(ctx, "INSERT INTO "+table+" VALUES (3)")
			panic("boom")
		})
	}()
	if count(t, p, table, "id = 3") != 0 {
		t.Fatal("not rolled back on panic")
	}

	// A server error inside: rolled back, reported, not retried.
	runs := 0
	err = p.BeginFunc(ctx, func(tx myx.Tx) error {
		runs++
		if _, err := tx.Exec(ctx, "INSERT INTO "+table+" VALUES (4)"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO "+table+" VALUES (1)") // duplicate
		return err
	})
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != myx.ErDupEntry || runs != 1 {
		t.Fatalf("runs %d, err %v", runs, err)
	}
	if count(t, p, table, "id = 4") != 0 {
		t.Fatal("not rolled back after a duplicate key")
	}

	// myx.BeginFunc works with the pool too (the pool is a myx.TxBeginner).
	if err := myx.BeginFunc(ctx, p, func(tx myx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO "+table+" VALUES (5)")
		return err
	}); err != nil || count(t, p, table, "id = 5") != 1 {
		t.Fatalf("myx.BeginFunc on a pool: %v", err)
	}

	// Nested transactions (savepoints) on a pooled transaction.
	if err := p.BeginFunc(ctx, func(tx myx.Tx) error {
		tx.Exec(ctx, "INSERT INTO "+table+" VALUES (6)")
		return myx.BeginFunc(ctx, tx.(myx.TxBeginner), func(inner myx.Tx) error {
			inner.Exec(ctx, "INSERT INTO "+table+" VALUES (7)")
			return errors.New("undo the inner one")
		})
	}); err == nil {
		t.Fatal("the inner error must come back")
	}
	if count(t, p, table, "id IN (6, 7)") != 0 {
		t.Fatal("outer transaction not rolled back")
	}
	if err := p.BeginFunc(ctx, func(tx myx.Tx) error {
		tx.Exec(ctx, "INSERT INTO "+table+" VALUES (8)")
		myx.BeginFunc(ctx, tx.(myx.TxBeginner), func(inner myx.Tx) error {
			inner.Exec(ctx, "INSERT INTO "+table+" VALUES (9)")
			return errors.New("undo the inner one")
		})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if count(t, p, table, "id = 8") != 1 || count(t, p, table, "id = 9") != 0 {
		t.Fatal("savepoint rollback inside a pooled transaction")
	}
	if s := settled(t, p); s.CreatedConns > 2 || s.DestroyedConns != 0 {
		t.Fatalf("stat: %+v", s)
	}
}

func TestPoolTxReleasesOnceAndRefusesUseAfterEnd(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 1 })
	ctx := ctxT(t, 20*time.Second)
	tx, err := p.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.Stat().InUseConns != 1 {
		t.Fatal("a transaction must hold its connection")
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); !errors.Is(err, myx.ErrTxClosed) {
		t.Fatalf("Rollback after Commit: %v", err)
	}
	if err := tx.Commit(ctx); !errors.Is(err, myx.ErrTxClosed) {
		t.Fatalf("Commit twice: %v", err)
	}
	if _, err := tx.Exec(ctx, "DO 1"); !errors.Is(err, myx.ErrTxClosed) {
		t.Fatalf("Exec after Commit: %v", err)
	}
	if s := settled(t, p); s.IdleConns != 1 {
		t.Fatalf("stat: %+v", s)
	}
	// An isolation level applies to that transaction only.
	skipUnless(t, mysqltest.AllIsolationLevels, mysqltest.ReadOnlyTransactions)
	tx, err = p.BeginTx(ctx, myx.TxOptions{IsoLevel: myx.Serializable, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	tx.Rollback(ctx)
	var iso string
	if err := p.QueryRow(ctx, "SELECT @@SESSION.tx_isolation").Scan(&iso); err != nil || strings.Contains(iso, "SERIALIZABLE") {
		t.Fatalf("isolation leaked to the session: %q %v", iso, err)
	}
}

func TestBeginFuncRetriesServerRetryableErrors(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 2 })
	ctx := ctxT(t, 20*time.Second)
	runs := 0
	err := p.BeginFunc(ctx, func(tx myx.Tx) error {
		runs++
		if runs < 3 {
			return &myx.MySQLError{Number: myx.ErLockDeadlock, Message: "simulated"}
		}
		return nil
	})
	if err != nil || runs != 3 {
		t.Fatalf("runs %d, err %v", runs, err)
	}
	runs = 0
	err = p.BeginTxFunc(ctx, myx.TxOptions{MaxAttempts: 4, RetryBaseDelay: time.Millisecond}, func(tx myx.Tx) error {
		runs++
		return &myx.MySQLError{Number: myx.ErLockWaitTimeout, Message: "simulated"}
	})
	var te *myx.TxError
	var me *myx.MySQLError
	if !errors.As(err, &te) || te.Attempts != 4 || runs != 4 || !errors.As(err, &me) || me.Number != myx.ErLockWaitTimeout {
		t.Fatalf("runs %d, err %v", runs, err)
	}
	if !strings.Contains(err.Error(), "4 attempts") {
		t.Fatalf("the message should give the attempt count: %v", err)
	}
	// No retry once the context has ended.
	cctx, cancel := context.WithCancel(ctx)
	runs = 0
	err = p.BeginFunc(cctx, func(tx myx.Tx) error {
		runs++
		cancel()
		return &myx.MySQLError{Number: myx.ErLockDeadlock}
	})
	if runs != 1 || err == nil {
		t.Fatalf("runs %d, err %v", runs, err)
	}
	settled(t, p)
}

// TestBeginFuncRetriesRealDeadlock: two transactions lock two rows in opposite orders; InnoDB
// picks a victim, whose transaction runs again and succeeds.
func TestBeginFuncRetriesRealDeadlock(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY, v INT")
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 2 })
	ctx := ctxT(t, 30*time.Second)
	if _, err := p.Exec(ctx, "INSERT INTO "+table+" VALUES (1, 0), (2, 0)"); err != nil {
		t.Fatal(err)
	}
	var runs atomic.Int32
	var firstLocks sync.WaitGroup
	firstLocks.Add(2)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for g, order := range [][2]int{{1, 2}, {2, 1}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := true
			errs[g] = p.BeginFunc(ctx, func(tx myx.Tx) error {
				runs.Add(1)
				if _, err := tx.Exec(ctx, "UPDATE "+table+" SET v = v + 1 WHERE id = ?", order[0]); err != nil {
					return err
				}
				if first {
					first = false
					firstLocks.Done()
					firstLocks.Wait()
				}
				_, err := tx.Exec(ctx, "UPDATE "+table+" SET v = v + 1 WHERE id = ?", order[1])
				return err
			})
		}()
	}
	wg.Wait()
	for g, err := range errs {
		if err != nil {
			t.Fatalf("transaction %d: %v", g, err)
		}
	}
	if n := runs.Load(); n != 3 {
		t.Fatalf("%d runs, want 3 (one deadlock victim retried once)", n)
	}
	if count(t, p, table, "v = 2") != 2 {
		t.Fatal("each transaction must have applied exactly once")
	}
}

func TestBeginFuncRetriesLockWaitTimeout(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	cc.SessionVars = append(cc.SessionVars, [2]string{"innodb_lock_wait_timeout", "1"})
	table := newTable(t, cc, "id INT PRIMARY KEY, v INT")
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 2 })
	ctx := ctxT(t, 30*time.Second)
	if _, err := p.Exec(ctx, "INSERT INTO "+table+" VALUES (1, 0)"); err != nil {
		t.Fatal(err)
	}
	holder := direct(t, cc)
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "UPDATE "+table+" SET v = 100 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	time.AfterFunc(1500*time.Millisecond, func() {
		tx.Rollback(context.Background())
		close(released)
	})
	defer func() { <-released }()
	runs := 0
	err = p.BeginTxFunc(ctx, myx.TxOptions{RetryBaseDelay: 100 * time.Millisecond}, func(tx myx.Tx) error {
		runs++
		_, err := tx.Exec(ctx, "UPDATE "+table+" SET v = v + 1 WHERE id = 1")
		return err
	})
	// At least one lock wait timeout, then success (more attempts when the holder's release
	// comes late on a busy machine).
	if err != nil || runs < 2 {
		t.Fatalf("runs %d, err %v", runs, err)
	}
	if count(t, p, table, "v = 1") != 1 {
		t.Fatal("the update did not apply exactly once")
	}
}

// TestBeginFuncRetriesConnectionLostBeforeCommit: the connection is reset in the middle of
// the transaction; the server rolls it back, so the whole transaction runs again on a fresh
// connection and is applied once.
func TestBeginFuncRetriesConnectionLostBeforeCommit(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY AUTO_INCREMENT, k INT")
	px, pc := newProxy(t, cc)
	loseReplies(px, func(chunk []byte) bool { return hasStatement(chunk, "INSERT INTO "+table) }, 1)
	p := newPool(t, pc, func(c *Config) { c.MaxConns = 2 })
	ctx := ctxT(t, 20*time.Second)
	runs := 0
	err := p.BeginFunc(ctx, func(tx myx.Tx) error {
		runs++
		_, err := tx.Exec(ctx, "INSERT INTO "+table+" (k) VALUES (?)", 7)
		return err
	})
	if err != nil || runs != 2 {
		t.Fatalf("runs %d, err %v", runs, err)
	}
	if n := count(t, p, table, "k = 7"); n != 1 {
		t.Fatalf("%d rows, want exactly 1", n)
	}
	settled(t, p)
}

// TestBeginFuncDoesNotRetryAfterCommitSent: the answer to COMMIT is lost; the caller learns
// that the outcome is unknown, and the transaction is not run again.
func TestBeginFuncDoesNotRetryAfterCommitSent(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY AUTO_INCREMENT, k INT")
	px, pc := newProxy(t, cc)
	loseReplies(px, func(chunk []byte) bool { return isCommand(chunk, comQuery, "COMMIT") }, 1)
	p := newPool(t, pc, func(c *Config) { c.MaxConns = 2 })
	ctx := ctxT(t, 20*time.Second)
	runs := 0
	err := p.BeginFunc(ctx, func(tx myx.Tx) error {
		runs++
		_, err := tx.Exec(ctx, "INSERT INTO "+table+" (k) VALUES (?)", 8)
		return err
	})
	var te *myx.TxError
	if !errors.Is(err, myx.ErrCommitUnknown) || !errors.As(err, &te) || te.Attempts != 1 || runs != 1 {
		t.Fatalf("runs %d, err %v", runs, err)
	}
	if RetryableTx(err) {
		t.Fatal("a lost COMMIT must not be retryable")
	}
	// The server finishes the COMMIT in its own time: wait for it, then check once more.
	eventually(30*time.Second, func() bool { return count(t, p, table, "k = 8") >= 1 })
	if n := count(t, p, table, "k = 8"); n != 1 {
		t.Fatalf("%d rows: the COMMIT reached the server, the row must be there once", n)
	}
	settled(t, p)
}

func TestRetryableTx(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{&myx.MySQLError{Number: myx.ErLockDeadlock}, true},
		{&myx.MySQLError{Number: myx.ErLockWaitTimeout}, true},
		{&myx.MySQLError{Number: myx.ErConnectionKilled}, true},
		{&myx.MySQLError{Number: myx.ErDupEntry}, false},
		{myx.ErrConnClosed, true},
		{&myx.ConnError{Op: "read", Err: errors.New("reset")}, true},
		{errors.Join(myx.ErrCommitUnknown, &myx.ConnError{Op: "read", Err: errors.New("reset")}), false},
		{&myx.InterruptedError{Cause: context.Canceled, ConnClosed: true}, false},
		{errors.New("other"), false},
		{ErrClosed, false},
	}
	for _, c := range cases {
		if got := RetryableTx(c.err); got != c.want {
			t.Errorf("RetryableTx(%v) = %v", c.err, got)
		}
	}
}
