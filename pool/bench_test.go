package pool

import (
	"context"
	"testing"
)

// nopTracer is a pool tracer that does nothing, to measure the cost of the tracing calls.
type nopTracer struct{}

func (nopTracer) TraceAcquireStart(ctx context.Context, _ *Pool, _ TraceAcquireStartData) context.Context {
	return ctx
}
func (nopTracer) TraceAcquireEnd(context.Context, *Pool, TraceAcquireEndData) {}
func (nopTracer) TraceRelease(context.Context, *Pool, TraceReleaseData)       {}

func benchTracers() []struct {
	name   string
	tracer any
} {
	return []struct {
		name   string
		tracer any
	}{{"untraced", nil}, {"nop-tracer", nopTracer{}}}
}

// BenchmarkAcquireRelease: Acquire and Release of an idle connection, no I/O.
func BenchmarkAcquireRelease(b *testing.B) {
	for _, tc := range benchTracers() {
		b.Run(tc.name, func(b *testing.B) {
			p := newPool(b, nil, func(c *Config) { c.MaxConns = 1; c.Tracer = tc.tracer })
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				c, err := p.Acquire(ctx)
				if err != nil {
					b.Fatal(err)
				}
				c.Release()
			}
		})
	}
}

// BenchmarkPoolQueryRow: a point query through the pool, one goroutine.
func BenchmarkPoolQueryRow(b *testing.B) {
	for _, tc := range benchTracers() {
		b.Run(tc.name, func(b *testing.B) {
			p := newPool(b, nil, func(c *Config) { c.MaxConns = 1; c.Tracer = tc.tracer })
			ctx := context.Background()
			var n int
			b.ReportAllocs()
			for b.Loop() {
				if err := p.QueryRow(ctx, "SELECT ?", 7).Scan(&n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
