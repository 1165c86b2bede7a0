package auth

import (
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
)

// Status bytes and requests of caching_sha2_password and sha256_password.
const (
	// sha2FastAuthOK is the AuthMoreData payload announcing that the
	// scramble matched the server's cache.
	sha2FastAuthOK = 0x03
	// sha2FullAuth is the AuthMoreData payload asking the client for the
	// password itself.
	sha2FullAuth = 0x04
	// cachingSHA2KeyRequest asks a caching_sha2_password server for its RSA
	// public key.
	cachingSHA2KeyRequest = 0x02
	// sha256KeyRequest asks a sha256_password server for its RSA public
	// key.
	sha256KeyRequest = 0x01
)

// ScrambleSHA256 computes the caching_sha2_password fast authentication
// response:
//
//	SHA256(password) XOR SHA256(SHA256(SHA256(password)) || scramble)
//
// An empty password yields an empty (nil) response.
func ScrambleSHA256(scramble []byte, password string) []byte {
	if password == "" {
		return nil
	}
	stage1 := sha256.Sum256([]byte(password))
	stage2 := sha256.Sum256(stage1[:])

	h := sha256.New()
	h.Write(stage2[:])
	h.Write(scramble)
	mask := h.Sum(nil)

	for i := range mask {
		mask[i] ^= stage1[i]
	}
	return mask
}

// sha2State is where a caching_sha2_password or sha256_password exchange
// stands.
type sha2State int

const (
	// stateNew: Start has not been called.
	stateNew sha2State = iota
	// stateFastAuth: the scramble was sent, the fast authentication
	// result is expected.
	stateFastAuth
	// stateAwaitKey: the public key was requested and is expected.
	stateAwaitKey
	// stateDone: the client has nothing more to send; only OK or ERR may
	// follow.
	stateDone
)

// encryptWith encrypts the password under key for the named plugin,
// wrapping any failure in a *PublicKeyError.
func encryptWith(plugin string, scramble []byte, password string, key *rsa.PublicKey) ([]byte, error) {
	out, err := EncryptPassword(scramble, password, key)
	if err != nil {
		return nil, &PublicKeyError{Plugin: plugin, Err: err}
	}
	return out, nil
}

// encryptWithServerKey parses the PEM key the server sent and encrypts the
// password under it.
func encryptWithServerKey(plugin string, scramble []byte, password string, pemBytes []byte) ([]byte, error) {
	key, err := ParsePublicKey(pemBytes)
	if err != nil {
		return nil, &PublicKeyError{Plugin: plugin, Err: err}
	}
	return encryptWith(plugin, scramble, password, key)
}

// cachingSHA2Plugin is the client side of caching_sha2_password.
//
// The client first sends ScrambleSHA256. The server answers with fast auth
// success (0x03, followed by OK) or with a request for full authentication
// (0x04). For full authentication the password goes in clear text on a
// secure transport, or RSA encrypted with a configured key, or RSA
// encrypted with a key the server sends on request (0x02).
type cachingSHA2Plugin struct {
	opts     Options
	scramble []byte
	state    sha2State
}

// Name implements Plugin.
func (p *cachingSHA2Plugin) Name() string { return CachingSHA2Password }

// String names the plugin; it keeps fmt from printing the options.
func (p *cachingSHA2Plugin) String() string { return CachingSHA2Password }

// GoString is like String.
func (p *cachingSHA2Plugin) GoString() string { return CachingSHA2Password }

// Start implements Plugin. Only the first 20 bytes of the scramble are
// used, as in the MySQL client.
func (p *cachingSHA2Plugin) Start(scramble []byte) ([]byte, error) {
	p.scramble = nonce(scramble)
	p.state = stateFastAuth
	return ScrambleSHA256(p.scramble, p.opts.Password), nil
}

// Next implements Plugin.
func (p *cachingSHA2Plugin) Next(data []byte) ([]byte, error) {
	switch p.state {
	case stateNew:
		return nil, p.protocolError("auth data from server before the exchange started")
	case stateFastAuth:
		if len(data) != 1 {
			return nil, p.protocolError(fmt.Sprintf("fast authentication result of %d bytes, want 1", len(data)))
		}
		switch data[0] {
		case sha2FastAuthOK:
			// The server follows up with OK.
			p.state = stateDone
			return nil, nil
		case sha2FullAuth:
			return p.fullAuth()
		}
		return nil, p.protocolError(fmt.Sprintf("unknown fast authentication result 0x%02x", data[0]))
	case stateAwaitKey:
		p.state = stateDone
		return encryptWithServerKey(CachingSHA2Password, p.scramble, p.opts.Password, data)
	}
	return nil, p.protocolError("unexpected auth data from server after authentication data was sent")
}

// fullAuth answers the server's request for full authentication.
func (p *cachingSHA2Plugin) fullAuth() ([]byte, error) {
	switch {
	case p.opts.Secure:
		p.state = stateDone
		return withNUL(p.opts.Password), nil
	case p.opts.ServerPubKey != nil:
		p.state = stateDone
		return encryptWith(CachingSHA2Password, p.scramble, p.opts.Password, p.opts.ServerPubKey)
	case p.opts.AllowPublicKeyRetrieval:
		p.state = stateAwaitKey
		return []byte{cachingSHA2KeyRequest}, nil
	}
	p.state = stateDone
	return nil, &SecureTransportRequiredError{Plugin: CachingSHA2Password}
}

// protocolError returns a *ProtocolError for this plugin.
func (p *cachingSHA2Plugin) protocolError(msg string) error {
	return &ProtocolError{Plugin: CachingSHA2Password, Msg: msg}
}

// sha256Plugin is the client side of sha256_password.
//
// The client sends a single NUL for an empty password, the password in
// clear text on a secure transport, the RSA encrypted password if it has
// the server's key, or a request for the key (0x01) which the server
// answers with its PEM encoded key.
type sha256Plugin struct {
	opts     Options
	scramble []byte
	state    sha2State
}

// Name implements Plugin.
func (p *sha256Plugin) Name() string { return SHA256Password }

// String names the plugin; it keeps fmt from printing the options.
func (p *sha256Plugin) String() string { return SHA256Password }

// GoString is like String.
func (p *sha256Plugin) GoString() string { return SHA256Password }

// Start implements Plugin. Only the first 20 bytes of the scramble are
// used, as in the MySQL client.
func (p *sha256Plugin) Start(scramble []byte) ([]byte, error) {
	p.scramble = nonce(scramble)
	p.state = stateDone
	switch {
	case p.opts.Password == "":
		return []byte{0}, nil
	case p.opts.Secure:
		return withNUL(p.opts.Password), nil
	case p.opts.ServerPubKey != nil:
		return encryptWith(SHA256Password, p.scramble, p.opts.Password, p.opts.ServerPubKey)
	case p.opts.AllowPublicKeyRetrieval:
		p.state = stateAwaitKey
		return []byte{sha256KeyRequest}, nil
	}
	return nil, &SecureTransportRequiredError{Plugin: SHA256Password}
}

// Next implements Plugin. It accepts only the server's public key, and
// only after Start asked for it.
func (p *sha256Plugin) Next(data []byte) ([]byte, error) {
	switch p.state {
	case stateAwaitKey:
		p.state = stateDone
		return encryptWithServerKey(SHA256Password, p.scramble, p.opts.Password, data)
	case stateNew:
		return nil, &ProtocolError{Plugin: SHA256Password, Msg: "auth data from server before the exchange started"}
	}
	return nil, &ProtocolError{Plugin: SHA256Password, Msg: "unexpected auth data from server after authentication data was sent"}
}
