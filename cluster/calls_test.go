package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/cluster"
	"github.com/myxdb/myx/internal/testsupport"
)

// The calls other than Exec and Query, through a cluster, on the primary.
func TestWriteCalls(t *testing.T) {
	r := sharedReplication(t)
	ctx := context.Background()
	cl := newCluster(t, r.DSN(), nil)
	table := fmt.Sprintf("calls_%d", r.Primary().Port())
	if _, err := cl.Exec(ctx, "CREATE TABLE "+table+" (id INT PRIMARY KEY, v VARCHAR(20))"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Exec(context.Background(), "DROP TABLE IF EXISTS "+table) })
	sess := cluster.NewSession()
	sctx := cluster.WithSession(ctx, sess)

	if _, err := cl.ExecMany(sctx, "INSERT INTO "+table+" VALUES (?, ?)", [][]any{{1, "a"}, {2, "b"}}); err != nil {
		t.Fatal(err)
	}
	p1 := sess.Position()
	if p1.IsZero() {
		t.Fatal("ExecMany: no position observed")
	}
	if n, err := cl.CopyFrom(sctx, table, []string{"id", "v"}, myx.CopyFromRows([][]any{{3, "c"}, {4, "d"}})); err != nil || n != 2 {
		t.Fatalf("CopyFrom: %d, %v", n, err)
	}
	b := &myx.Batch{}
	b.Queue("INSERT INTO " + table + " VALUES (5, 'e')")
	b.Queue("UPDATE " + table + " SET v = 'z' WHERE id = 1")
	br := cl.SendBatch(sctx, b)
	for range 2 {
		if _, err := br.Exec(); err != nil {
			t.Fatal(err)
		}
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	if p2 := sess.Position(); !p1.CoveredBy(p2) || p2.CoveredBy(p1) {
		t.Fatalf("the session's position did not move on: %v then %v", p1, p2)
	}

	// BeginFunc runs the transaction again when its connection is lost before COMMIT.
	attempts := 0
	err := cl.BeginFunc(sctx, func(tx myx.Tx) error {
		attempts++
		if _, err := tx.Exec(sctx, "INSERT INTO "+table+" VALUES (6, 'f')"); err != nil {
			return err
		}
		if attempts == 1 {
			_, err := tx.Exec(sctx, fmt.Sprintf("KILL %d", tx.Conn().ConnID()))
			if err == nil {
				return errors.New("KILL of our own connection succeeded")
			}
			return err
		}
		return nil
	})
	if err != nil || attempts != 2 {
		t.Fatalf("BeginFunc: %v after %d attempts, want success on the second", err, attempts)
	}
	var n int
	if err := cl.Reader().QueryRow(sctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n != 6 {
		t.Fatalf("rows read back on a replica: %d, %v; want 6", n, err)
	}
	var v string
	if err := cl.Reader().QueryRow(sctx, "SELECT v FROM "+table+" WHERE id = 1").Scan(&v); err != nil || v != "z" {
		t.Fatalf("batch update read back: %q, %v", v, err)
	}
}

// With no primary, a write waits FailoverTimeout and fails with a *NoHostError, which says
// nothing was sent; reads on the replica go on.
func TestNoPrimary(t *testing.T) {
	r := sharedReplication(t)
	ctx := context.Background()
	cl := newCluster(t, r.DSN(), func(c *cluster.Config) {
		c.Pool.ConnConfig.Addrs = []string{testsupport.ClosedAddr(t), r.Replicas()[0].Addr()}
		c.FailoverTimeout = 200 * time.Millisecond
	})
	_, err := cl.Exec(ctx, "DO 1")
	var nh *cluster.NoHostError
	if !errors.As(err, &nh) || !myx.SafeToRetry(err) || nh.Want != "primary" {
		t.Fatalf("Exec with no primary: %v, want a *NoHostError (safe to retry)", err)
	}
	var one int
	if err := cl.Reader().QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatalf("read on the replica with no primary: %v", err)
	}
	// A context ending first ends the wait.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := cl.Exec(cctx, "DO 1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Exec with a cancelled context: %v", err)
	}
	cl.Close()
	if _, err := cl.Exec(ctx, "DO 1"); !errors.Is(err, cluster.ErrClosed) {
		t.Fatalf("Exec after Close: %v", err)
	}
}

func TestHeartbeat(t *testing.T) {
	r := sharedReplication(t)
	ctx := context.Background()
	table := fmt.Sprintf("hb_%d", r.Primary().Port())
	cl := newCluster(t, r.DSN()+"&cluster_heartbeat="+table, nil)
	if err := cl.InstallHeartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Exec(context.Background(), "DROP TABLE IF EXISTS "+table) })
	if err := r.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cl.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, h := range cl.Stat().Hosts[1:] {
		if !h.LagKnown || h.Lag < 0 {
			t.Fatalf("replica %s with a heartbeat: lag %v known %v", h.Addr, h.Lag, h.LagKnown)
		}
	}
	// A limit below any measurable lag leaves every replica out: reads go to the primary.
	strict := newCluster(t, r.DSN()+"&cluster_heartbeat="+table, func(c *cluster.Config) { c.LagLimit = time.Nanosecond })
	if got := readerAddrs(t, 3, strict.Reader().Acquire); got[r.Primary().Addr()] != 3 {
		t.Fatalf("with every replica past the lag limit, reads went to %v", got)
	}

	plain := newCluster(t, r.DSN(), nil)
	if err := plain.InstallHeartbeat(ctx); !errors.Is(err, cluster.ErrNoHeartbeat) {
		t.Fatalf("InstallHeartbeat without a table: %v", err)
	}
}
