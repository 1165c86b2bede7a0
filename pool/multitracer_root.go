package pool

import (
	"context"

	"github.com/myxdb/myx"
)

// A MultiTracer has every method of a myx.MultiTracer, which it calls: it is usable wherever
// a myx.MultiTracer is, ConnConfig.Tracer included.
var (
	_ myx.QueryTracer    = MultiTracer(nil)
	_ myx.BatchTracer    = MultiTracer(nil)
	_ myx.CopyFromTracer = MultiTracer(nil)
	_ myx.ExecManyTracer = MultiTracer(nil)
	_ myx.PrepareTracer  = MultiTracer(nil)
	_ myx.ConnectTracer  = MultiTracer(nil)
	_ myx.CancelTracer   = MultiTracer(nil)
	_ myx.ResetTracer    = MultiTracer(nil)
	_ myx.RetryTracer    = MultiTracer(nil)
	_ AcquireTracer      = MultiTracer(nil)
	_ ReleaseTracer      = MultiTracer(nil)
)

// TraceQueryStart calls TraceQueryStart of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceQueryStart(ctx context.Context, c *myx.Conn, data myx.TraceQueryStartData) context.Context {
	return myx.MultiTracer(m).TraceQueryStart(ctx, c, data)
}

// DeferQueryStart implements myx.QueryStartDeferrer (see myx.MultiTracer).
func (m MultiTracer) DeferQueryStart() bool { return myx.MultiTracer(m).DeferQueryStart() }

// TraceQueryEnd calls TraceQueryEnd of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceQueryEnd(ctx context.Context, c *myx.Conn, data myx.TraceQueryEndData) {
	myx.MultiTracer(m).TraceQueryEnd(ctx, c, data)
}

// TraceBatchStart calls TraceBatchStart of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceBatchStart(ctx context.Context, c *myx.Conn, data myx.TraceBatchStartData) context.Context {
	return myx.MultiTracer(m).TraceBatchStart(ctx, c, data)
}

// TraceBatchQuery calls TraceBatchQuery of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceBatchQuery(ctx context.Context, c *myx.Conn, data myx.TraceBatchQueryData) {
	myx.MultiTracer(m).TraceBatchQuery(ctx, c, data)
}

// TraceBatchEnd calls TraceBatchEnd of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceBatchEnd(ctx context.Context, c *myx.Conn, data myx.TraceBatchEndData) {
	myx.MultiTracer(m).TraceBatchEnd(ctx, c, data)
}

// TraceCopyFromStart calls TraceCopyFromStart of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceCopyFromStart(ctx context.Context, c *myx.Conn, data myx.TraceCopyFromStartData) context.Context {
	return myx.MultiTracer(m).TraceCopyFromStart(ctx, c, data)
}

// TraceCopyFromEnd calls TraceCopyFromEnd of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceCopyFromEnd(ctx context.Context, c *myx.Conn, data myx.TraceCopyFromEndData) {
	myx.MultiTracer(m).TraceCopyFromEnd(ctx, c, data)
}

// TraceExecManyStart calls TraceExecManyStart of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceExecManyStart(ctx context.Context, c *myx.Conn, data myx.TraceExecManyStartData) context.Context {
	return myx.MultiTracer(m).TraceExecManyStart(ctx, c, data)
}

// TraceExecManyEnd calls TraceExecManyEnd of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceExecManyEnd(ctx context.Context, c *myx.Conn, data myx.TraceExecManyEndData) {
	myx.MultiTracer(m).TraceExecManyEnd(ctx, c, data)
}

// TracePrepareStart calls TracePrepareStart of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TracePrepareStart(ctx context.Context, c *myx.Conn, data myx.TracePrepareStartData) context.Context {
	return myx.MultiTracer(m).TracePrepareStart(ctx, c, data)
}

// TracePrepareEnd calls TracePrepareEnd of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TracePrepareEnd(ctx context.Context, c *myx.Conn, data myx.TracePrepareEndData) {
	myx.MultiTracer(m).TracePrepareEnd(ctx, c, data)
}

// TraceConnectStart calls TraceConnectStart of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceConnectStart(ctx context.Context, data myx.TraceConnectStartData) context.Context {
	return myx.MultiTracer(m).TraceConnectStart(ctx, data)
}

// TraceConnectEnd calls TraceConnectEnd of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceConnectEnd(ctx context.Context, data myx.TraceConnectEndData) {
	myx.MultiTracer(m).TraceConnectEnd(ctx, data)
}

// TraceCancel calls TraceCancel of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceCancel(ctx context.Context, c *myx.Conn, data myx.TraceCancelData) {
	myx.MultiTracer(m).TraceCancel(ctx, c, data)
}

// TraceResetStart calls TraceResetStart of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceResetStart(ctx context.Context, c *myx.Conn) context.Context {
	return myx.MultiTracer(m).TraceResetStart(ctx, c)
}

// TraceResetEnd calls TraceResetEnd of each member that has it (see myx.MultiTracer).
func (m MultiTracer) TraceResetEnd(ctx context.Context, c *myx.Conn, data myx.TraceResetEndData) {
	myx.MultiTracer(m).TraceResetEnd(ctx, c, data)
}
