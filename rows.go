package myx

// Results: Rows, the streaming result of a query, and Row.

import (
	"context"

	"github.com/myxdb/myx/internal/wire"
)

type rowsState uint8

const (
	rowsReading rowsState = iota // rows of the current result set are being read
	rowsBetween                  // the current result set ended; more results follow
	rowsDone                     // the response is complete
)

// Rows is the streaming result of a query. Rows are read one packet at a time as Next is
// called; values returned by Scan as []byte or sql.RawBytes alias the read buffer only where
// documented. A Rows holds its connection busy until it is closed or read to the end.
type Rows struct {
	c      *Conn
	ctx    context.Context
	st     *stmt // the prepared statement for binary results; nil for text results
	binary bool
	cols   []Column
	types  []byte
	values [][]byte
	state  rowsState
	result Result
	err    error
	closed bool
	hasRow bool
	// internal is set for queries the connection runs inside another command: they do not end
	// the command when they finish.
	internal bool
	// onClose runs once the connection is released (see OnClose).
	onClose func()
	// query is the statement text, consulted only when Close finds rows unread (a single plain
	// SELECT may then be stopped on the server; see closeEarly).
	query string

	// struct-scan plan cache (see RowToStructByName)
	plan     *structPlan
	planLax  bool
	planDest []any
}

// init starts r on a response whose first result is h (st is the prepared statement of a binary
// result, nil for text). r holds the connection busy until it is released.
func (r *Rows) init(ctx context.Context, c *Conn, st *stmt, h *head) {
	r.c, r.ctx, r.st, r.binary = c, ctx, st, st != nil
	c.busy = r
	r.setHead(h)
}

func (r *Rows) setHead(h *head) {
	r.cols, r.types = h.cols, h.types
	r.hasRow = false
	if h.cols == nil {
		r.result.add(&h.ok)
		r.afterResult()
		return
	}
	if n := len(h.cols); cap(r.values) >= n {
		r.values = r.values[:n]
	} else if r.st != nil && cap(r.st.values) >= n {
		r.values = r.st.values[:n]
	} else {
		r.values = make([][]byte, n)
		if r.st != nil {
			r.st.values = r.values
		}
	}
	r.state = rowsReading
}

// afterResult moves past a finished result set.
func (r *Rows) afterResult() {
	if r.c.status&wire.StatusMoreResultsExists != 0 {
		r.state = rowsBetween
		return
	}
	r.state = rowsDone
	r.release()
}

// release gives the connection back once the response has been read completely (or failed).
func (r *Rows) release() {
	if r.closed {
		return
	}
	r.closed = true
	r.hasRow = false
	c := r.c
	if c.busy == r {
		c.busy = nil
	}
	if r.internal {
		return
	}
	if err := c.end(r.ctx, r.err); err != nil {
		r.err = err
	}
	if c.qt.active {
		c.endRowsQuery(r)
	}
	r.ctx = nil
	if f := r.onClose; f != nil {
		// Last: f may hand the connection to another goroutine.
		r.onClose = nil
		f()
	}
}

// OnClose arranges for f to be called once, when the Rows releases its connection: when it is
// closed, read to the end, or ends with an error. If that has already happened, f is called at
// once. f runs on the goroutine that closes the Rows, after the connection is idle again (or
// closed after a failure) and after Err and Result have their final values; nothing in the Rows
// touches the connection after f starts, so f may hand it to another goroutine (the pool package
// uses this to release a pooled connection). A second call replaces a function not yet called.
func (r *Rows) OnClose(f func()) {
	if r.closed {
		f()
		return
	}
	r.onClose = f
}

// fail records err, which ended the response.
func (r *Rows) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.state = rowsDone
	r.release()
}

// abandon marks the Rows closed without reading further (the connection is going away).
func (r *Rows) abandon(err error) { r.fail(err) }

// Next advances to the next row of the current result set, reporting false at its end or on
// an error (see Err). When the last result set ends, the Rows closes itself.
func (r *Rows) Next() bool {
	r.hasRow = false
	if r.state != rowsReading {
		return false
	}
	if r.ctx != nil && r.ctx.Err() != nil {
		// The context ended between rows: stop here and bring the connection back.
		r.stop(&InterruptedError{Cause: r.ctx.Err()})
		return false
	}
	c := r.c
	p, err := c.nextRowPacket(&r.result)
	if p == nil {
		if err != nil {
			r.fail(err)
		} else {
			r.afterResult()
		}
		return false
	}
	if r.binary {
		err = wire.ParseBinaryRow(p, r.types, r.values)
	} else {
		err = wire.ParseTextRow(p, r.values)
	}
	if err != nil {
		r.fail(c.fail("read", err, false))
		return false
	}
	r.hasRow = true
	c.stats.RowsRead++
	return true
}

// stop ends the response early with err: the rest is read and discarded so the connection
// stays usable.
func (r *Rows) stop(err error) {
	if r.err == nil {
		r.err = err
	}
	r.drain()
}

// drain reads and discards the rest of the response.
func (r *Rows) drain() {
	c := r.c
	for r.state != rowsDone && !c.closed {
		if r.state == rowsReading {
			if err := c.skipRows(); err != nil {
				r.fail(err)
				return
			}
			r.afterResult()
			continue
		}
		if !r.advance() {
			return
		}
	}
	if !r.closed {
		r.state = rowsDone
		r.release()
	}
}

// advance reads the head of the next result (state must be rowsBetween).
func (r *Rows) advance() bool {
	c := r.c
	h, err := c.readHead(r.binary, r.st, nil)
	if err != nil {
		r.fail(err)
		return false
	}
	r.setHead(&h)
	return true
}

// NextResultSet moves to the next result of a multi-statement query or stored procedure call,
// discarding unread rows of the current one. It reports false when there are no more. A
// result without columns (from a statement such as UPDATE) is a result set with no rows; its
// counts accumulate in Result.
func (r *Rows) NextResultSet() bool {
	r.hasRow = false
	if r.state == rowsReading {
		if err := r.c.skipRows(); err != nil {
			r.fail(err)
			return false
		}
		r.afterResult()
	}
	if r.state != rowsBetween {
		return false
	}
	return r.advance()
}

// Err returns the error that ended iteration, if any. It is nil after a normal end.
func (r *Rows) Err() error { return r.err }

// Close discards any unread rows and result sets and releases the connection. It returns the
// same error as Err. Closing twice is harmless.
//
// Unread rows must still be read off the connection to keep it in step with the server. When
// a plain SELECT still has much to send (more than a megabyte read after Close began), Close
// stops it on the server with KILL QUERY from a side connection rather than reading everything.
func (r *Rows) Close() error {
	if r.closed {
		return r.err
	}
	if r.state == rowsReading {
		r.closeEarly()
	}
	r.drain()
	return r.err
}

// earlyCloseKillAfter is how many bytes Close reads and discards before it asks the server to
// stop a large SELECT instead.
const earlyCloseKillAfter = 1 << 20

// closeEarly discards the rest of the current result set, stopping the server with KILL QUERY
// once it is clear that reading the rest would cost more than a side connection and the query
// is a plain SELECT (decided only then: lexing the text on every close of a short result, as
// QueryRow's, would cost more than reading it).
func (r *Rows) closeEarly() {
	c := r.c
	skipped, killed, asked := 0, false, false
	for {
		p, err := c.nextRowPacket(&r.result)
		if p == nil {
			if err == nil {
				r.afterResult()
				return
			}
			if n, ok := serverErrorNumber(err); killed && ok && n == ErQueryInterrupted {
				// The interruption we asked for: the caller closed the rows, nothing failed.
				r.state = rowsDone
				r.release()
				return
			}
			r.fail(err)
			return
		}
		skipped += len(p)
		if !asked && skipped > earlyCloseKillAfter {
			asked = true
			if !isPlainSelect(r.query) {
				continue
			}
			killed = killQuery(c.cfg, c.addr, c.id, c.cfg.killTimeout()) == nil
			if killed {
				c.stats.Kills++
			}
		}
	}
}

// Columns describes the columns of the current result set. The slice is shared; do not modify
// it.
func (r *Rows) Columns() []Column { return r.cols }

// ColumnNames returns the column labels of the current result set.
func (r *Rows) ColumnNames() []string {
	names := make([]string, len(r.cols))
	for i := range r.cols {
		names[i] = r.cols[i].Name
	}
	return names
}

// Result reports the counts accumulated so far (statements without result sets, and the
// warning count of the last result). Complete once the Rows is closed.
func (r *Rows) Result() Result { return r.result }

// Conn returns the connection the Rows reads from.
func (r *Rows) Conn() *Conn { return r.c }

// Row is the result of QueryRow.
type Row struct {
	rows Rows
	ext  *Rows // when set, the result lives elsewhere (a batch) and rows is unused
	err  error
}

func (r *Row) result() *Rows {
	if r.ext != nil {
		return r.ext
	}
	return &r.rows
}

// Scan copies the first row's columns into dest and closes the result. It returns ErrNoRows
// when there was no row, and the query's error if it failed.
func (r *Row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	rows := r.result()
	if !rows.Next() {
		rows.Close()
		if rows.err != nil {
			return rows.err
		}
		return ErrNoRows
	}
	err := rows.Scan(dest...)
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// Err returns the query's error, if it failed before any row was read.
func (r *Row) Err() error { return r.err }

// OnClose is Rows.OnClose for the row's result: f is called once the result is released,
// which Scan does; if the query failed (Err is not nil) or the result is already released, f
// is called at once.
func (r *Row) OnClose(f func()) {
	if r.err != nil {
		f()
		return
	}
	r.result().OnClose(f)
}

// ErrRow returns a Row whose Scan and Err return err. Layers above a Conn (such as a pool) use
// it to return a Row when they fail before any query runs. ErrRow(nil) is a Row without rows:
// its Scan returns ErrNoRows.
func ErrRow(err error) *Row {
	if err == nil {
		err = ErrNoRows
	}
	return &Row{err: err}
}
