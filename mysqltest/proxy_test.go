package mysqltest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testTarget is a TCP server for proxy tests: each connection gets greeting
// written to it and then everything it sends echoed back.
type testTarget struct {
	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []net.Conn
}

func startTarget(t *testing.T, greeting []byte) *testTarget {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tt := &testTarget{ln: ln}
	tt.wg.Add(1)
	go func() {
		defer tt.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tt.mu.Lock()
			tt.conns = append(tt.conns, c)
			tt.mu.Unlock()
			tt.wg.Add(1)
			go func() {
				defer tt.wg.Done()
				defer c.Close()
				if len(greeting) > 0 {
					if _, err := c.Write(greeting); err != nil {
						return
					}
				}
				io.Copy(c, c)
			}()
		}
	}()
	t.Cleanup(tt.close)
	return tt
}

func (tt *testTarget) addr() string { return tt.ln.Addr().String() }

func (tt *testTarget) close() {
	tt.ln.Close()
	tt.mu.Lock()
	for _, c := range tt.conns {
		c.Close()
	}
	tt.mu.Unlock()
	tt.wg.Wait()
}

func newTestProxy(t *testing.T, target string) *Proxy {
	t.Helper()
	p, err := NewProxy(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func dialProxy(t *testing.T, p *Proxy) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", p.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip writes msg and reads len(msg) bytes back within 5 seconds.
func roundTrip(c net.Conn, msg string) (string, error) {
	c.SetDeadline(time.Now().Add(5 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := c.Write([]byte(msg)); err != nil {
		return "", err
	}
	buf := make([]byte, len(msg))
	_, err := io.ReadFull(c, buf)
	return string(buf), err
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// waitFor polls cond for up to 5 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestProxyForward(t *testing.T) {
	tgt := startTarget(t, nil)
	p := newTestProxy(t, tgt.addr())
	if p.Target() != tgt.addr() || !strings.HasPrefix(p.Addr(), "127.0.0.1:") {
		t.Errorf("Target() = %q, Addr() = %q", p.Target(), p.Addr())
	}
	c := dialProxy(t, p)
	for i := 0; i < 3; i++ {
		msg := fmt.Sprintf("hello %d", i)
		if got, err := roundTrip(c, msg); err != nil || got != msg {
			t.Fatalf("round trip = %q, %v", got, err)
		}
	}
	waitFor(t, "one active connection", func() bool { return p.ActiveConns() == 1 })
	if ids := p.ConnIDs(); len(ids) != 1 || ids[0] != 1 {
		t.Errorf("ConnIDs() = %v, want [1]", ids)
	}
	c.Close()
	waitFor(t, "no active connections", func() bool { return p.ActiveConns() == 0 })
	st := p.Stats()
	if st.Accepted != 1 || st.BytesClientToServer != 21 || st.BytesServerToClient != 21 || st.Resets != 0 {
		t.Errorf("Stats() = %+v", st)
	}
}

// TestProxyServerCloses checks that when the server closes, the client sees
// EOF after the server's last bytes and the connection is released.
func TestProxyServerCloses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Write([]byte("bye"))
		c.Close()
	}()
	p := newTestProxy(t, ln.Addr().String())
	c := dialProxy(t, p)
	c.SetDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(c)
	if err != nil || string(b) != "bye" {
		t.Errorf("read %q, %v; want \"bye\" then EOF", b, err)
	}
	waitFor(t, "no active connections", func() bool { return p.ActiveConns() == 0 })
}

func TestProxyLatency(t *testing.T) {
	tgt := startTarget(t, nil)
	p := newTestProxy(t, tgt.addr())
	c := dialProxy(t, p)
	if _, err := roundTrip(c, "warm"); err != nil {
		t.Fatal(err)
	}
	p.SetLatency(100 * time.Millisecond)
	t0 := time.Now()
	if _, err := roundTrip(c, "slow"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d < 200*time.Millisecond {
		t.Errorf("round trip with 100ms latency each way took %v, want >= 200ms", d)
	}
	p.SetLatency(0)
	t0 = time.Now()
	if _, err := roundTrip(c, "fast"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d >= 200*time.Millisecond {
		t.Errorf("round trip after SetLatency(0) took %v: latency still applied?", d)
	}
}

func TestProxyResetAll(t *testing.T) {
	tgt := startTarget(t, nil)
	p := newTestProxy(t, tgt.addr())
	var cs []net.Conn
	for i := 0; i < 3; i++ {
		c := dialProxy(t, p)
		if _, err := roundTrip(c, "x"); err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	if n := p.ResetAll(); n != 3 {
		t.Errorf("ResetAll() = %d, want 3", n)
	}
	for i, c := range cs {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err := c.Read(make([]byte, 1))
		if !isReset(err) {
			t.Errorf("conn %d: read after reset: %v, want ECONNRESET", i, err)
		}
	}
	waitFor(t, "no active connections", func() bool { return p.ActiveConns() == 0 })
	if st := p.Stats(); st.Resets != 3 {
		t.Errorf("Resets = %d, want 3", st.Resets)
	}
	// ResetConn on a dead or unknown connection reports false.
	if p.ResetConn(1) || p.ResetConn(99) {
		t.Error("ResetConn on a dead connection returned true")
	}
	// The proxy keeps working for new connections.
	c := dialProxy(t, p)
	if got, err := roundTrip(c, "again"); err != nil || got != "again" {
		t.Errorf("after ResetAll: %q, %v", got, err)
	}
	if !p.ResetConn(4) {
		t.Error("ResetConn(4) on a live connection returned false")
	}
}

func TestProxyDropAfter(t *testing.T) {
	// The client speaks first, so the proxy cannot reset a connection before
	// the client's connect has completed.
	msg := bytes.Repeat([]byte("0123456789"), 100) // 1000 bytes
	tgt := startTarget(t, nil)
	p := newTestProxy(t, tgt.addr())

	before := dialProxy(t, p)
	// Make sure the first connection has been accepted before DropAfter.
	waitFor(t, "first connection", func() bool { return p.ActiveConns() == 1 })
	p.DropAfter(123)
	after := dialProxy(t, p)

	after.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := after.Write(msg); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(after)
	if !isReset(err) {
		t.Errorf("read on a dropped connection ended with %v, want ECONNRESET", err)
	}
	if !bytes.Equal(got, msg[:123]) {
		t.Errorf("got %d bytes before the reset, want exactly the first 123", len(got))
	}

	if got, err := roundTrip(before, string(msg)); err != nil || got != string(msg) {
		t.Errorf("connection opened before DropAfter: %d bytes, %v", len(got), err)
	}

	// Client->server direction: the server sees at most 5 bytes, so at most
	// 5 come back.
	p.DropAfter(-1)
	p.DropAfterDir(ClientToServer, 5)
	c := dialProxy(t, p)
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write([]byte("abcdefgh"))
	echoed, err := io.ReadAll(c)
	if !isReset(err) {
		t.Errorf("after 8 bytes with a 5-byte limit: %v, want a reset", err)
	}
	if len(echoed) > 5 {
		t.Errorf("server saw more than 5 bytes: echoed %q", echoed)
	}

	// Zero: reset before anything flows.
	p.DropAfterDir(ClientToServer, -1)
	p.DropAfter(0)
	if got, err := readAllFromProxy(p); len(got) != 0 || !isReset(err) {
		t.Errorf("DropAfter(0): read %d bytes, %v; want 0 bytes and a reset", len(got), err)
	}
}

// readAllFromProxy connects to p and reads until an error. A connection the
// proxy resets at once may already fail in connect, which counts as an
// error with nothing read.
func readAllFromProxy(p *Proxy) ([]byte, error) {
	c, err := net.DialTimeout("tcp", p.Addr(), 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	return io.ReadAll(c)
}

func TestProxyBlackHole(t *testing.T) {
	tgt := startTarget(t, nil)
	p := newTestProxy(t, tgt.addr())
	c := dialProxy(t, p)
	if _, err := roundTrip(c, "before"); err != nil {
		t.Fatal(err)
	}
	p.BlackHole(true)
	c.Write([]byte("held"))
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	n, err := c.Read(make([]byte, 10))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read during black hole: %d bytes, %v; want a timeout", n, err)
	}
	// A new connection is accepted but nothing flows either.
	c2 := dialProxy(t, p)
	c2.Write([]byte("x"))
	c2.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := c2.Read(make([]byte, 1)); !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("new connection during black hole: %v; want a timeout", err)
	}
	p.BlackHole(false)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "held" {
		t.Errorf("after black hole lifted: %q, %v; want the held data", buf, err)
	}
}

func TestProxyRefuseNew(t *testing.T) {
	tgt := startTarget(t, nil)
	p := newTestProxy(t, tgt.addr())
	live := dialProxy(t, p)
	if _, err := roundTrip(live, "a"); err != nil {
		t.Fatal(err)
	}
	p.RefuseNew(true)
	if got, err := readAllFromProxy(p); len(got) != 0 || !isReset(err) {
		t.Errorf("read on a refused connection: %q, %v; want a reset", got, err)
	}
	if _, err := roundTrip(live, "b"); err != nil {
		t.Errorf("existing connection after RefuseNew: %v", err)
	}
	p.RefuseNew(false)
	c := dialProxy(t, p)
	if _, err := roundTrip(c, "c"); err != nil {
		t.Errorf("after RefuseNew(false): %v", err)
	}
	if st := p.Stats(); st.Refused != 1 || st.Accepted != 3 {
		t.Errorf("Stats() = %+v, want 3 accepted, 1 refused", st)
	}
}

func TestProxyDialError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := newTestProxy(t, addr)
	if got, err := readAllFromProxy(p); len(got) != 0 || !isReset(err) {
		t.Errorf("read through a proxy with a dead target: %q, %v; want a reset", got, err)
	}
	waitFor(t, "a dial error", func() bool { return p.Stats().DialErrors == 1 })
	if _, err := NewProxy("no-port"); err == nil {
		t.Error("NewProxy with a bad target succeeded")
	}
}

func TestProxyHooks(t *testing.T) {
	tgt := startTarget(t, nil)
	p := newTestProxy(t, tgt.addr())
	var mu sync.Mutex
	var seen []string
	p.OnClientData(func(conn int, chunk []byte) Action {
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%d:%s", conn, chunk))
		mu.Unlock()
		switch {
		case bytes.Contains(chunk, []byte("DROP")):
			return Drop
		case bytes.Contains(chunk, []byte("KILL")):
			return Reset
		case bytes.Contains(chunk, []byte("LAST")):
			return ForwardThenReset
		}
		return Forward
	})
	var serverChunks int
	p.OnServerData(func(conn int, chunk []byte) Action {
		mu.Lock()
		serverChunks++
		mu.Unlock()
		return Forward
	})

	c := dialProxy(t, p)
	if got, err := roundTrip(c, "fine"); err != nil || got != "fine" {
		t.Fatalf("%q, %v", got, err)
	}
	c.Write([]byte("DROP"))
	waitFor(t, "the hook to see DROP", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == 2
	})
	if got, err := roundTrip(c, "next"); err != nil || got != "next" {
		t.Errorf("after a dropped chunk: %q, %v; want only the next chunk echoed", got, err)
	}
	c.Write([]byte("KILL"))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, err := io.ReadAll(c); len(b) != 0 || !isReset(err) {
		t.Errorf("after Reset hook: read %q, %v; want nothing and a reset", b, err)
	}

	// ForwardThenReset: the server gets the chunk (the echo target's copy
	// may or may not make it back before the reset).
	c2 := dialProxy(t, p)
	if _, err := roundTrip(c2, "hi"); err != nil {
		t.Fatal(err)
	}
	c2.Write([]byte("LAST"))
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(c2); !isReset(err) {
		t.Errorf("after ForwardThenReset: %v, want a reset", err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"1:fine", "1:DROP", "1:next", "1:KILL", "2:hi", "2:LAST"}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("hook saw %q, want %q", seen, want)
	}
	if serverChunks < 3 {
		t.Errorf("server hook saw %d chunks, want at least 3", serverChunks)
	}
}

func TestProxyDSN(t *testing.T) {
	tgt := startTarget(t, nil)
	p := newTestProxy(t, tgt.addr())
	port := p.Addr()
	tests := map[string]string{
		"mysql://root@127.0.0.1:3306/test":           "mysql://root@" + port + "/test",
		"mysql://u:p@localhost/test?x=1":             "mysql://u:p@" + port + "/test?x=1",
		"root:pw@tcp(127.0.0.1:3306)/test":           "root:pw@tcp(" + port + ")/test",
		"mysql://root@tcp(db.example:3307)/test?a=b": "mysql://root@tcp(" + port + ")/test?a=b",
	}
	for in, want := range tests {
		if got, err := p.DSN(in); err != nil || got != want {
			t.Errorf("DSN(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := p.DSN("root@unix(/tmp/s)/db"); err == nil {
		t.Error("DSN of a unix-socket DSN succeeded")
	}
}

// TestProxyCloseNoLeak checks that Close ends every goroutine the proxy
// started, whatever state its connections are in.
func TestProxyCloseNoLeak(t *testing.T) {
	tgt := startTarget(t, nil)
	base := runtime.NumGoroutine()
	p, err := NewProxy(tgt.addr())
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	for i := 0; i < 5; i++ {
		c, err := net.Dial("tcp", p.Addr())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		if _, err := roundTrip(c, "x"); err != nil {
			t.Fatal(err)
		}
	}
	// One connection held in a black hole, one sleeping in latency.
	p.SetLatency(time.Hour)
	conns[0].Write([]byte("slow"))
	time.Sleep(20 * time.Millisecond)
	p.SetLatency(0)
	p.BlackHole(true)
	conns[1].Write([]byte("held"))
	time.Sleep(20 * time.Millisecond)

	done := make(chan error)
	go func() { done <- p.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadAll(c); err != nil && !isReset(err) {
			t.Errorf("client read after Close: %v", err)
		}
		c.Close()
	}
	// The target's per-connection goroutines end when the proxy's server
	// side closes; the proxy's own goroutines must all be gone.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil {
		t.Error("proxy still accepts after Close")
	}
}
