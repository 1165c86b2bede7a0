package pool

import (
	"context"
	"testing"

	"github.com/myxdb/myx/mysqltest"
)

// TestParseConfigConsumesPoolParams: the pool_* parameters ParseConfig reads leave
// ConnConfig.RuntimeParams, so nothing downstream sees them twice or takes them for session
// settings, and the connection configuration still connects.
func TestParseConfigConsumesPoolParams(t *testing.T) {
	cfg, err := ParseConfig(mysqltest.DSN() + sep(mysqltest.DSN()) + "pool_max_conns=3&pool_always_reset=true&pool_ping_after_idle=5s")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxConns != 3 || !cfg.AlwaysReset {
		t.Fatalf("pool settings not read: %+v", cfg)
	}
	if len(cfg.ConnConfig.RuntimeParams) != 0 {
		t.Errorf("RuntimeParams still hold %v", cfg.ConnConfig.RuntimeParams)
	}
	for _, sv := range cfg.ConnConfig.SessionVars {
		t.Errorf("session variable %s from a pool DSN", sv[0])
	}
	p, err := NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var n int
	if err := p.QueryRow(context.Background(), "SELECT ? + 1", 1).Scan(&n); err != nil || n != 2 {
		t.Fatalf("query through the pool: %d %v", n, err)
	}
}

// sep is the character that adds a parameter to dsn.
func sep(dsn string) string {
	for i := len(dsn) - 1; i >= 0 && dsn[i] != '/'; i-- {
		if dsn[i] == '?' {
			return "&"
		}
	}
	return "?"
}
