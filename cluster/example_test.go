package cluster_test

import (
	"context"
	"fmt"
	"log"

	"github.com/myxdb/myx/cluster"
)

// A primary and two replicas: writes on the primary, reads on a replica, and a write read
// back at once through a Session.
func Example() {
	ctx := context.Background()
	cl, err := cluster.New(ctx, "mysql://app@db1:3306,db2:3306,db3:3306/shop?cluster_mode=replication&cluster_lag_limit=5s")
	if err != nil {
		log.Fatal(err)
	}
	defer cl.Close()

	// Reads the caller sends to a replica.
	var n int
	if err := cl.Reader().QueryRow(ctx, "SELECT COUNT(*) FROM orders").Scan(&n); err != nil {
		log.Fatal(err)
	}

	// Read-your-writes: the session collects the write's GTID; the replica read waits for it
	// (or goes to the primary).
	sess := cluster.NewSession()
	sctx := cluster.WithSession(ctx, sess)
	if _, err := cl.Exec(sctx, "INSERT INTO orders (item) VALUES (?)", "tea"); err != nil {
		log.Fatal(err)
	}
	if err := cl.Reader().QueryRow(sctx, "SELECT COUNT(*) FROM orders").Scan(&n); err != nil {
		log.Fatal(err)
	}
	// The position can travel, in a cookie say, to the next request.
	cookie := sess.Position().String()
	fmt.Println(n, cookie != "")

	for _, h := range cl.Stat().Hosts {
		fmt.Println(h.Addr, h.Role, h.State, h.Lag)
	}
}
