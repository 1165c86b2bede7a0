package auth

import "fmt"

// UnsupportedPluginError reports that the server asked for an
// authentication plugin this package does not implement.
type UnsupportedPluginError struct {
	// Name is the plugin name the server sent.
	Name string
}

// Error implements the error interface.
func (e *UnsupportedPluginError) Error() string {
	return fmt.Sprintf("unsupported authentication plugin %q", e.Name)
}

// SecureTransportRequiredError reports that a plugin would have to send the
// password to the server but has no safe way to do so: the transport is
// neither TLS nor a unix socket, no server RSA public key is configured, and
// retrieving the key from the server is not allowed.
type SecureTransportRequiredError struct {
	// Plugin is the name of the plugin that needed the password.
	Plugin string
}

// Error implements the error interface.
func (e *SecureTransportRequiredError) Error() string {
	return fmt.Sprintf("%s: full authentication needs a TLS connection, "+
		"a unix socket, a configured server RSA public key, "+
		"or allowing public key retrieval from the server", e.Plugin)
}

// CleartextRefusedError reports that the server asked for
// mysql_clear_password and the client refused to send the password in
// clear text.
type CleartextRefusedError struct {
	// Allowed reports whether Options.AllowCleartextPasswords was set.
	Allowed bool
	// Secure reports whether the transport was secure (TLS or unix socket).
	Secure bool
}

// Error implements the error interface.
func (e *CleartextRefusedError) Error() string {
	var why string
	switch {
	case !e.Allowed && !e.Secure:
		why = "cleartext passwords are not allowed and the connection is neither TLS nor a unix socket"
	case !e.Allowed:
		why = "cleartext passwords are not allowed (enable AllowCleartextPasswords to opt in)"
	default:
		why = "the connection is neither TLS nor a unix socket"
	}
	return fmt.Sprintf("%s: refusing to send the password in clear text: %s", ClearPassword, why)
}

// ProtocolError reports server data that does not fit the plugin's
// exchange: an unknown status byte, a packet where none was expected, or a
// nonce of the wrong size. It never quotes the data itself.
type ProtocolError struct {
	// Plugin is the name of the plugin that received the data.
	Plugin string
	// Msg describes what was wrong.
	Msg string
}

// Error implements the error interface.
func (e *ProtocolError) Error() string {
	return fmt.Sprintf("%s: %s", e.Plugin, e.Msg)
}

// PublicKeyError reports that the server's RSA public key could not be
// parsed or could not be used to encrypt the password.
type PublicKeyError struct {
	// Plugin is the name of the plugin that used the key.
	Plugin string
	// Err is the underlying error.
	Err error
}

// Error implements the error interface.
func (e *PublicKeyError) Error() string {
	return fmt.Sprintf("%s: server RSA public key: %v", e.Plugin, e.Err)
}

// Unwrap returns the underlying error.
func (e *PublicKeyError) Unwrap() error {
	return e.Err
}
