package pool

import (
	"context"

	"github.com/myxdb/myx"
)

// SendBatch acquires a connection and sends the batch on it (pipelining, see
// myx.Conn.SendBatch): the statements are written ahead of the replies, so the whole batch
// costs about one round trip. The connection stays with the returned BatchResults until its
// Close (or a failure that ends the batch early) and then goes back to the pool, so Close must
// be called, as a Rows must be closed: a BatchResults that is never closed keeps its connection
// out of the pool for good, and with every connection so held the next acquire waits until its
// context ends. A Rows returned by the BatchResults must not be used after Close.
//
// Retries follow the pool's rule: a batch that failed before any of its statements was sent (a
// connection the server had closed, found on write: myx.SafeToRetry) is sent again, whole, on
// another connection; once a statement may have reached the server nothing is sent again, and
// each statement's reply reports what happened to it (a lost connection ends the batch: the
// statements whose replies were not read report the error, as does Close). A connection that
// failed during the batch, or that a cancelled context left in an unknown state, is closed
// instead of being reused; one whose statements merely failed (a duplicate key, say) goes back
// to the pool.
//
// An error getting a connection (ErrClosed, a *myx.InterruptedError when ctx ends, a dial
// error) is reported by every method of the BatchResults, Close included. SendBatch empties b
// (see myx.Conn.SendBatch).
func (p *Pool) SendBatch(ctx context.Context, b *myx.Batch) *myx.BatchResults {
	for attempt := 0; ; attempt++ {
		e, err := p.acquire(ctx)
		if err != nil {
			return myx.ErrBatchResults(err)
		}
		n := b.Len()
		br := e.c.SendBatch(ctx, b)
		released := false
		br.OnClose(func() {
			released = true
			p.put(e, true)
		})
		if !released {
			return br
		}
		// The batch ended inside SendBatch: it failed before anything could be read. When
		// nothing was sent, b has its statements back and goes to another connection.
		err = br.Close()
		if b.Len() == n && myx.SafeToRetry(err) && attempt < p.safeRetries() {
			p.traceRetry(ctx, "batch", attempt+2, err)
			continue
		}
		return br
	}
}

// CopyFrom acquires a connection, loads the rows into table with myx.Conn.CopyFrom (LOAD DATA
// LOCAL INFILE streamed from memory) and releases the connection. It returns the number of
// rows loaded.
//
// It retries like Exec: only a failure before the statement was sent, when the server has not
// asked for any row yet (src is untouched then), runs again on another connection. A failure
// of src part way closes the connection (the server aborts the statement and keeps none of its
// rows); that connection is not reused.
func (p *Pool) CopyFrom(ctx context.Context, table string, columns []string, src myx.CopyFromSource) (int64, error) {
	for attempt := 0; ; attempt++ {
		e, err := p.acquire(ctx)
		if err != nil {
			return 0, err
		}
		n, err := e.c.CopyFrom(ctx, table, columns, src)
		p.put(e, true)
		if err == nil || !myx.SafeToRetry(err) || attempt >= p.safeRetries() {
			return n, err
		}
		p.traceRetry(ctx, "copyfrom", attempt+2, err)
	}
}
