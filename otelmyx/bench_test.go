package otelmyx_test

// The cost of tracing, side by side: the point query (one row by primary key, QueryRow and
// Scan) on one connection and through a pool, untraced and with the OpenTelemetry tracer under
// a recording parent span (the SDK with a batching span processor and a discarding exporter,
// and a meter provider with a reader, as an application would have them).
//
//	go test -run '^$' -bench Point -benchmem -count 5 ./
//
// Compare the ns/op of .../untraced and .../otel of the same target.

import (
	"context"
	"fmt"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/otelmyx"
)

const benchRows = 1000

// benchTable creates a table of benchRows rows for the point query and returns its query.
func benchTable(b *testing.B) string {
	b.Helper()
	ctx := context.Background()
	c := connect(b, nil)
	table := tableName("otelmyx_bench")
	if _, err := c.Exec(ctx, "CREATE TABLE "+table+" (id INT PRIMARY KEY, name VARCHAR(64), score DOUBLE)"); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if _, err := c.Exec(context.Background(), "DROP TABLE "+table); err != nil {
			b.Error(err)
		}
	})
	if _, err := c.Exec(ctx, "INSERT INTO "+table+" SELECT seq, CONCAT('name ', seq), seq / 7 FROM seq_0_to_"+fmt.Sprint(benchRows-1)); err != nil {
		b.Fatal(err)
	}
	return "SELECT id, name, score FROM " + table + " WHERE id = ?"
}

// benchTracer is an otelmyx.Tracer on an SDK set up as in production, and a context holding
// a recording parent span.
func benchTracer(b *testing.B) (*otelmyx.Tracer, context.Context) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	ctx, span := tp.Tracer("bench").Start(context.Background(), "request")
	b.Cleanup(func() { span.End() })
	return otelmyx.NewTracer(otelmyx.WithTracerProvider(tp), otelmyx.WithMeterProvider(mp)), ctx
}

type queryRower interface {
	QueryRow(ctx context.Context, query string, args ...any) *myx.Row
}

func runPoint(b *testing.B, ctx context.Context, q queryRower, query string) {
	var (
		id    int
		name  string
		score float64
	)
	for i := range 100 { // warm the statement cache and the connection
		if err := q.QueryRow(ctx, query, i%benchRows).Scan(&id, &name, &score); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		want := (i * 7919) % benchRows
		if err := q.QueryRow(ctx, query, want).Scan(&id, &name, &score); err != nil {
			b.Fatal(err)
		}
		if id != want {
			b.Fatalf("got id %d for %d", id, want)
		}
	}
}

func BenchmarkPoint(b *testing.B) {
	query := benchTable(b)
	b.Run("conn/untraced", func(b *testing.B) {
		runPoint(b, context.Background(), connect(b, nil), query)
	})
	b.Run("conn/otel", func(b *testing.B) {
		tr, ctx := benchTracer(b)
		runPoint(b, ctx, connect(b, tr), query)
	})
	b.Run("pool/untraced", func(b *testing.B) {
		runPoint(b, context.Background(), newPool(b, nil, 4), query)
	})
	b.Run("pool/otel", func(b *testing.B) {
		tr, ctx := benchTracer(b)
		runPoint(b, ctx, newPool(b, tr, 4), query)
	})
}

// BenchmarkTracerCost is the Tracer's own cost per statement, without the server: the Start
// and End a traced point query makes (a span under a recording parent, and the metrics), and
// the same with no parent (metrics only).
func BenchmarkTracerCost(b *testing.B) {
	c := connect(b, nil)
	info := myx.StatementInfo{Operation: "SELECT", Collection: "t", Summary: "SELECT t"}
	start := myx.TraceQueryStartData{SQL: "SELECT id, name, score FROM t WHERE id = ?", Args: []any{1}, Statement: info}
	end := myx.TraceQueryEndData{RowsReturned: 1, Cache: myx.CacheHit, RoundTrips: 1, BytesSent: 40, BytesRead: 120}
	b.Run("span", func(b *testing.B) {
		tr, ctx := benchTracer(b)
		b.ReportAllocs()
		for b.Loop() {
			tr.TraceQueryEnd(tr.TraceQueryStart(ctx, c, start), c, end)
		}
	})
	b.Run("noparent", func(b *testing.B) {
		tr, _ := benchTracer(b)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			tr.TraceQueryEnd(tr.TraceQueryStart(ctx, c, start), c, end)
		}
	})
}
