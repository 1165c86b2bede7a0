package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/cluster"
	"github.com/myxdb/myx/internal/testsupport"
)

// readerAddrs runs n reads through read and returns how many ran on each address.
func readerAddrs(t *testing.T, n int, acquire func(context.Context) (*cluster.Conn, error)) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for range n {
		c, err := acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if c.Addr() != c.Conn().Addr() {
			t.Errorf("Conn.Addr %s, its myx.Conn says %s", c.Addr(), c.Conn().Addr())
		}
		seen[c.Addr()]++
		c.Release()
	}
	return seen
}

func TestRouting(t *testing.T) {
	r := sharedReplication(t)
	ctx := context.Background()
	tr := &recorder{}
	cl := newCluster(t, r.DSN(), func(c *cluster.Config) { c.Tracer = tr })
	primary, replicas := r.Primary().Addr(), r.Replicas()
	st := cl.Stat()
	if st.Primary != primary || st.Mode != myx.ClusterReplication || len(st.Hosts) != 3 {
		t.Fatalf("Stat: %+v, want primary %s", st, primary)
	}
	for _, h := range st.Hosts[1:] {
		if h.Role != cluster.RoleReplica || h.State != cluster.StateUp || !h.LagKnown {
			t.Errorf("replica %s: role %v state %v lag known %v", h.Addr, h.Role, h.State, h.LagKnown)
		}
	}
	if len(tr.all()) == 0 {
		t.Error("the tracer heard nothing of the first checks")
	}

	ids := serverIDs(t, r.Servers())
	for range 5 {
		var id int64
		if err := cl.QueryRow(ctx, "SELECT @@server_id").Scan(&id); err != nil {
			t.Fatal(err)
		}
		if ids[id] != primary {
			t.Fatalf("Cluster.QueryRow ran on %s, want the primary %s", ids[id], primary)
		}
	}
	seen := map[string]int{}
	for range 20 {
		var id int64
		if err := cl.Reader().QueryRow(ctx, "SELECT @@server_id").Scan(&id); err != nil {
			t.Fatal(err)
		}
		seen[ids[id]]++
		if err := cl.QueryRow(cluster.ReadFromReplica(ctx), "SELECT @@server_id").Scan(&id); err != nil {
			t.Fatal(err)
		}
		seen[ids[id]]++
	}
	if seen[primary] != 0 || seen[replicas[0].Addr()] == 0 || seen[replicas[1].Addr()] == 0 {
		t.Fatalf("replica reads ran on %v; want both replicas, never the primary %s", seen, primary)
	}

	// Writes, transactions and acquires go to the primary.
	table := fmt.Sprintf("routing_%d", r.Primary().Port())
	if _, err := cl.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+table+" (id INT PRIMARY KEY, src INT)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Exec(context.Background(), "DROP TABLE IF EXISTS "+table) })
	err := cl.BeginFunc(ctx, func(tx myx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO "+table+" VALUES (1, @@server_id)")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var src int64
	if err := cl.QueryRow(ctx, "SELECT src FROM "+table+" WHERE id = 1").Scan(&src); err != nil {
		t.Fatal(err)
	}
	if ids[src] != primary {
		t.Fatalf("transaction ran on %s, want the primary", ids[src])
	}
	if got := readerAddrs(t, 3, cl.Acquire); got[primary] != 3 {
		t.Fatalf("Acquire went to %v, want the primary", got)
	}
	rows, err := cl.Reader().Query(ctx, "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Conn().Addr() == primary {
		t.Fatal("Reader.Query on the primary")
	}
	rows.Close()
	if info, err := cl.ServerInfo(ctx); err != nil || info.Version == "" {
		t.Fatalf("ServerInfo: %+v, %v", info, err)
	}
	if err := cl.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestLagExclusion(t *testing.T) {
	r := sharedReplication(t)
	ctx := context.Background()
	cl := newCluster(t, r.DSN(), nil)
	primary, replicas := r.Primary().Addr(), r.Replicas()
	defer func() {
		for i := range replicas {
			if err := r.StartReplica(ctx, i); err != nil {
				t.Error(err)
			}
		}
		if err := r.WaitCaughtUp(ctx); err != nil {
			t.Error(err)
		}
	}()

	// Replica 0 stops replicating: its lag is unknown, it gets no reads once the monitor
	// has seen it.
	if err := r.StopReplica(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if err := cl.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if h := cl.Stat().Hosts[1]; h.LagKnown || h.Addr != replicas[0].Addr() {
		t.Fatalf("stopped replica %s: lag known %v (%v)", h.Addr, h.LagKnown, h.Lag)
	}
	if got := readerAddrs(t, 10, cl.Reader().Acquire); got[replicas[1].Addr()] != 10 {
		t.Fatalf("with replica 0 stopped, reads went to %v; want all on %s", got, replicas[1].Addr())
	}

	// Both stopped: reads fall back to the primary.
	if err := r.StopReplica(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := cl.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := readerAddrs(t, 5, cl.Reader().Acquire); got[primary] != 5 {
		t.Fatalf("with no replica fit, reads went to %v; want the primary %s", got, primary)
	}

	// Back: reads return to the replicas.
	for i := range replicas {
		if err := r.StartReplica(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cl.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := readerAddrs(t, 10, cl.Reader().Acquire); got[primary] != 0 || len(got) != 2 {
		t.Fatalf("replicas running again, reads went to %v", got)
	}
}

func TestReadYourWrites(t *testing.T) {
	r := sharedReplication(t)
	ctx := context.Background()
	cl := newCluster(t, r.DSN(), nil)
	table := fmt.Sprintf("ryw_%d", r.Primary().Port())
	if _, err := cl.Exec(ctx, "CREATE TABLE "+table+" (id INT AUTO_INCREMENT PRIMARY KEY, v INT)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Exec(context.Background(), "DROP TABLE IF EXISTS "+table) })

	sess := cluster.NewSession()
	sctx := cluster.WithSession(ctx, sess)
	onReplica := 0
	for i := 1; i <= 40; i++ {
		var err error
		if i%2 == 0 {
			_, err = cl.Exec(sctx, "INSERT INTO "+table+" (v) VALUES (?)", i)
		} else {
			err = cl.BeginFunc(sctx, func(tx myx.Tx) error {
				_, err := tx.Exec(sctx, "INSERT INTO "+table+" (v) VALUES (?)", i)
				return err
			})
		}
		if err != nil {
			t.Fatal(err)
		}
		if sess.Position().IsZero() {
			t.Fatal("the session observed no GTID after a write")
		}
		// A new session resumed from the position's text, as the next web request would.
		pos, err := cluster.ParsePosition(sess.Position().String())
		if err != nil {
			t.Fatal(err)
		}
		rctx := sctx
		if i%3 == 0 {
			rctx = cluster.WithSession(ctx, cluster.ResumeSession(pos))
		}
		var n int
		var addr string
		err = cl.Reader().AcquireFunc(rctx, func(c *myx.Conn) error {
			addr = c.Addr()
			return c.QueryRow(rctx, "SELECT COUNT(*) FROM "+table).Scan(&n)
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != i {
			t.Fatalf("write %d, then a read under the session on %s counts %d rows", i, addr, n)
		}
		if addr != r.Primary().Addr() {
			onReplica++
		}
	}
	t.Logf("40 writes read back at once: %d reads on a replica, %d on the primary (replica too slow)", onReplica, 40-onReplica)
	if onReplica == 0 {
		t.Error("no read under the session was served by a replica")
	}
}

func TestIdempotentMovesToAnotherReplica(t *testing.T) {
	r := sharedReplication(t)
	ctx := context.Background()
	cl := newCluster(t, r.DSN(), nil)
	var addrs []string
	err := cl.Reader().Idempotent(ctx, func(c *myx.Conn) error {
		addrs = append(addrs, c.Addr())
		if len(addrs) == 1 {
			_, err := c.Exec(ctx, fmt.Sprintf("KILL %d", c.ConnID())) // lose the connection
			if err == nil {
				return errors.New("KILL of our own connection succeeded")
			}
			return err
		}
		var one int
		return c.QueryRow(ctx, "SELECT 1").Scan(&one)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(addrs) != 2 || addrs[0] == addrs[1] || addrs[1] == r.Primary().Addr() {
		t.Fatalf("Idempotent ran on %v; want a second run on the other replica", addrs)
	}
}

func TestUnreachableHostDenied(t *testing.T) {
	r := sharedReplication(t)
	ctx := context.Background()
	dead := testsupport.ClosedAddr(t)
	cfg, err := cluster.ParseConfig(r.Primary().DSN())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Pool.ConnConfig.Addrs = []string{dead, r.Primary().Addr()}
	cfg.Mode = myx.ClusterFailover
	cfg.Pool.MaxConns = 2
	cl, err := cluster.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	st := cl.Stat()
	if h := st.Hosts[0]; h.State != cluster.StateDown || h.DeniedUntil.IsZero() || h.Err == nil {
		t.Fatalf("dead host: %+v", h)
	}
	for range 10 {
		var one int
		if err := cl.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
			t.Fatal(err)
		}
	}
	// Calls never dialled the denied host: only the monitor tries it, on its backoff.
	if ps := cl.Stat().Hosts[0].Pool; ps.DialErrors != 0 || ps.AcquireCount != 0 {
		t.Fatalf("the denied host's pool was used: %+v", ps)
	}
	if got := readerAddrs(t, 3, cl.Acquire); got[r.Primary().Addr()] != 3 {
		t.Fatalf("failover mode went to %v", got)
	}
}
