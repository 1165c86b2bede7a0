package myx

import (
	"database/sql/driver"
	"testing"
	"time"

	"github.com/myxdb/myx/internal/wire"
)

// benchRows is a Rows holding one binary-protocol row shaped like the scan benchmark's (id,
// name, score, created, note, flag), for measuring decoding without a server.
func benchRows(b *testing.B) *Rows {
	r, _ := benchRowsPacket(b)
	return r
}

// benchRowsPacket is benchRows and the row's packet.
func benchRowsPacket(b *testing.B) (*Rows, []byte) {
	cfg, _ := ParseConfig("mysql://u@127.0.0.1/db")
	r := &Rows{c: &Conn{cfg: cfg}, binary: true}
	defs := []wire.ColumnDef{
		{Name: []byte("id"), Type: wire.TypeLongLong},
		{Name: []byte("name"), Type: wire.TypeVarString, Collation: 45},
		{Name: []byte("score"), Type: wire.TypeDouble},
		{Name: []byte("created"), Type: wire.TypeDateTime},
		{Name: []byte("note"), Type: wire.TypeVarString, Collation: 45},
		{Name: []byte("flag"), Type: wire.TypeTiny},
	}
	for i := range defs {
		r.cols = append(r.cols, newColumn(&defs[i]))
		r.types = append(r.types, defs[i].Type)
	}
	p := []byte{0, 0} // header, NULL bitmap
	p = append(p, 42, 0, 0, 0, 0, 0, 0, 0)
	p = append(p, 9, 'n', 'a', 'm', 'e', '-', '0', '0', '4', '2')
	p = append(p, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f)
	p = append(p, 7, 0xe8, 0x07, 1, 2, 3, 4, 5)
	p = append(p, 4, 'n', 'o', 't', 'e')
	p = append(p, 1)
	r.values = make([][]byte, len(defs))
	if err := wire.ParseBinaryRow(p, r.types, r.values); err != nil {
		b.Fatal(err)
	}
	r.hasRow = true
	return r, p
}

// BenchmarkDecodeRow is one row of the scan workload (bench.MyxScan) after it arrives: split
// into columns, then scanned into the workload's destinations.
func BenchmarkDecodeRow(b *testing.B) {
	r, p := benchRowsPacket(b)
	var (
		id, flag   int
		name, note string
		score      float64
		created    time.Time
	)
	b.ReportAllocs()
	for range b.N {
		if err := wire.ParseBinaryRow(p, r.types, r.values); err != nil {
			b.Fatal(err)
		}
		if err := r.Scan(&id, &name, &score, &created, &note, &flag); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeScan(b *testing.B) {
	r := benchRows(b)
	var (
		id      int64
		name    string
		score   float64
		created time.Time
		note    string
		flag    bool
	)
	b.ReportAllocs()
	for range b.N {
		if err := r.Scan(&id, &name, &score, &created, &note, &flag); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeDriverValues(b *testing.B) {
	r := benchRows(b)
	dest := make([]driver.Value, len(r.cols))
	var scratch []byte
	b.ReportAllocs()
	for range b.N {
		var err error
		if scratch, err = r.DriverValues(dest, scratch); err != nil {
			b.Fatal(err)
		}
	}
}
