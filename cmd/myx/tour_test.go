package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx/mysqltest"
)

// TestTour runs the whole tour against the test server and checks that every chapter ran.
func TestTour(t *testing.T) {
	dsn := mysqltest.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out := captureStdout(t, func() {
		if err := runTour(ctx, []string{"-dsn", dsn}); err != nil {
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
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out := captureStdout(t, func() {
		if err := runTour(ctx, nil); err != nil {
			t.Errorf("tour: %v", err)
		}
	})
	if !strings.Contains(out, "throwaway server ready") || !strings.Contains(out, "The tour is complete.") {
		t.Errorf("tour output:\n%s", out)
	}
}
