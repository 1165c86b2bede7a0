package mysqltest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// EnvTiDBServer is the environment variable LookupTiDBServer consults first:
// the path of a tidb-server binary. Setting it also tells StartTiDBT that
// TiDB was asked for, so that under CI=true a missing binary fails the test
// instead of skipping it.
const EnvTiDBServer = "MYX_TIDB_SERVER"

// TiDBVersion is the version of github.com/pingcap/tidb that
// internal/tools/tidb/build.sh builds, and so the directory of TiDBCachePath.
// It is the module's version on the Go module proxy, not the version the
// server reports (a build from the proxy reports 8.0.11-TiDB-v8.4.0-this-is-a-placeholder).
const TiDBVersion = "v1.1.0-beta.0.20251126154744-e4e814fdc0af"

// DefaultTiDBStartTimeout is how long StartTiDB waits for TiDB to accept
// connections when TiDBOptions.StartTimeout is zero. A first start
// bootstraps the system tables, which takes several seconds, and far more on
// a loaded machine.
const DefaultTiDBStartTimeout = 3 * time.Minute

// TiDBCachePath returns where internal/tools/tidb/build.sh puts the
// tidb-server binary it builds:
// ${XDG_CACHE_HOME:-$HOME/.cache}/myx/tidb/<TiDBVersion>/tidb-server.
func TiDBCachePath() (string, error) {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("mysqltest: no cache directory for tidb-server: %w", err)
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "myx", "tidb", TiDBVersion, "tidb-server"), nil
}

// LookupTiDBServer returns the tidb-server binary to run: the file named by
// MYX_TIDB_SERVER if set, else the one at TiDBCachePath. The error says
// which paths were tried and how to build one (internal/tools/tidb/build.sh).
func LookupTiDBServer() (string, error) {
	if p := os.Getenv(EnvTiDBServer); p != "" {
		if !isExecutable(p) {
			return "", fmt.Errorf("mysqltest: %s=%s is not an executable file: build tidb-server with internal/tools/tidb/build.sh", EnvTiDBServer, p)
		}
		return p, nil
	}
	p, err := TiDBCachePath()
	if err != nil {
		return "", err
	}
	if !isExecutable(p) {
		return "", fmt.Errorf("mysqltest: no tidb-server at %s and %s is not set: "+
			"build it with internal/tools/tidb/build.sh (6 to 30 minutes the first time) or set %s to a tidb-server binary",
			p, EnvTiDBServer, EnvTiDBServer)
	}
	return p, nil
}

// TiDBOptions configures StartTiDB. The zero value is ready to use.
type TiDBOptions struct {
	// Binary is the tidb-server to run; empty means LookupTiDBServer.
	Binary string
	// Flags are extra tidb-server command-line flags, after the defaults,
	// such as "-token-limit=10".
	Flags []string
	// Config is extra TOML for the generated configuration file,
	// for example "[performance]\ntxn-total-size-limit = 1073741824". It
	// must not repeat the generated file's tables, [security] and [log]
	// (TOML forbids it); see StartTiDB.
	Config string
	// NoTLS turns TiDB's auto-TLS off, so the server offers no TLS. By
	// default it generates a self-signed certificate at start and offers TLS
	// (myx's default TLS mode, preferred, then uses it).
	NoTLS bool
	// StartTimeout bounds each start. Zero means DefaultTiDBStartTimeout.
	StartTimeout time.Duration
	// Dir is the directory in which the server's temporary directory is
	// created; empty means $MYSQLTEST_DIR if set, else os.TempDir().
	Dir string
}

// TiDBServer is a throwaway TiDB started by StartTiDB: one tidb-server
// process with an embedded unistore storage engine in a fresh temporary
// directory, listening on 127.0.0.1 on a free MySQL port and a free status
// (HTTP) port, and on a unix socket. User root may connect without a
// password; database test exists.
//
// Its lifecycle methods (Start, Stop, Restart, Kill, Close) may be called from
// any goroutine; they are serialized. The address accessors never change.
type TiDBServer struct {
	binary string
	opts   TiDBOptions
	dir    string
	socket string
	log    string
	config string

	mu         sync.Mutex
	port       int
	statusPort int
	proc       *serverProc
	closed     bool
}

// StartTiDB starts a tidb-server with the unistore engine on a new temporary
// directory and returns when it accepts MySQL connections on both its unix
// socket and its TCP port (a first start bootstraps the system tables, which
// takes seconds). The caller must call Close to stop it and remove the
// directory. ctx bounds the start.
//
// The generated configuration file sets graceful-wait-before-shutdown = 0,
// [security] auto-tls (true unless NoTLS) and rsa-key-size = 2048, and [log]
// level = "warn" with the slow query log in the temporary directory.
// TiDBOptions.Config comes after the top-level key and before those tables,
// so it may set top-level keys and other tables but not repeat these.
func StartTiDB(ctx context.Context, opts TiDBOptions) (*TiDBServer, error) {
	bin := opts.Binary
	if bin == "" {
		var err error
		if bin, err = LookupTiDBServer(); err != nil {
			return nil, err
		}
	}
	if opts.Dir == "" {
		opts.Dir = os.Getenv(EnvServerDir)
	}
	removeStaleServerDirs(opts.Dir)
	dir, err := os.MkdirTemp(opts.Dir, "myx-mysqltest-")
	if err != nil {
		return nil, fmt.Errorf("mysqltest: creating server directory: %w", err)
	}
	s := &TiDBServer{
		binary: bin,
		opts:   opts,
		dir:    dir,
		socket: filepath.Join(dir, "tidb.sock"),
		log:    filepath.Join(dir, "tidb.log"),
		config: filepath.Join(dir, "tidb.toml"),
	}
	if len(s.socket) > maxSocketPath {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("mysqltest: socket path %s is longer than %d bytes: set TiDBOptions.Dir to a shorter directory (or TMPDIR)", s.socket, maxSocketPath)
	}
	for _, d := range []string{"store", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("mysqltest: %w", err)
		}
	}
	if err := os.WriteFile(s.config, []byte(s.configText()), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("mysqltest: %w", err)
	}
	// Another process may take a port between our choosing it and the
	// server binding it; try a few pairs.
	for attempt := 0; ; attempt++ {
		if s.port, err = freePort(); err == nil {
			s.statusPort, err = freePort()
		}
		if err == nil && s.port == s.statusPort {
			continue
		}
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		err = s.Start(ctx)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, errPortInUse) || attempt == 4 {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

// configText is the TOML configuration file of the server.
func (s *TiDBServer) configText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by mysqltest.StartTiDB.\n")
	fmt.Fprintf(&b, "graceful-wait-before-shutdown = 0\n\n")
	if s.opts.Config != "" {
		b.WriteString(s.opts.Config)
		b.WriteString("\n\n")
	}
	fmt.Fprintf(&b, "[security]\nauto-tls = %t\nrsa-key-size = 2048\n\n", !s.opts.NoTLS)
	fmt.Fprintf(&b, "[log]\nlevel = \"warn\"\nslow-query-file = %q\n", filepath.Join(s.dir, "slow.log"))
	return b.String()
}

// StartTiDBT is StartTiDB for tests: it starts TiDB with a timeout of
// DefaultTiDBStartTimeout and registers t.Cleanup to close it (reporting a
// failure to stop cleanly with t.Errorf). If no tidb-server binary is found
// it skips the test with the reason, except that it fails the test when the
// CI environment variable is "true" and MYX_TIDB_SERVER is set (the CI asked
// for TiDB). Any other failure to start fails the test.
func StartTiDBT(t testing.TB, opts TiDBOptions) *TiDBServer {
	t.Helper()
	if opts.Binary == "" {
		bin, err := LookupTiDBServer()
		if err != nil {
			if isCI() && os.Getenv(EnvTiDBServer) != "" {
				t.Fatalf("%v\n%s=true and %s is set: a missing tidb-server is a failure, not a skip", err, EnvCI, EnvTiDBServer)
				return nil
			}
			t.Skip(err)
			return nil
		}
		opts.Binary = bin
	}
	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = DefaultTiDBStartTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s, err := StartTiDB(ctx, opts)
	if err != nil {
		t.Fatalf("mysqltest: starting a throwaway TiDB: %v", err)
		return nil
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("mysqltest: closing throwaway TiDB: %v", err)
		}
	})
	return s
}

// startArgs are the command-line arguments of a start.
func (s *TiDBServer) startArgs() []string {
	a := []string{
		"-config=" + s.config,
		"-store=unistore",
		"-path=" + filepath.Join(s.dir, "store"),
		"-host=127.0.0.1",
		"-P=" + strconv.Itoa(s.port),
		"-socket=" + s.socket,
		"-status-host=127.0.0.1",
		"-status=" + strconv.Itoa(s.statusPort),
		"-log-file=" + s.log,
		"-temp-dir=" + filepath.Join(s.dir, "tmp"),
	}
	return append(a, s.opts.Flags...)
}

// Start starts the server process on the existing storage and ports and
// waits until it accepts connections, for at most TiDBOptions.StartTimeout
// or until ctx is done. It fails if the server is already running or Close
// has been called. If the process exits during startup, the error includes
// the end of its log.
func (s *TiDBServer) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("mysqltest: Start on a closed TiDBServer")
	}
	if s.proc != nil && !s.proc.exited() {
		return fmt.Errorf("mysqltest: TiDB on port %d is already running", s.port)
	}
	s.proc = nil
	timeout := s.opts.StartTimeout
	if timeout <= 0 {
		timeout = DefaultTiDBStartTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	os.Remove(s.socket)
	outPath := filepath.Join(s.dir, "tidb.out")
	out, err := os.OpenFile(outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("mysqltest: %w", err)
	}
	logStart, outStart := fileSize(s.log), fileSize(outPath)
	cmd := exec.Command(s.binary, s.startArgs()...)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.Dir = s.dir
	cmd.SysProcAttr = sysProcAttr()
	err = cmd.Start()
	out.Close()
	if err != nil {
		return fmt.Errorf("mysqltest: starting %s: %w", s.binary, err)
	}
	p := &serverProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	s.proc = p

	if err := s.waitReady(ctx, p); err != nil {
		if !p.exited() {
			p.killed = true
			p.cmd.Process.Kill()
			<-p.done
		}
		log := tidbLogExcerpt(s.log, logStart) + "\n" + tidbLogExcerpt(outPath, outStart)
		if strings.Contains(log, "address already in use") {
			err = fmt.Errorf("%w (%v)", errPortInUse, err)
		}
		return fmt.Errorf("mysqltest: tidb-server on port %d did not start: %w\nfrom %s and tidb.out:\n%s", s.port, err, s.log, strings.TrimSpace(log))
	}
	return nil
}

// waitReady polls until the server answers a handshake on its unix socket
// (which only this server can have created) and then on its TCP port. TiDB
// opens both only once bootstrapping is done.
func (s *TiDBServer) waitReady(ctx context.Context, p *serverProc) error {
	delay := 20 * time.Millisecond
	var lastErr error
	for {
		if p.exited() {
			return fmt.Errorf("process exited: %v", p.err)
		}
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := probeAddr(pctx, "unix", s.socket)
		if err == nil {
			_, err = probeAddr(pctx, "tcp", s.addrLocked())
		}
		cancel()
		if err == nil {
			return nil
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w; last attempt: %v", ctx.Err(), lastErr)
		case <-p.done:
		case <-time.After(delay):
		}
		delay = min(delay*2, 200*time.Millisecond)
	}
}

// Stop shuts the server down cleanly (SIGTERM) and waits for it to exit. If
// ctx ends first, or after two minutes when ctx has no deadline, the process
// is killed and Stop reports that. Stopping a server that is not running
// returns nil, except that if it had exited on its own since it was started,
// Stop returns an error describing that.
func (s *TiDBServer) Stop(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopLocked(ctx)
}

func (s *TiDBServer) stopLocked(ctx context.Context) error {
	p := s.proc
	if p == nil {
		return nil
	}
	s.proc = nil
	if p.exited() {
		if p.killed {
			return nil
		}
		return fmt.Errorf("mysqltest: TiDB on port %d had already exited: %v\nfrom %s:\n%s", s.port, p.err, s.log, tidbLogExcerpt(s.log, 0))
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
	}
	p.killed = true
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.cmd.Process.Kill()
	}
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("mysqltest: TiDB on port %d did not shut down in time (%v); killed it", s.port, ctx.Err())
	}
}

// Restart stops the server cleanly and starts it again on the same ports and
// storage, so committed data survives.
func (s *TiDBServer) Restart(ctx context.Context) error {
	if err := s.Stop(ctx); err != nil {
		return err
	}
	return s.Start(ctx)
}

// Kill kills the server process with SIGKILL and waits for it to exit.
// Killing a server that is not running returns nil.
func (s *TiDBServer) Kill() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.proc
	if p == nil || p.exited() {
		return nil
	}
	p.killed = true
	if err := p.cmd.Process.Kill(); err != nil && !p.exited() {
		return fmt.Errorf("mysqltest: killing TiDB: %w", err)
	}
	<-p.done
	return nil
}

// Close stops the server (killing it if a clean shutdown takes over a
// minute) and removes its directory. It returns the first error met; the
// directory is removed regardless. Close is idempotent; after it, Start fails.
func (s *TiDBServer) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := s.stopLocked(ctx)
	if rerr := os.RemoveAll(s.dir); rerr != nil && err == nil {
		err = fmt.Errorf("mysqltest: removing TiDB directory: %w", rerr)
	}
	return err
}

// Running reports whether the server process is running.
func (s *TiDBServer) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc != nil && !s.proc.exited()
}

// PID returns the process id of the running server, or 0 if it is not
// running.
func (s *TiDBServer) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil || s.proc.exited() {
		return 0
	}
	return s.proc.cmd.Process.Pid
}

// DSN returns the URL-form DSN for user root without a password over TCP:
// mysql://root@127.0.0.1:PORT/test.
func (s *TiDBServer) DSN() string {
	return "mysql://root@" + s.Addr() + "/test"
}

// SocketDSN returns the DSN for user root over the unix socket.
func (s *TiDBServer) SocketDSN() string {
	return "mysql://root@unix(" + s.socket + ")/test"
}

// DSNFor returns a URL-form TCP DSN for the given user, password and
// database.
func (s *TiDBServer) DSNFor(user, password, database string) string {
	u := url.URL{Scheme: "mysql", User: url.UserPassword(user, password), Host: s.Addr(), Path: "/" + database}
	if password == "" {
		u.User = url.User(user)
	}
	return u.String()
}

// Addr returns the server's MySQL protocol address, 127.0.0.1:PORT.
func (s *TiDBServer) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addrLocked()
}

func (s *TiDBServer) addrLocked() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// Port returns the server's MySQL protocol port.
func (s *TiDBServer) Port() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.port
}

// StatusAddr returns the address of TiDB's HTTP status service
// (127.0.0.1:PORT; GET /status answers once the server is up).
func (s *TiDBServer) StatusAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.statusPort))
}

// SocketPath returns the path of the server's unix socket.
func (s *TiDBServer) SocketPath() string { return s.socket }

// Dir returns the server's temporary directory: its storage ("store"), its
// configuration file, logs and socket. Close removes it.
func (s *TiDBServer) Dir() string { return s.dir }

// LogPath returns the path of the server's log file.
func (s *TiDBServer) LogPath() string { return s.log }

// Binary returns the path of the tidb-server being run.
func (s *TiDBServer) Binary() string { return s.binary }

// tidbLogExcerpt returns the interesting part of a TiDB log after byte
// offset off: its [FATAL] and [ERROR] lines if it has any (at most 10), else
// its last 15 lines.
func tidbLogExcerpt(path string, off int64) string {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return ""
		}
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	if off > 0 && off <= int64(len(b)) {
		b = b[off:]
	}
	text := strings.TrimRight(string(b), "\n")
	if text == "" {
		return ""
	}
	lines := strings.Split(text, "\n")
	var errs []string
	for _, l := range lines {
		if strings.Contains(l, "[FATAL]") || strings.Contains(l, "[ERROR]") {
			errs = append(errs, l)
		}
	}
	if len(errs) > 0 {
		lines = errs
		if len(lines) > 10 {
			lines = lines[len(lines)-10:]
		}
	} else if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}
