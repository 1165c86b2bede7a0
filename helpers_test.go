package myx_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// testConfig returns the test server's configuration, or ends the test (failing in CI) when
// there is none.
func testConfig(t testing.TB) *myx.Config {
	t.Helper()
	dsn := mysqltest.Require(t)
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("MYSQL_TEST_DSN: %v", err)
	}
	return cfg
}

// connect opens a connection to the test server, closed when the test ends; edit adjusts the
// configuration first.
func connect(t testing.TB, edit ...func(*myx.Config)) *myx.Conn {
	t.Helper()
	cfg := testConfig(t)
	for _, e := range edit {
		e(cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

var nonWord = regexp.MustCompile(`[^a-zA-Z0-9_]+`)

// uniqueName gives a table name unique to this test run.
func uniqueName(t testing.TB) string {
	var b [4]byte
	rand.Read(b[:])
	name := strings.ToLower(nonWord.ReplaceAllString(t.Name(), "_"))
	if len(name) > 40 {
		name = name[:40]
	}
	return "t_" + name + "_" + hex.EncodeToString(b[:])
}

// newTable creates a table with the given column definitions, dropped when the test ends.
func newTable(t testing.TB, c *myx.Conn, columns string) string {
	t.Helper()
	name := uniqueName(t)
	ctx := context.Background()
	if _, err := c.Exec(ctx, "CREATE TABLE "+name+" ("+columns+")"); err != nil {
		t.Fatalf("create table: %v", err)
	}
	t.Cleanup(func() {
		cfg := testConfig(t)
		dc, err := myx.ConnectConfig(ctx, cfg)
		if err != nil {
			return
		}
		defer dc.Close(ctx)
		dc.Exec(ctx, "DROP TABLE IF EXISTS "+name)
	})
	return name
}

// ctxT is the context for a test's calls. It has no deadline: a test's work takes what the
// machine gives it, and a hang is go test's -timeout to catch.
func ctxT(t testing.TB) context.Context {
	return context.Background()
}

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
	mysqltest.SkipUnless(t, mysqltest.DSN(), fs...)
}
