package mysqltest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/myxdb/myx/mysqltest/proto"
)

func TestParseQueryAttributes(t *testing.T) {
	qa := DefaultCapabilities | proto.ClientQueryAttributes
	for _, tc := range []struct {
		name    string
		caps    uint64
		payload string
		sql     string
		attrs   []QueryAttr
		err     string
	}{
		{"no capability", DefaultCapabilities, "\x00\x01SELECT 1", "\x00\x01SELECT 1", nil, ""},
		{"none", qa, "\x00\x01SELECT 1", "SELECT 1", nil, ""},
		{"one", qa, "\x01\x01\x00\x01\xfd\x00\x01k\x02vvDO 1", "DO 1", []QueryAttr{{"k", []byte("vv")}}, ""},
		{"NULL and integer", qa, "\x02\x01\x01\x01\x06\x00\x01a\x08\x00\x01b\x07\x00\x00\x00\x00\x00\x00\x00DO 1", "DO 1",
			[]QueryAttr{{"a", nil}, {"b", int64(7)}}, ""},
		{"set count", qa, "\x00\x02DO 1", "", nil, "parameter set count 2"},
		{"bound flag", qa, "\x01\x01\x00\x00DO 1", "", nil, "new params bound flag 0"},
		{"huge count", qa, "\xfc\xff\xff\x01DO", "", nil, "exceeds the packet"},
		{"truncated", qa, "\x01\x01\x00\x01\xfd\x00\x05k", "", nil, "parameter name"},
	} {
		sql, attrs, err := ParseQuery([]byte(tc.payload), tc.caps)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || sql != tc.sql || !reflect.DeepEqual(attrs, tc.attrs) {
			t.Errorf("%s: %q %#v %v", tc.name, sql, attrs, err)
		}
	}
}

func TestDecodeExecuteWithAttributes(t *testing.T) {
	st := &fakeStmt{params: 1, longData: map[int][]byte{}}
	// flags PARAMETER_COUNT_AVAILABLE, iteration 1, count 2, bitmap, bound, the parameter
	// (LONGLONG, unnamed), the attribute (string "n"), then 5 and "v".
	payload := "\x08\x01\x00\x00\x00\x02\x00\x01\x08\x00\x00\xfd\x00\x01n\x05\x00\x00\x00\x00\x00\x00\x00\x01v"
	args, attrs, err := decodeExecuteAttrs(&decoder{buf: []byte(payload)}, st, true)
	if err != nil || !reflect.DeepEqual(args, []any{int64(5)}) || !reflect.DeepEqual(attrs, []QueryAttr{{"n", []byte("v")}}) {
		t.Fatalf("args %#v attrs %#v err %v", args, attrs, err)
	}
	// No parameters, no flag: nothing follows.
	none := &fakeStmt{longData: map[int][]byte{}}
	args, attrs, err = decodeExecuteAttrs(&decoder{buf: []byte("\x00\x01\x00\x00\x00")}, none, true)
	if err != nil || args != nil || attrs != nil {
		t.Fatalf("bare execute: %v %v %v", args, attrs, err)
	}
	// Attributes only, with the flag.
	args, attrs, err = decodeExecuteAttrs(&decoder{buf: []byte("\x08\x01\x00\x00\x00\x01\x00\x01\xfd\x00\x01a\x01b")}, none, true)
	if err != nil || args != nil || !reflect.DeepEqual(attrs, []QueryAttr{{"a", []byte("b")}}) {
		t.Fatalf("attributes only: %v %v %v", args, attrs, err)
	}
	// A count below the statement's parameters is refused.
	if _, _, err := decodeExecuteAttrs(&decoder{buf: []byte("\x08\x01\x00\x00\x00\x00")}, st, true); err == nil {
		t.Fatal("count 0 for a statement with a parameter accepted")
	}
}
