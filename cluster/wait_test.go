package cluster

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// replPair is a primary and one replica of a mysqltest replication cluster.
type replPair struct {
	repl             *mysqltest.Replication
	primary, replica *mysqltest.Server
	pc, rc           *myx.Conn // a connection to each; pc reports its commits' GTIDs (TrackGTID)
}

// startReplPair starts a primary and one replica, closed when t ends.
func startReplPair(t *testing.T) *replPair {
	t.Helper()
	r := mysqltest.StartReplicationT(t, mysqltest.ReplicationOptions{Replicas: 1})
	p := &replPair{repl: r, primary: r.Primary(), replica: r.Replicas()[0]}
	p.pc, p.rc = connectT(t, p.primary.DSN(), true), connectT(t, p.replica.DSN(), false)
	if !p.pc.TracksGTID() {
		t.Fatalf("%s does not report the session's GTIDs (TrackGTID)", p.pc.ServerInfo())
	}
	p.exec(t, p.pc, "CREATE TABLE test.ryw (id INT PRIMARY KEY, v VARCHAR(32))")
	if err := r.WaitCaughtUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p
}

func connectT(t *testing.T, dsn string, trackGTID bool) *myx.Conn {
	t.Helper()
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TrackGTID = trackGTID
	c, err := myx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func (p *replPair) exec(t *testing.T, c *myx.Conn, query string, args ...any) {
	t.Helper()
	if _, err := c.Exec(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// write inserts a row on the primary and returns the position of that commit, as the writing
// session saw it.
func (p *replPair) write(t *testing.T, id int, v string) Position {
	t.Helper()
	p.exec(t, p.pc, "INSERT INTO test.ryw (id, v) VALUES (?, ?)", id, v)
	g := p.pc.LastGTID()
	pos, err := ParsePosition(g)
	if err != nil || pos.IsZero() {
		t.Fatalf("LastGTID %q: %v", g, err)
	}
	return pos
}

func (p *replPair) primaryPosition(t *testing.T) Position {
	t.Helper()
	pos, err := appliedPosition(context.Background(), p.pc)
	if err != nil {
		t.Fatal(err)
	}
	return pos
}

func readRow(t *testing.T, c *myx.Conn, id int) (string, bool) {
	t.Helper()
	var v string
	err := c.QueryRow(context.Background(), "SELECT v FROM test.ryw WHERE id = ?", id).Scan(&v)
	if errors.Is(err, myx.ErrNoRows) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return v, true
}

func TestWaitAppliedWithoutServer(t *testing.T) {
	// The zero position needs no round trip: not even a connection.
	ok, err := waitApplied(context.Background(), nil, Position{}, time.Second)
	if !ok || err != nil {
		t.Errorf("waitApplied(zero) = %v, %v", ok, err)
	}
}

// TestReplicaWait runs the read-your-writes waits on one primary and replica, started once.
func TestReplicaWait(t *testing.T) {
	p := startReplPair(t)
	ctx := context.Background()

	t.Run("AppliedThenRead", func(t *testing.T) {
		for i := range 20 {
			id := 100 + i
			pos := p.write(t, id, "written")
			ok, err := waitApplied(ctx, p.rc, pos, time.Minute)
			if err != nil || !ok {
				t.Fatalf("waitApplied(%s) = %v, %v", pos, ok, err)
			}
			if v, found := readRow(t, p.rc, id); !found || v != "written" {
				t.Fatalf("after waitApplied(%s) the replica has row %d = %q, %v", pos, id, v, found)
			}
			applied, err := appliedPosition(ctx, p.rc)
			if err != nil || !pos.CoveredBy(applied) {
				t.Fatalf("appliedPosition = %s, %v; does not cover %s", applied, err, pos)
			}
		}
	})

	t.Run("Primary", func(t *testing.T) {
		// The primary has its own commits in gtid_current_pos (MASTER_GTID_WAIT, which looks at
		// gtid_slave_pos, times out there): waitApplied still says applied.
		pos := p.write(t, 200, "own")
		applied, err := appliedPosition(ctx, p.pc)
		if err != nil || !pos.CoveredBy(applied) {
			t.Fatalf("the primary's appliedPosition %s (%v) does not cover its own commit %s", applied, err, pos)
		}
		ok, err := waitApplied(ctx, p.pc, pos, 20*time.Millisecond)
		if err != nil || !ok {
			t.Errorf("waitApplied on the primary for its own commit = %v, %v", ok, err)
		}
	})

	t.Run("OtherFlavour", func(t *testing.T) {
		ok, err := waitApplied(ctx, p.rc, mustParse(t, uuidA+":1"), time.Second)
		if ok || !errors.Is(err, errNoGTIDWait) {
			t.Errorf("waitApplied(MySQL set) on MariaDB = %v, %v", ok, err)
		}
	})

	t.Run("ReplicaStopped", func(t *testing.T) {
		if err := p.repl.StopReplica(ctx, 0); err != nil {
			t.Fatal(err)
		}
		restarted := false
		defer func() {
			if !restarted {
				p.repl.StartReplica(ctx, 0)
			}
		}()
		pos := p.write(t, 300, "late")
		// Not applied: false, no error, once the small bound has passed (the server's own
		// timeout ends the wait; this test sets no deadline of its own).
		for _, bound := range []time.Duration{0, 100 * time.Millisecond} {
			ok, err := waitApplied(ctx, p.rc, pos, bound)
			if ok || err != nil {
				t.Fatalf("waitApplied(%s, %v) on a stopped replica = %v, %v", pos, bound, ok, err)
			}
		}
		if _, found := readRow(t, p.rc, 300); found {
			t.Fatal("the stopped replica has the row")
		}
		applied, err := appliedPosition(ctx, p.rc)
		if err != nil || pos.CoveredBy(applied) {
			t.Fatalf("stopped replica: appliedPosition %s (%v) covers %s", applied, err, pos)
		}
		// Started again, the wait ends when the replica applies the write.
		if err := p.repl.StartReplica(ctx, 0); err != nil {
			t.Fatal(err)
		}
		restarted = true
		ok, err := waitApplied(ctx, p.rc, pos, time.Hour)
		if err != nil || !ok {
			t.Fatalf("waitApplied after START SLAVE = %v, %v", ok, err)
		}
		if v, found := readRow(t, p.rc, 300); !found || v != "late" {
			t.Fatalf("row 300 = %q, %v", v, found)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		// A position the replica will never reach, a bound of an hour: only the context ends
		// the wait.
		far := mustParse(t, "0-1-999999999")
		c := connectT(t, p.replica.DSN(), false)
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
				// The server is asked to wait no longer than the deadline leaves, and ends the
				// wait itself, possibly a moment before the context expires.
				wctx, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
				want = context.DeadlineExceeded
			}
			ok, err := waitApplied(wctx, c, far, time.Hour)
			cancel()
			if ok || !errors.Is(err, want) {
				t.Fatalf("%s: waitApplied = %v, %v; want %v", how, ok, err, want)
			}
			var ie *myx.InterruptedError
			if how == "cancel" && !errors.As(err, &ie) {
				t.Errorf("%s: %v is not a *myx.InterruptedError", how, err)
			}
			// The connection is usable again, or closed cleanly (then it says so).
			if c.IsClosed() {
				t.Logf("%s: the connection was closed: %v", how, err)
				c = connectT(t, p.replica.DSN(), false)
				continue
			}
			var one int
			if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("%s: the connection after the interrupted wait: %d, %v", how, one, err)
			}
		}
	})
}
