// The high-level API: tracers. Config.Tracer holds one value; the connection finds out which of
// the interfaces below it implements when it is made, so a call with no tracer pays one nil
// check. Every Start returns the context that the matching End receives (a span can ride in it).
// The call runs under that context (except the sending of a statement whose TraceQueryStart is
// deferred, see QueryStartDeferrer), so it must be the one Start was given or derived from it
// (its cancellation carries over); nil stands for the one given. Tracers are called on the
// goroutine that makes the call, never concurrently for one connection. Data structs may gain
// fields in later versions; they are passed by value.

package myx

import (
	"context"
	"time"
)

// QueryTracer traces Exec, Query, QueryRow and the statements of a Stmt. TraceQueryStart is
// called before the statement's request is built and sent, and the statement runs under the
// context it returns, unless the tracer implements QueryStartDeferrer. TraceQueryEnd is
// called once per TraceQueryStart: for Exec when the reply is read, for Query when the Rows
// are finished (closed, or read to the end, or failed), also on errors before anything was
// sent.
type QueryTracer interface {
	TraceQueryStart(ctx context.Context, c *Conn, data TraceQueryStartData) context.Context
	TraceQueryEnd(ctx context.Context, c *Conn, data TraceQueryEndData)
}

// QueryStartDeferrer is an optional interface of a QueryTracer (and of the value in
// Config.Tracer, found when a connection is made). When DeferQueryStart reports true, the
// connection calls TraceQueryStart late: right after the statement's request is written to
// the network, before the reply is awaited, so that what Start costs runs while the server
// works on the statement instead of delaying the request. Then:
//
//   - TraceQueryStartData.Start is when the statement began (before its request was built);
//     the tracer should date the statement from it, not from the call. Data and Duration
//     at the end are measured from it as always.
//   - The request is built and sent under the caller's context, not the one Start returns:
//     a tracer that puts something for the statement itself in the context (query
//     attributes, WithStatementInfo) must not defer. The returned context is what
//     TraceQueryEnd receives, and so do the tracers called inside the statement after Start
//     (PrepareTracer, CancelTracer).
//   - Start still comes first and is called exactly once: before a preparation the statement
//     needs (a statement cache miss, traced by a PrepareTracer; Start is then not overlapped),
//     and, when the statement fails before its request is written (a busy connection, an
//     argument error, a failed write), just before TraceQueryEnd.
//   - It is not deferred when Config.QueryAttributesFunc is set and attributes can travel
//     (Config.QueryAttributes negotiated, or Config.SQLComment), since that function is called
//     with the context Start returned.
//
// Start is called on the goroutine that makes the call, as always; a tracer that defers must
// not depend on the request not having been sent.
type QueryStartDeferrer interface {
	DeferQueryStart() bool
}

// TraceQueryStartData describes a statement about to be sent.
type TraceQueryStartData struct {
	SQL string // the statement's text as the caller gave it (placeholders, not values)
	// Args are the caller's arguments. They belong to the caller: a tracer must not keep them
	// past TraceQueryEnd, nor modify them, and should not record them unless asked to.
	Args []any
	// Statement is what the statement is (operation, table), from sqlb when it built the
	// statement (see WithStatementInfo), otherwise from the SQL lexer; zero where unsure.
	Statement StatementInfo
	// Start is when the statement began, set when TraceQueryStart is deferred until its
	// request was written (see QueryStartDeferrer); zero when Start is called first.
	Start time.Time
}

// CacheOutcome says how a statement used the prepared-statement cache.
type CacheOutcome uint8

const (
	CacheNotUsed CacheOutcome = iota // sent as text (no arguments in Exec, interpolation, fallback)
	CacheHit                         // a statement found prepared in the cache was executed
	CacheMiss                        // the statement was prepared now (and cached if it fits)
	// CachePrepared is a Stmt's execution: a statement the caller prepared (Conn.Prepare),
	// executed without consulting the cache (ConnStats counts neither a hit nor a miss).
	CachePrepared
)

// String names the outcome: "not_used", "hit", "miss" or "prepared".
func (o CacheOutcome) String() string {
	switch o {
	case CacheHit:
		return "hit"
	case CacheMiss:
		return "miss"
	case CachePrepared:
		return "prepared"
	}
	return "not_used"
}

// TraceQueryEndData describes how a statement ended.
type TraceQueryEndData struct {
	Err          error        // nil on success; the statement's or the result's error
	RowsReturned int64        // rows read from a result set (Query); 0 for Exec
	RowsAffected int64        // from the OK packet (Exec, or the end of a Query's result)
	Cache        CacheOutcome // how the statement cache was used (CachePrepared for a Stmt's executions, which do not go through it)
	RoundTrips   int          // request/reply exchanges with the server for this statement (see ConnStats.RoundTrips)
	BytesSent    int64        // bytes written for this statement (protocol framing included)
	BytesRead    int64        // bytes read for this statement (protocol framing included)
	Duration     time.Duration
}

// BatchTracer traces SendBatch: one Start and one End per batch, and TraceBatchQuery once per
// item as its reply is read (items are not given contexts of their own, so one span per batch
// is the natural shape).
type BatchTracer interface {
	TraceBatchStart(ctx context.Context, c *Conn, data TraceBatchStartData) context.Context
	TraceBatchQuery(ctx context.Context, c *Conn, data TraceBatchQueryData)
	TraceBatchEnd(ctx context.Context, c *Conn, data TraceBatchEndData)
}

// TraceBatchStartData describes a batch about to be sent.
type TraceBatchStartData struct {
	Batch *Batch // the caller's batch: read-only for the tracer
	Len   int    // number of queued statements
}

// TraceBatchQueryData describes one item of a batch once its reply is read.
type TraceBatchQueryData struct {
	Index        int // position in the batch, from 0
	SQL          string
	Args         []any // as in TraceQueryStartData: the caller's, not to be kept
	Statement    StatementInfo
	Err          error
	RowsReturned int64
	RowsAffected int64
}

// TraceBatchEndData describes how a batch ended.
type TraceBatchEndData struct {
	Err        error
	RoundTrips int
	BytesSent  int64
	BytesRead  int64
	Duration   time.Duration
}

// CopyFromTracer traces CopyFrom.
type CopyFromTracer interface {
	TraceCopyFromStart(ctx context.Context, c *Conn, data TraceCopyFromStartData) context.Context
	TraceCopyFromEnd(ctx context.Context, c *Conn, data TraceCopyFromEndData)
}

// TraceCopyFromStartData describes a CopyFrom about to start.
type TraceCopyFromStartData struct {
	Table   string
	Columns []string
}

// TraceCopyFromEndData describes how a CopyFrom ended.
type TraceCopyFromEndData struct {
	Rows      int64 // rows the server reported loaded
	Err       error
	BytesSent int64
	Duration  time.Duration
}

// ExecManyTracer traces ExecMany (bulk execution or its fallbacks).
type ExecManyTracer interface {
	TraceExecManyStart(ctx context.Context, c *Conn, data TraceExecManyStartData) context.Context
	TraceExecManyEnd(ctx context.Context, c *Conn, data TraceExecManyEndData)
}

// TraceExecManyStartData describes an ExecMany about to start.
type TraceExecManyStartData struct {
	SQL       string
	Rows      int // number of argument rows
	Statement StatementInfo
}

// TraceExecManyEndData describes how an ExecMany ended.
type TraceExecManyEndData struct {
	Err          error
	RowsAffected int64
	// Method is how the rows were sent: "bulk" (MariaDB COM_STMT_BULK_EXECUTE), "multirow"
	// (multi-row INSERTs), "each" (one execution per row, one round trip each), or two of
	// these joined by "+" when ExecMany changed method on the way (a row that needed long
	// data continues with "each"). "pipelined" (executions written ahead of their replies)
	// is reserved; ExecMany does not use it yet.
	Method     string
	RoundTrips int
	BytesSent  int64
	BytesRead  int64
	Duration   time.Duration
}

// PrepareTracer traces statement preparation, explicit (Prepare) or by the statement cache.
type PrepareTracer interface {
	TracePrepareStart(ctx context.Context, c *Conn, data TracePrepareStartData) context.Context
	TracePrepareEnd(ctx context.Context, c *Conn, data TracePrepareEndData)
}

// TracePrepareStartData describes a statement about to be prepared.
type TracePrepareStartData struct {
	SQL string
}

// TracePrepareEndData describes how a preparation ended.
type TracePrepareEndData struct {
	Err      error
	Cached   bool // the statement was found in the cache, nothing was sent
	Duration time.Duration
}

// ConnectTracer traces Connect and ConnectConfig. The Conn is not there yet at Start; End gets
// it when the connection succeeded.
type ConnectTracer interface {
	TraceConnectStart(ctx context.Context, data TraceConnectStartData) context.Context
	TraceConnectEnd(ctx context.Context, data TraceConnectEndData)
}

// TraceConnectStartData describes a connection attempt.
type TraceConnectStartData struct {
	Config *Config // read-only for the tracer
}

// TraceConnectEndData describes how a connection attempt ended.
type TraceConnectEndData struct {
	Conn     *Conn // nil when Err is set
	Err      error
	Duration time.Duration
}

// CancelTracer traces the cancellation of a statement: the KILL QUERY sent over a side
// connection when a context ends while the server works, and what came of it.
type CancelTracer interface {
	TraceCancel(ctx context.Context, c *Conn, data TraceCancelData)
}

// TraceCancelData describes one cancellation.
type TraceCancelData struct {
	Cause    error // why: the context's error
	Killed   bool  // KILL QUERY was sent and acknowledged
	Err      error // the side connection's or the KILL's error, if any
	Closed   bool  // the connection could not be brought back and was closed
	Duration time.Duration
}

// ResetTracer traces ResetSession (the pool calls it on release when needed).
type ResetTracer interface {
	TraceResetStart(ctx context.Context, c *Conn) context.Context
	TraceResetEnd(ctx context.Context, c *Conn, data TraceResetEndData)
}

// TraceResetEndData describes how a session reset ended.
type TraceResetEndData struct {
	Err      error
	Duration time.Duration
}

// RetryTracer traces a retry decided by the library: BeginFunc after a deadlock or lock wait
// timeout, and the pool's retries of work that was not sent or is idempotent. It is called
// before the next attempt.
type RetryTracer interface {
	TraceRetry(ctx context.Context, data TraceRetryData)
}

// TraceRetryData describes one retry.
type TraceRetryData struct {
	Op      string // "transaction", "exec", "query", "batch", "copyfrom", "idempotent", ...
	Attempt int    // the attempt about to start, from 2
	Err     error  // the error that caused the retry
}

// StatementInfo is what a statement is, for naming spans and metrics: its operation
// ("SELECT", "INSERT", ...) and the table it is about, when that is one table. Empty fields mean
// unknown: nothing is guessed.
type StatementInfo struct {
	Operation  string // upper-case SQL verb, such as "SELECT"; "" when unknown
	Collection string // the one table the statement reads or writes, as written (unquoted); "" when none or several
	Summary    string // low-cardinality name such as "SELECT users"; "" when Operation is unknown
}

type statementInfoKey struct{}

// WithStatementInfo returns a context that tells the tracers what the statement run with it
// is, so that they need not work it out from the SQL text. sqlb uses it for the statements it
// builds; a caller may use it for hand-written SQL. It costs a context allocation, so the hot
// path of code without tracers should not call it.
func WithStatementInfo(ctx context.Context, info StatementInfo) context.Context {
	return context.WithValue(ctx, statementInfoKey{}, info)
}

// statementInfoFrom is the StatementInfo that WithStatementInfo put in ctx.
func statementInfoFrom(ctx context.Context) (StatementInfo, bool) {
	info, ok := ctx.Value(statementInfoKey{}).(StatementInfo)
	return info, ok
}
