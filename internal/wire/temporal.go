package wire

import (
	"encoding/binary"
	"fmt"
	"time"
)

// DateTime is a DATE, DATETIME or TIMESTAMP value as the server sent it, before any time zone is
// applied. The zero value is the zero date 0000-00-00 00:00:00.
type DateTime struct {
	Year, Month, Day             int
	Hour, Minute, Second, Micros int
}

// The methods take a pointer: a struct of more than four fields lives in memory, and reading
// rows decodes one DateTime per temporal value, which copies by value would multiply.

// IsZero reports whether every field is zero (MySQL's zero date).
func (d *DateTime) IsZero() bool {
	return d.Year|d.Month|d.Day|d.Hour|d.Minute|d.Second|d.Micros == 0
}

func (d *DateTime) valid() bool {
	return d.Year <= 9999 && d.Month <= 12 && d.Day <= 31 && d.Hour < 24 && d.Minute < 60 &&
		d.Second < 60 && d.Micros < 1000000
}

// Time returns d in loc as time.Date(d.Year, d.Month, d.Day, d.Hour, d.Minute, d.Second,
// d.Micros*1000, loc) gives it, a day past the end of its month carrying into the next as
// there. In UTC, the default location, it is computed directly: time.Date's general path
// (normalising every field, looking the zone up) costs several times as much, and it runs for
// every temporal value of every row.
func (d *DateTime) Time(loc *time.Location) time.Time {
	if loc != time.UTC || d.Month < 1 || d.Month > 12 || d.Year < 0 || d.Day < 0 {
		return time.Date(d.Year, time.Month(d.Month), d.Day, d.Hour, d.Minute, d.Second, d.Micros*1000, loc)
	}
	sec := daysSinceEpoch(d.Year, d.Month, d.Day)*86400 + int64(d.Hour*3600+d.Minute*60+d.Second)
	return time.Unix(sec, int64(d.Micros)*1000).UTC()
}

// daysSinceEpoch counts the days from 1970-01-01 to year-month-day in the proleptic Gregorian
// calendar (year >= 0, 1 <= month <= 12, day >= 0, a day beyond the month's carrying on),
// counting years from March so that the leap day ends a year (H. Hinnant's days_from_civil).
func daysSinceEpoch(year, month, day int) int64 {
	y := year + 400 // one 400-year era later, taken off below, keeps y positive for year 0
	if month <= 2 {
		y--
		month += 12
	}
	era := y / 400
	yoe := y - era*400                               // [0, 399]
	doy := (153*(month-3)+2)/5 + day - 1             // from March 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy           // [0, 146096] for days within their month
	return int64(era-1)*146097 + int64(doe) - 719468 // 719468: 0000-03-01 to 1970-01-01
}

// SetBinary sets d from a binary-protocol DATE/DATETIME/TIMESTAMP value (its length byte
// already removed: 0, 4, 7 or 11 bytes).
func (d *DateTime) SetBinary(b []byte) error {
	*d = DateTime{}
	switch len(b) {
	case 0:
		return nil
	case 4, 7, 11:
	default:
		return fmt.Errorf("%w: datetime of %d bytes", ErrMalformed, len(b))
	}
	d.Year = int(binary.LittleEndian.Uint16(b))
	d.Month = int(b[2])
	d.Day = int(b[3])
	if len(b) >= 7 {
		d.Hour, d.Minute, d.Second = int(b[4]), int(b[5]), int(b[6])
	}
	if len(b) == 11 {
		d.Micros = int(binary.LittleEndian.Uint32(b[7:]))
	}
	if !d.valid() {
		return malformed("datetime out of range")
	}
	return nil
}

// AppendBinaryDateTime appends d in the binary protocol, with its length byte, using the
// shortest form that holds it.
func AppendBinaryDateTime(dst []byte, d DateTime) []byte {
	switch {
	case d.Micros != 0:
		dst = append(dst, 11, byte(d.Year), byte(d.Year>>8), byte(d.Month), byte(d.Day),
			byte(d.Hour), byte(d.Minute), byte(d.Second))
		return binary.LittleEndian.AppendUint32(dst, uint32(d.Micros))
	case d.Hour != 0 || d.Minute != 0 || d.Second != 0:
		return append(dst, 7, byte(d.Year), byte(d.Year>>8), byte(d.Month), byte(d.Day),
			byte(d.Hour), byte(d.Minute), byte(d.Second))
	case d.IsZero():
		return append(dst, 0)
	default:
		return append(dst, 4, byte(d.Year), byte(d.Year>>8), byte(d.Month), byte(d.Day))
	}
}

// maxTimeDays bounds TIME values so their duration cannot overflow (the server's range is
// ±838:59:59, about 35 days).
const maxTimeDays = 100000

// DecodeBinaryTime decodes a binary-protocol TIME value (length byte removed: 0, 8 or 12 bytes).
func DecodeBinaryTime(b []byte) (time.Duration, error) {
	switch len(b) {
	case 0:
		return 0, nil
	case 8, 12:
	default:
		return 0, fmt.Errorf("%w: time of %d bytes", ErrMalformed, len(b))
	}
	neg := b[0] == 1
	days := binary.LittleEndian.Uint32(b[1:])
	h, m, s := b[5], b[6], b[7]
	var us uint32
	if len(b) == 12 {
		us = binary.LittleEndian.Uint32(b[8:])
	}
	if days > maxTimeDays || h >= 24 || m >= 60 || s >= 60 || us >= 1000000 || b[0] > 1 {
		return 0, malformed("time out of range")
	}
	d := time.Duration(days)*24*time.Hour + time.Duration(h)*time.Hour +
		time.Duration(m)*time.Minute + time.Duration(s)*time.Second + time.Duration(us)*time.Microsecond
	if neg {
		d = -d
	}
	return d, nil
}

// AppendBinaryTime appends d as a binary-protocol TIME, with its length byte. Sub-microsecond
// precision is truncated.
func AppendBinaryTime(dst []byte, d time.Duration) []byte {
	if d == 0 {
		return append(dst, 0)
	}
	var neg byte
	if d < 0 {
		neg = 1
		d = -d // the caller bounds d, so this cannot overflow
	}
	days := uint32(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	h := byte(d / time.Hour)
	d -= time.Duration(h) * time.Hour
	m := byte(d / time.Minute)
	d -= time.Duration(m) * time.Minute
	s := byte(d / time.Second)
	d -= time.Duration(s) * time.Second
	us := uint32(d / time.Microsecond)
	if us != 0 {
		dst = append(dst, 12, neg)
		dst = binary.LittleEndian.AppendUint32(dst, days)
		dst = append(dst, h, m, s)
		return binary.LittleEndian.AppendUint32(dst, us)
	}
	dst = append(dst, 8, neg)
	dst = binary.LittleEndian.AppendUint32(dst, days)
	return append(dst, h, m, s)
}

// digits parses b as an unsigned decimal number of exactly len(b) digits.
func digits(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// fraction parses up to 6 digits after a '.', scaled to microseconds.
func fraction(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n, ok := digits(b)
	if !ok {
		return 0, false
	}
	for i := len(b); i < 6; i++ {
		n *= 10
	}
	for i := len(b); i > 6; i-- {
		n /= 10
	}
	return n, true
}

// SetText sets d from a text-protocol DATE ("YYYY-MM-DD") or DATETIME/TIMESTAMP
// ("YYYY-MM-DD HH:MM:SS[.ffffff]"). On failure d is the zero date.
func (d *DateTime) SetText(b []byte) error {
	*d = DateTime{}
	bad := func() error {
		*d = DateTime{}
		return fmt.Errorf("%w: datetime %q", ErrMalformed, b)
	}
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return bad()
	}
	var ok1, ok2, ok3 bool
	d.Year, ok1 = digits(b[0:4])
	d.Month, ok2 = digits(b[5:7])
	d.Day, ok3 = digits(b[8:10])
	if !ok1 || !ok2 || !ok3 {
		return bad()
	}
	if len(b) == 10 {
		if !d.valid() {
			return bad()
		}
		return nil
	}
	if len(b) < 19 || (b[10] != ' ' && b[10] != 'T') || b[13] != ':' || b[16] != ':' {
		return bad()
	}
	d.Hour, ok1 = digits(b[11:13])
	d.Minute, ok2 = digits(b[14:16])
	d.Second, ok3 = digits(b[17:19])
	if !ok1 || !ok2 || !ok3 {
		return bad()
	}
	if len(b) > 19 {
		if b[19] != '.' {
			return bad()
		}
		var ok bool
		if d.Micros, ok = fraction(b[20:]); !ok {
			return bad()
		}
	}
	if !d.valid() {
		return bad()
	}
	return nil
}

// ParseTextTime parses a text-protocol TIME ("[-]H+:MM:SS[.ffffff]").
func ParseTextTime(b []byte) (time.Duration, error) {
	bad := func() (time.Duration, error) { return 0, fmt.Errorf("%w: time %q", ErrMalformed, b) }
	s := b
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg = true
		s = s[1:]
	}
	i := 0
	for i < len(s) && s[i] != ':' {
		i++
	}
	if i == 0 || i > 7 || len(s) < i+6 || s[i+3] != ':' {
		return bad()
	}
	h, ok1 := digits(s[:i])
	m, ok2 := digits(s[i+1 : i+3])
	sec, ok3 := digits(s[i+4 : i+6])
	if !ok1 || !ok2 || !ok3 || m >= 60 || sec >= 60 || h > maxTimeDays*24 {
		return bad()
	}
	us := 0
	if rest := s[i+6:]; len(rest) > 0 {
		if rest[0] != '.' {
			return bad()
		}
		var ok bool
		if us, ok = fraction(rest[1:]); !ok {
			return bad()
		}
	}
	d := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second +
		time.Duration(us)*time.Microsecond
	if neg {
		d = -d
	}
	return d, nil
}
