package mysqltest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// NativePasswordResponse returns the auth response a client sends for
// password with the mysql_native_password plugin and the given scramble
// (normally 20 bytes; only the first 20 are used):
// SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))).
// An empty password yields an empty response.
func NativePasswordResponse(scramble []byte, password string) []byte {
	if password == "" {
		return []byte{}
	}
	stage1 := sha1.Sum([]byte(password))
	stage2 := sha1.Sum(stage1[:])
	h := sha1.New()
	h.Write(scramble[:min(20, len(scramble))])
	h.Write(stage2[:])
	out := h.Sum(nil)
	for i := range out {
		out[i] ^= stage1[i]
	}
	return out
}

// CachingSHA2PasswordResponse returns the auth response a client sends for
// password with the caching_sha2_password plugin's fast path and the given
// scramble (only the first 20 bytes are used):
// SHA256(password) XOR SHA256(SHA256(SHA256(password)) + scramble).
// An empty password yields an empty response.
func CachingSHA2PasswordResponse(scramble []byte, password string) []byte {
	if password == "" {
		return []byte{}
	}
	stage1 := sha256.Sum256([]byte(password))
	stage2 := sha256.Sum256(stage1[:])
	h := sha256.New()
	h.Write(stage2[:])
	h.Write(scramble[:min(20, len(scramble))])
	out := h.Sum(nil)
	for i := range out {
		out[i] ^= stage1[i]
	}
	return out
}

// DecryptPassword recovers the password a client sent RSA-encrypted during
// caching_sha2_password or sha256_password full authentication: it decrypts
// ciphertext with key using RSA-OAEP with SHA-1 (what MySQL 8 clients use),
// XORs the result with the scramble (repeated as needed) and strips the
// trailing NUL.
func DecryptPassword(key *rsa.PrivateKey, scramble, ciphertext []byte) (string, error) {
	if key == nil {
		return "", errors.New("mysqltest: DecryptPassword: nil key")
	}
	if len(scramble) == 0 {
		return "", errors.New("mysqltest: DecryptPassword: empty scramble")
	}
	plain, err := rsa.DecryptOAEP(sha1.New(), nil, key, ciphertext, nil)
	if err != nil {
		return "", fmt.Errorf("mysqltest: decrypting password: %w", err)
	}
	for i := range plain {
		plain[i] ^= scramble[i%len(scramble)]
	}
	if len(plain) == 0 || plain[len(plain)-1] != 0 {
		return "", errors.New("mysqltest: decrypted password is not NUL-terminated (wrong scramble or key?)")
	}
	return string(plain[:len(plain)-1]), nil
}

// EncryptPassword is the client side of DecryptPassword: it XORs password and
// a NUL terminator with the scramble and encrypts the result with RSA-OAEP
// (SHA-1). Tests may use it to check a client's output or to script a
// client.
func EncryptPassword(pub *rsa.PublicKey, scramble []byte, password string) ([]byte, error) {
	if pub == nil || len(scramble) == 0 {
		return nil, errors.New("mysqltest: EncryptPassword needs a key and a scramble")
	}
	plain := append([]byte(password), 0)
	for i := range plain {
		plain[i] ^= scramble[i%len(scramble)]
	}
	return rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, plain, nil)
}

// PublicKeyPEM encodes pub as a PEM "PUBLIC KEY" block (PKIX), the form a
// MySQL server sends when a client asks for its RSA key.
func PublicKeyPEM(pub *rsa.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("mysqltest: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// TLSConfigs returns a matching pair of TLS configurations for tests: server
// holds a freshly generated self-signed ECDSA certificate valid for
// 127.0.0.1, ::1 and "localhost" for one day; client trusts exactly that
// certificate and has ServerName "localhost" (so it verifies the chain and the
// name). Each call generates a new certificate.
func TLSConfigs() (server, client *tls.Config, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("mysqltest: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, fmt.Errorf("mysqltest: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "mysqltest fake server"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("mysqltest: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("mysqltest: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   tls.VersionTLS12,
	}
	client = &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12}
	return server, client, nil
}
