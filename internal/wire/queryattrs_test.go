package wire

import (
	"bytes"
	"strings"
	"testing"
)

func TestAppendQueryAttrsLayout(t *testing.T) {
	cases := []struct {
		name  string
		attrs []QueryAttr
		want  []byte
	}{
		{"none", nil, []byte{ComQuery, 0, 1, 'S', 'E', 'L', 'E', 'C', 'T', ' ', '1'}},
		{"one", []QueryAttr{{"a", "xy"}}, []byte{
			ComQuery, 1, 1,
			0,                        // NULL bitmap
			1,                        // new params bound
			TypeVarString, 0, 1, 'a', // type, flags, name
			2, 'x', 'y', // value
			'S', 'E', 'L', 'E', 'C', 'T', ' ', '1'}},
		{"two", []QueryAttr{{"k1", ""}, {"traceparent", "v"}}, append([]byte{
			ComQuery, 2, 1, 0, 1,
			TypeVarString, 0, 2, 'k', '1',
			TypeVarString, 0, 11, 't', 'r', 'a', 'c', 'e', 'p', 'a', 'r', 'e', 'n', 't',
			0, 1, 'v'}, "SELECT 1"...)},
	}
	for _, tc := range cases {
		got := AppendQueryAttrs([]byte{9}, tc.attrs, "SELECT 1")
		if got[0] != 9 || !bytes.Equal(got[1:], tc.want) {
			t.Errorf("%s: got % x\nwant   % x", tc.name, got[1:], tc.want)
		}
	}
}

func TestAppendQueryAttrsNineAttributesTwoBitmapBytes(t *testing.T) {
	attrs := make([]QueryAttr, 9)
	for i := range attrs {
		attrs[i] = QueryAttr{Name: string(rune('a' + i)), Value: strings.Repeat("v", i)}
	}
	got := AppendQueryAttrs(nil, attrs, "Q")
	// command, count 9, set count 1, two bitmap bytes (9 values), bound flag
	if !bytes.Equal(got[:6], []byte{ComQuery, 9, 1, 0, 0, 1}) {
		t.Fatalf("start % x", got[:6])
	}
	p := 6
	for i := range attrs {
		if got[p] != TypeVarString || got[p+1] != 0 || got[p+2] != 1 || got[p+3] != byte('a'+i) {
			t.Fatalf("type entry %d: % x", i, got[p:p+4])
		}
		p += 4
	}
	for i := range attrs {
		if int(got[p]) != i || string(got[p+1:p+1+i]) != strings.Repeat("v", i) {
			t.Fatalf("value %d at %d: % x", i, p, got[p:])
		}
		p += 1 + i
	}
	if string(got[p:]) != "Q" {
		t.Fatalf("text %q", got[p:])
	}
}

func TestAppendQueryAttrsLongValueIsLenenc(t *testing.T) {
	v := strings.Repeat("x", 300)
	got := AppendQueryAttrs(nil, []QueryAttr{{"n", v}}, "")
	// ... name, then 0xfc and a two-byte length
	i := bytes.Index(got, []byte{1, 'n'}) + 2
	if got[i] != 0xfc || got[i+1] != 300&0xff || got[i+2] != 300>>8 || string(got[i+3:]) != v {
		t.Fatalf("value encoding % x", got[i:i+3])
	}
}
