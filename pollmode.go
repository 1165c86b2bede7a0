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
	// made from the same Config are waiting at once (at most twice GOMAXPROCS, and not within
	// 100ms of more having waited), and in the runtime's network poller otherwise. One connection, or a small pool, gets the cheaper
	// round trip of PollThread; a large pool under many goroutines keeps the thread count and
	// the scheduler's hand-offs of PollRuntime.
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
// for the server right now.
type pollGroup struct {
	waiting   atomic.Int32
	crowdedAt atomic.Int64 // unix nanoseconds when more than limit were last waiting; 0 = never
	limit     int32        // waits beyond this many at once go to the runtime's poller
}

// calmAfter is how long a group that had more than its limit of connections waiting keeps
// all its waits in the runtime's poller. In a crowded group the moments when few connections
// wait are those when the replies just came in and the goroutines that got them are busy: the
// worst time for a wait to take a thread.
const calmAfter = 100 * time.Millisecond

// enter counts a wait of the group (the caller subtracts it from waiting when done) and tells
// whether it may be on the thread.
func (g *pollGroup) enter() bool {
	waiting := g.waiting.Add(1)
	if waiting > g.limit {
		g.crowdedAt.Store(time.Now().UnixNano())
		return false
	}
	at := g.crowdedAt.Load()
	return at == 0 || time.Now().UnixNano()-at > int64(calmAfter)
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

// pollGroup gives the group of the connections made from cfg, creating it on first use.
func (cfg *Config) pollGroup() *pollGroup {
	ptr := (*unsafe.Pointer)(unsafe.Pointer(&cfg.pollers))
	if g := atomic.LoadPointer(ptr); g != nil {
		return (*pollGroup)(g)
	}
	g := &pollGroup{limit: threadWaitLimit()}
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
