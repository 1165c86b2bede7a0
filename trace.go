package myx

// Calling the tracers (tracer.go holds the interfaces): the typed tracers a Conn found in
// Config.Tracer, the per-connection counters (Stats) the traces are measured with, and the
// bookkeeping of a traced statement. With no tracer every hook is one nil check.

import (
	"context"
	"time"

	"github.com/myxdb/myx/internal/sqltext"
	"github.com/myxdb/myx/internal/wire"
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
	// deferStart: the QueryTracer lets TraceQueryStart wait until the request is written
	// (QueryStartDeferrer).
	deferStart bool
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
	if d, ok := t.(QueryStartDeferrer); ok && tr.query != nil {
		tr.deferStart = d.DeferQueryStart()
	}
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
	// deferred: TraceQueryStart is left to the connection's pendingStart (until then ctx is
	// the caller's).
	deferred bool
}

// pendingStart is the TraceQueryStart of the statement under way while it waits for the
// statement's request to be written (QueryStartDeferrer): flush calls it, right after the
// write, so that it runs while the server works.
type pendingStart struct {
	waiting bool // Start is still to be called
	fired   bool // Start was called; out is what it returned
	ctx     context.Context
	out     context.Context
	data    TraceQueryStartData
	// cached is a statement found in the statement cache before Start was called, whose
	// (empty) preparation is traced after Start, so that it follows Start as it always does.
	cached    string
	hasCached bool
}

// defersStart reports whether the statement about to start can have its TraceQueryStart
// deferred: the tracer allows it, no other statement is open (it fails as busy, before
// anything is sent), and no Config.QueryAttributesFunc builds attributes from the context
// Start returns.
func (c *Conn) defersStart() bool {
	return c.tr.deferStart && c.busy == nil && c.batch == nil && !c.pend.waiting && !c.pend.fired &&
		(c.cfg.QueryAttributesFunc == nil || c.caps&wire.ClientQueryAttributes == 0 && !c.cfg.SQLComment)
}

// firePendingStart calls the deferred TraceQueryStart; from then on the tracers inside the
// command (prepare, cancel) get the context it returned.
func (c *Conn) firePendingStart() {
	p := &c.pend
	p.waiting, p.fired = false, true
	if p.out = c.tr.query.TraceQueryStart(p.ctx, c, p.data); p.out == nil {
		p.out = p.ctx
	}
	p.ctx, p.data = nil, TraceQueryStartData{}
	if c.cmdCtx != nil {
		c.cmdCtx = p.out
	}
	if p.hasCached {
		q := p.cached
		p.cached, p.hasCached = "", false
		c.tracePrepareCached(q)
	}
}

// takeStart gives qt the context of its deferred TraceQueryStart, calling it now if the
// request was never written (the statement failed before).
func (c *Conn) takeStart(qt *queryTrace) {
	if c.pend.waiting {
		c.firePendingStart()
	}
	qt.ctx, qt.deferred = c.pend.out, false
	c.pend = pendingStart{}
}

// describe is the StatementInfo of sql: from ctx (WithStatementInfo) when it is there,
// otherwise from the lexer, through a small per-connection cache (statements repeat).
func (c *Conn) describe(ctx context.Context, sql string) StatementInfo {
	if info, ok := statementInfoFrom(ctx); ok {
		return info
	}
	if info, ok := c.infos[sql]; ok {
		return info
	}
	info := DescribeStatement(sql)
	if len(sql) <= maxDescribedLen {
		if c.infos == nil {
			c.infos = make(map[string]StatementInfo)
		} else if len(c.infos) >= maxDescribed {
			clear(c.infos)
		}
		c.infos[sql] = info
	}
	return info
}

// The cache of describe: at most maxDescribed statements, of at most maxDescribedLen bytes.
const (
	maxDescribed    = 512
	maxDescribedLen = 4 << 10
)

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
// not. The copy lives in a buffer of the connection, reused once the statement has ended
// (the tracer may not keep Args past TraceQueryEnd); a statement started while another is
// still open (it fails as busy) gets a copy of its own.
func (c *Conn) tracerArgs(args []any) []any {
	if len(args) == 0 {
		return nil
	}
	if c.busy != nil || c.batch != nil {
		return append(make([]any, 0, len(args)), args...)
	}
	c.targs = append(c.targs[:0], args...)
	return c.targs
}

// startQuery calls TraceQueryStart for a statement, or leaves it to the write of the
// request (QueryStartDeferrer), and returns its trace (whose ctx the call then runs under).
func (c *Conn) startQuery(ctx context.Context, sql string, args []any) queryTrace {
	qt := queryTrace{active: true}
	data := TraceQueryStartData{SQL: sql, Args: c.tracerArgs(args), Statement: c.describe(ctx, sql)}
	c.lastCache = CacheNotUsed
	if c.defersStart() {
		qt.mark = c.mark()
		data.Start = qt.mark.start
		c.pend = pendingStart{waiting: true, ctx: ctx, data: data}
		qt.ctx, qt.deferred = ctx, true
		return qt
	}
	qt.ctx = c.tr.query.TraceQueryStart(ctx, c, data)
	if qt.ctx == nil {
		qt.ctx = ctx
	}
	qt.mark = c.mark()
	return qt
}

// endQuery calls TraceQueryEnd once for qt.
func (c *Conn) endQuery(qt *queryTrace, err error, affected uint64) {
	if !qt.active {
		return
	}
	if qt.deferred {
		c.takeStart(qt)
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
	if len(c.targs) > 0 && c.busy == nil {
		clear(c.targs) // keep no caller's values alive
		c.targs = c.targs[:0]
	}
}

// endRowsQuery ends the trace of the query whose Rows r is being released.
func (c *Conn) endRowsQuery(r *Rows) {
	c.endQuery(&c.qt, r.err, r.result.RowsAffected)
}

// holdQuery hands qt to the Rows r that the query returned: its End fires when r is
// released, or now if r already is.
func (c *Conn) holdQuery(qt *queryTrace, r *Rows) {
	if qt.deferred {
		c.takeStart(qt)
	}
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
	if c.pend.waiting {
		c.firePendingStart() // a preparation follows the statement's Start
	}
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
	if c.pend.waiting && !c.pend.hasCached {
		c.pend.cached, c.pend.hasCached = query, true // traced after Start, once the execute is written
		return
	}
	if c.pend.waiting {
		c.firePendingStart()
	}
	ctx := c.cmdContext()
	tctx := c.tr.prepare.TracePrepareStart(ctx, c, TracePrepareStartData{SQL: query})
	if tctx == nil {
		tctx = ctx
	}
	c.tr.prepare.TracePrepareEnd(tctx, c, TracePrepareEndData{Cached: true})
}

// batchTrace is a batch traced by the BatchTracer, from SendBatch to the release of the
// connection.
type batchTrace struct {
	ctx    context.Context
	mark   traceMark
	active bool
	next   int // the next item to report with TraceBatchQuery
	// pending is set while the rows of item next are being read (reported when they close);
	// rows is the connection's row count when they began.
	pending bool
	rows    int64
}

func (c *Conn) startBatch(ctx context.Context, b *Batch) batchTrace {
	bt := batchTrace{active: true}
	if bt.ctx = c.tr.batch.TraceBatchStart(ctx, c, TraceBatchStartData{Batch: b, Len: len(b.items)}); bt.ctx == nil {
		bt.ctx = ctx
	}
	bt.mark = c.mark()
	return bt
}

// batchItem reports item i of br (the next one not reported) with its outcome.
func (c *Conn) traceBatchItem(br *BatchResults, bt *batchTrace, err error, returned, affected int64) {
	i := bt.next
	bt.next++
	bt.pending = false
	it := &br.items[i]
	c.tr.batch.TraceBatchQuery(bt.ctx, c, TraceBatchQueryData{
		Index:        i,
		SQL:          it.query,
		Args:         it.args,
		Statement:    c.describe(context.Background(), it.query),
		Err:          err,
		RowsReturned: returned,
		RowsAffected: affected,
	})
}

// traceBatchRows reports the item whose rows r were, once they are closed.
func (c *Conn) traceBatchRows(br *BatchResults, r *Rows) {
	if bt := &c.bt; bt.active && bt.pending {
		c.traceBatchItem(br, bt, r.err, c.stats.RowsRead-bt.rows, int64(r.result.RowsAffected))
	}
}

// endBatch ends the batch trace bt: items not reported (the batch failed before their replies
// were read) are reported with the batch's error first.
func (c *Conn) endBatch(br *BatchResults, bt *batchTrace, err error) {
	if !bt.active {
		return
	}
	if bt.pending && br.rows != nil {
		c.traceBatchRows(br, br.rows)
	}
	for bt.next < len(br.items) {
		ierr := err
		if ierr == nil {
			ierr = br.items[bt.next].err
		}
		c.traceBatchItem(br, bt, ierr, 0, 0)
	}
	bt.active = false
	m := &bt.mark
	ctx := bt.ctx
	bt.ctx = nil
	c.tr.batch.TraceBatchEnd(ctx, c, TraceBatchEndData{
		Err:        err,
		RoundTrips: int(c.stats.RoundTrips - m.trips),
		BytesSent:  c.stats.BytesSent - m.sent,
		BytesRead:  c.rd.BytesRead() - m.read,
		Duration:   time.Since(m.start),
	})
}

// traceCancel reports the cancellation (a KILL QUERY attempted, or the socket forced) of the command that ends now under ctx.
func (c *Conn) traceCancel(ctx context.Context, killed, forced bool) {
	k := &c.cancel
	k.mu.Lock()
	firedAt, killErr := k.firedAt, k.killErr
	k.mu.Unlock()
	if firedAt.IsZero() {
		return // the context ended as the call finished: nothing was done about it
	}
	d := time.Since(firedAt)
	c.tr.cancel.TraceCancel(ctx, c, TraceCancelData{
		Cause:    ctx.Err(),
		Killed:   killed,
		Err:      killErr,
		Closed:   c.closed || forced,
		Duration: d,
	})
}
