package otelmyx_test

// The cost of tracing, side by side: the point query (one row by primary key, QueryRow and
// Scan) on one connection and through a pool, untraced and with the OpenTelemetry tracer under
// a recording parent span (the SDK with a batching span processor and a discarding exporter,
// and a meter provider with a reader, as an application would have them).
//
//	go test -run '^$' -bench Point -benchmem -count 5 ./
//
// Compare the ns/op of .../untraced and .../otel of the same target, or, on a busy machine,
// BenchmarkPointInterleaved's median-ratio and its CPU times. BenchmarkTracerCost needs no
// table: the Tracer's calls alone against the SDK's; its instruction counts (valgrind
// --tool=callgrind on the test binary, two runs of different -test.benchtime=Nx, the
// difference divided by the difference of N) do not depend on the load.

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/otelmyx"
	"github.com/myxdb/myx/pool"
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

// discard is a span processor that drops every span: the cost of the tracer and the SDK's
// spans without an export pipeline.
type discard struct{}

func (discard) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (discard) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (discard) Shutdown(context.Context) error                  { return nil }
func (discard) ForceFlush(context.Context) error                { return nil }

// benchTracer is an otelmyx.Tracer on an SDK set up as in production (a batching span
// processor with an exporter that discards), and a context holding a recording parent span.
func benchTracer(b *testing.B) (*otelmyx.Tracer, context.Context) {
	return benchTracerWith(b, sdktrace.NewBatchSpanProcessor(tracetest.NewNoopExporter()))
}

// benchTracerWith is benchTracer with the span processor sp and the Tracer's options opts.
func benchTracerWith(b *testing.B, sp sdktrace.SpanProcessor, opts ...otelmyx.Option) (*otelmyx.Tracer, context.Context) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sp))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	ctx, span := tp.Tracer("bench").Start(context.Background(), "request")
	b.Cleanup(func() { span.End() })
	return otelmyx.NewTracer(append([]otelmyx.Option{otelmyx.WithTracerProvider(tp), otelmyx.WithMeterProvider(mp)}, opts...)...), ctx
}

// sdkTracer is a tracer of the SDK with the discarding span processor, and a context holding
// a recording parent span of it, for comparisons with the SDK alone.
func sdkTracer(b *testing.B) (trace.Tracer, context.Context) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(discard{}))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	tracer := tp.Tracer("bench")
	ctx, parent := tracer.Start(context.Background(), "request")
	b.Cleanup(func() { parent.End() })
	return tracer, ctx
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
// and End a traced point query makes (a span under a recording parent, with the discarding
// span processor, and the metrics), the same with no parent (metrics only), and, for
// comparison, a bare SDK span with the same attributes and no metrics (sdkonly) and an empty
// one (sdkempty, the floor: a span of the SDK with no attributes); pool is the acquire and
// release hooks a pooled statement adds (no acquire span: the default).
func BenchmarkTracerCost(b *testing.B) {
	c := connect(b, nil)
	info := myx.StatementInfo{Operation: "SELECT", Collection: "t", Summary: "SELECT t"}
	start := myx.TraceQueryStartData{SQL: "SELECT id, name, score FROM t WHERE id = ?", Args: []any{1}, Statement: info}
	end := myx.TraceQueryEndData{RowsReturned: 1, Cache: myx.CacheHit, RoundTrips: 1, BytesSent: 40, BytesRead: 120}
	b.Run("span", func(b *testing.B) {
		tr, ctx := benchTracerWith(b, discard{})
		b.ReportAllocs()
		for b.Loop() {
			tr.TraceQueryEnd(tr.TraceQueryStart(ctx, c, start), c, end)
		}
	})
	b.Run("span-deferred", func(b *testing.B) {
		// As the connection calls it: after the request is written, dated from before.
		tr, ctx := benchTracerWith(b, discard{})
		late := start
		b.ReportAllocs()
		for b.Loop() {
			late.Start = time.Now()
			tr.TraceQueryEnd(tr.TraceQueryStart(ctx, c, late), c, end)
		}
	})
	b.Run("span-full", func(b *testing.B) {
		tr, ctx := benchTracerWith(b, discard{}, otelmyx.WithIOAttributes(true), otelmyx.WithReturnedRows(true))
		b.ReportAllocs()
		for b.Loop() {
			tr.TraceQueryEnd(tr.TraceQueryStart(ctx, c, start), c, end)
		}
	})
	b.Run("span-batch", func(b *testing.B) {
		tr, ctx := benchTracer(b)
		b.ReportAllocs()
		for b.Loop() {
			tr.TraceQueryEnd(tr.TraceQueryStart(ctx, c, start), c, end)
		}
	})
	b.Run("sdkonly", func(b *testing.B) {
		tracer, ctx := sdkTracer(b)
		b.ReportAllocs()
		for b.Loop() {
			_, s := tracer.Start(ctx, "SELECT t", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
				semconv.DBSystemNameMariaDB, semconv.DBNamespace("test"), semconv.ServerAddress("127.0.0.1"), semconv.ServerPort(3306),
				attribute.Int64("myx.conn.id", 1), semconv.DBQuerySummary("SELECT t"), semconv.DBOperationName("SELECT"),
				semconv.DBCollectionName("t"), semconv.DBQueryText(start.SQL)))
			s.SetAttributes(semconv.DBResponseReturnedRows(1), attribute.Int64("myx.rows_affected", 0), attribute.Int("myx.round_trips", 1),
				attribute.Int64("myx.bytes_sent", 40), attribute.Int64("myx.bytes_read", 120), attribute.String("myx.statement_cache", "hit"))
			s.End()
		}
	})
	b.Run("sdksame", func(b *testing.B) {
		// What the tracer's statement span and measurement cost at best: the same attributes
		// split the same way, options and attribute set made beforehand, straight SDK calls.
		tracer, ctx := sdkTracer(b)
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		defer func() { _ = mp.Shutdown(context.Background()) }()
		hist, err := mp.Meter("bench").Float64Histogram("db.client.operation.duration")
		if err != nil {
			b.Fatal(err)
		}
		conn := []attribute.KeyValue{semconv.DBSystemNameMariaDB, semconv.DBNamespace("test"), semconv.ServerAddress("127.0.0.1"), semconv.ServerPort(3306)}
		stmt := []attribute.KeyValue{semconv.DBQuerySummary("SELECT t"), semconv.DBOperationName("SELECT"), semconv.DBCollectionName("t")}
		startOpts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(append(append(append([]attribute.KeyValue(nil), conn...), stmt...), semconv.DBQueryText(start.SQL))...)}
		recOpts := []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(append(append([]attribute.KeyValue(nil), conn...), stmt...)...))}
		var endKV [6]attribute.KeyValue
		b.ReportAllocs()
		for b.Loop() {
			_, s := tracer.Start(ctx, "SELECT t", startOpts...)
			hist.Record(ctx, 0.0002, recOpts...)
			endKV = [6]attribute.KeyValue{attribute.Int64("myx.conn.id", 1), semconv.DBResponseReturnedRows(1), attribute.Int("myx.round_trips", 1),
				attribute.Int64("myx.bytes_sent", 40), attribute.Int64("myx.bytes_read", 120), attribute.String("myx.statement_cache", "hit")}
			s.SetAttributes(endKV[:]...)
			s.End()
		}
	})
	b.Run("sdkempty", func(b *testing.B) {
		tracer, ctx := sdkTracer(b)
		b.ReportAllocs()
		for b.Loop() {
			_, s := tracer.Start(ctx, "SELECT t")
			s.End()
		}
	})
	b.Run("pool", func(b *testing.B) {
		tr, ctx := benchTracer(b)
		p := newPool(b, nil, 1)
		var acq pool.TraceAcquireStartData
		b.ReportAllocs()
		for b.Loop() {
			actx := tr.TraceAcquireStart(ctx, p, acq)
			tr.TraceAcquireEnd(actx, p, pool.TraceAcquireEndData{Conn: c, Duration: time.Microsecond})
			tr.TraceRelease(ctx, p, pool.TraceReleaseData{Conn: c, Use: 50 * time.Microsecond})
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

// BenchmarkPointInterleaved runs the untraced and the traced point query in alternating
// rounds of 50 (which goes first alternating too), so that both see the same machine load,
// and reports each one's ns/op and client CPU time per query, the throughput ratio
// traced/untraced of the sums (ratio) and the median of each pair of rounds' ratios
// (median-ratio, which a stalled round moves less); 1 means no cost, the goal is at least
// 0.9.
func BenchmarkPointInterleaved(b *testing.B) {
	query := benchTable(b)
	// batch: the SDK's batching span processor, whose goroutine is woken for spans as they
	// end (on a machine short of CPU that hand-off is most of the cost); otelbatch:
	// otelmyx.BatchSpanProcessor, which wakes its goroutine once per batch; discard: no
	// export pipeline, the tracer's and the SDK's span cost alone.
	procs := []struct {
		name string
		make func() sdktrace.SpanProcessor
	}{
		{"batch", func() sdktrace.SpanProcessor { return sdktrace.NewBatchSpanProcessor(tracetest.NewNoopExporter()) }},
		{"otelbatch", func() sdktrace.SpanProcessor { return otelmyx.NewBatchSpanProcessor(tracetest.NewNoopExporter()) }},
		{"discard", func() sdktrace.SpanProcessor { return discard{} }},
	}
	for _, pr := range procs {
		b.Run("conn/"+pr.name, func(b *testing.B) {
			tr, ctx := benchTracerWith(b, pr.make())
			interleave(b, query, connect(b, nil), context.Background(), connect(b, tr), ctx, "untraced", "otel")
		})
		b.Run("pool/"+pr.name, func(b *testing.B) {
			tr, ctx := benchTracerWith(b, pr.make())
			interleave(b, query, newPool(b, nil, 4), context.Background(), newPool(b, tr, 4), ctx, "untraced", "otel")
		})
	}
}

// interleave runs the point query on plain (under pctx) and traced (under tctx) in alternating
// rounds of 50 (which goes first alternating too) and reports each one's ns/op and client CPU
// time per query, named after pname and tname, the throughput ratio traced/plain of the sums
// (ratio) and the median of each pair of rounds' ratios (median-ratio).
func interleave(b *testing.B, query string, plain queryRower, pctx context.Context, traced queryRower, tctx context.Context, pname, tname string) {
	var (
		id    int
		name  string
		score float64
	)
	one := func(ctx context.Context, q queryRower, i int) {
		want := (i * 7919) % benchRows
		if err := q.QueryRow(ctx, query, want).Scan(&id, &name, &score); err != nil {
			b.Fatal(err)
		}
		if id != want {
			b.Fatalf("got id %d for %d", id, want)
		}
	}
	for i := range 100 {
		one(pctx, plain, i)
		one(tctx, traced, i)
	}
	const round = 50
	alternate(b, round, pname, tname,
		func(from int) {
			for i := range round {
				one(pctx, plain, from+i)
			}
		},
		func(from int) {
			for i := range round {
				one(tctx, traced, from+i)
			}
		})
}

// alternate runs plain and traced rounds of round operations (each given the index of its
// first) in turn, which goes first alternating too, until b.N operations of each have run,
// and reports the median of each pair of rounds' throughput ratio traced/plain
// (median-ratio, which a stalled round moves less), the ratio of the sums (ratio), and each
// one's ns/op and client CPU time per operation (user and system, every thread of the test
// process; the server is another process), named after pname and tname.
func alternate(b *testing.B, round int, pname, tname string, plain, traced func(from int)) {
	var tPlain, tTraced, cpuPlain, cpuTraced time.Duration
	timed := func(f func(int), from int, wall, cpu *time.Duration) time.Duration {
		start, startCPU := time.Now(), processCPU(b)
		f(from)
		d := time.Since(start)
		*wall += d
		*cpu += processCPU(b) - startCPU
		return d
	}
	var ratios []float64 // of each pair of rounds
	n := 0
	b.ResetTimer()
	for r := 0; n < b.N; r++ {
		var p, t time.Duration
		if r%2 == 0 {
			p = timed(plain, n, &tPlain, &cpuPlain)
			t = timed(traced, n, &tTraced, &cpuTraced)
		} else {
			t = timed(traced, n, &tTraced, &cpuTraced)
			p = timed(plain, n, &tPlain, &cpuPlain)
		}
		ratios = append(ratios, float64(p)/float64(t))
		n += round
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "median-ratio")
	b.ReportMetric(float64(tPlain.Nanoseconds())/float64(n), pname+"-ns/op")
	b.ReportMetric(float64(tTraced.Nanoseconds())/float64(n), tname+"-ns/op")
	b.ReportMetric(float64(tPlain)/float64(tTraced), "ratio")
	b.ReportMetric(float64(cpuPlain.Nanoseconds())/float64(n), pname+"-cpu-ns/op")
	b.ReportMetric(float64(cpuTraced.Nanoseconds())/float64(n), tname+"-cpu-ns/op")
}

// BenchmarkPoolInterleaved is the CPU-bound pool (16 goroutines sharing 8 connections, as
// bench/cmd/compare's pool workload) untraced and traced (the tracer with
// otelmyx.NewBatchSpanProcessor under a recording parent), in alternating rounds of 1,600
// queries (which goes first alternating too), reporting the median of each pair of rounds'
// throughput ratio traced/untraced (median-ratio; the goal is at least 0.9), the ratio of the
// sums, and each one's client CPU per query. Rounds this short see the same machine: on a VM
// whose speed changes from one second to the next, the medians of long separate runs do not.
func BenchmarkPoolInterleaved(b *testing.B) {
	query := benchTable(b)
	tr, tctx := benchTracerWith(b, otelmyx.NewBatchSpanProcessor(tracetest.NewNoopExporter()))
	plain, traced := newPool(b, nil, 8), newPool(b, tr, 8)
	const workers, round = 16, 1600
	run := func(ctx context.Context, p *pool.Pool, from int) {
		var wg sync.WaitGroup
		var failed atomic.Value
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var (
					id    int
					name  string
					score float64
				)
				for i := w; i < round; i += workers {
					want := ((from + i) * 7919) % benchRows
					if err := p.QueryRow(ctx, query, want).Scan(&id, &name, &score); err != nil || id != want {
						failed.Store(fmt.Errorf("got id %d for %d: %v", id, want, err))
						return
					}
				}
			}()
		}
		wg.Wait()
		if err := failed.Load(); err != nil {
			b.Fatal(err)
		}
	}
	run(context.Background(), plain, 0)
	run(tctx, traced, 0)
	alternate(b, round, "untraced", "otel",
		func(from int) { run(context.Background(), plain, from) },
		func(from int) { run(tctx, traced, from) })
}

// earlyTracer is an otelmyx.Tracer whose TraceQueryStart is not deferred: called before the
// request is built, as for a tracer that does not implement myx.QueryStartDeferrer.
type earlyTracer struct{ *otelmyx.Tracer }

func (earlyTracer) DeferQueryStart() bool { return false }

// BenchmarkDeferredStart measures what deferring TraceQueryStart until the request is written
// gains: the traced point query with Start before the request (early) and after it
// (deferred, the default), interleaved as in BenchmarkPointInterleaved, with the discarding
// span processor. median-ratio above 1 means deferred is faster.
func BenchmarkDeferredStart(b *testing.B) {
	query := benchTable(b)
	b.Run("conn", func(b *testing.B) {
		tr, ctx := benchTracerWith(b, discard{})
		interleave(b, query, connect(b, earlyTracer{tr}), ctx, connect(b, tr), ctx, "early", "deferred")
	})
	b.Run("pool", func(b *testing.B) {
		tr, ctx := benchTracerWith(b, discard{})
		interleave(b, query, newPool(b, earlyTracer{tr}, 4), ctx, newPool(b, tr, 4), ctx, "early", "deferred")
	})
}
