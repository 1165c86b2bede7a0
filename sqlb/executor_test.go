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
	d, ok := DialectOf(conn)
	if !ok || !d.IsMariaDB() || d.Version != (Version{info.Major, info.Minor, info.Patch}) {
		t.Fatalf("DialectOf(conn) = %v, %v for %s", d, ok, info)
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
		if got, ok := DialectOf(ex); !ok || got != d {
			t.Fatalf("DialectOf(%s) = %v, %v", name, got, ok)
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

	// A pool does not report its server: statements compile for DefaultDialect unless
	// it is wrapped, by WithDialect or Detect.
	pcfg := &pool.Config{ConnConfig: conn.Config(), MaxConns: 2}
	p, err := pool.NewWithConfig(ctx, pcfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if got, ok := DialectOf(p); ok || got != DefaultDialect {
		t.Fatalf("DialectOf(pool) = %v, %v", got, ok)
	}
	check(t, "through the pool", column[string](t, ctx, p, Select(userUsername).Where(userID.Eq(1))), []string{"ann"})
	// DefaultDialect is MySQL 8.0.0, without INTERSECT: the pool needs its real dialect.
	both := Intersect(Select(jobsJobs).Where(jobsUserID.Eq(1)), Select(jobsJobs).Where(jobsUserID.Eq(3)))
	if _, err := All[string](ctx, p, both); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("INTERSECT for DefaultDialect: %v", err)
	}
	detected, err := Detect(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := DialectOf(detected); got != d {
		t.Fatalf("Detect(pool) = %v, want %v", got, d)
	}
	check(t, "detected", column[string](t, ctx, detected, both), []string{"dev"})
	check(t, "for share", column[string](t, ctx, detected, Select(userUsername).Where(userID.Eq(2)).ForShare()), []string{"bob"})
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
