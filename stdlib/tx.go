package stdlib

import (
	"context"
	"database/sql/driver"

	"github.com/myxdb/myx"
)

// tx is a transaction started by BeginTx.
type tx struct {
	mt  myx.Tx
	mc  *myx.Conn
	ctx context.Context // BeginTx's context
}

var _ driver.Tx = (*tx)(nil)

// Commit commits under BeginTx's context. When the connection fails after COMMIT was sent, the
// error wraps myx.ErrCommitUnknown: the transaction may or may not have committed.
func (t *tx) Commit() error {
	return t.mt.Commit(t.ctx)
}

// Rollback rolls back. It ignores the cancellation of BeginTx's context, since database/sql
// calls it precisely when that context ends. On a connection already closed (lost, or
// discarded by rejectReadOnly) the server has rolled the transaction back, and Rollback
// reports myx.ErrConnClosed, as go-sql-driver reports its ErrInvalidConn.
func (t *tx) Rollback() error {
	if t.mc.IsClosed() {
		t.mt.Rollback(context.WithoutCancel(t.ctx)) // marks the transaction done
		return myx.ErrConnClosed
	}
	return t.mt.Rollback(context.WithoutCancel(t.ctx))
}
