package pool

import (
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// TestCloseCheckOnlyAfterIdle: an acquire checks a connection for a close by the server only
// once it has been idle for checkAfter. One used more recently is handed out unchecked, as
// though still in use: a close in that window reaches the next statement as a lost connection
// (Idempotent runs its function again on a fresh connection). One idle for longer is checked and replaced before use. (The window is
// widened here to make the first case certain; by default it is checkAfterIdle.)
func TestCloseCheckOnlyAfterIdle(t *testing.T) {
	t.Parallel()
	if checkAfterIdle <= 0 || checkAfterIdle > 100*time.Millisecond {
		t.Fatalf("checkAfterIdle = %v: the window in which a close goes unchecked must stay short", checkAfterIdle)
	}
	cc := testConnConfig(t)
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 1 })
	ctx := ctxT(t, 20*time.Second)

	// Recently used: not checked, handed out as it is.
	p.checkAfter = time.Hour
	id := connID(t, p)
	kill(t, cc, id)
	c, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Conn().ConnID(); got != id {
		t.Fatalf("got connection %d, want the unchecked %d", got, id)
	}
	if err := c.Conn().QueryRow(ctx, "SELECT 1").Scan(new(int)); !connGone(err) {
		t.Fatalf("a statement on the closed connection: want a lost connection, got %v", err)
	}
	c.Release()
	if s := settled(t, p); s.DestroyedConns != 1 || s.TotalConns != 0 {
		t.Fatalf("the lost connection was not closed: %+v", s)
	}
	id = connID(t, p)
	kill(t, cc, id)
	var ids []uint32
	err = p.Idempotent(ctx, func(c *myx.Conn) error {
		ids = append(ids, c.ConnID())
		return c.QueryRow(ctx, "SELECT 1").Scan(new(int))
	})
	if err != nil || len(ids) != 2 || ids[0] != id || ids[1] == id {
		t.Fatalf("Idempotent after a close right after use: err %v, ran on %v (killed %d): want a second run on a fresh connection", err, ids, id)
	}

	// Idle for long enough: checked and replaced, the caller sees nothing.
	p.checkAfter = 0
	id = connID(t, p)
	kill(t, cc, id)
	destroyed := p.Stat().DestroyedConns
	if got := connID(t, p); got == id {
		t.Fatalf("connection %d was killed, yet it ran the next statement", id)
	}
	if s := settled(t, p); s.DestroyedConns != destroyed+1 {
		t.Fatalf("the closed connection was not replaced before use: %+v", s)
	}
}
