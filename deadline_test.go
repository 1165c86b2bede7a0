package myx_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// pollers runs f with replies awaited in poll(2) (the Linux default) and in the runtime's
// network poller.
func pollers(t *testing.T, f func(t *testing.T, mode myx.PollMode)) {
	t.Run("poll", func(t *testing.T) { f(t, myx.PollThread) })
	t.Run("runtime", func(t *testing.T) { f(t, myx.PollRuntime) })
	t.Run("adaptive-runtime", func(t *testing.T) { f(t, pollAdaptiveBeyondLimit) })
}

// wantTimeout checks that err is a read or write timeout inside a *ConnError and that c is
// closed.
func wantTimeout(t *testing.T, c *myx.Conn, err error, op string, after time.Duration) {
	t.Helper()
	var te *myx.TimeoutError
	var ce *myx.ConnError
	if !errors.As(err, &te) || !errors.As(err, &ce) {
		t.Fatalf("got %v (%T), want a *ConnError with a *TimeoutError", err, err)
	}
	if te.Op != op || te.After != after || !te.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("timeout error %+v", te)
	}
	if myx.SafeToRetry(err) && op == "read" {
		t.Errorf("a read timeout is safe to retry: %v", err)
	}
	if !c.IsClosed() {
		t.Error("connection still open after a timeout")
	}
}

func TestReadTimeoutFires(t *testing.T) {
	pollers(t, func(t *testing.T, mode myx.PollMode) {
		cfg, proxy := proxiedConfig(t)
		cfg.ReadTimeout = 300 * time.Millisecond
		setPoller(cfg, mode)
		c, err := myx.ConnectConfig(ctxT(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(context.Background())
		var n int
		if err := c.QueryRow(ctxT(t), "SELECT 1").Scan(&n); err != nil || n != 1 {
			t.Fatalf("before the black hole: %v", err)
		}
		proxy.BlackHole(true)
		defer proxy.BlackHole(false)
		_, err = c.Exec(ctxT(t), "DO 1") // ctxT's deadline is far later
		wantTimeout(t, c, err, "read", cfg.ReadTimeout)
	})
}

// TestReadTimeoutMidResult: the server stops sending in the middle of a result; the read
// that waits fails and the connection, out of sync, is closed.
func TestReadTimeoutMidResult(t *testing.T) {
	skipUnless(t, mysqltest.SequenceEngine)
	pollers(t, func(t *testing.T, mode myx.PollMode) {
		cfg, proxy := proxiedConfig(t)
		cfg.ReadTimeout = 300 * time.Millisecond
		setPoller(cfg, mode)
		c, err := myx.ConnectConfig(ctxT(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(context.Background())
		rows, err := c.Query(ctxT(t), "SELECT seq, REPEAT('x', 200) FROM seq_1_to_2000000")
		if err != nil {
			t.Fatal(err)
		}
		if !rows.Next() {
			t.Fatal(rows.Err())
		}
		proxy.BlackHole(true)
		defer proxy.BlackHole(false)
		n := 1
		for rows.Next() {
			n++
		}
		err = rows.Err()
		rows.Close()
		if n >= 2000000 {
			t.Fatalf("read all %d rows through a black hole", n)
		}
		wantTimeout(t, c, err, "read", cfg.ReadTimeout)
	})
}

// TestReadTimeoutAndContext: a context deadline earlier than the read timeout wins (the call
// is interrupted, not timed out).
func TestReadTimeoutAndContext(t *testing.T) {
	pollers(t, func(t *testing.T, mode myx.PollMode) {
		cfg, proxy := proxiedConfig(t)
		cfg.ReadTimeout = time.Hour
		cfg.KillTimeout = 200 * time.Millisecond // the kill goes through the black hole too
		setPoller(cfg, mode)
		c, err := myx.ConnectConfig(ctxT(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(context.Background())
		proxy.BlackHole(true)
		defer proxy.BlackHole(false)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err = c.Exec(ctx, "DO 1")
		var ie *myx.InterruptedError
		if !errors.As(err, &ie) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want an InterruptedError", err)
		}
		var te *myx.TimeoutError
		if errors.As(err, &te) {
			t.Errorf("the read timeout fired: %v", err)
		}
	})
}

// TestReadTimeoutUnused: with a generous timeout, ordinary work (many rows, many calls,
// prepared statements) is unaffected.
func TestReadTimeoutUnused(t *testing.T) {
	skipUnless(t, mysqltest.SequenceEngine)
	pollers(t, func(t *testing.T, mode myx.PollMode) {
		c := connect(t, func(cfg *myx.Config) {
			cfg.ReadTimeout, cfg.WriteTimeout = time.Minute, time.Minute
			setPoller(cfg, mode)
		})
		for i := range 50 {
			var n int
			if err := c.QueryRow(ctxT(t), "SELECT ?", i).Scan(&n); err != nil || n != i {
				t.Fatalf("%d: %d %v", i, n, err)
			}
		}
		rows, err := c.Query(ctxT(t), "SELECT seq FROM seq_1_to_100000")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		if err := rows.Err(); err != nil || n != 100000 {
			t.Fatalf("%d rows, %v", n, err)
		}
	})
}

// TestWriteTimeoutFires: the server stops reading; once the socket buffers are full the write
// fails and the connection is closed.
func TestWriteTimeoutFires(t *testing.T) {
	cfg, proxy := proxiedConfig(t)
	cfg.WriteTimeout = 300 * time.Millisecond
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	// A command this large first makes the connection learn the server's max_allowed_packet
	// (a read, which a black hole would stall with no read timeout set): learn it now.
	if _, err := c.Exec(ctxT(t), "SELECT '"+strings.Repeat("x", 300<<10)+"'"); err != nil {
		t.Fatal(err)
	}
	proxy.BlackHole(true)
	defer proxy.BlackHole(false)
	// Far more than the kernel buffers between the client and the stalled proxy hold.
	big := "SELECT '" + strings.Repeat("x", 15<<20) + "'" // under the default max_allowed_packet
	_, err = c.Exec(ctxT(t), big)
	wantTimeout(t, c, err, "write", cfg.WriteTimeout)
}

func TestTimeoutErrorText(t *testing.T) {
	e := &myx.TimeoutError{Op: "read", After: 30 * time.Second}
	if e.Error() != "myx: read timed out after 30s (readTimeout)" {
		t.Error(e.Error())
	}
}
