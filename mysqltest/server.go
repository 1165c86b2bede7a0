package mysqltest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
	// User is the operating system user (a name such as "mysql", or a
	// numeric uid) the server runs as when the test process runs as root;
	// empty means root itself. StartServer gives the server's directory (data
	// directory, temporary directory, logs, socket) to that user and its
	// primary group and starts the server with their credentials. Every
	// directory above the server's directory must be searchable by that user
	// (os.TempDir() and /dev/shm are); StartServer checks and says which is
	// not. Some features need it: Galera's rsync state transfer fails as
	// root. When the process is not root, User must be empty or name the
	// current user, and the server runs as the current user either way.
	// Switching user is supported on Linux only.
	User string
}

// Server is a throwaway MySQL or MariaDB server started by StartServer: a
// server process, a data directory in a fresh temporary directory, a TCP port
// on 127.0.0.1 and a unix socket. User root may connect over either without a
// password; database test exists.
//
// Its lifecycle methods (Start, Stop, Restart, Kill, Close) may be called from
// any goroutine; they are serialized. The address accessors never change.
type Server struct {
	process
	bins    *ServerBinaries
	opts    ServerOptions
	dataDir string
	pidFile string
	errLog  string
	tmpDir  string
	// template, if set, is the data directory copied instead of the cached
	// template for opts.
	template string
	// extraArgs, if set, returns flags for each start that go after the
	// defaults and InitFlags but before Flags (Galera's ports and peers);
	// called with the process mutex held.
	extraArgs func() []string
}

// StartServer initializes a data directory in a new temporary directory and
// starts a server on it, listening on a free TCP port on 127.0.0.1 and on a
// unix socket in that directory, with settings that favour a fast start over
// durability (no doublewrite buffer, small buffer pool and redo log, no binary
// log, no host name resolution). It returns when the server accepts
// connections. The caller must call Close to stop the server and remove the
// directory. ctx bounds initialization and the start.
func StartServer(ctx context.Context, opts ServerOptions) (*Server, error) {
	s, err := newServer(ctx, opts, "")
	if err != nil {
		return nil, err
	}
	err = s.startOnFreePorts(ctx, func() (err error) {
		s.port, err = freePort()
		return err
	})
	if err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	return s, nil
}

// newServer prepares a server's directory (initialized data directory,
// owned by ServerOptions.User) without starting it. A non-empty template is
// a data directory to copy instead of the cached one for opts.
func newServer(ctx context.Context, opts ServerOptions, template string) (*Server, error) {
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
	dir, socket, err := newServerDir(opts.Dir, "mysqld.sock", "ServerOptions")
	if err != nil {
		return nil, err
	}
	s := &Server{
		bins:    bins,
		opts:    opts,
		dataDir: filepath.Join(dir, "data"),
		pidFile: filepath.Join(dir, "mysqld.pid"),
		errLog:  filepath.Join(dir, "error.log"),
		tmpDir:  filepath.Join(dir, "tmp"),
	}
	if template != "" {
		s.template = template
	}
	s.process = process{
		what:     "server",
		typeName: "Server",
		binary:   bins.Server,
		dir:      dir,
		socket:   socket,
		outPath:  filepath.Join(dir, "mysqld.out"),
		logPath:  s.errLog,
		style:    serverLog,
		timeout:  opts.StartTimeout,
		ready:    readiness{probe: 2 * time.Second, first: 5 * time.Millisecond, max: 100 * time.Millisecond},
		args:     s.startArgs,
		failure:  s.startFailure,
	}
	if s.timeout <= 0 {
		s.timeout = DefaultStartTimeout
	}
	if s.runAs, err = lookupOSUser(opts.User); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := os.Mkdir(s.tmpDir, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("mysqltest: %w", err)
	}
	if err := s.prepareDataDir(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if s.runAs != nil {
		if err := s.runAs.own(dir); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	return s, nil
}

// StartServerT is StartServer for tests: it starts a server with a timeout of
// two minutes and registers t.Cleanup to close it (reporting a failure to stop
// cleanly with t.Errorf). If no server binaries are installed it skips the
// test, or fails it when the CI environment variable is "true"; any other
// failure to start fails the test.
func StartServerT(t testing.TB, opts ServerOptions) *Server {
	t.Helper()
	if !lookupForT(t, &opts) {
		return nil
	}
	return startT(t, "server", 2*time.Minute, func(ctx context.Context) (*Server, error) {
		return StartServer(ctx, opts)
	})
}

// lookupForT fills opts.Binaries for a T helper; when none are installed it
// skips t (fails it under CI=true) and returns false.
func lookupForT(t testing.TB, opts *ServerOptions) bool {
	t.Helper()
	if opts.Binaries != nil {
		return true
	}
	bins, err := LookupServerBinaries()
	if err != nil {
		if isCI() {
			t.Fatalf("%v\n%s=true: a missing server binary is a failure, not a skip", err, EnvCI)
			return false
		}
		t.Skip(err)
		return false
	}
	opts.Binaries = bins
	return true
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
	cmd.SysProcAttr = sysProcAttr(nil)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("mysqltest: initializing data directory with %s failed: %v\n%s", filepath.Base(prog), err, serverLog.excerpt(logPath, 0))
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
	if os.Geteuid() == 0 && s.runAs == nil {
		a = append(a, "--user=root")
	}
	a = append(a, tuningFlags(s.bins)...)
	a = append(a, s.opts.InitFlags...)
	if s.extraArgs != nil {
		a = append(a, s.extraArgs()...)
	}
	return append(a, s.opts.Flags...)
}

// startFailure notes where the error log ends before a start and returns
// what explains the start's failure from what the server logged after that.
func (s *Server) startFailure() func(error) error {
	logStart := fileSize(s.errLog)
	return func(err error) error {
		log := serverLog.excerpt(s.errLog, logStart)
		if strings.Contains(log, "Address already in use") || strings.Contains(log, "Bind on TCP/IP port") {
			err = fmt.Errorf("%w (%v)", errPortInUse, err)
		}
		return fmt.Errorf("mysqltest: server %s on port %d did not start: %w\nfrom %s:\n%s", filepath.Base(s.bins.Server), s.port, err, s.errLog, log)
	}
}

// Start starts the server process on the existing data directory and port and
// waits until it accepts connections, for at most ServerOptions.StartTimeout
// or until ctx is done. It fails if the server is already running or Close
// has been called. If the process exits during startup, the error includes
// the end of the server's error log.
func (s *Server) Start(ctx context.Context) error { return s.start(ctx) }

// Kill kills the server process with SIGKILL, simulating a crash, and waits
// for it to exit. Connections to it are reset. Start brings it back (InnoDB
// recovers committed transactions). Killing a server that is not running
// returns nil.
func (s *Server) Kill() error { return s.kill() }

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
