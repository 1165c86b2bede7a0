package wire

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// Each fuzz target feeds arbitrary server bytes to a parser: it may return an error, never
// panic, and what it returns must lie within the input.

func FuzzReader(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0, 0x00})
	f.Add([]byte{0xff, 0xff, 0xff, 0, 1, 2, 3})
	f.Add([]byte{3, 0, 0, 1, 'a', 'b', 'c', 0, 0, 0, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		r.Max = 1 << 20
		for i := 0; i < 100; i++ {
			p, err := r.Next()
			if err != nil {
				var se *SequenceError
				if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.As(err, &se) && !errors.Is(err, ErrPacketTooLarge) {
					t.Fatalf("unexpected error type: %v", err)
				}
				return
			}
			if len(p) > len(data) {
				t.Fatalf("payload of %d bytes from %d bytes of input", len(p), len(data))
			}
		}
	})
}

func FuzzParseHandshake(f *testing.F) {
	f.Add([]byte("\x0a10.11.6-MariaDB\x00\x01\x00\x00\x00abcdefgh\x00\xfe\xf7\x2d\x02\x00\xff\x81\x15\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00ijklmnopqrst\x00mysql_native_password\x00"))
	f.Add([]byte{10, 0})
	f.Add([]byte{9})
	caps := uint32(ClientMySQL | ClientProtocol41 | ClientSecureConnection | ClientPluginAuth)
	f.Add(greeting([]byte("abcdefghijklmnopqrst"), 21, caps, "caching_sha2_password", true))
	f.Add(greeting([]byte("abcdefgh"), 9, caps, "mysql_native_password", true))
	f.Fuzz(func(t *testing.T, p []byte) {
		h, err := ParseHandshake(p)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not wrapping ErrMalformed: %v", err)
			}
			return
		}
		if len(h.Scramble) != ScrambleLength {
			t.Fatalf("scramble of %d bytes accepted", len(h.Scramble))
		}
		if h.Capabilities&ClientPluginAuth != 0 && checkPluginName([]byte(h.AuthPlugin)) != nil {
			t.Fatalf("plugin name %q accepted", h.AuthPlugin)
		}
		if len(h.ServerVersion)+len(h.AuthPlugin)+len(h.Scramble) > len(p) {
			t.Fatal("fields longer than the packet")
		}
	})
}

func FuzzParseOK(f *testing.F) {
	f.Add([]byte{0, 1, 2, 2, 0, 0, 0}, true)
	f.Add([]byte{0xfe, 0, 0, 0x02, 0x40, 0, 0, 0, 5, 0, 3, 1, 2, 3}, true)
	f.Add([]byte{0, 0xfc, 1}, false)
	f.Fuzz(func(t *testing.T, p []byte, track bool) {
		var caps uint64
		if track {
			caps = ClientSessionTrack
		}
		ok, err := ParseOK(p, caps)
		if err == nil && len(ok.SessionState) > 0 {
			ParseSessionState(ok.SessionState, func(byte, []byte, []byte) {})
		}
	})
}

func FuzzParseERR(f *testing.F) {
	f.Add([]byte("\xff\x48\x04#42S02Table 'x' doesn't exist"))
	f.Add([]byte{0xff, 1})
	f.Fuzz(func(t *testing.T, p []byte) { ParseERR(p) })
}

func FuzzParseColumnDef(f *testing.F) {
	f.Add([]byte("\x03def\x04test\x01t\x01t\x02id\x02id\x0c\x3f\x00\x0b\x00\x00\x00\x03\x03\x42\x00\x00\x00"), false)
	f.Add([]byte("\x03def\x00\x00\x00\x01j\x00\x06\x00\x04json\x0c\x21\x00\xff\xff\xff\xff\xfc\x90\x00\x00\x00\x00"), true)
	f.Fuzz(func(t *testing.T, p []byte, ext bool) { ParseColumnDef(p, ext) })
}

func FuzzParseTextRow(f *testing.F) {
	f.Add([]byte{1, '1', 0xfb, 3, 'a', 'b', 'c'}, 3)
	f.Add([]byte{0xfc, 0xff, 0xff}, 1)
	f.Fuzz(func(t *testing.T, p []byte, n int) {
		if n < 0 || n > 64 {
			return
		}
		dst := make([][]byte, n)
		if ParseTextRow(p, dst) == nil {
			total := 0
			for _, v := range dst {
				total += len(v)
			}
			if total > len(p) {
				t.Fatal("values longer than the packet")
			}
		}
	})
}

func FuzzParseBinaryRow(f *testing.F) {
	f.Add([]byte{0, 0, 1, 0, 0, 0, 3, 'a', 'b', 'c'}, []byte{TypeLong, TypeVarString})
	f.Add([]byte{0, 0, 7, 0xe8, 0x07, 1, 2, 3, 4, 5}, []byte{TypeDateTime})
	f.Fuzz(func(t *testing.T, p []byte, types []byte) {
		if len(types) > 64 {
			return
		}
		dst := make([][]byte, len(types))
		if ParseBinaryRow(p, types, dst) == nil {
			for i, v := range dst {
				if v == nil {
					continue
				}
				switch types[i] {
				case TypeDate, TypeDateTime, TypeTimestamp:
					new(DateTime).SetBinary(v)
				case TypeTime:
					DecodeBinaryTime(v)
				}
			}
		}
	})
}

func FuzzTemporalText(f *testing.F) {
	f.Add([]byte("2024-01-02 03:04:05.123456"))
	f.Add([]byte("-838:59:59.5"))
	f.Add([]byte("0000-00-00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		new(DateTime).SetText(b)
		ParseTextTime(b)
	})
}

func FuzzMisc(f *testing.F) {
	f.Add([]byte{0xfe, 'c', 'a', 'c', 'h', 'i', 'n', 'g', 0, 1, 2, 0})
	f.Add([]byte{0, 1, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0})
	f.Add([]byte{2, 1})
	f.Fuzz(func(t *testing.T, p []byte) {
		ParseAuthSwitch(p)
		ParsePrepareOK(p)
		ParseColumnCount(p, MariaDBClientCacheMetadata)
		ParseColumnCount(p, 0)
		ParseEOF(p)
		LocalInfileRequest(p)
	})
}

func FuzzCompressedReader(f *testing.F) {
	f.Add(frame(1, packet(1, bytes.Repeat([]byte("abc"), 40)), true))
	f.Add(append(frame(1, packet(1, []byte("a")), false), frame(2, packet(2, []byte("b")), false)...))
	f.Add([]byte{10, 0, 0, 1, 100, 0, 0, 1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		r.SetCompression(&testZlib{})
		r.Max = 1 << 20
		r.Seq = 1
		for i := 0; i < 100; i++ {
			p, err := r.Next()
			if err != nil {
				var se *SequenceError
				if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.As(err, &se) && !errors.Is(err, ErrPacketTooLarge) && !errors.Is(err, ErrMalformed) {
					t.Fatalf("unexpected error type: %v", err)
				}
				return
			}
			if len(p) > r.Max {
				t.Fatalf("payload of %d bytes beyond the limit", len(p))
			}
		}
	})
}
