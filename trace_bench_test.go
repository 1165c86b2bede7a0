package myx_test

import (
	"context"
	"testing"

	"github.com/myxdb/myx"
)

// nopTracer implements every tracer interface and does nothing: what tracing costs the
// library itself, apart from what a real tracer does.
type nopTracer struct{}

func (nopTracer) TraceQueryStart(ctx context.Context, _ *myx.Conn, _ myx.TraceQueryStartData) context.Context {
	return ctx
}
func (nopTracer) TraceQueryEnd(context.Context, *myx.Conn, myx.TraceQueryEndData) {}
func (nopTracer) TracePrepareStart(ctx context.Context, _ *myx.Conn, _ myx.TracePrepareStartData) context.Context {
	return ctx
}
func (nopTracer) TracePrepareEnd(context.Context, *myx.Conn, myx.TracePrepareEndData) {}
func (nopTracer) TraceCancel(context.Context, *myx.Conn, myx.TraceCancelData)         {}

// nopDeferTracer is nopTracer with its TraceQueryStart deferred (myx.QueryStartDeferrer).
type nopDeferTracer struct{ nopTracer }

func (nopDeferTracer) DeferQueryStart() bool { return true }

// BenchmarkTracePoint runs a cached point query (QueryRow + Scan) without a tracer, with a
// tracer that does nothing, with the statement's description given by the context (as
// sqlb does), and with the tracer's TraceQueryStart deferred.
func BenchmarkTracePoint(b *testing.B) {
	for _, bc := range []struct {
		name   string
		tracer any
		info   bool
	}{
		{"none", nil, false},
		{"nop", nopTracer{}, false},
		{"nop+info", nopTracer{}, true},
		{"nop-deferred", nopDeferTracer{}, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := connect(b, func(cfg *myx.Config) { cfg.Tracer = bc.tracer })
			ctx := context.Background()
			var v int64
			for i := range b.N + 100 {
				if i == 100 {
					b.ReportAllocs()
					b.ResetTimer()
				}
				qctx := ctx
				if bc.info {
					qctx = myx.WithStatementInfo(ctx, myx.StatementInfo{Operation: "SELECT", Summary: "SELECT"})
				}
				if err := c.QueryRow(qctx, "SELECT ? + 0", int64(i)+1000).Scan(&v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
