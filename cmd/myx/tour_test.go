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
