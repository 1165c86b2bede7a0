package myx_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// TestEndlessContinuationPacketsBoundMemory plays a hostile server that answers a query with an
// endless stream of 16 MiB continuation packets. The read must fail with ErrPacketTooLarge once
// the joined payload passes the limit, close the connection, and never hold much more than the
// limit: the heap is sampled while the stream is read.
//
// Not parallel: the heap is the process's, so the test must run alone.
func TestEndlessContinuationPacketsBoundMemory(t *testing.T) {
	const piece = 1<<24 - 1
	payload := make([]byte, piece) // allocated before the baseline, reused for every packet
	for i := range payload {
		payload[i] = byte(i)
	}
	var sent atomic.Int64
	fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{}, mysqltest.Auth{},
		func(q mysqltest.Query) []mysqltest.Result {
			if q.SQL != "SELECT endless" {
				return nil
			}
			return []mysqltest.Result{{Custom: func(c *mysqltest.FakeConn) error {
				// At most 1 GiB, in case the client never gives up.
				for i := 0; i < 64; i++ {
					if err := c.WriteRaw([]byte{0xff, 0xff, 0xff, c.Seq()}); err != nil {
						return err
					}
					c.SetSeq(c.Seq() + 1)
					if err := c.WriteRaw(payload); err != nil {
						return err
					}
					sent.Add(piece)
				}
				return nil
			}}}
		}, nil))
	cfg := fakeConfig(t, fs, "u", "")
	if cfg.MaxPacketSize != 0 || myx.DefaultMaxPacketSize != 64<<20 {
		t.Fatalf("default MaxPacketSize %d (%d), want 0 (64 MiB)", cfg.MaxPacketSize, myx.DefaultMaxPacketSize)
	}
	limit := uint64(myx.DefaultMaxPacketSize)
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	_, err = c.Query(context.Background(), "SELECT endless") // no deadline of its own: the work is bounded
	close(stop)
	<-sampled

	if !errors.Is(err, myx.ErrPacketTooLarge) {
		t.Fatalf("want ErrPacketTooLarge, got %v", err)
	}
	if !myx.IsConnLost(err) || !c.IsClosed() {
		t.Errorf("connection not closed after an oversized packet: %v", err)
	}
	if got := sent.Load(); got+piece <= int64(limit) {
		t.Errorf("the client gave up after %d bytes sent, before the limit", got)
	}
	grew := peak.Load() - min(base, peak.Load())
	t.Logf("limit %d MiB, server sent %d MiB, heap grew by at most %d MiB", limit>>20, sent.Load()>>20, grew>>20)
	// The joined payload's buffer (the limit) plus the garbage of its doubling (under a
	// quarter of the limit) and the reader's own buffer.
	if grew > limit+limit/4+16<<20 {
		t.Errorf("heap grew by %d MiB reading a stream cut at %d MiB", grew>>20, limit>>20)
	}
}

func TestMaxPacketSizeLimits(t *testing.T) {
	t.Parallel()
	cfg, err := myx.ParseConfig("mysql://u@127.0.0.1:1/db")
	if err != nil || cfg.MaxPacketSize != 0 {
		t.Fatalf("default: %v %d", err, cfg.MaxPacketSize)
	}
	cfg, err = myx.ParseConfig("u@tcp(127.0.0.1:1)/db?max_packet_size=1073741824")
	if err != nil || cfg.MaxPacketSize != 1<<30 {
		t.Fatalf("1 GiB explicitly: %v", err)
	}
	for _, v := range []string{"1073741825", "0", "-5", "big"} {
		_, err := myx.ParseConfig("u@tcp(127.0.0.1:1)/db?max_packet_size=" + v)
		var ce *myx.ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "max_packet_size") {
			t.Errorf("max_packet_size=%s: %v", v, err)
		}
	}
	cfg.MaxPacketSize = 1<<30 + 1
	_, err = myx.ConnectConfig(context.Background(), cfg)
	var ce *myx.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "MaxPacketSize") {
		t.Errorf("Config.MaxPacketSize above 1 GiB: %v", err)
	}
}
