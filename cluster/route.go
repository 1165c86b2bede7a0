package cluster

import (
	"time"

	"github.com/myxdb/myx"
)

// The routing decisions, as pure functions of what the monitor last found, so that they can be
// tested without servers.

// view is what routing knows of one host.
type view struct {
	role     Role
	state    State
	denied   bool // on the deny list now
	lag      time.Duration
	lagKnown bool
	inUse    int64 // work the cluster has in flight on the host
	covered  bool  // its last known applied position covers the caller's session
	excluded bool  // failed earlier in this call
}

// healthy reports whether the host may get traffic at all.
func (v *view) healthy() bool { return v.state == StateUp && !v.denied && !v.excluded }

// fitReplica reports whether the host may serve reads meant for a replica.
func (v *view) fitReplica(lagLimit time.Duration) bool {
	if !v.healthy() || v.role != RoleReplica {
		return false
	}
	return lagLimit < 0 || v.lagKnown && v.lag <= lagLimit
}

// pickWriter chooses the host for writes and transactions, or -1 when there is none now:
// replication mode: the elected primary, when healthy; failover: the first healthy host in
// order; load-balance: the healthy host with the least work in flight (ties broken round
// robin by rr).
func pickWriter(mode myx.ClusterMode, primary int, vs []view, rr uint64) int {
	switch mode {
	case myx.ClusterReplication:
		if primary >= 0 && primary < len(vs) && vs[primary].healthy() {
			return primary
		}
		return -1
	case myx.ClusterLoadBalance:
		return leastInUse(vs, rr, func(v view) bool { return v.healthy() })
	default:
		for i := range vs {
			if vs[i].healthy() {
				return i
			}
		}
		return -1
	}
}

// pickReader chooses the host for a read the caller asked to be served by a replica: in
// replication mode a fit replica (healthy, lag within lagLimit), preferring one known to
// have applied the caller's position (covered), the least busy of them, ties broken round
// robin; -1 when none is fit (the read goes to the writer). In the other modes every host is
// an equal and reads go where writes go.
func pickReader(mode myx.ClusterMode, primary int, vs []view, lagLimit time.Duration, rr uint64) int {
	if mode != myx.ClusterReplication {
		return pickWriter(mode, primary, vs, rr)
	}
	if i := leastInUse(vs, rr, func(v view) bool { return v.fitReplica(lagLimit) && v.covered }); i >= 0 {
		return i
	}
	return leastInUse(vs, rr, func(v view) bool { return v.fitReplica(lagLimit) })
}

// leastInUse returns the host with the least work in flight among those ok accepts, ties
// taken in turn (the rr-th of the tied, counting round); -1 when ok accepts none.
func leastInUse(vs []view, rr uint64, ok func(view) bool) int {
	var tied [8]int
	ties := tied[:0]
	for i := range vs {
		if !ok(vs[i]) {
			continue
		}
		if len(ties) > 0 && vs[i].inUse > vs[ties[0]].inUse {
			continue
		}
		if len(ties) > 0 && vs[i].inUse < vs[ties[0]].inUse {
			ties = ties[:0]
		}
		ties = append(ties, i)
	}
	if len(ties) == 0 {
		return -1
	}
	return ties[rr%uint64(len(ties))]
}

// candidate is what electing a primary knows of one host.
type candidate struct {
	addr   string
	state  State
	source string // host:port it replicates from, while replicating
	role   Role
}

// elect chooses the primary among the healthy hosts found writable and not replicating (or
// Galera nodes, all writable): the one most healthy replicas replicate from, then the current
// primary, then the first in order; -1 when no host qualifies.
func elect(cs []candidate, current int) int {
	votes := make(map[string]int)
	for _, c := range cs {
		if c.state == StateUp && c.role == RoleReplica && c.source != "" {
			votes[c.source]++
		}
	}
	best, bestVotes := -1, -1
	for i, c := range cs {
		if c.state != StateUp || c.role != RolePrimary && c.role != RoleNode {
			continue
		}
		v := votes[c.addr]
		switch {
		case v > bestVotes:
			best, bestVotes = i, v
		case v == bestVotes && i == current:
			best = i
		}
	}
	return best
}
