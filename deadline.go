package myx

// The session core: deadlines and I/O timeouts (Config.ReadTimeout, WriteTimeout) on the
// socket.

import (
	"errors"
	"net"
	"os"
	"time"
)

// TimeoutError reports that Config.ReadTimeout or Config.WriteTimeout ran out: one read
// received nothing, or one write could not hand its bytes to the network, for that long. The
// reply or the command was cut off, so the connection is closed; the error reaches the caller
// inside a *ConnError. It is a net.Error whose Timeout is true, and it unwraps to
// os.ErrDeadlineExceeded.
type TimeoutError struct {
	Op    string        // "read" or "write"
	After time.Duration // the configured timeout
}

func (e *TimeoutError) Error() string {
	what := "readTimeout"
	if e.Op == "write" {
		what = "writeTimeout"
	}
	return "myx: " + e.Op + " timed out after " + e.After.String() + " (" + what + ")"
}

// Timeout reports true (net.Error).
func (e *TimeoutError) Timeout() bool { return true }

// Temporary reports false (net.Error): the connection is closed.
func (e *TimeoutError) Temporary() bool { return false }

// Unwrap gives os.ErrDeadlineExceeded.
func (e *TimeoutError) Unwrap() error { return os.ErrDeadlineExceeded }

var _ net.Error = (*TimeoutError)(nil)

// How deadlines reach the socket. A call's context deadline becomes a backstop socket
// deadline for the whole call (see canceler.arm), recorded in Conn.backstop. With
// Config.ReadTimeout or WriteTimeout, each read and each write sets its own deadline, now plus
// the timeout or the backstop, whichever is earlier; with neither, nothing is done per I/O.
// Conn.force, which may run on another goroutine, sets Conn.ioForced before it moves the
// deadline into the past, and each I/O checks the flag after setting its own deadline, so a
// per-I/O deadline can never undo a forced one.

// installTimeouts puts the per-read timeout in place once the connection is set up (the
// handshake is bounded by the connect timeout instead).
func (c *Conn) installTimeouts() {
	if c.cfg.ReadTimeout <= 0 {
		return
	}
	if c.poll != nil {
		c.poll.idle = c.cfg.ReadTimeout
		return
	}
	c.rd.SetSource(&timedReader{c: c, src: c.nc})
}

// ioDeadline gives the deadline for one I/O bounded by timeout, and whether it is the
// timeout's (rather than the context's backstop).
func (c *Conn) ioDeadline(timeout time.Duration) (time.Time, bool) {
	dl := time.Now().Add(timeout)
	if !c.backstop.IsZero() && c.backstop.Before(dl) {
		return c.backstop, false
	}
	return dl, true
}

// timedReader reads the network connection with Config.ReadTimeout per read (when replies
// are not awaited in poll(2), see pollReader).
type timedReader struct {
	c   *Conn
	src net.Conn
}

func (r *timedReader) Read(b []byte) (int, error) {
	c := r.c
	dl, own := c.ioDeadline(c.cfg.ReadTimeout)
	r.src.SetReadDeadline(dl)
	if c.ioForced.Load() {
		return 0, os.ErrDeadlineExceeded
	}
	n, err := r.src.Read(b)
	if err != nil && own && errors.Is(err, os.ErrDeadlineExceeded) && !c.ioForced.Load() {
		err = &TimeoutError{Op: "read", After: c.cfg.ReadTimeout}
	}
	return n, err
}

// write writes b to the network connection, within Config.WriteTimeout when it is set.
func (c *Conn) write(b []byte) (int, error) {
	if c.cfg.WriteTimeout <= 0 {
		if c.poll != nil {
			return c.poll.write(b)
		}
		return c.nc.Write(b)
	}
	dl, own := c.ioDeadline(c.cfg.WriteTimeout)
	c.nc.SetWriteDeadline(dl)
	if c.ioForced.Load() {
		return 0, os.ErrDeadlineExceeded
	}
	n, err := c.nc.Write(b)
	if err != nil && own && errors.Is(err, os.ErrDeadlineExceeded) && !c.ioForced.Load() {
		err = &TimeoutError{Op: "write", After: c.cfg.WriteTimeout}
	}
	return n, err
}

// idleTimeoutError is the error of a poll(2) read whose ReadTimeout ran out.
func idleTimeoutError(idle time.Duration) error {
	return &TimeoutError{Op: "read", After: idle}
}
