package myx

// Statements: arguments. Normalisation at the entry of every statement path (normalizeArgs,
// canonicalArg), their sizes against the send limit, and the argument errors.

import (
	"database/sql/driver"
	"encoding/json"
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

func (e *ArgError) Error() string { return fmt.Sprintf("myx: argument %d: %s", e.Index, bare(e.Err)) }

func (e *ArgError) Unwrap() error { return e.Err }

// normalizeArgs is where every statement path takes its arguments in (Exec, Query, QueryRow,
// Stmt, SendBatch, ExecMany, CopyFrom rows): each argument is reduced by canonicalArg to a type
// the encoders (binary parameters, interpolated literals, LOAD DATA text) handle directly, so
// that they never see a driver.Valuer, a pointer or a named type, and a driver.Valuer is called
// once per statement whatever path it takes. An io.Reader (that is not a driver.Valuer) and a
// *LocalFile pass as they are. args itself is returned when every argument already has such a
// type, which costs no allocation; otherwise a copy. An argument that cannot be reduced is an
// *ArgError, before anything is sent.
func normalizeArgs(args []any) ([]any, error) {
	for i, a := range args {
		if isCanonicalArg(a) {
			continue
		}
		out := make([]any, len(args))
		copy(out, args[:i])
		for j := i; j < len(args); j++ {
			v := args[j]
			if !isCanonicalArg(v) {
				var err error
				if v, err = canonicalArg(v); err != nil {
					return nil, &ArgError{Index: j, Err: err}
				}
			}
			out[j] = v
		}
		return out, nil
	}
	return args, nil
}

// isCanonicalArg reports whether a has a type the encoders take as it is.
func isCanonicalArg(a any) bool {
	switch a.(type) {
	case nil, int, int64, int32, int16, int8, uint, uint64, uint32, uint16, uint8, float64, float32,
		bool, string, []byte, json.RawMessage, time.Time, time.Duration, *LocalFile:
		return true
	case driver.Valuer:
		return false
	case io.Reader:
		return true
	}
	return false
}

// unsupportedArg is the error for an argument of a type no encoder knows.
func unsupportedArg(a any) error {
	return fmt.Errorf("unsupported type %T (use a basic type, time.Time, time.Duration, []byte, an io.Reader, or a driver.Valuer)", a)
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
// maxArgDepth steps. normalizeArgs calls it at the entry of every statement path, so an
// argument means the same in every mode.
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
	return nil, unsupportedArg(a)
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

// argsSize estimates what normalized args add to a command (strings and byte slices; other
// values are small) and reports whether one is an io.Reader.
func argsSize(args []any) (n int, reader bool) {
	for _, a := range args {
		switch v := a.(type) {
		case string:
			n += len(v)
		case []byte:
			n += 2 * len(v) // interpolated as hex
		case json.RawMessage:
			n += len(v)
		case int, int64, *LocalFile:
		case io.Reader:
			reader = true
		}
	}
	return n, reader
}

// readReaders replaces each io.Reader in normalized args by its contents, for the paths that build the
// statement text on the client. It reads no more than the send limit allows.
func (c *Conn) readReaders(args []any) ([]any, error) {
	var out []any
	for i, a := range args {
		r, ok := a.(io.Reader)
		if !ok {
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

// argTime is a time.Time argument as the server gets it, in every encoding: truncated to
// Config.TimeTruncate, in the connection's location.
func (c *Conn) argTime(t time.Time) time.Time {
	if c.cfg.TimeTruncate > 0 {
		t = t.Truncate(c.cfg.TimeTruncate)
	}
	return t.In(c.cfg.location())
}

// ArgCountError reports a call whose argument count does not match the placeholders. Nothing
// ran, unless Ran is set.
type ArgCountError struct {
	Want, Got int
	// Ran is set in the one case where the statement did run: on a statement's first use on
	// MariaDB, whose prepare and execute leave together, when the client counted the
	// placeholders as the arguments given but the server counted fewer (a placeholder inside a
	// construct the client's lexer reads differently); the server then ran it with the
	// arguments it takes.
	Ran bool
}

func (e *ArgCountError) Error() string {
	msg := fmt.Sprintf("myx: statement has %d placeholders but %d arguments were given", e.Want, e.Got)
	if e.Ran {
		msg += " (the server ran it with the first arguments)"
	}
	return msg
}
