package wire

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

func TestWriterSplitsAndReaderJoins(t *testing.T) {
	for _, size := range []int{0, 1, MaxPacketPayload - 1, MaxPacketPayload, MaxPacketPayload + 1, 2*MaxPacketPayload + 7} {
		var w Writer
		w.StartCommand()
		payload := bytes.Repeat([]byte{'x'}, size)
		if size > 0 {
			payload[size-1] = 'z'
		}
		w.B = append(w.B, payload...)
		w.Finish()
		wantPackets := size/MaxPacketPayload + 1
		if int(w.Seq) != wantPackets {
			t.Errorf("size %d: %d packets, want %d", size, w.Seq, wantPackets)
		}
		r := NewReader(bytes.NewReader(w.B))
		got, err := r.Next()
		if err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("size %d: round trip failed: %v (got %d bytes)", size, err, len(got))
		}
		if _, err := r.Next(); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("size %d: trailing data: %v", size, err)
		}
	}
}

func TestReaderRejectsBadSequenceAndOversize(t *testing.T) {
	r := NewReader(bytes.NewReader([]byte{1, 0, 0, 5, 'a'}))
	var se *SequenceError
	if _, err := r.Next(); !errors.As(err, &se) || se.Got != 5 {
		t.Errorf("sequence: %v", err)
	}
	r = NewReader(bytes.NewReader([]byte{0xff, 0xff, 0x0f, 0}))
	r.Max = 1000
	if _, err := r.Next(); !errors.Is(err, ErrPacketTooLarge) {
		t.Errorf("oversize: %v", err)
	}
	// A header claiming 16 MiB with 3 bytes behind it allocates no more than it reads.
	r = NewReader(bytes.NewReader([]byte{0xfe, 0xff, 0xff, 0, 1, 2, 3}))
	if _, err := r.Next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated: %v", err)
	}
	if len(r.buf) > 2*defaultReadBuffer {
		t.Errorf("buffer grew to %d bytes for 7 bytes of input", len(r.buf))
	}
}

func TestLenEnc(t *testing.T) {
	for _, v := range []uint64{0, 250, 251, 0xffff, 0x10000, 0xffffff, 0x1000000, 1<<64 - 1} {
		b := AppendLenEncInt(nil, v)
		got, null, n := ReadLenEncInt(b)
		if got != v || null || n != len(b) {
			t.Errorf("%d: got %d null=%v n=%d len=%d", v, got, null, n, len(b))
		}
	}
	if _, null, n := ReadLenEncInt([]byte{0xfb}); !null || n != 1 {
		t.Error("NULL marker")
	}
	if _, _, n := ReadLenEncInt([]byte{0xff}); n != 0 {
		t.Error("0xff accepted")
	}
	if _, _, n := ReadLenEncInt([]byte{0xfe, 1, 2}); n != 0 {
		t.Error("short 8-byte integer accepted")
	}
}

func TestTemporalRoundTrip(t *testing.T) {
	for _, d := range []DateTime{{}, {Year: 2024, Month: 2, Day: 29}, {Year: 1, Month: 1, Day: 1, Hour: 23, Minute: 59, Second: 59},
		{Year: 9999, Month: 12, Day: 31, Hour: 1, Minute: 2, Second: 3, Micros: 999999}} {
		b := AppendBinaryDateTime(nil, d)
		got, err := DecodeBinaryDateTime(b[1:])
		if err != nil || got != d || int(b[0]) != len(b)-1 {
			t.Errorf("%+v: got %+v %v", d, got, err)
		}
	}
	for _, d := range []time.Duration{0, time.Second, -time.Second, 838*time.Hour + 59*time.Minute + 59*time.Second,
		-(49*time.Hour + time.Microsecond), 25 * time.Hour} {
		b := AppendBinaryTime(nil, d)
		got, err := DecodeBinaryTime(b[1:])
		if err != nil || got != d {
			t.Errorf("%v: got %v %v", d, got, err)
		}
	}
	cases := map[string]DateTime{
		"2024-01-02":                 {Year: 2024, Month: 1, Day: 2},
		"2024-01-02 03:04:05":        {Year: 2024, Month: 1, Day: 2, Hour: 3, Minute: 4, Second: 5},
		"2024-01-02 03:04:05.5":      {Year: 2024, Month: 1, Day: 2, Hour: 3, Minute: 4, Second: 5, Micros: 500000},
		"2024-01-02 03:04:05.000123": {Year: 2024, Month: 1, Day: 2, Hour: 3, Minute: 4, Second: 5, Micros: 123},
	}
	for s, want := range cases {
		if got, err := ParseTextDateTime([]byte(s)); err != nil || got != want {
			t.Errorf("%q: %+v %v", s, got, err)
		}
	}
	for _, bad := range []string{"2024-1-02", "2024-01-02 3:04:05", "2024-13-01", "2024-01-02 03:04:05.", "x"} {
		if _, err := ParseTextDateTime([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	times := map[string]time.Duration{"00:00:01": time.Second, "-838:59:59": -(838*time.Hour + 59*time.Minute + 59*time.Second),
		"100:00:00.25": 100*time.Hour + 250*time.Millisecond}
	for s, want := range times {
		if got, err := ParseTextTime([]byte(s)); err != nil || got != want {
			t.Errorf("%q: %v %v", s, got, err)
		}
	}
}

func TestBinaryRowNullBitmapOffset(t *testing.T) {
	// Two columns; the second is NULL: bit 3 of the bitmap (offset 2).
	p := []byte{0, 0x08, 7, 0, 0, 0}
	dst := make([][]byte, 2)
	if err := ParseBinaryRow(p, []byte{TypeLong, TypeVarString}, dst); err != nil {
		t.Fatal(err)
	}
	if dst[1] != nil || len(dst[0]) != 4 || dst[0][0] != 7 {
		t.Errorf("got %v", dst)
	}
	if err := ParseBinaryRow(p[:5], []byte{TypeLong, TypeVarString}, dst); err == nil {
		t.Error("truncated row accepted")
	}
}

func TestIsResultEnd(t *testing.T) {
	if !IsResultEnd([]byte{0xfe, 0, 0, 2, 0}, false) || IsResultEnd(make([]byte, 9), false) {
		t.Error("classic EOF detection")
	}
	long := append([]byte{0xfe}, make([]byte, 20)...)
	if !IsResultEnd(long, true) || IsResultEnd([]byte{0x00}, true) {
		t.Error("DEPRECATE_EOF detection")
	}
}
