package mysqltest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Direction is a direction of flow through a Proxy.
type Direction int

const (
	// ClientToServer is data the client sends.
	ClientToServer Direction = iota
	// ServerToClient is data the server sends.
	ServerToClient
)

// String returns "client->server" or "server->client".
func (d Direction) String() string {
	switch d {
	case ClientToServer:
		return "client->server"
	case ServerToClient:
		return "server->client"
	}
	return fmt.Sprintf("Direction(%d)", int(d))
}

// Action is what a DataHook tells the proxy to do with a chunk.
type Action int

const (
	// Forward passes the chunk on unchanged.
	Forward Action = iota
	// Reset resets the connection (TCP RST to both sides) without passing
	// the chunk on: the peer never sees it.
	Reset
	// ForwardThenReset passes the chunk on and then resets the connection:
	// the peer has the chunk, but the answer can never come back.
	ForwardThenReset
	// Drop discards the chunk and keeps the connection open, leaving the
	// protocol stream corrupt or stalled.
	Drop
)

// DataHook observes a chunk of data flowing through a proxied connection and
// decides what happens to it. conn is the connection's number (1 for the first
// connection the proxy accepted). Chunk boundaries are those of the reads on
// the source socket: a small packet normally arrives whole, but nothing
// guarantees it. The hook must not retain or modify chunk. It runs on the
// connection's forwarding goroutine, so the direction it watches stalls
// until it returns; it may call any Proxy method.
type DataHook func(conn int, chunk []byte) Action

// ProxyStats are a Proxy's counters since it was created.
type ProxyStats struct {
	// Accepted counts accepted client connections, including refused ones.
	Accepted int64
	// Refused counts connections reset on arrival because of RefuseNew.
	Refused int64
	// DialErrors counts connections reset because the target could not be
	// reached.
	DialErrors int64
	// Resets counts connections the proxy ended with a TCP reset for any
	// reason (ResetAll, ResetConn, DropAfter, a hook), excluding refusals
	// and dial errors.
	Resets int64
	// BytesClientToServer and BytesServerToClient count bytes forwarded.
	BytesClientToServer, BytesServerToClient int64
}

// Proxy is a TCP proxy for injecting network faults between a client and a
// server. It listens on 127.0.0.1 and forwards each accepted connection to
// its target over a new TCP connection. Every method is safe for concurrent
// use, and faults may be changed at any time, including from a DataHook.
type Proxy struct {
	ln     net.Listener
	target string
	ctx    context.Context // cancelled by Close; bounds dials
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	conns     map[int]*proxyConn
	nextID    int
	closed    bool
	latency   time.Duration
	blackhole bool
	refuse    bool
	dropAfter [2]int64 // per Direction; negative means off
	hooks     [2]DataHook
	changed   chan struct{} // closed and replaced when the black hole lifts

	accepted, refused, dialErrors, resets atomic.Int64
	bytes                                 [2]atomic.Int64
}

type proxyConn struct {
	id     int
	client net.Conn
	server net.Conn
	budget [2]int64 // bytes each direction may still carry; negative = unlimited
	once   sync.Once
	done   chan struct{} // closed when the connection is shut down
}

// NewProxy starts a proxy listening on a free port on 127.0.0.1 that forwards
// connections to target, a TCP host:port. Close stops it.
func NewProxy(target string) (*Proxy, error) {
	if _, _, err := net.SplitHostPort(target); err != nil {
		return nil, fmt.Errorf("mysqltest: proxy target %q: %w", target, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mysqltest: proxy listen: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Proxy{
		ln:        ln,
		target:    target,
		ctx:       ctx,
		cancel:    cancel,
		conns:     map[int]*proxyConn{},
		dropAfter: [2]int64{-1, -1},
		changed:   make(chan struct{}),
	}
	p.wg.Add(1)
	go p.acceptLoop()
	return p, nil
}

// Addr returns the address the proxy listens on, 127.0.0.1:PORT.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Target returns the address the proxy forwards to.
func (p *Proxy) Target() string { return p.target }

// DSN rewrites dsn (URL or go-sql-driver form, TCP) so that it points at the
// proxy instead of its original address: the first occurrence of the address
// Addr(dsn) reports is replaced. It fails for unix-socket DSNs.
func (p *Proxy) DSN(dsn string) (string, error) {
	network, address, err := Addr(dsn)
	if err != nil {
		return "", err
	}
	if network == "unix" {
		return "", fmt.Errorf("mysqltest: cannot proxy the unix-socket DSN %q", redact(dsn))
	}
	return replaceAddr(dsn, address, p.Addr()), nil
}

// replaceAddr replaces the host:port in dsn, allowing for a DSN that spells
// it with a default port or none.
func replaceAddr(dsn, address, with string) string {
	for _, cand := range []string{address, hostOnly(address)} {
		for _, wrap := range []string{"@" + cand, "(" + cand} {
			if i := strings.Index(dsn, wrap); i >= 0 {
				return dsn[:i+1] + with + dsn[i+len(wrap):]
			}
		}
	}
	return dsn
}

func hostOnly(address string) string {
	h, _, err := net.SplitHostPort(address)
	if err != nil {
		return address
	}
	if strings.Index(h, ":") >= 0 {
		return "[" + h + "]"
	}
	return h
}

// SetLatency delays every chunk forwarded in either direction by d from now
// on (zero removes the delay). The delay applies per chunk, in order, so a
// response split into many chunks is delayed many times.
func (p *Proxy) SetLatency(d time.Duration) {
	p.mu.Lock()
	p.latency = max(d, 0)
	p.mu.Unlock()
}

// BlackHole, when on, stops forwarding in both directions without closing
// anything: each direction holds the chunk it has read (and the kernel buffers
// the rest), so a client waiting for an answer waits until its own deadline.
// Turning it off delivers the held data and resumes forwarding, as after a
// short network partition.
func (p *Proxy) BlackHole(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.blackhole && !on {
		close(p.changed)
		p.changed = make(chan struct{})
	}
	p.blackhole = on
}

// RefuseNew, when on, makes the proxy accept new connections and reset them
// at once, so a client's first read fails with "connection reset" (or, if the
// reset arrives quickly enough, its connect does). Existing connections are
// unaffected.
func (p *Proxy) RefuseNew(on bool) {
	p.mu.Lock()
	p.refuse = on
	p.mu.Unlock()
}

// DropAfter makes every connection accepted after the call be reset once n
// bytes have flowed from the server to the client: the first n bytes are
// delivered, then both sides get a TCP reset. A negative n turns it off for
// later connections. See DropAfterDir for the other direction.
func (p *Proxy) DropAfter(n int64) { p.DropAfterDir(ServerToClient, n) }

// DropAfterDir is DropAfter for the given direction. Each direction has its
// own limit; a connection is reset when either is reached.
func (p *Proxy) DropAfterDir(dir Direction, n int64) {
	if dir != ClientToServer && dir != ServerToClient {
		return
	}
	p.mu.Lock()
	p.dropAfter[dir] = n
	p.mu.Unlock()
}

// OnClientData installs a hook that sees every chunk the client sends, on all
// connections, before it is forwarded (nil removes it). For example, a test
// can reset the connection when it sees a COMMIT.
func (p *Proxy) OnClientData(h DataHook) {
	p.mu.Lock()
	p.hooks[ClientToServer] = h
	p.mu.Unlock()
}

// OnServerData installs a hook that sees every chunk the server sends (nil
// removes it).
func (p *Proxy) OnServerData(h DataHook) {
	p.mu.Lock()
	p.hooks[ServerToClient] = h
	p.mu.Unlock()
}

// ResetAll resets every live connection with a TCP RST to both the client and
// the server, and returns how many it reset. Calling it while a query or
// transaction is in flight gives a "reset mid-query" or "reset
// mid-transaction" failure.
func (p *Proxy) ResetAll() int {
	n := 0
	for _, pc := range p.snapshot() {
		if p.resetConn(pc) {
			n++
		}
	}
	return n
}

// ResetConn resets the connection numbered id and reports whether it was
// live.
func (p *Proxy) ResetConn(id int) bool {
	p.mu.Lock()
	pc := p.conns[id]
	p.mu.Unlock()
	return pc != nil && p.resetConn(pc)
}

// ActiveConns returns the number of connections being forwarded now. A
// connection stops counting once both its directions have stopped, which
// happens promptly after either side closes or the proxy resets it.
func (p *Proxy) ActiveConns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns)
}

// ConnIDs returns the numbers of the live connections, in no particular
// order.
func (p *Proxy) ConnIDs() []int {
	pcs := p.snapshot()
	ids := make([]int, len(pcs))
	for i, pc := range pcs {
		ids[i] = pc.id
	}
	return ids
}

// Stats returns the proxy's counters.
func (p *Proxy) Stats() ProxyStats {
	return ProxyStats{
		Accepted:            p.accepted.Load(),
		Refused:             p.refused.Load(),
		DialErrors:          p.dialErrors.Load(),
		Resets:              p.resets.Load(),
		BytesClientToServer: p.bytes[ClientToServer].Load(),
		BytesServerToClient: p.bytes[ServerToClient].Load(),
	}
}

// Close stops accepting, closes every connection (with a normal close, not a
// reset) and waits until all of the proxy's goroutines have exited. It is
// idempotent.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	close(p.changed) // wakes black-holed forwarders; they see the conn close
	p.changed = make(chan struct{})
	p.mu.Unlock()
	err := p.ln.Close()
	p.cancel()
	for _, pc := range p.snapshot() {
		pc.shutdown(false)
	}
	p.wg.Wait()
	return err
}

func (p *Proxy) snapshot() []*proxyConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*proxyConn, 0, len(p.conns))
	for _, pc := range p.conns {
		out = append(out, pc)
	}
	return out
}

func (p *Proxy) acceptLoop() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Temporary failures (e.g. too many open files): back off.
			select {
			case <-p.ctx.Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		p.accepted.Add(1)
		p.mu.Lock()
		closed, refuse := p.closed, p.refuse
		p.nextID++
		id := p.nextID
		budget := p.dropAfter
		p.mu.Unlock()
		if closed {
			c.Close()
			return
		}
		if refuse {
			p.refused.Add(1)
			abort(c)
			continue
		}
		p.wg.Add(1)
		go p.serve(id, c, budget)
	}
}

// abort closes c with a TCP reset.
func abort(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

func (p *Proxy) serve(id int, client net.Conn, budget [2]int64) {
	defer p.wg.Done()
	dctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	var d net.Dialer
	server, err := d.DialContext(dctx, "tcp", p.target)
	cancel()
	if err != nil {
		p.dialErrors.Add(1)
		abort(client)
		return
	}
	pc := &proxyConn{id: id, client: client, server: server, budget: budget, done: make(chan struct{})}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		client.Close()
		server.Close()
		return
	}
	p.conns[id] = pc
	p.mu.Unlock()

	// A zero budget means "reset before anything flows".
	for dir := range pc.budget {
		if pc.budget[dir] == 0 {
			p.resetConn(pc)
		}
	}
	var pumps sync.WaitGroup
	pumps.Add(1)
	go func() {
		defer pumps.Done()
		p.pump(pc, ClientToServer, client, server)
	}()
	p.pump(pc, ServerToClient, server, client)
	pumps.Wait()
	p.mu.Lock()
	delete(p.conns, id)
	p.mu.Unlock()
}

// shutdown closes both sockets once, with a reset if rst is set, and reports
// whether this call did it.
func (pc *proxyConn) shutdown(rst bool) bool {
	did := false
	pc.once.Do(func() {
		did = true
		close(pc.done)
		if rst {
			abort(pc.client)
			abort(pc.server)
			return
		}
		pc.client.Close()
		pc.server.Close()
	})
	return did
}

func (p *Proxy) resetConn(pc *proxyConn) bool {
	if pc.shutdown(true) {
		p.resets.Add(1)
		return true
	}
	return false
}

// pump forwards one direction of a connection until either side closes or a
// fault ends it; then it shuts the whole connection down so the other
// direction stops too.
func (p *Proxy) pump(pc *proxyConn, dir Direction, src, dst net.Conn) {
	buf := make([]byte, 32*1024)
	for {
		n, rerr := src.Read(buf)
		if n > 0 && !p.forward(pc, dir, dst, buf[:n]) {
			return
		}
		if rerr != nil {
			pc.shutdown(false)
			return
		}
	}
}

// forward applies the faults to one chunk and writes what remains of it. It
// reports whether the pump should go on.
func (p *Proxy) forward(pc *proxyConn, dir Direction, dst net.Conn, chunk []byte) bool {
	p.mu.Lock()
	hook := p.hooks[dir]
	p.mu.Unlock()
	action := Forward
	if hook != nil {
		action = hook(pc.id, chunk)
	}
	switch action {
	case Reset:
		p.resetConn(pc)
		return false
	case Drop:
		return true
	}
	if !p.waitOpen(pc) {
		return false
	}
	p.mu.Lock()
	latency := p.latency
	p.mu.Unlock()
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-pc.done:
			t.Stop()
			return false
		}
	}
	cut := false
	if b := pc.budget[dir]; b >= 0 && int64(len(chunk)) >= b {
		chunk, cut = chunk[:b], true
	} else if b >= 0 {
		pc.budget[dir] = b - int64(len(chunk))
	}
	if len(chunk) > 0 {
		if _, err := dst.Write(chunk); err != nil {
			pc.shutdown(false)
			return false
		}
		p.bytes[dir].Add(int64(len(chunk)))
	}
	if cut || action == ForwardThenReset {
		p.resetConn(pc)
		return false
	}
	return true
}

// waitOpen blocks while the black hole is on. It reports false if the
// connection was shut down meanwhile.
func (p *Proxy) waitOpen(pc *proxyConn) bool {
	for {
		p.mu.Lock()
		on, changed := p.blackhole && !p.closed, p.changed
		p.mu.Unlock()
		if !on {
			select {
			case <-pc.done:
				return false
			default:
				return true
			}
		}
		select {
		case <-changed:
		case <-pc.done:
			return false
		}
	}
}
