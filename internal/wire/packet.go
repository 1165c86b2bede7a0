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
	// DefaultMaxPacket is the reader's default limit for one logical (joined) payload: the
	// largest max_allowed_packet a server accepts.
	DefaultMaxPacket = 1 << 30
)

// Reader reads packets from a byte stream through its own buffer. A payload returned by Next is a
// slice of that buffer, valid only until the next call to any Reader method.
//
// The buffer grows only as bytes actually arrive, so a packet header claiming a huge length costs
// nothing until the data comes; a logical payload larger than Max is an error.
type Reader struct {
	src   io.Reader
	buf   []byte
	start int // first unread byte
	end   int // one past the last buffered byte
	big   []byte

	// Seq is the sequence id the next packet must carry. The caller sets it when a new command
	// starts (the server's first reply is 1); Next advances it.
	Seq byte
	// Max bounds a logical payload; zero means DefaultMaxPacket.
	Max int
}

// NewReader returns a Reader over src.
func NewReader(src io.Reader) *Reader {
	return &Reader{src: src, buf: make([]byte, defaultReadBuffer)}
}

// Reset points the reader at a new source and drops anything buffered.
func (r *Reader) Reset(src io.Reader) {
	r.src = src
	r.start, r.end = 0, 0
	r.big = nil
	r.Seq = 0
}

// Buffered reports how many bytes are buffered but not yet returned.
func (r *Reader) Buffered() int { return r.end - r.start }

func (r *Reader) limit() int {
	if r.Max > 0 {
		return r.Max
	}
	return DefaultMaxPacket
}

// fill makes at least n unread bytes available in r.buf[r.start:r.end]. The buffer grows only
// when it is full of bytes actually received, so memory stays within twice the data read.
func (r *Reader) fill(n int) error {
	if r.end-r.start >= n {
		return nil
	}
	if r.start == r.end && len(r.buf) > 1<<20 {
		// A large packet has been consumed: return to a normal-sized buffer.
		r.buf = make([]byte, defaultReadBuffer)
		r.start, r.end = 0, 0
	}
	if r.start+n > len(r.buf) && r.start > 0 {
		r.end = copy(r.buf, r.buf[r.start:r.end])
		r.start = 0
	}
	for r.end-r.start < n {
		if r.end == len(r.buf) {
			nb := make([]byte, min(r.start+n, 2*len(r.buf)))
			r.end = copy(nb, r.buf[r.start:r.end])
			r.start = 0
			r.buf = nb
		}
		m, err := r.src.Read(r.buf[r.end:])
		r.end += m
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

// next reads one physical packet and returns its payload.
func (r *Reader) physical() ([]byte, error) {
	if err := r.fill(4); err != nil {
		return nil, err
	}
	h := r.buf[r.start : r.start+4]
	n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
	seq := h[3]
	if seq != r.Seq {
		return nil, &SequenceError{Got: seq, Want: r.Seq}
	}
	if n > r.limit() {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrPacketTooLarge, n, r.limit())
	}
	if err := r.fill(4 + n); err != nil {
		return nil, err
	}
	r.Seq++
	p := r.buf[r.start+4 : r.start+4+n : r.start+4+n]
	r.start += 4 + n
	return p, nil
}

// Next returns the next logical packet's payload, joining packets split at 16 MiB. The slice is
// valid until the next call to a Reader method.
func (r *Reader) Next() ([]byte, error) {
	p, err := r.physical()
	if err != nil || len(p) < MaxPacketPayload {
		return p, err
	}
	r.big = append(r.big[:0], p...)
	for {
		p, err = r.physical()
		if err != nil {
			return nil, err
		}
		if len(r.big)+len(p) > r.limit() {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrPacketTooLarge, r.limit())
		}
		r.big = append(r.big, p...)
		if len(p) < MaxPacketPayload {
			b := r.big
			if cap(r.big) > 4*defaultReadBuffer {
				r.big = nil // do not keep a huge buffer alive past the next call
			}
			return b, nil
		}
	}
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
// physical packets as the protocol requires.
func (w *Writer) Finish() {
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

// Len reports the bytes buffered.
func (w *Writer) Len() int { return len(w.B) }

// Reset drops everything buffered, keeping the memory unless it grew large.
func (w *Writer) Reset() {
	if cap(w.B) > 1<<20 {
		w.B = nil
		return
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
func (r *Reader) SetSource(src io.Reader) { r.src = src }
