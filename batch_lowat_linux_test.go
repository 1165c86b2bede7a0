//go:build linux

package myx_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// While many replies to a pipelined batch are owed, a read waits with a low-water mark on the
// socket; the mark never holds back a reply that came. The fake server answers the first
// statement and then waits for the test before it answers the rest: the first reply, far
// smaller than the mark, is read all the same. After the batch, the next wait takes the mark
// off. So too for a connection whose poll group sends every other wait to the runtime's
// poller (crowded): replies owed to a pipeline are awaited on the thread all the same.
func TestFakeBatchLowWaterMark(t *testing.T) {
	t.Parallel()
	t.Run("thread", func(t *testing.T) {
		t.Parallel()
		testBatchLowWaterMark(t, func(cfg *myx.Config) { cfg.Poller = myx.PollThread })
	})
	t.Run("crowded", func(t *testing.T) {
		t.Parallel()
		testBatchLowWaterMark(t, func(cfg *myx.Config) {
			cfg.Poller = myx.PollAdaptive
			myx.SetPollLimit(cfg, 0)
		})
	})
}

func testBatchLowWaterMark(t *testing.T, setup func(*myx.Config)) {
	release := make(chan struct{})
	var executes atomic.Int32
	h := func(q mysqltest.Query) []mysqltest.Result {
		if q.Stage == mysqltest.Execute && executes.Add(1) == 2 {
			<-release
		}
		return []mysqltest.Result{{AffectedRows: 1}}
	}
	fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{}, mysqltest.Auth{}, h, nil))
	cfg := fakeConfig(t, fs, "u", "")
	setup(cfg)
	ctx := ctxT(t)
	c, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	const n = 1000 // 11 bytes owed for each: more than the largest mark
	b := &myx.Batch{}
	for i := range n {
		b.Queue("UPDATE t SET a = ?", i)
	}
	br := c.SendBatch(ctx, b)
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	if res, err := br.Exec(); err != nil || res.RowsAffected != 1 {
		t.Fatalf("first reply: %+v, %v", res, err)
	}
	if set, sock := myx.PollLowat(c); set < 1024 || sock != set {
		t.Errorf("mark while %d replies are owed: set %d, on the socket %d", n-1, set, sock)
	}
	close(release)
	released = true
	for i := 1; i < n; i++ {
		if res, err := br.Exec(); err != nil || res.RowsAffected != 1 {
			t.Fatalf("reply %d: %+v, %v", i, res, err)
		}
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "UPDATE t SET a = ?", 1); err != nil {
		t.Fatal(err)
	}
	if set, sock := myx.PollLowat(c); set != 0 || sock != 1 {
		t.Errorf("mark after the batch: set %d, on the socket %d; want none", set, sock)
	}
}
