package cluster_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/cluster"
	"github.com/myxdb/myx/mysqltest"
)

// TestGalera runs a cluster in load-balance mode over three Galera nodes: traffic on every
// Synced node, none on a node desynced, refusing queries (1047) or gone, and back when it is
// Synced again.
func TestGalera(t *testing.T) {
	g := mysqltest.StartGaleraT(t, mysqltest.GaleraOptions{})
	ctx := context.Background()
	nodes := g.Nodes()
	cl := newCluster(t, g.DSN(), nil)
	if _, err := cl.Exec(ctx, "CREATE TABLE lb (id INT AUTO_INCREMENT PRIMARY KEY, port INT)"); err != nil {
		t.Fatal(err)
	}
	for _, h := range cl.Stat().Hosts {
		if h.Role != cluster.RoleNode || h.State != cluster.StateUp {
			t.Fatalf("node %s: role %v state %v", h.Addr, h.Role, h.State)
		}
	}
	// direct runs a statement on node i, outside the cluster.
	direct := func(i int, q string) {
		t.Helper()
		c, err := myx.Connect(ctx, nodes[i].DSN())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("node %d: %s: %v", i, q, err)
		}
	}
	// writes runs n inserts through the cluster and returns how many ran on each node
	// (by port), counted on the table itself.
	writes := func(n int) map[int]int {
		t.Helper()
		if _, err := cl.Exec(ctx, "DELETE FROM lb"); err != nil {
			t.Fatal(err)
		}
		for range n {
			if _, err := cl.Exec(ctx, "INSERT INTO lb (port) VALUES (@@port)"); err != nil {
				t.Fatal(err)
			}
		}
		got := map[int]int{}
		rows, err := cl.Query(cluster.CausalRead(ctx), "SELECT port, COUNT(*) FROM lb GROUP BY port")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var port, k int
			if err := rows.Scan(&port, &k); err != nil {
				t.Fatal(err)
			}
			got[port] = k
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return got
	}
	all := writes(30)
	for _, s := range nodes {
		if all[s.Port()] == 0 {
			t.Fatalf("writes over three Synced nodes: %v; none on %s", all, s.Addr())
		}
	}

	// A desynced node (not Synced) gets no traffic once the monitor has seen it.
	direct(0, "SET GLOBAL wsrep_desync = ON")
	if err := cl.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if h := cl.Stat().Hosts[0]; h.State != cluster.StateNotReady {
		t.Fatalf("desynced node: state %v", h.State)
	}
	if got := writes(12); got[nodes[0].Port()] != 0 {
		t.Fatalf("writes with node 0 desynced: %v", got)
	}
	direct(0, "SET GLOBAL wsrep_desync = OFF")
	if err := g.WaitSynced(ctx); err != nil {
		t.Fatal(err)
	}

	// A node refusing queries (1047, WSREP not ready): the work goes elsewhere, before or
	// after the monitor notices.
	direct(1, "SET GLOBAL wsrep_reject_queries = ALL")
	if got := writes(12); got[nodes[1].Port()] != 0 {
		t.Fatalf("writes with node 1 refusing queries: %v", got)
	}
	if err := cl.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if h := cl.Stat().Hosts[1]; h.State != cluster.StateNotReady {
		t.Fatalf("node refusing queries: state %v", h.State)
	}
	direct(1, "SET GLOBAL wsrep_reject_queries = NONE")

	// A node that leaves gets no traffic; back, it gets its share again.
	if err := g.StopNode(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := cl.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if h := cl.Stat().Hosts[2]; h.State != cluster.StateDown {
		t.Fatalf("stopped node: state %v", h.State)
	}
	if got := writes(12); got[nodes[2].Port()] != 0 || len(got) != 2 {
		t.Fatalf("writes with node 2 stopped: %v", got)
	}
	if err := g.StartNode(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := cl.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	all = writes(30)
	for _, s := range nodes {
		if all[s.Port()] == 0 {
			t.Fatalf("writes after node 2 rejoined: %v; none on %s", all, s.Addr())
		}
	}
	t.Logf("writes over the nodes: %s", fmt.Sprint(all))
}
