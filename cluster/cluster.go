package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/pool"
)

// ErrClosed is returned by every method that needs a host once Close has been called.
var ErrClosed = errors.New("cluster: closed")

// NoHostError reports that no host could take a call within Config.FailoverTimeout: no primary
// was found (replication mode), or no host was healthy. Nothing of the call was sent, so
// myx.SafeToRetry reports true for it. Last is the last failure seen on a host, if any.
type NoHostError struct {
	Want   string // "primary" or "healthy host"
	Waited time.Duration
	Last   error
}

// Error says what was waited for, how long, and the last failure.
func (e *NoHostError) Error() string {
	s := fmt.Sprintf("cluster: no %s within %v", e.Want, e.Waited.Round(time.Millisecond))
	if e.Last != nil {
		s += " (last failure: " + e.Last.Error() + ")"
	}
	return s
}

// Unwrap returns the last failure seen on a host.
func (e *NoHostError) Unwrap() error { return e.Last }

// SafeToRetry reports true: nothing was sent.
func (e *NoHostError) SafeToRetry() bool { return true }

// Cluster is a set of hosts with a pool each, a monitor that keeps their roles, states and
// lag current, and routing of every call to the host it is meant for. It is safe for
// concurrent use. Create one with New or NewWithConfig and Close it when done.
type Cluster struct {
	cfg    *settings
	hosts  []*host
	ctx    context.Context // cancelled by Close: bounds the monitor's work
	cancel context.CancelFunc
	wg     sync.WaitGroup
	htr    HostTracer
	retry  myx.RetryTracer
	// retries bounds the transparent re-runs of one call (each one closes a connection or
	// marks a host): one more than all pools can hold.
	retries  int
	attempts int // Idempotent's, from the pools' IdempotentAttempts
	// rrRead and rrWrite take turns among tied hosts, one counter per kind of call, so that an
	// application alternating writes and reads still spreads its reads over the replicas.
	rrRead, rrWrite atomic.Uint64
	reader          Reader

	mu      sync.Mutex
	primary int           // elected primary (replication mode), -1 for none
	changed chan struct{} // closed and replaced when host states change
	waiting int           // calls waiting for a host: the monitor checks faster meanwhile
	closed  bool
}

// host is one server of the cluster.
type host struct {
	cl     *Cluster
	idx    int
	addr   string
	pool   *pool.Pool
	monCfg *myx.Config
	inUse  atomic.Int64  // work the cluster has in flight here
	kick   chan struct{} // buffered: check now (respecting the deny backoff)

	checkMu sync.Mutex // serializes checks and guards mon
	mon     *myx.Conn  // the monitor's own connection, outside the pool's budget

	st hostState // guarded by cl.mu
}

// hostState is what the monitor last found about a host.
type hostState struct {
	role        Role
	state       State
	writable    bool
	source      string // host:port it replicates from
	lag         time.Duration
	lagKnown    bool
	applied     Position
	deniedUntil time.Time
	failures    int // consecutive failed checks or dials
	err         error
	checked     time.Time
}

// New creates a cluster from a multi-host DSN (see ParseConfig). It checks every host once
// before returning, bounded by ctx, so that the first calls are routed knowing the roles; an
// unreachable host is not an error (it is Down, and tried again later; Stat tells), a
// configuration error or ctx ending is. With Pool.MinConns above zero each host's pool opens
// its connections in New (see pool.NewWithConfig), so every host must then be reachable.
func New(ctx context.Context, dsn string) (*Cluster, error) {
	cfg, err := ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return NewWithConfig(ctx, cfg)
}

// NewWithConfig is New with a Config, which must not be modified afterwards.
func NewWithConfig(ctx context.Context, cfg *Config) (*Cluster, error) {
	s, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, &myx.InterruptedError{Cause: err}
	}
	cl := &Cluster{cfg: s, primary: -1, changed: make(chan struct{})}
	cl.ctx, cl.cancel = context.WithCancel(context.Background())
	cl.reader.cl = cl
	cl.htr, _ = s.Tracer.(HostTracer)
	if cl.retry, _ = s.Tracer.(myx.RetryTracer); cl.retry == nil {
		cl.retry, _ = s.Pool.Tracer.(myx.RetryTracer)
	}
	for i, addr := range s.addrs {
		pc := s.hostPoolConfig(addr)
		p, err := pool.NewWithConfig(ctx, pc)
		if err != nil {
			for _, h := range cl.hosts {
				h.pool.Close()
			}
			cl.cancel()
			return nil, fmt.Errorf("cluster: host %s: %w", addr, err)
		}
		mc := pc.ConnConfig.Copy()
		mc.Tracer = nil // the monitor's queries are not the application's
		h := &host{cl: cl, idx: i, addr: addr, pool: p, monCfg: mc, kick: make(chan struct{}, 1)}
		cl.hosts = append(cl.hosts, h)
		pcfg := p.Config()
		cl.retries += pcfg.MaxConns + 1
		cl.attempts = pcfg.IdempotentAttempts
	}
	if err := cl.Refresh(ctx); err != nil {
		cl.Close()
		return nil, err
	}
	for _, h := range cl.hosts {
		cl.wg.Add(1)
		go h.monitor()
	}
	return cl, nil
}

// Close closes the cluster: the monitor stops, calls fail with ErrClosed, and every host's
// pool is closed (see pool.Pool.Close: it waits for connections in use to be released).
func (cl *Cluster) Close() { cl.CloseContext(context.Background()) }

// CloseContext is Close bounded by ctx; its error joins those of the hosts' pools.
func (cl *Cluster) CloseContext(ctx context.Context) error {
	cl.mu.Lock()
	if !cl.closed {
		cl.closed = true
		cl.cancel()
		cl.broadcastLocked()
	}
	cl.mu.Unlock()
	cl.wg.Wait()
	var errs []error
	for _, h := range cl.hosts {
		h.checkMu.Lock()
		if h.mon != nil {
			h.mon.Close(ctx)
			h.mon = nil
		}
		h.checkMu.Unlock()
		if err := h.pool.CloseContext(ctx); err != nil {
			errs = append(errs, fmt.Errorf("host %s: %w", h.addr, err))
		}
	}
	return errors.Join(errs...)
}

// Refresh checks every host now (role, state, lag), ignoring the deny list's backoff, and
// returns when every check has ended, the roles recomputed (a promotion followed). The
// monitor does the same every CheckPeriod and at once when a host fails; Refresh is for code
// that knows the cluster just changed (an orchestrator's hook, a test). Its error is ctx's
// when ctx ended first, or ErrClosed.
func (cl *Cluster) Refresh(ctx context.Context) error {
	cl.mu.Lock()
	closed := cl.closed
	cl.mu.Unlock()
	if closed {
		return ErrClosed
	}
	var wg sync.WaitGroup
	for _, h := range cl.hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.check(ctx)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return &myx.InterruptedError{Cause: err}
	}
	return nil
}

// Stat is a snapshot of the cluster's hosts.
type Stat struct {
	// Mode is the cluster's mode.
	Mode myx.ClusterMode
	// Primary is the address of the elected primary in replication mode, "" when there is
	// none (or in another mode).
	Primary string
	// Hosts lists every host, in configuration order.
	Hosts []HostStat
}

// HostStat is what the monitor last found about one host, and its pool's figures.
type HostStat struct {
	Addr  string
	Role  Role
	State State
	// Lag is the replication lag last measured, meaningful when LagKnown.
	Lag      time.Duration
	LagKnown bool
	// Applied is the GTID position the host had applied at its last check (zero when
	// unknown).
	Applied Position
	// DeniedUntil is set while the host is on the deny list: when it will be tried again.
	DeniedUntil time.Time
	// Checked is when its last check ended; Err is that check's failure, if it failed.
	Checked time.Time
	Err     error
	// Pool is the host's pool's Stat.
	Pool pool.Stat
}

// Stat returns a snapshot of every host's state.
func (cl *Cluster) Stat() Stat {
	s := Stat{Mode: cl.cfg.Mode, Hosts: make([]HostStat, len(cl.hosts))}
	now := time.Now()
	cl.mu.Lock()
	if cl.primary >= 0 {
		s.Primary = cl.hosts[cl.primary].addr
	}
	for i, h := range cl.hosts {
		st := &h.st
		hs := HostStat{Addr: h.addr, Role: st.role, State: st.state, Lag: st.lag, LagKnown: st.lagKnown,
			Applied: st.applied, Checked: st.checked, Err: st.err}
		if st.deniedUntil.After(now) {
			hs.DeniedUntil = st.deniedUntil
		}
		s.Hosts[i] = hs
	}
	cl.mu.Unlock()
	for i, h := range cl.hosts {
		s.Hosts[i].Pool = h.pool.Stat()
	}
	return s
}

// ServerInfo reports the server of the host writes go to (see pool.Pool.ServerInfo), waiting
// for one like a write does.
func (cl *Cluster) ServerInfo(ctx context.Context) (myx.ServerInfo, error) {
	h, err := cl.route(ctx, toWriter, nil, Position{})
	if err != nil {
		return myx.ServerInfo{}, err
	}
	return h.pool.ServerInfo(ctx)
}

// broadcastLocked wakes every call waiting for a host.
func (cl *Cluster) broadcastLocked() {
	close(cl.changed)
	cl.changed = make(chan struct{})
}
