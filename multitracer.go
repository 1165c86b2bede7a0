package myx

// MultiTracer: several tracers as one.

import "context"

// MultiTracer is a Config.Tracer made of several tracers: each of its methods calls the
// elements that implement the matching interface, in order. The contexts chain: each Start is
// given the context the previous element's Start returned, and every End is given the last
// one, so a context value (a span) put in by any element reaches them all. Elements that are
// nil or implement none of the interfaces are skipped. A MultiTracer implements every tracer
// interface of this package, so it is also a way to extend one (the pool package's
// MultiTracer embeds it); it must not be modified while connections use it.
type MultiTracer []any

// TraceQueryStart calls TraceQueryStart of each element that has it.
func (m MultiTracer) TraceQueryStart(ctx context.Context, c *Conn, data TraceQueryStartData) context.Context {
	for _, t := range m {
		if t, ok := t.(QueryTracer); ok {
			ctx = keepCtx(ctx, t.TraceQueryStart(ctx, c, data))
		}
	}
	return ctx
}

// DeferQueryStart implements QueryStartDeferrer: TraceQueryStart may be deferred when every
// element that is a QueryTracer allows it.
func (m MultiTracer) DeferQueryStart() bool {
	n := 0
	for _, t := range m {
		if _, ok := t.(QueryTracer); !ok {
			continue
		}
		if d, ok := t.(QueryStartDeferrer); !ok || !d.DeferQueryStart() {
			return false
		}
		n++
	}
	return n > 0
}

// TraceQueryEnd calls TraceQueryEnd of each element that has it.
func (m MultiTracer) TraceQueryEnd(ctx context.Context, c *Conn, data TraceQueryEndData) {
	for _, t := range m {
		if t, ok := t.(QueryTracer); ok {
			t.TraceQueryEnd(ctx, c, data)
		}
	}
}

// TraceBatchStart calls TraceBatchStart of each element that has it.
func (m MultiTracer) TraceBatchStart(ctx context.Context, c *Conn, data TraceBatchStartData) context.Context {
	for _, t := range m {
		if t, ok := t.(BatchTracer); ok {
			ctx = keepCtx(ctx, t.TraceBatchStart(ctx, c, data))
		}
	}
	return ctx
}

// TraceBatchQuery calls TraceBatchQuery of each element that has it.
func (m MultiTracer) TraceBatchQuery(ctx context.Context, c *Conn, data TraceBatchQueryData) {
	for _, t := range m {
		if t, ok := t.(BatchTracer); ok {
			t.TraceBatchQuery(ctx, c, data)
		}
	}
}

// TraceBatchEnd calls TraceBatchEnd of each element that has it.
func (m MultiTracer) TraceBatchEnd(ctx context.Context, c *Conn, data TraceBatchEndData) {
	for _, t := range m {
		if t, ok := t.(BatchTracer); ok {
			t.TraceBatchEnd(ctx, c, data)
		}
	}
}

// TraceCopyFromStart calls TraceCopyFromStart of each element that has it.
func (m MultiTracer) TraceCopyFromStart(ctx context.Context, c *Conn, data TraceCopyFromStartData) context.Context {
	for _, t := range m {
		if t, ok := t.(CopyFromTracer); ok {
			ctx = keepCtx(ctx, t.TraceCopyFromStart(ctx, c, data))
		}
	}
	return ctx
}

// TraceCopyFromEnd calls TraceCopyFromEnd of each element that has it.
func (m MultiTracer) TraceCopyFromEnd(ctx context.Context, c *Conn, data TraceCopyFromEndData) {
	for _, t := range m {
		if t, ok := t.(CopyFromTracer); ok {
			t.TraceCopyFromEnd(ctx, c, data)
		}
	}
}

// TraceExecManyStart calls TraceExecManyStart of each element that has it.
func (m MultiTracer) TraceExecManyStart(ctx context.Context, c *Conn, data TraceExecManyStartData) context.Context {
	for _, t := range m {
		if t, ok := t.(ExecManyTracer); ok {
			ctx = keepCtx(ctx, t.TraceExecManyStart(ctx, c, data))
		}
	}
	return ctx
}

// TraceExecManyEnd calls TraceExecManyEnd of each element that has it.
func (m MultiTracer) TraceExecManyEnd(ctx context.Context, c *Conn, data TraceExecManyEndData) {
	for _, t := range m {
		if t, ok := t.(ExecManyTracer); ok {
			t.TraceExecManyEnd(ctx, c, data)
		}
	}
}

// TracePrepareStart calls TracePrepareStart of each element that has it.
func (m MultiTracer) TracePrepareStart(ctx context.Context, c *Conn, data TracePrepareStartData) context.Context {
	for _, t := range m {
		if t, ok := t.(PrepareTracer); ok {
			ctx = keepCtx(ctx, t.TracePrepareStart(ctx, c, data))
		}
	}
	return ctx
}

// TracePrepareEnd calls TracePrepareEnd of each element that has it.
func (m MultiTracer) TracePrepareEnd(ctx context.Context, c *Conn, data TracePrepareEndData) {
	for _, t := range m {
		if t, ok := t.(PrepareTracer); ok {
			t.TracePrepareEnd(ctx, c, data)
		}
	}
}

// TraceConnectStart calls TraceConnectStart of each element that has it.
func (m MultiTracer) TraceConnectStart(ctx context.Context, data TraceConnectStartData) context.Context {
	for _, t := range m {
		if t, ok := t.(ConnectTracer); ok {
			ctx = keepCtx(ctx, t.TraceConnectStart(ctx, data))
		}
	}
	return ctx
}

// TraceConnectEnd calls TraceConnectEnd of each element that has it.
func (m MultiTracer) TraceConnectEnd(ctx context.Context, data TraceConnectEndData) {
	for _, t := range m {
		if t, ok := t.(ConnectTracer); ok {
			t.TraceConnectEnd(ctx, data)
		}
	}
}

// TraceCancel calls TraceCancel of each element that has it.
func (m MultiTracer) TraceCancel(ctx context.Context, c *Conn, data TraceCancelData) {
	for _, t := range m {
		if t, ok := t.(CancelTracer); ok {
			t.TraceCancel(ctx, c, data)
		}
	}
}

// TraceResetStart calls TraceResetStart of each element that has it.
func (m MultiTracer) TraceResetStart(ctx context.Context, c *Conn) context.Context {
	for _, t := range m {
		if t, ok := t.(ResetTracer); ok {
			ctx = keepCtx(ctx, t.TraceResetStart(ctx, c))
		}
	}
	return ctx
}

// TraceResetEnd calls TraceResetEnd of each element that has it.
func (m MultiTracer) TraceResetEnd(ctx context.Context, c *Conn, data TraceResetEndData) {
	for _, t := range m {
		if t, ok := t.(ResetTracer); ok {
			t.TraceResetEnd(ctx, c, data)
		}
	}
}

// TraceRetry calls TraceRetry of each element that has it.
func (m MultiTracer) TraceRetry(ctx context.Context, data TraceRetryData) {
	for _, t := range m {
		if t, ok := t.(RetryTracer); ok {
			t.TraceRetry(ctx, data)
		}
	}
}

// keepCtx is the context a Start returned, or the one it was given when it returned nil.
func keepCtx(ctx, got context.Context) context.Context {
	if got == nil {
		return ctx
	}
	return got
}

// The interfaces a MultiTracer implements.
var (
	_ QueryTracer    = MultiTracer(nil)
	_ BatchTracer    = MultiTracer(nil)
	_ CopyFromTracer = MultiTracer(nil)
	_ ExecManyTracer = MultiTracer(nil)
	_ PrepareTracer  = MultiTracer(nil)
	_ ConnectTracer  = MultiTracer(nil)
	_ CancelTracer   = MultiTracer(nil)
	_ ResetTracer    = MultiTracer(nil)
	_ RetryTracer    = MultiTracer(nil)
)
