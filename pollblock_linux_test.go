//go:build linux

package myx_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// Waits on the thread with nothing bounding them are blocking reads once a connection has
// waited on its thread a few times in a row; these tests put a connection in that mode and
// check that cancellation, forced interruption and write timeouts still reach it.

// warmBlocking runs enough queries on c for its waits to become blocking reads.
func warmBlocking(t *testing.T, c *myx.Conn) {
	t.Helper()
	for i := range 20 {
		var n int
		if err := c.QueryRow(context.Background(), "SELECT ?", i).Scan(&n); err != nil || n != i {
			t.Fatalf("warm-up %d: %d %v", i, n, err)
		}
	}
	if !myx.PollBlocking(c) {
		t.Fatal("the connection does not wait with blocking reads")
	}
}

func TestBlockingWaitCancelKeepsConnection(t *testing.T) {
	for _, mode := range []myx.PollMode{myx.PollThread, myx.PollAdaptive} {
		t.Run(mode.String(), func(t *testing.T) {
			c := connect(t, func(cfg *myx.Config) {
				cfg.Poller = mode
				cfg.KillTimeout = 15 * time.Second
			})
			warmBlocking(t, c)
			cancelKeepsConn(t, c)
		})
	}
}

// cancelKeepsConn cancels a statement waiting with a blocking read (the context has no
// deadline) and checks that the kill brought the connection back to a usable state.
func cancelKeepsConn(t *testing.T, c *myx.Conn) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(200*time.Millisecond, cancel)
	var n int
	err := c.QueryRow(ctx, "SELECT SLEEP(30)").Scan(&n)
	var ie *myx.InterruptedError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &ie) || ie.ConnClosed {
		t.Fatalf("got %v, want an InterruptedError with the connection kept", err)
	}
	if err := c.QueryRow(context.Background(), "SELECT 7").Scan(&n); err != nil || n != 7 {
		t.Fatalf("after cancel: %d %v", n, err)
	}
}

// TestBlockingWaitForced: the kill cannot reach the server, so the canceler forces the
// connection; the blocking read must wake up.
func TestBlockingWaitForced(t *testing.T) {
	cfg, proxy := proxiedConfig(t)
	cfg.Poller = myx.PollThread
	cfg.KillTimeout = 300 * time.Millisecond
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	warmBlocking(t, c)
	proxy.BlackHole(true)
	defer proxy.BlackHole(false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err = c.Exec(ctx, "DO 1")
	var ie *myx.InterruptedError
	if !errors.As(err, &ie) || !ie.ConnClosed || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want an InterruptedError with the connection closed", err)
	}
	if !c.IsClosed() {
		t.Fatal("connection not closed")
	}
}

// TestBlockingWaitWriteTimeout: with the socket in blocking mode, a write the stalled server
// does not take still ends with WriteTimeout.
func TestBlockingWaitWriteTimeout(t *testing.T) {
	cfg, proxy := proxiedConfig(t)
	cfg.Poller = myx.PollThread
	cfg.WriteTimeout = 300 * time.Millisecond
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	// Learn max_allowed_packet now (a read the black hole would stall).
	if _, err := c.Exec(context.Background(), "SELECT '"+strings.Repeat("x", 300<<10)+"'"); err != nil {
		t.Fatal(err)
	}
	warmBlocking(t, c)
	proxy.BlackHole(true)
	defer proxy.BlackHole(false)
	_, err = c.Exec(context.Background(), "SELECT '"+strings.Repeat("x", 15<<20)+"'")
	wantTimeout(t, c, err, "write", cfg.WriteTimeout)
}

// TestBlockingWaitContextDeadline: a call with a deadline on a connection in blocking mode
// waits in poll(2) with a timeout and is interrupted at the deadline.
func TestBlockingWaitContextDeadline(t *testing.T) {
	cfg, proxy := proxiedConfig(t)
	cfg.Poller = myx.PollThread
	cfg.KillTimeout = 200 * time.Millisecond
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	warmBlocking(t, c)
	proxy.BlackHole(true)
	defer proxy.BlackHole(false)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = c.Exec(ctx, "DO 1")
	var ie *myx.InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want an InterruptedError", err)
	}
}

// TestBlockingWaitLargeWrite: in blocking mode a command larger than the socket buffers is
// written whole (the write may block in the kernel, time out after sendTimeout and go on in
// the runtime's poller) and its reply read.
func TestBlockingWaitLargeWrite(t *testing.T) {
	c := connect(t, func(cfg *myx.Config) { cfg.Poller, cfg.TLSMode = myx.PollThread, myx.TLSDisabled })
	warmBlocking(t, c)
	const size = 8 << 20
	for range 3 {
		var n int
		if err := c.QueryRow(context.Background(), "SELECT LENGTH('"+strings.Repeat("y", size)+"')").Scan(&n); err != nil || n != size {
			t.Fatalf("got %d %v, want %d", n, err, size)
		}
	}
	if !myx.PollBlocking(c) {
		t.Error("the connection left blocking mode")
	}
}
