// Package testsupport holds the helpers that myx's own test packages share: the test server's
// configuration, names unique to a test, tables dropped when the test ends, the context of a
// test's calls and killing a server connection; and RunExamples, the TestMain of packages
// whose examples need a server. It is imported only from _test.go files (the root package's
// external tests, pool, stdlib, sqlb, and the examples of mysqltest and gormmyx); users' own
// tests have mysqltest.
//
// Every helper that needs the shared server finds it with mysqltest.Require: without one the
// test is skipped, or fails when CI=true.
package testsupport

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// Config returns a fresh copy of the shared test server's configuration (MYSQL_TEST_DSN, else
// mysqltest.DefaultDSN), or ends the test when no server answers there.
func Config(t testing.TB) *myx.Config {
	t.Helper()
	cfg, err := myx.ParseConfig(mysqltest.Require(t))
	if err != nil {
		t.Fatalf("%s: %v", mysqltest.EnvDSN, err)
	}
	return cfg
}

// Context is the context for a test's calls. It has no deadline: a test's work takes what the
// machine gives it, and a hang is go test's -timeout to catch. Tests of deadlines make their
// own contexts.
func Context(t testing.TB) context.Context {
	return context.Background()
}

var nonWord = regexp.MustCompile(`[^a-z0-9_]+`)

// UniqueName returns prefix followed by the test's name (lower case, non-word characters
// replaced by _, cut to 40 bytes) and 8 random hex digits: a table, database or routine name
// unique to this test and run, at most len(prefix)+49 bytes.
func UniqueName(t testing.TB, prefix string) string {
	var b [4]byte
	rand.Read(b[:])
	name := nonWord.ReplaceAllString(strings.ToLower(t.Name()), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	return prefix + name + "_" + hex.EncodeToString(b[:])
}

// Connect opens a connection with cfg (which it does not modify), closed when the test ends.
// The test fails when the connection cannot be made.
func Connect(t testing.TB, cfg *myx.Config) *myx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := myx.ConnectConfig(ctx, cfg.Copy())
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// DropAtEnd runs "DROP <kind> IF EXISTS <name>" (kind is TABLE, DATABASE, PROCEDURE...) on a
// connection of its own to cfg's server when the test ends. A failure to drop is logged, not
// failed: the test's outcome is already decided.
func DropAtEnd(t testing.TB, cfg *myx.Config, kind, name string) {
	cfg = cfg.Copy()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := myx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Logf("cleanup: drop %s %s: %v", kind, name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP "+kind+" IF EXISTS "+name); err != nil {
			t.Logf("cleanup: drop %s %s: %v", kind, name, err)
		}
	})
}

// NewTable creates a table named UniqueName(t, prefix) on cfg's server with the given column
// definitions and table options (may be empty), dropped when the test ends, and returns its
// name.
func NewTable(t testing.TB, cfg *myx.Config, prefix, columns, options string) string {
	t.Helper()
	name := UniqueName(t, prefix)
	c := Connect(t, cfg)
	stmt := "CREATE TABLE " + name + " (" + columns + ")"
	if options != "" {
		stmt += " " + options
	}
	if _, err := c.Exec(Context(t), stmt); err != nil {
		t.Fatalf("create table: %v", err)
	}
	DropAtEnd(t, cfg, "TABLE", name)
	c.Close(context.Background())
	return name
}

// ClosedAddr returns a loopback address (127.0.0.1:port) nothing listens on: connecting to it
// is refused at once, as to a server that is down.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// KillConnection runs KILL CONNECTION id on a connection of its own to cfg's server and waits
// until the server no longer lists the connection, so that the server has closed the victim's
// socket when it returns.
func KillConnection(t testing.TB, cfg *myx.Config, id uint32) {
	t.Helper()
	c := Connect(t, cfg)
	defer c.Close(context.Background())
	ctx := Context(t)
	// KILL takes no placeholder on TiDB (it cannot be prepared there): the id goes in the text.
	if _, err := c.Exec(ctx, "KILL CONNECTION "+strconv.FormatUint(uint64(id), 10)); err != nil {
		t.Fatalf("KILL CONNECTION %d: %v", id, err)
	}
	// The server drops the connection from the list once its thread has let go of it, which
	// does not depend on the machine's load beyond scheduling: a generous bound.
	for deadline := time.Now().Add(30 * time.Second); ; {
		var n int
		if err := c.QueryRow(ctx, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?", id).Scan(&n); err != nil {
			t.Fatalf("processlist: %v", err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("connection %d still listed 30s after KILL CONNECTION", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Let the FIN reach the client's socket.
	time.Sleep(20 * time.Millisecond)
}

// SkipUnless skips the test unless the shared test server has every feature (see
// mysqltest.SkipUnless).
func SkipUnless(t testing.TB, fs ...mysqltest.Feature) {
	t.Helper()
	mysqltest.SkipUnless(t, mysqltest.DSN(), fs...)
}
