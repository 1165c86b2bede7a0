package mysqltest_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/mysqltest/proto"
)

// The shared server: skip (or, with CI=true, fail) when there is none.
func ExampleRequire() {
	var t *testing.T // the test's *testing.T
	dsn := mysqltest.Require(t)
	_ = dsn // connect with it
}

// A throwaway server for a test that restarts or kills its server.
func ExampleStartServerT() {
	var t *testing.T // the test's *testing.T
	srv := mysqltest.StartServerT(t, mysqltest.ServerOptions{Flags: []string{"--max-connections=20"}})
	dsn := srv.DSN() // mysql://root@127.0.0.1:PORT/test
	_ = dsn
	// ... connect, write data ...
	if err := srv.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	// ... the same DSN works again; committed data is still there ...
	srv.Kill() // crash it; clients see their connections reset
}

// A proxy that resets the connection when the client sends COMMIT.
func ExampleProxy_OnClientData() {
	var t *testing.T // the test's *testing.T
	dsn := mysqltest.Require(t)
	_, addr, _ := mysqltest.Addr(dsn)
	p, err := mysqltest.NewProxy(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.OnClientData(func(conn int, chunk []byte) mysqltest.Action {
		// One packet: 4-byte header, COM_QUERY, SQL text.
		if len(chunk) > 5 && chunk[4] == proto.ComQuery && bytes.EqualFold(chunk[5:], []byte("COMMIT")) {
			return mysqltest.ForwardThenReset // the server may or may not have committed
		}
		return mysqltest.Forward
	})
	p.SetLatency(5 * time.Millisecond)
	proxied, _ := p.DSN(dsn)
	_ = proxied // connect through the proxy with it
}

// A fake MySQL 8 server that demands caching_sha2_password full
// authentication and answers one query.
func ExampleNewFakeServer() {
	var t *testing.T // the test's *testing.T
	fs := mysqltest.NewFakeServer(t, func(c *mysqltest.FakeConn) {
		_, err := c.Login(mysqltest.HandshakeOptions{ServerVersion: "8.0.36"},
			mysqltest.Auth{Verify: true, User: "app", Password: "secret", FullAuth: true})
		if err != nil {
			return // ERR 1045 was sent, or the client went away
		}
		err = c.ServeQueries(mysqltest.Queries(map[string]mysqltest.Result{
			"SELECT 1": {Columns: []mysqltest.ColumnDef{{Name: "1", Type: proto.TypeLongLong}}, Rows: [][]any{{1}}},
		}))
		if err != nil {
			c.Errorf("%v", err)
		}
	})
	dsn := fs.DSN("app", "secret")
	_ = dsn // connect with it
}

// A fake server that vanishes in the middle of a result set.
func ExampleResult_custom() {
	var t *testing.T // the test's *testing.T
	mysqltest.NewFakeServer(t, func(c *mysqltest.FakeConn) {
		if _, err := c.Login(mysqltest.HandshakeOptions{}, mysqltest.Auth{}); err != nil {
			return
		}
		cols := []mysqltest.ColumnDef{{Name: "n", Type: proto.TypeLongLong}}
		c.ServeQueries(func(q mysqltest.Query) []mysqltest.Result {
			return []mysqltest.Result{{
				Columns: cols, // what COM_STMT_PREPARE reports
				Custom: func(c *mysqltest.FakeConn) error {
					c.WriteColumnCount(1)
					c.WriteColumnDef(cols[0])
					if q.Stage == mysqltest.Execute {
						c.WriteBinaryRow(cols, []any{1})
					} else {
						c.WriteTextRow(mysqltest.TextValues(1))
					}
					return c.Abort() // TCP reset instead of the second row
				},
			}}
		})
	})
}
