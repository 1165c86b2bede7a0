package wire

import "encoding/binary"

// cursor reads fields from a payload. Every read is bounds-checked: past the end it yields zero
// values and marks the cursor bad, so parsers check once at the end instead of after each field.
type cursor struct {
	b   []byte
	off int
	bad bool
}

func (c *cursor) remaining() int { return len(c.b) - c.off }

func (c *cursor) need(n int) bool {
	if n < 0 || c.bad || len(c.b)-c.off < n {
		c.bad = true
		return false
	}
	return true
}

func (c *cursor) u8() byte {
	if !c.need(1) {
		return 0
	}
	v := c.b[c.off]
	c.off++
	return v
}

func (c *cursor) u16() uint16 {
	if !c.need(2) {
		return 0
	}
	v := binary.LittleEndian.Uint16(c.b[c.off:])
	c.off += 2
	return v
}

func (c *cursor) u32() uint32 {
	if !c.need(4) {
		return 0
	}
	v := binary.LittleEndian.Uint32(c.b[c.off:])
	c.off += 4
	return v
}

func (c *cursor) bytes(n int) []byte {
	if !c.need(n) {
		return nil
	}
	v := c.b[c.off : c.off+n : c.off+n]
	c.off += n
	return v
}

func (c *cursor) skip(n int) {
	if c.need(n) {
		c.off += n
	}
}

// lenInt reads a length-encoded integer; NULL (0xfb) and the reserved 0xff are malformed here.
func (c *cursor) lenInt() uint64 {
	v, null, n := ReadLenEncInt(c.b[min(c.off, len(c.b)):])
	if n == 0 || null || c.bad {
		c.bad = true
		return 0
	}
	c.off += n
	return v
}

// lenBytes reads a length-encoded string.
func (c *cursor) lenBytes() []byte {
	n := c.lenInt()
	if n > uint64(c.remaining()) {
		c.bad = true
		return nil
	}
	return c.bytes(int(n))
}

// nulBytes reads a NUL-terminated string; a missing terminator is malformed.
func (c *cursor) nulBytes() []byte {
	if c.bad {
		return nil
	}
	for i := c.off; i < len(c.b); i++ {
		if c.b[i] == 0 {
			v := c.b[c.off:i:i]
			c.off = i + 1
			return v
		}
	}
	c.bad = true
	return nil
}

// rest returns everything not yet read.
func (c *cursor) rest() []byte {
	if c.bad {
		return nil
	}
	v := c.b[c.off:]
	c.off = len(c.b)
	return v
}

// ReadLenEncInt decodes a length-encoded integer at the start of b. null reports the NULL marker
// 0xfb (meaningful in rows). n is the number of bytes used; n == 0 means b is too short or starts
// with the reserved byte 0xff.
func ReadLenEncInt(b []byte) (v uint64, null bool, n int) {
	if len(b) == 0 {
		return 0, false, 0
	}
	switch c := b[0]; {
	case c < 0xfb:
		return uint64(c), false, 1
	case c == 0xfb:
		return 0, true, 1
	case c == 0xfc:
		if len(b) < 3 {
			return 0, false, 0
		}
		return uint64(b[1]) | uint64(b[2])<<8, false, 3
	case c == 0xfd:
		if len(b) < 4 {
			return 0, false, 0
		}
		return uint64(b[1]) | uint64(b[2])<<8 | uint64(b[3])<<16, false, 4
	case c == 0xfe:
		if len(b) < 9 {
			return 0, false, 0
		}
		return binary.LittleEndian.Uint64(b[1:]), false, 9
	default:
		return 0, false, 0
	}
}

// AppendLenEncInt appends v as a length-encoded integer.
func AppendLenEncInt(dst []byte, v uint64) []byte {
	switch {
	case v < 0xfb:
		return append(dst, byte(v))
	case v <= 0xffff:
		return append(dst, 0xfc, byte(v), byte(v>>8))
	case v <= 0xffffff:
		return append(dst, 0xfd, byte(v), byte(v>>8), byte(v>>16))
	default:
		dst = append(dst, 0xfe)
		return binary.LittleEndian.AppendUint64(dst, v)
	}
}

// AppendLenEncString appends s as a length-encoded string.
func AppendLenEncString(dst []byte, s string) []byte {
	dst = AppendLenEncInt(dst, uint64(len(s)))
	return append(dst, s...)
}

// AppendLenEncBytes appends b as a length-encoded string.
func AppendLenEncBytes(dst []byte, b []byte) []byte {
	dst = AppendLenEncInt(dst, uint64(len(b)))
	return append(dst, b...)
}
