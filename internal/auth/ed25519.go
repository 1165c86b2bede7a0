package auth

import (
	"crypto/sha512"
	"fmt"

	"filippo.io/edwards25519"
)

// ed25519NonceLength is the length of the nonce a MariaDB server sends
// for client_ed25519.
const ed25519NonceLength = 32

// ed25519Key derives the MariaDB client_ed25519 key material from a
// password: the secret scalar (the clamped first half of SHA-512 of the
// password), the encoded public key A, and the nonce prefix (the second
// half of the hash).
func ed25519Key(password string) (a *edwards25519.Scalar, pub []byte, prefix []byte) {
	digest := sha512.Sum512([]byte(password))
	// The input is always 32 bytes, so SetBytesWithClamping cannot fail.
	a, _ = edwards25519.NewScalar().SetBytesWithClamping(digest[:32])
	pub = new(edwards25519.Point).ScalarBaseMult(a).Bytes()
	prefix = append([]byte(nil), digest[32:]...)
	clear(digest[:])
	return a, pub, prefix
}

// Ed25519PublicKey returns the 32-byte Ed25519 public key that MariaDB
// derives from password for the ed25519 authentication plugin. The server
// stores it base64 encoded (without padding) as the account's
// authentication string, and it verifies the signatures made by
// SignEd25519 with crypto/ed25519.Verify.
func Ed25519PublicKey(password string) []byte {
	_, pub, _ := ed25519Key(password)
	return pub
}

// SignEd25519 computes the MariaDB client_ed25519 auth response: the
// 64-byte Ed25519 signature of the server's nonce (message) made with a key
// derived from the password.
//
// The password, of any length, is hashed with SHA-512. The first 32 bytes,
// clamped, are the secret scalar a and the second 32 bytes are the nonce
// prefix; the rest is standard Ed25519 signing:
//
//	r = SHA512(prefix || message) mod l
//	R = r*B
//	k = SHA512(R || A || message) mod l
//	S = r + k*a mod l
//
// and the signature is R || S. The standard library's crypto/ed25519
// cannot be used directly because it expects a 32-byte seed, not a
// password.
func SignEd25519(message []byte, password string) []byte {
	a, pub, prefix := ed25519Key(password)

	h := sha512.New()
	h.Write(prefix)
	h.Write(message)
	// A 64-byte input is always accepted by SetUniformBytes.
	r, _ := edwards25519.NewScalar().SetUniformBytes(h.Sum(nil))
	clear(prefix)

	encR := new(edwards25519.Point).ScalarBaseMult(r).Bytes()

	h.Reset()
	h.Write(encR)
	h.Write(pub)
	h.Write(message)
	k, _ := edwards25519.NewScalar().SetUniformBytes(h.Sum(nil))

	s := edwards25519.NewScalar().MultiplyAdd(k, a, r)

	sig := make([]byte, 0, 64)
	sig = append(sig, encR...)
	return append(sig, s.Bytes()...)
}

// ed25519Plugin is the client side of MariaDB's client_ed25519: the
// server sends a 32-byte nonce with its AuthSwitchRequest and the client
// answers with the signature.
type ed25519Plugin struct {
	opts    Options
	started bool
}

// Name implements Plugin.
func (p *ed25519Plugin) Name() string { return Ed25519 }

// String names the plugin; it keeps fmt from printing the options.
func (p *ed25519Plugin) String() string { return Ed25519 }

// GoString is like String.
func (p *ed25519Plugin) GoString() string { return Ed25519 }

// Start implements Plugin. The scramble must be the server's 32-byte
// nonce. Because the nonce is random and not NUL terminated, the caller's
// trimming of a trailing NUL removes its last byte when that byte happens
// to be zero; a 31-byte scramble is therefore taken to be such a nonce and
// the zero byte is put back. Any other length is a *ProtocolError.
func (p *ed25519Plugin) Start(scramble []byte) ([]byte, error) {
	p.started = true
	msg := scramble
	switch len(scramble) {
	case ed25519NonceLength:
	case ed25519NonceLength - 1:
		msg = make([]byte, ed25519NonceLength)
		copy(msg, scramble)
	default:
		return nil, &ProtocolError{
			Plugin: Ed25519,
			Msg:    fmt.Sprintf("server nonce of %d bytes, want %d", len(scramble), ed25519NonceLength),
		}
	}
	return SignEd25519(msg, p.opts.Password), nil
}

// Next implements Plugin. client_ed25519 has no further rounds, so any
// AuthMoreData is a protocol error.
func (p *ed25519Plugin) Next(data []byte) ([]byte, error) {
	if !p.started {
		return nil, &ProtocolError{Plugin: Ed25519, Msg: "auth data from server before the exchange started"}
	}
	return nil, &ProtocolError{Plugin: Ed25519, Msg: "unexpected auth data from server after the signature was sent"}
}
