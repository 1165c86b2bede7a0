package stdlib_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	_ "github.com/myxdb/myx/stdlib"
)

// testConfig returns the test server's configuration (the test is skipped, or fails in CI,
// without a server).
func testConfig(t testing.TB) *myx.Config {
	t.Helper()
	cfg, err := myx.ParseConfig(mysqltest.Require(t))
	if err != nil {
		t.Fatalf("MYSQL_TEST_DSN: %v", err)
	}
	return cfg
}

// urlDSN gives the test server's DSN in URL form with extra parameters.
func urlDSN(t testing.TB, params string) string {
	t.Helper()
	cfg := testConfig(t)
	u := url.URL{Scheme: "mysql", Path: "/" + cfg.Database, RawQuery: params}
	if cfg.Password != "" {
		u.User = url.UserPassword(cfg.User, cfg.Password)
	} else {
		u.User = url.User(cfg.User)
	}
	if cfg.Network == "unix" {
		u.RawQuery = strings.TrimPrefix(params+"&socket="+url.QueryEscape(cfg.Addr), "&")
	} else {
		u.Host = cfg.Addr
	}
	return u.String()
}

// driverDSN gives the test server's DSN in go-sql-driver/mysql's form with extra parameters.
func driverDSN(t testing.TB, params string) string {
	t.Helper()
	cfg := testConfig(t)
	var b strings.Builder
	b.WriteString(cfg.User)
	if cfg.Password != "" {
		b.WriteString(":" + cfg.Password)
	}
	b.WriteString("@" + cfg.Network + "(" + cfg.Addr + ")/" + cfg.Database)
	if params != "" {
		b.WriteString("?" + params)
	}
	return b.String()
}

// openDB opens a *sql.DB on dsn (default: the test server in URL form), closed when the test
// ends.
func openDB(t testing.TB, dsn ...string) *sql.DB {
	t.Helper()
	d := urlDSN(t, "")
	if len(dsn) > 0 {
		d = dsn[0]
	}
	db, err := sql.Open("myx", d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var nonWord = regexp.MustCompile(`[^a-zA-Z0-9_]+`)

// uniqueName gives a name for a table or routine unique to this test run.
func uniqueName(t testing.TB) string {
	var b [4]byte
	rand.Read(b[:])
	name := strings.ToLower(nonWord.ReplaceAllString(t.Name(), "_"))
	if len(name) > 40 {
		name = name[:40]
	}
	return "s_" + name + "_" + hex.EncodeToString(b[:])
}

// newTable creates a table with the given column definitions, dropped when the test ends.
func newTable(t testing.TB, db *sql.DB, columns string) string {
	t.Helper()
	name := uniqueName(t)
	if _, err := db.ExecContext(ctxT(t), "CREATE TABLE "+name+" ("+columns+")"); err != nil {
		t.Fatalf("create table: %v", err)
	}
	t.Cleanup(func() { dropLater(t, "DROP TABLE IF EXISTS "+name) })
	return name
}

// dropLater runs a cleanup statement on a connection of its own.
func dropLater(t testing.TB, stmt string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := myx.ConnectConfig(ctx, testConfig(t))
	if err != nil {
		t.Logf("cleanup: %v", err)
		return
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, stmt); err != nil {
		t.Logf("cleanup: %v", err)
	}
}

// ctxT is the context for a test's calls. It has no deadline: a test's work takes what the
// machine gives it, and a hang is go test's -timeout to catch.
func ctxT(t testing.TB) context.Context {
	return context.Background()
}

// count returns SELECT COUNT(*) FROM tbl.
func count(t testing.TB, db *sql.DB, tbl string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(ctxT(t), "SELECT COUNT(*) FROM "+tbl).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// admin opens a separate native connection for server-side actions (KILL, checks).
func admin(t testing.TB) *myx.Conn {
	t.Helper()
	c, err := myx.ConnectConfig(ctxT(t), testConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// killAndWait kills connection id and waits until the server no longer lists it, so that the
// victim's socket has been closed by the server.
func killAndWait(t testing.TB, id int64) {
	t.Helper()
	a := admin(t)
	ctx := ctxT(t)
	if _, err := a.Exec(ctx, "KILL CONNECTION "+strconv.FormatInt(id, 10)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		var n int
		if err := a.QueryRow(ctx, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("connection %d still listed after KILL", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Let the FIN reach the client's socket.
	time.Sleep(20 * time.Millisecond)
}

// skipUnless skips the test unless the test server has every feature (see mysqltest.SkipUnless).
func skipUnless(t testing.TB, fs ...mysqltest.Feature) {
	t.Helper()
	mysqltest.SkipUnless(t, mysqltest.DSN(), fs...)
}
