package wire

import (
	"errors"
	"fmt"
	"io"
)

// ErrMalformed is wrapped by every error about bytes from the server that do not follow the
// protocol.
var ErrMalformed = errors.New("malformed packet")

// ErrPacketTooLarge is wrapped when a packet (after joining split packets) exceeds the reader's
// limit.
var ErrPacketTooLarge = errors.New("packet exceeds the size limit")

// SequenceError reports a packet whose sequence id is not the one expected: the stream is out of
// sync and the connection cannot be used further.
type SequenceError struct {
	Got, Want byte
}

func (e *SequenceError) Error() string {
	return fmt.Sprintf("packet sequence out of order: got %d, want %d", e.Got, e.Want)
}

func malformed(what string) error { return fmt.Errorf("%w: %s", ErrMalformed, what) }

const (
	defaultReadBuffer = 32 << 10
	// smallPacket is the largest payload read through the reader's own buffer; a larger one,
	// and every payload split over several packets, is read into a buffer of its own that grows
	// as its bytes arrive and is dropped after use.
	smallPacket = 1<<20 - 4
	// shrinkAbove is the size beyond which the reader's own buffer returns to
	// defaultReadBuffer once it is empty, so that an idle connection keeps little memory.
	shrinkAbove = 256 << 10
	// minLarge is the first size of a large payload's buffer.
	minLarge = 256 << 10

	// DefaultMaxPacket is the reader's default limit for one logical (joined) payload, 64 MiB
	// (go-sql-driver's default).
	DefaultMaxPacket = 64 << 20
	// MaxPacketLimit is the largest limit a Reader accepts: 1 GiB, the largest
	// max_allowed_packet a server accepts.
	MaxPacketLimit = 1 << 30
)

// Reader reads packets from a byte stream through its own buffer. A payload returned by Next is a
// slice of that buffer, valid only until the next call to any Reader method.
//
// Memory: a payload of up to 1 MiB is read through the reader's buffer (at most 1 MiB, back to
// 32 KiB once a large one is consumed). A larger payload, and any payload split over several
// 16 MiB packets, goes into one buffer of its own that grows only as bytes arrive (doubling, never
// past what the headers announced for a single packet, nor past Max), so a header claiming a
// huge length costs nothing until the data comes. When doubling would reach a quarter of Max the
// buffer goes straight to Max, so that growing it never holds two large copies: reading costs at
// most Max plus one quarter of it (plus the 1 MiB buffer), however the server splits its packets.
// A logical payload larger than Max is an error wrapping ErrPacketTooLarge.
type Reader struct {
	src   io.Reader
	buf   []byte
	start int // first unread byte
	end   int // one past the last buffered byte
	big   []byte

	// Seq is the sequence id the next packet must carry. The caller sets it when a new command
	// starts (the server's first reply is 1); Next advances it.
	Seq byte
	// Max bounds a logical payload; zero means DefaultMaxPacket. Values above MaxPacketLimit
	// count as MaxPacketLimit.
	Max int

	cr *compressedReader // set by SetCompression

	// n counts the bytes read from the network source (see BytesRead).
	n int64
}

// BytesRead reports how many bytes the reader has read from its source since it was made: the
// bytes on the wire (compressed frames as they arrive, with compression on; TLS records as
// decrypted, with TLS), whether or not they have been returned by Next yet.
func (r *Reader) BytesRead() int64 { return r.n }

// NewReader returns a Reader over src.
func NewReader(src io.Reader) *Reader {
	return &Reader{src: src, buf: make([]byte, defaultReadBuffer)}
}

// Reset points the reader at a new source and drops anything buffered.
func (r *Reader) Reset(src io.Reader) {
	r.src = src
	r.start, r.end = 0, 0
	r.big = nil
	r.cr = nil
	r.Seq = 0
}

// Buffered reports how many bytes are buffered but not yet returned.
func (r *Reader) Buffered() int {
	if r.cr != nil {
		return r.end - r.start + r.cr.buffered()
	}
	return r.end - r.start
}

func (r *Reader) limit() int {
	if r.Max > 0 {
		return min(r.Max, MaxPacketLimit)
	}
	return DefaultMaxPacket
}

// fill makes at least n unread bytes (n <= smallPacket+4) available in r.buf[r.start:r.end].
func (r *Reader) fill(n int) error {
	if r.end-r.start >= n {
		return nil
	}
	if r.start == r.end {
		r.start, r.end = 0, 0
		if len(r.buf) > shrinkAbove && n <= defaultReadBuffer {
			// A large payload has been consumed: return to a normal-sized buffer.
			r.buf = make([]byte, defaultReadBuffer)
		}
	}
	if r.start+n > len(r.buf) {
		if n > len(r.buf) {
			nb := make([]byte, max(n, min(2*len(r.buf), smallPacket+4)))
			r.end = copy(nb, r.buf[r.start:r.end])
			r.buf = nb
		} else {
			r.end = copy(r.buf, r.buf[r.start:r.end])
		}
		r.start = 0
	}
	for r.end-r.start < n {
		m, err := r.src.Read(r.buf[r.end:])
		r.end += m
		if r.cr == nil {
			r.n += int64(m)
		}
		if err != nil && r.end-r.start < n {
			return readErr(err)
		}
	}
	return nil
}

func readErr(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// header reads the next physical packet's header, checks its sequence id and advances Seq, and
// returns the payload length it announces.
func (r *Reader) header() (int, error) {
	if r.cr != nil && r.start == r.end {
		r.cr.newReply, r.cr.replySeq = true, r.Seq
	}
	if err := r.fill(4); err != nil {
		return 0, err
	}
	h := r.buf[r.start : r.start+4]
	n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
	if seq := h[3]; seq != r.Seq {
		return 0, &SequenceError{Got: seq, Want: r.Seq}
	}
	r.start += 4
	r.Seq++
	return n, nil
}

// Next returns the next logical packet's payload, joining packets split at 16 MiB. The slice is
// valid until the next call to a Reader method.
func (r *Reader) Next() ([]byte, error) {
	// The common case first: a small packet already buffered whole (the rows of a result set
	// arrive many to a read). It does what header and the small-packet branch below do.
	if start := r.start + 4; start <= r.end && r.big == nil {
		h := r.buf[r.start:start]
		n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
		if end := start + n; end <= r.end && h[3] == r.Seq && n <= smallPacket && n <= r.limit() {
			r.Seq++
			r.start = end
			return r.buf[start:end:end], nil
		}
	}
	return r.next()
}

// next is Next for a packet not yet buffered whole, a large or split one, or an error.
func (r *Reader) next() ([]byte, error) {
	r.big = nil
	n, err := r.header()
	if err != nil {
		return nil, err
	}
	if n > r.limit() {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrPacketTooLarge, n, r.limit())
	}
	if n <= smallPacket {
		if err := r.fill(n); err != nil {
			return nil, err
		}
		p := r.buf[r.start : r.start+n : r.start+n]
		r.start += n
		return p, nil
	}
	var big []byte
	for {
		if big, err = r.appendPayload(big, n, n == MaxPacketPayload); err != nil {
			return nil, err
		}
		if n < MaxPacketPayload {
			r.big = big // dropped at the next call
			return big, nil
		}
		if n, err = r.header(); err != nil {
			return nil, err
		}
		if len(big)+n > r.limit() {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrPacketTooLarge, r.limit())
		}
	}
}

// appendPayload appends the next n payload bytes to big: first those already buffered, then
// straight from the source, growing big as the bytes arrive. continued says that more packets
// of the same payload follow, so big may grow past n.
func (r *Reader) appendPayload(big []byte, n int, continued bool) ([]byte, error) {
	end := len(big) + n // what the headers announced so far
	for n > 0 {
		if len(big) == cap(big) {
			big = r.grow(big, end, continued)
		}
		room := big[len(big):min(cap(big), len(big)+n)]
		var m int
		var err error
		if r.end > r.start {
			m = copy(room, r.buf[r.start:r.end])
			r.start += m
		} else {
			m, err = r.src.Read(room)
			if r.cr == nil {
				r.n += int64(m)
			}
		}
		big = big[:len(big)+m]
		n -= m
		if err != nil && n > 0 {
			return nil, readErr(err)
		}
	}
	return big, nil
}

// grow returns big with more capacity: twice as much (at least minLarge), at most end for a
// payload in one packet, and straight to the limit once doubling reaches a quarter of it.
func (r *Reader) grow(big []byte, end int, continued bool) []byte {
	limit := r.limit()
	c := max(2*cap(big), minLarge)
	if continued {
		if 4*c >= limit {
			c = limit
		}
		c = max(min(c, limit), end)
	} else {
		c = min(c, end)
	}
	nb := make([]byte, len(big), c)
	copy(nb, big)
	return nb
}

// Writer accumulates outgoing packets in one buffer so that a command, or several pipelined
// commands, leave in a single write. Callers append a packet's payload to B between Start and
// Finish.
type Writer struct {
	// B holds the encoded packets. Between Start and Finish the caller appends the payload.
	B []byte
	// Seq is the sequence id the next packet started will carry.
	Seq   byte
	start int
	comp  *compressedWriter // set by SetCompression
}

// Start begins a packet: it reserves the 4-byte header in B.
func (w *Writer) Start() {
	w.start = len(w.B)
	w.B = append(w.B, 0, 0, 0, 0)
}

// StartCommand begins the first packet of a new command (sequence id 0).
func (w *Writer) StartCommand() {
	w.Seq = 0
	w.Start()
}

// Finish completes the packet begun by Start, splitting a payload of 16 MiB or more into several
// physical packets as the protocol requires, and with compression on, framing them.
func (w *Writer) Finish() {
	if w.comp != nil {
		w.finishCompressed()
		return
	}
	w.finishPlain()
}

func (w *Writer) finishPlain() {
	n := len(w.B) - w.start - 4
	if n < MaxPacketPayload {
		putHeader(w.B[w.start:], n, w.Seq)
		w.Seq++
		return
	}
	// Rare: re-frame the payload into chunks. Copy it out, then write chunk by chunk.
	payload := append([]byte(nil), w.B[w.start+4:]...)
	w.B = w.B[:w.start]
	for {
		chunk := min(len(payload), MaxPacketPayload)
		var h [4]byte
		putHeader(h[:], chunk, w.Seq)
		w.Seq++
		w.B = append(w.B, h[:]...)
		w.B = append(w.B, payload[:chunk]...)
		payload = payload[chunk:]
		if chunk < MaxPacketPayload {
			return
		}
	}
}

// Len reports the bytes buffered, counted before compression: what the server sees of them.
func (w *Writer) Len() int {
	if w.comp != nil {
		return len(w.B) + w.comp.saved
	}
	return len(w.B)
}

// Reset drops everything buffered, keeping the memory unless it grew large.
func (w *Writer) Reset() {
	w.Empty()
	if cap(w.B) > 1<<20 {
		w.B = nil
	}
}

// Empty drops everything buffered and keeps the memory, for a caller writing a run of large
// packets one at a time (Reset afterwards gives large memory back).
func (w *Writer) Empty() {
	if w.comp != nil {
		w.comp.saved = 0
	}
	w.B = w.B[:0]
}

func putHeader(b []byte, n int, seq byte) {
	b[0] = byte(n)
	b[1] = byte(n >> 8)
	b[2] = byte(n >> 16)
	b[3] = seq
}

// SetSource changes where the reader reads from, keeping anything already buffered.
func (r *Reader) SetSource(src io.Reader) {
	if r.cr != nil {
		r.cr.src = src
		return
	}
	r.src = src
}
