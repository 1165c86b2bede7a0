package myx_test

// The helpers of the fake server's tests, which live in files named for the behaviour they
// test (auth_fake_test.go, handshake_fake_test.go, malformed_fake_test.go,
// localinfile_fake_test.go, rows_fake_test.go, compress_fake_test.go, tidb_fake_test.go).

import (
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// fakeConfig is the configuration for a fake server: statements without arguments go as text
// (the fake answers COM_QUERY), a short connect timeout, no TLS unless asked.
func fakeConfig(t *testing.T, fs *mysqltest.FakeServer, user, password string) *myx.Config {
	t.Helper()
	cfg, err := myx.ParseConfig(fs.DSN(user, password))
	if err != nil {
		t.Fatal(err)
	}
	cfg.StatementCacheSize = -1
	cfg.ConnectTimeout = 5 * time.Second
	cfg.TLSMode = myx.TLSDisabled
	return cfg
}

// serve logs in with o and a, then answers queries with h.
func serve(o mysqltest.HandshakeOptions, a mysqltest.Auth, h mysqltest.QueryHandler, seen chan<- *mysqltest.HandshakeResponse) func(*mysqltest.FakeConn) {
	return func(c *mysqltest.FakeConn) {
		resp, err := c.Login(o, a)
		if seen != nil {
			select {
			case seen <- resp:
			default:
			}
		}
		if err != nil {
			return
		}
		if h == nil {
			h = mysqltest.Queries(nil)
		}
		c.ServeQueries(h)
	}
}
