package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/sqltext"
)

// sink prints the rows of one result set in one format. The values given to row are valid
// only during the call; nil is NULL.
type sink interface {
	begin(cols []myx.Column)
	row(vals []sql.RawBytes) error
	// end finishes the set after its last row; abort drops what is still buffered after an
	// error, printing nothing more.
	end() error
	abort()
}

// isNumericType reports whether the mariadb client right-aligns a column of type t.
func isNumericType(t myx.ColumnType) bool {
	switch t {
	case myx.TypeTiny, myx.TypeShort, myx.TypeInt24, myx.TypeLong, myx.TypeLongLong,
		myx.TypeFloat, myx.TypeDouble, myx.TypeDecimal, myx.TypeNewDecimal, myx.TypeYear:
		return true
	}
	return false
}

func isTemporalType(t myx.ColumnType) bool {
	switch t {
	case myx.TypeDate, myx.TypeDateTime, myx.TypeTimestamp, myx.TypeTime:
		return true
	}
	return false
}

// asHex reports whether a value of col is shown as 0x hex: BIT values, and binary data that
// is not UTF-8 text.
func asHex(col *myx.Column, v []byte) bool {
	return col.Type == myx.TypeBit || col.IsBinary() && !utf8.Valid(v)
}

// appendDisplay appends v as the table and vertical formats show it and returns the display
// width of what it appended: NULL as NULL; a value that reads NULL or starts with a quote as an
// SQL string literal, so that it cannot be taken for NULL; control characters and backslashes
// escaped; BIT values and binary data that is not UTF-8 as 0x hex.
func appendDisplay(b []byte, v []byte, col *myx.Column) ([]byte, int) {
	if v == nil {
		return append(b, "NULL"...), 4
	}
	if asHex(col, v) {
		b = append(b, "0x"...)
		return hex.AppendEncode(b, v), 2 + 2*len(v)
	}
	if string(v) == "NULL" || len(v) > 0 && v[0] == '\'' {
		b = append(b, '\'')
		b, w := appendEscaped(b, v, true)
		return append(b, '\''), w + 2
	}
	return appendEscaped(b, v, false)
}

// appendEscaped appends s with control characters and backslashes escaped (and single quotes
// doubled when quoted) and returns its display width.
func appendEscaped(b []byte, s []byte, quoted bool) ([]byte, int) {
	w, start := 0, 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '\\' && !(quoted && c == '\'') {
			i++
			w++
			continue
		}
		b = append(b, s[start:i]...)
		var esc string
		size := 1
		switch {
		case c == '\\':
			esc = `\\`
		case c == '\'':
			esc = `''`
		case c == '\t':
			esc = `\t`
		case c == '\n':
			esc = `\n`
		case c == '\r':
			esc = `\r`
		case c == 0:
			esc = `\0`
		case c < 0x80:
			esc = `\x` + hex.EncodeToString([]byte{c})
		default:
			r, n := utf8.DecodeRune(s[i:])
			size = n
			switch {
			case r == utf8.RuneError && n == 1:
				esc = `\x` + hex.EncodeToString([]byte{c})
			case r < 0xa0 || r == 0x2028 || r == 0x2029:
				esc = `\u` + strconv.FormatUint(uint64(r)|0x10000, 16)[1:]
			default:
				b = append(b, s[i:i+n]...)
				w += runeWidth(r)
				i += n
				start = i
				continue
			}
		}
		b = append(b, esc...)
		w += len(esc)
		i += size
		start = i
	}
	return append(b, s[start:]...), w
}

// runeWidth is the number of terminal columns r takes: 0 for combining marks and format
// characters, 2 for East Asian wide and fullwidth characters (and most emoji), else 1.
func runeWidth(r rune) int {
	switch {
	case r < 0x300:
		return 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	case r >= 0x1100 && r <= 0x115f, r >= 0x2e80 && r <= 0x303e, r >= 0x3041 && r <= 0x33ff,
		r >= 0x3400 && r <= 0x4dbf, r >= 0x4e00 && r <= 0x9fff, r >= 0xa000 && r <= 0xa4cf,
		r >= 0xac00 && r <= 0xd7a3, r >= 0xf900 && r <= 0xfaff, r >= 0xfe30 && r <= 0xfe4f,
		r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6, r >= 0x1f300 && r <= 0x1f64f,
		r >= 0x1f900 && r <= 0x1f9ff, r >= 0x20000 && r <= 0x3fffd:
		return 2
	}
	return 1
}

// maxHeld bounds the bytes of the rows a table holds to decide its widths, so that a sample of
// large values does not take the memory of the whole sample.
const maxHeld = 8 << 20

// tableSink prints the mariadb client's table. The first sample rows (at most maxHeld bytes of
// them) are held to decide the column widths (when there are more, numbers and times take the width their column
// definition gives); later rows are printed as they come, a wider value whole.
type tableSink struct {
	w       *bufio.Writer
	sample  int
	cols    []myx.Column
	widths  []int
	right   []bool
	held    []byte // the held rows' cells, displayed, one after another
	ends    []int  // per held cell: its end in held
	cellW   []int  // per held cell: its display width
	nheld   int
	flowing bool // the sample has been printed; rows go straight out
	printed int
	scratch []byte
}

func (t *tableSink) begin(cols []myx.Column) {
	t.cols = cols
	t.widths = make([]int, len(cols))
	t.right = make([]bool, len(cols))
	for i := range cols {
		_, t.widths[i] = appendEscaped(nil, []byte(cols[i].Name), false)
		t.right[i] = isNumericType(cols[i].Type)
	}
}

func (t *tableSink) row(vals []sql.RawBytes) error {
	if !t.flowing && (t.nheld == t.sample || len(t.held) > maxHeld) {
		t.release(true)
	}
	if t.flowing {
		for i, v := range vals {
			var w int
			t.scratch, w = appendDisplay(t.scratch[:0], v, &t.cols[i])
			t.cell(i, t.scratch, w)
		}
		t.w.WriteString("|\n")
		t.printed++
		return nil
	}
	for i, v := range vals {
		var w int
		t.held, w = appendDisplay(t.held, v, &t.cols[i])
		t.ends = append(t.ends, len(t.held))
		t.cellW = append(t.cellW, w)
		t.widths[i] = max(t.widths[i], w)
	}
	t.nheld++
	return nil
}

// release prints the header and the held rows, and lets later rows flow; more says that more
// rows follow.
func (t *tableSink) release(more bool) {
	t.flowing = true
	if t.nheld == 0 {
		return
	}
	if more {
		// More rows may follow: numbers and times, whose widest text the column definition
		// gives, take that width, so that they stay aligned after the sample too.
		for i := range t.cols {
			if isNumericType(t.cols[i].Type) || isTemporalType(t.cols[i].Type) {
				t.widths[i] = max(t.widths[i], min(int(t.cols[i].Length), 40))
			}
		}
	}
	t.border()
	for i := range t.cols {
		name, w := appendEscaped(nil, []byte(t.cols[i].Name), false)
		t.pad(name, w, t.widths[i], false)
	}
	t.w.WriteString("|\n")
	t.border()
	start, k := 0, 0
	for range t.nheld {
		for i := range t.cols {
			t.cell(i, t.held[start:t.ends[k]], t.cellW[k])
			start = t.ends[k]
			k++
		}
		t.w.WriteString("|\n")
	}
	t.printed = t.nheld
	t.held, t.ends, t.cellW = nil, nil, nil
}

func (t *tableSink) cell(i int, s []byte, w int) { t.pad(s, w, t.widths[i], t.right[i]) }

// pad writes "| " s " " with s padded to width (on the left when right-aligned).
func (t *tableSink) pad(s []byte, w, width int, right bool) {
	t.w.WriteString("| ")
	if right {
		t.spaces(width - w)
	}
	t.w.Write(s)
	if !right {
		t.spaces(width - w)
	}
	t.w.WriteByte(' ')
}

func (t *tableSink) spaces(n int) {
	const blank = "                                                                "
	for n > 0 {
		k := min(n, len(blank))
		t.w.WriteString(blank[:k])
		n -= k
	}
}

func (t *tableSink) border() {
	for _, w := range t.widths {
		t.w.WriteByte('+')
		for range w + 2 {
			t.w.WriteByte('-')
		}
	}
	t.w.WriteString("+\n")
}

func (t *tableSink) end() error {
	if !t.flowing {
		t.release(false)
	}
	if t.printed > 0 {
		t.border()
	}
	return nil
}

func (t *tableSink) abort() { t.held, t.ends, t.cellW, t.nheld = nil, nil, nil, 0 }

// verticalSink prints each row as "name: value" lines under a row header, as the mariadb
// client's \G does.
type verticalSink struct {
	w       *bufio.Writer
	cols    []myx.Column
	names   [][]byte // right-aligned, with ": "
	n       int
	scratch []byte
}

func (v *verticalSink) begin(cols []myx.Column) {
	v.cols = cols
	width := 0
	names := make([][]byte, len(cols))
	widths := make([]int, len(cols))
	for i := range cols {
		names[i], widths[i] = appendEscaped(nil, []byte(cols[i].Name), false)
		width = max(width, widths[i])
	}
	for i := range names {
		names[i] = append([]byte(strings.Repeat(" ", width-widths[i])), append(names[i], ": "...)...)
	}
	v.names = names
}

func (v *verticalSink) row(vals []sql.RawBytes) error {
	v.n++
	v.w.WriteString("*************************** ")
	v.w.WriteString(strconv.Itoa(v.n))
	v.w.WriteString(". row ***************************\n")
	for i, val := range vals {
		v.w.Write(v.names[i])
		v.scratch, _ = appendDisplay(v.scratch[:0], val, &v.cols[i])
		v.w.Write(v.scratch)
		v.w.WriteByte('\n')
	}
	return nil
}

func (v *verticalSink) end() error { return nil }
func (v *verticalSink) abort()     {}

// tsvSink prints LOAD DATA's default text format: tab-separated fields, newline-terminated
// lines, backslash, tab, newline and NUL escaped, NULL as \N. Values are the exact bytes.
type tsvSink struct {
	w       *bufio.Writer
	header  bool
	scratch []byte
}

func (t *tsvSink) begin(cols []myx.Column) {
	if !t.header {
		return
	}
	for i := range cols {
		if i > 0 {
			t.w.WriteByte('\t')
		}
		t.w.Write(sqltext.AppendLoadDataField(t.scratch[:0], cols[i].Name))
	}
	t.w.WriteByte('\n')
}

func (t *tsvSink) row(vals []sql.RawBytes) error {
	b := t.scratch[:0]
	for i, v := range vals {
		if i > 0 {
			b = append(b, '\t')
		}
		if v == nil {
			b = append(b, sqltext.LoadDataNull...)
		} else {
			b = sqltext.AppendLoadDataField(b, bytesString(v))
		}
	}
	b = append(b, '\n')
	t.w.Write(b)
	t.scratch = b
	return nil
}

func (t *tsvSink) end() error { return nil }
func (t *tsvSink) abort()     {}

// csvSink prints RFC 4180 CSV: a field is quoted when it is empty or holds a comma, quote, CR
// or newline; NULL is an empty unquoted field. BIT values and binary data that is not UTF-8
// are written as 0x hex.
type csvSink struct {
	w       *bufio.Writer
	header  bool
	cols    []myx.Column
	scratch []byte
}

func (c *csvSink) begin(cols []myx.Column) {
	c.cols = cols
	if !c.header {
		return
	}
	b := c.scratch[:0]
	for i := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCSVField(b, []byte(cols[i].Name))
	}
	c.w.Write(append(b, '\n'))
	c.scratch = b
}

func (c *csvSink) row(vals []sql.RawBytes) error {
	b := c.scratch[:0]
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		switch {
		case v == nil:
		case asHex(&c.cols[i], v):
			b = append(b, "0x"...)
			b = hex.AppendEncode(b, v)
		default:
			b = appendCSVField(b, v)
		}
	}
	b = append(b, '\n')
	c.w.Write(b)
	c.scratch = b
	return nil
}

func appendCSVField(b, v []byte) []byte {
	if len(v) > 0 && !bytes.ContainsAny(v, ",\"\r\n") {
		return append(b, v...)
	}
	b = append(b, '"')
	for _, c := range v {
		if c == '"' {
			b = append(b, '"')
		}
		b = append(b, c)
	}
	return append(b, '"')
}

func (c *csvSink) end() error { return nil }
func (c *csvSink) abort()     {}

// jsonSink prints one JSON object per row, keys in column order: as JSON lines, or (array)
// as one array per result set. NULL is null; numbers are numbers (the server's exact text);
// JSON columns are embedded; BIT values and binary data that is not UTF-8 are "0x…" strings.
type jsonSink struct {
	w       *bufio.Writer
	array   bool
	cols    []myx.Column
	keys    [][]byte // `"name":`
	kinds   []jsonKind
	n       int
	scratch []byte
}

type jsonKind uint8

const (
	jsonString jsonKind = iota
	jsonNumber
	jsonRaw // a JSON column: embedded when valid
)

func (j *jsonSink) begin(cols []myx.Column) {
	j.cols = cols
	j.keys = make([][]byte, len(cols))
	j.kinds = make([]jsonKind, len(cols))
	for i := range cols {
		j.keys[i] = append(appendJSONString(nil, []byte(cols[i].Name)), ':')
		switch {
		case cols[i].Type == myx.TypeBit:
		case isNumericType(cols[i].Type):
			j.kinds[i] = jsonNumber
		case cols[i].Type == myx.TypeJSON || cols[i].ExtType == "json":
			j.kinds[i] = jsonRaw
		}
	}
}

func (j *jsonSink) row(vals []sql.RawBytes) error {
	b := j.scratch[:0]
	if j.array {
		if j.n == 0 {
			b = append(b, "[\n"...)
		} else {
			b = append(b, ",\n"...)
		}
	}
	j.n++
	b = append(b, '{')
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, j.keys[i]...)
		switch {
		case v == nil:
			b = append(b, "null"...)
		case j.kinds[i] == jsonNumber && isJSONNumber(v), j.kinds[i] == jsonRaw && json.Valid(v):
			b = append(b, v...)
		case asHex(&j.cols[i], v):
			b = append(b, `"0x`...)
			b = hex.AppendEncode(b, v)
			b = append(b, '"')
		default:
			b = appendJSONString(b, v)
		}
	}
	b = append(b, '}')
	if !j.array {
		b = append(b, '\n')
	}
	j.w.Write(b)
	j.scratch = b
	return nil
}

func (j *jsonSink) end() error {
	if j.array {
		if j.n == 0 {
			j.w.WriteString("[]\n")
		} else {
			j.w.WriteString("\n]\n")
		}
	}
	return nil
}

func (j *jsonSink) abort() {}

// isJSONNumber reports whether v is a number in JSON's grammar (the server's text of integers,
// decimals and floats is; this guards the rest).
func isJSONNumber(v []byte) bool {
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	digits := func() int {
		s := i
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		return i - s
	}
	if n := digits(); n == 0 || n > 1 && v[i-n] == '0' {
		return false
	}
	if i < len(v) && v[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(v)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s []byte) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < 0x80 {
			i++
			continue
		}
		if c >= 0x80 {
			r, n := utf8.DecodeRune(s[i:])
			if r != utf8.RuneError || n != 1 {
				i += n
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// bytesString views b as a string without copying, for calls that do not keep it.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
