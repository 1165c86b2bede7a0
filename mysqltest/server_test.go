package mysqltest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServerLifecycle starts a throwaway server and takes it through restart,
// kill and start, checking that committed data survives each.
func TestServerLifecycle(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	s := StartServerT(t, ServerOptions{})
	t.Logf("throwaway server (%s) started in %v at %s", s.Binaries().Version, time.Since(t0), s.DSN())
	testLifecycle(t, s, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB", true)
}

// throwaway is what testLifecycle needs of Server and TiDBServer.
type throwaway interface {
	Start(context.Context) error
	Stop(context.Context) error
	Restart(context.Context) error
	Kill() error
	Close() error
	Running() bool
	PID() int
	DSN() string
	SocketDSN() string
	Addr() string
	Port() int
	SocketPath() string
	Dir() string
}

// testLifecycle takes a freshly started throwaway server through restart,
// kill, start, stop and close: root may connect without a password over TCP
// and the socket into database test, a row committed in a table created by
// create survives the restart, and, if crashSafe, one committed before Kill
// survives crash recovery.
func testLifecycle(t *testing.T, s throwaway, create string, crashSafe bool) {
	if got, want := s.DSN(), "mysql://root@"+s.Addr()+"/test"; got != want {
		t.Errorf("DSN() = %q, want %q", got, want)
	}
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Errorf("Addr() = %q, want 127.0.0.1:PORT", s.Addr())
	}
	if filepath.Dir(s.SocketPath()) != s.Dir() {
		t.Errorf("SocketPath() %q not in Dir() %q", s.SocketPath(), s.Dir())
	}
	if !s.Running() || s.PID() == 0 {
		t.Fatalf("Running() = %v, PID() = %d after start", s.Running(), s.PID())
	}

	// root without a password over TCP and over the socket; database test.
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
	for _, q := range []string{create, "INSERT INTO t VALUES (1, 'before restart')"} {
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

	// Restart: same port, data kept.
	port := s.Port()
	t1 := time.Now()
	if err := s.Restart(context.Background()); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	t.Logf("restart took %v", time.Since(t1))
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
	want := []string{"before restart"}
	if crashSafe {
		if err := c.exec("INSERT INTO t VALUES (2, 'before kill')"); err != nil {
			t.Fatal(err)
		}
		want = append(want, "before kill")
	}

	// Kill: the open connection dies; committed data survives (crash
	// recovery, if crashSafe).
	if err := s.Kill(); err != nil {
		t.Fatalf("Kill: %v", err)
	}
	if s.Running() || s.PID() != 0 {
		t.Errorf("Running() = %v, PID() = %d after Kill", s.Running(), s.PID())
	}
	if _, err := c.query("SELECT 1"); err == nil {
		t.Error("query on a connection to a killed server succeeded")
	}
	c.close()
	if err := Reachable(context.Background(), s.DSN()); err == nil {
		t.Error("Reachable after Kill = nil")
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatalf("Start after Kill: %v", err)
	}
	if err := s.Start(context.Background()); err == nil {
		t.Error("second Start on a running server succeeded")
	}
	c, err = rawDialDSN(s.DSN(), rawOptions{user: "root", db: "test"})
	if err != nil {
		t.Fatalf("connecting after Kill and Start: %v", err)
	}
	r, err = c.query("SELECT v FROM t ORDER BY id")
	if err != nil {
		t.Fatalf("after Kill and Start: %v", err)
	}
	var got []string
	for i := range r.rows {
		got = append(got, r.value(i, 0))
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("after Kill and Start: rows %q, want %q", got, want)
	}
	c.quit()

	// Stop, then stopping again is a no-op; Close removes everything.
	if err := s.Stop(context.Background()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if err := s.Kill(); err != nil {
		t.Errorf("Kill on a stopped server: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(s.Dir()); !os.IsNotExist(err) {
		t.Errorf("directory %s still exists after Close (stat: %v)", s.Dir(), err)
	}
	if err := s.Start(context.Background()); err == nil {
		t.Error("Start after Close succeeded")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestServerCrashReported checks that Stop reports a server that died on its
// own rather than by Kill.
func TestServerCrashReported(t *testing.T) {
	t.Parallel()
	s := StartServerT(t, ServerOptions{})
	p, err := os.FindProcess(s.PID())
	if err != nil {
		t.Fatal(err)
	}
	p.Kill() // behind the Server's back
	deadline := time.Now().Add(10 * time.Second)
	for s.Running() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	err = s.Stop(context.Background())
	if err == nil || !strings.Contains(err.Error(), "already exited") {
		t.Errorf("Stop after an external kill = %v, want an 'already exited' error", err)
	}
}

// TestServerNoCache initializes from scratch, measuring how long that takes,
// and checks extra flags reach the server.
func TestServerNoCache(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	s := StartServerT(t, ServerOptions{NoCache: true, Flags: []string{"--max-connections=77"}, InitFlags: []string{"--innodb-page-size=8k"}})
	t.Logf("uncached start took %v", time.Since(t0))
	c, err := rawDialDSN(s.DSN(), rawOptions{user: "root", db: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.quit()
	r, err := c.query("SELECT @@max_connections, @@local_infile, @@innodb_page_size")
	if err != nil {
		t.Fatal(err)
	}
	if r.value(0, 0) != "77" || r.value(0, 1) != "1" || r.value(0, 2) != "8192" {
		t.Errorf("@@max_connections, @@local_infile, @@innodb_page_size = %s, %s, %s; want 77, 1, 8192", r.value(0, 0), r.value(0, 1), r.value(0, 2))
	}
}

func TestStartServerBadFlag(t *testing.T) {
	t.Parallel()
	bins, err := LookupServerBinaries()
	if err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := StartServer(ctx, ServerOptions{Binaries: bins, Flags: []string{"--no-such-option-for-mysqltest"}})
	if err == nil {
		s.Close()
		t.Fatal("StartServer with an unknown flag succeeded")
	}
	if !strings.Contains(err.Error(), "no-such-option-for-mysqltest") {
		t.Errorf("error does not show the server's complaint: %v", err)
	}
	t.Logf("error (as expected): %v", err)
	// A bad initialization flag fails initialization.
	s, err = StartServer(ctx, ServerOptions{Binaries: bins, NoCache: true, InitFlags: []string{"--no-such-init-option-for-mysqltest"}})
	if err == nil {
		s.Close()
		t.Fatal("StartServer with an unknown init flag succeeded")
	}
	if !strings.Contains(err.Error(), "no-such-init-option-for-mysqltest") || !strings.Contains(err.Error(), "initializing") {
		t.Errorf("error does not show the initialization failure: %v", err)
	}
}

func TestLookupServerBinariesEnv(t *testing.T) {
	t.Setenv(EnvServerBinary, "/nonexistent/mysqld")
	_, err := LookupServerBinaries()
	if err == nil || !strings.Contains(err.Error(), EnvServerBinary) {
		t.Errorf("LookupServerBinaries with a bad %s = %v", EnvServerBinary, err)
	}
	// StartServerT skips without CI and fails with it.
	t.Setenv(EnvCI, "")
	if res := runTB(func(tb testing.TB) { StartServerT(tb, ServerOptions{}) }); !res.skipped || res.failed {
		t.Errorf("StartServerT without a server, CI unset: %+v, want skipped", res)
	}
	t.Setenv(EnvCI, "true")
	res := runTB(func(tb testing.TB) { StartServerT(tb, ServerOptions{}) })
	if !res.failed || res.skipped {
		t.Errorf("StartServerT without a server, CI=true: %+v, want failed", res)
	}
	if !strings.Contains(res.msg, EnvServerBinary) {
		t.Errorf("failure message %q does not say what is missing", res.msg)
	}
}

func TestLookupServerBinaries(t *testing.T) {
	b, err := LookupServerBinaries()
	if err != nil {
		t.Skip(err)
	}
	t.Logf("server %s (%s), install-db %q, MariaDB %v", b.Server, b.Version, b.InstallDB, b.MariaDB)
	if b.MariaDB && b.InstallDB == "" {
		t.Error("MariaDB without InstallDB")
	}
}

// TestTemplateCache checks that the cache is keyed by flags and that copies
// are independent of each other.
func TestTemplateCache(t *testing.T) {
	bins, err := LookupServerBinaries()
	if err != nil {
		t.Skip(err)
	}
	t.Setenv(EnvCacheDir, t.TempDir())
	k1 := templateKey(bins, nil)
	k2 := templateKey(bins, []string{"--x=1"})
	if k1 == k2 {
		t.Error("template key ignores init flags")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a, err := StartServer(ctx, ServerOptions{Binaries: bins})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	root, _ := TemplateCacheDir()
	if !fileExists(filepath.Join(root, k1, "complete")) {
		t.Errorf("no template in %s after StartServer", root)
	}
	// Start-only flags share the template.
	b, err := StartServer(ctx, ServerOptions{Binaries: bins, Flags: []string{"--max-connections=50"}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Errorf("%d cache entries after two starts with the same init flags, want 1", len(entries))
	}
	ca, err := rawDialDSN(a.DSN(), rawOptions{user: "root", db: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer ca.quit()
	if err := ca.exec("CREATE TABLE only_in_a (x INT)"); err != nil {
		t.Fatal(err)
	}
	cb, err := rawDialDSN(b.DSN(), rawOptions{user: "root", db: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer cb.quit()
	if err := cb.exec("SELECT * FROM only_in_a"); err == nil {
		t.Error("table created on server a is visible on server b")
	}
}

func TestPruneTemplates(t *testing.T) {
	root := t.TempDir()
	mk := func(name string, used time.Time, complete bool) string {
		d := filepath.Join(root, name)
		os.MkdirAll(filepath.Join(d, "data"), 0o700)
		if complete {
			m := filepath.Join(d, "complete")
			os.WriteFile(m, nil, 0o600)
			os.Chtimes(m, used, used)
		}
		return d
	}
	now := time.Now()
	ancient := mk("ancient", now.Add(-30*24*time.Hour), true)
	old1 := mk("old1", now.Add(-3*time.Hour), true)
	old2 := mk("old2", now.Add(-2*time.Hour), true)
	fresh1 := mk("fresh1", now.Add(-time.Minute), true)
	fresh2 := mk("fresh2", now.Add(-2*time.Minute), true)
	fresh3 := mk("fresh3", now.Add(-3*time.Minute), true)
	building := mk("tmp-123", now.Add(-30*24*time.Hour), false)
	incomplete := mk("incomplete", now, false)
	pruneTemplates(root, 2)
	for d, wantGone := range map[string]bool{
		ancient: true, old1: true, old2: true, // idle too long, or beyond the 2 kept and idle over an hour
		fresh1: false, fresh2: false, fresh3: false, // recently used: spared even beyond the limit
		building: false, incomplete: false,
	} {
		if gone := !fileExists(d); gone != wantGone {
			t.Errorf("%s: removed = %v, want %v", filepath.Base(d), gone, wantGone)
		}
	}
}

func TestRemoveStaleServerDirs(t *testing.T) {
	parent := t.TempDir()
	old := time.Now().Add(-2 * staleAge)
	mk := func(name, pid string, mtime time.Time) string {
		d := filepath.Join(parent, name)
		if err := os.MkdirAll(filepath.Join(d, "data"), 0o700); err != nil {
			t.Fatal(err)
		}
		if pid != "" {
			os.WriteFile(filepath.Join(d, "mysqld.pid"), []byte(pid+"\n"), 0o600)
		}
		os.Chtimes(d, mtime, mtime)
		return d
	}
	dead := mk("myx-mysqltest-dead", "", old)
	deadPID := mk("myx-mysqltest-deadpid", "999999999", old)
	alive := mk("myx-mysqltest-alive", strconv.Itoa(os.Getpid()), old)
	young := mk("myx-mysqltest-young", "", time.Now())
	other := mk("unrelated", "", old)
	removeStaleServerDirs(parent)
	for d, wantGone := range map[string]bool{dead: true, deadPID: true, alive: false, young: false, other: false} {
		if gone := !fileExists(d); gone != wantGone {
			t.Errorf("%s: removed = %v, want %v", filepath.Base(d), gone, wantGone)
		}
	}
}
