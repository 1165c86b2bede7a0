package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"
)

// testPassword is distinctive enough that finding it in an error string
// cannot be a coincidence.
const testPassword = "Tr0ub4dor&3-horse-battery"

// testScramble is a 20-byte nonce in the style MySQL sends (printable,
// no NUL).
var testScramble = []byte("abcdefghij0123456789")

var (
	rsaKey2048 = sync.OnceValues(func() (*rsa.PrivateKey, error) {
		return rsa.GenerateKey(rand.Reader, 2048)
	})
	rsaKey1024 = sync.OnceValues(func() (*rsa.PrivateKey, error) {
		return rsa.GenerateKey(rand.Reader, 1024)
	})
)

// testKey returns a 2048-bit RSA key shared by the tests.
func testKey(tb testing.TB) *rsa.PrivateKey {
	tb.Helper()
	k, err := rsaKey2048()
	if err != nil {
		tb.Fatalf("generating RSA key: %v", err)
	}
	return k
}

// smallTestKey returns a 1024-bit RSA key, the smallest crypto/rsa accepts.
func smallTestKey(tb testing.TB) *rsa.PrivateKey {
	tb.Helper()
	k, err := rsaKey1024()
	if err != nil {
		tb.Fatalf("generating RSA key: %v", err)
	}
	return k
}

// pkixPEM encodes pub as a PEM "PUBLIC KEY" block, as MySQL sends it.
func pkixPEM(tb testing.TB, pub any) []byte {
	tb.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		tb.Fatalf("marshal PKIX: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// pkcs1PEM encodes pub as a PEM "RSA PUBLIC KEY" block.
func pkcs1PEM(pub *rsa.PublicKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(pub)})
}

// decryptPassword undoes EncryptPassword with the private key: RSA-OAEP
// (SHA-1) decryption, then XOR with the cycled scramble. It returns the
// recovered password including its NUL.
func decryptPassword(tb testing.TB, priv *rsa.PrivateKey, scramble, ciphertext []byte) []byte {
	tb.Helper()
	if len(ciphertext) != priv.Size() {
		tb.Fatalf("ciphertext is %d bytes, want the modulus size %d", len(ciphertext), priv.Size())
	}
	plain, err := rsa.DecryptOAEP(sha1.New(), nil, priv, ciphertext, nil)
	if err != nil {
		tb.Fatalf("RSA-OAEP decrypt: %v", err)
	}
	for i := range plain {
		plain[i] ^= scramble[i%len(scramble)]
	}
	return plain
}

// wantPasswordNUL checks that got is the password followed by one NUL.
func wantPasswordNUL(tb testing.TB, got []byte, password string) {
	tb.Helper()
	want := append([]byte(password), 0)
	if !bytes.Equal(got, want) {
		tb.Fatalf("got %q, want the password followed by NUL", got)
	}
}

// wantErr checks that err is non-nil, has the type of target (a pointer
// to a pointer of an error type), and does not reveal password.
func wantErr[T error](tb testing.TB, err error, password string) T {
	tb.Helper()
	var target T
	if err == nil {
		tb.Fatalf("got nil error, want %T", target)
	}
	if !errors.As(err, &target) {
		tb.Fatalf("got error %T (%v), want %T", err, err, target)
	}
	checkNoPassword(tb, err, password)
	return target
}

// checkNoPassword fails if err's text contains password.
func checkNoPassword(tb testing.TB, err error, password string) {
	tb.Helper()
	if err != nil && password != "" && strings.Contains(err.Error(), password) {
		tb.Fatalf("error reveals the password: %v", err)
	}
}

// mustNew is New that fails the test on error.
func mustNew(tb testing.TB, name string, opts Options) Plugin {
	tb.Helper()
	p, err := New(name, opts)
	if err != nil {
		tb.Fatalf("New(%q): %v", name, err)
	}
	return p
}

// mustStart is Plugin.Start that fails the test on error.
func mustStart(tb testing.TB, p Plugin, scramble []byte) []byte {
	tb.Helper()
	out, err := p.Start(scramble)
	if err != nil {
		tb.Fatalf("%s Start: %v", p.Name(), err)
	}
	return out
}

// mustNext is Plugin.Next that fails the test on error.
func mustNext(tb testing.TB, p Plugin, data []byte) []byte {
	tb.Helper()
	out, err := p.Next(data)
	if err != nil {
		tb.Fatalf("%s Next(%x): %v", p.Name(), data, err)
	}
	return out
}
