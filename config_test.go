package myx_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

func TestParseConfigForms(t *testing.T) {
	for _, tc := range []struct {
		dsn                         string
		network, addr, user, pw, db string
	}{
		{"mysql://root@127.0.0.1:3306/test", "tcp", "127.0.0.1:3306", "root", "", "test"},
		{"mysql://u:p%40ss@db.example:3307/app", "tcp", "db.example:3307", "u", "p@ss", "app"},
		{"mariadb://u@[::1]/x", "tcp", "[::1]:3306", "u", "", "x"},
		{"mysql://u@/x?socket=/run/mysqld/mysqld.sock", "unix", "/run/mysqld/mysqld.sock", "u", "", "x"},
		{"mysql://u@%2Ftmp%2Fm.sock/x", "unix", "/tmp/m.sock", "u", "", "x"},
		{"root:secret@tcp(10.0.0.1:3306)/shop?parseTime=true", "tcp", "10.0.0.1:3306", "root", "secret", "shop"},
		{"u:p@ss:w@rd@tcp(h)/d", "tcp", "h:3306", "u", "p@ss:w@rd", "d"},
		{"user@unix(/var/run/mysqld.sock)/db", "unix", "/var/run/mysqld.sock", "user", "", "db"},
		{"/db", "tcp", "127.0.0.1:3306", "", "", "db"},
	} {
		cfg, err := myx.ParseConfig(tc.dsn)
		if err != nil {
			t.Errorf("%s: %v", tc.dsn, err)
			continue
		}
		if cfg.Network != tc.network || cfg.Addr != tc.addr || cfg.User != tc.user || cfg.Password != tc.pw || cfg.Database != tc.db {
			t.Errorf("%s: got %s %s %q %q %q", tc.dsn, cfg.Network, cfg.Addr, cfg.User, cfg.Password, cfg.Database)
		}
	}
}

func TestParseConfigParams(t *testing.T) {
	cfg, err := myx.ParseConfig("mysql://u:pw@h/d?tls=verify-ca&connect_timeout=2.5&loc=UTC&interpolateParams=true" +
		"&statement_cache_size=10&multiStatements=1&collation=utf8mb4_bin&pool_max_conns=8&time_zone=%27%2B00%3A00%27&kill_timeout=1s")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TLSMode != myx.TLSVerifyCA || cfg.ConnectTimeout != 2500*time.Millisecond || !cfg.InterpolateParams ||
		cfg.StatementCacheSize != 10 || !cfg.MultiStatements || cfg.Collation != "utf8mb4_bin" ||
		cfg.RuntimeParams["pool_max_conns"] != "8" || cfg.KillTimeout != time.Second {
		t.Errorf("parsed %+v", cfg)
	}
	if len(cfg.SessionVars) != 1 || cfg.SessionVars[0] != [2]string{"time_zone", "'+00:00'"} {
		t.Errorf("session vars %v", cfg.SessionVars)
	}
	cfg, _ = myx.ParseConfig("u@tcp(h:1)/d?tls=skip-verify&charset=latin1")
	if cfg.TLSMode != myx.TLSRequired || cfg.Collation != "latin1_swedish_ci" {
		t.Errorf("go-sql-driver params: %v %v", cfg.TLSMode, cfg.Collation)
	}
}

func TestParseConfigErrorsNeverShowPassword(t *testing.T) {
	for _, dsn := range []string{
		"mysql://user:hunter2@host:notaport/db",
		"mysql://user:hunter2@h/d?tls=sometimes",
		"mysql://user:hunter2@h/d?connect_timeout=soon",
		"user:hunter2@tcp(h:3306/db",
		"user:hunter2@carrierpigeon(h)/db",
		"user:hunter2@tcp(h)/d?bad-name!=1",
		"user:hunter2@tcp(h)/d?collation=klingon",
	} {
		_, err := myx.ParseConfig(dsn)
		if err == nil {
			t.Errorf("%s: accepted", dsn)
			continue
		}
		var ce *myx.ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s: %T is not a *ConfigError", dsn, err)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("password in error: %v", err)
		}
	}
	cfg, _ := myx.ParseConfig("mysql://user:hunter2@h/d")
	if strings.Contains(cfg.String(), "hunter2") {
		t.Errorf("Config.String shows the password: %s", cfg)
	}
}

// TestNoServerVariableIsATypo: no session variable of the test server is taken for a misspelt
// parameter, except read-only ones that could not be set anyway.
func TestNoServerVariableIsATypo(t *testing.T) {
	c := connect(t)
	rows, err := c.Query(ctxT(t), "SELECT LOWER(VARIABLE_NAME) FROM information_schema.SESSION_VARIABLES")
	if err != nil {
		t.Fatal(err)
	}
	readOnly := map[string]bool{"ssl_ca": true, "ssl_cert": true, "ssl_key": true, "max_allowed_packet": true}
	n := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		n++
		if err := myx.CheckTypoForTest(name); err != nil && !readOnly[name] {
			t.Errorf("session variable %s: %v", name, err)
		}
	}
	if err := rows.Err(); err != nil || n < 100 {
		t.Fatalf("%d variables, %v", n, err)
	}
}
