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
		var got DateTime
		err := got.SetBinary(b[1:])
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
		var got DateTime
		if err := got.SetText([]byte(s)); err != nil || got != want {
			t.Errorf("%q: %+v %v", s, got, err)
		}
	}
	for _, bad := range []string{"2024-1-02", "2024-01-02 3:04:05", "2024-13-01", "2024-01-02 03:04:05.", "x"} {
		if err := new(DateTime).SetText([]byte(bad)); err == nil {
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

// endless yields 16 MiB continuation packets forever, with correct sequence ids.
type endless struct {
	seq  byte
	left int // payload bytes left in the current packet
	hdr  []byte
	read int64
}

func (e *endless) Read(p []byte) (int, error) {
	if len(e.hdr) == 0 && e.left == 0 {
		e.hdr = []byte{0xff, 0xff, 0xff, e.seq}
		e.seq++
		e.left = MaxPacketPayload
	}
	if len(e.hdr) > 0 {
		n := copy(p, e.hdr)
		e.hdr = e.hdr[n:]
		return n, nil
	}
	n := min(len(p), e.left)
	clear(p[:n])
	e.left -= n
	e.read += int64(n)
	return n, nil
}

func TestReaderBoundsContinuations(t *testing.T) {
	for _, limit := range []int{40 << 20, DefaultMaxPacket, 100 << 20} {
		src := &endless{}
		r := NewReader(src)
		r.Max = limit
		_, err := r.Next()
		if !errors.Is(err, ErrPacketTooLarge) {
			t.Fatalf("limit %d: %v", limit, err)
		}
		if src.read > int64(limit) {
			t.Errorf("limit %d: read %d payload bytes", limit, src.read)
		}
		if r.big != nil {
			t.Errorf("limit %d: large buffer kept after the error", limit)
		}
	}
	// The growth rule: doubling for one packet, never past its announced length, and straight
	// to the limit once doubling reaches a quarter of it.
	r := NewReader(nil)
	r.Max = 64 << 20
	if c := cap(r.grow(make([]byte, 0, 1<<20), 3<<20, false)); c != 2<<20 {
		t.Errorf("doubling: %d", c)
	}
	if c := cap(r.grow(make([]byte, 0, 2<<20), 3<<20, false)); c != 3<<20 {
		t.Errorf("capped at the announced length: %d", c)
	}
	if c := cap(r.grow(make([]byte, 0, 8<<20), 9<<20, true)); c != 64<<20 {
		t.Errorf("jump to the limit: %d", c)
	}
	if c := cap(r.grow(make([]byte, 0, 4<<20), 5<<20, true)); c != 8<<20 {
		t.Errorf("continued doubling: %d", c)
	}
}

func TestReaderSmallAndMediumPayloads(t *testing.T) {
	var w Writer
	sizes := []int{0, 10, smallPacket, smallPacket + 1, 3 << 20, 100}
	for _, n := range sizes {
		w.StartCommand()
		w.B = append(w.B, bytes.Repeat([]byte{byte(n)}, n)...)
		w.Finish()
	}
	var stream []byte
	// Each command restarts at sequence 0; rewrite them to one continuous reply.
	seq := byte(0)
	for b := w.B; len(b) > 0; {
		n := int(b[0]) | int(b[1])<<8 | int(b[2])<<16
		b[3] = seq
		seq++
		stream = append(stream, b[:4+n]...)
		b = b[4+n:]
	}
	r := NewReader(bytes.NewReader(stream))
	for _, n := range sizes {
		p, err := r.Next()
		if err != nil || len(p) != n || (n > 0 && p[n-1] != byte(n)) {
			t.Fatalf("size %d: %v, %d bytes", n, err, len(p))
		}
	}
	if len(r.buf) > smallPacket+4 {
		t.Errorf("reader buffer grew to %d", len(r.buf))
	}
}

// greeting builds a HandshakeV10 payload as MySQL 8 sends it; edit it to break it.
func greeting(scramble []byte, authLen byte, caps uint32, plugin string, nul bool) []byte {
	b := []byte{10}
	b = append(b, "8.0.36"...)
	b = append(b, 0, 7, 0, 0, 0)
	b = append(b, scramble[:min(8, len(scramble))]...)
	b = append(b, 0, byte(caps), byte(caps>>8), 255, 2, 0, byte(caps>>16), byte(caps>>24), authLen)
	b = append(b, make([]byte, 10)...)
	if len(scramble) > 8 {
		b = append(b, scramble[8:]...)
		b = append(b, 0)
	}
	b = append(b, plugin...)
	if nul {
		b = append(b, 0)
	}
	return b
}

func TestParseHandshakeValidates(t *testing.T) {
	scr := []byte("abcdefghijklmnopqrst")
	caps := uint32(ClientMySQL | ClientProtocol41 | ClientSecureConnection | ClientPluginAuth)
	good := greeting(scr, 21, caps, "caching_sha2_password", true)
	h, err := ParseHandshake(good)
	if err != nil || string(h.Scramble) != string(scr) || h.AuthPlugin != "caching_sha2_password" || h.ConnID != 7 || h.Collation != 255 {
		t.Fatalf("good greeting: %v %+v", err, h)
	}
	if h, err := ParseHandshake(good[:len(good)-1]); err != nil || h.AuthPlugin != "caching_sha2_password" {
		t.Errorf("plugin name without NUL at the end of the packet: %v", err)
	}
	bad := map[string][]byte{
		"8-byte scramble":           greeting(scr[:8], 9, caps, "mysql_native_password", true),
		"no secure connection":      greeting(scr[:8], 0, caps&^uint32(ClientSecureConnection|ClientPluginAuth), "", false),
		"scramble of 25 bytes":      greeting([]byte("abcdefghijklmnopqrstuvwxy"), 26, caps, "mysql_native_password", true),
		"short part 2":              greeting(scr[:15], 21, caps, "", false),
		"no plugin name":            greeting(scr, 21, caps, "", false),
		"empty plugin name":         greeting(scr, 21, caps, "", true),
		"plugin name with a space":  greeting(scr, 21, caps, "mysql native", true),
		"cut in the fixed fields":   good[:20],
		"cut after the lower caps":  good[:len("8.0.36")+2+4+8+1+2],
		"version without NUL":       []byte{10, '8', '.', '0'},
		"protocol 9":                {9, 0},
		"empty":                     {},
		"cut inside the reserved":   good[:len("8.0.36")+2+4+8+1+2+1+2+2+1+5],
		"plugin name of 65 letters": greeting(scr, 21, caps, string(bytes.Repeat([]byte{'a'}, 65)), true),
	}
	for name, p := range bad {
		if h, err := ParseHandshake(p); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: accepted (%v, %+v)", name, err, h)
		}
	}
}

func TestAppendLongDataHeader(t *testing.T) {
	got := AppendLongDataHeader([]byte{0xaa}, 0x04030201, 0x0605)
	want := []byte{0xaa, ComStmtSendLong, 1, 2, 3, 4, 5, 6}
	if !bytes.Equal(got, want) {
		t.Errorf("got % x, want % x", got, want)
	}
}
