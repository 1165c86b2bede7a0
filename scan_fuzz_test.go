package myx

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"testing"
	"time"

	"github.com/myxdb/myx/internal/wire"
)

// FuzzScan feeds arbitrary column metadata and row bytes (text or binary protocol) through
// every destination type: conversion may fail, never panic.
func FuzzScan(f *testing.F) {
	f.Add(byte(wire.TypeLongLong), uint16(0), true, []byte{0, 0, 1, 2, 3, 4, 5, 6, 7, 8})
	f.Add(byte(wire.TypeDateTime), uint16(0), true, []byte{0, 0, 7, 0xe8, 7, 1, 2, 3, 4, 5})
	f.Add(byte(wire.TypeTime), uint16(0), true, []byte{0, 0, 8, 1, 1, 0, 0, 0, 2, 3, 4})
	f.Add(byte(wire.TypeNewDecimal), uint16(0), false, []byte{5, '1', '2', '.', '0', '0'})
	f.Add(byte(wire.TypeDouble), uint16(0), false, []byte{3, '1', 'e', '9'})
	f.Add(byte(wire.TypeBit), uint16(0), false, []byte{2, 0xff, 0x01})
	f.Add(byte(wire.TypeTiny), uint16(wire.FlagUnsigned), true, []byte{0, 0, 0xff})
	f.Fuzz(func(t *testing.T, typ byte, flags uint16, binary bool, row []byte) {
		cfg, _ := ParseConfig("mysql://u@127.0.0.1/db")
		r := &Rows{c: &Conn{cfg: cfg}, binary: binary}
		r.cols = []Column{{Name: "c", Type: ColumnType(typ), Flags: ColumnFlags(flags), Decimals: 6}}
		r.types = []byte{typ}
		r.values = make([][]byte, 1)
		var err error
		if binary {
			err = wire.ParseBinaryRow(row, r.types, r.values)
		} else {
			err = wire.ParseTextRow(row, r.values)
		}
		if err != nil {
			return
		}
		r.hasRow = true
		var (
			s   string
			i   int
			i8  int8
			u   uint64
			u16 uint16
			f64 float64
			f32 float32
			b   bool
			bs  []byte
			rb  sql.RawBytes
			tm  time.Time
			d   time.Duration
			a   any
			ns  sql.NullString
			ni  sql.Null[int64]
			nd  sql.Null[time.Duration]
			pi  *int
			js  json.RawMessage
		)
		for _, dest := range []any{&s, &i, &i8, &u, &u16, &f64, &f32, &b, &bs, &rb, &tm, &d, &a, &ns, &ni, &nd, &pi, &js} {
			r.Scan(dest)
		}
		r.Values()
		dv := make([]driver.Value, 1)
		for _, parseTime := range []bool{false, true} {
			cfg.ParseTime = parseTime
			var sc anyScanner
			r.Scan(&sc)
			r.DriverValues(dv, nil)
			// The decoding plan is the same whether computed on use or when the definition
			// arrived.
			r.cols[0].dec = decodingOf(&r.cols[0])
			var sc2 anyScanner
			err1 := r.Scan(&sc2)
			r.cols[0].dec = decUnset
			if err2 := r.Scan(&sc); (err1 == nil) != (err2 == nil) {
				t.Errorf("planned and unplanned decoding disagree: %v, %v", err1, err2)
			}
		}
	})
}

// anyScanner is a sql.Scanner that accepts anything.
type anyScanner struct{ v any }

func (s *anyScanner) Scan(src any) error { s.v = src; return nil }
