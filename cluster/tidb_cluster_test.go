package cluster_test

import (
	"context"
	"strings"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/cluster"
	"github.com/myxdb/myx/mysqltest"
)

// TestTiDBNodes runs a load-balance cluster over a TiDB SQL node listed twice over two
// addresses (127.0.0.1 and localhost): each is a node the monitor finds up and writable, with
// no replication and no Galera, and calls are spread over both.
func TestTiDBNodes(t *testing.T) {
	srv := mysqltest.StartTiDBT(t, mysqltest.TiDBOptions{})
	ctx := context.Background()
	addr := srv.Addr()
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	cl := newCluster(t, srv.DSN(), func(c *cluster.Config) {
		c.Mode = myx.ClusterLoadBalance
		c.Pool.ConnConfig.Addrs = []string{addr, "localhost:" + port}
	})
	for _, h := range cl.Stat().Hosts {
		if h.State != cluster.StateUp || h.Role != cluster.RolePrimary || h.Err != nil {
			t.Fatalf("TiDB node %s: %+v", h.Addr, h)
		}
	}
	seen := readerAddrs(t, 10, cl.Acquire)
	if len(seen) != 2 {
		t.Fatalf("load-balance over two TiDB addresses went to %v", seen)
	}
	var one int
	if err := cl.Reader().QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
}
