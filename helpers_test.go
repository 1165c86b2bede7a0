package myx_test

import (
	"context"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/mysqltest"
)

// The shared helpers are internal/testsupport's; these forward to them under the names the
// tests use.

// testConfig returns the test server's configuration, or ends the test (failing in CI) when
// there is none.
func testConfig(t testing.TB) *myx.Config { t.Helper(); return testsupport.Config(t) }

// connect opens a connection to the test server, closed when the test ends; edit adjusts the
// configuration first.
func connect(t testing.TB, edit ...func(*myx.Config)) *myx.Conn {
	t.Helper()
	cfg := testConfig(t)
	for _, e := range edit {
		e(cfg)
	}
	return testsupport.Connect(t, cfg)
}

// uniqueName gives a table name unique to this test run.
func uniqueName(t testing.TB) string { return testsupport.UniqueName(t, "t_") }

// newTable creates a table on c with the given column definitions, dropped when the test ends.
func newTable(t testing.TB, c *myx.Conn, columns string) string {
	t.Helper()
	name := uniqueName(t)
	if _, err := c.Exec(ctxT(t), "CREATE TABLE "+name+" ("+columns+")"); err != nil {
		t.Fatalf("create table: %v", err)
	}
	testsupport.DropAtEnd(t, testConfig(t), "TABLE", name)
	return name
}

// ctxT is the context for a test's calls (testsupport.Context: no deadline).
func ctxT(t testing.TB) context.Context { return testsupport.Context(t) }

// proxiedConfig returns the test server's configuration routed through a fault-injecting
// proxy (closed when the test ends), for tests of network failures.
func proxiedConfig(t testing.TB) (*myx.Config, *mysqltest.Proxy) {
	t.Helper()
	cfg := testConfig(t)
	if cfg.Network != "tcp" {
		t.Skip("needs a TCP server")
	}
	proxy, err := mysqltest.NewProxy(cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	cfg.Addr = proxy.Addr()
	// Tests may match statements in the bytes the proxy forwards: no TLS (the TiDB test server
	// offers it and myx's default, preferred, would take it).
	cfg.TLSMode = myx.TLSDisabled
	return cfg, proxy
}

// skipUnless skips the test unless the test server has every feature (see mysqltest.SkipUnless).
func skipUnless(t testing.TB, fs ...mysqltest.Feature) {
	t.Helper()
	testsupport.SkipUnless(t, fs...)
}
