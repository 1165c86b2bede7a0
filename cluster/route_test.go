package cluster

import (
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// Routing decisions over fake host states: no server needed.

func up(role Role) view { return view{role: role, state: StateUp, lagKnown: true} }

func TestPickWriterReplication(t *testing.T) {
	vs := []view{up(RolePrimary), up(RoleReplica), up(RoleReplica)}
	if got := pickWriter(myx.ClusterReplication, 0, vs, 0); got != 0 {
		t.Fatalf("writer = %d, want the primary 0", got)
	}
	vs[0].state = StateDown
	if got := pickWriter(myx.ClusterReplication, 0, vs, 0); got != -1 {
		t.Fatalf("writer with the primary down = %d, want -1 (wait for a primary, never a replica)", got)
	}
	vs[0].state, vs[0].denied = StateUp, true
	if got := pickWriter(myx.ClusterReplication, 0, vs, 0); got != -1 {
		t.Fatalf("writer with the primary denied = %d, want -1", got)
	}
	if got := pickWriter(myx.ClusterReplication, -1, vs, 0); got != -1 {
		t.Fatalf("writer with no primary elected = %d, want -1", got)
	}
}

func TestPickWriterFailover(t *testing.T) {
	vs := []view{up(RolePrimary), up(RolePrimary), up(RolePrimary)}
	for rr := range uint64(5) {
		if got := pickWriter(myx.ClusterFailover, -1, vs, rr); got != 0 {
			t.Fatalf("failover writer = %d, want the first host", got)
		}
	}
	vs[0].state = StateDown
	if got := pickWriter(myx.ClusterFailover, -1, vs, 0); got != 1 {
		t.Fatalf("failover writer with host 0 down = %d, want 1", got)
	}
	vs[1].excluded = true
	if got := pickWriter(myx.ClusterFailover, -1, vs, 0); got != 2 {
		t.Fatalf("failover writer with 0 down, 1 excluded = %d, want 2", got)
	}
}

func TestPickWriterLoadBalance(t *testing.T) {
	vs := []view{up(RoleNode), up(RoleNode), up(RoleNode)}
	vs[0].inUse, vs[1].inUse, vs[2].inUse = 3, 1, 2
	if got := pickWriter(myx.ClusterLoadBalance, -1, vs, 0); got != 1 {
		t.Fatalf("load-balance = %d, want the least busy 1", got)
	}
	vs[1].state = StateNotReady // a Galera node that is not Synced
	if got := pickWriter(myx.ClusterLoadBalance, -1, vs, 0); got != 2 {
		t.Fatalf("load-balance with 1 not ready = %d, want 2", got)
	}
	// Ties go round robin.
	vs = []view{up(RoleNode), up(RoleNode), up(RoleNode)}
	seen := map[int]int{}
	for rr := range uint64(30) {
		seen[pickWriter(myx.ClusterLoadBalance, -1, vs, rr)]++
	}
	if len(seen) != 3 || seen[0] != 10 || seen[1] != 10 || seen[2] != 10 {
		t.Fatalf("round robin over equal nodes: %v, want 10 each", seen)
	}
	for i := range vs {
		vs[i].state = StateNotReady
	}
	if got := pickWriter(myx.ClusterLoadBalance, -1, vs, 0); got != -1 {
		t.Fatalf("no node ready: %d, want -1", got)
	}
}

func TestPickReader(t *testing.T) {
	limit := 10 * time.Second
	vs := []view{up(RolePrimary), up(RoleReplica), up(RoleReplica)}
	vs[1].lag, vs[2].lag = time.Second, 2*time.Second
	seen := map[int]int{}
	for rr := range uint64(20) {
		seen[pickReader(myx.ClusterReplication, 0, vs, limit, rr)]++
	}
	if seen[0] != 0 || seen[1] != 10 || seen[2] != 10 {
		t.Fatalf("reads over two fit replicas: %v, want 10 each on 1 and 2, none on the primary", seen)
	}
	vs[1].inUse = 2
	if got := pickReader(myx.ClusterReplication, 0, vs, limit, 0); got != 2 {
		t.Fatalf("reader = %d, want the less busy replica 2", got)
	}
	vs[1].inUse = 0

	// Lag past the limit, or unknown, leaves a replica out.
	vs[1].lag = 11 * time.Second
	vs[2].lagKnown = false
	if got := pickReader(myx.ClusterReplication, 0, vs, limit, 0); got != -1 {
		t.Fatalf("no fit replica: %d, want -1 (the caller falls back to the writer)", got)
	}
	if got := pickReader(myx.ClusterReplication, 0, vs, -1, 0); got < 1 {
		t.Fatalf("negative LagLimit: %d, want a replica whatever its lag", got)
	}
	vs[1].lag, vs[2].lagKnown = time.Second, true
	vs[2].denied = true
	if got := pickReader(myx.ClusterReplication, 0, vs, limit, 1); got != 1 {
		t.Fatalf("reader with 2 denied = %d, want 1", got)
	}
	vs[2].denied = false

	// A replica known to have applied the session's position is preferred.
	vs[2].covered = true
	vs[2].inUse = 5
	if got := pickReader(myx.ClusterReplication, 0, vs, limit, 0); got != 2 {
		t.Fatalf("reader under a session = %d, want the covered replica 2", got)
	}

	// Outside replication mode reads go where writes go.
	if got := pickReader(myx.ClusterFailover, -1, vs, limit, 7); got != 0 {
		t.Fatalf("failover reader = %d, want the first host", got)
	}
}

func TestElect(t *testing.T) {
	cs := []candidate{
		{addr: "a:1", state: StateUp, role: RolePrimary},
		{addr: "b:1", state: StateUp, role: RoleReplica, source: "a:1"},
		{addr: "c:1", state: StateUp, role: RoleReplica, source: "a:1"},
	}
	if got := elect(cs, -1); got != 0 {
		t.Fatalf("elect = %d, want 0", got)
	}
	// a dies; b is promoted, c follows it.
	cs[0].state = StateDown
	if got := elect(cs, 0); got != -1 {
		t.Fatalf("elect with the primary down and no promotion = %d, want -1", got)
	}
	cs[1].role, cs[1].source = RolePrimary, ""
	cs[2].source = "b:1"
	if got := elect(cs, -1); got != 1 {
		t.Fatalf("elect after promotion = %d, want 1", got)
	}
	// a comes back writable (not fenced): the replicas follow b, so b stays.
	cs[0].state = StateUp
	if got := elect(cs, 1); got != 1 {
		t.Fatalf("elect with the old primary back = %d, want 1 (the one replicas follow)", got)
	}
	// Two writable hosts nobody replicates from: the current one stays, else the first.
	cs[2].source = ""
	if got := elect(cs, 1); got != 1 {
		t.Fatalf("elect, tie = %d, want the current primary 1", got)
	}
	if got := elect(cs, -1); got != 0 {
		t.Fatalf("elect, tie with no current = %d, want the first 0", got)
	}
	// Galera nodes are all writable.
	gs := []candidate{{addr: "g1", state: StateNotReady, role: RoleNode}, {addr: "g2", state: StateUp, role: RoleNode}}
	if got := elect(gs, -1); got != 1 {
		t.Fatalf("elect among Galera nodes = %d, want the Synced 1", got)
	}
}

func TestBackoff(t *testing.T) {
	cl := &Cluster{cfg: &settings{Config: Config{CheckPeriod: time.Second}, denyFor: 8 * time.Second}}
	for n, want := range []time.Duration{time.Second, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second} {
		if n == 0 {
			continue
		}
		for range 20 {
			if d := cl.backoff(n); d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, d, want/2, want)
			}
		}
	}
	cl.cfg.denyFor = -1
	if d := cl.backoff(10); d > time.Second {
		t.Fatalf("backoff with DenyFor off = %v, want at most CheckPeriod", d)
	}
}
