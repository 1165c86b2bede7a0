package sqlb

import (
	"context"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/mysqltest"
)

// The execution tests run against the real server, each in a database of its own, so
// that the shared fixture tables (user, jobs, ...) can be created under their names by
// any number of tests in parallel.

// uniqueName returns a name unique to this test and run, at most 64 characters.
func uniqueName(t testing.TB, prefix string) string { return testsupport.UniqueName(t, prefix) }

// testConfig returns the test server's configuration (skipping, or failing in CI, when
// there is no server).
func testConfig(t testing.TB) *myx.Config { t.Helper(); return testsupport.Config(t) }

// testContext is the context for a test's calls (testsupport.Context: no deadline).
func testContext(t testing.TB) context.Context { return testsupport.Context(t) }

// testDB creates a database for the test and returns a connection using it; both are
// gone when the test ends.
func testDB(t testing.TB) (*myx.Conn, context.Context) {
	t.Helper()
	ctx := testContext(t)
	cfg := testConfig(t)
	name := uniqueName(t, "sqlbt_")
	admin, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE `"+name+"`"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := myx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Errorf("cleanup connect: %v", err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	dbCfg := *cfg
	dbCfg.Database = name
	conn, err := myx.ConnectConfig(ctx, &dbCfg)
	if err != nil {
		t.Fatalf("connect to %s: %v", name, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn, ctx
}

// mustExec executes a statement or fails the test.
func mustExec(t testing.TB, ctx context.Context, ex Executor, stmt Statement) myx.Result {
	t.Helper()
	res, err := Exec(ctx, ex, stmt)
	if err != nil {
		t.Fatalf("exec: %v", err)
	}
	return res
}

// mustCreate creates the tables of md.
func mustCreate(t testing.TB, ctx context.Context, ex Executor, md *MetaData) {
	t.Helper()
	if err := md.CreateAll(ctx, ex); err != nil {
		t.Fatalf("CreateAll: %v", err)
	}
}

// mustAll runs q and maps its rows to T.
func mustAll[T any](t testing.TB, ctx context.Context, ex Executor, q Statement, opts ...MapOption) []T {
	t.Helper()
	out, err := All[T](ctx, ex, q, opts...)
	if err != nil {
		t.Fatalf("All[%T]: %v", *new(T), err)
	}
	return out
}

// skipUnless skips the test unless the test server has every feature (see mysqltest.SkipUnless).
func skipUnless(t testing.TB, fs ...mysqltest.Feature) {
	t.Helper()
	testsupport.SkipUnless(t, fs...)
}
