package stdlib

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// resets reports how many session resets the driver made on the connection under c.
func resets(t *testing.T, c *sql.Conn) uint64 {
	t.Helper()
	var gen uint64
	if err := c.Raw(func(dc any) error { gen = dc.(*DriverConn).gen; return nil }); err != nil {
		t.Fatal(err)
	}
	return gen
}

// TestResetOnlyWhenNeeded checks that ordinary use (statements, prepared statements,
// transactions with options) never costs a session reset, and that a session change does with
// resetSession=true, and never without.
func TestResetOnlyWhenNeeded(t *testing.T) {
	t.Parallel()
	for _, reset := range []bool{false, true} {
		t.Run(fmt.Sprint("resetSession=", reset), func(t *testing.T) { testResetOnlyWhenNeeded(t, reset) })
	}
}

func testResetOnlyWhenNeeded(t *testing.T, reset bool) {
	dsn := mysqltest.Require(t)
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ResetSession = reset
	db := sql.OpenDB(NewConnector(cfg))
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// TiDB refuses READ ONLY and SERIALIZABLE transactions: use the options the server has.
	info, err := mysqltest.ServerInfoFor(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	readOnly, _ := mysqltest.ReadOnlyTransactions.Has(info)
	level := sql.LevelSerializable
	if ok, _ := mysqltest.AllIsolationLevels.Has(info); !ok {
		level = sql.LevelRepeatableRead
	}
	if _, err := db.ExecContext(ctx, "CREATE TEMPORARY TABLE ignored (a INT)"); err != nil {
		t.Fatal(err)
	}
	// Statements whose effects go beyond the session, each on the pooled connection.
	work := []func() error{
		func() error { _, err := db.ExecContext(ctx, "DO ?", 1); return err },
		func() error { var v int; return db.QueryRowContext(ctx, "SELECT ? + 1", 1).Scan(&v) },
		func() error { var v any; return db.QueryRowContext(ctx, "SELECT LAST_INSERT_ID()").Scan(&v) },
		func() error {
			st, err := db.PrepareContext(ctx, "SELECT ?")
			if err != nil {
				return err
			}
			defer st.Close()
			var v int
			return st.QueryRowContext(ctx, 5).Scan(&v)
		},
		func() error {
			tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted, ReadOnly: readOnly})
			if err != nil {
				return err
			}
			var v int
			if err := tx.QueryRowContext(ctx, "SELECT 1").Scan(&v); err != nil {
				return err
			}
			return tx.Commit()
		},
		func() error {
			tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: level})
			if err != nil {
				return err
			}
			return tx.Rollback()
		},
	}
	// The temporary table changed the session: the first reuse resets it, once.
	for _, w := range work {
		if err := w(); err != nil {
			t.Fatal(err)
		}
	}
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := resets(t, c)
	c.Close()
	want := uint64(0)
	if reset {
		want = 1
	}
	if before != want {
		t.Errorf("%d resets after a session change and ordinary work, want %d", before, want)
	}
	for range 3 {
		for _, w := range work {
			if err := w(); err != nil {
				t.Fatal(err)
			}
		}
	}
	c, err = db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if after := resets(t, c); after != before {
		t.Errorf("ordinary work caused %d session resets", after-before)
	}
}
