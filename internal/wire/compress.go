package wire

import (
	"fmt"
	"io"
)

// The compressed protocol (CLIENT_COMPRESS with zlib, CLIENT_ZSTD_COMPRESSION_ALGORITHM with
// zstd) wraps the ordinary packet stream in frames, each with a 7-byte header: the length of
// what follows (3 bytes), a sequence id of its own (1 byte) and the length that decompresses
// to (3 bytes; 0 when the bytes follow uncompressed). A frame carries any part of the packet
// stream: several packets, or a piece of one.
//
// The frame sequence id follows the packet sequence id's rules: a command starts at 0, each
// frame advances it, and the reply continues it. A server sets its packet sequence id from the
// last frame it read, so the first packet of a reply carries the same id as its first frame;
// inside the frames, a server does not check the packet sequence ids a client sends.
//
// This client frames every packet it finishes on its own (at most 16 MiB - 1 bytes of packet
// stream per frame) and numbers the frames from the packet's sequence id, then continues the
// packet sequence from the frame's: the ids the caller sees (Writer.Seq, Reader.Seq) are those
// of the frames, which is what the server expects and answers.

// CompressHeaderLen is the size of a compressed frame's header.
const CompressHeaderLen = 7

// MinCompressLength is the smallest packet stream a frame compresses; shorter ones travel
// uncompressed (compressing them costs more than it saves), as do those compression does not
// shrink.
const MinCompressLength = 50

// Codec compresses and decompresses frame contents. One Codec serves one connection (its
// state is reused from frame to frame) and is not safe for concurrent use.
type Codec interface {
	// Compress appends the compressed form of src to dst and returns it.
	Compress(dst, src []byte) []byte
	// Decompressor returns a reader of the decompressed form of the bytes src yields (one
	// frame's). It may return the same reader each time, reset to the new source.
	Decompressor(src io.Reader) (io.Reader, error)
}

// CompressionCounters count the bytes of a compressed connection in one direction.
type CompressionCounters struct {
	Raw  int64 // packet stream bytes, before compression (or after decompression)
	Wire int64 // bytes on the wire, frame headers included
}

// compressedWriter holds a Writer's compression state.
type compressedWriter struct {
	codec Codec
	raw   []byte // the packet being framed
	saved int    // raw bytes minus wire bytes of the frames in Writer.B, for Len
	CompressionCounters
}

// SetCompression makes the Writer frame every packet it finishes for the compressed protocol
// with codec (nil turns compression off). Packets already finished are not changed.
func (w *Writer) SetCompression(codec Codec) {
	if codec == nil {
		w.comp = nil
		return
	}
	w.comp = &compressedWriter{codec: codec}
}

// Compression returns the bytes the Writer has framed so far (zero without compression).
func (w *Writer) Compression() CompressionCounters {
	if w.comp == nil {
		return CompressionCounters{}
	}
	return w.comp.CompressionCounters
}

// finishCompressed frames the packet (or packets, for a payload of 16 MiB or more) begun at
// w.start.
func (w *Writer) finishCompressed() {
	first := w.Seq
	w.finishPlain()
	wc := w.comp
	wc.raw = append(wc.raw[:0], w.B[w.start:]...)
	w.B = w.B[:w.start]
	seq := first
	for src := wc.raw; ; seq++ {
		chunk := src[:min(len(src), MaxPacketPayload)]
		src = src[len(chunk):]
		before := len(w.B)
		w.B = appendFrame(w.B, wc.codec, chunk, seq)
		wc.Raw += int64(len(chunk))
		wc.Wire += int64(len(w.B) - before)
		wc.saved += len(chunk) - (len(w.B) - before)
		if len(src) == 0 {
			break
		}
	}
	w.Seq = seq + 1
	if cap(wc.raw) > 1<<20 {
		wc.raw = nil
	}
}

// appendFrame appends one frame carrying chunk (at most MaxPacketPayload bytes).
func appendFrame(dst []byte, codec Codec, chunk []byte, seq byte) []byte {
	n := len(chunk)
	h := len(dst)
	if n >= MinCompressLength {
		dst = append(dst, 0, 0, 0, seq, byte(n), byte(n>>8), byte(n>>16))
		dst = codec.Compress(dst, chunk)
		if c := len(dst) - h - CompressHeaderLen; c < n {
			putUint24(dst[h:], c)
			return dst
		}
		dst = dst[:h]
	}
	dst = append(dst, byte(n), byte(n>>8), byte(n>>16), seq, 0, 0, 0)
	return append(dst, chunk...)
}

func putUint24(b []byte, n int) {
	b[0] = byte(n)
	b[1] = byte(n >> 8)
	b[2] = byte(n >> 16)
}

// compressedReader serves the packet stream carried by compressed frames read from src.
type compressedReader struct {
	src   io.Reader
	codec Codec
	buf   []byte // bytes read from src
	start int
	end   int

	seq byte // the sequence id the next frame must carry, if it continues the stream
	// newReply is set when the packet reader stands between packets with nothing buffered:
	// the next frame may then begin a reply, whose first frame carries the id of its first
	// packet (replySeq) rather than continue the last one.
	newReply bool
	replySeq byte

	left   int       // bytes of the current frame's packet stream not yet delivered
	wire   int       // bytes of the current frame not yet read from src
	stored bool      // the current frame is uncompressed
	dec    io.Reader // the current frame's decompressor
	srcErr error     // the error reading src failed with, if any
	err    error     // the first error Read returned; every later Read returns it
	count  *int64    // the Reader's count of bytes read from the network (BytesRead)
	CompressionCounters
}

// SetCompression makes the Reader read the compressed protocol from its source, decompressing
// with codec. Call it between packets, with nothing buffered (after the OK that ends
// authentication); it cannot be undone.
//
// Sequence ids: every frame must carry the id following the previous frame's, except that a
// frame beginning where a packet begins, with nothing buffered, may instead carry the packet
// sequence id the caller set in Seq: that is how a reply starts (after a command, or for each
// command of a pipeline). The packets inside the frames are checked against Seq as usual.
// A frame that decompresses to more or fewer bytes than its header announces, or leaves bytes
// over, is an error wrapping ErrMalformed; memory stays bounded (frames are decompressed as the
// packet reader asks for bytes, never whole).
func (r *Reader) SetCompression(codec Codec) {
	r.cr = &compressedReader{src: r.src, codec: codec, buf: make([]byte, defaultReadBuffer), count: &r.n}
	r.src = r.cr
}

// Compression returns the bytes the Reader has read so far (zero without compression).
func (r *Reader) Compression() CompressionCounters {
	if r.cr == nil {
		return CompressionCounters{}
	}
	return r.cr.CompressionCounters
}

// Read delivers the packet stream: from the current frame, or, once it is used up, from the
// next one.
func (c *compressedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.read1(p)
	if err != nil {
		// Deliver nothing with an error: the packet reader must not take bytes from a frame
		// that turned out to be broken.
		c.err = err
		return 0, err
	}
	return n, nil
}

func (c *compressedReader) read1(p []byte) (int, error) {
	for c.left == 0 {
		if err := c.nextFrame(); err != nil {
			return 0, err
		}
	}
	p = p[:min(len(p), c.left)]
	var n int
	var err error
	if c.stored {
		n, err = c.read(p)
	} else {
		n, err = c.dec.Read(p)
		if err == io.EOF {
			if n < c.left {
				return 0, fmt.Errorf("%w: compressed frame decompresses to fewer bytes than its header announces", ErrMalformed)
			}
			err = nil
		}
	}
	c.left -= n
	if n > 0 {
		c.newReply = false
	}
	if err != nil {
		return 0, c.failure(err)
	}
	if c.left == 0 && !c.stored {
		if err := c.endFrame(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// endFrame checks that the decompressed frame ends where its header said, with nothing left
// over.
func (c *compressedReader) endFrame() error {
	var one [1]byte
	for {
		m, err := c.dec.Read(one[:])
		if m > 0 {
			return fmt.Errorf("%w: compressed frame decompresses to more bytes than its header announces", ErrMalformed)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return c.failure(err)
		}
	}
	if c.wire != 0 {
		return fmt.Errorf("%w: %d bytes after the compressed data of a frame", ErrMalformed, c.wire)
	}
	return nil
}

// nextFrame reads the next frame's header and prepares its contents.
func (c *compressedReader) nextFrame() error {
	if err := c.fill(CompressHeaderLen); err != nil {
		return err
	}
	h := c.buf[c.start : c.start+CompressHeaderLen]
	c.start += CompressHeaderLen
	wireLen := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
	seq := h[3]
	rawLen := int(h[4]) | int(h[5])<<8 | int(h[6])<<16
	if seq != c.seq && !(c.newReply && seq == c.replySeq) {
		return &SequenceError{Got: seq, Want: c.seq}
	}
	c.seq = seq + 1
	c.newReply = false
	c.wire = wireLen
	c.Wire += int64(CompressHeaderLen + wireLen)
	if rawLen == 0 {
		c.stored = true
		c.left = wireLen
		c.Raw += int64(wireLen)
		return nil
	}
	c.stored = false
	c.left = rawLen
	c.Raw += int64(rawLen)
	dec, err := c.codec.Decompressor((*frameBytes)(c))
	if err != nil {
		return c.failure(err)
	}
	c.dec = dec
	return nil
}

// failure classifies an error met while decompressing: the connection's own error if reading
// it failed, else malformed compressed data.
func (c *compressedReader) failure(err error) error {
	if c.srcErr != nil {
		return readErr(c.srcErr)
	}
	if c.stored {
		return readErr(err)
	}
	return fmt.Errorf("%w: compressed frame: %v", ErrMalformed, err)
}

// fill makes n bytes (at most len(c.buf)) available in c.buf[c.start:c.end].
func (c *compressedReader) fill(n int) error {
	if c.end-c.start >= n {
		return nil
	}
	if c.start+n > len(c.buf) {
		c.end = copy(c.buf, c.buf[c.start:c.end])
		c.start = 0
	}
	for c.end-c.start < n {
		m, err := c.src.Read(c.buf[c.end:])
		c.end += m
		*c.count += int64(m)
		if err != nil && c.end-c.start < n {
			c.srcErr = err
			return readErr(err)
		}
	}
	return nil
}

// read reads the current frame's bytes as they are on the wire, at most c.wire of them.
func (c *compressedReader) read(p []byte) (int, error) {
	p = p[:min(len(p), c.wire)]
	if len(p) == 0 {
		return 0, io.EOF
	}
	if c.start == c.end {
		if len(p) >= len(c.buf) {
			n, err := c.src.Read(p)
			c.wire -= n
			*c.count += int64(n)
			if n > 0 {
				err = nil
			} else if err != nil {
				c.srcErr = err
			}
			return n, err
		}
		c.start, c.end = 0, 0
		n, err := c.src.Read(c.buf)
		c.end = n
		*c.count += int64(n)
		if n == 0 {
			if err != nil {
				c.srcErr = err
			}
			return 0, err
		}
	}
	n := copy(p, c.buf[c.start:c.end])
	c.start += n
	c.wire -= n
	return n, nil
}

// frameBytes is the current frame's compressed bytes, as an io.Reader and io.ByteReader (so
// that flate reads it without a bufio.Reader of its own); it ends with io.EOF at the frame's
// end, and with io.ErrUnexpectedEOF if the connection ends first.
type frameBytes compressedReader

func (f *frameBytes) Read(p []byte) (int, error) {
	n, err := (*compressedReader)(f).read(p)
	if err == io.EOF && f.wire > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (f *frameBytes) ReadByte() (byte, error) {
	c := (*compressedReader)(f)
	if c.wire == 0 {
		return 0, io.EOF
	}
	if c.start == c.end {
		if err := c.fill(1); err != nil {
			return 0, err
		}
	}
	b := c.buf[c.start]
	c.start++
	c.wire--
	return b, nil
}

// buffered reports the bytes received but not yet delivered (raw, compressed or not).
func (c *compressedReader) buffered() int { return c.end - c.start + c.left }
