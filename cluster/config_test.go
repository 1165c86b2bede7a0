package cluster

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

func TestParseConfig(t *testing.T) {
	cfg, err := ParseConfig("mysql://app:secret@h1:3306,h2:3307,h3/shop?cluster_mode=replication" +
		"&cluster_lag_limit=5s&cluster_ryw_wait=250ms&cluster_check_period=0.5&cluster_heartbeat=ops.hb" +
		"&cluster_failover_timeout=1m&pool_max_conns=3")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Mode != myx.ClusterReplication || cfg.LagLimit != 5*time.Second || cfg.ReadYourWritesWait != 250*time.Millisecond ||
		cfg.CheckPeriod != 500*time.Millisecond || cfg.Heartbeat != "ops.hb" || cfg.FailoverTimeout != time.Minute ||
		cfg.Pool.MaxConns != 3 {
		t.Fatalf("parsed %+v", cfg)
	}
	if got := strings.Join(cfg.Pool.ConnConfig.Addrs, ","); got != "h1:3306,h2:3307,h3:3306" {
		t.Fatalf("Addrs = %s", got)
	}
	for k := range cfg.Pool.ConnConfig.RuntimeParams {
		if strings.HasPrefix(k, "cluster_") || strings.HasPrefix(k, "pool_") {
			t.Fatalf("%s left in RuntimeParams", k)
		}
	}
	s, err := cfg.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if s.heartbeat != "`ops`.`hb`" {
		t.Fatalf("heartbeat quoted %s", s.heartbeat)
	}
	pc := s.hostPoolConfig("h2:3307")
	if pc.ConnConfig.Addr != "h2:3307" || len(pc.ConnConfig.Addrs) != 0 || !pc.ConnConfig.TrackGTID || pc.MaxConns != 3 {
		t.Fatalf("host pool config: addr %s addrs %v track %v max %d", pc.ConnConfig.Addr, pc.ConnConfig.Addrs,
			pc.ConnConfig.TrackGTID, pc.MaxConns)
	}
	if cfg.Pool.ConnConfig.TrackGTID || cfg.Pool.ConnConfig.Addr != "h1:3306" {
		t.Fatal("hostPoolConfig changed the template")
	}
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig("mysql://app@h1,h2/shop")
	if err != nil {
		t.Fatal(err)
	}
	s, err := cfg.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if s.LagLimit != DefaultLagLimit || s.ReadYourWritesWait != DefaultReadYourWritesWait ||
		s.CheckPeriod != DefaultCheckPeriod || s.FailoverTimeout != DefaultFailoverTimeout || s.denyFor != myx.DefaultDenyFor {
		t.Fatalf("defaults %+v", s)
	}
	if s.Mode != myx.ClusterFailover || len(s.addrs) != 2 {
		t.Fatalf("mode %v addrs %v", s.Mode, s.addrs)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		{"mysql://app:secret@h1,h2/db?cluster_lag_limt=1s", "did you mean cluster_lag_limit"},
		{"mysql://app:secret@h1,h2/db?cluster_nonsense_setting=1", "known: cluster_lag_limit"},
		{"mysql://app:secret@h1,h2/db?cluster_check_period=0", "must be positive"},
		{"mysql://app:secret@h1,h2/db?cluster_ryw_wait=soon", "not a duration"},
		{"mysql://app:secret@h1,h2/db?cluster_heartbeat=a.b.c", "db.table"},
		{"mysql://app:secret@h1,h2/db?cluster_heartbeat=x%60y", "letters, digits"},
		{"mysql://app:secret@h1,h2/db?pool_max_connz=1", "did you mean pool_max_conns"},
	} {
		_, err := ParseConfig(tc.dsn)
		var ce *myx.ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a *myx.ConfigError containing %q", tc.dsn, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: error shows the password: %v", tc.dsn, err)
		}
	}
	if _, err := (&Config{}).resolve(); err == nil {
		t.Error("resolve without ConnConfig succeeded")
	}
	cfg, _ := ParseConfig("mysql://app@h1,h2/db")
	cfg.Pool.ConnConfig.Addrs = []string{"h1:3306", "h1:3306"}
	if _, err := cfg.resolve(); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a host listed twice: %v", err)
	}
}
