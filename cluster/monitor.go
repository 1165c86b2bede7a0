package cluster

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/pool"
)

// The monitor: one goroutine per host checks it every CheckPeriod (faster while calls wait for
// a host), at once when a call saw it fail (after its backoff if it is denied), and on
// Refresh. A check finds the host's role, state, lag and applied position on a connection of
// its own, outside the pool's budget.

// monitor is the host's checking loop; it ends when the cluster closes.
func (h *host) monitor() {
	defer h.cl.wg.Done()
	cl := h.cl
	t := time.NewTimer(cl.cfg.CheckPeriod)
	defer t.Stop()
	for {
		select {
		case <-cl.ctx.Done():
			return
		case <-t.C:
		case <-h.kick:
		}
		if wait := h.backoffLeft(); wait > 0 {
			t.Reset(wait)
			continue
		}
		h.check(cl.ctx)
		t.Reset(cl.period())
	}
}

// poke asks the host's monitor to check it now (after its deny backoff, if any).
func (h *host) poke() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// pokeAll asks every host's monitor to check now.
func (cl *Cluster) pokeAll() {
	for _, h := range cl.hosts {
		h.poke()
	}
}

// period is how long a monitor waits between checks: CheckPeriod, or a twentieth of it (at
// least 20ms) while calls wait for a host, so that a promotion is followed quickly.
func (cl *Cluster) period() time.Duration {
	cl.mu.Lock()
	urgent := cl.waiting > 0
	cl.mu.Unlock()
	if urgent {
		return max(cl.cfg.CheckPeriod/20, 20*time.Millisecond)
	}
	return cl.cfg.CheckPeriod
}

// backoffLeft is how long the host stays denied.
func (h *host) backoffLeft() time.Duration {
	h.cl.mu.Lock()
	defer h.cl.mu.Unlock()
	return time.Until(h.st.deniedUntil)
}

// backoff is the deny period after the n-th consecutive failure: CheckPeriod doubled with
// each failure up to the configured DenyFor (myx.Config.DenyDuration; no growth when the
// deny list is off), jittered to [d/2, d] so that the clients of a host that comes back do not all
// reconnect at once.
func (cl *Cluster) backoff(n int) time.Duration {
	d := cl.cfg.CheckPeriod
	if limit := cl.cfg.denyFor; limit > 0 {
		for i := 1; i < n && d < limit; i++ {
			d *= 2
		}
		d = min(d, max(limit, cl.cfg.CheckPeriod))
	}
	return d/2 + rand.N(d/2+1)
}

// probeTimeout bounds one check, its connect included.
func (cl *Cluster) probeTimeout() time.Duration {
	return max(10*cl.cfg.CheckPeriod, 5*time.Second)
}

// check runs one check of the host and records its result.
func (h *host) check(ctx context.Context) {
	h.checkMu.Lock()
	defer h.checkMu.Unlock()
	pctx, cancel := context.WithTimeout(ctx, h.cl.probeTimeout())
	defer cancel()
	if h.cl.ctx.Err() != nil {
		return
	}
	r := h.probe(pctx)
	if r.err != nil && (ctx.Err() != nil || h.cl.ctx.Err() != nil) {
		return // the caller gave up or the cluster is closing: not a finding about the host
	}
	h.cl.apply(h, r)
}

// probeResult is what one check found.
type probeResult struct {
	err       error // the host could not be reached
	role      Role
	state     State
	writable  bool
	source    string
	lag       time.Duration
	lagKnown  bool
	applied   Position
	appliedOK bool
}

// probe checks the host on the monitor connection, opening it when needed. Caller holds
// checkMu.
func (h *host) probe(ctx context.Context) probeResult {
	if h.mon != nil && (h.mon.IsClosed() || h.mon.CheckConn() != nil) {
		h.mon.Close(context.Background())
		h.mon = nil
	}
	if h.mon == nil {
		c, err := myx.ConnectConfig(ctx, h.monCfg)
		if err != nil {
			return probeResult{err: err, state: StateDown}
		}
		h.mon = c
	}
	r, err := h.inspect(ctx, h.mon)
	if err != nil {
		h.mon.Close(context.Background())
		h.mon = nil
		return probeResult{err: err, state: StateDown}
	}
	return r
}

// lost reports whether err means the connection (not a statement) failed.
func lost(err error) bool {
	var ie *myx.InterruptedError
	return errors.As(err, &ie) || pool.ConnLost(err)
}

// inspect finds the host's role, state, lag and position. A connection failure is returned;
// a statement the server refuses (a privilege missing, a variable unknown on this flavour)
// leaves its part of the result unknown.
func (h *host) inspect(ctx context.Context, c *myx.Conn) (probeResult, error) {
	r := probeResult{state: StateUp, writable: true}
	role, err := c.HostRole(ctx)
	switch {
	case err != nil && lost(err):
		return r, err
	case notReady(err):
		// A Galera node refusing queries (1047: not in the primary component, joining,
		// wsrep_reject_queries).
		r.role, r.state, r.writable = RoleNode, StateNotReady, false
		return r, nil
	}
	// A role the server would not tell (a privilege missing) is not writable: never elect
	// a host on a guess.
	r.writable = err == nil && !role.ReadOnly
	if role.Galera {
		r.role = RoleNode
		if !role.GaleraReady {
			r.state = StateNotReady
		}
		return h.position(ctx, c, r)
	}
	rs, err := replicaStatus(ctx, c)
	if err != nil && lost(err) {
		return r, err
	}
	r.source = rs.source
	switch {
	case role.Replica || rs.present || !r.writable:
		r.role = RoleReplica
	default:
		r.role = RolePrimary
	}
	if r.role == RoleReplica {
		if h.cl.cfg.heartbeat != "" {
			var us int64
			err := c.QueryRow(ctx, "SELECT TIMESTAMPDIFF(MICROSECOND, ts, UTC_TIMESTAMP(6)) FROM "+
				h.cl.cfg.heartbeat+" WHERE id = 1").Scan(&us)
			if err != nil && lost(err) {
				return r, err
			}
			if err == nil {
				r.lag, r.lagKnown = time.Duration(max(us, 0))*time.Microsecond, true
			}
		} else if rs.ioRunning && rs.sqlRunning && rs.behindKnown {
			r.lag, r.lagKnown = time.Duration(rs.behind)*time.Second, true
		}
	} else if h.cl.cfg.heartbeat != "" && h.isPrimary() {
		_, err := c.Exec(ctx, "REPLACE INTO "+h.cl.cfg.heartbeat+" (id, ts) VALUES (1, UTC_TIMESTAMP(6))")
		if err != nil && lost(err) {
			return r, err
		}
	}
	return h.position(ctx, c, r)
}

// position adds the host's applied GTID position to r.
func (h *host) position(ctx context.Context, c *myx.Conn, r probeResult) (probeResult, error) {
	pos, err := appliedPosition(ctx, c)
	if err != nil {
		if lost(err) {
			return r, err
		}
		return r, nil
	}
	r.applied, r.appliedOK = pos, true
	return r, nil
}

func (h *host) isPrimary() bool {
	h.cl.mu.Lock()
	defer h.cl.mu.Unlock()
	return h.cl.primary == h.idx
}

// replica is what SHOW REPLICA STATUS tells.
type replica struct {
	present               bool
	ioRunning, sqlRunning bool
	behind                int64
	behindKnown           bool
	source                string
}

// replicaStatus reads SHOW REPLICA STATUS (MySQL 8.0.22+, MariaDB 10.5.1+), or SHOW SLAVE
// STATUS where that is unknown, by column name: Replica_/Slave_IO_Running,
// Replica_/Slave_SQL_Running, Seconds_Behind_Source/Master, Source_/Master_Host and _Port.
func replicaStatus(ctx context.Context, c *myx.Conn) (replica, error) {
	rows, err := c.Query(ctx, "SHOW REPLICA STATUS")
	if err != nil {
		var me *myx.MySQLError
		if !errors.As(err, &me) || me.Number != 1064 {
			return replica{}, err
		}
		if rows, err = c.Query(ctx, "SHOW SLAVE STATUS"); err != nil {
			return replica{}, err
		}
	}
	defer rows.Close()
	var r replica
	if !rows.Next() {
		return r, rows.Err()
	}
	vals, err := rows.Values()
	if err != nil {
		return r, err
	}
	col := map[string]string{}
	null := map[string]bool{}
	for i, name := range rows.ColumnNames() {
		switch v := vals[i].(type) {
		case nil:
			null[name] = true
		case []byte:
			col[name] = string(v)
		case string:
			col[name] = v
		default:
			col[name] = fmt.Sprint(v)
		}
	}
	pick := func(names ...string) (string, bool) {
		for _, n := range names {
			if v, ok := col[n]; ok {
				return v, true
			}
			if null[n] {
				return "", false
			}
		}
		return "", false
	}
	r.present = true
	io, _ := pick("Replica_IO_Running", "Slave_IO_Running")
	sqlr, _ := pick("Replica_SQL_Running", "Slave_SQL_Running")
	r.ioRunning, r.sqlRunning = io == "Yes", sqlr == "Yes"
	if s, ok := pick("Seconds_Behind_Source", "Seconds_Behind_Master"); ok {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			r.behind, r.behindKnown = n, true
		}
	}
	hostName, _ := pick("Source_Host", "Master_Host")
	port, _ := pick("Source_Port", "Master_Port")
	if hostName != "" {
		r.source = net.JoinHostPort(hostName, port)
	}
	for rows.Next() {
	}
	return r, rows.Err()
}

// apply records a check's result, elects the primary and tells the tracer and waiting calls.
func (cl *Cluster) apply(h *host, r probeResult) {
	cl.mu.Lock()
	before := cl.snapshotLocked()
	now := time.Now()
	st := &h.st
	st.checked = now
	if r.err != nil {
		cl.failLocked(h, r.err, now)
	} else {
		st.failures, st.deniedUntil, st.err = 0, time.Time{}, nil
		st.role, st.state, st.writable, st.source = r.role, r.state, r.writable, r.source
		st.lag, st.lagKnown = r.lag, r.lagKnown
		if r.appliedOK {
			st.applied = r.applied
		}
	}
	cl.settleLocked(before)
}

// failLocked marks the host down and denies it for the next backoff period.
func (cl *Cluster) failLocked(h *host, err error, now time.Time) {
	st := &h.st
	st.state, st.lagKnown, st.err = StateDown, false, err
	st.failures++
	st.deniedUntil = now.Add(cl.backoff(st.failures))
}

// hostFailed records that a call could not reach h (its pool's dial failed): the host is
// down and denied at once, without waiting for the monitor, and every host is checked again
// (the monitor confirms or clears it after the backoff).
func (cl *Cluster) hostFailed(h *host, err error) {
	cl.mu.Lock()
	before := cl.snapshotLocked()
	if h.st.state != StateDown {
		cl.failLocked(h, err, time.Now())
	}
	cl.settleLocked(before)
	cl.pokeAll()
}

// markNotReady records that h refused work as not ready (Galera's 1047): it gets no traffic
// until a check finds it ready again, which is asked for at once.
func (cl *Cluster) markNotReady(h *host, err error) {
	cl.mu.Lock()
	before := cl.snapshotLocked()
	if h.st.state == StateUp {
		h.st.state, h.st.err = StateNotReady, err
	}
	cl.settleLocked(before)
	h.poke()
}

// suspect asks for every host to be checked now: a call lost its connection to h.
func (cl *Cluster) suspect(h *host) { cl.pokeAll() }

// seen is what changes are traced about one host.
type seen struct {
	role    Role
	state   State
	denied  bool
	primary bool
	until   time.Time
}

func (cl *Cluster) snapshotLocked() []seen {
	now := time.Now()
	s := make([]seen, len(cl.hosts))
	for i, h := range cl.hosts {
		s[i] = seen{role: h.st.role, state: h.st.state, denied: h.st.deniedUntil.After(now),
			primary: cl.primary == i, until: h.st.deniedUntil}
	}
	return s
}

// settleLocked elects the primary, wakes waiting calls, unlocks cl.mu and traces what changed
// since before.
func (cl *Cluster) settleLocked(before []seen) {
	if cl.cfg.Mode == myx.ClusterReplication {
		cs := make([]candidate, len(cl.hosts))
		for i, h := range cl.hosts {
			cs[i] = candidate{addr: h.addr, state: h.st.state, source: h.st.source, role: h.st.role}
		}
		cl.primary = elect(cs, cl.primary)
	}
	after := cl.snapshotLocked()
	cl.broadcastLocked()
	var events []HostChangeData
	if cl.htr != nil {
		for i, a := range after {
			b := before[i]
			if a.role == b.role && a.state == b.state && a.denied == b.denied && a.primary == b.primary {
				continue
			}
			d := HostChangeData{Addr: cl.hosts[i].addr, OldRole: b.role, Role: a.role, OldState: b.state,
				State: a.state, Primary: a.primary, WasPrimary: b.primary, Err: cl.hosts[i].st.err}
			if a.denied {
				d.DeniedUntil = a.until
			}
			events = append(events, d)
		}
	}
	cl.mu.Unlock()
	for _, d := range events {
		cl.htr.TraceHostChange(cl.ctx, d)
	}
}
