package myx_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/mysqltest/proto"
)

// Native-API tests of the go-sql-driver parameters that change how a connection behaves.

func TestAllowFallbackToPlaintext(t *testing.T) {
	cfg := testConfig(t)
	// Whether the server offers TLS is what its handshake announces (TiDB offers it with
	// @@have_ssl DISABLED).
	info, err := mysqltest.ServerInfoFor(ctxT(t), mysqltest.DSN())
	if err != nil {
		t.Fatal(err)
	}
	if info.Capabilities&proto.ClientSSL != 0 || cfg.Network != "tcp" {
		t.Skip("the test server offers TLS (CLIENT_SSL) or is a socket: no fallback to test")
	}
	cfg.TLSMode = myx.TLSVerifyFull
	if c, err := myx.ConnectConfig(ctxT(t), cfg); err == nil {
		c.Close(context.Background())
		t.Fatal("verify-full connected to a server without TLS")
	}
	cfg.AllowFallbackToPlaintext = true
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatalf("with the fallback: %v", err)
	}
	c.Close(context.Background())
}

func TestDisallowNativePasswords(t *testing.T) {
	c := connect(t)
	var plugin string
	err := c.QueryRow(ctxT(t), "SELECT plugin FROM mysql.user WHERE CONCAT(user, '@', host) = CURRENT_USER()").Scan(&plugin)
	if err != nil || plugin != "mysql_native_password" {
		t.Skipf("the test account does not use mysql_native_password (%q, %v)", plugin, err)
	}
	cfg := testConfig(t)
	cfg.DisallowNativePasswords = true
	nc, err := myx.ConnectConfig(ctxT(t), cfg)
	if err == nil {
		nc.Close(context.Background())
		t.Fatal("connected with mysql_native_password although it is disallowed")
	}
	if !strings.Contains(err.Error(), "allowNativePasswords=false") || !myx.SafeToRetry(err) {
		t.Errorf("error %v", err)
	}
}

func TestMultiStatementResultsNative(t *testing.T) {
	c := connect(t, func(cfg *myx.Config) { cfg.MultiStatements = true })
	tbl := newTable(t, c, "id INT AUTO_INCREMENT PRIMARY KEY, v INT")
	r, err := c.Exec(ctxT(t), "INSERT INTO "+tbl+" (v) VALUES (1), (2); SELECT 1; UPDATE "+tbl+" SET v = 3")
	if err != nil {
		t.Fatal(err)
	}
	want := []myx.StatementResult{{2, 1}, {0, 0}, {2, 0}}
	if got := r.Statements(); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("Statements %v, want %v", got, want)
	}
	if r.RowsAffected != 4 || r.LastInsertID != 1 {
		t.Errorf("totals %d, %d", r.RowsAffected, r.LastInsertID)
	}
	r, err = c.Exec(ctxT(t), "UPDATE "+tbl+" SET v = 4")
	if err != nil || r.Statements() != nil || r.RowsAffected != 2 {
		t.Errorf("single statement: %+v, %v", r, err)
	}
}

func TestTimeTruncate(t *testing.T) {
	ts := time.Date(2024, 5, 6, 7, 8, 9, 987654321, time.UTC)
	for _, tc := range []struct {
		trunc time.Duration
		want  string
	}{
		{0, "2024-05-06 07:08:09.987654"},
		{time.Millisecond, "2024-05-06 07:08:09.987000"},
		{time.Second, "2024-05-06 07:08:09.000000"},
	} {
		for _, interpolate := range []bool{false, true} {
			c := connect(t, func(cfg *myx.Config) { cfg.TimeTruncate, cfg.InterpolateParams = tc.trunc, interpolate })
			var got string
			if err := c.QueryRow(ctxT(t), "SELECT CAST(CAST(? AS DATETIME(6)) AS CHAR)", ts).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("timeTruncate=%v interpolate=%v: %s, want %s", tc.trunc, interpolate, got, tc.want)
			}
		}
	}
}

func TestCharsetFallbackNative(t *testing.T) {
	cfg := testConfig(t)
	cfg.Charsets = []string{"klingon", "latin1"}
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	var cs string
	if err := c.QueryRow(ctxT(t), "SELECT @@character_set_client").Scan(&cs); err != nil || cs != "latin1" {
		t.Fatalf("%s, %v", cs, err)
	}
	// A session reset applies the choice again.
	if _, err := c.Exec(ctxT(t), "SET NAMES utf8mb4"); err != nil {
		t.Fatal(err)
	}
	if err := c.ResetSession(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctxT(t), "SELECT @@character_set_client").Scan(&cs); err != nil || cs != "latin1" {
		t.Fatalf("after a reset: %s, %v", cs, err)
	}
	cfg = testConfig(t)
	cfg.Charsets = []string{"klingon"}
	_, err = myx.ConnectConfig(ctxT(t), cfg)
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != 1115 {
		t.Errorf("unknown charset: %v", err)
	}
}
