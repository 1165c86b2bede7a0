// Package auth implements the client side of the MySQL and MariaDB
// authentication plugins used during the connection phase.
//
// The connection code drives a [Plugin] as a small state machine: it calls
// [New] with the plugin name announced by the server, sends the bytes
// returned by [Plugin.Start] as the auth response, hands the payload of
// every AuthMoreData packet (the bytes after the 0x01 marker) to
// [Plugin.Next] and sends the reply if it is not nil. An OK packet ends the
// exchange, an ERR packet fails it, and an AuthSwitchRequest starts over
// with a new plugin.
//
// Supported plugins are mysql_native_password, caching_sha2_password,
// sha256_password, client_ed25519 (MariaDB) and mysql_clear_password.
//
// No error produced by this package contains the password.
package auth

import (
	"crypto/rsa"
	"fmt"
)

// Names of the supported authentication plugins, as sent by the server.
const (
	// NativePassword is the SHA-1 based challenge-response plugin used by
	// default before MySQL 8.0 and by MariaDB.
	NativePassword = "mysql_native_password"
	// CachingSHA2Password is the SHA-256 based plugin used by default since
	// MySQL 8.0.
	CachingSHA2Password = "caching_sha2_password"
	// SHA256Password is the older MySQL SHA-256 plugin that always needs a
	// secure transport or RSA encryption.
	SHA256Password = "sha256_password"
	// Ed25519 is the MariaDB plugin that signs the server nonce with a key
	// derived from the password.
	Ed25519 = "client_ed25519"
	// ClearPassword sends the password as is; it is refused unless
	// explicitly allowed on a secure transport.
	ClearPassword = "mysql_clear_password"
)

// scrambleLength is the length of the nonce MySQL sends for the native,
// caching_sha2 and sha256 plugins.
const scrambleLength = 20

// Options holds the facts about the connection and the user configuration
// that the plugins need.
//
// Options carries the password: its String and GoString methods redact it,
// so that printing an Options value with the fmt package does not reveal it.
type Options struct {
	// Password is the user's password; it may be empty.
	Password string
	// Secure reports that the transport is TLS or a unix socket, so that
	// the password may be sent in clear text over it.
	//
	// Note that the server side of sha256_password only accepts a clear
	// text password over TLS: over a unix socket without TLS it expects an
	// RSA encrypted password, so sha256_password accounts reached that way
	// fail to authenticate when Secure is set.
	Secure bool
	// ServerPubKey is a configured RSA public key of the server, used by
	// caching_sha2_password and sha256_password to encrypt the password on
	// an insecure transport. It may be nil.
	ServerPubKey *rsa.PublicKey
	// AllowPublicKeyRetrieval allows asking the server for its RSA public
	// key over an insecure transport. A man in the middle can substitute
	// its own key, so this is off by default.
	AllowPublicKeyRetrieval bool
	// AllowCleartextPasswords opts in to mysql_clear_password, which is
	// then used only on a secure transport.
	AllowCleartextPasswords bool
}

// String describes o without revealing the password.
func (o Options) String() string {
	return fmt.Sprintf("auth.Options{Password:%s Secure:%t ServerPubKey:%t AllowPublicKeyRetrieval:%t AllowCleartextPasswords:%t}",
		redact(o.Password), o.Secure, o.ServerPubKey != nil, o.AllowPublicKeyRetrieval, o.AllowCleartextPasswords)
}

// GoString is like String; it keeps the %#v verb from revealing the
// password.
func (o Options) GoString() string {
	return o.String()
}

// redact describes a password without revealing it.
func redact(password string) string {
	if password == "" {
		return `""`
	}
	return "[redacted]"
}

// Plugin is the client side of one authentication plugin for one
// connection attempt. A Plugin is not safe for concurrent use.
type Plugin interface {
	// Name returns the plugin name as the server knows it.
	Name() string
	// Start returns the first auth response for the server's scramble
	// (nonce). The caller has already trimmed a trailing NUL.
	Start(scramble []byte) ([]byte, error)
	// Next handles one AuthMoreData payload (the bytes after the 0x01
	// marker). A nil reply means send nothing and wait for the next packet.
	Next(data []byte) (reply []byte, err error)
}

// New returns a fresh Plugin for the plugin the server named. An unknown
// name yields an *UnsupportedPluginError.
func New(name string, opts Options) (Plugin, error) {
	switch name {
	case NativePassword:
		return &nativePlugin{opts: opts}, nil
	case CachingSHA2Password:
		return &cachingSHA2Plugin{opts: opts}, nil
	case SHA256Password:
		return &sha256Plugin{opts: opts}, nil
	case Ed25519:
		return &ed25519Plugin{opts: opts}, nil
	case ClearPassword:
		return &clearPlugin{opts: opts}, nil
	}
	return nil, &UnsupportedPluginError{Name: name}
}

// nonce returns a private copy of the part of scramble that the MySQL
// plugins use: the first 20 bytes. Longer input (such as a scramble whose
// terminating NUL was not trimmed) is cut to that length; shorter input is
// kept whole.
func nonce(scramble []byte) []byte {
	if len(scramble) > scrambleLength {
		scramble = scramble[:scrambleLength]
	}
	return append([]byte(nil), scramble...)
}

// withNUL returns the password followed by a terminating NUL byte.
func withNUL(password string) []byte {
	b := make([]byte, len(password)+1)
	copy(b, password)
	return b
}
