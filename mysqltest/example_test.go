package mysqltest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/mysqltest/proto"
)

// dsn is the test server the runnable examples use: a database of their own on the server
// mysqltest.DSN names, made by TestMain and dropped after the examples ran.
var dsn string

func TestMain(m *testing.M) {
	_, err := mysqltest.LookupServerBinaries()
	testsupport.SkipExamples("^ExampleStartServer$", err)
	os.Exit(testsupport.RunExamples(m, &dsn))
}

// The shared server: skip (or, with CI=true, fail) when there is none.
func ExampleRequire() {
	var t *testing.T // the test's *testing.T
	dsn := mysqltest.Require(t)
	_ = dsn // connect with it
}

// A throwaway server for a test that restarts or kills its server. In a test, StartServerT
// does the same and closes the server when the test ends (skipping it when no mariadbd or
// mysqld is installed, failing it under CI=true).
func ExampleStartServer() {
	ctx := context.Background()
	srv, err := mysqltest.StartServer(ctx, mysqltest.ServerOptions{Flags: []string{"--max-connections=20"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close() // stops it and removes its directory

	conn, err := myx.Connect(ctx, srv.DSN()) // mysql://root@127.0.0.1:PORT/test
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = conn.Exec(ctx, "CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB")
	if err == nil {
		_, err = conn.Exec(ctx, "INSERT INTO t VALUES (1), (2)")
	}
	conn.Close(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}

	if err := srv.Restart(ctx); err != nil {
		fmt.Println(err)
		return
	}
	conn, err = myx.Connect(ctx, srv.DSN()) // the same DSN works again
	if err != nil {
		fmt.Println(err)
		return
	}
	var n int
	err = conn.QueryRow(ctx, "SELECT COUNT(*) FROM t").Scan(&n)
	fmt.Println("rows after a restart:", n, err)

	srv.Kill() // crash it: clients see their connections reset
	_, err = conn.Exec(ctx, "DO 1")
	fmt.Println("connection lost:", myx.IsConnLost(err))
	// Output:
	// rows after a restart: 2 <nil>
	// connection lost: true
}

// A proxy that resets the connection when the client sends COMMIT: the server commits, the
// answer never comes back, and the client cannot know the outcome.
func ExampleProxy_OnClientData() {
	_, addr, err := mysqltest.Addr(dsn) // dsn is the server's, as from mysqltest.Require(t)
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := mysqltest.NewProxy(addr)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	p.OnClientData(func(conn int, chunk []byte) mysqltest.Action {
		// One packet: 4-byte header, COM_QUERY, SQL text.
		if len(chunk) > 5 && chunk[4] == proto.ComQuery && bytes.EqualFold(chunk[5:], []byte("COMMIT")) {
			return mysqltest.ForwardThenReset // the server may or may not have committed
		}
		return mysqltest.Forward
	})
	p.SetLatency(time.Millisecond)

	proxied, err := p.DSN(dsn) // the same DSN, through the proxy
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg, err := myx.ParseConfig(proxied)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.TLSMode = myx.TLSDisabled // the hook reads the statements
	ctx := context.Background()
	conn, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := tx.Exec(ctx, "DO 1"); err != nil {
		fmt.Println(err)
		return
	}
	err = tx.Commit(ctx)
	fmt.Println(errors.Is(err, myx.ErrCommitUnknown), conn.IsClosed())
	// Output:
	// true true
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
	// Full authentication on a connection without TLS: the client fetches the server's RSA key
	// to encrypt the password, which it must be allowed to do.
	dsn := fs.DSN("app", "secret") + "?allowPublicKeyRetrieval=true"
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
			if q.SQL != "SELECT n FROM t" {
				return nil // OK, as for the SET statements a client sends when it connects
			}
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

// TestExampleNewFakeServer runs ExampleNewFakeServer's script and connects with its DSN (the
// example itself needs a *testing.T, so it does not run).
func TestExampleNewFakeServer(t *testing.T) {
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
	ctx := context.Background()
	conn, err := myx.Connect(ctx, fs.DSN("app", "secret")+"?allowPublicKeyRetrieval=true")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1: %d, %v", one, err)
	}
	_, err = myx.Connect(ctx, fs.DSN("app", "wrong")+"?allowPublicKeyRetrieval=true")
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != 1045 {
		t.Errorf("wrong password: %v, want error 1045", err)
	}
}

// TestExampleResultCustom runs ExampleResult_custom's script: the client sees the first row
// at most, then a lost connection.
func TestExampleResultCustom(t *testing.T) {
	fs := mysqltest.NewFakeServer(t, func(c *mysqltest.FakeConn) {
		if _, err := c.Login(mysqltest.HandshakeOptions{}, mysqltest.Auth{}); err != nil {
			return
		}
		cols := []mysqltest.ColumnDef{{Name: "n", Type: proto.TypeLongLong}}
		c.ServeQueries(func(q mysqltest.Query) []mysqltest.Result {
			if q.SQL != "SELECT n FROM t" {
				return nil // OK, as for the SET statements a client sends when it connects
			}
			return []mysqltest.Result{{
				Columns: cols,
				Custom: func(c *mysqltest.FakeConn) error {
					c.WriteColumnCount(1)
					c.WriteColumnDef(cols[0])
					if q.Stage == mysqltest.Execute {
						c.WriteBinaryRow(cols, []any{1})
					} else {
						c.WriteTextRow(mysqltest.TextValues(1))
					}
					return c.Abort()
				},
			}}
		})
	})
	ctx := context.Background()
	conn, err := myx.Connect(ctx, fs.DSN("root", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// The reset may overtake the row on its way (a TCP RST discards what the client has not
	// read yet): the client sees at most the first row, then the lost connection.
	rows, err := conn.Query(ctx, "SELECT n FROM t")
	if err != nil {
		if !myx.IsConnLost(err) {
			t.Fatalf("Query: %v, want a lost connection", err)
		}
		return
	}
	defer rows.Close()
	var got []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if len(got) > 1 || len(got) == 1 && got[0] != 1 || !myx.IsConnLost(rows.Err()) {
		t.Errorf("rows %v, error %v; want at most [1] and a lost connection", got, rows.Err())
	}
}

// A primary with two replicas for a test of replica routing, lag and failover. In a test,
// StartReplicationT does the same and closes the cluster when the test ends.
func ExampleStartReplication() {
	ctx := context.Background()
	r, err := mysqltest.StartReplication(ctx, mysqltest.ReplicationOptions{Replicas: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	dsn := r.DSN() // mysql://root@PRIMARY,REPLICA1,REPLICA2/test?cluster_mode=replication
	_ = dsn

	r.StopReplica(ctx, 0) // replica 0 falls behind until StartReplica
	r.StartReplica(ctx, 0)
	r.WaitCaughtUp(ctx) // every replica has applied what the primary wrote

	r.Primary().Kill()                        // the primary dies
	if err := r.Promote(ctx, 1); err != nil { // replica 1 takes over; replica 0 follows it
		fmt.Println(err)
	}
}

// A three-node Galera cluster; a node leaves and rejoins.
func ExampleStartGalera() {
	ctx := context.Background()
	g, err := mysqltest.StartGalera(ctx, mysqltest.GaleraOptions{Nodes: 3})
	if err != nil {
		fmt.Println(err) // no galera-4 or rsync installed, for example
		return
	}
	defer g.Close()
	dsn := g.DSN() // mysql://root@NODE0,NODE1,NODE2/test?cluster_mode=load-balance
	_ = dsn

	g.StopNode(ctx, 2)
	if err := g.StartNode(ctx, 2); err != nil { // returns when node 2 is Synced again
		fmt.Println(err)
	}
}
