package stdlib_test

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/mysqltest"
	_ "github.com/myxdb/myx/stdlib"
)

// testConfig returns the test server's configuration (the test is skipped, or fails in CI,
// without a server).
func testConfig(t testing.TB) *myx.Config { t.Helper(); return testsupport.Config(t) }

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

// uniqueName gives a name for a table or routine unique to this test run.
func uniqueName(t testing.TB) string { return testsupport.UniqueName(t, "s_") }

// newTable creates a table with the given column definitions, dropped when the test ends.
func newTable(t testing.TB, db *sql.DB, columns string) string {
	t.Helper()
	name := uniqueName(t)
	if _, err := db.ExecContext(ctxT(t), "CREATE TABLE "+name+" ("+columns+")"); err != nil {
		t.Fatalf("create table: %v", err)
	}
	testsupport.DropAtEnd(t, testConfig(t), "TABLE", name)
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

// ctxT is the context for a test's calls (testsupport.Context: no deadline).
func ctxT(t testing.TB) context.Context { return testsupport.Context(t) }

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
func admin(t testing.TB) *myx.Conn { t.Helper(); return testsupport.Connect(t, testConfig(t)) }

// killAndWait kills connection id and waits until the server no longer lists it, so that the
// victim's socket has been closed by the server.
func killAndWait(t testing.TB, id int64) {
	t.Helper()
	testsupport.KillConnection(t, testConfig(t), uint32(id))
}

// skipUnless skips the test unless the test server has every feature (see mysqltest.SkipUnless).
func skipUnless(t testing.TB, fs ...mysqltest.Feature) {
	t.Helper()
	testsupport.SkipUnless(t, fs...)
}
