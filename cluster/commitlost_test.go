package cluster_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/cluster"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/mysqltest"
)

// loseNextReply makes px reset the connection, instead of passing on the server's answer,
// after the next client chunk that contains marker: the statement reaches the server and runs,
// but the client never learns its outcome.
func loseNextReply(px *mysqltest.Proxy, marker []byte) {
	var mu sync.Mutex
	armed, lose := true, map[int]bool{}
	px.OnClientData(func(conn int, chunk []byte) mysqltest.Action {
		mu.Lock()
		defer mu.Unlock()
		if armed && bytes.Contains(chunk, marker) {
			armed, lose[conn] = false, true
		}
		return mysqltest.Forward
	})
	px.OnServerData(func(conn int, chunk []byte) mysqltest.Action {
		mu.Lock()
		defer mu.Unlock()
		if lose[conn] {
			delete(lose, conn)
			return mysqltest.Reset
		}
		return mysqltest.Forward
	})
}

// TestCommitAnswerLost: in failover mode over two hosts (the first one reached through a
// proxy that loses the answer to COMMIT, the second the same server directly), the lost
// answer is myx.ErrCommitUnknown after one run, never retried on the other host, and the
// transaction committed exactly once. A plain Exec whose answer is lost the same way returns
// the connection error and is not run again either.
func TestCommitAnswerLost(t *testing.T) {
	cc := testsupport.Config(t)
	table := testsupport.NewTable(t, cc, "commitlost", "id INT PRIMARY KEY AUTO_INCREMENT, k INT", "")
	px, err := mysqltest.NewProxy(cc.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.Close() })
	cl := newCluster(t, cc.String(), func(cfg *cluster.Config) {
		c := cfg.Pool.ConnConfig
		c.Addrs = []string{px.Addr(), cc.Addr}
		c.Addr = px.Addr()
		c.TLSMode = myx.TLSDisabled // the proxy's hook reads the statements
		cfg.Mode = myx.ClusterFailover
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	count := func(k int) int {
		t.Helper()
		var n int
		c := testsupport.Connect(t, cc)
		// The server finishes a statement whose answer was lost in its own time: wait for a
		// row (bounded by ctx only), then count them all.
		for {
			if err := c.QueryRow(ctx, "SELECT COUNT(*) FROM "+table+" WHERE k = ?", k).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				return n
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	loseNextReply(px, []byte("\x03COMMIT"))
	runs := 0
	err = cl.BeginFunc(ctx, func(tx myx.Tx) error {
		runs++
		_, err := tx.Exec(ctx, "INSERT INTO "+table+" (k) VALUES (1)")
		return err
	})
	if !errors.Is(err, myx.ErrCommitUnknown) || runs != 1 {
		t.Fatalf("BeginFunc with the COMMIT answer lost: runs %d, err %v; want one run and ErrCommitUnknown", runs, err)
	}
	if n := count(1); n != 1 {
		t.Fatalf("%d rows of the transaction whose COMMIT answer was lost, want exactly 1", n)
	}

	loseNextReply(px, []byte("VALUES (2)"))
	_, err = cl.Exec(ctx, "INSERT INTO "+table+" (k) VALUES (2)")
	var ce *myx.ConnError
	if !errors.As(err, &ce) || myx.SafeToRetry(err) {
		t.Fatalf("Exec with its answer lost: %v; want a *myx.ConnError that is not safe to retry", err)
	}
	if n := count(2); n != 1 {
		t.Fatalf("%d rows of the Exec whose answer was lost, want exactly 1 (never run twice)", n)
	}

	// The cluster goes on working (the next call may find the first host's pool emptied).
	if _, err := cl.Exec(ctx, "INSERT INTO "+table+" (k) VALUES (3)"); err != nil {
		t.Fatal(err)
	}
}
