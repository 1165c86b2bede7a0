package auth

import "crypto/sha1"

// ScrambleNative computes the mysql_native_password auth response:
//
//	SHA1(password) XOR SHA1(scramble || SHA1(SHA1(password)))
//
// An empty password yields an empty (nil) response, which is what the
// server expects from an account without a password.
func ScrambleNative(scramble []byte, password string) []byte {
	if password == "" {
		return nil
	}
	stage1 := sha1.Sum([]byte(password))
	stage2 := sha1.Sum(stage1[:])

	h := sha1.New()
	h.Write(scramble)
	h.Write(stage2[:])
	mask := h.Sum(nil)

	for i := range mask {
		mask[i] ^= stage1[i]
	}
	return mask
}

// nativePlugin is the client side of mysql_native_password: a single
// challenge-response round.
type nativePlugin struct {
	opts Options
}

// Name implements Plugin.
func (p *nativePlugin) Name() string { return NativePassword }

// String names the plugin; it keeps fmt from printing the options.
func (p *nativePlugin) String() string { return NativePassword }

// GoString is like String.
func (p *nativePlugin) GoString() string { return NativePassword }

// Start implements Plugin. Only the first 20 bytes of the scramble are
// used, as in the MySQL client.
func (p *nativePlugin) Start(scramble []byte) ([]byte, error) {
	return ScrambleNative(nonce(scramble), p.opts.Password), nil
}

// Next implements Plugin. mysql_native_password has no further rounds, so
// any AuthMoreData is a protocol error.
func (p *nativePlugin) Next(data []byte) ([]byte, error) {
	return nil, &ProtocolError{Plugin: NativePassword, Msg: "unexpected auth data from server"}
}
