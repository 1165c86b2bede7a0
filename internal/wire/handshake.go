package wire

import (
	"encoding/binary"
	"fmt"
)

// Handshake is the server's initial handshake packet (protocol version 10).
type Handshake struct {
	ServerVersion string
	ConnID        uint32
	// Scramble is the auth nonce (both parts joined, trailing NUL removed).
	Scramble     []byte
	Capabilities uint64 // includes MariaDB's extended capabilities in the upper 32 bits
	Collation    byte
	Status       uint16
	AuthPlugin   string
}

// ParseHandshake decodes an initial handshake payload. A payload that starts with 0xff is an
// error packet and must be handled by the caller before calling this.
func ParseHandshake(p []byte) (*Handshake, error) {
	c := cursor{b: p}
	if v := c.u8(); v != 10 {
		if c.bad {
			return nil, malformed("empty handshake")
		}
		return nil, fmt.Errorf("%w: unsupported protocol version %d", ErrMalformed, v)
	}
	h := &Handshake{}
	h.ServerVersion = string(c.nulBytes())
	h.ConnID = c.u32()
	part1 := c.bytes(8)
	c.skip(1)
	caps := uint64(c.u16())
	if c.bad {
		return nil, malformed("truncated handshake")
	}
	h.Scramble = append([]byte(nil), part1...)
	h.Capabilities = caps
	if c.remaining() == 0 {
		// Very old servers stop here.
		return h, nil
	}
	h.Collation = c.u8()
	h.Status = c.u16()
	caps |= uint64(c.u16()) << 16
	authLen := int(c.u8())
	c.skip(6)
	ext := c.u32()
	if c.bad {
		return nil, malformed("truncated handshake")
	}
	if caps&ClientMySQL == 0 {
		caps |= uint64(ext) << 32
	}
	h.Capabilities = caps
	if caps&ClientSecureConnection != 0 {
		n := max(13, authLen-8)
		if n > c.remaining() {
			n = c.remaining()
		}
		part2 := c.bytes(n)
		if len(part2) > 0 && part2[len(part2)-1] == 0 {
			part2 = part2[:len(part2)-1]
		}
		h.Scramble = append(h.Scramble, part2...)
	}
	if caps&ClientPluginAuth != 0 && !c.bad {
		rest := c.rest()
		for i, b := range rest {
			if b == 0 {
				rest = rest[:i]
				break
			}
		}
		h.AuthPlugin = string(rest)
	}
	if c.bad {
		return nil, malformed("truncated handshake")
	}
	return h, nil
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
