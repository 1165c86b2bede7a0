package pool

import (
	"errors"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// A pool reports its server as its connections found it, learning it with a connection of
// its own when it has none yet, and keeping it afterwards.
func TestServerInfo(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	want := direct(t, cc).ServerInfo()
	p := newPool(t, cc, nil)
	ctx := ctxT(t, 30*time.Second)
	info, err := p.ServerInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info != want || info.Major == 0 {
		t.Fatalf("ServerInfo = %+v, want %+v", info, want)
	}
	// Kept: a second call takes no connection.
	before := p.Stat().AcquireCount
	if again, err := p.ServerInfo(ctx); err != nil || again != want {
		t.Fatalf("second ServerInfo = %+v, %v", again, err)
	}
	if after := p.Stat().AcquireCount; after != before {
		t.Fatalf("the second ServerInfo acquired a connection (%d acquires, then %d)", before, after)
	}
	checkStat(t, p)

	// A pool whose first connection came from another call knows it without acquiring.
	q := newPool(t, cc, nil)
	if err := q.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	before = q.Stat().AcquireCount
	if got, err := q.ServerInfo(ctx); err != nil || got != want || q.Stat().AcquireCount != before {
		t.Fatalf("after a ping: %+v, %v, acquires %d -> %d", got, err, before, q.Stat().AcquireCount)
	}
}

// While the server cannot be reached, ServerInfo is an error, not a default; once it can
// be, the answer is the server's.
func TestServerInfoUnreachable(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	want := direct(t, cc).ServerInfo()
	px, pc := newProxy(t, cc)
	px.RefuseNew(true)
	p := newPool(t, pc, nil)
	ctx := ctxT(t, 30*time.Second)
	info, err := p.ServerInfo(ctx)
	if err == nil || info != (myx.ServerInfo{}) {
		t.Fatalf("unreachable server: %+v, %v", info, err)
	}
	if !myx.IsConnLost(err) {
		t.Errorf("unreachable server: %v (%T), want a connection error", err, err)
	}
	px.RefuseNew(false)
	if info, err = p.ServerInfo(ctx); err != nil || info != want {
		t.Fatalf("reachable again: %+v, %v; want %+v", info, err, want)
	}

	// A closed pool that never learned its server says so.
	r := newPool(t, pc, nil)
	r.Close()
	if _, err := r.ServerInfo(ctx); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed pool: %v", err)
	}
}
