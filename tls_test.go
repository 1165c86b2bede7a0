package myx_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/auth"
	"github.com/myxdb/myx/mysqltest"
)

type testPKI struct {
	caPool            *x509.CertPool
	caFile, cert, key string
	otherPool         *x509.CertPool
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func newCA(t *testing.T, name string) (*x509.Certificate, *ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key, der
}

// makePKI writes a CA and a server certificate for 127.0.0.1 and "myx-test-server".
func makePKI(t *testing.T, dir string) *testPKI {
	ca, caKey, caDER := newCA(t, "myx test CA")
	other, _, _ := newCA(t, "someone else")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "myx-test-server"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"myx-test-server"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	p := &testPKI{caPool: x509.NewCertPool(), otherPool: x509.NewCertPool(),
		caFile: filepath.Join(dir, "ca.pem"), cert: filepath.Join(dir, "server.pem"), key: filepath.Join(dir, "server-key.pem")}
	p.caPool.AddCert(ca)
	p.otherPool.AddCert(other)
	writePEM(t, p.caFile, "CERTIFICATE", caDER)
	writePEM(t, p.cert, "CERTIFICATE", der)
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	writePEM(t, p.key, "PRIVATE KEY", kder)
	return p
}

// TestTLSAndAuthPluginsOnThrowawayServer starts a server with TLS enabled and checks every TLS
// mode, certificate verification, and the ed25519 plugin over a real server.
func TestTLSAndAuthPluginsOnThrowawayServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pki := makePKI(t, dir)
	srv := mysqltest.StartServerT(t, mysqltest.ServerOptions{Flags: []string{
		"--ssl-ca=" + pki.caFile, "--ssl-cert=" + pki.cert, "--ssl-key=" + pki.key}})
	ctx := ctxT(t)
	base, err := myx.ParseConfig(srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	cipher := func(c *myx.Conn) string {
		var name, value string
		if err := c.QueryRow(ctx, "SHOW SESSION STATUS LIKE 'Ssl_cipher'").Scan(&name, &value); err != nil {
			t.Fatal(err)
		}
		return value
	}
	try := func(mode myx.TLSMode, pool *x509.CertPool, serverName string) (*myx.Conn, error) {
		cfg := base.Copy()
		cfg.TLSMode = mode
		if pool != nil || serverName != "" {
			cfg.TLSConfig = &tls.Config{RootCAs: pool, ServerName: serverName}
		}
		c, err := myx.ConnectConfig(ctx, cfg)
		if err == nil {
			t.Cleanup(func() { c.Close(context.Background()) })
		}
		return c, err
	}
	for _, tc := range []struct {
		name       string
		mode       myx.TLSMode
		pool       *x509.CertPool
		serverName string
		wantTLS    bool
		wantErr    bool
	}{
		{"disabled", myx.TLSDisabled, nil, "", false, false},
		{"preferred", myx.TLSPreferred, nil, "", true, false},
		{"required", myx.TLSRequired, nil, "", true, false},
		{"verify-ca", myx.TLSVerifyCA, pki.caPool, "wrong-name", true, false},
		{"verify-ca untrusted", myx.TLSVerifyCA, pki.otherPool, "", false, true},
		{"verify-full by IP", myx.TLSVerifyFull, pki.caPool, "", true, false},
		{"verify-full by name", myx.TLSVerifyFull, pki.caPool, "myx-test-server", true, false},
		{"verify-full wrong name", myx.TLSVerifyFull, pki.caPool, "wrong-name", false, true},
	} {
		c, err := try(tc.mode, tc.pool, tc.serverName)
		if tc.wantErr {
			if err == nil {
				t.Errorf("%s: connected, want a verification error", tc.name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := cipher(c) != ""; got != tc.wantTLS {
			t.Errorf("%s: TLS in use = %v, want %v", tc.name, got, tc.wantTLS)
		}
	}

	// The DSN form of the same: verify-full against the CA file.
	cfg, err := myx.ParseConfig(srv.DSN() + "?tls=verify-full&tls-ca=" + pki.caFile)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := myx.ConnectConfig(ctx, cfg); err != nil {
		t.Errorf("DSN verify-full: %v", err)
	} else {
		c.Close(ctx)
	}

	// ed25519, installed on the throwaway server only.
	adminCfg := base.Copy()
	adminCfg.InterpolateParams = true // CREATE USER ... PASSWORD(?) cannot be prepared
	admin, err := myx.ConnectConfig(ctx, adminCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "INSTALL SONAME 'auth_ed25519'"); err != nil {
		var me *myx.MySQLError
		if errors.As(err, &me) && strings.Contains(me.Message, "already") {
		} else {
			t.Skipf("ed25519 plugin not available: %v", err)
		}
	}
	for _, pw := range []string{"s3cret", "", "a much longer pass phrase with ünïcode"} {
		if _, err := admin.Exec(ctx, "DROP USER IF EXISTS ed@'%'"); err != nil {
			t.Fatal(err)
		}
		// The stored key is computed here, which also checks our key derivation against the
		// server's verification (PASSWORD('') would store an empty string instead).
		pub := auth.Ed25519PublicKey(pw)
		stored := strings.TrimRight(base64.StdEncoding.EncodeToString(pub), "=")
		if _, err := admin.Exec(ctx, "CREATE USER ed@'%' IDENTIFIED VIA ed25519 USING ?", stored); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(ctx, "GRANT ALL ON test.* TO ed@'%'"); err != nil {
			t.Fatal(err)
		}
		cfg := base.Copy()
		cfg.User, cfg.Password = "ed", pw
		c, err := myx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatalf("ed25519 login with %d-byte password: %v", len(pw), err)
		}
		var who string
		c.QueryRow(ctx, "SELECT CURRENT_USER()").Scan(&who)
		c.Close(ctx)
		if !strings.HasPrefix(who, "ed@") {
			t.Errorf("logged in as %q", who)
		}
		cfg.Password = pw + "x"
		if _, err := myx.ConnectConfig(ctx, cfg); err == nil {
			t.Error("ed25519 accepted a wrong password")
		}
	}
	// Required TLS against a server without TLS fails before sending credentials.
	shared := testConfig(t)
	shared.TLSMode = myx.TLSRequired
	if c, err := myx.ConnectConfig(ctx, shared); err == nil {
		c.Close(ctx)
		t.Log("the shared server offers TLS; skipping the no-TLS check")
	} else if !strings.Contains(err.Error(), "does not offer TLS") {
		t.Errorf("required TLS without server TLS: %v", err)
	}
}
