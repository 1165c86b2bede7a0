//go:build linux

package myx

// PollBlocking reports whether c waits for replies with blocking reads on its thread.
func PollBlocking(c *Conn) bool { return c.poll != nil && c.poll.blocking }
