package auth

// clearPlugin is the client side of mysql_clear_password. It sends the
// password as is, so it runs only when the user opted in and the
// transport is secure.
type clearPlugin struct {
	opts Options
}

// Name implements Plugin.
func (p *clearPlugin) Name() string { return ClearPassword }

// String names the plugin; it keeps fmt from printing the options.
func (p *clearPlugin) String() string { return ClearPassword }

// GoString is like String.
func (p *clearPlugin) GoString() string { return ClearPassword }

// Start implements Plugin. It returns the password followed by a NUL if
// Options.AllowCleartextPasswords is set and Options.Secure is true, and a
// *CleartextRefusedError otherwise. The scramble is not used.
func (p *clearPlugin) Start(scramble []byte) ([]byte, error) {
	if !p.opts.AllowCleartextPasswords || !p.opts.Secure {
		return nil, &CleartextRefusedError{
			Allowed: p.opts.AllowCleartextPasswords,
			Secure:  p.opts.Secure,
		}
	}
	return withNUL(p.opts.Password), nil
}

// Next implements Plugin. mysql_clear_password has no further rounds, so
// any AuthMoreData is a protocol error.
func (p *clearPlugin) Next(data []byte) ([]byte, error) {
	return nil, &ProtocolError{Plugin: ClearPassword, Msg: "unexpected auth data from server"}
}
