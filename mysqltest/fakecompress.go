package mysqltest

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// Compression is a protocol compression algorithm a FakeConn can speak.
type Compression string

const (
	// CompressZlib is CLIENT_COMPRESS: zlib, offered by MariaDB and MySQL.
	CompressZlib Compression = "zlib"
	// CompressZstd is CLIENT_ZSTD_COMPRESSION_ALGORITHM: zstd, MySQL 8.0.18 and later.
	CompressZstd Compression = "zstd"
)

// fakeFrameSize is how much packet stream a FakeConn puts in one compressed frame, like a
// server's net buffer (net_buffer_length, 16 KiB): a frame carries several small packets, and a
// large packet spans many frames.
const fakeFrameSize = 16 << 10

// minCompressLength is the smallest frame a server compresses (MIN_COMPRESS_LENGTH).
const minCompressLength = 50

// fakeCompression is a FakeConn's compressed protocol state.
type fakeCompression struct {
	alg  Compression
	cseq byte   // the frame sequence id, next to send or expected
	out  []byte // packets written but not yet sent in frames
	err  error  // a frame from the client was out of sequence or broken
	zr   io.ReadCloser
	zw   *zlib.Writer
	zbuf bytes.Buffer
	zd   *zstd.Decoder
	ze   *zstd.Encoder
}

// StartCompression switches the connection to the compressed protocol: every later packet
// travels inside compressed frames, in both directions. Login calls it after its final OK
// when the client asked for compression (zstd if it asked for both); a script that plays the
// handshake itself calls it after the OK that ends authentication.
//
// Like a server, the FakeConn then numbers frames with a sequence id of its own, starting at
// 0 with each command (ReadCommand) and continued by every frame in either direction; it
// checks the client's frame ids, not the packet ids inside them; and it takes its packet
// sequence id for a reply from the last frame read. Packets written are collected and sent in
// frames of up to 16 KiB of packet stream (several small packets, or a piece of a large one)
// when the FakeConn next reads, when Flush is called, when 16 KiB are pending, and when the
// script returns.
func (c *FakeConn) StartCompression(alg Compression) error {
	if alg != CompressZlib && alg != CompressZstd {
		return fmt.Errorf("mysqltest: unknown compression %q", alg)
	}
	if c.comp != nil {
		return errors.New("mysqltest: compression already started")
	}
	fc := &fakeCompression{alg: alg}
	c.comp = fc
	c.r = bufio.NewReader(&frameReader{c: c, src: c.r})
	return nil
}

// Compressed reports the compression StartCompression turned on ("" if none).
func (c *FakeConn) Compressed() Compression {
	if c.comp == nil {
		return ""
	}
	return c.comp.alg
}

// Flush sends the packets written and not yet sent, in compressed frames. Without compression
// it does nothing (every packet is sent as it is written).
func (c *FakeConn) Flush() error {
	if c.comp == nil || len(c.comp.out) == 0 {
		return c.err
	}
	return c.sendFrames(len(c.comp.out))
}

// sendFrames sends the first n pending bytes in frames.
func (c *FakeConn) sendFrames(n int) error {
	fc := c.comp
	var b []byte
	for rest := fc.out[:n]; len(rest) > 0; {
		chunk := rest[:min(len(rest), fakeFrameSize)]
		rest = rest[len(chunk):]
		b = fc.appendFrame(b, chunk)
	}
	fc.out = append(fc.out[:0], fc.out[n:]...)
	return c.write(b)
}

func (fc *fakeCompression) appendFrame(b, chunk []byte) []byte {
	seq := fc.cseq
	fc.cseq++
	if len(chunk) >= minCompressLength {
		var z []byte
		switch fc.alg {
		case CompressZlib:
			fc.zbuf.Reset()
			if fc.zw == nil {
				fc.zw = zlib.NewWriter(&fc.zbuf)
			} else {
				fc.zw.Reset(&fc.zbuf)
			}
			fc.zw.Write(chunk)
			fc.zw.Close()
			z = fc.zbuf.Bytes()
		case CompressZstd:
			if fc.ze == nil {
				fc.ze, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
			}
			z = fc.ze.EncodeAll(chunk, nil)
		}
		if len(z) < len(chunk) {
			b = appendPacketHeader(b, len(z), seq)
			b = append(b, byte(len(chunk)), byte(len(chunk)>>8), byte(len(chunk)>>16))
			return append(b, z...)
		}
	}
	b = appendPacketHeader(b, len(chunk), seq)
	b = append(b, 0, 0, 0)
	return append(b, chunk...)
}

// queue adds packets (header included) to what the next frames carry.
func (c *FakeConn) queue(packets []byte) error {
	fc := c.comp
	fc.out = append(fc.out, packets...)
	if len(fc.out) >= fakeFrameSize {
		return c.sendFrames(len(fc.out) / fakeFrameSize * fakeFrameSize)
	}
	return nil
}

// frameReader yields the packet stream inside the client's compressed frames.
type frameReader struct {
	c    *FakeConn
	src  io.Reader
	data []byte // decompressed bytes of the current frame not yet read
}

func (f *frameReader) Read(p []byte) (int, error) {
	fc := f.c.comp
	for len(f.data) == 0 {
		if fc.err != nil {
			return 0, fc.err
		}
		var h [7]byte
		if _, err := io.ReadFull(f.src, h[:]); err != nil {
			return 0, err
		}
		n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
		raw := int(h[4]) | int(h[5])<<8 | int(h[6])<<16
		if h[3] != fc.cseq {
			fc.err = fmt.Errorf("mysqltest: client frame has compressed sequence id %d, want %d", h[3], fc.cseq)
		}
		fc.cseq = h[3] + 1
		payload := make([]byte, n)
		if _, err := io.ReadFull(f.src, payload); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		if raw == 0 {
			f.data = payload
			continue
		}
		out, err := fc.decompress(payload, raw)
		if err != nil {
			fc.err = err
			return 0, err
		}
		f.data = out
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func (fc *fakeCompression) decompress(z []byte, raw int) ([]byte, error) {
	var out []byte
	var err error
	switch fc.alg {
	case CompressZlib:
		if fc.zr == nil {
			fc.zr, err = zlib.NewReader(bytes.NewReader(z))
		} else {
			err = fc.zr.(zlib.Resetter).Reset(bytes.NewReader(z), nil)
		}
		if err == nil {
			out, err = io.ReadAll(fc.zr)
		}
	case CompressZstd:
		if fc.zd == nil {
			fc.zd, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
		}
		out, err = fc.zd.DecodeAll(z, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("mysqltest: client frame does not decompress (%s): %w", fc.alg, err)
	}
	if len(out) != raw {
		return nil, fmt.Errorf("mysqltest: client frame decompresses to %d bytes, its header says %d", len(out), raw)
	}
	return out, nil
}
