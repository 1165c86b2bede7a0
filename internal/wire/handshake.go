package wire

import (
	"encoding/binary"
	"fmt"
)

// Handshake is the server's initial handshake packet (protocol version 10).
type Handshake struct {
	ServerVersion string
	ConnID        uint32
	// Scramble is the auth nonce (both parts joined, trailing NUL removed): always
	// ScrambleLength bytes.
	Scramble     []byte
	Capabilities uint64 // includes MariaDB's extended capabilities in the upper 32 bits
	Collation    byte
	Status       uint16
	// AuthPlugin is the server's default authentication plugin; "" when the server does not
	// announce CLIENT_PLUGIN_AUTH.
	AuthPlugin string
}

// ScrambleLength is the length of the authentication nonce in the handshake (auth-plugin-data
// part 1 and 2, without the trailing NUL), the only length the scramble-based plugins accept.
const ScrambleLength = 20

// maxPluginName bounds an authentication plugin name (the server's limit is 64).
const maxPluginName = 64

// ParseHandshake decodes and validates an initial handshake payload (Protocol::HandshakeV10).
// A payload that starts with 0xff is an error packet and must be handled by the caller before
// calling this.
//
// Every error wraps ErrMalformed: a protocol version other than 10, a field cut short (the
// greeting must carry every field of protocol 4.1, up to the reserved bytes), a scramble that
// is not 20 bytes (as when CLIENT_SECURE_CONNECTION is missing or part 2 is truncated), and,
// when CLIENT_PLUGIN_AUTH is announced, a missing, empty or non-identifier plugin name. A
// plugin name that runs to the end of the packet without its NUL is accepted, as some
// servers sent it so.
func ParseHandshake(p []byte) (*Handshake, error) {
	c := cursor{b: p}
	if v := c.u8(); v != 10 {
		if c.bad {
			return nil, malformed("empty handshake")
		}
		return nil, fmt.Errorf("%w: unsupported protocol version %d", ErrMalformed, v)
	}
	h := &Handshake{}
	version := c.nulBytes()
	if c.bad {
		return nil, malformed("handshake: server version without its NUL terminator")
	}
	h.ServerVersion = string(version)
	h.ConnID = c.u32()
	part1 := c.bytes(8)
	c.skip(1) // filler
	caps := uint64(c.u16())
	h.Collation = c.u8()
	h.Status = c.u16()
	caps |= uint64(c.u16()) << 16
	authLen := int(c.u8())
	c.skip(6)
	ext := c.u32()
	if c.bad {
		return nil, fmt.Errorf("%w: handshake of %d bytes cut short before the end of its fixed fields", ErrMalformed, len(p))
	}
	if caps&ClientMySQL == 0 {
		caps |= uint64(ext) << 32
	}
	h.Capabilities = caps
	scramble := make([]byte, 0, ScrambleLength)
	scramble = append(scramble, part1...)
	if caps&ClientSecureConnection != 0 {
		n := 13
		if caps&ClientPluginAuth != 0 {
			n = max(13, authLen-8)
		}
		part2 := c.bytes(n)
		if c.bad {
			return nil, fmt.Errorf("%w: handshake scramble part 2 cut short (%d bytes announced, %d left)", ErrMalformed, n, c.remaining())
		}
		if len(part2) > 0 && part2[len(part2)-1] == 0 {
			part2 = part2[:len(part2)-1]
		}
		scramble = append(scramble, part2...)
	}
	if len(scramble) != ScrambleLength {
		return nil, fmt.Errorf("%w: handshake scramble of %d bytes, want %d", ErrMalformed, len(scramble), ScrambleLength)
	}
	h.Scramble = scramble
	if caps&ClientPluginAuth != 0 {
		rest := c.rest()
		for i, b := range rest {
			if b == 0 {
				rest = rest[:i]
				break
			}
		}
		if err := checkPluginName(rest); err != nil {
			return nil, err
		}
		h.AuthPlugin = string(rest)
	}
	return h, nil
}

// checkPluginName accepts a plugin name of 1 to 64 letters, digits and underscores.
func checkPluginName(name []byte) error {
	if len(name) == 0 {
		return malformed("handshake announces CLIENT_PLUGIN_AUTH but names no plugin")
	}
	if len(name) > maxPluginName {
		return fmt.Errorf("%w: handshake plugin name of %d bytes", ErrMalformed, len(name))
	}
	for _, b := range name {
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_') {
			return fmt.Errorf("%w: handshake plugin name %q is not an identifier", ErrMalformed, name)
		}
	}
	return nil
}

// HandshakeResponse is the client's reply to the handshake.
type HandshakeResponse struct {
	Capabilities uint64
	MaxPacket    uint32
	Collation    byte
	User         string
	AuthResponse []byte
	Database     string
	AuthPlugin   string
	Attributes   [][2]string
	// ZstdLevel is the zstd compression level asked of the server, sent only with
	// ClientZstdCompression.
	ZstdLevel byte
}

// appendCapsHeader appends the 32 bytes shared by SSLRequest and HandshakeResponse41.
func appendCapsHeader(dst []byte, caps uint64, maxPacket uint32, collation byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(caps))
	dst = binary.LittleEndian.AppendUint32(dst, maxPacket)
	dst = append(dst, collation)
	dst = append(dst, make([]byte, 19)...)
	if caps&ClientMySQL == 0 {
		return binary.LittleEndian.AppendUint32(dst, uint32(caps>>32))
	}
	return append(dst, 0, 0, 0, 0)
}

// AppendSSLRequest appends the SSLRequest payload, sent before the TLS handshake.
func AppendSSLRequest(dst []byte, caps uint64, maxPacket uint32, collation byte) []byte {
	return appendCapsHeader(dst, caps|ClientSSL, maxPacket, collation)
}

// AppendHandshakeResponse appends the HandshakeResponse41 payload.
func AppendHandshakeResponse(dst []byte, r *HandshakeResponse) []byte {
	dst = appendCapsHeader(dst, r.Capabilities, r.MaxPacket, r.Collation)
	dst = append(dst, r.User...)
	dst = append(dst, 0)
	switch {
	case r.Capabilities&ClientPluginAuthLenencClientData != 0:
		dst = AppendLenEncBytes(dst, r.AuthResponse)
	default:
		dst = append(dst, byte(len(r.AuthResponse)))
		dst = append(dst, r.AuthResponse...)
	}
	if r.Capabilities&ClientConnectWithDB != 0 {
		dst = append(dst, r.Database...)
		dst = append(dst, 0)
	}
	if r.Capabilities&ClientPluginAuth != 0 {
		dst = append(dst, r.AuthPlugin...)
		dst = append(dst, 0)
	}
	if r.Capabilities&ClientConnectAttrs != 0 {
		var attrs []byte
		for _, kv := range r.Attributes {
			attrs = AppendLenEncString(attrs, kv[0])
			attrs = AppendLenEncString(attrs, kv[1])
		}
		dst = AppendLenEncBytes(dst, attrs)
	}
	if r.Capabilities&ClientZstdCompression != 0 {
		dst = append(dst, r.ZstdLevel)
	}
	return dst
}

// AuthSwitch is an AuthSwitchRequest: the server asks for another auth plugin.
type AuthSwitch struct {
	Plugin string
	Data   []byte // the new scramble, trailing NUL removed
}

// ParseAuthSwitch decodes an AuthSwitchRequest payload (starting with 0xfe).
func ParseAuthSwitch(p []byte) (*AuthSwitch, error) {
	c := cursor{b: p}
	if c.u8() != HeaderAuthSwitch {
		return nil, malformed("not an auth switch request")
	}
	if c.remaining() == 0 {
		// The old-password switch request: not supported, but not malformed.
		return &AuthSwitch{Plugin: "mysql_old_password"}, nil
	}
	name := c.nulBytes()
	data := c.rest()
	if c.bad {
		return nil, malformed("truncated auth switch request")
	}
	if len(data) > 0 && data[len(data)-1] == 0 {
		data = data[:len(data)-1]
	}
	return &AuthSwitch{Plugin: string(name), Data: append([]byte(nil), data...)}, nil
}
