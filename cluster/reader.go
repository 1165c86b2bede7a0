package cluster

import (
	"context"

	"github.com/myxdb/myx"
)

// Reader routes reads to replicas. Get one with Cluster.Reader; it is safe for concurrent use
// and costs nothing to keep.
//
// In replication mode a read goes to a fit replica: healthy, not denied, lag known and within
// Config.LagLimit; among fit replicas to the one with the least work in flight, ties taken in
// turn. Under a Session (WithSession) a replica known to have applied the session's position
// is preferred; otherwise the read waits on the replica for it, up to
// Config.ReadYourWritesWait, and goes to the primary when it does not come. With no replica
// fit, reads go to the primary. In the other modes, reads go where writes go.
type Reader struct {
	cl *Cluster
}

// Reader returns the cluster's Reader.
func (cl *Cluster) Reader() *Reader { return &Reader{cl: cl} }

// Query runs a query on a replica (see the type's documentation), with Cluster.Query's rules.
func (r *Reader) Query(ctx context.Context, query string, args ...any) (*myx.Rows, error) {
	return r.cl.query(ctx, toReader, query, args)
}

// QueryRow runs a query expected to return at most one row on a replica; Scan releases the
// connection and reports every error.
func (r *Reader) QueryRow(ctx context.Context, query string, args ...any) *myx.Row {
	return r.cl.queryRow(ctx, toReader, query, args)
}

// Idempotent runs fn on a replica with Cluster.Idempotent's rules: when the connection is
// lost, fn runs again on another fit replica (or the primary).
func (r *Reader) Idempotent(ctx context.Context, fn func(c *myx.Conn) error) error {
	return r.cl.idempotent(ctx, toReader, fn)
}

// Acquire leases a connection on a replica (or the primary when none is fit); it must be
// released. Conn.Addr tells which host it is.
func (r *Reader) Acquire(ctx context.Context) (*Conn, error) {
	return r.cl.acquireConn(ctx, toReader)
}

// AcquireFunc acquires a connection on a replica, calls fn with it and releases it.
func (r *Reader) AcquireFunc(ctx context.Context, fn func(c *myx.Conn) error) error {
	return r.cl.acquireFunc(ctx, toReader, fn)
}
