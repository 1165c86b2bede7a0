package pool

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/mysqltest"
)

// testConnConfig returns the shared test server's configuration (ending the test when there is
// none), with short timeouts so that fault tests stay quick.
func testConnConfig(t testing.TB) *myx.Config {
	t.Helper()
	return shortTimeouts(testsupport.Config(t))
}

func connConfigFor(t testing.TB, dsn string) *myx.Config {
	t.Helper()
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("DSN: %v", err)
	}
	return shortTimeouts(cfg)
}

// shortTimeouts sets the connect and kill timeouts of the pool's fault tests on cfg.
func shortTimeouts(cfg *myx.Config) *myx.Config {
	cfg.ConnectTimeout = 3 * time.Second
	cfg.KillTimeout = time.Second
	return cfg
}

// newPool opens a pool on cc (or the shared server when cc is nil), closed when the test ends;
// the close must finish in time.
func newPool(t testing.TB, cc *myx.Config, edit func(*Config)) *Pool {
	t.Helper()
	if cc == nil {
		cc = testConnConfig(t)
	}
	cfg := &Config{ConnConfig: cc, MaxConns: 4}
	if edit != nil {
		edit(cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("NewWithConfig: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := p.CloseContext(ctx); err != nil {
			t.Errorf("closing the pool: %v", err)
		}
	})
	return p
}

// direct opens a plain connection to the server of cc, closed when the test ends.
func direct(t testing.TB, cc *myx.Config) *myx.Conn { t.Helper(); return testsupport.Connect(t, cc) }

// newTable creates a table unique to this test with the given columns, dropped at the end.
func newTable(t testing.TB, cc *myx.Config, columns string) string {
	t.Helper()
	return testsupport.NewTable(t, cc, "p_", columns, "ENGINE=InnoDB")
}

// ctxT is the context for a test's calls expected to take about d on a quiet machine
// (testsupport.Context: no deadline; on a busy machine they take what it gives them).
func ctxT(t testing.TB, d time.Duration) context.Context { _ = d; return testsupport.Context(t) }

// eventually polls cond every 10ms until it holds or d passes.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// connID reports the server id of the connection a pooled query runs on.
func connID(t testing.TB, p *Pool) uint32 {
	t.Helper()
	var id uint32
	if err := p.QueryRow(context.Background(), "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		t.Fatalf("CONNECTION_ID: %v", err)
	}
	return id
}

// kill kills connection id from a separate connection and waits until the server has let go
// of it.
func kill(t testing.TB, cc *myx.Config, id uint32) { t.Helper(); testsupport.KillConnection(t, cc, id) }

// alive reports whether the server still has a connection with this id.
func alive(t testing.TB, c *myx.Conn, id uint32) bool {
	t.Helper()
	var n int
	if err := c.QueryRow(context.Background(), "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?", id).Scan(&n); err != nil {
		t.Fatalf("processlist: %v", err)
	}
	return n > 0
}

// checkStat fails the test when the pool's figures do not add up.
func checkStat(t testing.TB, p *Pool) Stat {
	t.Helper()
	s := p.Stat()
	if s.TotalConns != s.IdleConns+s.InUseConns+s.ConstructingConns {
		t.Errorf("stat does not add up: %+v", s)
	}
	if s.TotalConns > s.MaxConns || s.TotalConns < 0 || s.IdleConns < 0 || s.InUseConns < 0 {
		t.Errorf("stat out of range: %+v", s)
	}
	return s
}

// settled waits until nothing is in use or being opened, then checks the figures.
func settled(t testing.TB, p *Pool) Stat {
	t.Helper()
	if !eventually(5*time.Second, func() bool {
		s := p.Stat()
		return s.InUseConns == 0 && s.ConstructingConns == 0
	}) {
		t.Errorf("pool did not settle: %+v", p.Stat())
	}
	return checkStat(t, p)
}

// noGoroutineLeak records the goroutine count and, at the end of the test, waits for it to
// come back down.
func noGoroutineLeak(t testing.TB) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		var now int
		if !eventually(5*time.Second, func() bool {
			now = runtime.NumGoroutine()
			return now <= before
		}) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Errorf("goroutines: %d before, %d after\n%s", before, now, buf)
		}
	})
}

// isCommand reports whether a chunk the client sent starts a command packet with this command
// byte (and, if text is not empty, contains text).
func isCommand(chunk []byte, cmd byte, text string) bool {
	return len(chunk) >= 5 && chunk[3] == 0 && chunk[4] == cmd && (text == "" || strings.Contains(string(chunk), text))
}

// hasStatement reports whether a chunk the client sent carries a statement (COM_QUERY, or
// COM_STMT_PREPARE, which MariaDB's pipelined prepare and execute send first) containing text.
func hasStatement(chunk []byte, text string) bool {
	return isCommand(chunk, comQuery, text) || isCommand(chunk, comStmtPrepare, text)
}

const (
	comStmtPrepare     = 0x16
	comQuery           = 0x03
	comPing            = 0x0e
	comResetConnection = 0x1f
)

// newProxy starts a fault-injecting proxy to the server of cc and returns it with a
// configuration that connects through it.
func newProxy(t testing.TB, cc *myx.Config) (*mysqltest.Proxy, *myx.Config) {
	t.Helper()
	px, err := mysqltest.NewProxy(cc.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.Close() })
	pc := cc.Copy()
	pc.Addr = px.Addr()
	// The tests match statements in the bytes the proxy forwards, so no TLS (the TiDB test
	// server offers it and myx's default, preferred, would take it).
	pc.TLSMode = myx.TLSDisabled
	return px, pc
}

// loseReplies makes the proxy lose the server's answer to the next n statements that match:
// the statement reaches the server and runs, then the connection is reset as the answer comes
// back, so the client cannot know the outcome.
func loseReplies(px *mysqltest.Proxy, match func(chunk []byte) bool, n int32) {
	var budget atomic.Int32
	budget.Store(n)
	var mu sync.Mutex
	marked := map[int]bool{}
	px.OnClientData(func(conn int, chunk []byte) mysqltest.Action {
		if match(chunk) && budget.Add(-1) >= 0 {
			mu.Lock()
			marked[conn] = true
			mu.Unlock()
		}
		return mysqltest.Forward
	})
	px.OnServerData(func(conn int, chunk []byte) mysqltest.Action {
		mu.Lock()
		defer mu.Unlock()
		if marked[conn] {
			delete(marked, conn)
			return mysqltest.Reset
		}
		return mysqltest.Forward
	})
}

// outcome is what a caller may conclude about a write from the error it got.
type outcome int

const (
	applied outcome = iota
	notApplied
	unknown
)

func (o outcome) String() string { return [...]string{"applied", "not applied", "unknown"}[o] }

// txOutcome classifies the result of BeginFunc.
func txOutcome(err error) outcome {
	switch {
	case err == nil:
		return applied
	case errors.Is(err, myx.ErrCommitUnknown):
		return unknown
	}
	return notApplied
}

// execOutcome classifies the result of an autocommit Exec.
func execOutcome(err error) outcome {
	if err == nil {
		return applied
	}
	var ie *myx.InterruptedError
	if errors.As(err, &ie) {
		switch {
		case ie.Completed:
			return applied
		case ie.Server != nil:
			return notApplied
		case ie.ConnClosed:
			return unknown
		}
		return notApplied // the context ended before anything was sent
	}
	var me *myx.MySQLError
	if errors.As(err, &me) || myx.SafeToRetry(err) || errors.Is(err, ErrClosed) {
		return notApplied
	}
	return unknown
}

// skipUnless skips the test unless the test server has every feature (see mysqltest.SkipUnless).
func skipUnless(t testing.TB, fs ...mysqltest.Feature) {
	t.Helper()
	testsupport.SkipUnless(t, fs...)
}
