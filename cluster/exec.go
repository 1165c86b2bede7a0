package cluster

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/pool"
)

// The calls. Each leases a connection on the host its intent routes to, runs there, and runs
// again, on a fresh connection or another host, only when the statement certainly did not
// run (see rerun).

// run runs fn on a leased connection with the pool's retry rule extended to hosts.
func (cl *Cluster) run(ctx context.Context, in intent, op string, fn func(c *myx.Conn) error) error {
	var ex exclusion
	for attempt := 0; ; attempt++ {
		l, err := cl.acquire(ctx, in, &ex)
		if err != nil {
			return err
		}
		err = fn(l.conn())
		l.done()
		if err == nil || !cl.rerun(ctx, l.h, err, &ex, attempt, op) {
			return err
		}
	}
}

// Exec runs a statement on the writer: the primary (replication mode), the first healthy host
// (failover) or the least busy healthy one (load-balance); see myx.Conn.Exec. A statement that
// failed before anything was sent (myx.SafeToRetry), or that a Galera node refused as not
// ready (1047), runs again on a fresh connection, waiting for a new primary when the host is
// gone (bounded by ctx and Config.FailoverTimeout); one that may have reached the server is
// never run twice: a lost connection is returned as a *myx.ConnError, its outcome unknown.
// Under a Session (WithSession) the session observes the GTID of what the statement committed.
func (cl *Cluster) Exec(ctx context.Context, query string, args ...any) (myx.Result, error) {
	var res myx.Result
	err := cl.run(ctx, toWriter, "exec", func(c *myx.Conn) error {
		var err error
		res, err = c.Exec(ctx, query, args...)
		return err
	})
	return res, err
}

// ExecMany runs myx.Conn.ExecMany on the writer, with Exec's rules.
func (cl *Cluster) ExecMany(ctx context.Context, query string, argRows [][]any) (myx.Result, error) {
	var res myx.Result
	err := cl.run(ctx, toWriter, "execmany", func(c *myx.Conn) error {
		var err error
		res, err = c.ExecMany(ctx, query, argRows)
		return err
	})
	return res, err
}

// CopyFrom loads rows into table on the writer (myx.Conn.CopyFrom), with Exec's rules: only a
// failure before the statement was sent, src untouched, runs again.
func (cl *Cluster) CopyFrom(ctx context.Context, table string, columns []string, src myx.CopyFromSource) (int64, error) {
	var n int64
	err := cl.run(ctx, toWriter, "copyfrom", func(c *myx.Conn) error {
		var err error
		n, err = c.CopyFrom(ctx, table, columns, src)
		return err
	})
	return n, err
}

// Ping checks that the writer answers (COM_PING).
func (cl *Cluster) Ping(ctx context.Context) error {
	return cl.run(ctx, toWriter, "ping", func(c *myx.Conn) error { return c.Ping(ctx) })
}

// Query runs a query on the writer, or, under ReadFromReplica(ctx), where the Reader's Query
// would (see Reader.Query). The connection goes back when the Rows is closed or read to the
// end, so the Rows must be closed. It runs again only when nothing was sent (or a Galera node
// refused it as not ready); a failure once rows flow is Rows.Err's (use Idempotent for reads
// to repeat).
func (cl *Cluster) Query(ctx context.Context, query string, args ...any) (*myx.Rows, error) {
	return cl.query(ctx, readIntent(ctx), query, args)
}

// QueryRow runs a query expected to return at most one row, routed like Query; Scan releases
// the connection and reports every error.
func (cl *Cluster) QueryRow(ctx context.Context, query string, args ...any) *myx.Row {
	return cl.queryRow(ctx, readIntent(ctx), query, args)
}

func (cl *Cluster) query(ctx context.Context, in intent, query string, args []any) (*myx.Rows, error) {
	var ex exclusion
	for attempt := 0; ; attempt++ {
		l, err := cl.acquire(ctx, in, &ex)
		if err != nil {
			return nil, err
		}
		rows, err := l.conn().Query(ctx, l.statement(ctx, query), args...)
		if err != nil {
			l.done()
			if cl.rerun(ctx, l.h, err, &ex, attempt, "query") {
				continue
			}
			return nil, err
		}
		rows.OnClose(l.done)
		return rows, nil
	}
}

func (cl *Cluster) queryRow(ctx context.Context, in intent, query string, args []any) *myx.Row {
	var ex exclusion
	for attempt := 0; ; attempt++ {
		l, err := cl.acquire(ctx, in, &ex)
		if err != nil {
			return myx.ErrRow(err)
		}
		row := l.conn().QueryRow(ctx, l.statement(ctx, query), args...)
		if err := row.Err(); err != nil {
			l.done()
			if cl.rerun(ctx, l.h, err, &ex, attempt, "query") {
				continue
			}
			return row
		}
		row.OnClose(l.done)
		return row
	}
}

// Idempotent runs fn on a connection to the writer, or, under ReadFromReplica(ctx), to a fit
// replica (see Reader.Idempotent). Calling it is the caller's promise that fn may run more
// than once: when the connection is lost during fn (pool.ConnLost) it runs again, on another
// host for a read on a replica (the host that failed is left out for the rest of the call),
// after a short jittered backoff, up to Pool.IdempotentAttempts times in all; a Galera node's
// 1047 sends it elsewhere too. fn must close every Rows it opens.
func (cl *Cluster) Idempotent(ctx context.Context, fn func(c *myx.Conn) error) error {
	return cl.idempotent(ctx, readIntent(ctx), fn)
}

func (cl *Cluster) idempotent(ctx context.Context, in intent, fn func(c *myx.Conn) error) error {
	attempts := cl.hosts[0].pool.Config().IdempotentAttempts
	delay := 10 * time.Millisecond
	var ex exclusion
	for attempt := 1; ; attempt++ {
		l, err := cl.acquire(ctx, in, &ex)
		if err != nil {
			return err
		}
		err = fn(l.conn())
		l.done()
		if err == nil || attempt >= attempts || ctx.Err() != nil {
			return err
		}
		switch {
		case notReady(err):
			cl.markNotReady(l.h, err)
		case pool.ConnLost(err):
			cl.suspect(l.h)
			t := time.NewTimer(delay/2 + rand.N(delay/2+1))
			select {
			case <-ctx.Done():
				t.Stop()
				return err
			case <-t.C:
			}
			delay = min(2*delay, time.Second)
		default:
			return err
		}
		ex.add(l.h)
		if cl.retry != nil {
			cl.retry.TraceRetry(ctx, myx.TraceRetryData{Op: "idempotent", Attempt: attempt + 1, Err: err})
		}
	}
}

// SendBatch sends a batch to the writer (pipelining; see pool.Pool.SendBatch): Close must be
// called. A batch that failed before any statement was sent goes again, whole, to a fresh
// connection or the new primary; once a statement may have been sent nothing is sent again.
func (cl *Cluster) SendBatch(ctx context.Context, b *myx.Batch) *myx.BatchResults {
	var ex exclusion
	for attempt := 0; ; attempt++ {
		l, err := cl.acquire(ctx, toWriter, &ex)
		if err != nil {
			return myx.ErrBatchResults(err)
		}
		n := b.Len()
		br := l.conn().SendBatch(ctx, b)
		released := false
		br.OnClose(func() {
			released = true
			l.done()
		})
		if !released {
			return br
		}
		err = br.Close()
		if b.Len() == n && cl.rerun(ctx, l.h, err, &ex, attempt, "batch") {
			continue
		}
		return br
	}
}

// Conn is a connection acquired from one host of a cluster, for the caller's exclusive use
// until Release.
type Conn struct {
	l *lease
}

// Acquire leases a connection on the writer; see pool.Pool.Acquire. It must be released.
// Under a Session, Release observes what the connection committed.
func (cl *Cluster) Acquire(ctx context.Context) (*Conn, error) {
	return cl.acquireConn(ctx, toWriter)
}

func (cl *Cluster) acquireConn(ctx context.Context, in intent) (*Conn, error) {
	var ex exclusion
	l, err := cl.acquire(ctx, in, &ex)
	if err != nil {
		return nil, err
	}
	return &Conn{l: l}, nil
}

// AcquireFunc acquires a connection on the writer, calls fn with it and releases it; it
// returns fn's error or the acquire's.
func (cl *Cluster) AcquireFunc(ctx context.Context, fn func(c *myx.Conn) error) error {
	return cl.acquireFunc(ctx, toWriter, fn)
}

func (cl *Cluster) acquireFunc(ctx context.Context, in intent, fn func(c *myx.Conn) error) error {
	c, err := cl.acquireConn(ctx, in)
	if err != nil {
		return err
	}
	defer c.Release()
	return fn(c.Conn())
}

// Conn returns the underlying connection, or nil after Release.
func (c *Conn) Conn() *myx.Conn {
	if c.l == nil {
		return nil
	}
	return c.l.conn()
}

// Addr returns the address of the host the connection is to, as configured.
func (c *Conn) Addr() string {
	if c.l == nil {
		return ""
	}
	return c.l.h.addr
}

// Release gives the connection back to its host's pool (see pool.Conn.Release). Releasing
// twice is harmless.
func (c *Conn) Release() {
	if l := c.l; l != nil {
		c.l = nil
		l.done()
	}
}
