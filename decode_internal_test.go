package myx

import (
	"database/sql/driver"
	"testing"
	"unsafe"

	"github.com/myxdb/myx/internal/wire"
)

// The decoding plan lives in a Column's padding: result metadata costs no more memory.
func TestColumnSize(t *testing.T) {
	if n := unsafe.Sizeof(Column{}); n > 112 && unsafe.Sizeof(uintptr(0)) == 8 {
		t.Errorf("Column is %d bytes, want at most 112", n)
	}
}

// Binary-protocol temporal values of columns whose precision the server leaves open keep their
// fraction in text.
func TestTemporalTextOpenPrecision(t *testing.T) {
	cfg, _ := ParseConfig("mysql://u@127.0.0.1/db")
	cases := []struct {
		typ  byte
		dec  uint8
		raw  []byte
		want string
	}{
		{wire.TypeDateTime, 39, []byte{0xe4, 0x07, 1, 2, 3, 4, 5, 0x20, 0xa1, 0x07, 0}, "2020-01-02 03:04:05.500000"},
		{wire.TypeDateTime, 31, []byte{0xe4, 0x07, 1, 2, 3, 4, 5}, "2020-01-02 03:04:05"},
		{wire.TypeDateTime, 2, []byte{0xe4, 0x07, 1, 2, 3, 4, 5, 0x20, 0xa1, 0x07, 0}, "2020-01-02 03:04:05.50"},
		{wire.TypeTime, 39, []byte{1, 1, 0, 0, 0, 1, 0, 1, 0x20, 0xa1, 0x07, 0}, "-25:00:01.500000"},
		{wire.TypeTime, 31, []byte{1, 1, 0, 0, 0, 1, 0, 1}, "-25:00:01"},
		{wire.TypeDate, 0, nil, "0000-00-00"},
	}
	for _, tc := range cases {
		r := &Rows{c: &Conn{cfg: cfg}, binary: true}
		r.cols = []Column{{Name: "c", Type: ColumnType(tc.typ), Decimals: tc.dec}}
		r.cols[0].dec = decodingOf(&r.cols[0])
		r.types = []byte{tc.typ}
		r.values = [][]byte{tc.raw}
		if tc.raw == nil {
			r.values[0] = []byte{}
		}
		r.hasRow = true
		var s string
		if err := r.Scan(&s); err != nil || s != tc.want {
			t.Errorf("type %d decimals %d: %q, %v; want %q", tc.typ, tc.dec, s, err, tc.want)
		}
		dv := make([]driver.Value, 1)
		if _, err := r.DriverValues(dv, nil); err != nil || string(dv[0].([]byte)) != tc.want {
			t.Errorf("type %d decimals %d: DriverValues %q, %v; want %q", tc.typ, tc.dec, dv[0], err, tc.want)
		}
	}
}
