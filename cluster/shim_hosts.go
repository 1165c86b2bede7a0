package cluster

// Temporary stand-ins for the root package's multi-host API (branch hosts), removed when it
// is merged.

import (
	"strings"
	"time"

	"github.com/myxdb/myx"
)

// ClusterMode stands in for myx.ClusterMode.
type ClusterMode int

const (
	clusterFailover ClusterMode = iota
	clusterLoadBalance
	clusterReplication
)

func configAddrs(cc *myx.Config) []string {
	if v, ok := cc.RuntimeParams["cluster_hosts"]; ok {
		return strings.Split(v, ",")
	}
	return []string{cc.Addr}
}

func configMode(cc *myx.Config) ClusterMode {
	switch cc.RuntimeParams["cluster_mode"] {
	case "replication":
		return clusterReplication
	case "load-balance":
		return clusterLoadBalance
	}
	return clusterFailover
}

func configDenyFor(cc *myx.Config) time.Duration { return 60 * time.Second }

// hostConfig is cc for one host: Addrs cleared, Addr set, GTID tracking on.
func hostConfig(cc *myx.Config, addr string) *myx.Config {
	c := cc.Copy()
	c.Addr = addr
	delete(c.RuntimeParams, "cluster_hosts")
	delete(c.RuntimeParams, "cluster_mode")
	return c
}

func lastGTID(c *myx.Conn) string { return "" }
