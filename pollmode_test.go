package myx_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// pollAdaptiveBeyondLimit stands, in tests, for PollAdaptive with every wait beyond the
// group's poll(2) limit: replies are awaited in the runtime's poller through the adaptive
// path (see setPoller).
const pollAdaptiveBeyondLimit = myx.PollMode(255)

func setPoller(cfg *myx.Config, mode myx.PollMode) {
	if mode == pollAdaptiveBeyondLimit {
		cfg.Poller = myx.PollAdaptive
		myx.SetPollLimit(cfg, 0)
		return
	}
	cfg.Poller = mode
}

func TestParsePollMode(t *testing.T) {
	for v, want := range map[string]myx.PollMode{
		"": myx.PollRuntime, "true": myx.PollRuntime, "1": myx.PollRuntime,
		"false": myx.PollThread, "0": myx.PollThread, "adaptive": myx.PollAdaptive,
	} {
		cfg, err := myx.ParseConfig("mysql://root@127.0.0.1:3306/test?runtime_poller=" + v)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if cfg.Poller != want {
			t.Errorf("runtime_poller=%q: %v, want %v", v, cfg.Poller, want)
		}
	}
	cfg, err := myx.ParseConfig("mysql://root@127.0.0.1:3306/test")
	if err != nil || cfg.Poller != myx.PollAdaptive {
		t.Errorf("default: %v %v, want adaptive", cfg.Poller, err)
	}
	if _, err := myx.ParseConfig("mysql://root@127.0.0.1:3306/test?runtime_poller=sometimes"); err == nil {
		t.Error("runtime_poller=sometimes accepted")
	}
}

// TestPollModesConcurrent: connections of one Config, some waiting in poll(2) and the rest
// in the runtime's poller (limit 2), all get their own replies; afterwards no wait is counted.
func TestPollModesConcurrent(t *testing.T) {
	for _, limit := range []int{0, 2, 100} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Poller = myx.PollAdaptive
			myx.SetPollLimit(cfg, limit)
			const conns, each = 6, 40
			var wg sync.WaitGroup
			errs := make(chan error, conns)
			for i := range conns {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c, err := myx.ConnectConfig(ctxT(t), cfg)
					if err != nil {
						errs <- err
						return
					}
					defer c.Close(context.Background())
					for j := range each {
						var got, slept int
						// SLEEP(0.01) keeps several connections waiting at once.
						want := i*1000 + j
						if err := c.QueryRow(ctxT(t), "SELECT ?, SLEEP(0.01)", want).Scan(&got, &slept); err != nil {
							errs <- err
							return
						}
						if got != want {
							errs <- fmt.Errorf("conn %d: got %d, want %d", i, got, want)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if n := myx.PollWaiting(cfg); n != 0 {
				t.Errorf("%d waits still counted", n)
			}
		})
	}
}

// TestCheckConnAfterReadTimeoutIdle: a connection idle for longer than its ReadTimeout is still
// healthy; the deadline its last read had must not fail the stale check.
func TestCheckConnAfterReadTimeoutIdle(t *testing.T) {
	for _, mode := range []myx.PollMode{myx.PollRuntime, myx.PollThread, pollAdaptiveBeyondLimit} {
		t.Run(fmt.Sprint(uint8(mode)), func(t *testing.T) {
			c := connect(t, func(cfg *myx.Config) {
				cfg.ReadTimeout = 200 * time.Millisecond
				setPoller(cfg, mode)
			})
			var n int
			if err := c.QueryRow(context.Background(), "SELECT 1").Scan(&n); err != nil {
				t.Fatal(err)
			}
			time.Sleep(400 * time.Millisecond) // idle past the read timeout
			if err := c.CheckConn(); err != nil {
				t.Fatalf("CheckConn of a healthy idle connection: %v", err)
			}
			if err := c.QueryRow(context.Background(), "SELECT 2").Scan(&n); err != nil || n != 2 {
				t.Fatalf("after the idle time: %d %v", n, err)
			}
		})
	}
}
