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

// process is the lifecycle Server and TiDBServer share: one server binary
// run again and again in its own temporary directory, on a TCP port on
// 127.0.0.1 and a unix socket that stay the same across runs. Both types
// embed it and keep only what differs (how the directory is prepared, the
// command line, how a failed start is explained); the methods it promotes
// are theirs.
//
// The fields before mu are set before the first start and never change.
type process struct {
	what     string // how messages name the server: "server", "TiDB"
	typeName string // the embedding type, for "Start on a closed ..."
	binary   string
	dir      string
	socket   string
	outPath  string        // receives the process's standard output and error
	logPath  string        // the server's own log, quoted when it died on its own
	style    logStyle      // of the log at logPath
	timeout  time.Duration // bounds a start
	ready    readiness
	// args returns the command line of a start; called with mu held.
	args func() []string
	// failure is called with mu held before each launch (so that it can note
	// where the logs end); the function it returns turns the error of a
	// start that failed into the error Start returns, wrapping errPortInUse
	// when the logs say the TCP port was taken.
	failure func() func(error) error
	// runAs, if not nil, is the user the process runs as.
	runAs *osUser

	mu     sync.Mutex
	port   int
	proc   *serverProc
	closed bool
}

// readiness is how a start polls for the server to accept connections: each
// probe gets at most probe, and the pauses between failed probes grow from
// first to at most max.
type readiness struct {
	probe, first, max time.Duration
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

// logStyle says which lines of a server's log explain a failure.
type logStyle struct {
	markers    []string // a line holding any of these reports an error
	lastErrors bool     // keep the last error lines rather than the first
	absentOK   bool     // a log not written yet is empty, not an error
}

// serverLog is the style of MariaDB's and MySQL's error log, tidbLog that of
// TiDB's log and of its standard error.
var (
	serverLog = logStyle{markers: []string{"ERROR", "[Error]"}}
	tidbLog   = logStyle{markers: []string{"[FATAL]", "[ERROR]"}, lastErrors: true, absentOK: true}
)

// excerpt returns the interesting part of the log at path after byte offset
// off: its error lines if it has any (at most 10), else its last 15 lines.
func (st logStyle) excerpt(path string, off int64) string {
	b, err := os.ReadFile(path)
	if err != nil {
		if st.absentOK && errors.Is(err, os.ErrNotExist) {
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
		for _, m := range st.markers {
			if strings.Contains(l, m) {
				errs = append(errs, l)
				break
			}
		}
	}
	switch {
	case len(errs) > 10 && st.lastErrors:
		return strings.Join(errs[len(errs)-10:], "\n")
	case len(errs) > 10:
		return strings.Join(errs[:10], "\n")
	case len(errs) > 0:
		return strings.Join(errs, "\n")
	case len(lines) > 15:
		return strings.Join(lines[len(lines)-15:], "\n")
	}
	return text
}

// errPortInUse marks a start that failed because the TCP port was taken.
var errPortInUse = errors.New("TCP port already in use")

// newServerDir creates the temporary directory of a new server in parent
// (empty means $MYSQLTEST_DIR if set, else os.TempDir()), first removing
// stale ones, and returns it with the path of the unix socket sockName in it.
// optsType names the options whose Dir to change when that path is too long.
func newServerDir(parent, sockName, optsType string) (dir, socket string, err error) {
	if parent == "" {
		parent = os.Getenv(EnvServerDir)
	}
	removeStaleServerDirs(parent)
	dir, err = os.MkdirTemp(parent, "myx-mysqltest-")
	if err != nil {
		return "", "", fmt.Errorf("mysqltest: creating server directory: %w", err)
	}
	socket = filepath.Join(dir, sockName)
	if len(socket) > maxSocketPath {
		os.RemoveAll(dir)
		return "", "", fmt.Errorf("mysqltest: socket path %s is longer than %d bytes: set %s.Dir to a shorter directory (or TMPDIR)", socket, maxSocketPath, optsType)
	}
	return dir, socket, nil
}

// startOnFreePorts has choose pick free ports and starts the server on them.
// Another process may take a port between its choosing and the server
// binding it, so when the start fails with errPortInUse it chooses again, up
// to five starts in all.
func (s *process) startOnFreePorts(ctx context.Context, choose func() error) error {
	for attempt := 0; ; attempt++ {
		if err := choose(); err != nil {
			return err
		}
		err := s.start(ctx)
		if err == nil || !errors.Is(err, errPortInUse) || attempt == 4 {
			return err
		}
	}
}

// start launches the server on the existing directory and port and waits
// until it accepts connections, for at most s.timeout or until ctx is done.
func (s *process) start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("mysqltest: Start on a closed %s", s.typeName)
	}
	if s.proc != nil && !s.proc.exited() {
		return fmt.Errorf("mysqltest: %s on port %d is already running", s.what, s.port)
	}
	s.proc = nil
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	// A stale socket file from a killed server would make the readiness
	// check below talk to nothing; the server removes it too, but only once
	// it gets that far.
	os.Remove(s.socket)
	out, err := os.OpenFile(s.outPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("mysqltest: %w", err)
	}
	failed := s.failure()
	cmd := exec.Command(s.binary, s.args()...)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.Dir = s.dir
	cmd.SysProcAttr = sysProcAttr(s.runAs)
	err = cmd.Start()
	out.Close() // the child has its own copy
	if err != nil {
		return fmt.Errorf("mysqltest: starting %s: %w", s.binary, err)
	}
	sp := &serverProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		sp.err = cmd.Wait()
		close(sp.done)
	}()
	s.proc = sp

	if err := s.waitReady(ctx, sp); err != nil {
		if !sp.exited() {
			sp.killed = true
			sp.cmd.Process.Kill()
			<-sp.done
		}
		return failed(err)
	}
	return nil
}

// waitReady polls until the server answers a handshake on its unix socket
// (which only this server can have created) and then on its TCP port.
func (s *process) waitReady(ctx context.Context, sp *serverProc) error {
	delay := s.ready.first
	var lastErr error
	for {
		if sp.exited() {
			return fmt.Errorf("process exited: %v", sp.err)
		}
		pctx, cancel := context.WithTimeout(ctx, s.ready.probe)
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
		case <-sp.done:
		case <-time.After(delay):
		}
		delay = min(delay*2, s.ready.max)
	}
}

// Stop shuts the server down cleanly (SIGTERM) and waits for the process to
// exit. If ctx ends first, the process is killed and Stop reports that. If no
// deadline is set, Stop waits at most two minutes. Stopping a server that is
// not running returns nil, except that if the process had exited on its own
// (crashed) since it was started, Stop returns an error describing that.
func (s *process) Stop(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopLocked(ctx)
}

func (s *process) stopLocked(ctx context.Context) error {
	sp := s.proc
	if sp == nil {
		return nil
	}
	s.proc = nil
	if sp.exited() {
		if sp.killed {
			return nil
		}
		return fmt.Errorf("mysqltest: %s on port %d had already exited: %v\nfrom %s:\n%s", s.what, s.port, sp.err, s.logPath, s.style.excerpt(s.logPath, 0))
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
	}
	sp.killed = true
	if err := sp.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		sp.cmd.Process.Kill()
	}
	select {
	case <-sp.done:
		return nil
	case <-ctx.Done():
		sp.cmd.Process.Kill()
		<-sp.done
		return fmt.Errorf("mysqltest: %s on port %d did not shut down in time (%v); killed it", s.what, s.port, ctx.Err())
	}
}

// Restart stops the server cleanly and starts it again on the same port and
// data directory (for TiDB, the same ports and storage), so committed data
// survives and clients can reconnect to the same address.
func (s *process) Restart(ctx context.Context) error {
	if err := s.Stop(ctx); err != nil {
		return err
	}
	return s.start(ctx)
}

// kill kills the server process with SIGKILL and waits for it to exit.
func (s *process) kill() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.proc
	if sp == nil || sp.exited() {
		return nil
	}
	sp.killed = true
	if err := sp.cmd.Process.Kill(); err != nil && !sp.exited() {
		return fmt.Errorf("mysqltest: killing %s: %w", s.what, err)
	}
	<-sp.done
	return nil
}

// Close stops the server (killing it if a clean shutdown takes over a
// minute) and removes its directory. It returns the first error met; the
// directory is removed regardless. Close is idempotent; after it, Start fails.
func (s *process) Close() error {
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
		err = fmt.Errorf("mysqltest: removing %s directory: %w", s.what, rerr)
	}
	return err
}

// Running reports whether the server process is running.
func (s *process) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc != nil && !s.proc.exited()
}

// PID returns the process id of the running server, or 0 if it is not
// running.
func (s *process) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil || s.proc.exited() {
		return 0
	}
	return s.proc.cmd.Process.Pid
}

// DSN returns the URL-form DSN for user root without a password over TCP:
// mysql://root@127.0.0.1:PORT/test.
func (s *process) DSN() string {
	return "mysql://root@" + s.Addr() + "/test"
}

// SocketDSN returns the DSN for user root over the unix socket:
// mysql://root@unix(/path/to/the.sock)/test.
func (s *process) SocketDSN() string {
	return "mysql://root@unix(" + s.socket + ")/test"
}

// DSNFor returns a URL-form TCP DSN for the given user, password and database
// (the password and user are escaped as URL userinfo).
func (s *process) DSNFor(user, password, database string) string {
	u := url.URL{Scheme: "mysql", User: url.UserPassword(user, password), Host: s.Addr(), Path: "/" + database}
	if password == "" {
		u.User = url.User(user)
	}
	return u.String()
}

// Addr returns the server's MySQL protocol (TCP) address, 127.0.0.1:PORT.
// The port stays the same across restarts.
func (s *process) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addrLocked()
}

func (s *process) addrLocked() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// Port returns the server's MySQL protocol (TCP) port.
func (s *process) Port() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.port
}

// SocketPath returns the path of the server's unix socket.
func (s *process) SocketPath() string { return s.socket }

// startT is the common part of StartServerT and StartTiDBT: it runs start
// with a context bounded by timeout and registers t.Cleanup to close what it
// started (reporting a failure to stop cleanly with t.Errorf); any error
// fails the test. what names the server in the messages.
func startT[S interface{ Close() error }](t testing.TB, what string, timeout time.Duration, start func(context.Context) (S, error)) S {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s, err := start(ctx)
	if err != nil {
		t.Fatalf("mysqltest: starting a throwaway %s: %v", what, err)
		var none S
		return none
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("mysqltest: closing throwaway %s: %v", what, err)
		}
	})
	return s
}

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
