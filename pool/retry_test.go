package pool

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// TestStaleConnectionRetriedTransparently: a connection that failed before anything was sent
// (reset between the checks of acquire and the write) is replaced and the statement runs once
// on another connection; the caller sees no error.
func TestStaleConnectionRetriedTransparently(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY AUTO_INCREMENT, v INT")
	px, pc := newProxy(t, cc)
	var armed atomic.Bool
	var resets atomic.Int32
	p := newPool(t, pc, func(c *Config) {
		c.MaxConns = 2
		c.BeforeAcquire = func(_ context.Context, c *myx.Conn) bool {
			if armed.CompareAndSwap(true, false) {
				// The server side goes away after acquire's own check passed.
				resets.Add(int32(px.ResetAll()))
				time.Sleep(50 * time.Millisecond)
			}
			return true
		}
	})
	ctx := ctxT(t, 20*time.Second)
	for i, run := range []func() error{
		func() error { _, err := p.Exec(ctx, "INSERT INTO "+table+" (v) VALUES (?)", 1); return err },
		func() error { return p.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(new(int)) },
		func() error {
			rows, err := p.Query(ctx, "SELECT v FROM "+table)
			if err != nil {
				return err
			}
			rows.Close()
			return rows.Err()
		},
		func() error {
			tx, err := p.Begin(ctx)
			if err != nil {
				return err
			}
			return tx.Rollback(ctx)
		},
	} {
		connID(t, p) // a warm connection to go stale
		armed.Store(true)
		if err := run(); err != nil {
			t.Fatalf("case %d: the caller saw the stale connection: %v", i, err)
		}
		if armed.Load() {
			t.Fatalf("case %d: the fault was not injected", i)
		}
	}
	if resets.Load() < 4 {
		t.Fatalf("only %d connections reset", resets.Load())
	}
	var n int
	if err := p.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the insert ran %d times (%v), want once", n, err)
	}
	settled(t, p)
}

// TestNothingRetriedThatMayHaveRun: a connection lost after the statement was sent is reported
// to the caller (not SafeToRetry) and the statement is not run again by the pool.
func TestNothingRetriedThatMayHaveRun(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY AUTO_INCREMENT, v INT")
	px, pc := newProxy(t, cc)
	loseReplies(px, func(chunk []byte) bool { return hasStatement(chunk, "/*boom*/") }, 1)
	p := newPool(t, pc, func(c *Config) { c.MaxConns = 2 })
	ctx := ctxT(t, 20*time.Second)
	_, err := p.Exec(ctx, "INSERT INTO "+table+" (v) VALUES (1) /*boom*/")
	if err == nil || myx.SafeToRetry(err) || !myx.IsConnLost(err) {
		t.Fatalf("want a lost connection that is not safe to retry, got %v", err)
	}
	if execOutcome(err) != unknown {
		t.Fatalf("outcome %v for %v", execOutcome(err), err)
	}
	// The server finishes the insert in its own time: wait for it, then check once more.
	eventually(30*time.Second, func() bool {
		var n int
		return p.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n) == nil && n >= 1
	})
	var n int
	if err := p.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the insert ran %d times (%v), want once: it reached the server and was not retried", n, err)
	}
	settled(t, p)
}

func TestIdempotentRetriesOnFreshConnection(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	px, pc := newProxy(t, cc)
	var drops atomic.Int32
	px.OnClientData(func(_ int, chunk []byte) mysqltest.Action {
		if hasStatement(chunk, "/*flaky*/") && drops.Add(1) <= 2 {
			return mysqltest.Reset
		}
		return mysqltest.Forward
	})
	p := newPool(t, pc, func(c *Config) { c.MaxConns = 2 })
	ctx := ctxT(t, 20*time.Second)

	// Plain QueryRow does not retry a statement that was sent.
	var v int
	if err := p.QueryRow(ctx, "SELECT 41 /*flaky*/").Scan(&v); !myx.IsConnLost(err) {
		t.Fatalf("want a lost connection, got %v", err)
	}
	// Idempotent does, on a fresh connection.
	runs := 0
	var ids []uint32
	err := p.Idempotent(ctx, func(c *myx.Conn) error {
		runs++
		ids = append(ids, c.ConnID())
		return c.QueryRow(ctx, "SELECT 42 /*flaky*/").Scan(&v)
	})
	if err != nil || v != 42 {
		t.Fatalf("Idempotent: %d %v", v, err)
	}
	if runs != 2 || ids[0] == ids[1] {
		t.Fatalf("runs %d on connections %v, want 2 on distinct ones", runs, ids)
	}

	// Errors of the statement itself are not retried.
	runs = 0
	var me *myx.MySQLError
	err = p.Idempotent(ctx, func(c *myx.Conn) error {
		runs++
		return c.QueryRow(ctx, "SELECT * FROM no_such_table_pool").Scan(&v)
	})
	if !errors.As(err, &me) || runs != 1 {
		t.Fatalf("runs %d, err %v", runs, err)
	}

	// Bounded: a connection lost every time gives up after IdempotentAttempts.
	drops.Store(-100)
	runs = 0
	err = p.Idempotent(ctx, func(c *myx.Conn) error {
		runs++
		return c.QueryRow(ctx, "SELECT 43 /*flaky*/").Scan(&v)
	})
	if !myx.IsConnLost(err) || runs != 3 {
		t.Fatalf("runs %d, err %v", runs, err)
	}
	settled(t, p)
}

// TestServerRestart: after a restart the pool recovers by itself. Idle connections the old
// server closed are found and replaced before use, so no caller sees them; a statement in
// flight during the restart fails once, with a typed error.
func TestServerRestart(t *testing.T) {
	srv := mysqltest.StartServerT(t, mysqltest.ServerOptions{})
	cc := connConfigFor(t, srv.DSN())
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 4 })
	ctx := ctxT(t, 60*time.Second)
	var held []*Conn
	for range 4 {
		c, err := p.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	for _, c := range held {
		c.Release()
	}
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		var v int
		if err := p.QueryRow(ctx, "SELECT ?", i).Scan(&v); err != nil || v != i {
			t.Fatalf("query %d after the restart: %v", i, err)
		}
	}
	if s := settled(t, p); s.DestroyedConns != 4 {
		t.Fatalf("stale connections not all replaced: %+v", s)
	}

	// Restart with a statement in flight: that caller gets one error, the next ones none.
	errc := make(chan error, 1)
	watcher := direct(t, cc)
	go func() { errc <- p.QueryRow(ctx, "SELECT SLEEP(20)").Scan(new(int)) }()
	// Restart once the statement runs on the server (not before it was sent).
	if !eventually(60*time.Second, func() bool {
		var n int
		err := watcher.QueryRow(ctx, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(20)%'").Scan(&n)
		return err == nil && n > 0
	}) {
		t.Fatal("the statement never started")
	}
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	err := <-errc
	if err == nil || !connGone(err) {
		t.Fatalf("the statement in flight: want a lost connection or a shutdown error, got %v", err)
	}
	for i := range 10 {
		if err := p.QueryRow(ctx, "SELECT 1").Scan(new(int)); err != nil {
			t.Fatalf("query %d after the second restart: %v", i, err)
		}
	}
	settled(t, p)
}
