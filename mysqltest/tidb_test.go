package mysqltest

import (
	"context"
	"github.com/myxdb/myx/mysqltest/proto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTiDBVersionMatchesBuildModule keeps TiDBVersion (the cache directory
// StartTiDB looks in) equal to the version internal/tools/tidb builds.
func TestTiDBVersionMatchesBuildModule(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "internal", "tools", "tidb", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	want := "github.com/pingcap/tidb " + TiDBVersion
	if !strings.Contains(string(b), want) {
		t.Errorf("internal/tools/tidb/go.mod does not require %q: update TiDBVersion with the module", want)
	}
}

// TestLookupTiDBServerErrors checks that a missing binary is reported with
// the path tried and how to build one.
func TestLookupTiDBServerErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "tidb-server")
	t.Setenv(EnvTiDBServer, missing)
	_, err := LookupTiDBServer()
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "build.sh") {
		t.Errorf("LookupTiDBServer with %s=%s: %v, want an error naming the path and build.sh", EnvTiDBServer, missing, err)
	}

	t.Setenv(EnvTiDBServer, "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	p, err := TiDBCachePath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(os.Getenv("XDG_CACHE_HOME"), "myx", "tidb", TiDBVersion, "tidb-server"); p != want {
		t.Errorf("TiDBCachePath() = %q, want %q", p, want)
	}
	if _, err := LookupTiDBServer(); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("LookupTiDBServer with an empty cache: %v, want an error naming %s", err, p)
	}
}

// TestTiDBLifecycle starts a throwaway TiDB and takes it through restart,
// kill and start, checking the account, the database, TLS and that committed
// data survives.
func TestTiDBLifecycle(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	s := StartTiDBT(t, TiDBOptions{})
	t.Logf("throwaway TiDB started in %v at %s", time.Since(t0), s.DSN())

	info, err := Probe(context.Background(), s.DSN())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(info.Version, "-TiDB-") || info.MariaDB {
		t.Errorf("server version %q (MariaDB %v), want a TiDB version", info.Version, info.MariaDB)
	}
	if info.Capabilities&proto.ClientSSL == 0 {
		t.Error("TiDB started with auto-TLS does not offer TLS (no CLIENT_SSL)")
	}
	if s.StatusAddr() == s.Addr() {
		t.Errorf("status address %s is the MySQL address", s.StatusAddr())
	}

	testLifecycle(t, s, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))", false)
}

// TestTiDBNoTLS checks that NoTLS starts a server that offers no TLS.
func TestTiDBNoTLS(t *testing.T) {
	t.Parallel()
	s := StartTiDBT(t, TiDBOptions{NoTLS: true})
	info, err := Probe(context.Background(), s.DSN())
	if err != nil {
		t.Fatal(err)
	}
	if info.Capabilities&proto.ClientSSL != 0 {
		t.Error("TiDB started with NoTLS offers TLS")
	}
}

// TestTiDBFilesStayInDir checks that every file TiDB is told about, the slow
// query log included (its default is tidb-slow.log in the working directory),
// lies in the server's own directory.
func TestTiDBFilesStayInDir(t *testing.T) {
	dir := t.TempDir()
	s := &TiDBServer{log: filepath.Join(dir, "tidb.log"), config: filepath.Join(dir, "tidb.toml")}
	s.dir, s.socket = dir, filepath.Join(dir, "tidb.sock")
	paths := map[string]string{}
	for _, a := range s.startArgs() {
		name, value, ok := strings.Cut(a, "=")
		if ok && strings.Contains(value, string(filepath.Separator)) {
			paths[name] = value
		}
	}
	for _, flag := range []string{"-config", "-path", "-socket", "-log-file", "-log-slow-query", "-temp-dir"} {
		p, ok := paths[flag]
		if !ok {
			t.Errorf("start arguments %q have no %s", s.startArgs(), flag)
			continue
		}
		if rel, err := filepath.Rel(dir, p); err != nil || strings.HasPrefix(rel, "..") {
			t.Errorf("%s=%s is outside the server's directory %s", flag, p, dir)
		}
	}
	if want := "slow-query-file = \"" + paths["-log-slow-query"] + "\""; !strings.Contains(s.configText(), want) {
		t.Errorf("configuration does not name the same slow log (%s):\n%s", want, s.configText())
	}
}
