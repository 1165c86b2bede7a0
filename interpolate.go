package myx

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/myxdb/myx/internal/sqltext"
	"github.com/myxdb/myx/internal/wire"
)

// ErrUnsafeCharset is returned when client-side interpolation would have to escape a backslash
// in a character set where a multibyte character can hide one (big5, cp932, gbk, sjis,
// gb18030) and no equivalent hexadecimal literal exists (the connection's collation is not the
// character set's default, or the server has no introducer for the character set, as TiDB
// for gbk), or when the statement text itself holds such a character before a
// backslash inside a string. Use prepared statements (the default) instead.
var ErrUnsafeCharset = errors.New("myx: refusing to interpolate arguments: the connection character set is not safe for client-side escaping")

// ErrAmbiguousSQL is returned when client-side interpolation is asked for on a statement
// whose reading may differ between servers: a placeholder, quote or comment inside an
// executable comment (/*! */, /*M! */, /*T! */), or "--" followed by a control or non-ASCII
// byte; or a statement text that changes the session and then uses it again, with a string
// whose literal depends on it. Use prepared statements (the default) instead.
var ErrAmbiguousSQL = errors.New("myx: refusing to interpolate arguments: the statement text could be read differently by the server")

// errLearnFirst tells a caller that cannot run a query now (a batch window already under way)
// that interpolation needs the session's character set and SQL mode first.
var errLearnFirst = errors.New("myx: the session's character set and SQL mode must be learned first")

// interpolate replaces each '?' placeholder outside string literals, quoted identifiers and
// comments with the literal of the matching argument, and returns the lexer's flags for the
// statement.
//
// A string without a backslash is written with its quotes doubled, which reads the same in
// every client character set and either backslash mode. Only text that holds a backslash (in
// an argument, or inside a literal of the statement) depends on the session; for it the
// character set and SQL mode must be certain: seen by the server's status flags, or learned
// with a query since the last statement that may have changed them. When learn is false and
// they are not certain, interpolate returns errLearnFirst.
func (c *Conn) interpolate(query string, args []any, learn bool) (string, sqltext.Flags, error) {
	text, flags, err := c.interpolateOnce(query, args)
	if err == errLearnFirst && learn {
		if err = c.learnSession(); err == nil {
			text, flags, err = c.interpolateOnce(query, args)
		}
	}
	return text, flags, err
}

func (c *Conn) interpolateOnce(query string, args []any) (string, sqltext.Flags, error) {
	mode, known := c.textMode()
	marks := c.marks[:0]
	info := sqltext.Scan(query, mode, &marks)
	c.marks = marks[:0]
	f := info.Flags
	if f&sqltext.Ambiguous != 0 {
		return "", f, ErrAmbiguousSQL
	}
	if info.Placeholders != len(args) {
		return "", f, &ArgCountError{Want: info.Placeholders, Got: len(args)}
	}
	if f&sqltext.BackslashInString != 0 && !known ||
		f&sqltext.BackslashInDoubleQuote != 0 && c.learned < 0 ||
		f&sqltext.HighBackslash != 0 && !c.charsetKnown {
		return "", f, errLearnFirst
	}
	if f&sqltext.HighBackslash != 0 && unsafeInterpolationCharsets[c.charset] {
		return "", f, ErrUnsafeCharset
	}
	changes := f&(sqltext.MultiStatement|sqltext.MayChangeSession) == sqltext.MultiStatement|sqltext.MayChangeSession
	if changes && f&sqltext.BackslashInString != 0 {
		// A later statement of the text may run under another SQL mode.
		return "", f, ErrAmbiguousSQL
	}
	lit := literalSession{c: c, mode: mode, known: known, changes: changes}
	buf := make([]byte, 0, len(query)+16*len(args))
	last := 0
	for i, pos := range marks {
		buf = append(buf, query[last:pos]...)
		last = pos + 1
		var err error
		buf, err = c.appendLiteral(buf, args[i], &lit)
		if err == errLearnFirst || err == ErrAmbiguousSQL {
			return "", f, err
		}
		if err != nil {
			return "", f, &ArgError{Index: i, Err: err}
		}
	}
	buf = append(buf, query[last:]...)
	return string(buf), f, nil
}

// literalSession is what appendLiteral knows about the session.
type literalSession struct {
	c       *Conn
	mode    sqltext.Mode
	known   bool // mode's NO_BACKSLASH_ESCAPES is certain
	changes bool // the text changes the session before its last statement
}

// textMode is the session's lexing mode as far as it is known: NO_BACKSLASH_ESCAPES from the
// status flags (MariaDB reports it in every reply) or from the last learnSession, ANSI_QUOTES
// only from learnSession. known is false when NO_BACKSLASH_ESCAPES is not certain.
func (c *Conn) textMode() (mode sqltext.Mode, known bool) {
	if c.learned >= 0 {
		mode, known = sqltext.Mode(c.learned), true
	}
	if c.status&wire.StatusNoBackslashEscapes != 0 {
		mode |= sqltext.NoBackslashEscapes
		known = true
	}
	if c.server.Flavor == MariaDB {
		known = true
	}
	return mode, known
}

// classify lexes a statement the client sends without interpolating it.
func (c *Conn) classify(query string) sqltext.Flags {
	mode, _ := c.textMode()
	return sqltext.Scan(query, mode, nil).Flags
}

// noteStatement records what a statement about to be sent may do to the session: on servers
// that cannot flag session changes it makes SessionChanged true, and it makes the session's
// character set and SQL mode uncertain until they are learned again.
func (c *Conn) noteStatement(f sqltext.Flags) {
	if f&sqltext.MayChangeSession == 0 {
		return
	}
	c.clientChanged = true
	c.charsetKnown = false
	c.learned = -1
	if f&sqltext.SessionTracking != 0 {
		// The statement may switch the server's change reporting off: stop relying on it.
		c.tracking = false
	}
}

// learnSession reads the session's character sets and SQL mode, on a connection already
// inside start/end with nothing pending.
func (c *Conn) learnSession() error {
	r := &Row{}
	r.err = c.queryInternal(&r.rows, "SELECT @@character_set_client, @@character_set_connection, @@collation_connection, @@sql_mode")
	var client, conn, coll, sqlMode string
	if err := r.Scan(&client, &conn, &coll, &sqlMode); err != nil {
		return err
	}
	var m sqltext.Mode
	for _, part := range strings.Split(strings.ToUpper(sqlMode), ",") {
		switch strings.TrimSpace(part) {
		case "NO_BACKSLASH_ESCAPES":
			m |= sqltext.NoBackslashEscapes
		case "ANSI_QUOTES", "ANSI":
			m |= sqltext.ANSIQuotes
		}
	}
	c.charset = strings.ToLower(client)
	c.charsetKnown = true
	// The hexadecimal form of a string in an unsafe character set has the character set's
	// default collation; it equals a quoted literal only when the connection uses that. TiDB
	// accepts SET NAMES gbk but refuses the _gbk introducer (error 1115, "Unsupported character
	// introducer"), and has no other unsafe character set: there a string that needs the form
	// is refused on the client (ErrUnsafeCharset) instead.
	c.hexCharsetOK = c.server.Flavor != TiDB &&
		strings.EqualFold(client, conn) && strings.EqualFold(defaultCollationOf[c.charset], coll)
	c.learned = int8(m)
	return nil
}

// appendString appends s as a string literal for the session. A string without a backslash
// needs nothing from the session; one with a backslash needs the SQL mode and, without
// NO_BACKSLASH_ESCAPES, a character set that cannot hide a backslash in a multibyte character
// (or else the hexadecimal form).
func (l *literalSession) appendString(b []byte, s string) ([]byte, error) {
	if !sqltext.NeedsMode(s) {
		return sqltext.AppendString(b, s, sqltext.NoBackslashEscapes), nil
	}
	if l.changes {
		return b, ErrAmbiguousSQL
	}
	if !l.known {
		return b, errLearnFirst
	}
	if l.mode&sqltext.NoBackslashEscapes != 0 {
		return sqltext.AppendString(b, s, l.mode), nil
	}
	c := l.c
	if !c.charsetKnown {
		return b, errLearnFirst
	}
	if !unsafeInterpolationCharsets[c.charset] {
		return sqltext.AppendString(b, s, l.mode), nil
	}
	if c.hexCharsetOK {
		return sqltext.AppendHexString(b, s, c.charset), nil
	}
	return b, ErrUnsafeCharset
}

// appendLiteral appends a as an SQL literal.
func (c *Conn) appendLiteral(b []byte, a any, l *literalSession) ([]byte, error) {
	if c.goArgs {
		if out, ok, err := c.appendGoLiteral(b, a); ok {
			return out, err
		}
	}
	switch v := a.(type) {
	case nil:
		return append(b, "NULL"...), nil
	case string:
		return l.appendString(b, v)
	case []byte:
		if v == nil {
			return append(b, "NULL"...), nil
		}
		return sqltext.AppendBytes(b, v), nil
	case json.RawMessage:
		if v == nil {
			return append(b, "NULL"...), nil
		}
		return l.appendString(b, string(v))
	case time.Time, time.Duration:
		// Temporal values are quoted strings in SQL.
		b = append(b, '\'')
		b, ok, err := c.appendScalarText(b, v)
		if !ok || err != nil {
			return b, err
		}
		return append(b, '\''), nil
	case *LocalFile:
		return b, fmt.Errorf("a LocalFile is not a statement argument")
	}
	if b, ok, err := c.appendScalarText(b, a); ok || err != nil {
		return b, err
	}
	return b, unsupportedArg(a) // normalizeArgs lets no other type through
}

// appendScalarText appends the text form of a number, boolean, time.Time or time.Duration, as
// both interpolated literals and LOAD DATA fields spell them (floats in exponent notation, so
// that a literal is a DOUBLE, not a DECIMAL; times in the connection's location). ok is false
// for any other type, and nothing is appended.
func (c *Conn) appendScalarText(b []byte, a any) (out []byte, ok bool, err error) {
	switch v := a.(type) {
	case int:
		return strconv.AppendInt(b, int64(v), 10), true, nil
	case int64:
		return strconv.AppendInt(b, v, 10), true, nil
	case int32:
		return strconv.AppendInt(b, int64(v), 10), true, nil
	case int16:
		return strconv.AppendInt(b, int64(v), 10), true, nil
	case int8:
		return strconv.AppendInt(b, int64(v), 10), true, nil
	case uint:
		return strconv.AppendUint(b, uint64(v), 10), true, nil
	case uint64:
		return strconv.AppendUint(b, v, 10), true, nil
	case uint32:
		return strconv.AppendUint(b, uint64(v), 10), true, nil
	case uint16:
		return strconv.AppendUint(b, uint64(v), 10), true, nil
	case uint8:
		return strconv.AppendUint(b, uint64(v), 10), true, nil
	case float64:
		out, ok := sqltext.AppendFloat(b, v, 64)
		if !ok {
			return b, true, fmt.Errorf("%v cannot be stored", v)
		}
		return out, true, nil
	case float32:
		out, ok := sqltext.AppendFloat(b, float64(v), 32)
		if !ok {
			return b, true, fmt.Errorf("%v cannot be stored", v)
		}
		return out, true, nil
	case bool:
		return sqltext.AppendBool(b, v), true, nil
	case time.Time:
		out, ok := sqltext.AppendTime(b, c.argTime(v))
		if !ok {
			return b, true, fmt.Errorf("time %v outside the DATETIME range (years 0 to 9999)", v)
		}
		return out, true, nil
	case time.Duration:
		if v > maxTimeArg || v < -maxTimeArg {
			return b, true, fmt.Errorf("duration %v out of TIME range", v)
		}
		return sqltext.AppendDuration(b, v, sqltext.LiteralFsp(int(v%time.Second))), true, nil
	}
	return b, false, nil
}

// appendDateTime formats d as "YYYY-MM-DD HH:MM:SS[.ffffff]" with fsp fractional digits.
func appendDateTime(b []byte, d wire.DateTime, fsp int) []byte {
	return sqltext.AppendDateTime(b, d.Year, d.Month, d.Day, d.Hour, d.Minute, d.Second, d.Micros, fsp)
}

func appendDate(b []byte, d wire.DateTime) []byte {
	return sqltext.AppendDate(b, d.Year, d.Month, d.Day)
}

// appendDuration formats d as "[-]HH:MM:SS[.ffffff]".
func appendDuration(b []byte, d time.Duration, fsp int) []byte {
	return sqltext.AppendDuration(b, d, fsp)
}
