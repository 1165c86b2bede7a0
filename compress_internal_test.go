package myx

import (
	"bytes"
	"io"
	"testing"
)

// TestCodecsReuseState checks that a connection's codecs compress without allocating once
// warmed up, and reports what decompressing a frame allocates (compress/flate allocates
// Huffman tables for each dynamic block; zstd's decoder keeps its buffers).
func TestCodecsReuseState(t *testing.T) {
	src := bytes.Repeat([]byte("a row of a result set, 12345, 2024-01-01 00:00:00\n"), 300)
	for name, codec := range map[string]interface {
		Compress(dst, src []byte) []byte
		Decompressor(io.Reader) (io.Reader, error)
	}{"zlib": &zlibCodec{}, "zstd": &zstdCodec{}} {
		dst := make([]byte, 0, 2*len(src))
		var frame []byte
		compress := func() { frame = codec.Compress(dst[:0], src) }
		compress()
		if a := testing.AllocsPerRun(50, compress); a > 0 {
			t.Errorf("%s: %.1f allocations per compressed frame", name, a)
		}
		out := make([]byte, len(src))
		var br bytes.Reader
		decompress := func() {
			br.Reset(frame)
			r, err := codec.Decompressor(&br)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(r, out); err != nil || !bytes.Equal(out, src) {
				t.Fatalf("%s: round trip: %v", name, err)
			}
		}
		decompress()
		t.Logf("%s: %d bytes to %d, %.1f allocations per decompressed frame", name, len(src), len(frame), testing.AllocsPerRun(50, decompress))
	}
}
