package myx

import (
	"compress/zlib"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/myxdb/myx/internal/wire"
)

// Compression selects the protocol compression a connection asks for (Config.Compress).
//
// Compression pays on slow or metered links carrying large results or bulk loads; on a fast
// local network it costs CPU on both sides for little gain. Conn.CompressionStats tells
// whether it pays. Packets shorter than 50 bytes, and those compression does not shrink,
// travel uncompressed.
type Compression uint8

const (
	// CompressNone is the ordinary, uncompressed protocol (the default).
	CompressNone Compression = iota
	// CompressZlib is zlib compression (CLIENT_COMPRESS), offered by MariaDB and MySQL. DSN
	// compress=true (go-sql-driver's meaning) or compress=zlib.
	CompressZlib
	// CompressZstd is zstd compression (CLIENT_ZSTD_COMPRESSION_ALGORITHM), offered by MySQL
	// 8.0.18 and later. DSN compress=zstd.
	CompressZstd
)

// String returns "none", "zlib" or "zstd".
func (c Compression) String() string {
	switch c {
	case CompressNone:
		return "none"
	case CompressZlib:
		return "zlib"
	case CompressZstd:
		return "zstd"
	}
	return fmt.Sprintf("Compression(%d)", uint8(c))
}

// parseCompression parses the compress DSN parameter.
func parseCompression(v string) (Compression, error) {
	switch strings.ToLower(v) {
	case "true", "1", "zlib":
		return CompressZlib, nil
	case "false", "0", "none", "":
		return CompressNone, nil
	case "zstd":
		return CompressZstd, nil
	}
	return 0, fmt.Errorf("%q is not one of true, false, zlib, zstd", v)
}

// zstdLevel is the compression level a connection asks the server to use with zstd (MySQL's
// default); the client compresses what it sends at zstd's fastest level.
const zstdLevel = 3

// zlibLevel is the zlib level both directions use on the client (go-sql-driver's choice: fast,
// and most of the gain of the default level on result sets).
const zlibLevel = 2

// CompressionStats counts a connection's traffic since it was opened with compression on.
// RawSent and RawReceived are packet bytes before compression and after decompression; the
// Wire counters are the bytes on the network, frame headers included. Authentication, which
// precedes compression, is not counted. Compression pays when the Wire counters are well under
// the Raw ones.
type CompressionStats struct {
	// Algorithm is the compression in use: CompressNone when it was not asked for, or the
	// server does not offer the algorithm asked for (the connection then runs uncompressed).
	Algorithm    Compression
	RawSent      int64
	WireSent     int64
	RawReceived  int64
	WireReceived int64
}

// CompressionStats returns the connection's compression counters (all zero without
// compression). Like every Conn method it must not be called concurrently with another.
func (c *Conn) CompressionStats() CompressionStats {
	out, in := c.wr.Compression(), c.rd.Compression()
	return CompressionStats{
		Algorithm:    c.compression,
		RawSent:      out.Raw,
		WireSent:     out.Wire,
		RawReceived:  in.Raw,
		WireReceived: in.Wire,
	}
}

// compressionCaps returns the capability flag to ask for, if the server offers the algorithm
// the configuration wants.
func compressionCaps(want Compression, server uint64) uint64 {
	switch {
	case want == CompressZlib && server&wire.ClientCompress != 0:
		return wire.ClientCompress
	case want == CompressZstd && server&wire.ClientZstdCompression != 0:
		return wire.ClientZstdCompression
	}
	return 0
}

// startCompression turns compression on in both directions, once authentication succeeded.
func (c *Conn) startCompression() {
	var codec wire.Codec
	switch {
	case c.caps&wire.ClientZstdCompression != 0:
		c.compression = CompressZstd
		codec = &zstdCodec{}
	case c.caps&wire.ClientCompress != 0:
		c.compression = CompressZlib
		codec = &zlibCodec{}
	default:
		return
	}
	c.rd.SetCompression(codec)
	c.wr.SetCompression(codec)
}

// appender is an io.Writer appending to a byte slice.
type appender struct{ b []byte }

func (a *appender) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

// zlibCodec compresses with compress/zlib, reusing its writer and reader from frame to frame.
type zlibCodec struct {
	out appender
	w   *zlib.Writer
	r   io.ReadCloser
}

func (z *zlibCodec) Compress(dst, src []byte) []byte {
	z.out.b = dst
	if z.w == nil {
		z.w, _ = zlib.NewWriterLevel(&z.out, zlibLevel) // the level is valid
	} else {
		z.w.Reset(&z.out)
	}
	z.w.Write(src) // appender.Write cannot fail
	z.w.Close()
	dst = z.out.b
	z.out.b = nil
	return dst
}

func (z *zlibCodec) Decompressor(src io.Reader) (io.Reader, error) {
	if z.r == nil {
		r, err := zlib.NewReader(src)
		if err != nil {
			return nil, err
		}
		z.r = r
		return r, nil
	}
	if err := z.r.(zlib.Resetter).Reset(src, nil); err != nil {
		return nil, err
	}
	return z.r, nil
}

// zstdCodec compresses with klauspost/compress/zstd, synchronously (no goroutines), with one
// encoder and one decoder per connection. The decoder's window is bounded by the largest frame
// (16 MiB), so a hostile server cannot make it allocate more.
type zstdCodec struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

func (z *zstdCodec) Compress(dst, src []byte) []byte {
	if z.enc == nil {
		z.enc, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1),
			zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithLowerEncoderMem(true)) // valid options
	}
	return z.enc.EncodeAll(src, dst)
}

func (z *zstdCodec) Decompressor(src io.Reader) (io.Reader, error) {
	if z.dec == nil {
		d, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxWindow(1<<24), zstd.WithDecoderMaxMemory(1<<24))
		if err != nil {
			return nil, err
		}
		z.dec = d
		return d, nil
	}
	if err := z.dec.Reset(src); err != nil {
		return nil, err
	}
	return z.dec, nil
}
