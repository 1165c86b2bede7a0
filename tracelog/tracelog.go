// Package tracelog logs what a myx connection does through log/slog: one record per statement,
// batch, ExecMany, CopyFrom, preparation, connection, cancellation, session reset and retry,
// written when the work ends (aiomysql's echo=True, with timings).
//
// A Logger is a tracer: put it in myx.Config.Tracer and every connection made from that
// configuration logs through it.
//
//	cfg.Tracer = tracelog.New(slog.Default())
//
// It is also a pool.AcquireTracer and pool.ReleaseTracer: in pool.Config.Tracer it logs the
// pool's acquires, releases and retries and, when ConnConfig.Tracer is not set, the pool's
// connections use it as their tracer (see pool.Config.Tracer).
//
// # Records
//
// A statement gives one record with the message "query" and these attributes (the keys are the
// Key constants):
//
//	sql         the statement's text as the caller gave it, placeholders and not values
//	duration    from the statement's start to the end of its result (a slog Duration: the
//	            text handler prints 1.5ms, the JSON handler nanoseconds)
//	rows        rows read from a result set (0 for a statement without one)
//	affected    rows affected, from the server's OK packet
//	conn_id     the server's connection id (myx.Conn.ConnID), as in SHOW PROCESSLIST
//	cache       how the prepared-statement cache was used: "not_used" (sent as
//	            text), "hit", "miss" or "prepared" (a Stmt's execution)
//	round_trips request/reply exchanges with the server for this statement
//	bytes_sent, bytes_read
//	summary     what the statement is, low-cardinality ("SELECT users"), when myx knows it
//	            (myx.StatementInfo: from sqlb, or from the SQL lexer where it is sure)
//	err, errno  the error (and the server's error number when the server sent one), on failure
//	slow        true when the statement took at least the slow threshold
//	args        the arguments, only with WithArgs(true) (and left out when there are none)
//
// A batch gives one "batch" record (size, duration, err, ...) and, at Debug, one "batch query"
// record per statement in it. "execmany", "copyfrom", "prepare", "connect", "cancel", "reset" and
// "retry" records carry what their myx trace data holds, and "acquire" and "release" what the
// pool's does.
//
// # Levels
//
// A statement that succeeded is logged at Info, or the level given by WithLevel; one that took
// at least the slow threshold (WithSlowThreshold) at Warn, with slow=true; one that failed at
// Error. WithOnlySlow leaves out the successful statements under the threshold (failures are
// still logged). Preparations, session resets, pool acquires and releases and the items of a
// batch are logged at Debug (at Error when they failed; a release that closed the connection
// after an error at Warn), cancellations and retries at Info (a cancellation whose KILL QUERY
// failed, or that closed the connection, at Warn).
//
// # Arguments
//
// Arguments can hold passwords and personal data, so they are never logged unless WithArgs(true)
// asks for them. Then strings longer than WithMaxArgLen (64 bytes by default) are cut and their
// length shown, and a []byte is shown as its length and the hex of its first bytes.
//
// # Cost
//
// Each Start asks the handler whether any level the Logger could use for the work's record is
// enabled (the success level, Warn for slow work, Error); when none is, nothing more is done and
// nothing is allocated. Otherwise the start data (the SQL text) is kept in the returned context,
// one allocation, so that the end can log it: with the handler at Error and statements at Info,
// each statement still costs that allocation, so a failure can be logged with its SQL. At the end
// the record is built only if its level is enabled, with slog's LogAttrs.
package tracelog

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"time"
	"unicode/utf8"

	"github.com/myxdb/myx"
)

// Attribute keys of the records.
const (
	KeySQL        = "sql"
	KeySummary    = "summary" // low-cardinality name of the statement, "SELECT users" (myx.StatementInfo)
	KeyArgs       = "args"
	KeyDuration   = "duration"
	KeyRows       = "rows"
	KeyAffected   = "affected"
	KeyConnID     = "conn_id"
	KeyCache      = "cache"
	KeyRoundTrips = "round_trips"
	KeyBytesSent  = "bytes_sent"
	KeyBytesRead  = "bytes_read"
	KeyErr        = "err"
	KeyErrno      = "errno"
	KeySlow       = "slow"
	KeySize       = "size"  // number of statements in a batch, of argument rows in an ExecMany
	KeyIndex      = "index" // position of a statement in its batch, from 0
	KeyMethod     = "method"
	KeyTable      = "table"
	KeyColumns    = "columns"
	KeyCached     = "cached"
	KeyAddr       = "addr"
	KeyServer     = "server"
	KeyCause      = "cause"
	KeyKilled     = "killed"
	KeyClosed     = "closed"
	KeyOp         = "op"
	KeyAttempt    = "attempt"
)

// Messages of the records.
const (
	MsgQuery      = "query"
	MsgBatch      = "batch"
	MsgBatchQuery = "batch query"
	MsgExecMany   = "execmany"
	MsgCopyFrom   = "copyfrom"
	MsgPrepare    = "prepare"
	MsgConnect    = "connect"
	MsgCancel     = "cancel"
	MsgReset      = "reset"
	MsgRetry      = "retry"
	MsgAcquire    = "acquire"
	MsgRelease    = "release"
)

// Logger is a myx tracer that logs through a *slog.Logger. It implements myx.QueryTracer,
// BatchTracer, CopyFromTracer, ExecManyTracer, PrepareTracer, ConnectTracer, CancelTracer,
// ResetTracer and RetryTracer, and pool.AcquireTracer and pool.ReleaseTracer. It is safe for use by any number of connections at once, and
// is not changed after New.
type Logger struct {
	log       *slog.Logger
	level     slog.Level    // successful statements
	slow      time.Duration // 0: no threshold
	onlySlow  bool
	args      bool
	maxArgLen int
}

// An Option configures a Logger in New.
type Option func(*Logger)

// WithLevel sets the level of the records of successful statements, batches, ExecMany,
// CopyFrom and connections. The default is slog.LevelInfo.
func WithLevel(level slog.Level) Option { return func(l *Logger) { l.level = level } }

// WithSlowThreshold sets the slow-query threshold: work that takes d or longer is logged at
// Warn with slow=true. Zero or less (the default) sets none.
func WithSlowThreshold(d time.Duration) Option { return func(l *Logger) { l.slow = d } }

// WithOnlySlow, when on, leaves out the records of successful work under the slow threshold
// (all of it when there is no threshold): only slow and failed work is logged.
func WithOnlySlow(on bool) Option { return func(l *Logger) { l.onlySlow = on } }

// WithArgs, when on, adds the statements' arguments to their records (key "args"), strings
// cut to WithMaxArgLen and []byte shown as length and hex prefix. Off by default: arguments
// can hold secrets.
func WithArgs(on bool) Option { return func(l *Logger) { l.args = on } }

// WithMaxArgLen sets how many bytes of a string argument are logged (at a UTF-8 boundary); a
// longer one is cut and its length noted. The default is 64; zero or less keeps the default.
func WithMaxArgLen(n int) Option {
	return func(l *Logger) {
		if n > 0 {
			l.maxArgLen = n
		}
	}
}

// New returns a Logger writing to logger (slog.Default() when nil), configured by opts.
func New(logger *slog.Logger, opts ...Option) *Logger {
	if logger == nil {
		logger = slog.Default()
	}
	l := &Logger{log: logger, level: slog.LevelInfo, maxArgLen: 64}
	for _, o := range opts {
		o(l)
	}
	if l.slow < 0 {
		l.slow = 0
	}
	return l
}

// wanted reports whether work starting now might be logged at its end: at the level of
// success, slow work or failure.
func (l *Logger) wanted(ctx context.Context) bool {
	low := slog.LevelError
	switch {
	case !l.onlySlow:
		low = min(l.level, low)
	case l.slow > 0:
		low = slog.LevelWarn
	}
	return l.log.Enabled(ctx, low) || l.log.Enabled(ctx, slog.LevelError)
}

// endLevel is the level of a record for work that took d and ended with err; ok is false when
// detailWanted reports whether detail work (a preparation, a reset, an acquire) would be
// logged however it ends: a success at Debug or a failure at Error.
func (l *Logger) detailWanted(ctx context.Context) bool {
	return l.log.Enabled(ctx, slog.LevelDebug) || l.log.Enabled(ctx, slog.LevelError)
}

// detailLevel is the level of a record of detail work that ended with err: Debug, or Error
// when it failed.
func detailLevel(err error) slog.Level {
	if err != nil {
		return slog.LevelError
	}
	return slog.LevelDebug
}

// the record is left out (WithOnlySlow).
func (l *Logger) endLevel(d time.Duration, err error) (level slog.Level, slow, ok bool) {
	switch {
	case err != nil:
		return slog.LevelError, l.slow > 0 && d >= l.slow, true
	case l.slow > 0 && d >= l.slow:
		return slog.LevelWarn, true, true
	case l.onlySlow:
		return 0, false, false
	}
	return l.level, false, true
}

// started carries a Start's data to its End in the context Start returns. One type per kind
// of work (T), found by Value with the key carried[T].
type started[T any] struct {
	context.Context
	data T
}

type carried[T any] struct{}

func (s *started[T]) Value(key any) any {
	if _, ok := key.(carried[T]); ok {
		return s
	}
	return s.Context.Value(key)
}

func carry[T any](ctx context.Context, data T) context.Context {
	return &started[T]{Context: ctx, data: data}
}

func recall[T any](ctx context.Context) (T, bool) {
	if s, ok := ctx.Value(carried[T]{}).(*started[T]); ok {
		return s.data, true
	}
	var zero T
	return zero, false
}

// connID is c's connection id, 0 for nil.
func connID(c *myx.Conn) int64 {
	if c == nil {
		return 0
	}
	return int64(c.ConnID())
}

// emit logs one event: attrs, then the error's (see errAttrs) and, for an operation over the
// slow threshold, slow=true.
func (l *Logger) emit(ctx context.Context, level slog.Level, msg string, attrs []slog.Attr, err error, slow bool) {
	attrs = errAttrs(attrs, err)
	if slow {
		attrs = append(attrs, slog.Bool(KeySlow, true))
	}
	l.log.LogAttrs(ctx, level, msg, attrs...)
}

// errAttrs appends err and, for a server error, its number.
func errAttrs(attrs []slog.Attr, err error) []slog.Attr {
	if err == nil {
		return attrs
	}
	attrs = append(attrs, slog.String(KeyErr, err.Error()))
	var me *myx.MySQLError
	if errors.As(err, &me) {
		attrs = append(attrs, slog.Int(KeyErrno, int(me.Number)))
	}
	return attrs
}

// DeferQueryStart implements myx.QueryStartDeferrer: TraceQueryStart only keeps what the end
// of the statement logs, so it may wait until the request is written (with otelmyx's Tracer
// in a MultiTracer, that lets the span's start wait too).
func (l *Logger) DeferQueryStart() bool { return true }

// TraceQueryStart implements myx.QueryTracer.
func (l *Logger) TraceQueryStart(ctx context.Context, c *myx.Conn, data myx.TraceQueryStartData) context.Context {
	if !l.wanted(ctx) {
		return ctx
	}
	return carry(ctx, data)
}

// TraceQueryEnd implements myx.QueryTracer: it logs the statement.
func (l *Logger) TraceQueryEnd(ctx context.Context, c *myx.Conn, data myx.TraceQueryEndData) {
	start, ok := recall[myx.TraceQueryStartData](ctx)
	if !ok {
		return
	}
	level, slow, ok := l.endLevel(data.Duration, data.Err)
	if !ok || !l.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 14)
	attrs = append(attrs,
		slog.String(KeySQL, start.SQL),
		slog.Duration(KeyDuration, data.Duration),
		slog.Int64(KeyRows, data.RowsReturned),
		slog.Int64(KeyAffected, data.RowsAffected),
		slog.Int64(KeyConnID, connID(c)),
		slog.String(KeyCache, data.Cache.String()),
		slog.Int(KeyRoundTrips, data.RoundTrips),
		slog.Int64(KeyBytesSent, data.BytesSent),
		slog.Int64(KeyBytesRead, data.BytesRead),
	)
	if start.Statement.Summary != "" {
		attrs = append(attrs, slog.String(KeySummary, start.Statement.Summary))
	}
	attrs = l.argsAttr(attrs, start.Args)
	l.emit(ctx, level, MsgQuery, attrs, data.Err, slow)
}

type batchStart struct{ size int }

// TraceBatchStart implements myx.BatchTracer.
func (l *Logger) TraceBatchStart(ctx context.Context, c *myx.Conn, data myx.TraceBatchStartData) context.Context {
	if !l.wanted(ctx) {
		return ctx
	}
	return carry(ctx, batchStart{size: data.Len})
}

// TraceBatchQuery implements myx.BatchTracer: it logs one statement of a batch at Debug (at
// Error when it failed).
func (l *Logger) TraceBatchQuery(ctx context.Context, c *myx.Conn, data myx.TraceBatchQueryData) {
	level := detailLevel(data.Err)
	if !l.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 9)
	attrs = append(attrs,
		slog.Int(KeyIndex, data.Index),
		slog.String(KeySQL, data.SQL),
		slog.Int64(KeyRows, data.RowsReturned),
		slog.Int64(KeyAffected, data.RowsAffected),
		slog.Int64(KeyConnID, connID(c)),
	)
	if data.Statement.Summary != "" {
		attrs = append(attrs, slog.String(KeySummary, data.Statement.Summary))
	}
	attrs = l.argsAttr(attrs, data.Args)
	l.emit(ctx, level, MsgBatchQuery, attrs, data.Err, false)
}

// TraceBatchEnd implements myx.BatchTracer: it logs the batch.
func (l *Logger) TraceBatchEnd(ctx context.Context, c *myx.Conn, data myx.TraceBatchEndData) {
	start, ok := recall[batchStart](ctx)
	if !ok {
		return
	}
	level, slow, ok := l.endLevel(data.Duration, data.Err)
	if !ok || !l.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 9)
	attrs = append(attrs,
		slog.Int(KeySize, start.size),
		slog.Duration(KeyDuration, data.Duration),
		slog.Int64(KeyConnID, connID(c)),
		slog.Int(KeyRoundTrips, data.RoundTrips),
		slog.Int64(KeyBytesSent, data.BytesSent),
		slog.Int64(KeyBytesRead, data.BytesRead),
	)
	l.emit(ctx, level, MsgBatch, attrs, data.Err, slow)
}

// TraceExecManyStart implements myx.ExecManyTracer.
func (l *Logger) TraceExecManyStart(ctx context.Context, c *myx.Conn, data myx.TraceExecManyStartData) context.Context {
	if !l.wanted(ctx) {
		return ctx
	}
	return carry(ctx, data)
}

// TraceExecManyEnd implements myx.ExecManyTracer: it logs the ExecMany (its argument rows are
// never logged).
func (l *Logger) TraceExecManyEnd(ctx context.Context, c *myx.Conn, data myx.TraceExecManyEndData) {
	start, ok := recall[myx.TraceExecManyStartData](ctx)
	if !ok {
		return
	}
	level, slow, ok := l.endLevel(data.Duration, data.Err)
	if !ok || !l.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 12)
	attrs = append(attrs,
		slog.String(KeySQL, start.SQL),
		slog.Int(KeySize, start.Rows),
		slog.Duration(KeyDuration, data.Duration),
		slog.Int64(KeyAffected, data.RowsAffected),
		slog.String(KeyMethod, data.Method),
		slog.Int64(KeyConnID, connID(c)),
		slog.Int(KeyRoundTrips, data.RoundTrips),
		slog.Int64(KeyBytesSent, data.BytesSent),
		slog.Int64(KeyBytesRead, data.BytesRead),
	)
	if start.Statement.Summary != "" {
		attrs = append(attrs, slog.String(KeySummary, start.Statement.Summary))
	}
	l.emit(ctx, level, MsgExecMany, attrs, data.Err, slow)
}

// TraceCopyFromStart implements myx.CopyFromTracer.
func (l *Logger) TraceCopyFromStart(ctx context.Context, c *myx.Conn, data myx.TraceCopyFromStartData) context.Context {
	if !l.wanted(ctx) {
		return ctx
	}
	return carry(ctx, data)
}

// TraceCopyFromEnd implements myx.CopyFromTracer: it logs the CopyFrom.
func (l *Logger) TraceCopyFromEnd(ctx context.Context, c *myx.Conn, data myx.TraceCopyFromEndData) {
	start, ok := recall[myx.TraceCopyFromStartData](ctx)
	if !ok {
		return
	}
	level, slow, ok := l.endLevel(data.Duration, data.Err)
	if !ok || !l.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 9)
	attrs = append(attrs,
		slog.String(KeyTable, start.Table),
		slog.Any(KeyColumns, append([]string(nil), start.Columns...)),
		slog.Duration(KeyDuration, data.Duration),
		slog.Int64(KeyRows, data.Rows),
		slog.Int64(KeyConnID, connID(c)),
		slog.Int64(KeyBytesSent, data.BytesSent),
	)
	l.emit(ctx, level, MsgCopyFrom, attrs, data.Err, slow)
}

// TracePrepareStart implements myx.PrepareTracer.
func (l *Logger) TracePrepareStart(ctx context.Context, c *myx.Conn, data myx.TracePrepareStartData) context.Context {
	if !l.detailWanted(ctx) {
		return ctx // neither a success nor a failure would be logged
	}
	return carry(ctx, data)
}

// TracePrepareEnd implements myx.PrepareTracer: it logs the preparation at Debug (at Error
// when it failed).
func (l *Logger) TracePrepareEnd(ctx context.Context, c *myx.Conn, data myx.TracePrepareEndData) {
	start, ok := recall[myx.TracePrepareStartData](ctx)
	if !ok {
		return
	}
	level := detailLevel(data.Err)
	if !l.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 6)
	attrs = append(attrs,
		slog.String(KeySQL, start.SQL),
		slog.Duration(KeyDuration, data.Duration),
		slog.Bool(KeyCached, data.Cached),
		slog.Int64(KeyConnID, connID(c)),
	)
	l.emit(ctx, level, MsgPrepare, attrs, data.Err, false)
}

type connectStart struct{ addr string }

// TraceConnectStart implements myx.ConnectTracer.
func (l *Logger) TraceConnectStart(ctx context.Context, data myx.TraceConnectStartData) context.Context {
	if !l.wanted(ctx) {
		return ctx
	}
	var s connectStart
	if data.Config != nil {
		s.addr = data.Config.Addr
		if data.Config.Network == "unix" {
			s.addr = "unix:" + s.addr
		}
	}
	return carry(ctx, s)
}

// TraceConnectEnd implements myx.ConnectTracer: it logs the connection attempt (the address,
// never the credentials).
func (l *Logger) TraceConnectEnd(ctx context.Context, data myx.TraceConnectEndData) {
	start, ok := recall[connectStart](ctx)
	if !ok {
		return
	}
	level, slow, ok := l.endLevel(data.Duration, data.Err)
	if !ok || !l.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 7)
	attrs = append(attrs,
		slog.String(KeyAddr, start.addr),
		slog.Duration(KeyDuration, data.Duration),
	)
	if data.Conn != nil {
		attrs = append(attrs,
			slog.Int64(KeyConnID, connID(data.Conn)),
			slog.String(KeyServer, data.Conn.ServerInfo().String()))
	}
	l.emit(ctx, level, MsgConnect, attrs, data.Err, slow)
}

// TraceCancel implements myx.CancelTracer: it logs the cancellation at Info, or at Warn when
// the KILL failed or the connection was closed.
func (l *Logger) TraceCancel(ctx context.Context, c *myx.Conn, data myx.TraceCancelData) {
	level := slog.LevelInfo
	if data.Err != nil || data.Closed {
		level = slog.LevelWarn
	}
	if !l.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.Int64(KeyConnID, connID(c)),
		slog.Bool(KeyKilled, data.Killed),
		slog.Bool(KeyClosed, data.Closed),
		slog.Duration(KeyDuration, data.Duration),
	)
	if data.Cause != nil {
		attrs = append(attrs, slog.String(KeyCause, data.Cause.Error()))
	}
	l.emit(ctx, level, MsgCancel, attrs, data.Err, false)
}

// TraceResetStart implements myx.ResetTracer.
func (l *Logger) TraceResetStart(ctx context.Context, c *myx.Conn) context.Context {
	return ctx // nothing to carry: End has all it logs
}

// TraceResetEnd implements myx.ResetTracer: it logs the session reset at Debug (at Error when
// it failed).
func (l *Logger) TraceResetEnd(ctx context.Context, c *myx.Conn, data myx.TraceResetEndData) {
	level := detailLevel(data.Err)
	if !l.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 4)
	attrs = append(attrs,
		slog.Int64(KeyConnID, connID(c)),
		slog.Duration(KeyDuration, data.Duration),
	)
	l.emit(ctx, level, MsgReset, attrs, data.Err, false)
}

// TraceRetry implements myx.RetryTracer: it logs the retry at Info.
func (l *Logger) TraceRetry(ctx context.Context, data myx.TraceRetryData) {
	if !l.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := make([]slog.Attr, 0, 4)
	attrs = append(attrs,
		slog.String(KeyOp, data.Op),
		slog.Int(KeyAttempt, data.Attempt),
	)
	l.emit(ctx, slog.LevelInfo, MsgRetry, attrs, data.Err, false)
}

// argsAttr appends the arguments when they are asked for and there are some.
func (l *Logger) argsAttr(attrs []slog.Attr, args []any) []slog.Attr {
	if !l.args || len(args) == 0 {
		return attrs
	}
	return append(attrs, slog.Any(KeyArgs, l.loggable(args)))
}

// loggable copies args into values that are safe to keep after the statement (the caller
// owns args) and short enough to log.
func (l *Logger) loggable(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = l.loggableArg(a)
	}
	return out
}

// maxHexBytes is how many bytes of a []byte argument are shown, in hex.
const maxHexBytes = 16

func (l *Logger) loggableArg(a any) any {
	switch v := a.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, time.Time, time.Duration:
		return v
	case string:
		return l.cut(v)
	case []byte:
		return bytesText(v)
	case fmt.Stringer:
		return l.cut(v.String())
	}
	// Named types: bytes (json.RawMessage) as bytes, pointers as what they point to.
	switch rv := reflect.ValueOf(a); rv.Kind() {
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return bytesText(rv.Bytes())
		}
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		if rv.Elem().Kind() != reflect.Pointer { // one level: a pointer to itself cannot loop
			return l.loggableArg(rv.Elem().Interface())
		}
	}
	return l.cut(fmt.Sprint(a))
}

// cut shortens s to the maximum argument length, at a UTF-8 boundary, noting its length.
func (l *Logger) cut(s string) string {
	if len(s) <= l.maxArgLen {
		return s
	}
	n := l.maxArgLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:n], len(s))
}

// bytesText shows b as its length and the hex of its first bytes.
func bytesText(b []byte) string {
	if b == nil {
		return "[]byte(nil)"
	}
	shown, more := b, ""
	if len(b) > maxHexBytes {
		shown, more = b[:maxHexBytes], "…"
	}
	return fmt.Sprintf("[]byte(len=%d) %s%s", len(b), hex.EncodeToString(shown), more)
}

var (
	_ myx.QueryTracer        = (*Logger)(nil)
	_ myx.QueryStartDeferrer = (*Logger)(nil)
	_ myx.BatchTracer        = (*Logger)(nil)
	_ myx.ExecManyTracer     = (*Logger)(nil)
	_ myx.CopyFromTracer     = (*Logger)(nil)
	_ myx.PrepareTracer      = (*Logger)(nil)
	_ myx.ConnectTracer      = (*Logger)(nil)
	_ myx.CancelTracer       = (*Logger)(nil)
	_ myx.ResetTracer        = (*Logger)(nil)
	_ myx.RetryTracer        = (*Logger)(nil)
)
