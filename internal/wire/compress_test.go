package wire

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"testing"
)

// testZlib is a Codec for tests (the driver's own lives in the root package).
type testZlib struct{ r io.ReadCloser }

func (z *testZlib) Compress(dst, src []byte) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(src)
	w.Close()
	return append(dst, b.Bytes()...)
}

func (z *testZlib) Decompressor(src io.Reader) (io.Reader, error) {
	if z.r == nil {
		r, err := zlib.NewReader(src)
		z.r = r
		return r, err
	}
	return z.r, z.r.(zlib.Resetter).Reset(src, nil)
}

// frame builds one compressed frame by hand.
func frame(seq byte, stream []byte, compress bool) []byte {
	if !compress {
		n := len(stream)
		return append([]byte{byte(n), byte(n >> 8), byte(n >> 16), seq, 0, 0, 0}, stream...)
	}
	c := (&testZlib{}).Compress(nil, stream)
	n, u := len(c), len(stream)
	return append([]byte{byte(n), byte(n >> 8), byte(n >> 16), seq, byte(u), byte(u >> 8), byte(u >> 16)}, c...)
}

func packet(seq byte, payload []byte) []byte {
	n := len(payload)
	return append([]byte{byte(n), byte(n >> 8), byte(n >> 16), seq}, payload...)
}

func TestCompressedRoundTrip(t *testing.T) {
	sizes := []int{0, 1, MinCompressLength - 5, MinCompressLength, 1000, 70000, MaxPacketPayload - 4, MaxPacketPayload, MaxPacketPayload + 10, 2*MaxPacketPayload + 3}
	var w Writer
	w.SetCompression(&testZlib{})
	var want [][]byte
	for i, n := range sizes {
		p := bytes.Repeat([]byte{byte('a' + i)}, n)
		if n > 3 {
			copy(p, "xyz") // not all the same byte
		}
		want = append(want, p)
		w.StartCommand()
		w.B = append(w.B, p...)
		w.Finish()
		// The reader expects each "reply" to continue from the writer's sequence: give it
		// the frames as if they were a server's reply, renumbered below.
	}
	if w.Len() <= len(w.B) {
		t.Errorf("Len %d counts the compressed %d bytes, not the raw ones", w.Len(), len(w.B))
	}
	out := w.Compression()
	if out.Raw == 0 || out.Wire != int64(len(w.B)) || out.Wire >= out.Raw {
		t.Errorf("counters %+v for %d bytes", out, len(w.B))
	}
	// Each command restarted at frame 0; a reader resets the sequence per command as well.
	r := NewReader(bytes.NewReader(w.B))
	r.SetCompression(&testZlib{})
	for i, p := range want {
		r.Seq = 0
		got, err := r.Next()
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("size %d: %v (%d bytes)", sizes[i], err, len(got))
		}
	}
	if in := r.Compression(); in != out {
		t.Errorf("reader counted %+v, writer %+v", in, out)
	}
	if _, err := r.Next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("after the end: %v", err)
	}
}

func TestCompressedSequence(t *testing.T) {
	// A reply of three packets in one frame, then a second reply in two frames, one of which
	// splits a packet: the frame ids continue within a reply and restart with the next.
	rows := append(append(packet(1, []byte("first")), packet(2, bytes.Repeat([]byte("row "), 40))...), packet(3, []byte("x"))...)
	second := append(packet(1, bytes.Repeat([]byte("long "), 30)), packet(2, []byte("end"))...)
	var stream []byte
	stream = append(stream, frame(1, rows, true)...)
	stream = append(stream, frame(1, second[:60], false)...)
	stream = append(stream, frame(2, second[60:], true)...)
	r := NewReader(bytes.NewReader(stream))
	r.SetCompression(&testZlib{})
	r.Seq = 1
	for _, want := range []string{"first", string(bytes.Repeat([]byte("row "), 40)), "x"} {
		if p, err := r.Next(); err != nil || string(p) != want {
			t.Fatalf("first reply: %v %q", err, p)
		}
	}
	r.Seq = 1
	for _, want := range []string{string(bytes.Repeat([]byte("long "), 30)), "end"} {
		if p, err := r.Next(); err != nil || string(p) != want {
			t.Fatalf("second reply: %v %q", err, p)
		}
	}

	// A frame that neither continues the stream nor starts the reply is out of sequence.
	bad := append(frame(1, packet(1, []byte("a")), false), frame(5, packet(2, []byte("b")), false)...)
	r = NewReader(bytes.NewReader(bad))
	r.SetCompression(&testZlib{})
	r.Seq = 1
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	var se *SequenceError
	if _, err := r.Next(); !errors.As(err, &se) || se.Got != 5 || se.Want != 2 {
		t.Errorf("frame out of sequence: %v", err)
	}
	// Mid-packet, only the continuing id is accepted.
	split := packet(1, bytes.Repeat([]byte{'z'}, 100))
	bad = append(frame(1, split[:50], false), frame(1, split[50:], false)...)
	r = NewReader(bytes.NewReader(bad))
	r.SetCompression(&testZlib{})
	r.Seq = 1
	if _, err := r.Next(); !errors.As(err, &se) {
		t.Errorf("restarted id inside a packet: %v", err)
	}
}

func TestCompressedMalformed(t *testing.T) {
	good := frame(1, packet(1, bytes.Repeat([]byte("abc"), 40)), true)
	cases := map[string][]byte{
		"garbage instead of zlib": append([]byte{10, 0, 0, 1, 100, 0, 0}, bytes.Repeat([]byte{0x55}, 10)...),
		"announces more than it holds": func() []byte {
			b := append([]byte(nil), good...)
			b[4]++ // uncompressed length one more
			return b
		}(),
		"announces less than it holds": func() []byte {
			b := append([]byte(nil), good...)
			b[4]--
			return b
		}(),
		"trailing bytes after the zlib stream": func() []byte {
			b := append([]byte(nil), good...)
			b = append(b, 0, 0)
			b[0] += 2
			return b
		}(),
	}
	for name, b := range cases {
		r := NewReader(bytes.NewReader(b))
		r.SetCompression(&testZlib{})
		r.Seq = 1
		if _, err := r.Next(); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Cut off mid-frame: the connection ended, not a protocol violation.
	r := NewReader(bytes.NewReader(good[:len(good)-3]))
	r.SetCompression(&testZlib{})
	r.Seq = 1
	if _, err := r.Next(); !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, ErrMalformed) {
		t.Errorf("truncated: %v", err)
	}
}
