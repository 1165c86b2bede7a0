package cluster

import (
	"fmt"
	"strings"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/dsnparam"
	"github.com/myxdb/myx/internal/suggest"
	"github.com/myxdb/myx/pool"
)

// Config configures a Cluster. Build one with ParseConfig, which reads the cluster_* DSN
// parameters (and, through pool.ParseConfig, the pool_* ones), or by hand; zero fields take
// the defaults documented on each. A Config must not be modified after it is passed to
// NewWithConfig.
type Config struct {
	// Pool is the template of every host's pool: each host gets a pool.Pool configured like
	// it, with Pool.ConnConfig copied, its Addrs cleared, Addr set to the host and TrackGTID
	// on. Pool.ConnConfig.Addrs lists the hosts, in order (a single Addr is a cluster of one).
	// Pool.MaxConns and the other limits apply to each host's pool separately.
	Pool pool.Config

	// Mode is how hosts are used: ClusterReplication (writes to the one primary, reads on
	// replicas when asked), ClusterFailover (every call to the first healthy host in order),
	// ClusterLoadBalance (every call to a healthy host with the least work in flight). Default:
	// Pool.ConnConfig.ClusterMode (DSN cluster_mode).
	Mode myx.ClusterMode

	// LagLimit is the most replication lag a replica may have to serve reads. A replica whose
	// lag is unknown (its SQL thread stopped, its status unreadable) never serves them.
	// Default 10 seconds; negative means any lag, known or not. DSN cluster_lag_limit.
	LagLimit time.Duration
	// ReadYourWritesWait bounds how long a read routed to a replica waits for the replica to
	// apply the position of the caller's Session (see WithSession) before it goes to the
	// primary instead. Default one second; negative means never wait: a replica not known to
	// have applied the position is skipped. DSN cluster_ryw_wait.
	ReadYourWritesWait time.Duration
	// CheckPeriod is how often every host is checked (role, state, lag). Default one
	// second. DSN cluster_check_period.
	CheckPeriod time.Duration
	// FailoverTimeout bounds how long a call waits for a host to route it to (a primary
	// after the old one failed, in replication mode; any healthy host otherwise), in addition
	// to its context. Default 30 seconds. DSN cluster_failover_timeout.
	FailoverTimeout time.Duration
	// Heartbeat, when set (replication mode), names a table ("name" or "db.name") the
	// cluster writes the primary's UTC_TIMESTAMP(6) to every CheckPeriod; a replica's lag is then its clock
	// minus the timestamp it has applied, which has the resolution of CheckPeriod instead of
	// the one second of Seconds_Behind_Master and sees delays Seconds_Behind_Master misses
	// (see the package documentation). InstallHeartbeat creates the table. Empty: lag comes
	// from the replicas' status. DSN cluster_heartbeat.
	Heartbeat string

	// Tracer, when not nil, is given to every host's pool as its Tracer (unless Pool.Tracer is
	// set), so the pool and connection tracers it implements see every host's work; when it
	// implements HostTracer it also hears of every change of a host's role or state and of
	// the deny list, and when it implements myx.RetryTracer, of every call the cluster runs
	// again on a fresh connection or another host (Op "exec", "query", "begin", "batch",
	// "copyfrom", "execmany", "idempotent", and "transaction" from BeginFunc). It must be
	// safe for concurrent use.
	Tracer any
}

// DSN parameters read by ParseConfig.
const (
	paramLagLimit        = "cluster_lag_limit"
	paramRYWWait         = "cluster_ryw_wait"
	paramCheckPeriod     = "cluster_check_period"
	paramHeartbeat       = "cluster_heartbeat"
	paramFailoverTimeout = "cluster_failover_timeout"
	// Read by the root package (never in RuntimeParams); listed for suggestions.
	paramMode    = "cluster_mode"
	paramDenyFor = "cluster_deny_for"
)

var knownParams = []string{paramLagLimit, paramRYWWait, paramCheckPeriod, paramHeartbeat,
	paramFailoverTimeout, paramMode, paramDenyFor}

// Defaults of the Config fields.
const (
	DefaultLagLimit           = 10 * time.Second
	DefaultReadYourWritesWait = time.Second
	DefaultCheckPeriod        = time.Second
	DefaultFailoverTimeout    = 30 * time.Second
)

// ParseConfig parses a multi-host DSN (any form myx.ParseConfig accepts) into a Config: the
// hosts and the mode come from the root package (Pool.ConnConfig.Addrs, ClusterMode), the
// pool_* parameters from pool.ParseConfig, and these from the cluster_* parameters:
// cluster_lag_limit, cluster_ryw_wait, cluster_check_period, cluster_failover_timeout (Go
// durations such as "500ms" or a number of seconds) and cluster_heartbeat (a table name).
// Any other cluster_* parameter is an error naming the closest known one, so a misspelt
// setting is never silently ignored. The parameters read are removed from
// Pool.ConnConfig.RuntimeParams. Errors are *myx.ConfigError and never contain the password.
func ParseConfig(dsn string) (*Config, error) {
	pc, err := pool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cc := pc.ConnConfig
	cfg := &Config{Pool: *pc, Mode: cc.ClusterMode}
	fail := func(format string, args ...any) (*Config, error) {
		return nil, &myx.ConfigError{DSN: cc.String(), Msg: fmt.Sprintf(format, args...)}
	}
	for k, v := range cc.RuntimeParams {
		if !strings.HasPrefix(k, "cluster_") {
			continue
		}
		var perr error
		switch k {
		case paramLagLimit:
			cfg.LagLimit, perr = dsnparam.Duration(v)
		case paramRYWWait:
			cfg.ReadYourWritesWait, perr = dsnparam.Duration(v)
		case paramCheckPeriod:
			cfg.CheckPeriod, perr = dsnparam.Duration(v)
			if perr == nil && cfg.CheckPeriod <= 0 {
				perr = fmt.Errorf("must be positive")
			}
		case paramFailoverTimeout:
			cfg.FailoverTimeout, perr = dsnparam.Duration(v)
			if perr == nil && cfg.FailoverTimeout <= 0 {
				perr = fmt.Errorf("must be positive")
			}
		case paramHeartbeat:
			cfg.Heartbeat = v
			_, perr = quoteTable(v)
		default:
			if s, ok := suggest.Closest(k, knownParams); ok {
				return fail("unknown cluster parameter %s (did you mean %s?)", k, s)
			}
			return fail("unknown cluster parameter %s (known: %s)", k, strings.Join(knownParams, ", "))
		}
		if perr != nil {
			return fail("%s=%q: %v", k, v, perr)
		}
		delete(cc.RuntimeParams, k)
	}
	return cfg, nil
}

// quoteTable quotes a table name given as "name" or "db.name" for use in SQL. Names are
// limited to letters, digits, '_' and '$' so that no quoting subtleties arise.
func quoteTable(name string) (string, error) {
	parts := strings.Split(name, ".")
	if len(parts) > 2 {
		return "", fmt.Errorf("want a table name or db.table")
	}
	var b strings.Builder
	for i, p := range parts {
		if p == "" || len(p) > 64 {
			return "", fmt.Errorf("want a table name or db.table")
		}
		for _, r := range p {
			if !(r == '_' || r == '$' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return "", fmt.Errorf("a table name of letters, digits, _ and $ (or db.table)")
			}
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString("`" + p + "`")
	}
	return b.String(), nil
}

// settings is a Config with the defaults applied.
type settings struct {
	Config
	addrs     []string
	heartbeat string        // quoted, or ""
	denyFor   time.Duration // the longest deny backoff; 0: it does not grow
}

func (cfg *Config) resolve() (*settings, error) {
	if cfg == nil || cfg.Pool.ConnConfig == nil {
		return nil, fmt.Errorf("cluster: Config.Pool.ConnConfig is required")
	}
	s := &settings{Config: *cfg}
	s.addrs = cfg.Pool.ConnConfig.Hosts()
	if len(s.addrs) == 0 || s.addrs[0] == "" {
		return nil, fmt.Errorf("cluster: no hosts (Config.Pool.ConnConfig.Addrs is empty)")
	}
	seen := map[string]bool{}
	for _, a := range s.addrs {
		if seen[a] {
			return nil, fmt.Errorf("cluster: host %s is listed twice", a)
		}
		seen[a] = true
	}
	if s.Heartbeat != "" {
		q, err := quoteTable(s.Heartbeat)
		if err != nil {
			return nil, fmt.Errorf("cluster: Heartbeat %q: %v", s.Heartbeat, err)
		}
		s.heartbeat = q
	}
	if s.LagLimit == 0 {
		s.LagLimit = DefaultLagLimit
	}
	if s.ReadYourWritesWait == 0 {
		s.ReadYourWritesWait = DefaultReadYourWritesWait
	}
	if s.CheckPeriod <= 0 {
		s.CheckPeriod = DefaultCheckPeriod
	}
	if s.FailoverTimeout <= 0 {
		s.FailoverTimeout = DefaultFailoverTimeout
	}
	s.denyFor = cfg.Pool.ConnConfig.DenyDuration()
	return s, nil
}

// hostPoolConfig is the pool configuration of one host.
func (s *settings) hostPoolConfig(addr string) *pool.Config {
	pc := s.Pool
	pc.ConnConfig = s.Pool.ConnConfig.HostConfig(addr)
	pc.ConnConfig.TrackGTID = true
	if pc.Tracer == nil {
		pc.Tracer = s.Tracer
	}
	return &pc
}
