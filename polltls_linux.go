//go:build linux

package myx

import (
	"crypto/tls"
	"errors"
	"net"
	"syscall"
)

// TLS connections wait for replies the way plain TCP ones do (see pollReader): the TLS client
// runs over a pollTransport, which is the socket itself during the TLS handshake and, once
// attachPollTLS has put a pollReader under it, reads the socket through that pollReader (a
// wait in poll(2), a blocking read, or the runtime's poller, as Config.Poller and the group
// decide) and writes it through the pollReader's system calls. Encryption stays where it is:
// Conn reads and writes the *tls.Conn, whose records go through the transport; only the
// waiting changes. The socket's stale check looks through the transport to the descriptor.

// pollTransport is the network connection a TLS client runs over (see above). It is the raw
// connection for everything but Read and Write: deadlines, addresses, Close.
type pollTransport struct {
	net.Conn
	poll *pollReader // nil until attachPollTLS
}

// tlsTransport gives what the TLS client of a connection made with cfg should run over: a
// pollTransport around raw, or raw itself when replies are to be awaited in the runtime's
// poller (PollRuntime) or raw has no descriptor to wait on.
func tlsTransport(cfg *Config, raw net.Conn) net.Conn {
	if cfg.Poller == PollRuntime {
		return raw
	}
	if _, ok := raw.(syscall.Conn); !ok {
		return raw
	}
	return &pollTransport{Conn: raw}
}

// Read reads the socket: through the pollReader once attached, the runtime's way before.
func (t *pollTransport) Read(b []byte) (int, error) {
	if t.poll != nil {
		return t.poll.Read(b)
	}
	return t.Conn.Read(b)
}

// Write writes the socket: through the pollReader once attached (its writes know about the
// descriptor's blocking mode), the runtime's way before.
func (t *pollTransport) Write(b []byte) (int, error) {
	if t.poll != nil {
		return t.poll.writeRaw(b)
	}
	return t.Conn.Write(b)
}

// SyscallConn gives the raw connection's descriptor (for the stale check, see checkStale).
func (t *pollTransport) SyscallConn() (syscall.RawConn, error) {
	sc, ok := t.Conn.(syscall.Conn)
	if !ok {
		return nil, errors.New("myx: no descriptor under the TLS connection")
	}
	return sc.SyscallConn()
}

// attachPollTLS puts a pollReader under a TLS connection whose handshake is done and which
// runs over a pollTransport (see tlsTransport), and returns it; nil when tc does not run over
// one (the runtime's poller then waits, as before). group is nil for PollThread. From then on
// the pollReader's write encrypts through tc, so Conn writes tc through it as for plain TCP,
// and its deadlines and interrupt work as for plain TCP; Conn keeps reading tc.
func attachPollTLS(tc *tls.Conn, group *pollGroup) *pollReader {
	t, ok := tc.NetConn().(*pollTransport)
	if !ok || t.poll != nil {
		return nil
	}
	pr := newPollReader(t.Conn, group)
	if pr == nil {
		return nil
	}
	pr.tls = tc
	t.poll = pr
	return pr
}
