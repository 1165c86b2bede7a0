package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/bench"
	"github.com/myxdb/myx/otelmyx"
	"github.com/myxdb/myx/pool"
)

// The cost of tracing: the point workload on one connection and the pool workload, traced by
// otelmyx under a recording span (the OpenTelemetry SDK with otelmyx.NewBatchSpanProcessor
// and an exporter that discards, and a meter provider with a reader, as an application would
// have them), against the same untraced, alternating. In these rows the second column is myx
// untraced, not go-sql-driver, and the ratio is traced / untraced (the target is at least
// 0.9).
func init() {
	prev := extraWorkloads
	extraWorkloads = func(ctx context.Context, db *sql.DB) []workload {
		ws := prev(ctx, db)
		fail := func(err error) {
			fmt.Fprintln(os.Stderr, "traced:", err)
			os.Exit(1)
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(otelmyx.NewBatchSpanProcessor(tracetest.NewNoopExporter())))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		tr := otelmyx.NewTracer(otelmyx.WithTracerProvider(tp), otelmyx.WithMeterProvider(mp))
		// The parent of every traced statement, never ended (the program exits).
		_, parent := tp.Tracer("compare").Start(context.Background(), "request")
		traced := func(ctx context.Context) context.Context { return trace.ContextWithSpan(ctx, parent) }

		cfg, err := myx.ParseConfig(bench.DSN())
		if err != nil {
			fail(err)
		}
		cfg.Tracer = tr
		tconn, err := myx.ConnectConfig(ctx, cfg)
		if err != nil {
			fail(err)
		}
		conn, err := myx.Connect(ctx, bench.DSN())
		if err != nil {
			fail(err)
		}
		pcfg, err := pool.ParseConfig(bench.DSN())
		if err != nil {
			fail(err)
		}
		pcfg.MaxConns, pcfg.Tracer = bench.PoolConns, tr // the pool's connections take it too
		tpool, err := pool.NewWithConfig(ctx, pcfg)
		if err != nil {
			fail(err)
		}
		plain, err := bench.PoolOpenMyx(ctx, bench.PoolConns)
		if err != nil {
			fail(err)
		}
		// All stay open until the program exits.
		pointN, poolN := size(bench.PointN), size(bench.PoolN)
		return append(ws,
			workload{"point-traced", "queries/s (second column: myx untraced)",
				func(ctx context.Context) (int, error) { return pointN, bench.MyxPoint(traced(ctx), tconn, pointN) },
				func(ctx context.Context) (int, error) { return pointN, bench.MyxPoint(ctx, conn, pointN) }},
			workload{"pool-traced", "queries/s (second column: myx untraced)",
				func(ctx context.Context) (int, error) {
					return poolN, bench.PoolMyx(traced(ctx), tpool, poolN, bench.PoolWorkers)
				},
				func(ctx context.Context) (int, error) {
					return poolN, bench.PoolMyx(ctx, plain, poolN, bench.PoolWorkers)
				}})
	}
}
