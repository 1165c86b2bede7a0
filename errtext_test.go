package myx_test

// The texts of the errors a newcomer meets first: each names the package once and says what
// happened in words, while errors.Is and errors.As still reach the causes.

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

func TestErrorTextDialRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = myx.Connect(context.Background(), "mysql://root@"+addr+"/test?tls=false")
	if want := "myx: dial tcp " + addr + ": connect: connection refused"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	var ce *myx.ConnError
	if !errors.As(err, &ce) || ce.Op != "dial" || !myx.SafeToRetry(err) || !myx.IsConnLost(err) {
		t.Errorf("not a safe dial ConnError: %#v", err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("errors.Is(err, ECONNREFUSED) is false for %v", err)
	}
}

func TestErrorTextAuthFailed(t *testing.T) {
	t.Parallel()
	cfg, err := myx.ParseConfig(mysqltest.Require(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.User, cfg.Password = "myx_no_such_user", "not-the-password"
	_, err = myx.ConnectConfig(context.Background(), cfg)
	want := "myx: authentication failed for user 'myx_no_such_user': Error 1045 (28000): Access denied for user 'myx_no_such_user'@"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got %v, want it to start with %s", err, want)
	}
	if strings.Contains(err.Error(), cfg.Password) {
		t.Errorf("the password is in the error: %v", err)
	}
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != 1045 || !errors.Is(err, &myx.MySQLError{Number: 1045}) {
		t.Errorf("errors.As/Is do not find the server's error 1045 in %v", err)
	}
	// The server answered: not a lost connection, and retrying would fail the same way.
	if myx.IsConnLost(err) || myx.SafeToRetry(err) {
		t.Errorf("IsConnLost %v, SafeToRetry %v for %v", myx.IsConnLost(err), myx.SafeToRetry(err), err)
	}
}

func TestErrorTextCheckConnAfterServerClose(t *testing.T) {
	t.Parallel()
	conns := make(chan *mysqltest.FakeConn, 1)
	fs := mysqltest.NewFakeServer(t, func(c *mysqltest.FakeConn) {
		if _, err := c.Login(mysqltest.HandshakeOptions{}, mysqltest.Auth{}); err != nil {
			return
		}
		conns <- c
		c.ServeQueries(mysqltest.Queries(nil))
	})
	cfg, err := myx.ParseConfig(fs.DSN("u", ""))
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLSMode = myx.TLSDisabled
	ctx := context.Background()
	c, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if err := c.CheckConn(); err != nil {
		t.Fatalf("CheckConn on a healthy connection: %v", err)
	}
	(<-conns).Close() // the server goes away while the connection is idle
	for err = c.CheckConn(); err == nil; err = c.CheckConn() {
		time.Sleep(5 * time.Millisecond) // until the close arrives
	}
	if want := "myx: connection closed by the server (idle)"; err.Error() != want {
		t.Fatalf("got %q, want %q", err, want)
	}
	if !errors.Is(err, io.EOF) || !myx.SafeToRetry(err) || !myx.IsConnLost(err) || !c.IsClosed() {
		t.Errorf("Is(EOF) %v, SafeToRetry %v, IsConnLost %v, closed %v", errors.Is(err, io.EOF),
			myx.SafeToRetry(err), myx.IsConnLost(err), c.IsClosed())
	}
	if err := c.CheckConn(); err != myx.ErrConnClosed {
		t.Errorf("CheckConn after that: %v", err)
	}
}

// TestErrorTextOncePrefixed: an error of the package wrapped in another says "myx:" once.
func TestErrorTextOncePrefixed(t *testing.T) {
	t.Parallel()
	tooLarge := &myx.PacketTooLargeError{What: "value", Size: 10, Limit: 4}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&myx.ConnError{Op: "read", Err: &myx.TimeoutError{Op: "read", After: time.Second}},
			"myx: read timed out after 1s (readTimeout)"},
		{&myx.ConnError{Op: "read", Err: errors.New("malformed packet")}, "myx: read: malformed packet"},
		{&myx.ConnError{Op: "auth", Err: errors.New("caching_sha2_password: bad")},
			"myx: authentication: caching_sha2_password: bad"},
		{&myx.ArgError{Index: 1, Err: tooLarge}, "myx: argument 1: " + strings.TrimPrefix(tooLarge.Error(), "myx: ")},
		{&myx.ExecManyError{Done: 2, Err: &myx.ArgError{Index: 0, Err: errors.New("bad")}},
			"myx: ExecMany failed after 2 rows: argument 0: bad"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
		if strings.Count(tc.err.Error(), "myx:") != 1 {
			t.Errorf("%q names the package more than once", tc.err)
		}
	}
}
