package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// ParsePublicKey parses a PEM encoded RSA public key, as configured by the
// user or sent by the server for caching_sha2_password and sha256_password.
// Both the PKIX form ("PUBLIC KEY", what the server sends) and the PKCS #1
// form ("RSA PUBLIC KEY") are accepted. Text around the PEM block, such as
// a trailing NUL, is ignored.
func ParsePublicKey(pemBytes []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("no PEM block found in public key data")
	}
	switch block.Type {
	case "PUBLIC KEY":
		key, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parsing PKIX public key: %w", err)
		}
		rsaKey, ok := key.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("public key is a %T, not an RSA key", key)
		}
		return rsaKey, nil
	case "RSA PUBLIC KEY":
		key, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parsing PKCS #1 public key: %w", err)
		}
		return key, nil
	}
	return nil, fmt.Errorf("unsupported PEM block type %q for a public key", block.Type)
}

// EncryptPassword encrypts the password for the server the way
// caching_sha2_password and sha256_password do on an insecure transport:
// the password followed by a NUL byte is XORed with the scramble (repeated
// as often as needed) and encrypted with RSA-OAEP (SHA-1) under key.
//
// The scramble must not be empty. The password plus its NUL must be at
// least 42 bytes shorter than the key's modulus.
func EncryptPassword(scramble []byte, password string, key *rsa.PublicKey) ([]byte, error) {
	if key == nil {
		return nil, errors.New("no RSA public key to encrypt the password with")
	}
	if len(scramble) == 0 {
		return nil, errors.New("empty scramble, cannot obfuscate the password before RSA encryption")
	}
	plain := withNUL(password)
	defer clear(plain)
	for i := range plain {
		plain[i] ^= scramble[i%len(scramble)]
	}
	out, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, key, plain, nil)
	if err != nil {
		// The errors of crypto/rsa describe the key and the message
		// length, never the message itself.
		return nil, fmt.Errorf("encrypting the password: %w", err)
	}
	return out, nil
}
