package pool

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

func TestParseConfig(t *testing.T) {
	cfg, err := ParseConfig("mysql://root:s3cret@127.0.0.1:3306/test?pool_max_conns=8&pool_min_conns=2&pool_min_idle_conns=1" +
		"&pool_max_conn_lifetime=1h&pool_max_conn_lifetime_jitter=5m&pool_max_conn_idle_time=90&pool_health_check_period=500ms" +
		"&pool_ping_after_idle=2s&pool_always_reset=true&lock_wait_timeout=7")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{MaxConns: 8, MinConns: 2, MinIdleConns: 1, MaxConnLifetime: time.Hour, MaxConnLifetimeJitter: 5 * time.Minute,
		MaxConnIdleTime: 90 * time.Second, HealthCheckPeriod: 500 * time.Millisecond, PingAfterIdle: 2 * time.Second, AlwaysReset: true}
	got := *cfg
	got.ConnConfig = nil
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if cfg.ConnConfig.Database != "test" || cfg.ConnConfig.Password != "s3cret" {
		t.Errorf("connection settings: %+v", cfg.ConnConfig)
	}
	if !slices.Contains(cfg.ConnConfig.SessionVars, [2]string{"lock_wait_timeout", "7"}) {
		t.Errorf("session variables lost: %v", cfg.ConnConfig.SessionVars)
	}

	// go-sql-driver form
	cfg, err = ParseConfig("root@tcp(127.0.0.1:3306)/test?pool_max_conns=3")
	if err != nil || cfg.MaxConns != 3 {
		t.Fatalf("driver form: %v %+v", err, cfg)
	}

	for _, bad := range []string{
		"pool_max_conns=0", "pool_max_conns=x", "pool_min_conns=-1", "pool_max_conns=2&pool_min_conns=3",
		"pool_max_conn_lifetime=soon", "pool_health_check_period=0", "pool_maxconns=3", "pool_always_reset=maybe",
	} {
		_, err := ParseConfig("mysql://root:s3cret@127.0.0.1:3306/test?" + bad)
		var ce *myx.ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s: want a *myx.ConfigError, got %v", bad, err)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows the password: %v", bad, err)
		}
	}

	// A misspelt pool parameter names the one meant (the suggestion shared with myx's DSN).
	if _, err := ParseConfig("mysql://root@127.0.0.1:3306/test?pool_max_cons=3"); err == nil ||
		!strings.Contains(err.Error(), "did you mean pool_max_conns?") {
		t.Errorf("pool_max_cons: %v", err)
	}
	if _, err := ParseConfig("mysql://root@127.0.0.1:3306/test?pool_nonsense=3"); err == nil ||
		!strings.Contains(err.Error(), "known: pool_max_conns") {
		t.Errorf("pool_nonsense: %v", err)
	}

	// Defaults
	s, err := (&Config{ConnConfig: cfg.ConnConfig}).resolve()
	if err != nil {
		t.Fatal(err)
	}
	if s.maxConns < 4 || s.MaxConnLifetime != time.Hour || s.MaxConnLifetimeJitter != 6*time.Minute ||
		s.MaxConnIdleTime != 30*time.Minute || s.HealthCheckPeriod != time.Minute {
		t.Errorf("defaults: %+v", s)
	}
	if _, err := (&Config{}).resolve(); err == nil {
		t.Error("a Config without ConnConfig must be refused")
	}
	if _, err := NewWithConfig(context.Background(), &Config{ConnConfig: cfg.ConnConfig, MaxConns: 2, MinConns: 3}); err == nil {
		t.Error("MinConns > MaxConns must be refused")
	}
}

func TestNewFromDSN(t *testing.T) {
	dsn := testConnConfig(t).String()
	if strings.Contains(dsn, "xxxxx") {
		t.Skip("the test server needs a password; String masks it")
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	p, err := New(ctxT(t, 10*time.Second), dsn+sep+"pool_max_conns=3&pool_min_conns=2")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s := p.Stat()
	if s.MaxConns != 3 || s.TotalConns != 2 || s.IdleConns != 2 || s.CreatedConns != 2 {
		t.Fatalf("New with pool_min_conns=2 must open two connections: %+v", s)
	}
	if err := p.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestNewFailsWhenMinConnsCannotConnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	noGoroutineLeak(t)
	cc, _ := myx.ParseConfig("mysql://root@" + addr + "/test")
	_, err = NewWithConfig(context.Background(), &Config{ConnConfig: cc, MinConns: 2})
	var ce *myx.ConnError
	if !errors.As(err, &ce) || !myx.SafeToRetry(err) {
		t.Fatalf("want a ConnError, got %v", err)
	}
}

func TestAcquireReleaseAndStat(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 2 })
	if cfg := p.Config(); cfg.MaxConns != 2 || cfg.MaxConnLifetime != time.Hour || cfg.ConnConfig == nil {
		t.Fatalf("Config: %+v", cfg)
	}
	ctx := ctxT(t, 20*time.Second)
	a, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a.Conn() == b.Conn() {
		t.Fatal("two acquires got the same connection")
	}
	s := checkStat(t, p)
	if s.TotalConns != 2 || s.InUseConns != 2 || s.IdleConns != 0 || s.CreatedConns != 2 || s.AcquireCount != 2 {
		t.Fatalf("after two acquires: %+v", s)
	}
	ids := map[uint32]bool{a.Conn().ConnID(): true, b.Conn().ConnID(): true}
	a.Release()
	a.Release() // harmless
	if a.Conn() != nil {
		t.Error("Conn after Release must be nil")
	}
	b.Release()
	s = checkStat(t, p)
	if s.TotalConns != 2 || s.IdleConns != 2 || s.InUseConns != 0 {
		t.Fatalf("after release: %+v", s)
	}
	for range 10 {
		if id := connID(t, p); !ids[id] {
			t.Fatalf("connection %d is new: the pool did not reuse %v", id, ids)
		}
	}
	s = checkStat(t, p)
	if s.CreatedConns != 2 || s.DestroyedConns != 0 {
		t.Fatalf("connections created or destroyed while reusing: %+v", s)
	}
}

func TestAcquireWaitsFirstComeFirstServed(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 1 })
	ctx := ctxT(t, 20*time.Second)
	held, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const n = 6
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := p.Acquire(ctx)
			if err != nil {
				t.Errorf("waiter %d: %v", i, err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			c.Release()
		}()
		// The next waiter starts only once this one is queued.
		if !eventually(5*time.Second, func() bool {
			p.mu.Lock()
			defer p.mu.Unlock()
			return p.waiters.n == i+1
		}) {
			t.Fatalf("waiter %d did not queue", i)
		}
	}
	held.Release()
	wg.Wait()
	if !slices.Equal(order, []int{0, 1, 2, 3, 4, 5}) {
		t.Fatalf("served in order %v, want first come first served", order)
	}
	s := settled(t, p)
	// The first acquire waited for the dial: an open wait, not a wait for a release.
	if s.WaitCount != n || s.OpenWaitCount != 1 || s.WaitDuration <= 0 || s.AcquireCount != n+1 ||
		s.CreatedConns != 1 {
		t.Fatalf("stat: %+v", s)
	}
}

func TestAcquireHonoursContext(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 1 })
	held, err := p.Acquire(ctxT(t, 20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = p.Acquire(ctx)
	var ie *myx.InterruptedError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &ie) {
		t.Fatalf("want an InterruptedError for the deadline, got %v", err)
	}
	if d := time.Since(start); d > 15*time.Second { // far beyond the deadline, whatever the load
		t.Fatalf("acquire took %v to give up", d)
	}
	// An acquire with an ended context fails at once, even with a connection idle.
	held.Release()
	done, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := p.Acquire(done); !errors.Is(err, context.Canceled) {
		t.Fatalf("ended context: %v", err)
	}
	s := settled(t, p)
	if s.CanceledAcquireCount != 1 || s.IdleConns != 1 || s.TotalConns != 1 {
		t.Fatalf("stat: %+v", s)
	}
	p.mu.Lock()
	queued := p.waiters.n
	p.mu.Unlock()
	if queued != 0 {
		t.Fatalf("%d waiters left in the queue", queued)
	}
}

// TestCancelledAcquireDuringDialLeaksNothing: the dial an acquire started goes on after the
// acquire gives up; the connection it yields is kept for the next acquire, or closed when the
// pool closes.
func TestCancelledAcquireDuringDialLeaksNothing(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	gate := make(chan struct{})
	var dials atomic.Int32
	cc.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 2 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := p.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if s := checkStat(t, p); s.ConstructingConns != 1 || s.TotalConns != 1 {
		t.Fatalf("the dial should still be under way: %+v", s)
	}
	close(gate)
	if !eventually(5*time.Second, func() bool { return p.Stat().IdleConns == 1 }) {
		t.Fatalf("the late connection did not become idle: %+v", p.Stat())
	}
	c, err := p.Acquire(ctxT(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	c.Release()
	if s := settled(t, p); s.CreatedConns != 1 || dials.Load() != 1 || s.TotalConns != 1 {
		t.Fatalf("the late connection was not reused: dials %d, %+v", dials.Load(), s)
	}

	// Closing the pool while a dial hangs: the dial is abandoned, Close returns.
	cc2 := cc.Copy()
	block := make(chan struct{})
	defer close(block)
	cc2.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		select {
		case <-block:
		case <-ctx.Done():
		}
		return nil, errors.New("dial abandoned")
	}
	p2, err := NewWithConfig(context.Background(), &Config{ConnConfig: cc2, MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx3, cancel3 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel3()
	p2.Acquire(ctx3)
	closeCtx, cancel4 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel4()
	if err := p2.CloseContext(closeCtx); err != nil {
		t.Fatalf("Close with a dial under way: %v", err)
	}
	if s := p2.Stat(); s.TotalConns != 0 {
		t.Fatalf("after Close: %+v", s)
	}
}

// TestAcquireCancelStorm: many acquires with tiny deadlines race with releases and dials; at
// the end every connection is accounted for and nothing is in use.
func TestAcquireCancelStorm(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 3 })
	var wg sync.WaitGroup
	stop := time.Now().Add(1500 * time.Millisecond)
	var ok, canceled atomic.Int64
	for g := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration((g+i)%7)*300*time.Microsecond)
				c, err := p.Acquire(ctx)
				cancel()
				if err != nil {
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("acquire: %v", err)
						return
					}
					canceled.Add(1)
					continue
				}
				ok.Add(1)
				if i%3 == 0 {
					c.Conn().Exec(context.Background(), "DO 1")
				}
				c.Release()
			}
		}()
	}
	wg.Wait()
	s := settled(t, p)
	if ok.Load() == 0 || canceled.Load() == 0 {
		t.Fatalf("ok %d canceled %d: the storm did not exercise both paths", ok.Load(), canceled.Load())
	}
	if s.TotalConns != s.IdleConns || s.TotalConns > 3 || s.CreatedConns-s.DestroyedConns != int64(s.TotalConns) {
		t.Fatalf("connections unaccounted for: %+v", s)
	}
	// Every idle connection works and is distinct.
	seen := map[*myx.Conn]bool{}
	var held []*Conn
	for range s.IdleConns {
		c, err := p.Acquire(ctxT(t, 5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if seen[c.Conn()] {
			t.Fatal("the same connection is idle twice")
		}
		seen[c.Conn()] = true
		if err := c.Conn().Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	for _, c := range held {
		c.Release()
	}
}

func TestMinConnsAndMinIdleConns(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	p := newPool(t, cc, func(c *Config) {
		c.MaxConns = 5
		c.MinConns = 2
		c.MinIdleConns = 2
		c.HealthCheckPeriod = 30 * time.Millisecond
	})
	if s := checkStat(t, p); s.TotalConns < 2 {
		t.Fatalf("MinConns not opened by New: %+v", s)
	}
	a, _ := p.Acquire(ctxT(t, 5*time.Second))
	b, _ := p.Acquire(ctxT(t, 5*time.Second))
	if !eventually(30*time.Second, func() bool { s := p.Stat(); return s.IdleConns >= 2 && s.TotalConns == 4 }) {
		t.Fatalf("MinIdleConns not kept with two in use: %+v", p.Stat())
	}
	a.Release()
	b.Release()
	// A connection killed by the server is replaced by the health check.
	obs := direct(t, cc)
	c, _ := p.Acquire(ctxT(t, 5*time.Second))
	id := c.Conn().ConnID()
	c.Release()
	kill(t, cc, id)
	if !eventually(30*time.Second, func() bool { return p.Stat().DestroyedConns >= 1 && p.Stat().IdleConns >= 2 }) {
		t.Fatalf("killed connection not replaced: %+v", p.Stat())
	}
	// The server ends a killed thread asynchronously: it may still be listed for a moment.
	if !eventually(30*time.Second, func() bool { return !alive(t, obs, id) }) {
		t.Fatal("the killed connection is still on the server")
	}
	checkStat(t, p)
}

func TestMaxConnLifetime(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) {
		c.MaxConns = 1
		c.MaxConnLifetime = 400 * time.Millisecond
		c.MaxConnLifetimeJitter = -1
	})
	born := time.Now()
	first := connID(t, p)
	if again := connID(t, p); again != first && time.Since(born) < 400*time.Millisecond {
		t.Fatalf("a young connection was replaced: %d then %d", first, again)
	}
	time.Sleep(500 * time.Millisecond)
	if later := connID(t, p); later == first {
		t.Fatal("a connection past its lifetime was handed out")
	}
	if s := settled(t, p); s.LifetimeDestroyCount != 1 || s.TotalConns != 1 {
		t.Fatalf("stat: %+v", s)
	}
	// Expired while in use: closed on release, not in the middle of use.
	c, err := p.Acquire(ctxT(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if err := c.Conn().Ping(context.Background()); err != nil {
		t.Fatalf("a connection in use was closed when it expired: %v", err)
	}
	c.Release()
	if s := settled(t, p); s.LifetimeDestroyCount != 2 || s.TotalConns != 0 {
		t.Fatalf("an expired connection went back to the pool: %+v", s)
	}
}

func TestMaxConnLifetimeJitter(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) {
		c.MaxConns = 6
		c.MaxConnLifetime = time.Hour
		c.MaxConnLifetimeJitter = time.Hour
	})
	var held []*Conn
	start := time.Now()
	for range 6 {
		c, err := p.Acquire(ctxT(t, 5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	seen := map[time.Time]bool{}
	for _, c := range held {
		life := c.e.expires.Sub(start)
		if life < time.Hour-time.Minute || life > 2*time.Hour {
			t.Errorf("lifetime %v outside [1h, 2h)", life)
		}
		seen[c.e.expires] = true
		c.Release()
	}
	if len(seen) < 5 {
		t.Errorf("lifetimes not spread by the jitter: %d distinct of 6", len(seen))
	}
}

func TestMaxConnIdleTime(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) {
		c.MaxConns = 3
		c.MinConns = 1
		c.MaxConnIdleTime = 100 * time.Millisecond
		c.HealthCheckPeriod = 25 * time.Millisecond
	})
	var held []*Conn
	for range 3 {
		c, err := p.Acquire(ctxT(t, 5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	for _, c := range held {
		c.Release()
	}
	if !eventually(5*time.Second, func() bool { return p.Stat().TotalConns == 1 }) {
		t.Fatalf("idle connections beyond MinConns not closed: %+v", p.Stat())
	}
	time.Sleep(150 * time.Millisecond)
	if s := checkStat(t, p); s.TotalConns != 1 || s.IdleDestroyCount != 2 {
		t.Fatalf("MinConns not kept: %+v", s)
	}
}

func TestDeadIdleConnectionIsReplacedNotReturned(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 2 })
	ids := map[uint32]bool{}
	var held []*Conn
	for range 2 {
		c, err := p.Acquire(ctxT(t, 5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		ids[c.Conn().ConnID()] = true
		held = append(held, c)
	}
	for _, c := range held {
		c.Release()
	}
	obs := direct(t, cc)
	for id := range ids {
		kill(t, cc, id)
		if !eventually(5*time.Second, func() bool { return !alive(t, obs, id) }) {
			t.Fatalf("connection %d survived KILL", id)
		}
	}
	time.Sleep(20 * time.Millisecond) // let the server's close arrive
	// Acquire checks the connection (no round trip) and replaces it: the caller never sees
	// the dead one.
	for range 5 {
		c, err := p.Acquire(ctxT(t, 5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if ids[c.Conn().ConnID()] {
			t.Fatal("a killed connection was handed out")
		}
		if err := c.Conn().Ping(context.Background()); err != nil {
			t.Fatalf("fresh connection: %v", err)
		}
		c.Release()
	}
	if s := settled(t, p); s.DestroyedConns != 2 {
		t.Fatalf("stat: %+v", s)
	}
}

func TestPingAfterIdle(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	px, pc := newProxy(t, cc)
	var pings atomic.Int32
	px.OnClientData(func(_ int, chunk []byte) mysqltest.Action {
		if isCommand(chunk, comPing, "") {
			pings.Add(1)
		}
		return mysqltest.Forward
	})
	p := newPool(t, pc, func(c *Config) {
		c.MaxConns = 1
		c.PingAfterIdle = 300 * time.Millisecond
		c.PingTimeout = 200 * time.Millisecond
	})
	busy := time.Now()
	connID(t, p)
	connID(t, p)
	// (Only meaningful when the machine let both calls run within PingAfterIdle.)
	if n := pings.Load(); n != 0 && time.Since(busy) < 300*time.Millisecond {
		t.Fatalf("%d pings for a busy connection", n)
	}
	pings.Store(0)
	time.Sleep(400 * time.Millisecond)
	connID(t, p)
	if n := pings.Load(); n != 1 {
		t.Fatalf("%d pings after an idle spell, want 1", n)
	}

	// A connection that stops answering (a network partition: nothing closes it) fails its
	// ping and is replaced, not handed out; the acquire reports an error in bounded time
	// while the partition lasts, and the pool works again once it heals.
	time.Sleep(400 * time.Millisecond)
	px.BlackHole(true)
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	c, err := p.Acquire(ctx)
	if err == nil {
		c.Release()
		t.Fatal("acquire handed out a connection across a partition")
	}
	if d := time.Since(start); d > 15*time.Second { // bounded, whatever the load
		t.Fatalf("acquire took %v", d)
	}
	px.BlackHole(false)
	px.ResetAll()
	if !eventually(10*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		return p.Ping(ctx) == nil
	}) {
		t.Fatal("the pool did not recover after the partition")
	}
	settled(t, p)
}
