package wire

import "fmt"

// ParseTextRow splits a text-protocol row into dst, one slice per column; a NULL column is nil,
// an empty value a non-nil empty slice. The slices point into p.
func ParseTextRow(p []byte, dst [][]byte) error {
	off := 0
	for i := range dst {
		v, null, n := ReadLenEncInt(p[off:])
		if n == 0 {
			return fmt.Errorf("%w: text row column %d", ErrMalformed, i)
		}
		off += n
		if null {
			dst[i] = nil
			continue
		}
		if v > uint64(len(p)-off) {
			return fmt.Errorf("%w: text row column %d length %d exceeds packet", ErrMalformed, i, v)
		}
		end := off + int(v)
		dst[i] = p[off:end:end]
		off = end
	}
	if off != len(p) {
		return fmt.Errorf("%w: text row has %d trailing bytes", ErrMalformed, len(p)-off)
	}
	return nil
}

// FixedSize returns the encoded width of a binary-protocol value of type t, or 0 when the value
// is variable-length (temporal values carry a 1-byte length, the rest a length-encoded one).
func FixedSize(t byte) int {
	switch t {
	case TypeTiny:
		return 1
	case TypeShort, TypeYear:
		return 2
	case TypeInt24, TypeLong, TypeFloat:
		return 4
	case TypeLongLong, TypeDouble:
		return 8
	}
	return 0
}

func isTemporal(t byte) bool {
	switch t {
	case TypeDate, TypeNewDate, TypeDateTime, TypeTimestamp, TypeTime, TypeDateTime2, TypeTimestamp2, TypeTime2:
		return true
	}
	return false
}

// ParseBinaryRow splits a binary-protocol row (header 0x00, NULL bitmap, values) into dst, using
// the column types. A NULL column is nil. Temporal values are given without their length byte.
func ParseBinaryRow(p []byte, types []byte, dst [][]byte) error {
	n := len(types)
	bitmap := (n + 7 + 2) / 8
	if len(p) < 1+bitmap || p[0] != 0 {
		return malformed("binary row header")
	}
	nulls := p[1 : 1+bitmap]
	off := 1 + bitmap
	for i, t := range types {
		bit := i + 2
		if nulls[bit>>3]&(1<<(bit&7)) != 0 {
			dst[i] = nil
			continue
		}
		if w := FixedSize(t); w > 0 {
			if len(p)-off < w {
				return fmt.Errorf("%w: binary row column %d truncated", ErrMalformed, i)
			}
			dst[i] = p[off : off+w : off+w]
			off += w
			continue
		}
		if isTemporal(t) {
			if off >= len(p) {
				return fmt.Errorf("%w: binary row column %d truncated", ErrMalformed, i)
			}
			w := int(p[off])
			off++
			if len(p)-off < w {
				return fmt.Errorf("%w: binary row column %d truncated", ErrMalformed, i)
			}
			dst[i] = p[off : off+w : off+w]
			off += w
			continue
		}
		v, null, m := ReadLenEncInt(p[off:])
		if m == 0 || null {
			return fmt.Errorf("%w: binary row column %d length", ErrMalformed, i)
		}
		off += m
		if v > uint64(len(p)-off) {
			return fmt.Errorf("%w: binary row column %d length %d exceeds packet", ErrMalformed, i, v)
		}
		end := off + int(v)
		dst[i] = p[off:end:end]
		off = end
	}
	if off != len(p) {
		return fmt.Errorf("%w: binary row has %d trailing bytes", ErrMalformed, len(p)-off)
	}
	return nil
}
