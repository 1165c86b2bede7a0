//go:build unix

package myx

import (
	"crypto/tls"
	"errors"
	"io"
	"syscall"
)

var errUnexpectedData = errors.New("connection has unread data from the server (closed or killed while idle)")

// checkStale looks, without blocking and without a round trip, for signs that the server has
// closed an idle connection: an end of stream or bytes nobody asked for (such as the error a
// server sends when it kills an idle connection). A healthy idle connection has nothing to read.
func (c *Conn) checkStale() error {
	if c.rd.Buffered() > 0 {
		return errUnexpectedData
	}
	nc := c.nc
	if tc, ok := nc.(*tls.Conn); ok {
		// Any byte on the raw socket of an idle TLS connection (a close_notify alert, a record
		// carrying an error) means the server has given up on it.
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
	var checkErr error
	err = raw.Read(func(fd uintptr) bool {
		var buf [1]byte
		n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case n == 0 && err == nil:
			checkErr = io.EOF
		case n > 0:
			checkErr = errUnexpectedData
		case err == syscall.EAGAIN || err == syscall.EWOULDBLOCK:
		default:
			checkErr = err
		}
		return true
	})
	if err != nil {
		return err
	}
	return checkErr
}
