package myx

import (
	"database/sql/driver"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"time"

	"github.com/myxdb/myx/internal/wire"
)

// ArgError reports an argument that cannot be sent to the server. Nothing was sent.
type ArgError struct {
	Index int // position of the argument, from 0
	Err   error
}

func (e *ArgError) Error() string { return fmt.Sprintf("myx: argument %d: %v", e.Index, e.Err) }

func (e *ArgError) Unwrap() error { return e.Err }

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
			var typ, flags byte
			var err error
			a, err = encodableArg(a)
			if err == nil {
				var la longArg
				var isLong bool
				la, typ, isLong, err = c.longCandidate(a, threshold, limit, id != lastPrepared && allowLong)
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

// encodableArg reduces a to a type appendParam encodes directly; the common types pass as they
// are, an io.Reader (that is not a driver.Valuer) too.
func encodableArg(a any) (any, error) {
	switch a.(type) {
	case nil, int, int64, int32, int16, int8, uint, uint64, uint32, uint16, uint8, float64, float32,
		bool, string, []byte, json.RawMessage, time.Time, time.Duration, *LocalFile:
		return a, nil
	case driver.Valuer:
	case io.Reader:
		return a, nil
	}
	return canonicalArg(a)
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
		w.B = append(w.B, wire.ComStmtSendLong)
		w.B = binary.LittleEndian.AppendUint32(w.B, id)
		w.B = binary.LittleEndian.AppendUint16(w.B, uint16(param))
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
	_, err := c.write(c.wr.B)
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
	v, err := canonicalArg(a)
	if err != nil {
		return b, 0, 0, err
	}
	return c.appendParam(b, v)
}

// callValuer calls v.Value, treating a nil pointer receiver as NULL (as database/sql does).
func callValuer(v driver.Valuer) (driver.Value, error) {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return nil, nil
	}
	return v.Value()
}

// maxArgDepth bounds how many pointers and driver.Valuer results canonicalArg follows: a
// self-referencing pointer or a Valuer that returns itself is an error, not a crash.
const maxArgDepth = 8

// canonicalArg reduces an argument of any other type to one the encoders handle directly: the
// value of a driver.Valuer (a nil pointer receiver is NULL, as in database/sql), the target of
// a pointer (nil is NULL), and for named types their underlying int64, uint64, float32,
// float64, bool, string or []byte. Chains of pointers and Valuers are followed up to
// maxArgDepth steps. The three encoders (binary parameters, interpolated literals, LOAD DATA
// text) share it, so an argument means the same in every mode.
func canonicalArg(a any) (any, error) {
	orig := a
	for depth := 0; ; depth++ {
		switch a.(type) {
		case nil, int, int64, int32, int16, int8, uint, uint64, uint32, uint16, uint8, float64, float32,
			bool, string, []byte, json.RawMessage, time.Time, time.Duration, *LocalFile:
			return a, nil
		}
		if depth == maxArgDepth {
			return nil, fmt.Errorf("%T: pointers and driver.Valuer results nested more than %d deep", orig, maxArgDepth)
		}
		next, err := reduceArg(a)
		if err != nil {
			return nil, err
		}
		a = next
	}
}

// reduceArg is one step of canonicalArg.
func reduceArg(a any) (any, error) {
	if v, ok := a.(driver.Valuer); ok {
		return callValuer(v)
	}
	rv := reflect.ValueOf(a)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil, nil
		}
		return rv.Elem().Interface(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return rv.Uint(), nil
	case reflect.Float32:
		return float32(rv.Float()), nil
	case reflect.Float64:
		return rv.Float(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			if rv.IsNil() {
				return nil, nil
			}
			return rv.Bytes(), nil
		}
	}
	return nil, fmt.Errorf("unsupported type %T (use a basic type, time.Time, time.Duration, []byte, an io.Reader, or a driver.Valuer)", a)
}

// PacketTooLargeError reports a command or a value larger than the connection's send limit:
// max_allowed_packet as Config.MaxAllowedPacket sets it, lowered to the server's own value once
// the connection has learned it. Found before anything is sent (for an io.Reader, when the
// bytes read pass the limit, and what was streamed is discarded), so the connection stays
// usable. An argument's is wrapped in an *ArgError.
type PacketTooLargeError struct {
	What    string // "command" (a statement with its inline arguments) or "value" (one argument)
	Size    int    // its size in bytes
	AtLeast bool   // Size is what was read from an io.Reader when it passed the limit
	Limit   int    // the send limit, in bytes
}

func (e *PacketTooLargeError) Error() string {
	more := ""
	if e.AtLeast {
		more = "more than "
	}
	return fmt.Sprintf("myx: %s of %s%d bytes is larger than max_allowed_packet (%d bytes; raise the server's max_allowed_packet, and Config.MaxAllowedPacket if it is lower)", e.What, more, e.Size, e.Limit)
}

// learnLimitAt is the size of a command (its text and direct string and []byte arguments) from
// which the connection first asks the server for its max_allowed_packet, once: smaller commands
// fit any server's limit, and for larger ones one round trip more is small.
const learnLimitAt = 256 << 10

// sendLimit is the largest command payload the server accepts as far as the connection knows:
// Config.MaxAllowedPacket, lowered to the server's max_allowed_packet once learned; 0 when
// neither is known.
func (c *Conn) sendLimit() int {
	limit := c.cfg.maxAllowedPacket()
	if c.maxAllowed > 0 && (limit <= 0 || c.maxAllowed < limit) {
		limit = c.maxAllowed
	}
	return max(limit, 0)
}

// valueLimit is the largest value sent as long data: the server's max_allowed_packet (which
// bounds the data it gathers for one parameter) once the connection knows it, 0 before. The
// configured send limit bounds each packet, not the value, as in go-sql-driver: long data
// travels in chunks that fit it.
func (c *Conn) valueLimit() int {
	return max(c.maxAllowed, 0)
}

// needLimit learns the server's max_allowed_packet before a command of about size bytes, or one
// that streams an io.Reader, unless the connection already knows it.
func (c *Conn) needLimit(size int, reader bool) error {
	if c.maxAllowed != 0 || size < learnLimitAt && !reader {
		return nil
	}
	return c.learnMaxAllowed()
}

// needLimitFor is needLimit for query with args.
func (c *Conn) needLimitFor(query string, args []any) error {
	n, reader := argsSize(args)
	return c.needLimit(len(query)+n, reader)
}

// checkCommand reports a command of size payload bytes (command byte included) that the server
// would refuse.
func (c *Conn) checkCommand(size int) error {
	if limit := c.sendLimit(); limit > 0 && size > limit {
		return &PacketTooLargeError{What: "command", Size: size, Limit: limit}
	}
	return nil
}

// argsSize estimates what args add to a command (strings and byte slices; other values are
// small or, for a driver.Valuer, not known before it is called) and reports whether one is an
// io.Reader.
func argsSize(args []any) (n int, reader bool) {
	for _, a := range args {
		switch v := a.(type) {
		case string:
			n += len(v)
		case []byte:
			n += 2 * len(v) // interpolated as hex
		case json.RawMessage:
			n += len(v)
		case int, int64, driver.Valuer, *LocalFile:
		case io.Reader:
			reader = true
		}
	}
	return n, reader
}

// readReaders replaces each io.Reader in args by its contents, for the paths that build the
// statement text on the client. It reads no more than the send limit allows.
func (c *Conn) readReaders(args []any) ([]any, error) {
	var out []any
	for i, a := range args {
		r, ok := a.(io.Reader)
		if !ok {
			continue
		}
		if _, ok := a.(driver.Valuer); ok {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		limit := c.sendLimit()
		if limit <= 0 {
			limit = wire.DefaultMaxPacket
		}
		b, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
		if err != nil {
			return nil, &ArgError{Index: i, Err: fmt.Errorf("reading the io.Reader: %w", err)}
		}
		if len(b) > limit {
			return nil, &ArgError{Index: i, Err: &PacketTooLargeError{What: "value", Size: len(b), AtLeast: true, Limit: limit}}
		}
		out[i] = b
	}
	if out == nil {
		return args, nil
	}
	return out, nil
}

// dateTimeOf converts t to the connection's location and splits it into fields.
func (c *Conn) dateTimeOf(t time.Time) wire.DateTime {
	t = c.argTime(t)
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return wire.DateTime{Year: y, Month: int(mo), Day: d, Hour: h, Minute: mi, Second: s, Micros: t.Nanosecond() / 1000}
}

// argTime is a time.Time argument as the server gets it, in every encoding: truncated to
// Config.TimeTruncate, in the connection's location.
func (c *Conn) argTime(t time.Time) time.Time {
	if c.cfg.TimeTruncate > 0 {
		t = t.Truncate(c.cfg.TimeTruncate)
	}
	return t.In(c.cfg.location())
}
