//go:build linux

package myx

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math/big"
	"net"
	"os"
	"testing"
	"time"

	"github.com/myxdb/myx/internal/wire"
)

// tlsEchoServer starts a TLS server on 127.0.0.1 that answers every chunk it reads with the
// same bytes, and closes a connection when it reads "bye". It returns the address and a pool
// holding its certificate.
func tlsEchoServer(t *testing.T) (string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 64<<10)
				for {
					n, err := c.Read(buf)
					if err != nil || bytes.Equal(buf[:n], []byte("bye")) {
						return
					}
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), roots
}

// dialPollTLS connects to addr with TLS over a tlsTransport and attaches a pollReader, as a
// connection does after its handshake.
func dialPollTLS(t *testing.T, addr string, roots *x509.CertPool, cfg *Config, group *pollGroup) (*tls.Conn, *pollReader) {
	t.Helper()
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	tc := tls.Client(tlsTransport(cfg, raw), &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"})
	t.Cleanup(func() { tc.Close() })
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	return tc, attachPollTLS(tc, group)
}

// roundTrip writes msg through pr (encrypted by the TLS connection) and reads the echo.
func roundTrip(t *testing.T, tc *tls.Conn, pr *pollReader, msg []byte) {
	t.Helper()
	if _, err := pr.write(msg); err != nil {
		t.Fatalf("write: %v", err)
	}
	pr.waitFirst = true
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(tc, got); err != nil {
		t.Fatalf("read: %v", err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("echo of %d bytes differs", len(msg))
	}
}

// TestPollTLSWaitsOnThread: a TLS connection over a tlsTransport waits for replies through
// its pollReader (on the thread, turning to blocking reads), encrypts what it writes, keeps
// working with replies of every size, and its waits are bounded and interrupted as for plain
// TCP.
func TestPollTLSWaitsOnThread(t *testing.T) {
	addr, roots := tlsEchoServer(t)
	tc, pr := dialPollTLS(t, addr, roots, &Config{Poller: PollThread}, nil)
	if pr == nil {
		t.Fatal("no pollReader under the TLS connection")
	}
	for i := range 3 * calmBeforeBlocking {
		roundTrip(t, tc, pr, bytes.Repeat([]byte{byte(i)}, 1+i*997))
	}
	if !pr.blocking {
		t.Fatal("the TLS connection's waits never went to its thread")
	}
	roundTrip(t, tc, pr, bytes.Repeat([]byte("x"), 60<<10)) // several records each way

	// A deadline bounds a wait (poll(2) with a timeout instead of a blocking read).
	pr.setDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := tc.Read(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past the deadline: got %v, want os.ErrDeadlineExceeded", err)
	}
	pr.setDeadline(time.Time{})
	roundTrip(t, tc, pr, []byte("after the deadline")) // a timeout is not fatal to TLS

	// interrupt wakes a wait with nothing bounding it (a blocking read).
	time.AfterFunc(50*time.Millisecond, pr.interrupt)
	if _, err := tc.Read(make([]byte, 10)); err == nil {
		t.Fatal("an interrupted read returned no error")
	}
}

// TestPollTLSAdaptiveAndRuntime: under PollAdaptive a crowded group's waits go to the
// runtime's poller through the same transport; PollRuntime leaves TLS alone.
func TestPollTLSAdaptiveAndRuntime(t *testing.T) {
	addr, roots := tlsEchoServer(t)
	g := newPollGroup(0, 0) // every wait is beyond the limit: the runtime's poller
	tc, pr := dialPollTLS(t, addr, roots, &Config{}, g)
	if pr == nil {
		t.Fatal("no pollReader under the TLS connection")
	}
	for i := range 20 {
		roundTrip(t, tc, pr, bytes.Repeat([]byte{byte(i)}, 1+i*3001))
	}
	if pr.blocking || g.crowdedAt.Load() == 0 || g.waiting.Load() != 0 {
		t.Fatalf("waits did not go through the runtime's poller: blocking %v, crowded at %d, waiting %d",
			pr.blocking, g.crowdedAt.Load(), g.waiting.Load())
	}

	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if tlsTransport(&Config{Poller: PollRuntime}, raw) != raw {
		t.Fatal("PollRuntime: the TLS client should run over the socket itself")
	}
}

// TestPollTLSStaleCheck: the stale check sees through the transport to the socket: a server
// that closed an idle TLS connection is noticed without a round trip.
func TestPollTLSStaleCheck(t *testing.T) {
	addr, roots := tlsEchoServer(t)
	tc, pr := dialPollTLS(t, addr, roots, &Config{Poller: PollThread}, nil)
	c := &Conn{nc: tc, rd: wire.NewReader(tc), poll: pr}
	roundTrip(t, tc, pr, []byte("hello"))
	if err := c.checkStale(); err != nil {
		t.Fatalf("healthy idle TLS connection: %v", err)
	}
	if _, err := pr.write([]byte("bye")); err != nil { // the server closes the connection
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for c.checkStale() == nil {
		if time.Now().After(deadline) {
			t.Fatal("the server's close was never noticed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
