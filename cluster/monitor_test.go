package cluster

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// The monitor's bookkeeping over fake check results: no server needed.

type events struct {
	mu sync.Mutex
	d  []HostChangeData
}

func (e *events) TraceHostChange(_ context.Context, d HostChangeData) {
	e.mu.Lock()
	e.d = append(e.d, d)
	e.mu.Unlock()
}

func (e *events) take() []HostChangeData {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.d
	e.d = nil
	return d
}

func fakeCluster(tr HostTracer, addrs ...string) *Cluster {
	cl := &Cluster{
		cfg:     &settings{Config: Config{Mode: myx.ClusterReplication, CheckPeriod: time.Second}, denyFor: 8 * time.Second},
		primary: -1,
		changed: make(chan struct{}),
		htr:     tr,
		ctx:     context.Background(),
	}
	for i, a := range addrs {
		cl.hosts = append(cl.hosts, &host{cl: cl, idx: i, addr: a, kick: make(chan struct{}, 1)})
	}
	return cl
}

func TestApplyPromotionAndDeny(t *testing.T) {
	tr := &events{}
	cl := fakeCluster(tr, "a:1", "b:1", "c:1")
	a, b, c := cl.hosts[0], cl.hosts[1], cl.hosts[2]
	cl.apply(a, probeResult{role: RolePrimary, state: StateUp, writable: true})
	cl.apply(b, probeResult{role: RoleReplica, state: StateUp, source: "a:1", lagKnown: true})
	cl.apply(c, probeResult{role: RoleReplica, state: StateUp, source: "a:1", lagKnown: true})
	if cl.primary != 0 {
		t.Fatalf("primary %d, want a", cl.primary)
	}
	if ev := tr.take(); len(ev) != 3 || !ev[0].Primary || ev[0].Addr != "a:1" {
		t.Fatalf("first checks traced %+v", ev)
	}

	// a fails: down, denied for a jittered backoff, no primary; a waiting call wakes.
	wake := cl.changed
	down := errors.New("connection refused")
	cl.apply(a, probeResult{err: down, state: StateDown})
	select {
	case <-wake:
	default:
		t.Fatal("a change did not wake waiting calls")
	}
	if cl.primary != -1 || a.st.state != StateDown || a.st.deniedUntil.IsZero() || a.st.err != down {
		t.Fatalf("after a failed: primary %d, %+v", cl.primary, a.st)
	}
	if d := a.st.deniedUntil.Sub(a.st.checked); d > time.Second || d < 500*time.Millisecond {
		t.Fatalf("first backoff %v, want within [0.5s, 1s]", d)
	}
	ev := tr.take()
	if len(ev) != 1 || ev[0].State != StateDown || !ev[0].WasPrimary || ev[0].Primary || ev[0].DeniedUntil.IsZero() || ev[0].Err != down {
		t.Fatalf("failure traced %+v", ev)
	}
	// Failing again grows the backoff.
	cl.apply(a, probeResult{err: down, state: StateDown})
	if f := a.st.failures; f != 2 {
		t.Fatalf("failures %d", f)
	}

	// b is promoted; c follows it.
	cl.apply(b, probeResult{role: RolePrimary, state: StateUp, writable: true})
	if cl.primary != 1 {
		t.Fatalf("after promotion primary %d, want b", cl.primary)
	}
	cl.apply(c, probeResult{role: RoleReplica, state: StateUp, source: "b:1", lagKnown: true})
	ev = tr.take()
	if len(ev) != 1 || ev[0].Addr != "b:1" || !ev[0].Primary || ev[0].OldRole != RoleReplica || ev[0].Role != RolePrimary {
		t.Fatalf("promotion traced %+v", ev)
	}

	// a comes back writable: off the deny list, failures reset, not elected.
	cl.apply(a, probeResult{role: RolePrimary, state: StateUp, writable: true})
	if a.st.failures != 0 || !a.st.deniedUntil.IsZero() || cl.primary != 1 {
		t.Fatalf("a back: failures %d denied %v primary %d", a.st.failures, a.st.deniedUntil, cl.primary)
	}

	// A call that cannot reach b marks it down at once.
	cl.hostFailed(b, down)
	if b.st.state != StateDown || cl.primary == 1 {
		t.Fatalf("after hostFailed: state %v primary %d", b.st.state, cl.primary)
	}
	// With b gone, a (writable, the only candidate) is elected again.
	if cl.primary != 0 {
		t.Fatalf("primary %d, want a", cl.primary)
	}

	// A Galera-style refusal marks a host not ready until a check finds it ready.
	cl.markNotReady(c, down)
	if c.st.state != StateNotReady {
		t.Fatalf("markNotReady: %v", c.st.state)
	}
	cl.apply(c, probeResult{role: RoleReplica, state: StateUp, source: "a:1", lagKnown: true})
	if c.st.state != StateUp {
		t.Fatalf("ready again: %v", c.st.state)
	}
}

func TestRouteWaitsForPrimary(t *testing.T) {
	cl := fakeCluster(nil, "a:1", "b:1")
	cl.cfg.FailoverTimeout = time.Hour
	a, b := cl.hosts[0], cl.hosts[1]
	cl.apply(b, probeResult{role: RoleReplica, state: StateUp, lagKnown: true})
	done := make(chan *host)
	go func() {
		h, err := cl.route(context.Background(), toWriter, nil, Position{})
		if err != nil {
			t.Error(err)
		}
		done <- h
	}()
	// Reads need no primary while a replica is fit.
	if h, err := cl.route(context.Background(), toReader, nil, Position{}); err != nil || h != b {
		t.Fatalf("read routed to %v, %v", h, err)
	}
	cl.apply(a, probeResult{role: RolePrimary, state: StateUp, writable: true})
	if h := <-done; h != a {
		t.Fatalf("the waiting write went to %v", h)
	}

	cl.cfg.FailoverTimeout = time.Millisecond
	cl.apply(a, probeResult{err: errors.New("gone"), state: StateDown})
	_, err := cl.route(context.Background(), toWriter, nil, Position{})
	var nh *NoHostError
	if !errors.As(err, &nh) || nh.Last == nil || !myx.SafeToRetry(err) {
		t.Fatalf("route with no primary: %v", err)
	}
}
