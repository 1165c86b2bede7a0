package myx

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestEveryKnownParamHandled parses each name of knownParams with a valid value: none may end
// up as a session variable (which would make every connection fail with error 1193).
func TestEveryKnownParamHandled(t *testing.T) {
	sample := map[string]string{
		"tls": "false", "ssl-mode": "disabled", "sslmode": "disabled", "tls-server-name": "db",
		"connect_timeout": "5s", "timeout": "5s", "kill_timeout": "1s", "readTimeout": "30s",
		"writeTimeout": "30s", "collation": "utf8mb4_bin", "charset": "utf8mb4", "loc": "UTC",
		"parseTime": "true", "parse_time": "false", "timeTruncate": "1s", "interpolateParams": "true",
		"interpolate_params": "true", "statement_cache_size": "8", "stmtCacheSize": "8",
		"multiStatements": "true", "multi_statements": "true", "clientFoundRows": "true",
		"client_found_rows": "true", "columnsWithAlias": "true", "rejectReadOnly": "true",
		"allowCleartextPasswords": "true", "allow_cleartext_passwords": "true",
		"allowPublicKeyRetrieval": "true", "allow_public_key_retrieval": "true",
		"allowNativePasswords": "true", "allowOldPasswords": "false", "allowAllFiles": "false",
		"allowFallbackToPlaintext": "true", "compress": "false", "max_packet_size": "1048576",
		"maxAllowedPacket": "0", "runtime_poller": "true", "socket": "%2Ftmp%2Fx.sock",
		"connectionAttributes": "app:shop,team:core", "checkConnLiveness": "false",
		"resetSession": "true", "queryAttributes": "true", "sqlComment": "true",
		"cluster_mode": "load-balance", "cluster_deny_for": "30s", "track_gtid": "true",
	}
	// Parameters whose value names a file, and the one that is always refused.
	skip := map[string]bool{"tls-ca": true, "ssl-ca": true, "tls-cert": true, "ssl-cert": true,
		"tls-key": true, "ssl-key": true, "serverPubKey": true, "server_pub_key": true, "strict": true}
	// Handled on other helpers' branches (wire: compress; args: maxAllowedPacket) until merged.
	pending := map[string]bool{}
	for _, name := range knownParams {
		if skip[name] {
			continue
		}
		v, ok := sample[name]
		if !ok {
			t.Errorf("no sample value for %s", name)
			continue
		}
		cfg, err := ParseConfig("u@tcp(h)/d?" + name + "=" + v)
		if err != nil {
			if pending[name] && strings.Contains(err.Error(), "not supported") {
				t.Logf("%s: not handled on this branch yet", name)
				continue
			}
			t.Errorf("%s=%s: %v", name, v, err)
			continue
		}
		if len(cfg.SessionVars) != 0 {
			t.Errorf("%s=%s became a session variable", name, v)
		}
	}
}

func TestParseGoSQLDriverParams(t *testing.T) {
	cfg, err := ParseConfig("u@tcp(h)/d?readTimeout=1m30s&writeTimeout=2&allowFallbackToPlaintext=true&tls=true" +
		"&allowNativePasswords=false&timeTruncate=1ms&rejectReadOnly=true&columnsWithAlias=1" +
		"&checkConnLiveness=false&resetSession=true&connectionAttributes=app%3Ashop%2Cteam%3Acore&allowOldPasswords=false")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ReadTimeout != 90*time.Second || cfg.WriteTimeout != 2*time.Second || !cfg.AllowFallbackToPlaintext ||
		cfg.TLSMode != TLSVerifyFull || !cfg.DisallowNativePasswords || cfg.TimeTruncate != time.Millisecond ||
		!cfg.RejectReadOnly || !cfg.ColumnsWithAlias || !cfg.NoLivenessCheck || !cfg.ResetSession {
		t.Errorf("parsed %+v", cfg)
	}
	if cfg.ConnectAttrs["app"] != "shop" || cfg.ConnectAttrs["team"] != "core" || len(cfg.ConnectAttrs) != 2 {
		t.Errorf("connection attributes %v", cfg.ConnectAttrs)
	}
	if len(cfg.SessionVars) != 0 {
		t.Errorf("session vars %v", cfg.SessionVars)
	}
	cfg, _ = ParseConfig("u@tcp(h)/d")
	if cfg.ReadTimeout != 0 || cfg.WriteTimeout != 0 || cfg.NoLivenessCheck || cfg.ResetSession || cfg.DisallowNativePasswords {
		t.Errorf("defaults %+v", cfg)
	}
}

func TestParseCharsets(t *testing.T) {
	for _, tc := range []struct {
		dsn       string
		collation string
		charsets  []string
	}{
		{"u@tcp(h)/d?charset=latin1", "latin1_swedish_ci", nil},
		{"u@tcp(h)/d?charset=utf8mb4,utf8", "", []string{"utf8mb4", "utf8"}},
		{"u@tcp(h)/d?charset=klingon,latin1", "", []string{"klingon", "latin1"}},
		{"u@tcp(h)/d?charset=utf8mb4&collation=utf8mb4_bin", "utf8mb4_bin", nil},
		{"u@tcp(h)/d?collation=utf8mb4_bin&charset=utf8mb4", "utf8mb4_bin", nil},
	} {
		cfg, err := ParseConfig(tc.dsn)
		if err != nil {
			t.Errorf("%s: %v", tc.dsn, err)
			continue
		}
		if cfg.Collation != tc.collation || strings.Join(cfg.Charsets, ",") != strings.Join(tc.charsets, ",") {
			t.Errorf("%s: collation %s, charsets %v", tc.dsn, cfg.Collation, cfg.Charsets)
		}
	}
	for _, dsn := range []string{"u@tcp(h)/d?charset=", "u@tcp(h)/d?charset=a;b", "u@tcp(h)/d?charset=latin1&collation=utf8mb4_bin"} {
		if _, err := ParseConfig(dsn); err == nil {
			t.Errorf("%s: accepted", dsn)
		}
	}
}

func TestParseConfigRefusals(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		{"u:pw@tcp(h)/d?conect_timeout=5", "did you mean connect_timeout?"},
		{"u:pw@tcp(h)/d?tsl=true", "did you mean tls?"},
		{"u:pw@tcp(h)/d?readTimout=5s", "did you mean readTimeout?"},
		{"u:pw@tcp(h)/d?read_timeout=5s", "did you mean readTimeout?"},
		{"u:pw@tcp(h)/d?ParseTime=true", "did you mean parseTime?"},
		{"u:pw@tcp(h)/d?multiStatement=true", "did you mean multiStatements?"},
		{"u:pw@tcp(h)/d?allowOldPasswords=true", "pre-4.1"},
		{"u:pw@tcp(h)/d?allowAllFiles=true", "LocalFile"},
		{"u:pw@tcp(h)/d?strict=true", "sql_mode"},
		{"u:pw@tcp(h)/d?readTimeout=-1s", "negative"},
		{"u:pw@tcp(h)/d?readTimeout=soon", "readTimeout"},
		{"u:pw@tcp(h)/d?connectionAttributes=novalue", "name:value"},
		{"u:pw@tcp(h)/d?rejectReadOnly=maybe", "boolean"},
	} {
		_, err := ParseConfig(tc.dsn)
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s: got %v, want a *ConfigError", tc.dsn, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), ":pw@") {
			t.Errorf("%s: %v (want %q, no password)", tc.dsn, err, tc.want)
		}
	}
	// Session variables near no known name still pass through, as in go-sql-driver.
	cfg, err := ParseConfig("u@tcp(h)/d?wait_timeout=60&sql_mode=ANSI&time_zone=UTC&autocommit=1")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.SessionVars) != 4 {
		t.Errorf("session vars %v", cfg.SessionVars)
	}
}
