package myx_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// Defaults come from one place: a Config built by hand with only the address and the
// account connects exactly as the one ParseConfig returns for the same DSN.

func TestParseConfigLeavesDefaultsZero(t *testing.T) {
	cfg, err := myx.ParseConfig("root@tcp(127.0.0.1:3306)/test")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ConnectTimeout != 0 || cfg.KillTimeout != 0 || cfg.StatementCacheSize != 0 || cfg.Collation != "" ||
		cfg.Location != nil || cfg.MaxAllowedPacket != 0 || cfg.MaxPacketSize != 0 {
		t.Errorf("ParseConfig baked in defaults: %+v", cfg)
	}
	if cfg.Network != "tcp" || cfg.Addr != myx.DefaultAddr {
		t.Errorf("address %s %s", cfg.Network, cfg.Addr)
	}
	// Explicit DSN values, and the DSN's ways of turning things off.
	cfg, err = myx.ParseConfig("root@tcp(127.0.0.1:3306)/test?statement_cache_size=0&connect_timeout=0&maxAllowedPacket=0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.StatementCacheSize >= 0 || cfg.ConnectTimeout >= 0 || cfg.MaxAllowedPacket >= 0 {
		t.Errorf("off values: cache %d, connect timeout %v, max allowed packet %d", cfg.StatementCacheSize, cfg.ConnectTimeout, cfg.MaxAllowedPacket)
	}
	cfg, err = myx.ParseConfig("root@tcp(127.0.0.1:3306)/test?statement_cache_size=16&connect_timeout=4s&kill_timeout=2s")
	if err != nil || cfg.StatementCacheSize != 16 || cfg.ConnectTimeout != 4*time.Second || cfg.KillTimeout != 2*time.Second {
		t.Errorf("explicit values: %+v %v", cfg, err)
	}
	for _, bad := range []string{"statement_cache_size=-1", "kill_timeout=0", "connect_timeout=-1s"} {
		if _, err := myx.ParseConfig("root@tcp(127.0.0.1:3306)/test?" + bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// connectObserved connects with cfg and reports the connect deadline the dial saw (zero for
// none), how many statements three runs of one query prepared, and the connection's
// collation.
func connectObserved(t *testing.T, cfg *myx.Config) (deadline, before time.Time, prepares int, collation string) {
	t.Helper()
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		deadline, _ = ctx.Deadline()
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	before = time.Now()
	c, err := myx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	ctx := ctxT(t)
	count := func() int {
		var n int
		err := c.QueryRow(ctx, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'").Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	n0 := count()
	for i := range 3 {
		var got int
		if err := c.QueryRow(ctx, "SELECT ? + 1", i).Scan(&got); err != nil || got != i+1 {
			t.Fatalf("query: %d %v", got, err)
		}
	}
	prepares = count() - n0
	if err := c.QueryRow(ctx, "SELECT @@collation_connection").Scan(&collation); err != nil {
		t.Fatal(err)
	}
	return deadline, before, prepares, collation
}

func TestHandMadeConfigHasParseConfigDefaults(t *testing.T) {
	skipUnless(t, mysqltest.StatementCounters)
	parsed := testConfig(t)
	handMade := func() *myx.Config {
		return &myx.Config{Network: parsed.Network, Addr: parsed.Addr, User: parsed.User, Password: parsed.Password,
			Database: parsed.Database, TLSMode: parsed.TLSMode, TLSConfig: parsed.TLSConfig}
	}
	for _, tc := range []struct {
		name string
		cfg  *myx.Config
	}{{"ParseConfig", parsed}, {"&Config{}", handMade()}} {
		deadline, before, prepares, collation := connectObserved(t, tc.cfg)
		// The deadline was set between before and the dial, DefaultConnectTimeout ahead.
		if deadline.IsZero() || deadline.Before(before.Add(myx.DefaultConnectTimeout)) || deadline.After(time.Now().Add(myx.DefaultConnectTimeout)) {
			t.Errorf("%s: connect deadline %v, want %v after %v", tc.name, deadline, myx.DefaultConnectTimeout, before)
		}
		// With the statement cache, the second and third runs reuse the first's statement.
		if prepares != 1 {
			t.Errorf("%s: three runs prepared %d statements, want 1 (a statement cache)", tc.name, prepares)
		}
		if !strings.EqualFold(collation, myx.DefaultCollation) {
			t.Errorf("%s: collation %s, want %s", tc.name, collation, myx.DefaultCollation)
		}
	}
	// Negative turns them off: no deadline of the config's own, a statement per run.
	off := handMade()
	off.StatementCacheSize, off.ConnectTimeout = -1, -1
	deadline, _, prepares, _ := connectObserved(t, off)
	if !deadline.IsZero() || prepares != 3 {
		t.Errorf("turned off: deadline %v, %d prepares (want none, 3)", deadline, prepares)
	}
}
