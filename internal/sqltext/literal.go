package sqltext

import (
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"
)

// NeedsMode reports whether the literal of s depends on the session: only a backslash does.
// Every other byte is written as it is (a quote doubled), and such a literal reads the same
// in every character set a client may use (no multibyte character has a quote as a later byte)
// and under either backslash mode.
func NeedsMode(s string) bool { return strings.IndexByte(s, '\\') >= 0 }

// AppendString appends s as a single-quoted string literal: quotes doubled, and, unless mode
// has NoBackslashEscapes, backslashes doubled; every other byte as it is (or, with Readable and
// backslash escapes, NUL, newline, carriage return and Ctrl-Z as \0, \n, \r and \Z, for logs).
// The literal is correct for a session in mode whose character set cannot hide a backslash
// inside a multibyte character (use AppendHexString for gbk, big5, sjis, cp932 and gb18030
// when NeedsMode(s)).
func AppendString(b []byte, s string, mode Mode) []byte {
	b = append(b, '\'')
	backslash := mode&NoBackslashEscapes == 0
	readable := backslash && mode&Readable != 0
	start := 0
	for i := 0; i < len(s); i++ {
		var esc byte
		switch c := s[i]; {
		case c == '\'':
			esc = '\''
		case c == '\\' && backslash:
			esc = '\\'
		case !readable || c > '\r' && c != 0x1a:
			continue
		case c == 0:
			esc = '0'
		case c == '\n':
			esc = 'n'
		case c == '\r':
			esc = 'r'
		case c == 0x1a:
			esc = 'Z'
		default:
			continue
		}
		b = append(b, s[start:i]...)
		if esc == '\'' {
			b = append(b, '\'', '\'')
		} else {
			b = append(b, '\\', esc)
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '\'')
}

// AppendHexString appends s as a hexadecimal string literal in charset: _charset X'...'
// (the empty string as ”). Its meaning depends on neither the SQL mode nor the connection's
// character set, and it holds no quote a lexer could misread; its collation is the character
// set's default one.
func AppendHexString(b []byte, s, charset string) []byte {
	if s == "" {
		return append(b, '\'', '\'')
	}
	b = append(b, '_')
	b = append(b, charset...)
	b = append(b, " X'"...)
	b = hex.AppendEncode(b, unsafeBytes(s))
	return append(b, '\'')
}

// AppendBytes appends a binary string literal X'...'.
func AppendBytes(b []byte, v []byte) []byte {
	b = append(b, "X'"...)
	b = hex.AppendEncode(b, v)
	return append(b, '\'')
}

// AppendBool appends 1 or 0.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, '1')
	}
	return append(b, '0')
}

// AppendFloat appends f in exponent notation, so that the literal is a DOUBLE (a plain decimal
// number would be a DECIMAL). bits is 32 or 64. NaN and infinities have no literal: ok is
// false.
func AppendFloat(b []byte, f float64, bits int) (out []byte, ok bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	return strconv.AppendFloat(b, f, 'e', -1, bits), true
}

// AppendShortestFloat appends f as strconv's shortest 'g' form of a float64 ("0.1", "1.5",
// "1e+21"), as go-sql-driver/mysql writes an interpolated float: a plain number is a DECIMAL
// literal, one with an exponent a DOUBLE. NaN and infinities have no literal: ok is false.
func AppendShortestFloat(b []byte, f float64) (out []byte, ok bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64), true
}

// LiteralFsp is the number of fractional digits a temporal literal needs: 6, or none when the
// fraction is zero.
func LiteralFsp(micros int) int {
	if micros != 0 {
		return 6
	}
	return 0
}

// AppendDate formats YYYY-MM-DD.
func AppendDate(b []byte, year, month, day int) []byte {
	b = append4(b, year)
	b = append(b, '-')
	b = append2(b, month)
	b = append(b, '-')
	return append2(b, day)
}

// AppendDateTime formats "YYYY-MM-DD HH:MM:SS[.ffffff]" with fsp fractional digits (0 to 6).
func AppendDateTime(b []byte, year, month, day, hour, minute, second, micros, fsp int) []byte {
	b = AppendDate(b, year, month, day)
	b = append(b, ' ')
	b = append2(b, hour)
	b = append(b, ':')
	b = append2(b, minute)
	b = append(b, ':')
	b = append2(b, second)
	return AppendFraction(b, micros, fsp)
}

// AppendTime formats t's own date and clock (no conversion of location) as a DATETIME
// literal's text, with microseconds when there are any. ok is false outside years 0 to 9999.
func AppendTime(b []byte, t time.Time) (out []byte, ok bool) {
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return b, false
	}
	h, mi, s := t.Clock()
	us := t.Nanosecond() / 1000
	return AppendDateTime(b, y, int(mo), d, h, mi, s, us, LiteralFsp(us)), true
}

// AppendTimeText formats t's own date and clock (no conversion of location) as
// go-sql-driver/mysql sends a time.Time: "YYYY-MM-DD" when the clock is all zero, else
// "YYYY-MM-DD HH:MM:SS" with the nanoseconds after a point, trailing zeros trimmed (up to nine
// digits; the server rounds or truncates them to the column's precision). ok is false outside
// years 1 to 9999 (the zero time.Time is the caller's to spell "0000-00-00").
func AppendTimeText(b []byte, t time.Time) (out []byte, ok bool) {
	y, mo, d := t.Date()
	if y < 1 || y > 9999 {
		return b, false
	}
	h, mi, s := t.Clock()
	ns := t.Nanosecond()
	b = AppendDate(b, y, int(mo), d)
	if h == 0 && mi == 0 && s == 0 && ns == 0 {
		return b, true
	}
	b = append(b, ' ')
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	b = append2(b, s)
	if ns == 0 {
		return b, true
	}
	var digits [9]byte
	for i := 8; i >= 0; i-- {
		digits[i] = byte('0' + ns%10)
		ns /= 10
	}
	n := len(digits)
	for digits[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, digits[:n]...), true
}

// AppendFraction appends ".ffffff" truncated to fsp digits; nothing when fsp is 0.
func AppendFraction(b []byte, micros, fsp int) []byte {
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

// MaxTime is the largest magnitude of a TIME value (838:59:59 is the server's limit; longer
// durations are refused by the server, not here, up to this bound).
const MaxTime = 100000 * 24 * time.Hour

// AppendDuration formats d as "[-]HH:MM:SS[.ffffff]" (hours may exceed 24) with fsp digits.
func AppendDuration(b []byte, d time.Duration, fsp int) []byte {
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
	return AppendFraction(b, int(d/time.Microsecond), fsp)
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10%10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// AppendIdent appends name quoted with backticks, a backtick inside doubled. A quoted
// identifier reads the same in every SQL mode and character set.
func AppendIdent(b []byte, name string) []byte {
	b = append(b, '`')
	start := 0
	for i := 0; i < len(name); i++ {
		if name[i] == '`' {
			b = append(b, name[start:i+1]...)
			b = append(b, '`')
			start = i + 1
		}
	}
	b = append(b, name[start:]...)
	return append(b, '`')
}

// AppendQualifiedIdent quotes "db.table" as `db`.`table` (a name without a dot as one
// identifier).
func AppendQualifiedIdent(b []byte, name string) []byte {
	if db, tbl, ok := strings.Cut(name, "."); ok {
		b = AppendIdent(b, db)
		b = append(b, '.')
		return AppendIdent(b, tbl)
	}
	return AppendIdent(b, name)
}

// AppendLoadDataField appends s as a field of LOAD DATA's default text format (FIELDS
// TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'): backslash, tab, newline and
// NUL escaped with a backslash. The file is read as CHARACTER SET binary, so no character set
// applies.
func AppendLoadDataField(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc byte
		switch s[i] {
		case '\\':
			esc = '\\'
		case '\t':
			esc = 't'
		case '\n':
			esc = 'n'
		case 0:
			esc = '0'
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, '\\', esc)
		start = i + 1
	}
	return append(b, s[start:]...)
}

// LoadDataNull is how a NULL field is written in LOAD DATA's text format.
const LoadDataNull = `\N`
