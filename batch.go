package myx

// The high-level API: Batch, statements pipelined on one connection.

import (
	"context"
	"errors"

	"github.com/myxdb/myx/internal/sqltext"
	"github.com/myxdb/myx/internal/wire"
)

// Batch is a list of statements to send together (pipelining): they are written to the server
// ahead of reading any reply, so many statements cost about one round trip instead of one
// each. Build it with Queue and send it with Conn.SendBatch.
type Batch struct {
	items []batchItem
}

type batchItem struct {
	query string
	args  []any
	st    *stmt
	err   error // set when the item cannot be sent (its statement failed to prepare, bad args)
	sent  bool
	seq   byte // sequence id of the reply's first packet
}

// Queue appends a statement with its arguments. The arguments are encoded when the batch is
// sent; they must not change until then.
func (b *Batch) Queue(query string, args ...any) {
	b.items = append(b.items, batchItem{query: query, args: args})
}

// Len is the number of statements queued.
func (b *Batch) Len() int { return len(b.items) }

// batchWindow bounds the bytes of statements written ahead of the replies being read. The
// replies to a window must fit in the socket buffers while the client is still writing, or both
// sides would wait for each other.
const batchWindow = 64 << 10

// BatchResults reads the replies to a batch, one per queued statement, in order: call Exec,
// Query or QueryRow once per statement, then Close. The connection is busy until Close.
type BatchResults struct {
	c      *Conn
	ctx    context.Context
	items  []batchItem
	next   int // next item whose reply is read
	sent   int // items written so far
	unread int // items written whose reply has not been reached yet
	rows   *Rows
	err    error // a failure that ends the whole batch (connection lost)
	closed bool
	// onClose runs once the connection is released (see OnClose).
	onClose func()
}

// SendBatch sends the batch's statements and returns their results. Statements with arguments
// (and, like Query, those without) run as prepared statements from the connection's cache; the
// ones not yet prepared are prepared first, all in one round trip. The context covers the whole
// life of the BatchResults, until Close.
//
// Each statement runs on its own: one that fails does not stop the others, which were already
// sent. Wrap the batch in BEGIN/COMMIT (queued as statements, or a Tx) for all-or-nothing.
//
// While some two dozen replies or more are outstanding, the connection (on Linux, plain TCP)
// has the kernel wake it once for several replies rather than for each, which spares the
// server and the client a wakeup per statement; a reply that has come reaches Exec or Query
// at most about a millisecond later than it would otherwise.
//
// SendBatch empties b. When it fails before any statement of the batch was sent (the error
// Close returns is SafeToRetry), it gives b its statements back, so b can be sent again on
// another connection as it was queued (the pool does so).
func (c *Conn) SendBatch(ctx context.Context, b *Batch) *BatchResults {
	var bt batchTrace
	if c.tr.batch != nil {
		bt = c.startBatch(ctx, b)
		ctx = bt.ctx
	}
	br := &BatchResults{c: c, ctx: ctx, items: b.items}
	b.items = nil
	if err := c.start(ctx); err != nil {
		br.err, br.closed = err, true
		c.endBatch(br, &bt, err)
		br.unsend(b)
		return br
	}
	if bt.active {
		c.bt = bt
	}
	for i := range br.items {
		it := &br.items[i]
		var err error
		if it.args, err = normalizeArgs(it.args); err != nil {
			it.err = err // reported by this item's result; the others run
			continue
		}
		if err := c.needLimitFor(it.query, it.args); err != nil {
			br.err, br.closed = c.end(ctx, err), true
			c.endBatch(br, &c.bt, br.err)
			return br
		}
	}
	c.batch = br
	if err := br.prepare(); err != nil {
		br.fail(err)
		br.unsend(b)
		return br
	}
	if err := br.sendWindow(); err != nil {
		br.fail(err)
		br.unsend(b)
	}
	return br
}

// ErrBatchResults returns closed BatchResults whose Exec, Query, QueryRow and Close report err
// (the pool uses it when no connection could be had for a batch).
func ErrBatchResults(err error) *BatchResults {
	return &BatchResults{err: err, closed: true}
}

// unsend gives the statements back to b after SendBatch failed with nothing of them sent
// (only COM_STMT_PREPAREs, which change nothing, may have been written).
func (br *BatchResults) unsend(b *Batch) {
	if !SafeToRetry(br.err) {
		return
	}
	for i := range br.items {
		it := &br.items[i]
		it.st, it.err, it.sent, it.seq = nil, nil, false, 0
	}
	b.items, br.items = br.items, nil
}

// OnClose arranges for f to be called once, when the BatchResults releases its connection: at
// Close, or when a failure ends the batch early. If that has already happened, f is called at
// once. f runs after the connection is idle again (or closed after a failure) and nothing in
// the BatchResults touches the connection after f starts, so f may hand the connection to
// another goroutine (the pool package releases a pooled connection this way). A second call
// replaces a function not yet called.
func (br *BatchResults) OnClose(f func()) {
	if br.closed {
		f()
		return
	}
	br.onClose = f
}

// prepare prepares, in one round trip, every statement of the batch the cache does not hold.
func (br *BatchResults) prepare() error {
	c := br.c
	if c.cfg.InterpolateParams {
		return nil
	}
	var missing []string
	seen := map[string]bool{}
	for i := range br.items {
		q := br.items[i].query
		if c.stmts.get(q) == nil && !seen[q] {
			seen[q] = true
			missing = append(missing, q)
		}
	}
	prepared := map[string]*stmt{}
	errs := map[string]error{}
	if len(missing) > 0 {
		for _, q := range missing {
			if err := c.checkCommand(1 + len(q)); err != nil {
				errs[q] = err
				continue
			}
			c.wr.StartCommand()
			c.wr.B = wire.AppendCommand(c.wr.B, wire.ComStmtPrepare, q)
			c.wr.Finish()
		}
		var pts []prepareTrace
		if c.tr.prepare != nil {
			pts = make([]prepareTrace, len(missing))
			for i, q := range missing {
				if errs[q] == nil {
					pts[i] = c.startPrepare(q)
				}
			}
		}
		if err := c.flush(); err != nil {
			for i := range pts {
				if pts[i].active {
					c.endPrepare(&pts[i], err)
				}
			}
			return err
		}
		for i, q := range missing {
			if errs[q] != nil {
				continue
			}
			c.rd.Seq = 1
			st, err := c.readPrepare(q)
			if pts != nil {
				c.endPrepare(&pts[i], err)
			}
			if err != nil {
				var me *MySQLError
				if !errors.As(err, &me) {
					for j := range pts[i+1:] {
						if pt := &pts[i+1+j]; pt.active {
							c.endPrepare(pt, err)
						}
					}
					return err // the connection is gone
				}
				errs[q] = err
				continue
			}
			prepared[q] = st
		}
	}
	counted := map[*stmt]bool{}
	for i := range br.items {
		it := &br.items[i]
		if st := prepared[it.query]; st != nil {
			it.st = st
			// The first use of a statement prepared now is the cache's miss; a later one in
			// the same batch finds it.
			if !counted[st] {
				counted[st] = true
				c.noteCache(CacheMiss)
			} else {
				c.noteCache(CacheHit)
			}
			continue
		}
		if err := errs[it.query]; err != nil {
			it.err = err
			continue
		}
		it.st = c.stmts.get(it.query)
		c.noteCache(CacheHit)
		if c.tr.prepare != nil {
			c.tracePrepareCached(it.query)
		}
	}
	for _, st := range prepared {
		c.keep(st) // evictions are closed after the batch (see flush)
	}
	return nil
}

// sendWindow writes the next statements, up to batchWindow bytes. A statement with an argument
// sent as long data opens a window (it is sent when every earlier reply has been read): while
// its data streams the server must not be blocked writing replies the client is not reading.
func (br *BatchResults) sendWindow() error {
	c := br.c
	start := len(c.wr.B)
	first := true // nothing in this window yet
	for br.sent < len(br.items) && len(c.wr.B)-start < batchWindow {
		it := &br.items[br.sent]
		br.sent++
		if it.err != nil {
			continue
		}
		var err error
		files, args := splitLocalFiles(it.args)
		switch {
		case files != nil:
			err = errors.New("myx: LOAD DATA LOCAL cannot be pipelined; run it with Exec")
		case c.cfg.InterpolateParams:
			var text string
			var flags sqltext.Flags
			// The session's character set and SQL mode can be learned only while no reply
			// is outstanding: at the start of a window, or else in the next one.
			text, flags, err = c.interpolateArgs(it.query, args, len(c.wr.B) == start && br.next == br.sent-1)
			if err == errLearnFirst {
				br.sent--
				return c.flush()
			}
			if err == nil {
				err = c.checkCommand(1 + len(text))
			}
			if err == nil {
				c.noteStatement(flags)
				c.wr.StartCommand()
				c.wr.B = c.appendQuery(c.wr.B, text)
				c.wr.Finish()
			}
		default:
			err = c.appendExecuteOpt(it.st, args, first)
			if err == errNeedsLong {
				br.sent-- // first in the next window
				break
			}
		}
		if err == errNeedsLong {
			break
		}
		if c.closed {
			return err
		}
		if err != nil {
			it.err = err
			continue
		}
		it.sent, it.seq = true, c.wr.Seq
		br.unread++
		first = false
	}
	if first {
		return nil // nothing to send (statement closes queued meanwhile leave with the next)
	}
	return c.flush()
}

// advance moves to the next item, sending more statements when the written ones have all been
// answered. It returns the item whose reply is next.
func (br *BatchResults) advance() (*batchItem, error) {
	if br.closed && br.err == nil {
		return nil, errors.New("myx: batch results already closed")
	}
	if br.err != nil {
		return nil, br.err
	}
	if br.rows != nil {
		br.rows.Close()
		br.c.traceBatchRows(br, br.rows)
		br.rows = nil
		if br.c.closed {
			br.fail(ErrConnClosed)
			return nil, br.err
		}
	}
	if br.next >= len(br.items) {
		return nil, errors.New("myx: no more results in the batch")
	}
	if br.next == br.sent {
		if err := br.sendWindow(); err != nil {
			br.fail(err)
			return nil, err
		}
	}
	it := &br.items[br.next]
	br.next++
	if it.sent {
		br.unread--
	}
	br.c.oweReplies(br.unread)
	return it, nil
}

// minReplyBytes is the least a reply to COM_STMT_EXECUTE takes on the wire: a packet header
// and an OK packet with no message (0x00, two one-byte counts, status and warnings). An ERR
// packet or a result set is longer.
const minReplyBytes = 4 + 7

// oweReplies tells the connection's reader that n replies to pipelined statements follow the
// one being read: at least n*minReplyBytes bytes the server sends with no further request
// (see pollReader.owe; 0 when the batch is done). Every statement of a batch is an execution
// of a prepared statement, which cannot ask the client for anything (LOAD DATA LOCAL is
// refused in a prepared statement, and in a batch); an interpolated one (InterpolateParams)
// is a text query, which could, so those batches tell nothing. Nor do compressed connections,
// whose bytes on the socket can be fewer than the protocol's.
func (c *Conn) oweReplies(n int) {
	if c.poll == nil || c.compression != CompressNone || c.cfg.InterpolateParams {
		return
	}
	c.poll.owe(n * minReplyBytes)
}

// Exec reads the next statement's reply as Exec would.
func (br *BatchResults) Exec() (Result, error) {
	it, err := br.advance()
	if err != nil {
		return Result{}, err
	}
	c := br.c
	if !it.sent {
		if c.bt.active {
			c.traceBatchItem(br, &c.bt, it.err, 0, 0)
		}
		return Result{}, it.err
	}
	c.rd.Seq = it.seq
	res, err := c.readExecResponse(it.st != nil, it.st, nil)
	if c.bt.active {
		c.traceBatchItem(br, &c.bt, err, 0, int64(res.RowsAffected))
	}
	if c.closed {
		br.fail(err)
	}
	return res, err
}

// Query reads the next statement's reply as rows. The Rows must be read or closed before the
// next result is asked for (asking closes it).
func (br *BatchResults) Query() (*Rows, error) {
	it, err := br.advance()
	if err != nil {
		return nil, err
	}
	c := br.c
	if !it.sent {
		if c.bt.active {
			c.traceBatchItem(br, &c.bt, it.err, 0, 0)
		}
		return nil, it.err
	}
	c.rd.Seq = it.seq
	if c.bt.active {
		c.bt.pending, c.bt.rows = true, c.stats.RowsRead
	}
	h, err := c.readHead(it.st != nil, it.st, nil)
	if err != nil {
		if c.bt.active {
			c.traceBatchItem(br, &c.bt, err, 0, 0)
		}
		if c.closed {
			br.fail(err)
		}
		return nil, err
	}
	r := &Rows{internal: true}
	r.init(nil, c, it.st, &h)
	br.rows = r
	return r, nil
}

// QueryRow reads the next statement's reply as a single row.
func (br *BatchResults) QueryRow() *Row {
	rows, err := br.Query()
	if err != nil {
		return ErrRow(err)
	}
	return &Row{ext: rows}
}

// Close reads and discards the replies not yet read and releases the connection. It returns
// the error that ended the batch early (a lost connection, the context), if any; errors of
// individual statements are reported only by their own Exec/Query.
func (br *BatchResults) Close() error {
	if br.closed {
		return br.err
	}
	for br.err == nil && br.next < len(br.items) {
		br.Exec()
	}
	if br.rows != nil {
		br.rows.Close()
		br.c.traceBatchRows(br, br.rows)
		br.rows = nil
	}
	br.finish()
	return br.err
}

// abandon ends the batch without reading further replies (the connection is going away).
func (br *BatchResults) abandon(err error) { br.fail(err) }

func (br *BatchResults) fail(err error) {
	if br.err == nil {
		br.err = err
	}
	br.finish()
}

func (br *BatchResults) finish() {
	if br.closed {
		return
	}
	br.closed = true
	c := br.c
	if c.batch == br {
		c.batch = nil
	}
	c.oweReplies(0)
	if err := c.end(br.ctx, br.err); err != nil && br.err != nil {
		br.err = err
	}
	if c.bt.active {
		c.endBatch(br, &c.bt, br.err)
	}
	// Statements evicted during the batch can be closed now.
	if len(c.closeAfter) > 0 && !c.closed {
		for _, st := range c.closeAfter {
			c.queueClose(st)
		}
		clear(c.closeAfter)
		c.closeAfter = c.closeAfter[:0]
	}
	if f := br.onClose; f != nil {
		// Last: f may hand the connection to another goroutine.
		br.onClose = nil
		f()
	}
}
