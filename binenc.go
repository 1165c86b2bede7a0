package myx

// Statements: the binary protocol encoder. COM_STMT_EXECUTE with its parameters, and long
// data (COM_STMT_SEND_LONG_DATA) for large values and io.Readers.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/myxdb/myx/internal/wire"
)

// maxDuration bounds TIME arguments to what the protocol's encoding holds without overflow.
const maxTimeArg = 100000 * 24 * time.Hour

// appendExecute encodes COM_STMT_EXECUTE for st with args into the write buffer, sending large
// arguments ahead of it as long data (see appendExecuteID). On error nothing was added to the
// buffer.
func (c *Conn) appendExecute(st *stmt, args []any) error {
	return c.appendExecuteOpt(st, args, true)
}

// appendExecuteOpt is appendExecute; without allowLong a large argument is errNeedsLong instead
// of being sent ahead.
func (c *Conn) appendExecuteOpt(st *stmt, args []any, allowLong bool) error {
	if len(args) != st.params {
		return &ArgCountError{Want: st.params, Got: len(args)}
	}
	c.noteStatement(st.flags)
	return c.appendExecuteID(st.id, args, allowLong)
}

// lastPrepared is the statement id MariaDB accepts for "the statement prepared just before",
// which lets a prepare and its first execute travel together.
const lastPrepared = 0xffffffff

// errNeedsLong is returned by appendExecuteID when an argument must travel as long data but the
// caller cannot send it ahead of the execute (a pipelined first use, a batch with replies still
// to read). Nothing was encoded or sent; the caller takes a path that can.
var errNeedsLong = errors.New("myx: argument needs COM_STMT_SEND_LONG_DATA")

// longArg is an argument sent ahead of COM_STMT_EXECUTE in COM_STMT_SEND_LONG_DATA chunks.
type longArg struct {
	index int
	s     string    // the value, for a string or json.RawMessage
	b     []byte    // the value, for a []byte
	r     io.Reader // the rest of the value, for an io.Reader
	first []byte    // for an io.Reader: the bytes already read from it
}

// appendExecuteID encodes COM_STMT_EXECUTE of statement id with args. A string, []byte or
// json.RawMessage above the long-data threshold, and an io.Reader with more than that to give,
// travel ahead of the execute as COM_STMT_SEND_LONG_DATA (only with allowLong and a real
// statement id; otherwise errNeedsLong): then whatever the write buffer held is written, the
// long data is streamed, and the buffer is left holding the execute alone. A command or value
// larger than the connection's send limit is a *PacketTooLargeError before anything is sent. On
// any error the buffer is as it was (less what was written), and the connection is usable unless
// the error is a *ConnError.
func (c *Conn) appendExecuteID(id uint32, args []any, allowLong bool) error {
	w := &c.wr
	mark := len(w.B)
	w.StartCommand()
	w.B = wire.AppendExecuteHeader(w.B, id, wire.CursorNone)
	limit := c.sendLimit()
	var longs []longArg
	if n := len(args); n > 0 {
		threshold := longThreshold(limit, n)
		nullPos := len(w.B)
		for range (n + 7) / 8 {
			w.B = append(w.B, 0)
		}
		w.B = append(w.B, 1) // types follow
		typePos := len(w.B)
		for range n {
			w.B = append(w.B, 0, 0)
		}
		for i, a := range args {
			var flags byte
			la, typ, isLong, err := c.longCandidate(a, threshold, limit, id != lastPrepared && allowLong)
			if isLong {
				la.index = i
				longs = append(longs, la)
				if c.goArgs {
					typ = wire.TypeString
				}
				w.B[typePos+2*i] = typ
				continue
			}
			if la.b != nil {
				a = la.b // a short io.Reader, read whole
			}
			if err == nil {
				w.B, typ, flags, err = c.appendParam(w.B, a)
			}
			if err != nil {
				w.B = w.B[:mark]
				if err == errNeedsLong {
					return err
				}
				return &ArgError{Index: i, Err: err}
			}
			if typ == wire.TypeNull {
				w.B[nullPos+i/8] |= 1 << (i & 7)
			}
			w.B[typePos+2*i] = typ
			w.B[typePos+2*i+1] = flags
		}
	}
	if size := len(w.B) - mark - 4; limit > 0 && size > limit {
		w.B = w.B[:mark]
		return &PacketTooLargeError{What: "command", Size: size, Limit: limit}
	}
	w.Finish()
	if len(longs) > 0 {
		return c.sendLongData(id, mark, longs, limit)
	}
	return nil
}

// longCandidate decides whether a goes as long data. For an io.Reader it reads up to threshold
// bytes: a reader that ends before is returned whole in la.b, to be sent inline.
func (c *Conn) longCandidate(a any, threshold, limit int, allowLong bool) (la longArg, typ byte, isLong bool, err error) {
	size := 0
	switch v := a.(type) {
	case string:
		la.s, typ, size = v, wire.TypeVarString, len(v)
	case json.RawMessage:
		la.s, typ, size = unsafeString(v), wire.TypeVarString, len(v)
	case []byte:
		la.b, typ, size = v, wire.TypeBlob, len(v)
	case io.Reader:
		if !allowLong {
			return la, 0, false, errNeedsLong
		}
		la.first, err = io.ReadAll(io.LimitReader(v, int64(threshold)))
		if err != nil {
			return la, 0, false, fmt.Errorf("reading the io.Reader: %w", err)
		}
		if len(la.first) < threshold {
			la.b, la.first = la.first, nil
			if la.b == nil {
				la.b = []byte{}
			}
			return la, 0, false, nil
		}
		la.r = v
		return la, wire.TypeBlob, true, nil
	default:
		return la, 0, false, nil
	}
	if size < threshold {
		la = longArg{}
		return la, 0, false, nil
	}
	if !allowLong {
		return la, 0, false, errNeedsLong
	}
	if vl := c.valueLimit(); vl > 0 && size > vl {
		return la, 0, false, &PacketTooLargeError{What: "value", Size: size, Limit: vl}
	}
	return la, typ, true, nil
}

// Long data: values from longDataMin bytes (or a share of the send limit, for statements with
// many parameters) travel in chunks of at most longDataChunk.
const (
	longDataChunk = 1 << 20
	longDataMin   = 256
	// longHeader is a COM_STMT_SEND_LONG_DATA packet's size before its data: packet header,
	// command, statement id, parameter number.
	longHeader = 4 + 1 + 4 + 2
)

// longThreshold is the size from which a value of a statement with params parameters goes as
// long data: longDataChunk, or less when the send limit would not hold params+1 of them.
func longThreshold(limit, params int) int {
	t := longDataChunk
	if limit > 0 {
		t = min(t, max(limit/(params+1), longDataMin))
	}
	return t
}

// sendLongData writes the buffer up to mark (commands without a reply), then streams each long
// argument as COM_STMT_SEND_LONG_DATA packets, leaving the execute (encoded after mark) alone in
// the buffer. COM_STMT_SEND_LONG_DATA has no reply; the server reports a problem with the data
// at the execute. When an io.Reader fails or gives more than the send limit, what was sent is
// discarded with COM_STMT_RESET and the error is an *ArgError.
func (c *Conn) sendLongData(id uint32, mark int, longs []longArg, limit int) error {
	// The execute (already framed at mark) waits aside while the long data goes out through the
	// same writer, so that every packet is framed alike (compression) and written alike
	// (writeTimeout).
	execute := append([]byte(nil), c.wr.B[mark:]...)
	seq := c.wr.Seq
	c.wr.B = c.wr.B[:mark]
	if mark > 0 {
		if err := c.writeLong(); err != nil {
			return err
		}
	}
	chunk := longDataChunk
	if limit > 0 {
		chunk = max(min(chunk, limit-longHeader), 64)
	}
	// sendPkt sends one COM_STMT_SEND_LONG_DATA packet of data for parameter param.
	sendPkt := func(param int, data []byte, str string) error {
		w := &c.wr
		w.StartCommand()
		w.B = wire.AppendLongDataHeader(w.B, id, uint16(param))
		w.B = append(w.B, data...)
		w.B = append(w.B, str...)
		w.Finish()
		return c.writeLong()
	}
	var buf []byte
	for _, la := range longs {
		if la.r == nil {
			// A string or []byte: sent chunk by chunk, never copied whole.
			size := max(len(la.s), len(la.b))
			for off := 0; off < size; off += chunk {
				end := min(off+chunk, size)
				var err error
				if la.b != nil {
					err = sendPkt(la.index, la.b[off:end], "")
				} else {
					err = sendPkt(la.index, nil, la.s[off:end])
				}
				if err != nil {
					return err
				}
			}
			continue
		}
		// An io.Reader: what was read already, then chunk by chunk to its end.
		total := 0
		for off := 0; off < len(la.first); off += chunk {
			end := min(off+chunk, len(la.first))
			total += end - off
			if err := sendPkt(la.index, la.first[off:end], ""); err != nil {
				return err
			}
		}
		if buf == nil {
			buf = make([]byte, chunk)
		}
		for {
			n, err := io.ReadFull(la.r, buf)
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			if err != nil && err != io.EOF {
				return c.abandonLongData(id, &ArgError{Index: la.index, Err: fmt.Errorf("reading the io.Reader: %w", err)})
			}
			total += n
			if vl := c.valueLimit(); vl > 0 && total > vl {
				return c.abandonLongData(id, &ArgError{Index: la.index, Err: &PacketTooLargeError{What: "value", Size: total, Limit: vl, AtLeast: true}})
			}
			if n > 0 {
				if err := sendPkt(la.index, buf[:n], ""); err != nil {
					return err
				}
			}
			if err == io.EOF {
				break
			}
		}
	}
	c.wr.B = append(c.wr.B[:0], execute...)
	c.wr.Seq = seq
	return nil
}

// writeLong writes what the write buffer holds (packets that get no reply: long data) and
// empties it. A failure closes the connection; it is always safe to retry (long data changes
// nothing on the server).
func (c *Conn) writeLong() error {
	n, err := c.write(c.wr.B)
	c.stats.BytesSent += int64(n)
	if err != nil {
		c.wr.Reset()
		return c.fail("write", err, true)
	}
	c.wr.Empty()
	return nil
}

// abandonLongData drops the execute waiting in the write buffer and discards the long data sent
// for statement id with COM_STMT_RESET, then returns argErr (or the error that closed the
// connection meanwhile).
func (c *Conn) abandonLongData(id uint32, argErr error) error {
	c.wr.B = c.wr.B[:0]
	c.wr.StartCommand()
	c.wr.B = wire.AppendStmtID(c.wr.B, wire.ComStmtReset, id)
	c.wr.Finish()
	if err := c.flush(); err != nil {
		return err
	}
	// An ERR says the statement is gone on the server (it cannot be: it was just used), and the
	// data with it: either way the data is discarded.
	var me *MySQLError
	if err := c.readOK(); err != nil && !errors.As(err, &me) {
		return err
	}
	return argErr
}

const unsignedFlag = 0x80

// appendParam appends the binary encoding of a and reports its type. NULL appends nothing.
func (c *Conn) appendParam(b []byte, a any) ([]byte, byte, byte, error) {
	if c.goArgs {
		if out, typ, ok, err := c.appendGoParam(b, a); ok {
			return out, typ, 0, err
		}
	}
	switch v := a.(type) {
	case nil:
		return b, wire.TypeNull, 0, nil
	case int:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, 0, nil
	case int64:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, 0, nil
	case int32:
		return wire.AppendUint64(b, uint64(int64(v))), wire.TypeLongLong, 0, nil
	case int16:
		return wire.AppendUint64(b, uint64(int64(v))), wire.TypeLongLong, 0, nil
	case int8:
		return wire.AppendUint64(b, uint64(int64(v))), wire.TypeLongLong, 0, nil
	case uint:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, unsignedFlag, nil
	case uint64:
		return wire.AppendUint64(b, v), wire.TypeLongLong, unsignedFlag, nil
	case uint32:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, unsignedFlag, nil
	case uint16:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, unsignedFlag, nil
	case uint8:
		return wire.AppendUint64(b, uint64(v)), wire.TypeLongLong, unsignedFlag, nil
	case float64:
		return wire.AppendFloat64(b, v), wire.TypeDouble, 0, nil
	case float32:
		return wire.AppendFloat32(b, v), wire.TypeFloat, 0, nil
	case bool:
		if v {
			return append(b, 1), wire.TypeTiny, 0, nil
		}
		return append(b, 0), wire.TypeTiny, 0, nil
	case string:
		return wire.AppendLenEncString(b, v), wire.TypeVarString, 0, nil
	case []byte:
		if v == nil {
			return b, wire.TypeNull, 0, nil
		}
		return wire.AppendLenEncBytes(b, v), wire.TypeBlob, 0, nil
	case json.RawMessage:
		if v == nil {
			return b, wire.TypeNull, 0, nil
		}
		// As text: a JSON column refuses a value in the binary character set.
		return wire.AppendLenEncBytes(b, v), wire.TypeVarString, 0, nil
	case time.Time:
		dt := c.dateTimeOf(v)
		if dt.Year < 0 || dt.Year > 9999 {
			return b, 0, 0, fmt.Errorf("time %v outside the DATETIME range (years 0 to 9999)", v)
		}
		return wire.AppendBinaryDateTime(b, dt), wire.TypeDateTime, 0, nil
	case time.Duration:
		if v > maxTimeArg || v < -maxTimeArg {
			return b, 0, 0, fmt.Errorf("duration %v out of TIME range", v)
		}
		return wire.AppendBinaryTime(b, v), wire.TypeTime, 0, nil
	case *LocalFile:
		return b, 0, 0, fmt.Errorf("a LocalFile is only accepted by LOAD DATA LOCAL INFILE statements")
	}
	return b, 0, 0, unsupportedArg(a) // normalizeArgs lets no other type through
}

// dateTimeOf converts t to the connection's location and splits it into fields.
func (c *Conn) dateTimeOf(t time.Time) wire.DateTime {
	t = c.argTime(t)
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return wire.DateTime{Year: y, Month: int(mo), Day: d, Hour: h, Minute: mi, Second: s, Micros: t.Nanosecond() / 1000}
}
