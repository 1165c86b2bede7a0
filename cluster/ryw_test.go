package cluster_test

// Read-your-writes on the shared replication cluster (a primary, two replicas): the waits
// themselves (cluster.WaitApplied, AppliedPosition, exported for tests by wait_test.go), then
// end to end through a Cluster.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/cluster"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/mysqltest"
)

// connectTo connects to s, reporting its commits' GTIDs when trackGTID; closed when t ends.
func connectTo(t *testing.T, s *mysqltest.Server, trackGTID bool) *myx.Conn {
	t.Helper()
	cfg, err := myx.ParseConfig(s.DSN())
	if err != nil {
		t.Fatal(err)
	}
	cfg.TrackGTID = trackGTID
	c := testsupport.Connect(t, cfg)
	if trackGTID && !c.TracksGTID() {
		t.Fatalf("%s does not report the session's GTIDs (TrackGTID)", c.ServerInfo())
	}
	return c
}

// newTable creates a table (id INT PRIMARY KEY, v VARCHAR) on the primary, dropped when t
// ends, and waits until every replica has it.
func newTable(t *testing.T, r *mysqltest.Replication, prefix string) string {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("test.%s_%d", prefix, r.Primary().Port())
	c := connectTo(t, r.Primary(), false)
	if _, err := c.Exec(ctx, "CREATE TABLE "+name+" (id INT PRIMARY KEY, v VARCHAR(32))"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := c.Exec(context.Background(), "DROP TABLE IF EXISTS "+name); err != nil {
			t.Logf("drop %s: %v", name, err)
		}
	})
	if err := r.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	return name
}

// insert writes a row through c and returns the position of that commit as c saw it.
func insert(t *testing.T, c *myx.Conn, table string, id int, v string) cluster.Position {
	t.Helper()
	if _, err := c.Exec(context.Background(), "INSERT INTO "+table+" (id, v) VALUES (?, ?)", id, v); err != nil {
		t.Fatal(err)
	}
	pos, err := cluster.ParsePosition(c.LastGTID())
	if err != nil || pos.IsZero() {
		t.Fatalf("LastGTID %q: %v", c.LastGTID(), err)
	}
	return pos
}

func readRow(t *testing.T, c *myx.Conn, table string, id int) (string, bool) {
	t.Helper()
	var v string
	err := c.QueryRow(context.Background(), "SELECT v FROM "+table+" WHERE id = ?", id).Scan(&v)
	if errors.Is(err, myx.ErrNoRows) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return v, true
}

// stopReplicas stops replication on the replicas given by index and has t's cleanup start
// it again and wait until they caught up, as the shared cluster requires.
func stopReplicas(t *testing.T, r *mysqltest.Replication, idx ...int) {
	t.Helper()
	ctx := context.Background()
	t.Cleanup(func() {
		for _, i := range idx {
			if err := r.StartReplica(ctx, i); err != nil {
				t.Errorf("start replica %d: %v", i, err)
			}
		}
		if err := r.WaitCaughtUp(ctx); err != nil {
			t.Errorf("replicas catching up: %v", err)
		}
	})
	for _, i := range idx {
		if err := r.StopReplica(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReplicaWait(t *testing.T) {
	r := sharedReplication(t)
	ctx := context.Background()
	table := newTable(t, r, "rywwait")
	pc := connectTo(t, r.Primary(), true)
	rc := connectTo(t, r.Replicas()[0], false)

	t.Run("AppliedThenRead", func(t *testing.T) {
		for i := range 20 {
			pos := insert(t, pc, table, 100+i, "written")
			ok, err := cluster.WaitApplied(ctx, rc, pos, time.Minute)
			if err != nil || !ok {
				t.Fatalf("WaitApplied(%s) = %v, %v", pos, ok, err)
			}
			if v, found := readRow(t, rc, table, 100+i); !found || v != "written" {
				t.Fatalf("after WaitApplied(%s) the replica has row %d = %q, %v", pos, 100+i, v, found)
			}
			applied, err := cluster.AppliedPosition(ctx, rc)
			if err != nil || !pos.CoveredBy(applied) {
				t.Fatalf("AppliedPosition = %s, %v; does not cover %s", applied, err, pos)
			}
		}
	})

	t.Run("TwoDomains", func(t *testing.T) {
		if pc.ServerInfo().Flavor != myx.MariaDB {
			t.Skip("replication domains are MariaDB's")
		}
		// A session that wrote in two replication domains waits for both.
		s := cluster.NewSession()
		s.ObservePosition(insert(t, pc, table, 150, "domain 0"))
		if _, err := pc.Exec(ctx, "SET SESSION gtid_domain_id = 7"); err != nil {
			t.Fatal(err)
		}
		pos7 := insert(t, pc, table, 151, "domain 7")
		if _, err := pc.Exec(ctx, "SET SESSION gtid_domain_id = DEFAULT"); err != nil {
			t.Fatal(err)
		}
		s.ObservePosition(pos7)
		pos := s.Position()
		if !strings.HasPrefix(pos7.String(), "7-") || !strings.Contains(pos.String(), ",7-") {
			t.Fatalf("positions %s and %s: want domain 7 in both", pos7, pos)
		}
		ok, err := cluster.WaitApplied(ctx, rc, pos, time.Minute)
		if err != nil || !ok {
			t.Fatalf("WaitApplied(%s) = %v, %v", pos, ok, err)
		}
		for _, id := range []int{150, 151} {
			if _, found := readRow(t, rc, table, id); !found {
				t.Errorf("row %d is not on the replica after WaitApplied(%s)", id, pos)
			}
		}
	})

	t.Run("Primary", func(t *testing.T) {
		// The primary has its own commits in gtid_current_pos, not in the gtid_slave_pos that
		// MASTER_GTID_WAIT looks at: after the (short) bound, WaitApplied still says applied.
		pos := insert(t, pc, table, 200, "own")
		applied, err := cluster.AppliedPosition(ctx, pc)
		if err != nil || !pos.CoveredBy(applied) {
			t.Fatalf("the primary's AppliedPosition %s (%v) does not cover its own commit %s", applied, err, pos)
		}
		ok, err := cluster.WaitApplied(ctx, pc, pos, 20*time.Millisecond)
		if err != nil || !ok {
			t.Errorf("WaitApplied on the primary for its own commit = %v, %v", ok, err)
		}
	})

	t.Run("OtherFlavour", func(t *testing.T) {
		other := "3e11fa47-71ca-11e1-9e33-c80aa9429562:1" // a MySQL GTID set
		if rc.ServerInfo().Flavor != myx.MariaDB {
			other = "0-1-1"
		}
		pos, err := cluster.ParsePosition(other)
		if err != nil {
			t.Fatal(err)
		}
		ok, err := cluster.WaitApplied(ctx, rc, pos, time.Second)
		if ok || !errors.Is(err, cluster.ErrNoGTIDWait) {
			t.Errorf("WaitApplied(%s) on %s = %v, %v", pos, rc.ServerInfo(), ok, err)
		}
	})

	t.Run("ReplicaStopped", func(t *testing.T) {
		stopReplicas(t, r, 0)
		pos := insert(t, pc, table, 300, "late")
		// Not applied: false, no error, once the small bound has passed (the server's own
		// timeout ends the wait; the test sets no deadline of its own).
		for _, bound := range []time.Duration{0, 100 * time.Millisecond} {
			ok, err := cluster.WaitApplied(ctx, rc, pos, bound)
			if ok || err != nil {
				t.Fatalf("WaitApplied(%s, %v) on a stopped replica = %v, %v", pos, bound, ok, err)
			}
		}
		if _, found := readRow(t, rc, table, 300); found {
			t.Fatal("the stopped replica has the row")
		}
		applied, err := cluster.AppliedPosition(ctx, rc)
		if err != nil || pos.CoveredBy(applied) {
			t.Fatalf("stopped replica: AppliedPosition %s (%v) covers %s", applied, err, pos)
		}
		// Started again, the wait ends when the replica applies the write.
		if err := r.StartReplica(ctx, 0); err != nil {
			t.Fatal(err)
		}
		ok, err := cluster.WaitApplied(ctx, rc, pos, time.Hour)
		if err != nil || !ok {
			t.Fatalf("WaitApplied after the replica started again = %v, %v", ok, err)
		}
		if v, found := readRow(t, rc, table, 300); !found || v != "late" {
			t.Fatalf("row 300 = %q, %v", v, found)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		// A position the replica will not reach, a bound of an hour: only the context ends
		// the wait.
		far := farPosition(t, pc)
		c := connectTo(t, r.Replicas()[1], false)
		for _, how := range []string{"cancel", "deadline"} {
			var (
				wctx   context.Context
				cancel context.CancelFunc
				want   error
			)
			if how == "cancel" {
				wctx, cancel = context.WithCancel(ctx)
				time.AfterFunc(50*time.Millisecond, cancel)
				want = context.Canceled
			} else {
				// The server is asked to wait no longer than the deadline leaves and ends the
				// wait itself, possibly a moment before the context expires.
				wctx, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
				want = context.DeadlineExceeded
			}
			ok, err := cluster.WaitApplied(wctx, c, far, time.Hour)
			cancel()
			if ok || !errors.Is(err, want) {
				t.Fatalf("%s: WaitApplied = %v, %v; want %v", how, ok, err, want)
			}
			var ie *myx.InterruptedError
			if how == "cancel" && !errors.As(err, &ie) {
				t.Errorf("%s: %v is not a *myx.InterruptedError", how, err)
			}
			// The connection is usable again, or closed cleanly (and then it says so).
			if c.IsClosed() {
				t.Logf("%s: the connection was closed: %v", how, err)
				c = connectTo(t, r.Replicas()[1], false)
				continue
			}
			var one int
			if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("%s: the connection after the interrupted wait: %d, %v", how, one, err)
			}
		}
	})
}

// farPosition is a position of c's server, far ahead of anything it has committed.
func farPosition(t *testing.T, c *myx.Conn) cluster.Position {
	t.Helper()
	q := "SELECT CONCAT(@@gtid_domain_id, '-', @@server_id, '-999999999')"
	if c.ServerInfo().Flavor != myx.MariaDB {
		q = "SELECT CONCAT(@@server_uuid, ':999999999')"
	}
	var text string
	if err := c.QueryRow(context.Background(), q).Scan(&text); err != nil {
		t.Fatal(err)
	}
	pos, err := cluster.ParsePosition(text)
	if err != nil {
		t.Fatal(err)
	}
	return pos
}

// readVia reads row id through the cluster's Reader under ctx and says which host served it.
func readVia(t *testing.T, cl *cluster.Cluster, ctx context.Context, table string, id int) (v, addr string) {
	t.Helper()
	err := cl.Reader().AcquireFunc(ctx, func(c *myx.Conn) error {
		addr = c.Addr()
		return c.QueryRow(ctx, "SELECT v FROM "+table+" WHERE id = ?", id).Scan(&v)
	})
	if err != nil {
		t.Fatalf("read %d: %v", id, err)
	}
	return v, addr
}

// TestReadYourWritesOnReplicas writes and reads back at once, 200 times, with replicas kept
// fit whatever their lag and a wait long enough for any machine: every read is on a replica,
// and only the wait for the session's position makes it see the row just written.
func TestReadYourWritesOnReplicas(t *testing.T) {
	r := sharedReplication(t)
	ctx := context.Background()
	table := newTable(t, r, "rywmany")
	replicas := []string{r.Replicas()[0].Addr(), r.Replicas()[1].Addr()}
	cl := newCluster(t, r.DSN(), func(cfg *cluster.Config) {
		cfg.LagLimit, cfg.ReadYourWritesWait = -1, time.Hour
	})
	s := cluster.NewSession()
	sctx := cluster.WithSession(ctx, s)
	served := map[string]int{}
	for i := range 200 {
		want := fmt.Sprintf("v%d", i)
		if _, err := cl.Exec(sctx, "INSERT INTO "+table+" (id, v) VALUES (?, ?)", i, want); err != nil {
			t.Fatal(err)
		}
		var v, addr string
		if i%3 != 2 {
			v, addr = readVia(t, cl, sctx, table, i)
			served[addr]++
		} else if err := cl.Reader().QueryRow(sctx, "SELECT v FROM "+table+" WHERE id = ?", i).Scan(&v); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		if v != want {
			t.Fatalf("read %d right after writing it: %q, want %q", i, v, want)
		}
	}
	for addr := range served {
		if !slices.Contains(replicas, addr) {
			t.Errorf("reads served by %s, not a replica (%v): %v", addr, replicas, served)
		}
	}
	if len(served) != len(replicas) {
		t.Errorf("reads not spread over both replicas (an alternating write and read must not pin the reads to one): %v", served)
	}
	t.Logf("reads by host: %v", served)

	// The position travels as text (a cookie) to the next request, another Session.
	if _, err := cl.Exec(sctx, "INSERT INTO "+table+" (id, v) VALUES (1000, 'carried')"); err != nil {
		t.Fatal(err)
	}
	pos, err := cluster.ParsePosition(s.Position().String())
	if err != nil {
		t.Fatal(err)
	}
	v, addr := readVia(t, cl, cluster.WithSession(ctx, cluster.ResumeSession(pos)), table, 1000)
	if v != "carried" || !slices.Contains(replicas, addr) {
		t.Errorf("read under the resumed session: %q on %s", v, addr)
	}
}

// TestReadYourWritesStoppedReplicas: with replication stopped, a read under a session waits
// its (short) bound on a replica, then reads on the primary, and is still correct.
func TestReadYourWritesStoppedReplicas(t *testing.T) {
	r := sharedReplication(t)
	ctx := context.Background()
	table := newTable(t, r, "rywstopped")
	primary := r.Primary().Addr()
	cl := newCluster(t, r.DSN(), func(cfg *cluster.Config) {
		// Stopped replicas stay fit (lag unknown is allowed): the wait is what sends the
		// read to the primary.
		cfg.LagLimit, cfg.ReadYourWritesWait = -1, 100*time.Millisecond
	})
	stopReplicas(t, r, 0, 1)
	s := cluster.NewSession()
	sctx := cluster.WithSession(ctx, s)
	for i := range 5 {
		id := 2000 + i
		if _, err := cl.Exec(sctx, "INSERT INTO "+table+" (id, v) VALUES (?, 'fallback')", id); err != nil {
			t.Fatal(err)
		}
		v, addr := readVia(t, cl, sctx, table, id)
		if v != "fallback" || addr != primary {
			t.Errorf("read %d with the replicas stopped: %q on %s, want it on the primary %s", id, v, addr, primary)
		}
	}
	// Without a session a read goes to a replica, which has not seen the rows.
	var n int
	if err := cl.Reader().QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("a read without a session counts %d rows written after the replicas stopped", n)
	}
}
