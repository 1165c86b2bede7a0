package mysqltest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestReplication starts one cluster (a primary, two replicas) and takes it
// through replication, a stopped replica, a delay and, last, a promotion.
func TestReplication(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	r := StartReplicationT(t, ReplicationOptions{})
	t.Logf("replication cluster (primary and %d replicas) started in %v: %s", len(r.Replicas()), time.Since(t0), r.DSN())
	ctx := t.Context()

	if got := len(r.Servers()); got != 3 {
		t.Fatalf("Servers() has %d servers, want 3", got)
	}
	if got, want := r.DSN(), "mysql://root@"+strings.Join(r.Addrs(), ",")+"/test?cluster_mode=replication"; got != want {
		t.Errorf("DSN() = %q, want %q", got, want)
	}
	if r.Addrs()[0] != r.Primary().Addr() {
		t.Errorf("Addrs()[0] = %s, want the primary %s", r.Addrs()[0], r.Primary().Addr())
	}
	for _, s := range r.Replicas() {
		if ro := queryString(t, s, "SELECT @@read_only"); ro != "1" {
			t.Errorf("replica %s: read_only = %s, want 1", s.Addr(), ro)
		}
	}
	if ro := queryString(t, r.Primary(), "SELECT @@read_only"); ro != "0" {
		t.Errorf("primary: read_only = %s, want 0", ro)
	}
	execOn(t, r.Primary(), "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB")

	t.Run("RowsReachReplicas", func(t *testing.T) {
		execOn(t, r.Primary(), "INSERT INTO t VALUES (1)")
		if err := r.WaitCaughtUp(ctx); err != nil {
			t.Fatal(err)
		}
		for _, s := range r.Replicas() {
			if n := queryString(t, s, "SELECT COUNT(*) FROM t WHERE id = 1"); n != "1" {
				t.Errorf("replica %s has %s rows with id 1, want 1", s.Addr(), n)
			}
		}
	})

	t.Run("StopReplica", func(t *testing.T) {
		if err := r.StopReplica(ctx, 1); err != nil {
			t.Fatal(err)
		}
		execOn(t, r.Primary(), "INSERT INTO t VALUES (2)")
		err := r.WaitCaughtUp(ctx)
		if err == nil || !strings.Contains(err.Error(), "not running") {
			t.Fatalf("WaitCaughtUp with a stopped replica: err = %v, want one saying replication is not running", err)
		}
		if n := queryString(t, r.Replicas()[1], "SELECT COUNT(*) FROM t WHERE id = 2"); n != "0" {
			t.Errorf("stopped replica has the row written after it stopped (%s rows)", n)
		}
		if st := replicaField(t, r, r.Replicas()[1], "Slave_SQL_Running"); st != "No" {
			t.Errorf("stopped replica: Slave_SQL_Running = %q, want No", st)
		}
		if err := r.StartReplica(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if err := r.WaitCaughtUp(ctx); err != nil {
			t.Fatal(err)
		}
		if n := queryString(t, r.Replicas()[1], "SELECT COUNT(*) FROM t WHERE id = 2"); n != "1" {
			t.Errorf("restarted replica: %s rows with id 2, want 1", n)
		}
	})

	t.Run("SetDelay", func(t *testing.T) {
		if err := r.SetDelay(ctx, 0, 1500*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if d := replicaField(t, r, r.Replicas()[0], "SQL_Delay"); d != "2" {
			t.Errorf("SQL_Delay = %q after SetDelay(1.5s), want 2 (whole seconds, rounded up)", d)
		}
		execOn(t, r.Primary(), "INSERT INTO t VALUES (3)")
		if err := r.WaitCaughtUp(ctx); err != nil {
			t.Fatal(err)
		}
		if err := r.SetDelay(ctx, 0, 0); err != nil {
			t.Fatal(err)
		}
		if d := replicaField(t, r, r.Replicas()[0], "SQL_Delay"); d != "0" {
			t.Errorf("SQL_Delay = %q after SetDelay(0), want 0", d)
		}
		if err := r.SetDelay(ctx, 0, -time.Second); err == nil {
			t.Error("SetDelay with a negative delay: no error")
		}
		if err := r.StopReplica(ctx, 5); err == nil {
			t.Error("StopReplica(5) on 2 replicas: no error")
		}
	})

	t.Run("Promote", func(t *testing.T) {
		// Replica 1, to be promoted, misses row 4, which replica 0 has:
		// Promote must make it fetch the row from replica 0.
		old := r.Primary()
		if err := r.StopReplica(ctx, 1); err != nil {
			t.Fatal(err)
		}
		execOn(t, old, "INSERT INTO t VALUES (4)")
		pos := queryString(t, old, "SELECT @@gtid_binlog_pos")
		if res := queryString(t, r.Replicas()[0], "SELECT MASTER_GTID_WAIT('"+pos+"')"); res != "0" {
			t.Fatalf("replica 0 waiting for %s: %s", pos, res)
		}
		if err := old.Kill(); err != nil {
			t.Fatal(err)
		}
		np, other := r.Replicas()[1], r.Replicas()[0]
		t0 := time.Now()
		if err := r.Promote(ctx, 1); err != nil {
			t.Fatal(err)
		}
		t.Logf("Promote took %v", time.Since(t0))
		if r.Primary() != np {
			t.Fatalf("Primary() after Promote(1) is %s, want %s", r.Primary().Addr(), np.Addr())
		}
		if reps := r.Replicas(); len(reps) != 1 || reps[0] != other {
			t.Fatalf("Replicas() after Promote = %v, want [%s]", reps, other.Addr())
		}
		if all := r.Servers(); len(all) != 3 || all[2] != old {
			t.Errorf("Servers() after Promote does not end with the old primary")
		}
		if ro := queryString(t, np, "SELECT @@read_only"); ro != "0" {
			t.Errorf("promoted replica: read_only = %s, want 0", ro)
		}
		if st := replicaField(t, r, np, "Slave_IO_Running"); st != "<none>" {
			t.Errorf("promoted replica still replicates (Slave_IO_Running %q)", st)
		}
		execOn(t, np, "INSERT INTO t VALUES (5)")
		if err := r.WaitCaughtUp(ctx); err != nil {
			t.Fatal(err)
		}
		for _, s := range []*Server{np, other} {
			if n := queryString(t, s, "SELECT COUNT(*) FROM t"); n != "5" {
				t.Errorf("%s has %s rows after the promotion, want 5", s.Addr(), n)
			}
		}
		if host := replicaField(t, r, other, "Master_Port"); host != fmt.Sprint(np.Port()) {
			t.Errorf("remaining replica replicates from port %s, want %d", host, np.Port())
		}
	})

	t.Run("PromoteWhilePrimaryRuns", func(t *testing.T) {
		// A switchover: the primary still runs, so Promote fences it
		// (read_only) before the remaining replica takes over.
		old, next := r.Primary(), r.Replicas()[0]
		if err := r.WaitCaughtUp(ctx); err != nil {
			t.Fatal(err)
		}
		if err := r.Promote(ctx, 0); err != nil {
			t.Fatal(err)
		}
		if r.Primary() != next || len(r.Replicas()) != 0 {
			t.Fatalf("after the second Promote: primary %s and %d replicas, want %s and none", r.Primary().Addr(), len(r.Replicas()), next.Addr())
		}
		if ro := queryString(t, old, "SELECT @@read_only"); ro != "1" {
			t.Errorf("the running former primary: read_only = %s, want 1 (fenced)", ro)
		}
		if ro := queryString(t, next, "SELECT @@read_only"); ro != "0" {
			t.Errorf("the new primary: read_only = %s, want 0", ro)
		}
		if got := r.Addrs(); len(got) != 3 || got[0] != next.Addr() || got[2] != old.Addr() {
			t.Errorf("Addrs() = %v, want the new primary first and the last former primary last", got)
		}
	})
}

// execOn runs stmt on s as root.
func execOn(t *testing.T, s *Server, stmt string) {
	t.Helper()
	if err := withConn(t.Context(), s, func(c *adminConn) error { return c.exec(t.Context(), stmt) }); err != nil {
		t.Fatal(err)
	}
}

// queryString returns the first column of the first row of query on s.
func queryString(t *testing.T, s *Server, query string) string {
	t.Helper()
	var v string
	if err := withConn(t.Context(), s, func(c *adminConn) (err error) {
		v, err = c.queryString(t.Context(), query)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return v
}

// replicaField returns a column of s's replica status, "<none>" when s
// replicates from nobody.
func replicaField(t *testing.T, r *Replication, s *Server, name string) string {
	t.Helper()
	var st replicaStatus
	err := withConn(t.Context(), s, func(c *adminConn) (err error) {
		st, err = r.d.statusOf(t.Context(), c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if st == nil {
		return "<none>"
	}
	v, ok := st[name]
	if !ok {
		t.Fatalf("no column %s in replica status", name)
	}
	return v
}
