package myx

import (
	"crypto/tls"
	"fmt"
	"net"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"
)

// PollMode says how a connection waits for the server's replies (Config.Poller), over plain
// TCP and over TLS alike. It matters on Linux; elsewhere replies are always awaited in the
// runtime's network poller.
type PollMode uint8

const (
	// PollAdaptive, the default, waits on the connection's own thread while few connections
	// made from the same Config are in use: at most twice GOMAXPROCS waiting at once, at most
	// four times GOMAXPROCS having waited in the last millisecond, and neither limit passed
	// in the last 100ms. Otherwise it waits in the runtime's network poller. One connection,
	// or a small pool, gets the cheaper round trip of PollThread; a large pool under many
	// goroutines keeps the thread count and the scheduler's hand-offs of PollRuntime.
	PollAdaptive PollMode = iota
	// PollRuntime always waits in the runtime's network poller, as net.Conn does
	// (DSN runtime_poller=true).
	PollRuntime
	// PollThread always waits in poll(2) on the connection's thread, holding an OS thread per
	// waiting connection (DSN runtime_poller=false).
	PollThread
)

// String gives the mode's name: "adaptive", "runtime" or "thread".
func (m PollMode) String() string {
	switch m {
	case PollAdaptive:
		return "adaptive"
	case PollRuntime:
		return "runtime"
	case PollThread:
		return "thread"
	}
	return fmt.Sprintf("PollMode(%d)", uint8(m))
}

// parsePollMode reads the DSN parameter runtime_poller: a boolean, or "adaptive".
func parsePollMode(s string) (PollMode, error) {
	if s == "adaptive" {
		return PollAdaptive, nil
	}
	on, err := parseBool(s)
	if err != nil {
		return 0, fmt.Errorf("want true, false or adaptive: %w", err)
	}
	if on {
		return PollRuntime, nil
	}
	return PollThread, nil
}

// pollGroup is what the connections made from one Config share: how many of them are waiting
// for the server right now, and how many were active lately.
type pollGroup struct {
	waiting   atomic.Int32
	crowdedAt atomic.Int64 // unix nanoseconds when the group was last crowded; 0 = never
	limit     int32        // waits beyond this many at once go to the runtime's poller
	// activeLimit bounds the connections that waited in the last window (see enter): beyond
	// it, the group counts as crowded.
	activeLimit int32

	// The connections that waited in a window of activeWindow: active counts those of the
	// window under way (each connection once, see enter), lastActive those of the window
	// before; window numbers the windows and windowAt is when the current one began (unix
	// nanoseconds).
	window     atomic.Uint32
	windowAt   atomic.Int64
	active     atomic.Int32
	lastActive atomic.Int32
}

// newPollGroup makes a group whose connections may wait on their threads while at most limit
// of them wait at once and at most activeLimit waited in the last activeWindow.
func newPollGroup(limit, activeLimit int32) *pollGroup {
	g := &pollGroup{limit: limit, activeLimit: activeLimit}
	g.window.Store(1) // a connection's record starts at 0: not yet counted
	return g
}

// calmAfter is how long a group that was crowded (more than its limit of connections waiting,
// or more than its activeLimit active) keeps all its waits in the runtime's poller. In a
// crowded group the moments when few connections wait are those when the replies just came
// in and the goroutines that got them are busy: the worst time for a wait to take a thread.
const calmAfter = 100 * time.Millisecond

// activeWindow is the window over which enter counts the connections of a group that waited.
const activeWindow = time.Millisecond

// enter counts a wait of the group (the caller subtracts it from waiting when done) and tells
// whether it may be on the thread. seen is the waiting connection's own record of the last
// window it was counted in.
//
// Two counts decide. The connections waiting right now tell how many threads the waits would
// hold. But they say little about a pool whose client is the bottleneck: replies then wait
// for the goroutines to get the CPU, and few connections are inside a read at any moment
// even though all are in use; a wait on the thread then holds a P that runnable goroutines
// need, which makes the client slower still and keeps the count low (measured at 128
// connections and 1000 goroutines: 0.43 context switches per query, against 0.01 in the
// runtime's poller). So the group also counts the distinct connections that waited in the
// last millisecond: more than activeLimit of them means more round trips in flight than a
// few threads can carry, and the runtime's poller, which serves many connections per wakeup,
// is cheaper.
func (g *pollGroup) enter(seen *uint32) bool {
	waiting := g.waiting.Add(1)
	now := time.Now().UnixNano()
	if at := g.windowAt.Load(); now-at >= int64(activeWindow) && g.windowAt.CompareAndSwap(at, now) {
		g.lastActive.Store(g.active.Swap(0))
		g.window.Add(1)
	}
	if w := g.window.Load(); *seen != w {
		*seen = w
		g.active.Add(1)
	}
	at := g.crowdedAt.Load()
	if waiting > g.limit || g.lastActive.Load() > g.activeLimit {
		// Stamped at most once a millisecond: in a crowded group every wait comes here, and
		// a store per wait would bounce the group's cache line between the cores.
		if now-at >= int64(activeWindow) {
			g.crowdedAt.Store(now)
		}
		return false
	}
	return at == 0 || now-at > int64(calmAfter)
}

// threadWaitLimit is how many connections of a group may wait in poll(2) at once under
// PollAdaptive: twice GOMAXPROCS. Measured on the pool curve (bench/curve.go, GOMAXPROCS=2, a
// loaded machine): limits of 2, 4 and 8 all did at least as well as the runtime's poller at
// 8/16, 32/64, 64/256 and 128/1000 (connections/goroutines), and 2 and 4 best at 8/16; every
// wait in poll(2) (PollThread) needed 2 to 5 times the context switches per query from 8
// connections on.
func threadWaitLimit() int32 {
	return int32(2 * runtime.GOMAXPROCS(0))
}

// activeConnLimit is how many connections of a group may have waited in the last
// activeWindow for its waits to stay on their threads: four times GOMAXPROCS (eight on the
// two cores of the pool curve, where waiting on the thread paid at 8 connections and 16
// goroutines, and not from 32 connections on).
func activeConnLimit() int32 {
	return int32(4 * runtime.GOMAXPROCS(0))
}

// pollGroup gives the group of the connections made from cfg, creating it on first use.
func (cfg *Config) pollGroup() *pollGroup {
	ptr := (*unsafe.Pointer)(unsafe.Pointer(&cfg.pollers))
	if g := atomic.LoadPointer(ptr); g != nil {
		return (*pollGroup)(g)
	}
	g := newPollGroup(threadWaitLimit(), activeConnLimit())
	if atomic.CompareAndSwapPointer(ptr, nil, unsafe.Pointer(g)) {
		return g
	}
	return (*pollGroup)(atomic.LoadPointer(ptr))
}

// setupPoll puts in place, once the connection is set up, how it waits for replies (see
// pollReader): unless Config.Poller is PollRuntime, a pollReader under the socket raw when
// the connection is plain, or under the TLS connection c.nc when that runs over a
// tlsTransport (see attachPollTLS). Without one (no descriptor, not Linux), the runtime's
// poller waits.
func (c *Conn) setupPoll(raw net.Conn) {
	cfg := c.cfg
	if cfg.Poller == PollRuntime {
		return
	}
	var group *pollGroup
	if cfg.Poller == PollAdaptive {
		group = cfg.pollGroup()
	}
	if c.nc == raw {
		if pr := newPollReader(raw, group); pr != nil {
			c.rd.SetSource(pr)
			c.poll = pr
		}
		return
	}
	if tc, ok := c.nc.(*tls.Conn); ok {
		c.poll = attachPollTLS(tc, group)
	}
}
