package myx

// Query attributes: named values sent with a statement, so that the server's own telemetry can
// join the client's trace (a W3C traceparent). MySQL 8.0.23+ carries them in the protocol
// (CLIENT_QUERY_ATTRIBUTES, Config.QueryAttributes); elsewhere (MariaDB) they can ride in a
// sqlcommenter comment appended to the statement text (Config.SQLComment). With neither, or
// with no attributes, nothing here runs: a connection without the capability writes exactly
// the packets it writes without this file.

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/myxdb/myx/internal/wire"
)

// QueryAttribute is one attribute sent with a statement: a name and its value. MySQL makes it
// readable by mysql_query_attribute_string(Name) for the statement's duration; in the SQL
// comment form it is Name='Value'.
type QueryAttribute struct {
	Name, Value string
}

type queryAttrsKey struct{}

// WithQueryAttributes returns a context whose statements (Exec, Query, QueryRow and Stmt run
// with it) carry attrs, after any that ctx already carries, when the connection has a way to
// send them (Conn.QueryAttributesEnabled, or Config.SQLComment); otherwise they are ignored.
// Attributes of Config.QueryAttributesFunc follow them.
func WithQueryAttributes(ctx context.Context, attrs ...QueryAttribute) context.Context {
	prev, _ := ctx.Value(queryAttrsKey{}).([]QueryAttribute)
	all := make([]QueryAttribute, 0, len(prev)+len(attrs))
	all = append(append(all, prev...), attrs...)
	return context.WithValue(ctx, queryAttrsKey{}, all)
}

// QueryAttributesFrom returns the attributes WithQueryAttributes put in ctx (nil if none); the
// slice must not be modified.
func QueryAttributesFrom(ctx context.Context) []QueryAttribute {
	a, _ := ctx.Value(queryAttrsKey{}).([]QueryAttribute)
	return a
}

// QueryAttributesEnabled reports whether the connection sends query attributes in the
// protocol: Config.QueryAttributes was set and the server offered CLIENT_QUERY_ATTRIBUTES.
func (c *Conn) QueryAttributesEnabled() bool {
	return c.caps&wire.ClientQueryAttributes != 0
}

// TraceParent formats a W3C Trace Context traceparent header value, version 00:
// "00-<32 hex trace id>-<16 hex span id>-<2 hex flags>" (flags 01: sampled).
func TraceParent(traceID [16]byte, spanID [8]byte, flags byte) string {
	const hexDigits = "0123456789abcdef"
	b := make([]byte, 0, 55)
	b = append(b, '0', '0', '-')
	for _, x := range traceID {
		b = append(b, hexDigits[x>>4], hexDigits[x&15])
	}
	b = append(b, '-')
	for _, x := range spanID {
		b = append(b, hexDigits[x>>4], hexDigits[x&15])
	}
	b = append(b, '-', hexDigits[flags>>4], hexDigits[flags&15])
	return string(b)
}

// noteAttrs gathers the attributes of the statement about to run under ctx, when they have a
// way to travel; the next COM_QUERY or COM_STMT_EXECUTE written takes them.
func (c *Conn) noteAttrs(ctx context.Context) {
	if c.caps&wire.ClientQueryAttributes != 0 || c.cfg.SQLComment {
		c.collectAttrs(ctx)
	}
}

func (c *Conn) collectAttrs(ctx context.Context) {
	c.qattrs = c.qattrs[:0]
	for _, a := range QueryAttributesFrom(ctx) {
		c.qattrs = append(c.qattrs, wire.QueryAttr(a))
	}
	if f := c.cfg.QueryAttributesFunc; f != nil {
		for _, a := range f(ctx) {
			c.qattrs = append(c.qattrs, wire.QueryAttr(a))
		}
	}
}

// takeAttrs returns the attributes noted for the statement and forgets them, so that they go
// with one command only. The slice is valid until the next noteAttrs.
func (c *Conn) takeAttrs() []wire.QueryAttr {
	a := c.qattrs
	c.qattrs = c.qattrs[:0]
	return a
}

// clearAttrs forgets attributes noted for a statement that was not sent.
func (c *Conn) clearAttrs() { c.qattrs = c.qattrs[:0] }

// commenting reports whether the statement's attributes go as an SQL comment: there are some,
// and the protocol cannot carry them. Such a statement is sent as text.
func (c *Conn) commenting() bool {
	return len(c.qattrs) > 0 && c.caps&wire.ClientQueryAttributes == 0
}

// appendQuery appends COM_QUERY of q: plain, or with the noted attributes (none, for a
// statement of the library's own) in the CLIENT_QUERY_ATTRIBUTES layout when it was
// negotiated, or with them in a trailing SQL comment (Config.SQLComment).
func (c *Conn) appendQuery(dst []byte, q string) []byte {
	if c.caps&wire.ClientQueryAttributes == 0 && len(c.qattrs) == 0 {
		return wire.AppendCommand(dst, wire.ComQuery, q)
	}
	return c.appendQueryAttrs(dst, q)
}

func (c *Conn) appendQueryAttrs(dst []byte, q string) []byte {
	attrs := c.takeAttrs()
	if c.caps&wire.ClientQueryAttributes != 0 {
		return wire.AppendQueryAttrs(dst, attrs, q)
	}
	return appendSQLComment(append(dst, wire.ComQuery), q, attrs)
}

// appendSQLComment appends q followed by attrs as a sqlcommenter comment:
// /*name='value',name='value'*/, sorted by name, names and values percent-encoded (everything
// but letters, digits and -._~), which keeps "*/" and quotes out of the comment. A trailing
// ';' and whitespace are dropped so that the comment belongs to the (last) statement; when the
// text holds a line comment ("--" or "#"), a newline rather than a space separates them.
func appendSQLComment(dst []byte, q string, attrs []wire.QueryAttr) []byte {
	q = strings.TrimRight(q, " \t\r\n;")
	dst = append(dst, q...)
	if strings.Contains(q, "--") || strings.Contains(q, "#") {
		dst = append(dst, '\n')
	} else {
		dst = append(dst, ' ')
	}
	slices.SortStableFunc(attrs, func(a, b wire.QueryAttr) int { return strings.Compare(a.Name, b.Name) })
	dst = append(dst, "/*"...)
	for i, a := range attrs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendCommentEscaped(dst, a.Name)
		dst = append(dst, '=', '\'')
		dst = appendCommentEscaped(dst, a.Value)
		dst = append(dst, '\'')
	}
	return append(dst, "*/"...)
}

// appendCommentEscaped appends s percent-encoded, as sqlcommenter encodes keys and values.
func appendCommentEscaped(dst []byte, s string) []byte {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9',
			b == '-', b == '.', b == '_', b == '~':
			dst = append(dst, b)
		default:
			dst = append(dst, '%', hexDigits[b>>4], hexDigits[b&15])
		}
	}
	return dst
}

// appendExecuteAttrs is the part of COM_STMT_EXECUTE that CLIENT_QUERY_ATTRIBUTES adds after
// the iteration count (the header must have ExecuteParamCountAvailable in its flags): the
// parameter count, the statement's params plus the attributes. appendExecuteID then writes
// the NULL bitmap and types for that many, each type entry followed by a name (empty for the
// statement's own parameters), and the attributes' values after the parameters'.
func appendExecuteAttrs(dst []byte, params int, attrs []wire.QueryAttr) []byte {
	return wire.AppendLenEncInt(dst, uint64(params+len(attrs)))
}

// appendInternalQuery appends COM_QUERY of a statement the library runs for itself in the
// middle of a caller's (learning the session, max_allowed_packet): never with the caller's
// attributes, but in the layout the connection negotiated.
func (c *Conn) appendInternalQuery(dst []byte, q string) []byte {
	if c.caps&wire.ClientQueryAttributes == 0 {
		return wire.AppendCommand(dst, wire.ComQuery, q)
	}
	return wire.AppendQueryAttrs(dst, nil, q)
}

// commentRefused reports whether err is client-side interpolation refusing the arguments of a
// statement that went as text only to carry its comment (ErrUnsafeCharset, ErrAmbiguousSQL):
// then the comment is dropped and the caller prepares the statement, as it would have without
// attributes.
func (c *Conn) commentRefused(err error, query string, args []any, files []*LocalFile) bool {
	if files != nil || !c.commenting() || c.interpolates(query, args) ||
		!errors.Is(err, ErrUnsafeCharset) && !errors.Is(err, ErrAmbiguousSQL) {
		return false
	}
	c.clearAttrs()
	return true
}

// attrsSize bounds what the noted attributes add to the COM_QUERY of a statement of length
// len(q) (the layout's counts when the capability is on; the comment, each byte encoded as
// at most 3, when it is off), for the send limit check made before the command is encoded.
func (c *Conn) attrsSize() int {
	if c.caps&wire.ClientQueryAttributes == 0 && len(c.qattrs) == 0 {
		return 0
	}
	return c.attrsSizeOf()
}

func (c *Conn) attrsSizeOf() int {
	n := 9 + 1 + (len(c.qattrs)+7)/8 + 1 // counts, NULL bitmap, bound flag; or separators
	for _, a := range c.qattrs {
		n += 3*(len(a.Name)+len(a.Value)) + 2 + 9 + 9 // type and lengths; or quotes and comma
	}
	return n
}
