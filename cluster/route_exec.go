package cluster

import (
	"context"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/pool"
)

// Choosing a host for a call and leasing a connection on it.

// intent is what a call is: work for the writer, or a read the caller asked a replica to serve.
type intent int

const (
	toWriter intent = iota
	toReader
)

type replicaKey struct{}

// ReadFromReplica returns a context under which the Cluster's Query, QueryRow and Idempotent
// are routed as the Reader's are: to a fit replica, else the primary. Other calls ignore it
// (writes and transactions always go to the writer), so code written against
// sqlb.Executor or a *Cluster reads from replicas by passing this context.
func ReadFromReplica(ctx context.Context) context.Context {
	return context.WithValue(ctx, replicaKey{}, true)
}

// readIntent is the intent of a read through the Cluster's own methods.
func readIntent(ctx context.Context) intent {
	if v, _ := ctx.Value(replicaKey{}).(bool); v {
		return toReader
	}
	return toWriter
}

// exclusion is the set of hosts that failed earlier in one call.
type exclusion []bool

func (ex *exclusion) add(h *host) {
	if *ex == nil {
		*ex = make(exclusion, len(h.cl.hosts))
	}
	(*ex)[h.idx] = true
}

// viewsLocked is what routing knows of the hosts now. Excluded hosts are left out only where
// another host can take the work (reads, and every call outside replication mode).
func (cl *Cluster) viewsLocked(vs []view, in intent, ex exclusion, pos Position) []view {
	now := time.Now()
	if cap(vs) < len(cl.hosts) {
		vs = make([]view, len(cl.hosts))
	}
	vs = vs[:len(cl.hosts)]
	for i, h := range cl.hosts {
		st := &h.st
		vs[i] = view{role: st.role, state: st.state, denied: st.deniedUntil.After(now), lag: st.lag,
			lagKnown: st.lagKnown, inUse: h.inUse.Load()}
		if !pos.IsZero() {
			vs[i].covered = pos.CoveredBy(st.applied)
		}
		if ex != nil && ex[i] && (in == toReader || cl.cfg.Mode != myx.ClusterReplication) {
			vs[i].excluded = true
		}
	}
	return vs
}

// route picks the host for a call. For a read (toReader) it returns the replica chosen, or
// the writer when none is fit; for the writer it waits, bounded by ctx and FailoverTimeout,
// until there is one (a primary elected after a failure, or a healthy host), checking the
// hosts faster meanwhile.
func (cl *Cluster) route(ctx context.Context, in intent, ex exclusion, pos Position) (*host, error) {
	h, ch, err := cl.pick(in, ex, pos)
	if h != nil || err != nil {
		return h, err
	}
	return cl.await(ctx, in, ex, pos, ch)
}

// pick chooses the host for a call now: nil, with the channel that is closed at the next
// change, when there is none.
func (cl *Cluster) pick(in intent, ex exclusion, pos Position) (*host, chan struct{}, error) {
	var buf [8]view
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.closed {
		return nil, nil, ErrClosed
	}
	vs := cl.viewsLocked(buf[:0], in, ex, pos)
	i := -1
	if in == toReader {
		i = pickReader(cl.cfg.Mode, cl.primary, vs, cl.cfg.LagLimit, cl.rrRead.Add(1))
	}
	if i < 0 {
		i = pickWriter(cl.cfg.Mode, cl.primary, vs, cl.rrWrite.Add(1))
	}
	if i < 0 {
		return nil, cl.changed, nil
	}
	return cl.hosts[i], nil, nil
}

// await waits for a host to route a call to, bounded by ctx and FailoverTimeout.
func (cl *Cluster) await(ctx context.Context, in intent, ex exclusion, pos Position, ch chan struct{}) (*host, error) {
	start := time.Now()
	timer := time.NewTimer(cl.cfg.FailoverTimeout)
	defer timer.Stop()
	cl.mu.Lock()
	cl.waiting++
	cl.mu.Unlock()
	defer func() {
		cl.mu.Lock()
		cl.waiting--
		cl.mu.Unlock()
	}()
	for {
		cl.pokeAll()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, &myx.InterruptedError{Cause: ctx.Err()}
		case <-timer.C:
			return nil, cl.noHost(time.Since(start))
		}
		h, next, err := cl.pick(in, ex, pos)
		if h != nil || err != nil {
			return h, err
		}
		ch = next
	}
}

// noHost is the error of a call that found no host in time.
func (cl *Cluster) noHost(waited time.Duration) error {
	e := &NoHostError{Want: "healthy host", Waited: waited}
	if cl.cfg.Mode == myx.ClusterReplication {
		e.Want = "primary"
	}
	cl.mu.Lock()
	var last time.Time
	for _, h := range cl.hosts {
		if h.st.err != nil && h.st.checked.After(last) {
			e.Last, last = h.st.err, h.st.checked
		}
	}
	cl.mu.Unlock()
	return e
}

// lease is a connection leased from one host's pool for one call.
type lease struct {
	h    *host
	pc   *pool.Conn
	sess *Session // for work on the writer under a session: observes its commits
}

func (l *lease) conn() *myx.Conn { return l.pc.Conn() }

// statement is query as it must be sent on the lease's host: with CausalRead(ctx) on a
// Galera node, prefixed to wait for the cluster (see causalQuery).
func (l *lease) statement(ctx context.Context, query string) string {
	if !causalRead(ctx) {
		return query
	}
	cl := l.h.cl
	cl.mu.Lock()
	node := l.h.st.role == RoleNode
	cl.mu.Unlock()
	if !node {
		return query
	}
	return causalQuery(ctx, query)
}

// done gives the connection back, after telling the session what the connection committed.
func (l *lease) done() {
	if l.sess != nil {
		if g := l.pc.Conn().LastGTID(); g != "" {
			l.sess.Observe(g)
		}
	}
	l.pc.Release()
	l.h.inUse.Add(-1)
}

// acquire leases a connection for a call. A read for a replica under a session whose
// position the chosen replica is not known to have applied waits for it there (bounded by
// ReadYourWritesWait) and goes to the writer when it does not come. A host whose pool cannot
// connect is marked down and the call goes on to the next choice (for the writer in
// replication mode: waits for a primary).
func (cl *Cluster) acquire(ctx context.Context, in intent, ex *exclusion) (*lease, error) {
	sess := SessionFrom(ctx)
	var pos Position
	if sess != nil {
		pos = sess.Position()
	}
	for fails := 0; ; {
		h, err := cl.route(ctx, in, *ex, pos)
		if err != nil {
			return nil, err
		}
		replica := in == toReader && cl.isReplicaRoute(h)
		h.inUse.Add(1)
		pc, err := h.pool.Acquire(ctx)
		if err != nil {
			h.inUse.Add(-1)
			if !lost(err) || ctx.Err() != nil {
				return nil, err
			}
			cl.hostFailed(h, err)
			ex.add(h)
			if fails++; fails > 2*len(cl.hosts)+2 {
				return nil, err
			}
			continue
		}
		l := &lease{h: h, pc: pc}
		if !replica {
			l.sess = sess
			return l, nil
		}
		if pos.IsZero() || cl.covered(h, pos) {
			return l, nil
		}
		ok := cl.cfg.ReadYourWritesWait > 0
		if ok {
			var werr error
			ok, werr = waitApplied(ctx, pc.Conn(), pos, cl.cfg.ReadYourWritesWait)
			if werr != nil {
				ok = false
				if ctx.Err() != nil {
					l.done()
					return nil, &myx.InterruptedError{Cause: ctx.Err()}
				}
			}
		}
		if ok {
			cl.noteApplied(h, pos)
			return l, nil
		}
		l.done()
		in = toWriter // the replica did not catch up in time: read on the writer
	}
}

// isReplicaRoute reports whether a read routed to h is served by a replica (not the writer).
func (cl *Cluster) isReplicaRoute(h *host) bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.cfg.Mode == myx.ClusterReplication && h.st.role == RoleReplica
}

// covered reports whether h is known to have applied pos.
func (cl *Cluster) covered(h *host, pos Position) bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return pos.CoveredBy(h.st.applied)
}

// noteApplied records that h has applied pos (a wait for it succeeded).
func (cl *Cluster) noteApplied(h *host, pos Position) {
	cl.mu.Lock()
	h.st.applied = h.st.applied.Merge(pos)
	cl.mu.Unlock()
}

// rerun decides, after a call failed with err on l's host, whether it runs again elsewhere or
// on a fresh connection, and notes what the failure says about the host: the statement was not
// run (myx.SafeToRetry: nothing was sent; or a Galera node not ready, error 1047: the node
// refused it). A statement that may have run is never run again; a lost connection has every
// host checked at once.
func (cl *Cluster) rerun(ctx context.Context, h *host, err error, ex *exclusion, attempt int, op string) bool {
	switch {
	case notReady(err):
		cl.markNotReady(h, err)
		ex.add(h)
	case myx.SafeToRetry(err):
		h.poke()
	default:
		if lost(err) {
			cl.suspect(h)
		}
		return false
	}
	if attempt >= cl.retries || ctx.Err() != nil {
		return false
	}
	if cl.retry != nil {
		cl.retry.TraceRetry(ctx, myx.TraceRetryData{Op: op, Attempt: attempt + 2, Err: err})
	}
	return true
}
