package mysqltest

import (
	"context"
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
	if info.Capabilities&ClientSSL == 0 {
		t.Error("TiDB started with auto-TLS does not offer TLS (no CLIENT_SSL)")
	}
	if filepath.Dir(s.SocketPath()) != s.Dir() || !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Errorf("SocketPath %q, Dir %q, Addr %q", s.SocketPath(), s.Dir(), s.Addr())
	}
	if s.StatusAddr() == s.Addr() {
		t.Errorf("status address %s is the MySQL address", s.StatusAddr())
	}

	c, err := rawDialDSN(s.DSN(), rawOptions{user: "root", db: "test"})
	if err != nil {
		t.Fatalf("connecting as root over TCP: %v", err)
	}
	r, err := c.query("SELECT DATABASE(), CURRENT_USER()")
	if err != nil {
		t.Fatal(err)
	}
	if r.value(0, 0) != "test" || !strings.HasPrefix(r.value(0, 1), "root@") {
		t.Errorf("DATABASE(), CURRENT_USER() = %q, %q", r.value(0, 0), r.value(0, 1))
	}
	for _, q := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))",
		"INSERT INTO t VALUES (1, 'before restart')",
	} {
		if err := c.exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	c.quit()
	sc, err := rawDialDSN(s.SocketDSN(), rawOptions{user: "root", db: "test"})
	if err != nil {
		t.Fatalf("connecting as root over the socket: %v", err)
	}
	sc.quit()

	port := s.Port()
	if err := s.Restart(context.Background()); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	if s.Port() != port {
		t.Errorf("port changed across restart: %d -> %d", port, s.Port())
	}
	c, err = rawDialDSN(s.DSN(), rawOptions{user: "root", db: "test"})
	if err != nil {
		t.Fatalf("connecting after restart: %v", err)
	}
	if r, err := c.query("SELECT v FROM t WHERE id = 1"); err != nil || len(r.rows) != 1 || r.value(0, 0) != "before restart" {
		t.Fatalf("after restart: rows %v, err %v", r, err)
	}

	if err := s.Kill(); err != nil {
		t.Fatalf("Kill: %v", err)
	}
	if s.Running() || s.PID() != 0 {
		t.Error("Running() or PID() after Kill")
	}
	if _, err := c.query("SELECT 1"); err == nil {
		t.Error("query on a connection to a killed server succeeded")
	}
	c.close()
	if err := s.Start(context.Background()); err != nil {
		t.Fatalf("Start after Kill: %v", err)
	}
	if err := s.Start(context.Background()); err == nil {
		t.Error("second Start on a running server succeeded")
	}

	dir := s.Dir()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("directory %s still there after Close: %v", dir, err)
	}
	if err := s.Start(context.Background()); err == nil {
		t.Error("Start after Close succeeded")
	}
}

// TestTiDBNoTLS checks that NoTLS starts a server that offers no TLS.
func TestTiDBNoTLS(t *testing.T) {
	t.Parallel()
	s := StartTiDBT(t, TiDBOptions{NoTLS: true})
	info, err := Probe(context.Background(), s.DSN())
	if err != nil {
		t.Fatal(err)
	}
	if info.Capabilities&ClientSSL != 0 {
		t.Error("TiDB started with NoTLS offers TLS")
	}
}
