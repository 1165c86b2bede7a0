//go:build linux

package myx

import "syscall"

// PollBlocking reports whether c waits for replies with blocking reads on its thread.
func PollBlocking(c *Conn) bool { return c.poll != nil && c.poll.blocking }

// PollLowat gives the low-water mark c's reader last set (0 for none) and the socket's
// SO_RCVLOWAT (-1 for no reader or a failed getsockopt).
func PollLowat(c *Conn) (set, socket int) {
	if c.poll == nil {
		return -1, -1
	}
	v, err := syscall.GetsockoptInt(c.poll.fd, syscall.SOL_SOCKET, syscall.SO_RCVLOWAT)
	if err != nil {
		v = -1
	}
	return c.poll.lowat, v
}
