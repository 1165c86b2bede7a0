package wire

import "fmt"

// ParseTextRow splits a text-protocol row into dst, one slice per column; a NULL column is nil,
// an empty value a non-nil empty slice. The slices point into p.
func ParseTextRow(p []byte, dst [][]byte) error {
	off := 0
	for i := range dst {
		if off >= len(p) {
			return fmt.Errorf("%w: text row column %d", ErrMalformed, i)
		}
		// Lengths below 251 are one byte: read here, the rest (and NULL) by ReadLenEncInt.
		var v uint64
		if c := p[off]; c < 0xfb {
			v = uint64(c)
			off++
		} else {
			var null bool
			var n int
			v, null, n = ReadLenEncInt(p[off:])
			if n == 0 {
				return fmt.Errorf("%w: text row column %d", ErrMalformed, i)
			}
			off += n
			if null {
				dst[i] = nil
				continue
			}
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

// binaryWidth gives, by type, how a binary-protocol value is framed: its width when fixed
// (1 to 8), widthTemporal for temporal values (a 1-byte length), 0 for the rest (a
// length-encoded length). A table, not a switch: ParseBinaryRow consults it for every column of
// every row.
var binaryWidth = [256]int8{
	TypeTiny: 1, TypeShort: 2, TypeYear: 2, TypeInt24: 4, TypeLong: 4, TypeFloat: 4,
	TypeLongLong: 8, TypeDouble: 8,
	TypeDate: widthTemporal, TypeNewDate: widthTemporal, TypeDateTime: widthTemporal,
	TypeTimestamp: widthTemporal, TypeTime: widthTemporal, TypeDateTime2: widthTemporal,
	TypeTimestamp2: widthTemporal, TypeTime2: widthTemporal,
}

const widthTemporal = -1

// IsBinaryEncoded reports whether a binary-protocol value of type t is encoded (a number or a
// temporal value) rather than sent as its text, as every other type is in both protocols.
func IsBinaryEncoded(t byte) bool { return binaryWidth[t] != 0 }

// IsTemporal reports whether t is a DATE, DATETIME, TIMESTAMP or TIME type.
func IsTemporal(t byte) bool { return binaryWidth[t] == widthTemporal }

// ParseBinaryRow splits a binary-protocol row (header 0x00, NULL bitmap, values) into dst, using
// the column types. A NULL column is nil. Temporal values are given without their length byte.
func ParseBinaryRow(p []byte, types []byte, dst [][]byte) error {
	n := len(types)
	bitmap := (n + 7 + 2) / 8
	if len(p) < 1+bitmap || p[0] != 0 {
		return malformed("binary row header")
	}
	dst = dst[:n]
	nulls := p[1 : 1+bitmap]
	off := 1 + bitmap
	// Most rows have no NULL at all: then the bitmap is not consulted column by column.
	var set byte
	for _, b := range nulls {
		set |= b
	}
	if set == 0 {
		nulls = nil
	}
	for i, t := range types {
		if nulls != nil {
			if bit := i + 2; nulls[bit>>3]&(1<<(bit&7)) != 0 {
				dst[i] = nil
				continue
			}
		}
		w := int(binaryWidth[t])
		if w <= 0 {
			// A length byte: temporal values have one, the rest a length-encoded integer,
			// which is one byte too below 251.
			if off >= len(p) {
				return fmt.Errorf("%w: binary row column %d truncated", ErrMalformed, i)
			}
			if c := p[off]; w == widthTemporal || c < 0xfb {
				w = int(c)
				off++
			} else {
				var err error
				if w, off, err = longLength(p, off, i); err != nil {
					return err
				}
			}
		}
		if len(p)-off < w {
			return fmt.Errorf("%w: binary row column %d truncated", ErrMalformed, i)
		}
		end := off + w
		dst[i] = p[off:end:end]
		off = end
	}
	if off != len(p) {
		return fmt.Errorf("%w: binary row has %d trailing bytes", ErrMalformed, len(p)-off)
	}
	return nil
}

// longLength reads the length-encoded length of column i's value at p[off:], one of more than a
// byte, and returns it with the offset past it.
func longLength(p []byte, off, i int) (int, int, error) {
	v, null, m := ReadLenEncInt(p[off:])
	if m == 0 || null {
		return 0, 0, fmt.Errorf("%w: binary row column %d length", ErrMalformed, i)
	}
	off += m
	if v > uint64(len(p)-off) {
		return 0, 0, fmt.Errorf("%w: binary row column %d length %d exceeds packet", ErrMalformed, i, v)
	}
	return int(v), off, nil
}
