//go:build !unix

package myx

// checkStale is not available on this platform; a stale connection is found by the next read.
func (c *Conn) checkStale() error { return nil }

// staleChecker has nothing to hold on this platform.
type staleChecker struct{}
