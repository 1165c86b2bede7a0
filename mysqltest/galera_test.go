package mysqltest

import (
	"strings"
	"testing"
	"time"
)

// TestGalera starts one three-node cluster and checks replication across
// the nodes and a node leaving and rejoining.
func TestGalera(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	g := StartGaleraT(t, GaleraOptions{})
	t.Logf("Galera cluster of %d nodes Synced in %v: %s", len(g.Nodes()), time.Since(t0), g.DSN())
	ctx := t.Context()
	nodes := g.Nodes()
	if len(nodes) != 3 {
		t.Fatalf("Nodes() has %d nodes, want 3", len(nodes))
	}
	if got, want := g.DSN(), "mysql://root@"+strings.Join(g.Addrs(), ",")+"/test?cluster_mode=load-balance"; got != want {
		t.Errorf("DSN() = %q, want %q", got, want)
	}
	for i, s := range nodes {
		if v := queryString(t, s, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_cluster_size'"); v != "3" {
			t.Errorf("node %d: wsrep_cluster_size = %s, want 3", i, v)
		}
	}
	execOn(t, nodes[0], "CREATE TABLE g (id INT PRIMARY KEY) ENGINE=InnoDB")
	execOn(t, nodes[0], "INSERT INTO g VALUES (1)")

	t.Run("WriteReadElsewhere", func(t *testing.T) {
		if n := causalCount(t, nodes[2], "SELECT COUNT(*) FROM g WHERE id = 1"); n != "1" {
			t.Errorf("node 2 has %s rows with id 1, want 1", n)
		}
	})

	t.Run("StopStartNode", func(t *testing.T) {
		if err := g.StopNode(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if err := g.WaitSynced(ctx); err != nil {
			t.Fatal(err)
		}
		if v := queryString(t, nodes[0], "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_cluster_size'"); v != "2" {
			t.Errorf("with node 1 stopped: wsrep_cluster_size = %s, want 2", v)
		}
		execOn(t, nodes[2], "INSERT INTO g VALUES (2)")
		t0 := time.Now()
		if err := g.StartNode(ctx, 1); err != nil {
			t.Fatal(err)
		}
		t.Logf("node 1 rejoined (Synced) in %v", time.Since(t0))
		if err := g.WaitSynced(ctx); err != nil {
			t.Fatal(err)
		}
		if n := causalCount(t, nodes[1], "SELECT COUNT(*) FROM g"); n != "2" {
			t.Errorf("rejoined node 1 has %s rows, want 2", n)
		}
	})

	t.Run("KillStartNode", func(t *testing.T) {
		if err := nodes[2].Kill(); err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		if err := g.WaitSynced(ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("the others noticed node 2 gone in %v", time.Since(t0))
		execOn(t, nodes[0], "INSERT INTO g VALUES (3)")
		t0 = time.Now()
		if err := g.StartNode(ctx, 2); err != nil {
			t.Fatal(err)
		}
		t.Logf("killed node 2 rejoined (Synced) in %v", time.Since(t0))
		if n := causalCount(t, nodes[2], "SELECT COUNT(*) FROM g"); n != "3" {
			t.Errorf("rejoined node 2 has %s rows, want 3", n)
		}
	})

	if err := g.StopNode(ctx, 7); err == nil {
		t.Error("StopNode(7) on 3 nodes: no error")
	}
}

// causalCount runs query on s after the node has applied everything the
// cluster committed before (wsrep_sync_wait).
func causalCount(t *testing.T, s *Server, query string) string {
	t.Helper()
	var v string
	if err := withConn(t.Context(), s, func(c *adminConn) (err error) {
		if err := c.exec(t.Context(), "SET SESSION wsrep_sync_wait = 1"); err != nil {
			return err
		}
		v, err = c.queryString(t.Context(), query)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return v
}
