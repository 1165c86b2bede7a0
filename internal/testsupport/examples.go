package testsupport

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// RunExamples is a TestMain for a package whose examples use the test server. Before the tests
// and examples run it creates a database of their own on the shared test server
// (myx_examples_ and random hex digits) and sets *dsn to the test server's DSN with that
// database; afterwards it drops the database, so that nothing an example created is left
// behind even when it fails half way. It returns the exit code for os.Exit.
//
// Without a server the examples cannot run: when CI=true that is a failure (exit code 1),
// otherwise the examples are skipped (-test.skip gains ^Example) with a note on stderr, as
// tests skip with mysqltest.Require. The package's tests decide for themselves.
func RunExamples(m *testing.M, dsn *string) int {
	flag.Parse()
	base := mysqltest.DSN()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := createExampleDatabase(ctx, base)
	if err != nil {
		msg := fmt.Sprintf("examples: no database on the test server at %s: %v", mysqltest.EnvDSN, err)
		if isCI() {
			fmt.Fprintf(os.Stderr, "%s\n%s=true: a missing server is a failure, not a skip\n", msg, mysqltest.EnvCI)
			return 1
		}
		fmt.Fprintf(os.Stderr, "%s; skipping the examples\n", msg)
		skip("^Example")
		return m.Run()
	}
	*dsn = WithDatabase(base, db)
	code := m.Run()
	if err := dropExampleDatabase(base, db); err != nil {
		fmt.Fprintf(os.Stderr, "examples: dropping database %s: %v\n", db, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// SkipExamples is for a TestMain, before RunExamples: when err (what an example needs and
// lacks) is not nil, the examples matching pattern (a -test.skip pattern) are skipped with a
// note on stderr, except under CI=true, where they run and fail.
func SkipExamples(pattern string, err error) {
	if err == nil || isCI() {
		return
	}
	flag.Parse()
	fmt.Fprintf(os.Stderr, "examples: skipping %s: %v\n", pattern, err)
	skip(pattern)
}

// skip adds pattern to -test.skip.
func skip(pattern string) {
	if f := flag.Lookup("test.skip"); f != nil && f.Value.String() != "" {
		pattern = f.Value.String() + "|" + pattern
	}
	flag.Set("test.skip", pattern)
}

func isCI() bool { return strings.EqualFold(strings.TrimSpace(os.Getenv(mysqltest.EnvCI)), "true") }

func createExampleDatabase(ctx context.Context, dsn string) (string, error) {
	if err := mysqltest.Reachable(ctx, dsn); err != nil {
		return "", err
	}
	c, err := myx.Connect(ctx, dsn)
	if err != nil {
		return "", err
	}
	defer c.Close(ctx)
	var b [4]byte
	rand.Read(b[:])
	name := "myx_examples_" + hex.EncodeToString(b[:])
	if _, err := c.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	return name, nil
}

func dropExampleDatabase(dsn, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := myx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name)
	return err
}

// WithDatabase returns dsn (URL or go-sql-driver form) naming database db instead of the one
// it names, parameters kept.
func WithDatabase(dsn, db string) string {
	rest, params, hasParams := strings.Cut(dsn, "?")
	i := strings.LastIndex(rest, "/")
	switch {
	case i < 0:
		// A go-sql-driver DSN always has the slash; a URL without a path is host only.
		rest += "/" + db
	case i > 0 && rest[i-1] == '/' || strings.ContainsAny(rest[i+1:], "@()"):
		// mysql://host with no path, or the slash of a unix socket path.
		rest += "/" + db
	default:
		rest = rest[:i+1] + db
	}
	if hasParams {
		rest += "?" + params
	}
	return rest
}
