package stdlib_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/stdlib"
)

// sql.Open takes a multi-host DSN, in both forms: with the first host dead, every connection
// goes to the second.
func TestMultiHostDSN(t *testing.T) {
	cfg := testConfig(t)
	if cfg.Network != "tcp" {
		t.Skip("needs a TCP server")
	}
	dead := testsupport.ClosedAddr(t)
	userinfo := cfg.User
	if cfg.Password != "" {
		userinfo += ":" + cfg.Password
	}
	for _, dsn := range []string{
		"mysql://" + userinfo + "@" + dead + "," + cfg.Addr + "/" + cfg.Database + "?tls=false",
		userinfo + "@tcp(" + dead + "," + cfg.Addr + ")/" + cfg.Database + "?tls=false&cluster_mode=failover",
	} {
		db, err := sql.Open("myx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(2)
		db.SetMaxIdleConns(0) // each round opens a new connection
		ctx := context.Background()
		for i := 0; i < 3; i++ {
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var one int
			if err := conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Fatal(one, err)
			}
			err = stdlib.Conn(conn, func(c *myx.Conn) error {
				if c.Addr() != cfg.Addr {
					t.Errorf("connected to %s, want %s", c.Addr(), cfg.Addr)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			conn.Close()
		}
	}
}

// Every host dead: the *myx.HostsError reaches the caller through database/sql.
func TestMultiHostDSNAllDown(t *testing.T) {
	db, err := sql.Open("myx", "mysql://root@"+testsupport.ClosedAddr(t)+","+testsupport.ClosedAddr(t)+"/test")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.PingContext(context.Background())
	var he *myx.HostsError
	if !errors.As(err, &he) || len(he.Hosts) != 2 {
		t.Errorf("%v, want a *myx.HostsError for 2 hosts", err)
	}
}
