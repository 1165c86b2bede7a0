package myx

// Several hosts in one configuration (Config.Addrs): the order hosts are tried in
// (ClusterMode), the deny list of hosts that failed recently, the check that a host is a
// writable primary (ClusterReplication), and the error naming every host tried.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// ClusterMode says how a connection picks a host among several (Config.Addrs). With a single
// host it has no effect.
type ClusterMode int

// Cluster modes.
const (
	// ClusterFailover tries the hosts in order and keeps the first that connects. The zero
	// value. DSN: cluster_mode=failover (also sequential).
	ClusterFailover ClusterMode = iota
	// ClusterLoadBalance starts at a host chosen at random and tries the others after it,
	// in order (wrapping around): for equal nodes such as Galera nodes or TiDB SQL nodes.
	// DSN: cluster_mode=load-balance.
	ClusterLoadBalance
	// ClusterReplication tries the hosts in order and keeps the first that is a writable
	// primary (see HostRole.Writable): a host that connects but is read only, a replica or a
	// Galera node that is not Synced is closed and the next one is tried. DSN:
	// cluster_mode=replication.
	ClusterReplication
)

// String returns the mode's DSN name: "failover", "load-balance" or "replication".
func (m ClusterMode) String() string {
	switch m {
	case ClusterFailover:
		return "failover"
	case ClusterLoadBalance:
		return "load-balance"
	case ClusterReplication:
		return "replication"
	}
	return "ClusterMode(" + strconv.Itoa(int(m)) + ")"
}

// ParseClusterMode reads a mode's name as String writes it; it also accepts sequential
// (MariaDB Connector/J's name for failover), loadbalance and load_balance, in any case.
func ParseClusterMode(s string) (ClusterMode, error) {
	switch strings.ToLower(s) {
	case "failover", "sequential", "":
		return ClusterFailover, nil
	case "load-balance", "loadbalance", "load_balance":
		return ClusterLoadBalance, nil
	case "replication":
		return ClusterReplication, nil
	}
	return 0, fmt.Errorf("unknown cluster mode %q (want failover, load-balance or replication)", s)
}

// HostsError is the error of a connect with several hosts (Config.Addrs) when no host gave a
// connection: one HostError per host tried, in the order tried. A host is missing only when
// the context ended before it was tried. errors.Is and errors.As see through it to each
// host's error (a *MySQLError, a *ConnError, context.DeadlineExceeded, ErrNotWritable...).
// Nothing was sent to any server: it is safe to retry.
type HostsError struct {
	Mode  ClusterMode
	Hosts []*HostError
}

// Error names every host tried with its error.
func (e *HostsError) Error() string {
	var b strings.Builder
	b.WriteString("myx: no host of ")
	b.WriteString(strconv.Itoa(len(e.Hosts)))
	b.WriteString(" tried (")
	b.WriteString(e.Mode.String())
	b.WriteString(") gave a connection: ")
	for i, h := range e.Hosts {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(h.Addr)
		if h.Denied {
			b.WriteString(" (failed recently)")
		}
		b.WriteString(": ")
		b.WriteString(bare(h.Err))
	}
	return b.String()
}

// Unwrap returns the hosts' errors (each a *HostError).
func (e *HostsError) Unwrap() []error {
	errs := make([]error, len(e.Hosts))
	for i, h := range e.Hosts {
		errs[i] = h
	}
	return errs
}

// SafeToRetry reports true: a failed connect sent nothing a server could run.
func (e *HostsError) SafeToRetry() bool { return true }

// HostError is the failure of one host in a HostsError.
type HostError struct {
	Addr string // the host, as in Config.Addrs
	// Denied says the host was on the deny list (it failed within Config.DenyFor), so it
	// was tried only after the others.
	Denied bool
	Err    error
}

// Error names the host and its error.
func (e *HostError) Error() string { return "myx: " + e.Addr + ": " + bare(e.Err) }

// Unwrap returns the host's error.
func (e *HostError) Unwrap() error { return e.Err }

// ErrNotWritable is wrapped by the error of a host that connected, in ClusterReplication,
// but is not a writable primary (read only, a replica, or a Galera node not ready): the
// error's text says which.
var ErrNotWritable = errors.New("myx: not a writable primary")

// notWritableError says why a host is not a writable primary; it unwraps to ErrNotWritable.
type notWritableError struct {
	role HostRole
}

func (e *notWritableError) Error() string {
	var why []string
	if e.role.ReadOnly {
		why = append(why, "read only")
	}
	if e.role.Replica {
		why = append(why, "a replica (replication is running)")
	}
	if e.role.Galera && !e.role.GaleraReady {
		why = append(why, "a Galera node that is not Synced and ready")
	}
	return "not a writable primary: " + strings.Join(why, ", ")
}

func (e *notWritableError) Unwrap() error { return ErrNotWritable }

// HostRole is what a server says of its place in a cluster (Conn.HostRole).
type HostRole struct {
	// ReadOnly: @@read_only is on (on MySQL, or super_read_only).
	ReadOnly bool
	// Replica: replication threads are running on the server: it applies another server's
	// writes (MariaDB: status Slave_running or Slaves_running; MySQL: a replication applier
	// whose SERVICE_STATE is ON). A replica whose replication was stopped is not one.
	Replica bool
	// Galera: the server is a Galera node (wsrep_on).
	Galera bool
	// GaleraReady: a Galera node that is Synced (wsrep_local_state 4) and ready
	// (wsrep_ready ON); false when Galera is false.
	GaleraReady bool
}

// Writable reports whether the server is a writable primary: not read only, not a replica
// and, for a Galera node, Synced and ready.
func (r HostRole) Writable() bool {
	return !r.ReadOnly && !r.Replica && (!r.Galera || r.GaleraReady)
}

// Role queries: one round trip each. information_schema has no row for a variable the server
// lacks (a MariaDB built without wsrep), where @@wsrep_on would be an error. The status values
// are aggregated in a derived table: next to an aggregate in the same SELECT, MariaDB 10.11
// reports @@global.read_only as 0 whatever its value.
const (
	mariaDBRoleQuery = "SELECT @@global.read_only," +
		" (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = 'WSREP_ON')," +
		" s.slave, s.slaves, s.state, s.ready FROM (SELECT" +
		" COALESCE(MAX(IF(VARIABLE_NAME = 'SLAVE_RUNNING', VARIABLE_VALUE, NULL)), '') AS slave," +
		" COALESCE(MAX(IF(VARIABLE_NAME = 'SLAVES_RUNNING', VARIABLE_VALUE, NULL)), '') AS slaves," +
		" COALESCE(MAX(IF(VARIABLE_NAME = 'WSREP_LOCAL_STATE', VARIABLE_VALUE, NULL)), '') AS state," +
		" COALESCE(MAX(IF(VARIABLE_NAME = 'WSREP_READY', VARIABLE_VALUE, NULL)), '') AS ready" +
		" FROM information_schema.GLOBAL_STATUS" +
		" WHERE VARIABLE_NAME IN ('SLAVE_RUNNING', 'SLAVES_RUNNING', 'WSREP_LOCAL_STATE', 'WSREP_READY')) AS s"
	mySQLRoleQuery = "SELECT @@global.read_only OR @@global.super_read_only," +
		" (SELECT COUNT(*) FROM performance_schema.replication_applier_status WHERE SERVICE_STATE = 'ON')"
	mySQLReadOnlyQuery = "SELECT @@global.read_only OR @@global.super_read_only"
)

// HostRole asks the server whether it is read only, a running replica, or a Galera node and
// whether that node is Synced and ready, in one query. On MySQL, an account that may not read
// performance_schema gets read_only alone (Replica false). TiDB has no primary: every TiDB
// node is reported writable, without a query.
func (c *Conn) HostRole(ctx context.Context) (HostRole, error) {
	var role HostRole
	if c.server.Flavor == TiDB {
		return role, nil
	}
	if err := c.start(ctx); err != nil {
		return role, err
	}
	var err error
	if c.server.Flavor == MariaDB {
		var readOnly int
		var wsrepOn *string
		var slave, slaves, state, ready string
		r := &Row{}
		r.err = c.queryInternal(&r.rows, mariaDBRoleQuery)
		if err = r.Scan(&readOnly, &wsrepOn, &slave, &slaves, &state, &ready); err == nil {
			role.ReadOnly = readOnly != 0
			role.Replica = strings.EqualFold(slave, "ON") || slaves != "" && slaves != "0"
			role.Galera = wsrepOn != nil && strings.EqualFold(*wsrepOn, "ON")
			role.GaleraReady = role.Galera && state == "4" && strings.EqualFold(ready, "ON")
		}
	} else {
		var readOnly, appliers int
		r := &Row{}
		r.err = c.queryInternal(&r.rows, mySQLRoleQuery)
		err = r.Scan(&readOnly, &appliers)
		var me *MySQLError
		if errors.As(err, &me) && !c.closed {
			r = &Row{}
			r.err = c.queryInternal(&r.rows, mySQLReadOnlyQuery)
			err = r.Scan(&readOnly)
		}
		role.ReadOnly = readOnly != 0
		role.Replica = appliers > 0
	}
	return role, c.end(ctx, err)
}

// Addr returns the address this connection is connected to: for a configuration with several
// hosts, the one of Config.Addrs it went to; otherwise Config.Addr (with its default).
func (c *Conn) Addr() string { return c.addr }

// hostList is the deny list of the connections made from one Config and its copies: when
// each host that failed may be tried again in its turn. Safe for concurrent connects.
type hostList struct {
	mu     sync.Mutex
	until  map[string]time.Time
	now    func() time.Time // time.Now; tests replace it
	random func(n int) int  // rand.IntN; tests replace it
}

// hostList gives the deny list of cfg, creating it on first use.
func (cfg *Config) hostList() *hostList {
	ptr := (*unsafe.Pointer)(unsafe.Pointer(&cfg.hostState))
	if l := atomic.LoadPointer(ptr); l != nil {
		return (*hostList)(l)
	}
	l := &hostList{until: map[string]time.Time{}, now: time.Now, random: rand.IntN}
	if atomic.CompareAndSwapPointer(ptr, nil, unsafe.Pointer(l)) {
		return l
	}
	return (*hostList)(atomic.LoadPointer(ptr))
}

// DeniedUntil reports until when addr, one of Addrs, is tried only after the other hosts
// because it failed to connect (or was not a writable primary in ClusterReplication); the
// zero time when it is not denied. It reads the deny list the connections made from cfg
// share.
func (cfg *Config) DeniedUntil(addr string) time.Time {
	l := cfg.hostList()
	l.mu.Lock()
	defer l.mu.Unlock()
	if t, ok := l.until[addr]; ok && l.now().Before(t) {
		return t
	}
	return time.Time{}
}

// DenyHost puts addr, one of Addrs, on the deny list for DenyFor from now, as a failed
// connect does: a layer that found the host failing otherwise (a health check) tells the
// connects made from cfg. It does nothing when the deny list is off (DenyFor negative).
func (cfg *Config) DenyHost(addr string) {
	if d := cfg.denyFor(); d > 0 {
		l := cfg.hostList()
		l.deny(addr, l.now().Add(d))
	}
}

// Hosts returns the hosts a connect with cfg may go to, in order: a copy of Addrs when it
// lists several, otherwise the single host (Addr with its default).
func (cfg *Config) Hosts() []string {
	if cfg.multiHost() {
		return append([]string(nil), cfg.Addrs...)
	}
	return []string{cfg.singleAddr()}
}

// DenyDuration is how long a failed host stays on the deny list: DenyFor with its default
// (DefaultDenyFor when zero), 0 when the deny list is off (DenyFor negative).
func (cfg *Config) DenyDuration() time.Duration { return cfg.denyFor() }

// HostConfig returns a copy of cfg (see Copy) for the single host addr: Addr set to it and
// Addrs empty, so that its connections go to that host only, with no deny list and no role
// check. For layers that keep connections per host, such as package cluster.
func (cfg *Config) HostConfig(addr string) *Config {
	c := cfg.Copy()
	c.Addr, c.Addrs, c.hostState = addr, nil, nil
	return c
}

// order returns the hosts in the order a connect tries them: the mode's order, with the hosts
// denied at now moved to the end (in the mode's order too); denied is how many are at the
// end.
func (l *hostList) order(addrs []string, mode ClusterMode, now time.Time) (order []string, denied int) {
	start := 0
	if mode == ClusterLoadBalance {
		start = l.random(len(addrs))
	}
	order = make([]string, 0, len(addrs))
	var late []string
	l.mu.Lock()
	for i := range addrs {
		a := addrs[(start+i)%len(addrs)]
		if t, ok := l.until[a]; ok {
			if now.Before(t) {
				late = append(late, a)
				continue
			}
			delete(l.until, a)
		}
		order = append(order, a)
	}
	l.mu.Unlock()
	return append(order, late...), len(late)
}

// deny puts addr on the list until the given time.
func (l *hostList) deny(addr string, until time.Time) {
	l.mu.Lock()
	l.until[addr] = until
	l.mu.Unlock()
}

// allow takes addr off the list.
func (l *hostList) allow(addr string) {
	l.mu.Lock()
	delete(l.until, addr)
	l.mu.Unlock()
}

// connectHosts connects to one of cfg.Addrs, in the order of cfg.ClusterMode, hosts on the
// deny list last. ctx bounds the whole attempt; each host gets Config.ConnectTimeout.
func connectHosts(ctx context.Context, cfg *Config) (*Conn, error) {
	if cfg.network() == "unix" {
		return nil, &ConfigError{DSN: cfg.String(), Msg: errSocketWithHosts.Error()}
	}
	l := cfg.hostList()
	now := l.now()
	order, denied := l.order(cfg.Addrs, cfg.ClusterMode, now)
	herr := &HostsError{Mode: cfg.ClusterMode}
	for i, addr := range order {
		c, err := connectHost(ctx, cfg, addr, cfg.ClusterMode == ClusterReplication)
		if err == nil {
			if i >= len(order)-denied {
				l.allow(addr)
			}
			return c, nil
		}
		herr.Hosts = append(herr.Hosts, &HostError{Addr: addr, Denied: i >= len(order)-denied, Err: err})
		if ctx.Err() != nil {
			// The caller's context ended: not the host's fault, and no time for the others.
			break
		}
		if d := cfg.denyFor(); d > 0 {
			l.deny(addr, l.now().Add(d))
		}
	}
	return nil, herr
}

// connectHost connects to addr within Config.ConnectTimeout (and ctx); primary says the host
// must be a writable primary, or else it is closed and the connect fails with ErrNotWritable.
func connectHost(ctx context.Context, cfg *Config, addr string, primary bool) (*Conn, error) {
	if timeout := cfg.connectTimeout(); timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	c := &Conn{cfg: cfg, addr: addr, learned: -1, tr: newTracers(cfg.Tracer)}
	c.cancel.init(c)
	if err := c.connect(ctx); err != nil {
		if c.nc != nil {
			c.nc.Close()
		}
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = &ConnError{Op: "connect", Err: &connectInterrupted{ctx: ctx.Err(), err: err}, safe: true}
		}
		return nil, err
	}
	if primary {
		role, err := c.HostRole(ctx)
		if err == nil && !role.Writable() {
			err = &notWritableError{role: role}
		}
		if err != nil {
			c.Close(ctx)
			return nil, err
		}
	}
	return c, nil
}
