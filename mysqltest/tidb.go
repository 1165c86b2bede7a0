package mysqltest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
	process
	opts   TiDBOptions
	log    string
	config string

	statusPort int // guarded by mu
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
	dir, socket, err := newServerDir(opts.Dir, "tidb.sock", "TiDBOptions")
	if err != nil {
		return nil, err
	}
	s := &TiDBServer{
		opts:   opts,
		log:    filepath.Join(dir, "tidb.log"),
		config: filepath.Join(dir, "tidb.toml"),
	}
	s.process = process{
		what:     "TiDB",
		typeName: "TiDBServer",
		binary:   bin,
		dir:      dir,
		socket:   socket,
		outPath:  filepath.Join(dir, "tidb.out"),
		logPath:  s.log,
		style:    tidbLog,
		timeout:  opts.StartTimeout,
		ready:    readiness{probe: 5 * time.Second, first: 20 * time.Millisecond, max: 200 * time.Millisecond},
		args:     s.startArgs,
		failure:  s.startFailure,
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTiDBStartTimeout
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
	// The MySQL and status ports must differ.
	err = s.startOnFreePorts(ctx, func() (err error) {
		for {
			if s.port, err = freePort(); err != nil {
				return err
			}
			if s.statusPort, err = freePort(); err != nil || s.statusPort != s.port {
				return err
			}
		}
	})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
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
	fmt.Fprintf(&b, "[log]\nlevel = \"warn\"\nslow-query-file = %q\n", s.slowLog())
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
	return startT(t, "TiDB", timeout, func(ctx context.Context) (*TiDBServer, error) {
		return StartTiDB(ctx, opts)
	})
}

// slowLog is the path of the server's slow query log, in its directory.
func (s *TiDBServer) slowLog() string { return filepath.Join(s.dir, "slow.log") }

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
		// The flag as well as the configuration's slow-query-file: TiDB's default is
		// tidb-slow.log in the working directory, and a flag outranks any configuration.
		"-log-slow-query=" + s.slowLog(),
		"-temp-dir=" + filepath.Join(s.dir, "tmp"),
	}
	return append(a, s.opts.Flags...)
}

// startFailure notes where the logs end before a start and returns what
// explains the start's failure from what the server wrote after that.
func (s *TiDBServer) startFailure() func(error) error {
	logStart, outStart := fileSize(s.log), fileSize(s.outPath)
	return func(err error) error {
		log := tidbLog.excerpt(s.log, logStart) + "\n" + tidbLog.excerpt(s.outPath, outStart)
		if strings.Contains(log, "address already in use") {
			err = fmt.Errorf("%w (%v)", errPortInUse, err)
		}
		return fmt.Errorf("mysqltest: tidb-server on port %d did not start: %w\nfrom %s and tidb.out:\n%s", s.port, err, s.log, strings.TrimSpace(log))
	}
}

// Start starts the server process on the existing storage and ports and
// waits until it accepts connections, for at most TiDBOptions.StartTimeout
// or until ctx is done. It fails if the server is already running or Close
// has been called. If the process exits during startup, the error includes
// the end of its log.
func (s *TiDBServer) Start(ctx context.Context) error { return s.start(ctx) }

// Kill kills the server process with SIGKILL and waits for it to exit.
// Killing a server that is not running returns nil.
func (s *TiDBServer) Kill() error { return s.kill() }

// StatusAddr returns the address of TiDB's HTTP status service
// (127.0.0.1:PORT; GET /status answers once the server is up).
func (s *TiDBServer) StatusAddr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.statusPort))
}

// Dir returns the server's temporary directory: its storage ("store"), its
// configuration file, logs and socket. Close removes it.
func (s *TiDBServer) Dir() string { return s.dir }

// LogPath returns the path of the server's log file.
func (s *TiDBServer) LogPath() string { return s.log }

// Binary returns the path of the tidb-server being run.
func (s *TiDBServer) Binary() string { return s.binary }
