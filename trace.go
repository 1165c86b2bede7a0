package myx

// Calling the tracers (tracer.go holds the interfaces): the typed tracers a Conn found in
// Config.Tracer, the per-connection counters (Stats) the traces are measured with, and the
// bookkeeping of a traced statement. With no tracer every hook is one nil check.

import (
	"context"
	"time"

	"github.com/myxdb/myx/internal/sqltext"
)

// tracers holds Config.Tracer once per interface it implements, found when the connection is
// made; a nil field is an interface it does not implement.
type tracers struct {
	query    QueryTracer
	batch    BatchTracer
	copyFrom CopyFromTracer
	execMany ExecManyTracer
	prepare  PrepareTracer
	cancel   CancelTracer
	reset    ResetTracer
	retry    RetryTracer
	// inCommand: a tracer called inside a command is set (prepare, cancel), which needs the
	// command's context (Conn.cmdCtx).
	inCommand bool
}

func newTracers(t any) tracers {
	var tr tracers
	if t == nil {
		return tr
	}
	tr.query, _ = t.(QueryTracer)
	tr.batch, _ = t.(BatchTracer)
	tr.copyFrom, _ = t.(CopyFromTracer)
	tr.execMany, _ = t.(ExecManyTracer)
	tr.prepare, _ = t.(PrepareTracer)
	tr.cancel, _ = t.(CancelTracer)
	tr.reset, _ = t.(ResetTracer)
	tr.retry, _ = t.(RetryTracer)
	tr.inCommand = tr.prepare != nil || tr.cancel != nil
	return tr
}

// ConnStats are a connection's cumulative counters since it was opened. They are kept whether
// or not a tracer is set (each is one increment where it happens).
type ConnStats struct {
	// BytesSent and BytesRead count the protocol bytes written to and read from the network
	// connection, packet headers included: with compression, the compressed frames; with TLS,
	// the bytes before encryption and after decryption (TLS records' own overhead is not
	// counted).
	BytesSent int64
	BytesRead int64
	// RoundTrips counts request/reply exchanges: a write of buffered commands followed by the
	// read of the first packet of a reply is one round trip. Commands written together
	// (pipelined, a batch) and read back together count once; a write with no reply (such as
	// COM_STMT_CLOSE on its own) counts with the next reply read. Each further exchange inside
	// one call (a LOCAL INFILE transfer, a prepare sent before its execute) counts again. The
	// handshake is not counted; the session setup after it is.
	RoundTrips int64
	// RowsRead counts rows returned through Rows.Next (Query, QueryRow, batch results).
	RowsRead int64
	// StatementCacheHits and StatementCacheMisses count lookups of the prepared-statement
	// cache by statements that use it (Exec and Query with arguments, or without when
	// prepared, batches, ExecMany): a hit executes a statement already prepared, a miss
	// prepares it.
	StatementCacheHits   int64
	StatementCacheMisses int64
	// Kills counts KILL QUERY statements delivered for this connection (a context that ended
	// during a call, or Rows.Close stopping a large SELECT).
	Kills int64
	// Resets counts ResetSession calls that succeeded.
	Resets int64
}

// Stats returns the connection's cumulative counters. Like every Conn method it must not be
// called concurrently with another.
func (c *Conn) Stats() ConnStats {
	s := c.stats
	s.BytesRead = c.rd.BytesRead()
	return s
}

// noteCache records a statement cache lookup for the statement under way.
func (c *Conn) noteCache(o CacheOutcome) {
	c.lastCache = o
	if o == CacheHit {
		c.stats.StatementCacheHits++
	} else {
		c.stats.StatementCacheMisses++
	}
}

// traceMark is where the counters stood when a traced operation began.
type traceMark struct {
	start time.Time
	sent  int64
	read  int64
	trips int64
	rows  int64
}

func (c *Conn) mark() traceMark {
	return traceMark{
		start: time.Now(),
		sent:  c.stats.BytesSent,
		read:  c.rd.BytesRead(),
		trips: c.stats.RoundTrips,
		rows:  c.stats.RowsRead,
	}
}

// queryTrace is a statement traced by the QueryTracer, from Start to End.
type queryTrace struct {
	ctx    context.Context // what TraceQueryStart returned
	mark   traceMark
	active bool
}

// describe is the StatementInfo of sql: from ctx (WithStatementInfo) when it is there,
// otherwise from the lexer.
func describe(ctx context.Context, sql string) StatementInfo {
	if info, ok := statementInfoFrom(ctx); ok {
		return info
	}
	return DescribeStatement(sql)
}

// DescribeStatement tells what a statement is from its text, with the project's SQL lexer: the
// operation (its upper-case verb) and, for a simple statement about one table (SELECT ... FROM
// t without joins, subqueries or unions; INSERT INTO t; REPLACE INTO t; UPDATE t; DELETE FROM
// t), that table. Whatever the lexer is not sure of is left empty: nothing is guessed. Summary
// is "OPERATION table", or the operation alone when there is no one table.
func DescribeStatement(sql string) StatementInfo {
	d := sqltext.Describe(sql)
	info := StatementInfo{Operation: d.Operation, Collection: d.Table}
	switch {
	case info.Operation == "":
	case info.Collection != "":
		info.Summary = info.Operation + " " + info.Collection
	default:
		info.Summary = info.Operation
	}
	return info
}

// tracerArgs is the copy of args a tracer is given. Handing the caller's slice to a tracer
// (an interface call) would make every caller's variadic slice escape to the heap, traced or
// not; the copy costs an allocation only when tracing.
func tracerArgs(args []any) []any {
	if len(args) == 0 {
		return nil
	}
	return append(make([]any, 0, len(args)), args...)
}

// startQuery calls TraceQueryStart for a statement and returns its trace (whose ctx the call
// then runs under).
func (c *Conn) startQuery(ctx context.Context, sql string, args []any) queryTrace {
	qt := queryTrace{active: true}
	qt.ctx = c.tr.query.TraceQueryStart(ctx, c, TraceQueryStartData{SQL: sql, Args: tracerArgs(args), Statement: describe(ctx, sql)})
	if qt.ctx == nil {
		qt.ctx = ctx
	}
	c.lastCache = CacheNotUsed
	qt.mark = c.mark()
	return qt
}

// endQuery calls TraceQueryEnd once for qt.
func (c *Conn) endQuery(qt *queryTrace, err error, affected uint64) {
	if !qt.active {
		return
	}
	qt.active = false
	m := &qt.mark
	ctx := qt.ctx
	qt.ctx = nil
	c.tr.query.TraceQueryEnd(ctx, c, TraceQueryEndData{
		Err:          err,
		RowsReturned: c.stats.RowsRead - m.rows,
		RowsAffected: int64(affected),
		Cache:        c.lastCache,
		RoundTrips:   int(c.stats.RoundTrips - m.trips),
		BytesSent:    c.stats.BytesSent - m.sent,
		BytesRead:    c.rd.BytesRead() - m.read,
		Duration:     time.Since(m.start),
	})
}

// endRowsQuery ends the trace of the query whose Rows r is being released.
func (c *Conn) endRowsQuery(r *Rows) {
	c.endQuery(&c.qt, r.err, r.result.RowsAffected)
}

// holdQuery hands qt to the Rows r that the query returned: its End fires when r is
// released, or now if r already is.
func (c *Conn) holdQuery(qt *queryTrace, r *Rows) {
	if r.closed {
		c.endQuery(qt, r.err, r.result.RowsAffected)
		return
	}
	c.qt = *qt
	qt.active = false
}

// prepareTrace is a preparation traced by the PrepareTracer.
type prepareTrace struct {
	ctx    context.Context
	start  time.Time
	active bool
}

// cmdContext is the context of the command under way, for the tracers called inside it
// (prepare, cancel): the one its QueryTracer returned, if any.
func (c *Conn) cmdContext() context.Context {
	if c.cmdCtx != nil {
		return c.cmdCtx
	}
	return context.Background()
}

func (c *Conn) startPrepare(query string) prepareTrace {
	ctx := c.cmdContext()
	pt := prepareTrace{active: true}
	if pt.ctx = c.tr.prepare.TracePrepareStart(ctx, c, TracePrepareStartData{SQL: query}); pt.ctx == nil {
		pt.ctx = ctx
	}
	pt.start = time.Now()
	return pt
}

func (c *Conn) endPrepare(pt *prepareTrace, err error) {
	pt.active = false
	c.tr.prepare.TracePrepareEnd(pt.ctx, c, TracePrepareEndData{Err: err, Duration: time.Since(pt.start)})
}

// tracePrepareCached traces a statement found in the cache: nothing was sent.
func (c *Conn) tracePrepareCached(query string) {
	ctx := c.cmdContext()
	tctx := c.tr.prepare.TracePrepareStart(ctx, c, TracePrepareStartData{SQL: query})
	if tctx == nil {
		tctx = ctx
	}
	c.tr.prepare.TracePrepareEnd(tctx, c, TracePrepareEndData{Cached: true})
}
