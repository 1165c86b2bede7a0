//go:build linux

package myx_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// TestTLSWaitsLikePlainTCP: over TLS, replies are awaited by the poll reader as over plain
// TCP (on the thread, then with blocking reads), and large replies, cancellation and
// ReadTimeout work as they do there.
func TestTLSWaitsLikePlainTCP(t *testing.T) {
	t.Parallel()
	pki := makePKI(t, t.TempDir())
	srv := mysqltest.StartServerT(t, mysqltest.ServerOptions{Flags: []string{
		"--ssl-ca=" + pki.caFile, "--ssl-cert=" + pki.cert, "--ssl-key=" + pki.key}})
	base, err := myx.ParseConfig(srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	base.TLSMode = myx.TLSRequired
	open := func(t *testing.T, edit func(*myx.Config)) *myx.Conn {
		cfg := base.Copy()
		edit(cfg)
		c, err := myx.ConnectConfig(ctxT(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		if !myx.PollTLS(c) {
			t.Skip("TLS connections are not set up over tlsTransport yet (handshake.go: tls.Client(tlsTransport(cfg, c.nc), ...) and c.setupPoll(raw))")
		}
		return c
	}
	for _, mode := range []myx.PollMode{myx.PollThread, myx.PollAdaptive} {
		t.Run(mode.String(), func(t *testing.T) {
			c := open(t, func(cfg *myx.Config) { cfg.Poller, cfg.KillTimeout = mode, 15*time.Second })
			warmBlocking(t, c)
			var s string
			if err := c.QueryRow(context.Background(), "SELECT REPEAT('z', 1000000)").Scan(&s); err != nil || s != strings.Repeat("z", 1000000) {
				t.Fatalf("a large reply over TLS: %d bytes, %v", len(s), err)
			}
			ctx, cancel := context.WithCancel(context.Background()) // no deadline: a blocking read
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
		})
	}
	t.Run("read-timeout", func(t *testing.T) {
		c := open(t, func(cfg *myx.Config) { cfg.Poller, cfg.ReadTimeout = myx.PollThread, 300*time.Millisecond })
		_, err := c.Exec(context.Background(), "DO SLEEP(5)")
		wantTimeout(t, c, err, "read", 300*time.Millisecond)
	})
}
