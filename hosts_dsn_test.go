package myx_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// Multi-host DSNs, in both forms, fill Config.Addrs in order (port 3306 by default) and Addr
// with the first; String writes them back so that ParseConfig reads the same hosts and
// cluster settings.
func TestParseMultiHostDSN(t *testing.T) {
	for _, tc := range []struct {
		dsn      string
		addrs    []string
		mode     myx.ClusterMode
		denyFor  time.Duration
		user, db string
	}{
		{"mysql://app@h1:3306,h2:3307,h3/shop", []string{"h1:3306", "h2:3307", "h3:3306"}, myx.ClusterFailover, 0, "app", "shop"},
		{"mysql://app:pw@h1,h2/shop?cluster_mode=load-balance", []string{"h1:3306", "h2:3306"}, myx.ClusterLoadBalance, 0, "app", "shop"},
		{"mariadb://h1:1,h2:65535/", []string{"h1:1", "h2:65535"}, myx.ClusterFailover, 0, "", ""},
		{"mysql://app@[::1]:3307,[fe80::1%25eth0],10.0.0.2/db?cluster_mode=replication&cluster_deny_for=5s",
			[]string{"[::1]:3307", "[fe80::1%eth0]:3306", "10.0.0.2:3306"}, myx.ClusterReplication, 5 * time.Second, "app", "db"},
		{"mysql://a%40b:p%2Cw@h1,h2?cluster_deny_for=0", []string{"h1:3306", "h2:3306"}, myx.ClusterFailover, -1, "a@b", ""},
		{"app:pw@tcp(h1:3306,h2:3307)/shop", []string{"h1:3306", "h2:3307"}, myx.ClusterFailover, 0, "app", "shop"},
		{"app@tcp(h1,[::1]:3307,h3)/shop?cluster_mode=sequential&cluster_deny_for=90", []string{"h1:3306", "[::1]:3307", "h3:3306"}, myx.ClusterFailover, 90 * time.Second, "app", "shop"},
		{"tcp(h1,h2)/?cluster_mode=LoadBalance", []string{"h1:3306", "h2:3306"}, myx.ClusterLoadBalance, 0, "", ""},
	} {
		t.Run(tc.dsn, func(t *testing.T) {
			cfg, err := myx.ParseConfig(tc.dsn)
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, cfg *myx.Config) {
				t.Helper()
				if !slices.Equal(cfg.Addrs, tc.addrs) || cfg.Addr != tc.addrs[0] || cfg.Network != "tcp" {
					t.Errorf("%s: Addrs %q Addr %q Network %q, want %q", what, cfg.Addrs, cfg.Addr, cfg.Network, tc.addrs)
				}
				if cfg.ClusterMode != tc.mode || cfg.DenyFor != tc.denyFor || cfg.User != tc.user || cfg.Database != tc.db {
					t.Errorf("%s: mode %v deny %v user %q db %q, want %v %v %q %q", what,
						cfg.ClusterMode, cfg.DenyFor, cfg.User, cfg.Database, tc.mode, tc.denyFor, tc.user, tc.db)
				}
			}
			check("parsed", cfg)
			if strings.Contains(cfg.String(), "pw") {
				t.Errorf("String shows the password: %s", cfg.String())
			}
			back, err := myx.ParseConfig(cfg.String())
			if err != nil {
				t.Fatalf("%s: %v", cfg.String(), err)
			}
			check("String "+cfg.String(), back)
			if c := cfg.Copy(); !slices.Equal(c.Addrs, cfg.Addrs) {
				t.Errorf("Copy: %q", c.Addrs)
			} else if c.Addrs[0] = "x:1"; cfg.Addrs[0] == "x:1" {
				t.Error("Copy shares Addrs")
			}
		})
	}
}

// A single host stays a single host: Addrs is left empty, as before multi-host DSNs.
func TestParseSingleHostLeavesAddrsEmpty(t *testing.T) {
	for _, dsn := range []string{"mysql://u@h1:3307/db", "u@tcp(h1)/db", "u@unix(/tmp/a,b.sock)/db", "mysql://u@/db?socket=/tmp/s"} {
		cfg, err := myx.ParseConfig(dsn)
		if err != nil {
			t.Errorf("%s: %v", dsn, err)
			continue
		}
		if cfg.Addrs != nil {
			t.Errorf("%s: Addrs %q", dsn, cfg.Addrs)
		}
		if s := cfg.String(); strings.Contains(s, "cluster_") || strings.Contains(s, "track_gtid") {
			t.Errorf("%s: String %s names default cluster settings", dsn, s)
		}
	}
}

// Malformed host lists are *ConfigErrors saying what is wrong, without the password.
func TestParseMultiHostDSNErrors(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		{"mysql://u:hunter2@h1,,h2/db", "host 2 of the host list is empty"},
		{"mysql://u:hunter2@h1,/db", "host 2 of the host list is empty"},
		{"mysql://u:hunter2@,h1/db", "host 1 of the host list is empty"},
		{"mysql://u:hunter2@h1,h2:0/db", `host 2 of the host list ("h2:0"): the port is not a number from 1 to 65535`},
		{"mysql://u:hunter2@h1,h2:65536/db", "the port is not a number"},
		{"mysql://u:hunter2@h1,h2:x/db", "the port is not a number"},
		{"mysql://u:hunter2@h1,h2:/db", "empty port after ':'"},
		{"mysql://u:hunter2@h1,:3307/db", "no host name before the port"},
		{"mysql://u:hunter2@h1:3306,H1/db", "H1:3306 is listed twice"},
		{"mysql://u:hunter2@h1,h1:3306/db", "h1:3306 is listed twice"},
		{"mysql://u:hunter2@h1,::1/db", "an IPv6 address must be in brackets"},
		{"mysql://u:hunter2@h1,[::1/db", "missing ']'"},
		{"mysql://u:hunter2@h1,[::1]x/db", "unexpected text after the IPv6 address"},
		{"mysql://u:hunter2@h1,h%20x/db", "invalid character in the host name"},
		{"mysql://u:hunter2@h1,h2/db?socket=/tmp/s.sock", "several hosts with a unix socket"},
		{"mysql://u:hunter2@unix(/tmp/a.sock),h2/db", "several hosts with a unix socket"},
		{"u:hunter2@unix(/tmp/a.sock,/tmp/b.sock)/db", "several hosts with a unix socket"},
		{"u:hunter2@tcp(h1,h2)/db?socket=/tmp/s.sock", "several hosts with a unix socket"},
		{"u:hunter2@tcp(h1,,h2)/db", "host 2 of the host list is empty"},
		{"u:hunter2@tcp(h1:3306,h1)/db", "listed twice"},
		{"u:hunter2@tcp(h1,h2:99999)/db", "the port is not a number"},
		{"mysql://u:hunter2@h1,h2/db?cluster_mode=roundrobin", "unknown cluster mode"},
		{"mysql://u:hunter2@h1,h2/db?cluster_deny_for=-1s", "parameter cluster_deny_for: negative"},
		{"mysql://u:hunter2@h1,h2/db?track_gtid=maybe", "parameter track_gtid: not a boolean"},
		// No '@': the first entry may be a user:password that lost its '@', so entries are
		// not quoted.
		{"mysql://u:hunter2,h2/db", "host 1 of the host list: the port is not a number"},
	} {
		_, err := myx.ParseConfig(tc.dsn)
		var ce *myx.ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s: %v, want a *ConfigError", tc.dsn, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n got %v\nwant %s", tc.dsn, err, tc.want)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error shows the password: %v", tc.dsn, err)
		}
	}
}

// cluster_* parameters other than cluster_mode and cluster_deny_for are for package cluster:
// kept in RuntimeParams, never session variables.
func TestClusterParamsKeptForCluster(t *testing.T) {
	cfg, err := myx.ParseConfig("mysql://u@h1,h2/db?cluster_lag_limit=2s&cluster_mode=replication&track_gtid=1&pool_max_conns=3")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RuntimeParams["cluster_lag_limit"] != "2s" || cfg.RuntimeParams["pool_max_conns"] != "3" {
		t.Errorf("RuntimeParams %v", cfg.RuntimeParams)
	}
	if _, ok := cfg.RuntimeParams["cluster_mode"]; ok {
		t.Errorf("cluster_mode in RuntimeParams: %v", cfg.RuntimeParams)
	}
	if len(cfg.SessionVars) != 0 || !cfg.TrackGTID || cfg.ClusterMode != myx.ClusterReplication {
		t.Errorf("SessionVars %v TrackGTID %v mode %v", cfg.SessionVars, cfg.TrackGTID, cfg.ClusterMode)
	}
}

func TestClusterModeNames(t *testing.T) {
	for _, m := range []myx.ClusterMode{myx.ClusterFailover, myx.ClusterLoadBalance, myx.ClusterReplication} {
		got, err := myx.ParseClusterMode(m.String())
		if err != nil || got != m {
			t.Errorf("%v: %v, %v", m, got, err)
		}
	}
	if s := myx.ClusterMode(7).String(); s != "ClusterMode(7)" {
		t.Errorf("unknown mode: %s", s)
	}
	if _, err := myx.ParseClusterMode("primary"); err == nil {
		t.Error("primary accepted")
	}
}

// The helpers for layers that keep connections per host.
func TestHostHelpers(t *testing.T) {
	cfg, err := myx.ParseConfig("mysql://u@h1,h2:3307/db?cluster_deny_for=5s&track_gtid=true")
	if err != nil {
		t.Fatal(err)
	}
	if h := cfg.Hosts(); !slices.Equal(h, []string{"h1:3306", "h2:3307"}) {
		t.Errorf("Hosts %q", h)
	} else if h[0] = "x"; cfg.Addrs[0] == "x" {
		t.Error("Hosts shares Addrs")
	}
	one := cfg.HostConfig("h2:3307")
	if one.Addr != "h2:3307" || one.Addrs != nil || !one.TrackGTID || one.User != "u" {
		t.Errorf("HostConfig: %+v", one)
	}
	if h := one.Hosts(); !slices.Equal(h, []string{"h2:3307"}) {
		t.Errorf("single host's Hosts %q", h)
	}
	if h := (&myx.Config{}).Hosts(); !slices.Equal(h, []string{myx.DefaultAddr}) {
		t.Errorf("empty Config's Hosts %q", h)
	}
	if d := cfg.DenyDuration(); d != 5*time.Second {
		t.Errorf("DenyDuration %v", d)
	}
	if d := (&myx.Config{}).DenyDuration(); d != myx.DefaultDenyFor {
		t.Errorf("default DenyDuration %v", d)
	}
	if d := (&myx.Config{DenyFor: -1}).DenyDuration(); d != 0 {
		t.Errorf("DenyDuration off %v", d)
	}
	cfg.DenyHost("h1:3306")
	if cfg.DeniedUntil("h1:3306").IsZero() || !cfg.DeniedUntil("h2:3307").IsZero() {
		t.Error("DenyHost")
	}
	off := &myx.Config{Addrs: []string{"a:1", "b:1"}, DenyFor: -1}
	off.DenyHost("a:1")
	if !off.DeniedUntil("a:1").IsZero() {
		t.Error("DenyHost with the deny list off")
	}
}

// A Config built by hand with several hosts and a unix socket is refused at connect, as
// ParseConfig refuses the DSN.
func TestConnectSocketWithHosts(t *testing.T) {
	cfg := &myx.Config{Network: "unix", Addrs: []string{"/tmp/a.sock", "/tmp/b.sock"}}
	_, err := myx.ConnectConfig(context.Background(), cfg)
	var ce *myx.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "several hosts with a unix socket") {
		t.Errorf("%v, want a *ConfigError", err)
	}
}
