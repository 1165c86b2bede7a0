package pool

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/myxdb/myx/mysqltest"
)

// TestReleaseWithoutSessionTracking: on a server that cannot flag session changes (simulated
// by switching tracking off in the session's init commands), pooled point queries do not reset
// the connection, so its statement cache survives: 100 queries cost one prepare and no reset.
// A statement that may change the session still makes the release reset it.
func TestReleaseWithoutSessionTracking(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	cc.InitCommands = append(cc.InitCommands,
		"SET SESSION session_track_system_variables = ''",
		"SET SESSION session_track_state_change = OFF")
	px, pc := newProxy(t, cc)
	var resets, prepares atomic.Int32
	px.OnClientData(func(_ int, chunk []byte) mysqltest.Action {
		if isCommand(chunk, comResetConnection, "") {
			resets.Add(1)
		}
		if isCommand(chunk, comStmtPrepare, "SELECT ? + 1") {
			prepares.Add(1)
		}
		return mysqltest.Forward
	})
	p := newPool(t, pc, func(c *Config) { c.MaxConns = 1 })
	ctx := ctxT(t, 30*time.Second)
	for i := range 100 {
		var n int
		if err := p.QueryRow(ctx, "SELECT ? + 1", i).Scan(&n); err != nil || n != i+1 {
			t.Fatalf("%d: %v", n, err)
		}
	}
	if r, pr := resets.Load(), prepares.Load(); r != 0 || pr != 1 {
		t.Fatalf("100 pooled point queries: %d resets and %d prepares, want 0 and 1", r, pr)
	}
	if _, err := p.Exec(ctx, "SET @x = 1"); err != nil {
		t.Fatal(err)
	}
	if n := resets.Load(); n != 1 {
		t.Fatalf("%d resets after SET @x, want 1", n)
	}
	var x *int
	if err := p.QueryRow(ctx, "SELECT @x").Scan(&x); err != nil || x != nil {
		t.Fatalf("@x after the reset: %v %v", x, err)
	}
}
