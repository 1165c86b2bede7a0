package cluster

import (
	"time"

	"github.com/myxdb/myx"
)

// hostConfig is cc for one host: Addrs cleared, Addr set, GTID tracking on.
func hostConfig(cc *myx.Config, addr string) *myx.Config {
	c := cc.Copy()
	c.Addrs = nil
	c.Addr = addr
	c.TrackGTID = true
	return c
}

// denyFor is the longest a host stays denied: myx.Config.DenyFor with its default; negative
// means the backoff does not grow.
func denyFor(cc *myx.Config) time.Duration {
	switch {
	case cc.DenyFor == 0:
		return myx.DefaultDenyFor
	case cc.DenyFor < 0:
		return -1
	}
	return cc.DenyFor
}

// hostAddrs lists the configured hosts.
func hostAddrs(cc *myx.Config) []string {
	if len(cc.Addrs) > 0 {
		return append([]string(nil), cc.Addrs...)
	}
	return []string{cc.Addr}
}
