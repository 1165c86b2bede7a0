package mysqltest

import (
	"bytes"
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

// EnvServerBinary is the environment variable LookupServerBinaries consults
// first: the path of a mariadbd or mysqld binary to use instead of searching.
const EnvServerBinary = "MYSQLTEST_MYSQLD"

// EnvServerDir is the environment variable that supplies
// ServerOptions.Dir when it is empty.
const EnvServerDir = "MYSQLTEST_DIR"

// DefaultStartTimeout is how long Start waits for a server to accept
// connections when ServerOptions.StartTimeout is zero.
const DefaultStartTimeout = 60 * time.Second

// maxSocketPath is a conservative limit on unix socket path length (the
// kernel's sun_path holds 104 to 108 bytes depending on the system).
const maxSocketPath = 100

// searchDirs are searched for server binaries after $PATH. Debian puts
// mariadbd in /usr/sbin, which is often not on a non-root user's PATH.
var searchDirs = []string{
	"/usr/sbin",
	"/usr/local/sbin",
	"/usr/local/bin",
	"/usr/local/mysql/bin",
	"/usr/local/mariadb/bin",
	"/opt/homebrew/bin",
	"/opt/homebrew/sbin",
	"/usr/libexec",
}

// ServerBinaries are the programs StartServer runs.
type ServerBinaries struct {
	// Server is the path of the server binary, mariadbd or mysqld.
	Server string
	// InstallDB is the path of mariadb-install-db or mysql_install_db, which
	// creates a MariaDB data directory. It is empty for MySQL, whose server
	// initializes its own data directory (mysqld --initialize-insecure).
	InstallDB string
	// MariaDB reports whether Server is MariaDB (its --version output says
	// so), whatever the binary is called.
	MariaDB bool
	// Version is the first line of the output of Server --version.
	Version string
}

// lookupCache holds successful lookups, keyed by the environment they
// depend on.
var lookupCache sync.Map // string -> ServerBinaries

// LookupServerBinaries finds a server to start: the binary named by the
// MYSQLTEST_MYSQLD environment variable if set, else mariadbd or mysqld in
// $PATH or a usual install directory (/usr/sbin, /usr/local/sbin,
// /usr/local/mysql/bin, Homebrew's directories). For MariaDB it also finds
// mariadb-install-db or mysql_install_db, looking next to the server first.
// The error names what is missing and what to install. A successful result
// is remembered for the rest of the process (for the same MYSQLTEST_MYSQLD
// and PATH); each call returns a fresh copy.
func LookupServerBinaries() (*ServerBinaries, error) {
	key := os.Getenv(EnvServerBinary) + "\x00" + os.Getenv("PATH")
	if b, ok := lookupCache.Load(key); ok {
		bins := b.(ServerBinaries)
		return &bins, nil
	}
	bins, err := lookupServerBinaries()
	if err != nil {
		return nil, err
	}
	lookupCache.Store(key, *bins)
	return bins, nil
}

func lookupServerBinaries() (*ServerBinaries, error) {
	server := os.Getenv(EnvServerBinary)
	if server != "" {
		if !isExecutable(server) {
			return nil, fmt.Errorf("mysqltest: %s=%s is not an executable file", EnvServerBinary, server)
		}
	} else {
		server = findBinary("mariadbd", "mysqld")
		if server == "" {
			return nil, fmt.Errorf("mysqltest: no mariadbd or mysqld found in $PATH or %s: "+
				"install mariadb-server (Debian/Ubuntu: apt-get install mariadb-server; Fedora: dnf install mariadb-server; macOS: brew install mariadb) "+
				"or set %s to the server binary", strings.Join(searchDirs, ", "), EnvServerBinary)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, server, "--version").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("mysqltest: %s --version failed: %v: %s", server, err, bytes.TrimSpace(out))
	}
	version, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	b := &ServerBinaries{Server: server, Version: version, MariaDB: strings.Contains(version, "MariaDB")}
	if !b.MariaDB {
		return b, nil
	}
	dir := filepath.Dir(server)
	base := filepath.Dir(dir)
	for _, d := range []string{dir, filepath.Join(base, "bin"), filepath.Join(base, "scripts")} {
		for _, name := range []string{"mariadb-install-db", "mysql_install_db"} {
			if p := filepath.Join(d, name); isExecutable(p) {
				b.InstallDB = p
				return b, nil
			}
		}
	}
	if b.InstallDB = findBinary("mariadb-install-db", "mysql_install_db"); b.InstallDB == "" {
		return nil, fmt.Errorf("mysqltest: found MariaDB server %s but no mariadb-install-db or mysql_install_db next to it, in $PATH or in %s: "+
			"install the package that provides it (Debian/Ubuntu: apt-get install mariadb-server)", server, strings.Join(searchDirs, ", "))
	}
	return b, nil
}

// findBinary returns the first of names found in $PATH or searchDirs, trying
// each name everywhere before the next name.
func findBinary(names ...string) string {
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				return abs
			}
			return p
		}
		for _, d := range searchDirs {
			if p := filepath.Join(d, name); isExecutable(p) {
				return p
			}
		}
	}
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// ServerOptions configures StartServer. The zero value is ready to use.
type ServerOptions struct {
	// Flags are extra server command-line flags for every start, such as
	// "--max-allowed-packet=64M" or "--ssl-cert=...". They come after the
	// defaults, so they override them.
	Flags []string
	// InitFlags are extra flags for settings fixed when the data directory
	// is initialized, such as "--innodb-page-size=8k" or
	// "--lower-case-table-names=1". They are passed at initialization and,
	// before Flags, on every start. Each distinct InitFlags has its own
	// cached template (see TemplateCacheDir), so per-run values such as
	// temporary file paths belong in Flags.
	InitFlags []string
	// StartTimeout bounds how long each start (including the first) waits for
	// the server to accept connections. Zero means DefaultStartTimeout.
	StartTimeout time.Duration
	// Binaries selects the programs to run; nil means LookupServerBinaries.
	Binaries *ServerBinaries
	// Dir is the directory in which the server's temporary directory is
	// created; empty means $MYSQLTEST_DIR if set, else os.TempDir(). A tmpfs
	// such as /dev/shm makes starts and writes faster at the cost of memory.
	// The socket path inside it must stay short (about 100 bytes).
	Dir string
	// NoCache makes StartServer initialize the data directory from scratch
	// instead of copying a cached, freshly initialized one (see
	// TemplateCacheDir). Initializing takes about a second or more; copying
	// takes a few tens of milliseconds.
	NoCache bool
}

// Server is a throwaway MySQL or MariaDB server started by StartServer: a
// server process, a data directory in a fresh temporary directory, a TCP port
// on 127.0.0.1 and a unix socket. User root may connect over either without a
// password; database test exists.
//
// Its lifecycle methods (Start, Stop, Restart, Kill, Close) may be called from
// any goroutine; they are serialized. The address accessors never change.
type Server struct {
	bins    *ServerBinaries
	opts    ServerOptions
	dir     string
	dataDir string
	socket  string
	pidFile string
	errLog  string
	tmpDir  string

	mu     sync.Mutex
	port   int
	proc   *serverProc
	closed bool
}

// serverProc is one run of the server process.
type serverProc struct {
	cmd    *exec.Cmd
	done   chan struct{} // closed when the process has exited and been reaped
	err    error         // exit error; valid after done is closed
	killed bool          // set when we sent SIGKILL or SIGTERM on purpose
}

func (p *serverProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// StartServer initializes a data directory in a new temporary directory and
// starts a server on it, listening on a free TCP port on 127.0.0.1 and on a
// unix socket in that directory, with settings that favour a fast start over
// durability (no doublewrite buffer, small buffer pool and redo log, no binary
// log, no host name resolution). It returns when the server accepts
// connections. The caller must call Close to stop the server and remove the
// directory. ctx bounds initialization and the start.
func StartServer(ctx context.Context, opts ServerOptions) (*Server, error) {
	bins := opts.Binaries
	if bins == nil {
		var err error
		if bins, err = LookupServerBinaries(); err != nil {
			return nil, err
		}
	}
	if bins.MariaDB && bins.InstallDB == "" {
		return nil, fmt.Errorf("mysqltest: ServerBinaries for MariaDB server %s lacks InstallDB (mariadb-install-db)", bins.Server)
	}
	if opts.Dir == "" {
		opts.Dir = os.Getenv(EnvServerDir)
	}
	removeStaleServerDirs(opts.Dir)
	dir, err := os.MkdirTemp(opts.Dir, "myx-mysqltest-")
	if err != nil {
		return nil, fmt.Errorf("mysqltest: creating server directory: %w", err)
	}
	s := &Server{
		bins:    bins,
		opts:    opts,
		dir:     dir,
		dataDir: filepath.Join(dir, "data"),
		socket:  filepath.Join(dir, "mysqld.sock"),
		pidFile: filepath.Join(dir, "mysqld.pid"),
		errLog:  filepath.Join(dir, "error.log"),
		tmpDir:  filepath.Join(dir, "tmp"),
	}
	if len(s.socket) > maxSocketPath {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("mysqltest: socket path %s is longer than %d bytes: set ServerOptions.Dir to a shorter directory (or TMPDIR)", s.socket, maxSocketPath)
	}
	if err := os.Mkdir(s.tmpDir, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("mysqltest: %w", err)
	}
	if err := s.prepareDataDir(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// Another process may take the port between our choosing it and the
	// server binding it; try a few ports.
	for attempt := 0; ; attempt++ {
		if s.port, err = freePort(); err != nil {
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

// StartServerT is StartServer for tests: it starts a server with a timeout of
// two minutes and registers t.Cleanup to close it (reporting a failure to stop
// cleanly with t.Errorf). If no server binaries are installed it skips the
// test, or fails it when the CI environment variable is "true"; any other
// failure to start fails the test.
func StartServerT(t testing.TB, opts ServerOptions) *Server {
	t.Helper()
	if opts.Binaries == nil {
		bins, err := LookupServerBinaries()
		if err != nil {
			if isCI() {
				t.Fatalf("%v\n%s=true: a missing server binary is a failure, not a skip", err, EnvCI)
				return nil
			}
			t.Skip(err)
			return nil
		}
		opts.Binaries = bins
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := StartServer(ctx, opts)
	if err != nil {
		t.Fatalf("mysqltest: starting a throwaway server: %v", err)
		return nil
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("mysqltest: closing throwaway server: %v", err)
		}
	})
	return s
}

// initDataDir creates a data directory at dataDir with root@127.0.0.1 and
// root@::1 allowed in without a password and a database named test. workDir
// receives the scratch files (init.sql, init.log, tmp).
func initDataDir(ctx context.Context, bins *ServerBinaries, flags []string, dataDir, workDir string) error {
	initSQL := filepath.Join(workDir, "init.sql")
	logPath := filepath.Join(workDir, "init.log")
	tmpDir := filepath.Join(workDir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o700); err != nil {
		return fmt.Errorf("mysqltest: %w", err)
	}
	var args []string
	var prog string
	if bins.MariaDB {
		// mariadb-install-db bootstraps with grant tables disabled, so the
		// extra file cannot create users; --skip-name-resolve makes the
		// script itself create root@127.0.0.1 and root@::1.
		if err := os.WriteFile(initSQL, []byte("CREATE DATABASE IF NOT EXISTS test;\n"), 0o600); err != nil {
			return fmt.Errorf("mysqltest: %w", err)
		}
		prog = bins.InstallDB
		args = []string{
			"--no-defaults",
			"--basedir=" + filepath.Dir(filepath.Dir(bins.Server)),
			"--datadir=" + dataDir,
			"--auth-root-authentication-method=normal",
			"--skip-test-db",
			"--skip-name-resolve",
			"--extra-file=" + initSQL,
			"--tmpdir=" + tmpDir,
		}
	} else {
		sql := "CREATE DATABASE IF NOT EXISTS test;\n" +
			"CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';\n" +
			"GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;\n" +
			"CREATE USER IF NOT EXISTS 'root'@'::1';\n" +
			"GRANT ALL PRIVILEGES ON *.* TO 'root'@'::1' WITH GRANT OPTION;\n"
		if err := os.WriteFile(initSQL, []byte(sql), 0o600); err != nil {
			return fmt.Errorf("mysqltest: %w", err)
		}
		prog = bins.Server
		args = []string{
			"--no-defaults",
			"--initialize-insecure",
			"--datadir=" + dataDir,
			"--init-file=" + initSQL,
			"--tmpdir=" + tmpDir,
		}
	}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root")
	}
	args = append(args, tuningFlags(bins)...)
	args = append(args, flags...)
	logFile, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("mysqltest: %w", err)
	}
	defer logFile.Close()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Dir = workDir
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("mysqltest: initializing data directory with %s failed: %v\n%s", filepath.Base(prog), err, logExcerpt(logPath, 0))
	}
	return nil
}

// tuningFlags are server settings that make starting fast and cheap; the
// "loose-" prefix makes a server that lacks an option ignore it.
func tuningFlags(bins *ServerBinaries) []string {
	f := []string{
		"--innodb-buffer-pool-size=32M",
		"--loose-innodb-doublewrite=OFF",
		"--innodb-flush-log-at-trx-commit=2",
		"--loose-innodb-use-native-aio=OFF",
		"--loose-innodb-buffer-pool-load-at-startup=OFF",
		"--loose-innodb-buffer-pool-dump-at-shutdown=OFF",
		"--loose-performance-schema=OFF",
		"--skip-log-bin",
	}
	if bins.MariaDB {
		// The temporary tablespace is written in full at every start.
		f = append(f, "--innodb-log-file-size=8M", "--innodb-temp-data-file-path=ibtmp1:1M:autoextend")
	} else {
		f = append(f, "--loose-innodb-redo-log-capacity=8M", "--loose-mysqlx=OFF")
	}
	return f
}

// startArgs are the command-line arguments of a server start.
func (s *Server) startArgs() []string {
	a := []string{
		"--no-defaults",
		"--datadir=" + s.dataDir,
		"--socket=" + s.socket,
		"--port=" + strconv.Itoa(s.port),
		"--bind-address=127.0.0.1",
		"--pid-file=" + s.pidFile,
		"--log-error=" + s.errLog,
		"--tmpdir=" + s.tmpDir,
		"--skip-name-resolve",
		"--local-infile=1",
	}
	if os.Geteuid() == 0 {
		a = append(a, "--user=root")
	}
	a = append(a, tuningFlags(s.bins)...)
	a = append(a, s.opts.InitFlags...)
	return append(a, s.opts.Flags...)
}

// errPortInUse marks a start that failed because the TCP port was taken.
var errPortInUse = errors.New("TCP port already in use")

// Start starts the server process on the existing data directory and port and
// waits until it accepts connections, for at most ServerOptions.StartTimeout
// or until ctx is done. It fails if the server is already running or Close
// has been called. If the process exits during startup, the error includes
// the end of the server's error log.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("mysqltest: Start on a closed Server")
	}
	if s.proc != nil && !s.proc.exited() {
		return fmt.Errorf("mysqltest: server on port %d is already running", s.port)
	}
	s.proc = nil
	timeout := s.opts.StartTimeout
	if timeout <= 0 {
		timeout = DefaultStartTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// A stale socket file from a killed server would make the readiness
	// check below talk to nothing; the server removes it too, but only once
	// it gets that far.
	os.Remove(s.socket)
	out, err := os.OpenFile(filepath.Join(s.dir, "mysqld.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("mysqltest: %w", err)
	}
	logStart := fileSize(s.errLog)
	cmd := exec.Command(s.bins.Server, s.startArgs()...)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.Dir = s.dir
	cmd.SysProcAttr = sysProcAttr()
	err = cmd.Start()
	out.Close() // the child has its own copy
	if err != nil {
		return fmt.Errorf("mysqltest: starting %s: %w", s.bins.Server, err)
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
		log := logExcerpt(s.errLog, logStart)
		if strings.Contains(log, "Address already in use") || strings.Contains(log, "Bind on TCP/IP port") {
			err = fmt.Errorf("%w (%v)", errPortInUse, err)
		}
		return fmt.Errorf("mysqltest: server %s on port %d did not start: %w\nfrom %s:\n%s", filepath.Base(s.bins.Server), s.port, err, s.errLog, log)
	}
	return nil
}

// waitReady polls until the server answers a handshake on its unix socket
// (which only this server can have created) and then on its TCP port.
func (s *Server) waitReady(ctx context.Context, p *serverProc) error {
	delay := 5 * time.Millisecond
	var lastErr error
	for {
		if p.exited() {
			return fmt.Errorf("process exited: %v", p.err)
		}
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
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
		delay = min(delay*2, 100*time.Millisecond)
	}
}

// Stop shuts the server down cleanly (SIGTERM) and waits for the process to
// exit. If ctx ends first, the process is killed and Stop reports that. If no
// deadline is set, Stop waits at most two minutes. Stopping a server that is
// not running returns nil, except that if the process had exited on its own
// (crashed) since it was started, Stop returns an error describing that.
func (s *Server) Stop(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopLocked(ctx)
}

func (s *Server) stopLocked(ctx context.Context) error {
	p := s.proc
	if p == nil {
		return nil
	}
	s.proc = nil
	if p.exited() {
		if p.killed {
			return nil
		}
		return fmt.Errorf("mysqltest: server on port %d had already exited: %v\nfrom %s:\n%s", s.port, p.err, s.errLog, logExcerpt(s.errLog, 0))
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
		return fmt.Errorf("mysqltest: server on port %d did not shut down in time (%v); killed it", s.port, ctx.Err())
	}
}

// Restart stops the server cleanly and starts it again on the same port and
// data directory, so committed data survives and clients can reconnect to the
// same address.
func (s *Server) Restart(ctx context.Context) error {
	if err := s.Stop(ctx); err != nil {
		return err
	}
	return s.Start(ctx)
}

// Kill kills the server process with SIGKILL, simulating a crash, and waits
// for it to exit. Connections to it are reset. Start brings it back (InnoDB
// recovers committed transactions). Killing a server that is not running
// returns nil.
func (s *Server) Kill() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.proc
	if p == nil || p.exited() {
		return nil
	}
	p.killed = true
	if err := p.cmd.Process.Kill(); err != nil && !p.exited() {
		return fmt.Errorf("mysqltest: killing server: %w", err)
	}
	<-p.done
	return nil
}

// Close stops the server (killing it if a clean shutdown takes over a
// minute) and removes its directory. It returns the first error met; the
// directory is removed regardless. Close is idempotent; after it, Start fails.
func (s *Server) Close() error {
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
		err = fmt.Errorf("mysqltest: removing server directory: %w", rerr)
	}
	return err
}

// Running reports whether the server process is running.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc != nil && !s.proc.exited()
}

// PID returns the process id of the running server, or 0 if it is not
// running.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil || s.proc.exited() {
		return 0
	}
	return s.proc.cmd.Process.Pid
}

// DSN returns the URL-form DSN for user root without a password over TCP:
// mysql://root@127.0.0.1:PORT/test.
func (s *Server) DSN() string {
	return "mysql://root@" + s.Addr() + "/test"
}

// SocketDSN returns the DSN for user root over the unix socket:
// mysql://root@unix(/path/to/mysqld.sock)/test.
func (s *Server) SocketDSN() string {
	return "mysql://root@unix(" + s.socket + ")/test"
}

// DSNFor returns a URL-form TCP DSN for the given user, password and database
// (the password and user are escaped as URL userinfo).
func (s *Server) DSNFor(user, password, database string) string {
	u := url.URL{Scheme: "mysql", User: url.UserPassword(user, password), Host: s.Addr(), Path: "/" + database}
	if password == "" {
		u.User = url.User(user)
	}
	return u.String()
}

// Addr returns the server's TCP address, 127.0.0.1:PORT. The port stays the
// same across restarts.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addrLocked()
}

func (s *Server) addrLocked() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// Port returns the server's TCP port.
func (s *Server) Port() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.port
}

// SocketPath returns the path of the server's unix socket.
func (s *Server) SocketPath() string { return s.socket }

// Dir returns the server's temporary directory, which holds the data
// directory ("data"), the socket, the error log and the pid file. Close
// removes it.
func (s *Server) Dir() string { return s.dir }

// DataDir returns the server's data directory.
func (s *Server) DataDir() string { return s.dataDir }

// ErrorLogPath returns the path of the server's error log.
func (s *Server) ErrorLogPath() string { return s.errLog }

// Binaries returns the programs the server runs.
func (s *Server) Binaries() ServerBinaries { return *s.bins }

// staleAge is how old a server directory must be before it may be removed as
// stale.
const staleAge = time.Hour

// removeStaleServerDirs removes server directories left behind by test
// processes that died without calling Close (a timed-out test run, for
// example): directories over an hour old whose server is not running. The
// server process itself died with its parent (see sysProcAttr).
func removeStaleServerDirs(parent string) {
	if parent == "" {
		parent = os.TempDir()
	}
	matches, _ := filepath.Glob(filepath.Join(parent, "myx-mysqltest-*"))
	for _, m := range matches {
		fi, err := os.Stat(m)
		if err != nil || !fi.IsDir() || time.Since(fi.ModTime()) < staleAge {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(m, "mysqld.pid")); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && processAlive(pid) {
				continue
			}
		}
		os.RemoveAll(m)
	}
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("mysqltest: finding a free port: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port, nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// logExcerpt returns the interesting part of a server log after byte offset
// off: its error lines if it has any (at most 10), else its last 15 lines.
func logExcerpt(path string, off int64) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	if off > 0 && off <= int64(len(b)) {
		b = b[off:]
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	var errs []string
	for _, l := range lines {
		if strings.Contains(l, "ERROR") || strings.Contains(l, "[Error]") {
			errs = append(errs, l)
		}
	}
	if len(errs) > 0 {
		lines = errs
		if len(lines) > 10 {
			lines = lines[:10]
		}
	} else if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}
