package pool

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/dsnparam"
	"github.com/myxdb/myx/internal/suggest"
)

// Config configures a Pool. Build one with ParseConfig (which reads the pool_* DSN parameters)
// or by hand around a *myx.Config; zero fields take the defaults documented on each. A Config
// must not be modified after it is passed to NewWithConfig.
type Config struct {
	// ConnConfig is the configuration of every connection. Required.
	ConnConfig *myx.Config

	// MaxConns is the most connections the pool holds, in use, idle and being opened together.
	// Default: the larger of 4 and runtime.NumCPU(). DSN: pool_max_conns.
	MaxConns int
	// MinConns is how many connections the pool keeps open even when idle: NewWithConfig opens
	// them before it returns, and the background health check reopens them after losses.
	// Default 0. DSN: pool_min_conns.
	MinConns int
	// MinIdleConns is how many idle connections the background health check tries to keep
	// ready (never exceeding MaxConns). Default 0. DSN: pool_min_idle_conns.
	MinIdleConns int

	// MaxConnLifetime is how long a connection may live, counted from its creation; an older
	// connection is closed when it is released or found idle, never in the middle of use.
	// Default one hour; negative means no limit. DSN: pool_max_conn_lifetime.
	MaxConnLifetime time.Duration
	// MaxConnLifetimeJitter adds a random duration in [0, jitter) to each connection's
	// lifetime, so that connections opened together do not all expire together. Default a
	// tenth of MaxConnLifetime; negative means none. DSN: pool_max_conn_lifetime_jitter.
	MaxConnLifetimeJitter time.Duration
	// MaxConnIdleTime is how long a connection may sit idle before the health check closes it
	// (connections needed for MinConns are kept). Default 30 minutes; negative means no limit.
	// DSN: pool_max_conn_idle_time.
	MaxConnIdleTime time.Duration
	// HealthCheckPeriod is how often the background health check runs: it closes expired and
	// over-idle connections, closes idle connections the server has closed (a check without a
	// round trip), and opens connections for MinConns and MinIdleConns. Default one minute.
	// DSN: pool_health_check_period.
	HealthCheckPeriod time.Duration
	// PingAfterIdle: a connection idle for longer is pinged (COM_PING) before it is handed
	// out, and replaced if the ping fails. Every connection idle for 10 milliseconds or more
	// is also checked without a round trip, whatever PingAfterIdle is, for a close by the
	// server (see the package documentation). Default 30 seconds; negative disables pings.
	// DSN: pool_ping_after_idle.
	PingAfterIdle time.Duration
	// PingTimeout bounds such a ping (in addition to the caller's context). Default 5 seconds.
	PingTimeout time.Duration
	// ReleaseTimeout bounds the ROLLBACK or session reset that releasing a connection may
	// need; a connection that cannot be cleaned up in time is closed. Default 5 seconds.
	ReleaseTimeout time.Duration

	// AlwaysReset makes every release reset the session (COM_RESET_CONNECTION and the
	// configured session settings again), not only releases after which the server flagged a
	// session change. Use it when code takes state the server does not flag: named locks
	// (GET_LOCK), LOCK TABLES, SET TRANSACTION for the next transaction. It costs a round trip
	// per release and empties the connection's prepared statement cache. DSN:
	// pool_always_reset.
	AlwaysReset bool

	// IdempotentAttempts bounds how many times Pool.Idempotent runs its function. Default 3.
	IdempotentAttempts int

	// AfterConnect, if set, is called with every new connection before the pool uses it; an
	// error closes the connection and is reported to the acquirer waiting for it. Session state
	// it sets is undone by the first reset; put session settings in ConnConfig.SessionVars or
	// ConnConfig.InitCommands, which every reset applies again.
	AfterConnect func(ctx context.Context, c *myx.Conn) error
	// BeforeAcquire, if set, is called before a connection is handed out; returning false
	// closes it and another connection is tried (at most MaxConns+1 times per acquire, then
	// the acquire fails with ErrAcquireRejected).
	BeforeAcquire func(ctx context.Context, c *myx.Conn) bool
	// AfterRelease, if set, is called when a connection comes back, after any open
	// transaction was rolled back and before its session is reset; returning false closes it.
	AfterRelease func(c *myx.Conn) bool

	// Tracer, when not nil, is told about the pool's work: AcquireTracer, ReleaseTracer and
	// myx.RetryTracer (the pool's retries: Exec, Query, QueryRow, ExecMany, BeginTx, SendBatch
	// and CopyFrom sent again after a failure before anything was sent, Idempotent run again),
	// whichever it implements, found by type assertion when the pool is created. It is called
	// from the goroutines using the pool and must be safe for concurrent use. Nil costs
	// nothing.
	//
	// When Tracer also implements any of the root package's tracers (myx.QueryTracer,
	// myx.BatchTracer, myx.CopyFromTracer, myx.ExecManyTracer, myx.PrepareTracer,
	// myx.ConnectTracer, myx.CancelTracer, myx.ResetTracer, myx.RetryTracer) and
	// ConnConfig.Tracer is nil, the pool's connections use it as their tracer: one value set
	// here traces the pool and its connections. The pool dials with a copy of ConnConfig for
	// that; ConnConfig itself is not modified. A ConnConfig.Tracer that is set is kept as it is
	// (the connections use it, not this one); combine both in a MultiTracer to have both. When
	// Tracer is not a myx.RetryTracer, the pool's retries go to ConnConfig.Tracer if that is one.
	Tracer any
}

// DSN parameters the pool reads from Config.RuntimeParams.
const (
	paramMaxConns        = "pool_max_conns"
	paramMinConns        = "pool_min_conns"
	paramMinIdleConns    = "pool_min_idle_conns"
	paramMaxLifetime     = "pool_max_conn_lifetime"
	paramLifetimeJitter  = "pool_max_conn_lifetime_jitter"
	paramMaxIdleTime     = "pool_max_conn_idle_time"
	paramHealthPeriod    = "pool_health_check_period"
	paramPingAfterIdle   = "pool_ping_after_idle"
	paramAlwaysReset     = "pool_always_reset"
	defaultLifetime      = time.Hour
	defaultIdleTime      = 30 * time.Minute
	defaultHealthPeriod  = time.Minute
	defaultPingAfterIdle = 30 * time.Second
	defaultPingTimeout   = 5 * time.Second
	defaultReleaseTO     = 5 * time.Second
)

// ParseConfig parses a DSN (any form myx.ParseConfig accepts) into a pool Config. Pool
// settings come from these parameters: pool_max_conns, pool_min_conns, pool_min_idle_conns
// (integers), pool_max_conn_lifetime, pool_max_conn_lifetime_jitter, pool_max_conn_idle_time,
// pool_health_check_period, pool_ping_after_idle (Go durations such as "90s" or "1h", or a
// number of seconds) and pool_always_reset (a boolean). Any other parameter starting with
// "pool_" is an error, so a misspelt setting is never silently ignored. The pool_* parameters
// read are removed from ConnConfig.RuntimeParams, which keeps only what other layers may
// want. Errors are *myx.ConfigError and never contain the password.
func ParseConfig(dsn string) (*Config, error) {
	cc, err := myx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg := &Config{ConnConfig: cc}
	fail := func(format string, args ...any) (*Config, error) {
		return nil, &myx.ConfigError{DSN: cc.String(), Msg: fmt.Sprintf(format, args...)}
	}
	for k, v := range cc.RuntimeParams {
		if !strings.HasPrefix(k, "pool_") {
			continue
		}
		var perr error
		switch k {
		case paramMaxConns:
			cfg.MaxConns, perr = parseCount(v, 1)
		case paramMinConns:
			cfg.MinConns, perr = parseCount(v, 0)
		case paramMinIdleConns:
			cfg.MinIdleConns, perr = parseCount(v, 0)
		case paramMaxLifetime:
			cfg.MaxConnLifetime, perr = dsnparam.Duration(v)
		case paramLifetimeJitter:
			cfg.MaxConnLifetimeJitter, perr = dsnparam.Duration(v)
		case paramMaxIdleTime:
			cfg.MaxConnIdleTime, perr = dsnparam.Duration(v)
		case paramHealthPeriod:
			cfg.HealthCheckPeriod, perr = dsnparam.Duration(v)
			if perr == nil && cfg.HealthCheckPeriod <= 0 {
				perr = fmt.Errorf("must be positive")
			}
		case paramPingAfterIdle:
			cfg.PingAfterIdle, perr = dsnparam.Duration(v)
		case paramAlwaysReset:
			cfg.AlwaysReset, perr = strconv.ParseBool(v)
		default:
			known := []string{paramMaxConns, paramMinConns, paramMinIdleConns, paramMaxLifetime,
				paramLifetimeJitter, paramMaxIdleTime, paramHealthPeriod, paramPingAfterIdle, paramAlwaysReset}
			if s, ok := suggest.Closest(k, known); ok {
				return fail("unknown pool parameter %s (did you mean %s?)", k, s)
			}
			return fail("unknown pool parameter %s (known: %s)", k, strings.Join(known, ", "))
		}
		if perr != nil {
			return fail("%s=%q: %v", k, v, perr)
		}
		delete(cc.RuntimeParams, k)
	}
	if cfg.MaxConns > 0 && cfg.MinConns > cfg.MaxConns {
		return fail("%s (%d) exceeds %s (%d)", paramMinConns, cfg.MinConns, paramMaxConns, cfg.MaxConns)
	}
	return cfg, nil
}

func parseCount(s string, lo int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("not an integer")
	}
	if n < lo {
		return 0, fmt.Errorf("must be at least %d", lo)
	}
	return n, nil
}

// settings is a Config with the defaults applied.
type settings struct {
	Config
	maxConns int
	// connConfig is what the pool dials with: ConnConfig, or a copy of it carrying Tracer.
	connConfig *myx.Config
	tr         tracers
	// keepCtx: acquires keep the work's context in the entry, for the ReleaseTracer and as
	// the parent of the release's ROLLBACK and reset (which the connections' tracer sees).
	keepCtx bool
}

func (cfg *Config) resolve() (*settings, error) {
	if cfg == nil || cfg.ConnConfig == nil {
		return nil, fmt.Errorf("pool: Config.ConnConfig is required")
	}
	s := &settings{Config: *cfg}
	s.maxConns = cfg.MaxConns
	s.connConfig = cfg.ConnConfig
	if t := cfg.Tracer; t != nil {
		var forConns any
		s.tr, forConns = findTracers(t)
		if cfg.ConnConfig.Tracer == nil && forConns != nil {
			s.connConfig = cfg.ConnConfig.Copy()
			s.connConfig.Tracer = forConns
		}
	}
	if s.tr.retry == nil {
		s.tr.retry, _ = s.connConfig.Tracer.(myx.RetryTracer)
	}
	s.keepCtx = s.tr.release != nil || s.connConfig.Tracer != nil
	if s.maxConns <= 0 {
		s.maxConns = max(4, runtime.NumCPU())
	}
	if s.MinConns < 0 || s.MinIdleConns < 0 {
		return nil, fmt.Errorf("pool: MinConns and MinIdleConns must not be negative")
	}
	if s.MinConns > s.maxConns {
		return nil, fmt.Errorf("pool: MinConns (%d) exceeds MaxConns (%d)", s.MinConns, s.maxConns)
	}
	s.MinIdleConns = min(s.MinIdleConns, s.maxConns)
	if s.MaxConnLifetime == 0 {
		s.MaxConnLifetime = defaultLifetime
	}
	if s.MaxConnLifetimeJitter == 0 && s.MaxConnLifetime > 0 {
		s.MaxConnLifetimeJitter = s.MaxConnLifetime / 10
	}
	if s.MaxConnIdleTime == 0 {
		s.MaxConnIdleTime = defaultIdleTime
	}
	if s.HealthCheckPeriod <= 0 {
		s.HealthCheckPeriod = defaultHealthPeriod
	}
	if s.PingAfterIdle == 0 {
		s.PingAfterIdle = defaultPingAfterIdle
	}
	if s.PingTimeout <= 0 {
		s.PingTimeout = defaultPingTimeout
	}
	if s.ReleaseTimeout <= 0 {
		s.ReleaseTimeout = defaultReleaseTO
	}
	if s.IdempotentAttempts <= 0 {
		s.IdempotentAttempts = 3
	}
	return s, nil
}
