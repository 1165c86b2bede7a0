package cluster

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/mysqltest"
)

func TestGaleraStateSynced(t *testing.T) {
	cases := []struct {
		s    GaleraState
		want bool
	}{
		{GaleraState{On: true, Ready: true, LocalState: 4, Comment: "Synced"}, true},
		{GaleraState{On: true, Ready: true, LocalState: 2, Comment: "Donor/Desynced"}, false},
		{GaleraState{On: true, Ready: false, LocalState: 4}, false},
		{GaleraState{On: false, Ready: true, LocalState: 4}, false},
		{GaleraState{}, false},
	}
	for _, c := range cases {
		if got := c.s.Synced(); got != c.want {
			t.Errorf("%+v.Synced() = %v", c.s, got)
		}
	}
}

func TestNotReady(t *testing.T) {
	notReadyErr := &myx.MySQLError{Number: 1047, SQLState: "08S01", Message: "WSREP has not yet prepared node for application use"}
	cases := []struct {
		err  error
		want bool
	}{
		{notReadyErr, true},
		{fmt.Errorf("query: %w", notReadyErr), true},
		{&myx.MySQLError{Number: 1047, SQLState: "08S01", Message: "Unknown command"}, false},
		{&myx.MySQLError{Number: 1213, SQLState: "40001", Message: "WSREP detected deadlock/conflict and aborted the transaction"}, false},
		{errors.New("WSREP has not yet prepared node for application use"), false},
		{nil, false},
	}
	for _, c := range cases {
		if got := notReady(c.err); got != c.want {
			t.Errorf("notReady(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// A Galera certification failure (the transaction lost to a conflicting one committed on
// another node) is error 1213, whether a statement or the COMMIT gets it: BeginTxFunc runs
// the transaction again as it does after a deadlock.
func TestGaleraCertificationFailureRetried(t *testing.T) {
	for _, msg := range []string{
		"Deadlock found when trying to get lock; try restarting transaction",
		"WSREP detected deadlock/conflict and aborted the transaction. Try restarting the transaction",
	} {
		err := &myx.MySQLError{Number: 1213, SQLState: "40001", Message: msg}
		if !myx.RetryableTx(err) || !myx.RetryableTx(fmt.Errorf("commit: %w", err)) {
			t.Errorf("RetryableTx(1213 %q) = false", msg)
		}
	}
}

func TestCausalQuery(t *testing.T) {
	ctx := context.Background()
	if causalRead(ctx) {
		t.Fatal("causal read without CausalRead")
	}
	if got := causalQuery(ctx, "SELECT 1"); got != "SELECT 1" {
		t.Errorf("causalQuery without CausalRead = %q", got)
	}
	cctx, cancel := context.WithCancel(CausalRead(ctx))
	defer cancel()
	if !causalRead(cctx) {
		t.Fatal("CausalRead not seen through a derived context")
	}
	if got, want := causalQuery(cctx, "SELECT v FROM t WHERE id = ?"), "SET STATEMENT wsrep_sync_wait=1 FOR SELECT v FROM t WHERE id = ?"; got != want {
		t.Errorf("causalQuery = %q, want %q", got, want)
	}
}

// A server that is not a Galera node (the shared test server) answers "not Galera" without an
// error, and a causal query runs on it as a plain one, placeholders and all.
func TestGaleraStatePlainServer(t *testing.T) {
	c := connectShared(t)
	ctx := testsupport.Context(t)
	st, err := galeraState(ctx, c)
	if err != nil {
		t.Fatalf("galeraState: %v", err)
	}
	if st.On || st.Synced() {
		t.Errorf("a plain server reports Galera state %+v", st)
	}
	if c.ServerInfo().Flavor != myx.MariaDB {
		return
	}
	var before int
	if err := c.QueryRow(ctx, "SELECT @@SESSION.wsrep_sync_wait").Scan(&before); err != nil {
		t.Fatal(err)
	}
	var n int
	q := causalQuery(CausalRead(ctx), "SELECT ? + 1")
	if err := c.QueryRow(ctx, q, 41).Scan(&n); err != nil || n != 42 {
		t.Errorf("%s: %d, %v", q, n, err)
	}
	var wait int
	if err := c.QueryRow(ctx, "SELECT @@SESSION.wsrep_sync_wait").Scan(&wait); err != nil || wait != before {
		t.Errorf("after the causal query the session's wsrep_sync_wait is %d (%v), want %d", wait, err, before)
	}
}

// connectShared connects to the shared test server (MYSQL_TEST_DSN), closed when t ends.
func connectShared(t *testing.T) *myx.Conn {
	t.Helper()
	return testsupport.Connect(t, testsupport.Config(t))
}

// GaleraNodeChecks checks, on g's first three nodes, the state of synced nodes, causal reads,
// a certification failure retried by BeginFunc, and a node cut off from the others refusing
// work with 1047. It leaves g as it found it (every node Synced) but for a table
// test.galera_ryw. Exported for package cluster_test, so that one Galera cluster can serve
// every Galera test of the package.
func GaleraNodeChecks(t *testing.T, g *mysqltest.Galera) {
	if len(g.Nodes()) < 3 {
		t.Fatalf("GaleraNodeChecks needs three nodes, not %d", len(g.Nodes()))
	}
	ctx := context.Background()
	conns := make([]*myx.Conn, 3)
	for i, s := range g.Nodes()[:3] {
		cfg, err := myx.ParseConfig(s.DSN())
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = testsupport.Connect(t, cfg)
	}
	if _, err := conns[0].Exec(ctx, "CREATE TABLE test.galera_ryw (id INT PRIMARY KEY, n INT)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conns[0].Exec(context.Background(), "DROP TABLE IF EXISTS test.galera_ryw") })

	t.Run("Synced", func(t *testing.T) {
		for i, c := range conns {
			st, err := galeraState(ctx, c)
			if want := (GaleraState{On: true, Ready: true, LocalState: 4, Comment: "Synced"}); err != nil || st != want || !st.Synced() {
				t.Errorf("node %d: galeraState = %+v, %v; want %+v", i, st, err, want)
			}
		}
	})

	t.Run("CausalRead", func(t *testing.T) {
		// A row written on node 0 is there for a causal read on another node at once.
		cctx := CausalRead(ctx)
		for i := range 50 {
			if _, err := conns[0].Exec(ctx, "INSERT INTO test.galera_ryw (id, n) VALUES (?, ?)", 1000+i, i); err != nil {
				t.Fatal(err)
			}
			var n int
			reader := conns[1+i%2]
			if err := reader.QueryRow(cctx, causalQuery(cctx, "SELECT n FROM test.galera_ryw WHERE id = ?"), 1000+i).Scan(&n); err != nil || n != i {
				t.Fatalf("causal read of row %d on another node: %d, %v", 1000+i, n, err)
			}
		}
	})

	t.Run("CertificationFailureRetried", func(t *testing.T) {
		if _, err := conns[0].Exec(ctx, "INSERT INTO test.galera_ryw (id, n) VALUES (1, 0)"); err != nil {
			t.Fatal(err)
		}
		// Node 1 applies the row before it updates it: replication applies asynchronously,
		// and an update that finds no row writes nothing to conflict with.
		var n0 int
		if err := conns[1].QueryRow(CausalRead(ctx), causalQuery(CausalRead(ctx), "SELECT n FROM test.galera_ryw WHERE id = 1")).Scan(&n0); err != nil {
			t.Fatalf("the row on node 1: %v", err)
		}
		// The first attempt updates the row on node 0; before it commits, node 1 commits an
		// update of the same row, which Galera orders first: node 0's transaction fails
		// certification (1213, as a deadlock) and BeginFunc runs it again.
		attempts := 0
		err := myx.BeginFunc(ctx, conns[0], func(tx myx.Tx) error {
			attempts++
			if _, err := tx.Exec(ctx, "UPDATE test.galera_ryw SET n = n + 1 WHERE id = 1"); err != nil {
				return err
			}
			if attempts == 1 {
				if _, err := conns[1].Exec(ctx, "UPDATE test.galera_ryw SET n = n + 10 WHERE id = 1"); err != nil {
					return fmt.Errorf("the conflicting update on node 1: %w", err)
				}
			}
			return nil
		})
		if err != nil || attempts != 2 {
			t.Fatalf("BeginFunc: %v after %d attempts; want success at the second", err, attempts)
		}
		var n int
		if err := conns[2].QueryRow(CausalRead(ctx), causalQuery(CausalRead(ctx), "SELECT n FROM test.galera_ryw WHERE id = 1")).Scan(&n); err != nil || n != 11 {
			t.Fatalf("the row after both updates: %d, %v; want 11", n, err)
		}
	})

	t.Run("NotReady", func(t *testing.T) {
		// Node 2 cut off from the others is not in the primary component: not Synced, and a
		// query of a table is refused with 1047.
		c := conns[2]
		if _, err := c.Exec(ctx, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'"); err != nil {
			t.Fatal(err)
		}
		rejoined := false
		defer func() {
			if !rejoined {
				c.Exec(ctx, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'")
			}
		}()
		var st GaleraState
		var err error
		for { // the node notices it is alone when the others' keepalives stop: no bound here
			if st, err = galeraState(ctx, c); err != nil || !st.Ready {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil || st.Synced() || !st.On {
			t.Fatalf("isolated node: galeraState = %+v, %v", st, err)
		}
		var n int
		err = c.QueryRow(ctx, "SELECT COUNT(*) FROM test.galera_ryw").Scan(&n)
		if !notReady(err) {
			t.Fatalf("a query on the isolated node: %v; want 1047 (notReady)", err)
		}
		if _, err := c.Exec(ctx, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'"); err != nil {
			t.Fatal(err)
		}
		rejoined = true
		if err := g.WaitSynced(ctx); err != nil {
			t.Fatal(err)
		}
		if st, err := galeraState(ctx, c); err != nil || !st.Synced() {
			t.Errorf("node 2 back: galeraState = %+v, %v", st, err)
		}
	})
}
