//go:build linux

package myx_test

import (
	"context"
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
			t.Fatal("a TLS connection does not wait through the poll reader")
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
			cancelKeepsConn(t, c)
		})
	}
	t.Run("read-timeout", func(t *testing.T) {
		c := open(t, func(cfg *myx.Config) { cfg.Poller, cfg.ReadTimeout = myx.PollThread, 300*time.Millisecond })
		_, err := c.Exec(context.Background(), "DO SLEEP(5)")
		wantTimeout(t, c, err, "read", 300*time.Millisecond)
	})
}
