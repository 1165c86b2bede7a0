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

func TestReleaseResetsChangedSession(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	cc.SessionVars = append(cc.SessionVars, [2]string{"lock_wait_timeout", "77"})
	px, pc := newProxy(t, cc)
	var resets atomic.Int32
	px.OnClientData(func(_ int, chunk []byte) mysqltest.Action {
		if isCommand(chunk, comResetConnection, "") {
			resets.Add(1)
		}
		return mysqltest.Forward
	})
	p := newPool(t, pc, func(c *Config) { c.MaxConns = 1 })
	ctx := ctxT(t, 20*time.Second)

	// Statements that leave the session as it was: no reset, the statement cache survives.
	for i := range 5 {
		var n int
		if err := p.QueryRow(ctx, "SELECT ? + 1", i).Scan(&n); err != nil || n != i+1 {
			t.Fatalf("%d: %v", n, err)
		}
	}
	tx, err := p.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.Exec(ctx, "SELECT 1")
	tx.Commit(ctx)
	if n := resets.Load(); n != 0 {
		t.Fatalf("%d resets for an unchanged session", n)
	}

	c, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := c.Conn().ConnID()
	for _, q := range []string{"SET @x = 5", "SET SESSION lock_wait_timeout = 5", "CREATE TEMPORARY TABLE pool_tmp (a INT)"} {
		if _, err := c.Conn().Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	c.Release()
	if n := resets.Load(); n != 1 {
		t.Fatalf("%d resets after a session change, want 1", n)
	}
	c, err = p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if c.Conn().ConnID() != id {
		t.Fatal("the connection was replaced instead of reset")
	}
	var x *int
	var lwt int
	if err := c.Conn().QueryRow(ctx, "SELECT @x, @@SESSION.lock_wait_timeout").Scan(&x, &lwt); err != nil {
		t.Fatal(err)
	}
	if x != nil || lwt != 77 {
		t.Fatalf("after reset: @x=%v lock_wait_timeout=%d (want NULL and the configured 77)", x, lwt)
	}
	var me *myx.MySQLError
	if _, err := c.Conn().Exec(ctx, "SELECT * FROM pool_tmp"); !errors.As(err, &me) || me.Number != myx.ErNoSuchTable {
		t.Fatalf("the temporary table survived the reset: %v", err)
	}
}

func TestAlwaysReset(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	px, pc := newProxy(t, cc)
	var resets atomic.Int32
	px.OnClientData(func(_ int, chunk []byte) mysqltest.Action {
		if isCommand(chunk, comResetConnection, "") {
			resets.Add(1)
		}
		return mysqltest.Forward
	})
	p := newPool(t, pc, func(c *Config) { c.MaxConns = 1; c.AlwaysReset = true })
	ctx := ctxT(t, 20*time.Second)
	c, _ := p.Acquire(ctx)
	c.Conn().Exec(ctx, "DO GET_LOCK('pool_always_reset', 0)") // a named lock the server does not flag
	c.Release()
	var held int
	if err := p.QueryRow(ctx, "SELECT IS_USED_LOCK('pool_always_reset') IS NOT NULL").Scan(&held); err != nil || held != 0 {
		t.Fatalf("named lock survived the release: %d %v", held, err)
	}
	if n := resets.Load(); n != 2 {
		t.Fatalf("%d resets for two releases", n)
	}
}

func TestReleaseInsideTransactionRollsBack(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY")
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 1 })
	ctx := ctxT(t, 20*time.Second)
	c, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := c.Conn().ConnID()
	if _, err := c.Conn().Exec(ctx, "START TRANSACTION"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Conn().Exec(ctx, "INSERT INTO "+table+" VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	c.Release()

	c, err = p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if c.Conn().InTransaction() {
		t.Fatal("a connection was handed on inside a transaction")
	}
	if c.Conn().ConnID() != id {
		t.Fatal("the connection was closed instead of rolled back")
	}
	var n int
	if err := c.Conn().QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the abandoned transaction's row: count %d, %v", n, err)
	}
}

func TestReleaseWithUnreadResultClosesConnection(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.SequenceEngine)
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 1 })
	ctx := ctxT(t, 20*time.Second)
	c, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := c.Conn().ConnID()
	rows, err := c.Conn().Query(ctx, "SELECT seq FROM seq_1_to_100000")
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	c.Release() // the Rows is still open
	if s := settled(t, p); s.DestroyedConns != 1 || s.TotalConns != 0 {
		t.Fatalf("a busy connection went back to the pool: %+v", s)
	}
	var v string
	if err := p.QueryRow(ctx, "SELECT 'mine'").Scan(&v); err != nil || v != "mine" {
		t.Fatalf("next user: %q %v", v, err)
	}
	if connID(t, p) == id {
		t.Fatal("the busy connection was reused")
	}
}

func TestPoolQueryReleasesConnection(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 1 })
	ctx := ctxT(t, 20*time.Second)
	inUse := func(what string) {
		t.Helper()
		if s := checkStat(t, p); s.InUseConns != 0 {
			t.Fatalf("%s: connection still in use: %+v", what, s)
		}
	}
	// Read to the end.
	rows, err := p.Query(ctx, "SELECT 1 UNION ALL SELECT 2")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if n != 2 || rows.Err() != nil {
		t.Fatalf("%d rows, %v", n, rows.Err())
	}
	inUse("Rows read to the end")
	rows.Close()
	// Closed early.
	rows, err = p.Query(ctx, "SELECT 1 UNION ALL SELECT 2")
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	if p.Stat().InUseConns != 1 {
		t.Fatal("an open Rows must hold its connection")
	}
	rows.Close()
	inUse("Rows closed early")
	// With the collectors.
	rows, err = p.Query(ctx, "SELECT 1 AS a UNION ALL SELECT 2")
	if err != nil {
		t.Fatal(err)
	}
	vals, err := myx.CollectRows(rows, myx.RowTo[int])
	if err != nil || len(vals) != 2 {
		t.Fatalf("%v %v", vals, err)
	}
	inUse("CollectRows")
	// No result set.
	rows, err = p.Query(ctx, "DO 1")
	if err != nil {
		t.Fatal(err)
	}
	inUse("statement without rows")
	rows.Close()
	// A failing query: the error is reported, the connection released.
	var me *myx.MySQLError
	if _, err := p.Query(ctx, "SELECT * FROM no_such_table_pool"); !errors.As(err, &me) {
		t.Fatalf("got %v", err)
	}
	inUse("failed Query")
	if err := p.QueryRow(ctx, "SELECT * FROM no_such_table_pool").Scan(new(int)); !errors.As(err, &me) {
		t.Fatalf("got %v", err)
	}
	inUse("failed QueryRow")
	if err := p.QueryRow(ctx, "SELECT 1 FROM DUAL WHERE FALSE").Scan(new(int)); !errors.Is(err, myx.ErrNoRows) {
		t.Fatalf("got %v", err)
	}
	inUse("QueryRow without rows")
	if _, err := p.Exec(ctx, "DO 1"); err != nil {
		t.Fatal(err)
	}
	inUse("Exec")
	if _, err := p.ExecMany(ctx, "SELECT ?", [][]any{{1}, {2}}); err != nil {
		t.Fatal(err)
	}
	inUse("ExecMany")
	if err := p.AcquireFunc(ctx, func(c *myx.Conn) error { return errors.New("mine") }); err == nil || err.Error() != "mine" {
		t.Fatalf("AcquireFunc: %v", err)
	}
	inUse("AcquireFunc")
	if s := p.Stat(); s.CreatedConns != 1 {
		t.Fatalf("connections were replaced: %+v", s)
	}
}

func TestHooks(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	var connects, releases atomic.Int32
	var reject atomic.Uint32 // a connection id BeforeAcquire rejects
	var dropOnRelease atomic.Bool
	p := newPool(t, cc, func(c *Config) {
		c.MaxConns = 2
		c.AfterConnect = func(ctx context.Context, c *myx.Conn) error {
			connects.Add(1)
			return c.Ping(ctx)
		}
		c.BeforeAcquire = func(ctx context.Context, c *myx.Conn) bool { return c.ConnID() != reject.Load() }
		c.AfterRelease = func(c *myx.Conn) bool {
			releases.Add(1)
			return !dropOnRelease.Load()
		}
	})
	first := connID(t, p)
	if connects.Load() != 1 || releases.Load() != 1 {
		t.Fatalf("connects %d releases %d", connects.Load(), releases.Load())
	}
	reject.Store(first)
	if second := connID(t, p); second == first {
		t.Fatal("BeforeAcquire's rejection ignored")
	}
	if s := settled(t, p); s.DestroyedConns != 1 || connects.Load() != 2 {
		t.Fatalf("rejected connection not closed: %+v", s)
	}
	dropOnRelease.Store(true)
	connID(t, p)
	if s := settled(t, p); s.DestroyedConns != 2 || s.TotalConns != 0 {
		t.Fatalf("AfterRelease's false ignored: %+v", s)
	}

	// BeforeAcquire rejecting everything: a typed error, no endless churn.
	p2 := newPool(t, cc, func(c *Config) {
		c.MaxConns = 2
		c.BeforeAcquire = func(context.Context, *myx.Conn) bool { return false }
	})
	if _, err := p2.Acquire(ctxT(t, 10*time.Second)); !errors.Is(err, ErrAcquireRejected) {
		t.Fatalf("got %v", err)
	}
	settled(t, p2)

	// AfterConnect failing: the acquirer hears of it, nothing leaks.
	boom := errors.New("boom")
	p3 := newPool(t, cc, func(c *Config) {
		c.AfterConnect = func(context.Context, *myx.Conn) error { return boom }
	})
	if _, err := p3.Acquire(ctxT(t, 10*time.Second)); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if s := settled(t, p3); s.TotalConns != 0 || s.DialErrors != 1 {
		t.Fatalf("stat: %+v", s)
	}
}

func TestHijack(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 1 })
	c, err := p.Acquire(ctxT(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	mc := c.Hijack()
	defer mc.Close(context.Background())
	if c.Hijack() != nil || c.Conn() != nil {
		t.Fatal("a hijacked Conn must be empty")
	}
	c.Release() // harmless
	if s := checkStat(t, p); s.TotalConns != 0 {
		t.Fatalf("hijacked connection still counted: %+v", s)
	}
	// The pool opens another in its place.
	if connID(t, p) == mc.ConnID() {
		t.Fatal("the hijacked connection is still pooled")
	}
	if err := mc.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestReleaseWithUnfinishedBatchClosesConnection: a connection released while a pipelined
// batch's results are still unread is closed, not handed on.
func TestReleaseWithUnfinishedBatchClosesConnection(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 1 })
	ctx := ctxT(t, 20*time.Second)
	c, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := c.Conn().ConnID()
	b := &myx.Batch{}
	b.Queue("SELECT SLEEP(0.2)")
	b.Queue("SELECT 'not yours'")
	br := c.Conn().SendBatch(ctx, b)
	c.Release() // the batch is still open
	_ = br
	if s := settled(t, p); s.DestroyedConns != 1 || s.TotalConns != 0 {
		t.Fatalf("a connection with an open batch went back to the pool: %+v", s)
	}
	var v string
	if err := p.QueryRow(ctx, "SELECT 'mine'").Scan(&v); err != nil || v != "mine" {
		t.Fatalf("next user: %q %v", v, err)
	}
	if connID(t, p) == id {
		t.Fatal("the busy connection was reused")
	}
}
