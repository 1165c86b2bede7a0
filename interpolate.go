package myx

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/myxdb/myx/internal/wire"
)

// ErrUnsafeCharset is returned when client-side interpolation is asked for on a connection
// whose character set lets a multibyte character hide a quote or backslash (big5, cp932, gbk,
// sjis, gb18030, and the UCS/UTF-16/32 sets). Use prepared statements (the default) instead.
var ErrUnsafeCharset = errors.New("myx: refusing to interpolate arguments: the connection character set is not safe for client-side escaping")

// interpolate replaces each '?' placeholder outside string literals, quoted identifiers and
// comments with the escaped literal of the matching argument.
func (c *Conn) interpolate(query string, args []any) (string, error) {
	if unsafeInterpolationCharsets[c.charset] {
		return "", ErrUnsafeCharset
	}
	noBackslash := c.status&wire.StatusNoBackslashEscapes != 0
	buf := make([]byte, 0, len(query)+16*len(args))
	n := 0
	err := scanPlaceholders(query, noBackslash, func(seg string, placeholder bool) error {
		buf = append(buf, seg...)
		if !placeholder {
			return nil
		}
		if n >= len(args) {
			n++
			return nil
		}
		var err error
		buf, err = c.appendLiteral(buf, args[n], noBackslash)
		if err != nil {
			return &ArgError{Index: n, Err: err}
		}
		n++
		return nil
	})
	if err != nil {
		return "", err
	}
	if n != len(args) {
		return "", &ArgCountError{Want: n, Got: len(args)}
	}
	return string(buf), nil
}

// scanPlaceholders walks query, calling fn with each stretch of text and whether a '?'
// placeholder follows it. Quotes ('...', "...", `...`) and comments (-- , #, /* */) are
// skipped whole, so a '?' inside them is not a placeholder.
func scanPlaceholders(query string, noBackslash bool, fn func(seg string, placeholder bool) error) error {
	start := 0
	for i := 0; i < len(query); i++ {
		switch ch := query[i]; ch {
		case '?':
			if err := fn(query[start:i], true); err != nil {
				return err
			}
			start = i + 1
		case '\'', '"', '`':
			i++
			for i < len(query) {
				if query[i] == '\\' && !noBackslash && ch != '`' {
					i += 2
					continue
				}
				if query[i] == ch {
					if i+1 < len(query) && query[i+1] == ch { // doubled quote
						i += 2
						continue
					}
					break
				}
				i++
			}
		case '#':
			for i < len(query) && query[i] != '\n' {
				i++
			}
		case '-':
			if i+2 < len(query) && query[i+1] == '-' && (query[i+2] == ' ' || query[i+2] == '\t' || query[i+2] == '\n') {
				for i < len(query) && query[i] != '\n' {
					i++
				}
			}
		case '/':
			if i+1 < len(query) && query[i+1] == '*' {
				end := -1
				for j := i + 2; j+1 < len(query); j++ {
					if query[j] == '*' && query[j+1] == '/' {
						end = j + 1
						break
					}
				}
				if end < 0 {
					i = len(query)
				} else {
					i = end
				}
			}
		}
	}
	return fn(query[min(start, len(query)):], false)
}

// countPlaceholders returns the number of '?' placeholders in query.
func countPlaceholders(query string) int {
	n := 0
	scanPlaceholders(query, false, func(_ string, p bool) error {
		if p {
			n++
		}
		return nil
	})
	return n
}

// appendLiteral appends a as an SQL literal.
func (c *Conn) appendLiteral(b []byte, a any, noBackslash bool) ([]byte, error) {
	switch v := a.(type) {
	case nil:
		return append(b, "NULL"...), nil
	case string:
		return appendQuoted(b, v, noBackslash), nil
	case []byte:
		if v == nil {
			return append(b, "NULL"...), nil
		}
		b = append(b, "X'"...)
		b = hex.AppendEncode(b, v)
		return append(b, '\''), nil
	case json.RawMessage:
		if v == nil {
			return append(b, "NULL"...), nil
		}
		return appendQuoted(b, string(v), noBackslash), nil
	case time.Time, time.Duration:
		// Temporal values are quoted strings in SQL.
		b = append(b, '\'')
		b, ok, err := c.appendScalarText(b, v)
		if !ok || err != nil {
			return b, err
		}
		return append(b, '\''), nil
	case *LocalFile:
		return b, fmt.Errorf("a LocalFile is not a statement argument")
	}
	if b, ok, err := c.appendScalarText(b, a); ok || err != nil {
		return b, err
	}
	v, err := canonicalArg(a)
	if err != nil {
		return b, err
	}
	return c.appendLiteral(b, v, noBackslash)
}

// appendScalarText appends the text form of a number, boolean, time.Time or time.Duration, as
// both interpolated literals and LOAD DATA fields spell them (floats in exponent notation, so
// that a literal is a DOUBLE, not a DECIMAL; times in the connection's location). ok is false
// for any other type, and nothing is appended.
func (c *Conn) appendScalarText(b []byte, a any) (out []byte, ok bool, err error) {
	switch v := a.(type) {
	case int:
		return strconv.AppendInt(b, int64(v), 10), true, nil
	case int64:
		return strconv.AppendInt(b, v, 10), true, nil
	case int32:
		return strconv.AppendInt(b, int64(v), 10), true, nil
	case int16:
		return strconv.AppendInt(b, int64(v), 10), true, nil
	case int8:
		return strconv.AppendInt(b, int64(v), 10), true, nil
	case uint:
		return strconv.AppendUint(b, uint64(v), 10), true, nil
	case uint64:
		return strconv.AppendUint(b, v, 10), true, nil
	case uint32:
		return strconv.AppendUint(b, uint64(v), 10), true, nil
	case uint16:
		return strconv.AppendUint(b, uint64(v), 10), true, nil
	case uint8:
		return strconv.AppendUint(b, uint64(v), 10), true, nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return b, true, fmt.Errorf("%v cannot be stored", v)
		}
		return strconv.AppendFloat(b, v, 'e', -1, 64), true, nil
	case float32:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return b, true, fmt.Errorf("%v cannot be stored", v)
		}
		return strconv.AppendFloat(b, float64(v), 'e', -1, 32), true, nil
	case bool:
		if v {
			return append(b, '1'), true, nil
		}
		return append(b, '0'), true, nil
	case time.Time:
		dt := c.dateTimeOf(v)
		if dt.Year < 0 || dt.Year > 9999 {
			return b, true, fmt.Errorf("time %v outside the DATETIME range (years 0 to 9999)", v)
		}
		return appendDateTime(b, dt, literalFsp(dt.Micros)), true, nil
	case time.Duration:
		if v > maxTimeArg || v < -maxTimeArg {
			return b, true, fmt.Errorf("duration %v out of TIME range", v)
		}
		return appendDuration(b, v, literalFsp(int(v%time.Second))), true, nil
	}
	return b, false, nil
}

// appendQuoted appends s as a single-quoted string literal. With backslash escapes (the
// default SQL mode) the special bytes are backslash-escaped; under NO_BACKSLASH_ESCAPES only
// the quote is doubled, since a backslash is then an ordinary character.
func appendQuoted(b []byte, s string, noBackslash bool) []byte {
	b = append(b, '\'')
	if noBackslash {
		for i := 0; i < len(s); i++ {
			if s[i] == '\'' {
				b = append(b, '\'', '\'')
			} else {
				b = append(b, s[i])
			}
		}
		return append(b, '\'')
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case 0:
			b = append(b, '\\', '0')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\\':
			b = append(b, '\\', '\\')
		case '\'':
			b = append(b, '\\', '\'')
		case '"':
			b = append(b, '\\', '"')
		case 0x1a:
			b = append(b, '\\', 'Z')
		default:
			b = append(b, ch)
		}
	}
	return append(b, '\'')
}

// literalFsp is the number of fractional digits a literal needs: 6, or none without a fraction.
func literalFsp(frac int) int {
	if frac != 0 {
		return 6
	}
	return 0
}

// appendDateTime formats d as "YYYY-MM-DD HH:MM:SS[.ffffff]" with fsp fractional digits.
func appendDateTime(b []byte, d wire.DateTime, fsp int) []byte {
	b = append4(b, d.Year)
	b = append(b, '-')
	b = append2(b, d.Month)
	b = append(b, '-')
	b = append2(b, d.Day)
	b = append(b, ' ')
	b = append2(b, d.Hour)
	b = append(b, ':')
	b = append2(b, d.Minute)
	b = append(b, ':')
	b = append2(b, d.Second)
	return appendFraction(b, d.Micros, fsp)
}

func appendDate(b []byte, d wire.DateTime) []byte {
	b = append4(b, d.Year)
	b = append(b, '-')
	b = append2(b, d.Month)
	b = append(b, '-')
	return append2(b, d.Day)
}

// appendFraction appends ".ffffff" truncated to fsp digits; nothing when fsp is 0.
func appendFraction(b []byte, micros, fsp int) []byte {
	if fsp <= 0 {
		return b
	}
	var digits [6]byte
	m := micros
	for i := 5; i >= 0; i-- {
		digits[i] = byte('0' + m%10)
		m /= 10
	}
	b = append(b, '.')
	return append(b, digits[:min(fsp, 6)]...)
}

// appendDuration formats d as "[-]HH:MM:SS[.ffffff]".
func appendDuration(b []byte, d time.Duration, fsp int) []byte {
	if d < 0 {
		b = append(b, '-')
		d = -d
	}
	h := int64(d / time.Hour)
	d -= time.Duration(h) * time.Hour
	m := int(d / time.Minute)
	d -= time.Duration(m) * time.Minute
	s := int(d / time.Second)
	d -= time.Duration(s) * time.Second
	if h < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, h, 10)
	b = append(b, ':')
	b = append2(b, m)
	b = append(b, ':')
	b = append2(b, s)
	return appendFraction(b, int(d/time.Microsecond), fsp)
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10%10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}
