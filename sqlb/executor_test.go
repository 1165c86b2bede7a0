package sqlb

import (
	"context"
	"errors"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/pool"
)

// One interface runs statements on a connection, a transaction (and a nested one) and a
// pool; the dialect comes from whatever can tell it.

func TestExecutors(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	info := conn.ServerInfo()
	d, ok, err := DialectOf(ctx, conn)
	if err != nil || !ok || d != DialectForServer(info) || d.Version != info.Number() || d.String() != info.String() {
		t.Fatalf("DialectOf(conn) = %v, %v, %v for %s", d, ok, err, info)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	nested, err := tx.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, ex := range map[string]Executor{"tx": tx, "savepoint": nested} {
		if got, ok, err := DialectOf(ctx, ex); err != nil || !ok || got != d {
			t.Fatalf("DialectOf(%s) = %v, %v, %v", name, got, ok, err)
		}
	}
	mustExec(t, ctx, nested, InsertInto(user).Values(userUsername.Set("eve")))
	check(t, "in the savepoint", column[int64](t, ctx, nested, Select(CountAll()).From(user)), []int64{5})
	if err := nested.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	check(t, "rolled back to the savepoint", column[int64](t, ctx, tx, Select(CountAll()).From(user)), []int64{4})
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}

	// A pool reports its server, as its connections found it: statements compile for it.
	pcfg := &pool.Config{ConnConfig: conn.Config(), MaxConns: 2}
	p, err := pool.NewWithConfig(ctx, pcfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if got, ok, err := DialectOf(ctx, p); err != nil || !ok || got != d {
		t.Fatalf("DialectOf(pool) = %v, %v, %v; want %v", got, ok, err, d)
	}
	check(t, "through the pool", column[string](t, ctx, p, Select(userUsername).Where(userID.Eq(1))), []string{"ann"})
	both := Intersect(Select(jobsJobs).Where(jobsUserID.Eq(1)), Select(jobsJobs).Where(jobsUserID.Eq(3)))
	if d.supports(featureIntersectExcept) {
		check(t, "intersect through the pool", column[string](t, ctx, p, both), []string{"dev"})
	}
	// A pooled transaction tells it too.
	ptx, err := p.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok, err := DialectOf(ctx, ptx); err != nil || !ok || got != d {
		t.Fatalf("DialectOf(pool tx) = %v, %v, %v", got, ok, err)
	}
	if err := ptx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// Detect asks the server itself, and agrees.
	detected, err := Detect(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := DialectOf(ctx, detected); got != d {
		t.Fatalf("Detect(pool) = %v, want %v", got, d)
	}
	if d.supports(featureShareLock) {
		check(t, "for share", column[string](t, ctx, detected, Select(userUsername).Where(userID.Eq(2)).ForShare()), []string{"bob"})
	}
	// An executor that cannot tell compiles for DefaultDialect (MySQL 8.0.0, without
	// INTERSECT) unless it is wrapped.
	if got, ok, err := DialectOf(ctx, silent{p}); err != nil || ok || got != DefaultDialect {
		t.Fatalf("DialectOf(silent) = %v, %v, %v", got, ok, err)
	}
	if _, err := All[string](ctx, silent{p}, both); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("INTERSECT for DefaultDialect: %v", err)
	}
	// WithDialect targets an older server on purpose: its limits apply before sending.
	old := WithDialect(p, MariaDB(10, 4, 0))
	if _, err := All[string](ctx, old, Select(userUsername).ForUpdate(SkipLocked())); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("SKIP LOCKED for MariaDB 10.4: %v", err)
	}
	if w := WithDialect(old, MySQL(8, 0, 36)); w.(dialectExecutor).Executor != Executor(p) {
		t.Fatal("WithDialect wrapped a wrapper")
	}
	// Nil arguments are errors.
	if _, err := CompileFor(ctx, nil, Select(userID)); err == nil {
		t.Fatal("nil executor accepted")
	}
	if _, err := Exec(ctx, conn, nil); err == nil {
		t.Fatal("nil statement accepted")
	}
	var nilConn *myx.Conn
	if _, err := Exec(ctx, nilConn, Select(userID)); err == nil {
		t.Fatal("nil *myx.Conn accepted")
	}
	if _, err := Query(ctx, WithDialect(nilConn, MySQL(8, 0, 36)), Select(userID)); err == nil {
		t.Fatal("WithDialect(nil) accepted")
	}
	if _, err := Reflect(ctx, nilConn); err == nil {
		t.Fatal("Reflect(nil) accepted")
	}
	if err := testMeta.CreateAll(ctx, nilConn); err == nil {
		t.Fatal("CreateAll(nil) accepted")
	}
	if _, err := Collect[int64](nil); err == nil {
		t.Fatal("Collect(nil) accepted")
	}
	var noRows *Rows
	if _, err := Get(noRows, userID); err == nil {
		t.Fatal("Get on nil rows accepted")
	}
	// A cancelled context stops before anything runs.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Exec(cancelled, conn, InsertInto(user).Values(userUsername.Set("late"))); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	var n int64
	if err := conn.QueryRow(ctx, "SELECT COUNT(*) FROM `user` WHERE username = 'late'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("late insert: %d, %v", n, err)
	}
	var _ Executor = (*myx.Conn)(nil)
	var _ Executor = myx.Tx(nil)
	var _ Executor = (*pool.Pool)(nil)
}

// silent is an Executor that tells nothing of its server.
type silent struct{ Executor }
