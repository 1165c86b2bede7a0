package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// TestTour runs the whole tour against the test server and checks that every chapter ran.
func TestTour(t *testing.T) {
	dsn := mysqltest.Require(t)
	ctx := context.Background() // no deadline: go test's -timeout catches a hang
	db := tourDatabase(t, dsn)
	out := captureStdout(t, func() {
		if err := runTour(ctx, []string{"-dsn", dsn, "-database", db}); err != nil {
			t.Errorf("tour: %v", err)
		}
	})
	for _, want := range []string{
		"Connect", "Insert with commit", "matched 0 rows", "inner join", "inserted 1000 rows",
		"Dictionary rows", "rolled back", "The tour is complete.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("tour output lacks %q:\n%s", want, out)
		}
	}
}

// tourDatabase names a database of this test's own, dropped when the test ends, so that test
// runs sharing a server do not replace each other's tables.
func tourDatabase(t *testing.T, dsn string) string {
	t.Helper()
	var b [4]byte
	rand.Read(b[:])
	db := "myx_tour_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx := context.Background()
		if c, err := myx.Connect(ctx, dsn); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+db)
			c.Close(ctx)
		}
	})
	return db
}

func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() { os.Stdout = old }()
	f()
	w.Close()
	os.Stdout = old
	return <-done
}

// TestTourStartsThrowawayServer: with no DSN and nothing listening at the default address, the
// tour starts a throwaway server from the installed binaries and runs against it.
func TestTourStartsThrowawayServer(t *testing.T) {
	if _, err := mysqltest.LookupServerBinaries(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Setenv("MYSQL_DSN", "")
	old := defaultDSN
	defaultDSN = "mysql://root@127.0.0.1:1/test" // nothing listens on port 1
	defer func() { defaultDSN = old }()
	ctx := context.Background() // no deadline: starting a server and the tour take what they take
	out := captureStdout(t, func() {
		if err := runTour(ctx, []string{"-database", "myx_tour_throwaway"}); err != nil {
			t.Errorf("tour: %v", err)
		}
	})
	if !strings.Contains(out, "throwaway server ready") || !strings.Contains(out, "The tour is complete.") {
		t.Errorf("tour output:\n%s", out)
	}
}
