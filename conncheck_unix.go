//go:build unix

package myx

import (
	"crypto/tls"
	"errors"
	"io"
	"syscall"
)

var errUnexpectedData = errors.New("connection has unread data from the server (closed or killed while idle)")

// staleChecker holds what checkStale needs, set up on first use so that checking costs no
// allocation.
type staleChecker struct {
	raw  syscall.RawConn
	peek func(fd uintptr) // s.peekFD, bound once
	err  error
	buf  [1]byte
}

// checkStale looks, without blocking and without a round trip, for signs that the server has
// closed an idle connection: an end of stream or bytes nobody asked for (such as the error a
// server sends when it kills an idle connection). A healthy idle connection has nothing to read.
func (c *Conn) checkStale() error {
	if c.rd.Buffered() > 0 {
		return errUnexpectedData
	}
	s := &c.stale
	if s.raw == nil {
		nc := c.nc
		if tc, ok := nc.(*tls.Conn); ok {
			// Any byte on the raw socket of an idle TLS connection (a close_notify alert, a
			// record carrying an error) means the server has given up on it.
			nc = tc.NetConn()
		}
		sc, ok := nc.(syscall.Conn)
		if !ok {
			return nil // checked by the next read instead
		}
		raw, err := sc.SyscallConn()
		if err != nil {
			return err
		}
		s.raw, s.peek = raw, s.peekFD
	}
	s.err = nil
	// Control, not Read: Read first fails on an expired read deadline, and the last read's
	// Config.ReadTimeout deadline (with runtime_poller=true) has expired on any connection
	// idle for longer than that; the peek does not wait, so no deadline concerns it.
	if err := s.raw.Control(s.peek); err != nil {
		return err
	}
	return s.err
}

// peekFD peeks at the socket without blocking and records what it finds in s.err.
func (s *staleChecker) peekFD(fd uintptr) {
	n, _, err := syscall.Recvfrom(int(fd), s.buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	switch {
	case n == 0 && err == nil:
		s.err = io.EOF
	case n > 0:
		s.err = errUnexpectedData
	case err == syscall.EAGAIN || err == syscall.EWOULDBLOCK:
	default:
		s.err = err
	}
}
