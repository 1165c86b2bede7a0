package mysqltest

import (
	"context"
	"errors"
	"fmt"
	"github.com/myxdb/myx/mysqltest/proto"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAddr(t *testing.T) {
	tests := []struct {
		dsn, network, addr string
	}{
		{"mysql://root@127.0.0.1:3306/test", "tcp", "127.0.0.1:3306"},
		{"mysql://root:secret@db.example:3307/test?parseTime=true", "tcp", "db.example:3307"},
		{"mysql://root@localhost/test", "tcp", "localhost:3306"},
		{"mysql://root@/test", "tcp", "127.0.0.1:3306"},
		{"mysql://root@[::1]:3310/test", "tcp", "[::1]:3310"},
		{"mariadb://u:p%40ss@h:1/db", "tcp", "h:1"},
		{"MySQL://u@h:2/db", "tcp", "h:2"},
		{"mysql://u:p@ss@h:3/db", "tcp", "h:3"},
		{"mysql://root@unix(/run/mysqld/mysqld.sock)/test", "unix", "/run/mysqld/mysqld.sock"},
		{"mysql://root:p(w@unix(/tmp/a@b/s.sock)/test?x=1", "unix", "/tmp/a@b/s.sock"},
		{"mysql://root@tcp(10.0.0.1:4000)/test", "tcp", "10.0.0.1:4000"},
		{"mysql://root@/test?socket=/var/run/m.sock", "unix", "/var/run/m.sock"},
		{"root:pw@tcp(127.0.0.1:3306)/test", "tcp", "127.0.0.1:3306"},
		{"root:pw@tcp(127.0.0.1)/test", "tcp", "127.0.0.1:3306"},
		{"root:pw@tcp([::1])/test", "tcp", "[::1]:3306"},
		{"root@tcp6([::1]:3307)/test", "tcp6", "[::1]:3307"},
		{"root@unix(/tmp/mysql.sock)/test?parseTime=true", "unix", "/tmp/mysql.sock"},
		{"user:p@ss/w(rd@tcp(h:5)/db", "tcp", "h:5"},
		{"root@/test", "tcp", "127.0.0.1:3306"},
		{"/test", "tcp", "127.0.0.1:3306"},
		{"root@tcp/test", "tcp", "127.0.0.1:3306"},
		{"root@unix/test", "unix", "/tmp/mysql.sock"},
		{"tcp(h:6)/db", "tcp", "h:6"},
	}
	for _, tt := range tests {
		network, addr, err := Addr(tt.dsn)
		if err != nil || network != tt.network || addr != tt.addr {
			t.Errorf("Addr(%q) = %q, %q, %v; want %q, %q", tt.dsn, network, addr, err, tt.network, tt.addr)
		}
	}
	for _, bad := range []string{"", "postgres://u@h/db", "root@pipe(x)/db", "nodbslash"} {
		if n, a, err := Addr(bad); err == nil {
			t.Errorf("Addr(%q) = %q, %q, nil; want an error", bad, n, a)
		}
	}
	// Passwords do not leak into errors.
	if _, _, err := Addr("user:hunter2@pipe(x)/db"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %v reveals the password", err)
	}
}

func TestDSNEnv(t *testing.T) {
	t.Setenv(EnvDSN, "")
	if DSN() != DefaultDSN {
		t.Errorf("DSN() with %s unset = %q", EnvDSN, DSN())
	}
	t.Setenv(EnvDSN, "mysql://u@h:1/x")
	if DSN() != "mysql://u@h:1/x" {
		t.Errorf("DSN() = %q", DSN())
	}
}

// TestRequireShared needs the shared server; with CI=true and no server it
// fails, as every test that depends on the shared server does.
func TestRequireShared(t *testing.T) {
	dsn := Require(t)
	info, err := Probe(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Probe after Require: %v", err)
	}
	if info.ProtocolVersion != 10 || info.Version == "" || info.ConnectionID == 0 || len(info.Scramble) != 20 {
		t.Errorf("implausible handshake: %+v", info)
	}
	if info.Capabilities&proto.ClientProtocol41 == 0 || info.Capabilities&proto.ClientPluginAuth == 0 {
		t.Errorf("capabilities %#x lack PROTOCOL_41 or PLUGIN_AUTH", info.Capabilities)
	}
	t.Logf("shared server: %s (MariaDB %v, plugin %s, caps %#x)", info.Version, info.MariaDB, info.AuthPlugin, info.Capabilities)
}

// tbResult records how a function given a fake testing.TB ended.
type tbResult struct {
	failed, skipped bool
	msg             string
}

// fakeTB lets tests observe Require and StartServerT ending a test, and
// collects the errors a FakeServer reports. Methods it does not override
// panic (the embedded TB is nil).
type fakeTB struct {
	testing.TB
	mu     sync.Mutex
	res    tbResult
	errors []string
}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
	f.mu.Unlock()
}
func (f *fakeTB) Logf(format string, args ...any) {}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.res.failed, f.res.msg = true, fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) Fatal(args ...any) { f.Fatalf("%s", fmt.Sprint(args...)) }
func (f *fakeTB) Skip(args ...any) {
	f.mu.Lock()
	f.res.skipped, f.res.msg = true, fmt.Sprint(args...)
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, args ...any) { f.Skip(fmt.Sprintf(format, args...)) }
func (f *fakeTB) Cleanup(func())                   {}

// runTB runs fn with a fake testing.TB in its own goroutine (Fatal and Skip
// end it with runtime.Goexit, as the real ones do).
func runTB(fn func(testing.TB)) tbResult {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.res
}

func TestRequireUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	t.Setenv(EnvDSN, "mysql://root:topsecret@"+addr+"/test")

	t.Setenv(EnvCI, "")
	res := runTB(func(tb testing.TB) { Require(tb) })
	if !res.skipped || res.failed {
		t.Errorf("Require without CI: %+v; want a skip", res)
	}
	if !strings.Contains(res.msg, addr) || !strings.Contains(res.msg, EnvDSN) || strings.Contains(res.msg, "topsecret") {
		t.Errorf("skip message should name the address and %s and hide the password: %q", EnvDSN, res.msg)
	}

	t.Setenv(EnvCI, "true")
	res = runTB(func(tb testing.TB) { Require(tb) })
	if !res.failed || res.skipped {
		t.Errorf("Require with CI=true: %+v; want a failure", res)
	}
}

// TestProbeNotAServer checks Probe against listeners that are not (working)
// MySQL servers.
func TestProbeNotAServer(t *testing.T) {
	serve := func(t *testing.T, reply []byte, closeAfter bool) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		t.Cleanup(func() { ln.Close(); wg.Wait() })
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.Write(reply)
				if closeAfter {
					c.Close()
					continue
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer c.Close()
					c.SetReadDeadline(time.Now().Add(5 * time.Second))
					c.Read(make([]byte, 1))
				}()
			}
		}()
		return "mysql://root@" + ln.Addr().String() + "/test"
	}
	t.Run("http", func(t *testing.T) {
		dsn := serve(t, []byte("HTTP/1.1 400 Bad Request\r\n\r\n"), true)
		if err := Reachable(context.Background(), dsn); err == nil {
			t.Error("Reachable = nil for an HTTP server")
		}
	})
	t.Run("err packet", func(t *testing.T) {
		msg := "Too many connections"
		p := []byte{0xff, 0x10, 0x04, '#', '0', '8', '0', '0', '4'}
		p = append(p, msg...)
		pkt := append([]byte{byte(len(p)), 0, 0, 0}, p...)
		dsn := serve(t, pkt, true)
		err := Reachable(context.Background(), dsn)
		var se *ServerError
		if !errors.As(err, &se) || se.Code != 1040 || se.SQLState != "08004" || se.Message != msg {
			t.Errorf("Reachable = %v; want the server's error 1040 as a *ServerError", err)
		}
	})
	t.Run("protocol 9", func(t *testing.T) {
		p := append([]byte{9}, "3.23\x00"...)
		dsn := serve(t, append([]byte{byte(len(p)), 0, 0, 0}, p...), true)
		if err := Reachable(context.Background(), dsn); err == nil || !strings.Contains(err.Error(), "protocol version 9") {
			t.Errorf("Reachable = %v; want a protocol version error", err)
		}
	})
	t.Run("silent", func(t *testing.T) {
		dsn := serve(t, nil, false)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		t0 := time.Now()
		err := Reachable(ctx, dsn)
		if err == nil {
			t.Fatal("Reachable = nil for a silent listener")
		}
		if d := time.Since(t0); d > 15*time.Second { // far beyond the context, whatever the load
			t.Errorf("Reachable took %v despite a 200ms context", d)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		dsn := serve(t, nil, false)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(50 * time.Millisecond); cancel() }()
		if err := Reachable(ctx, dsn); err == nil {
			t.Error("Reachable = nil after cancel")
		} else if !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "timeout") {
			t.Logf("error after cancel: %v", err)
		}
	})
}
