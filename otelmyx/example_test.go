package otelmyx_test

import (
	"context"
	"log"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/myxdb/myx/otelmyx"
	"github.com/myxdb/myx/pool"
)

// A pool traced with the global TracerProvider and MeterProvider: statements run under a
// recording span get a client span each; the pool's connection metrics are observed until
// unregister is called.
func ExampleNewTracer() {
	ctx := context.Background()
	t := otelmyx.NewTracer(otelmyx.WithQueryText(true))
	cfg, err := pool.ParseConfig("mysql://root@127.0.0.1:3306/test")
	if err != nil {
		log.Fatal(err)
	}
	cfg.Tracer = t // the pool's acquires and releases, and its connections' statements
	p, err := pool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	unregister, err := t.RegisterPoolMetrics(p)
	if err != nil {
		log.Fatal(err)
	}
	defer unregister()
	if _, err := p.Exec(ctx, "DO ?", 1); err != nil {
		log.Fatal(err)
	}
}

// A TracerProvider exporting through NewBatchSpanProcessor, which batches ended spans without
// waking a goroutine for each one (the exporter here keeps them in memory; an application would
// use an OTLP exporter). Shutting the provider down exports what is still queued.
func ExampleNewBatchSpanProcessor() {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(otelmyx.NewBatchSpanProcessor(exp)))
	defer func() {
		if err := tp.Shutdown(context.Background()); err != nil {
			log.Print(err)
		}
	}()
	t := otelmyx.NewTracer(otelmyx.WithTracerProvider(tp))
	cfg, err := pool.ParseConfig("mysql://root@127.0.0.1:3306/test")
	if err != nil {
		log.Fatal(err)
	}
	cfg.Tracer = t
	p, err := pool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	ctx, span := tp.Tracer("app").Start(context.Background(), "request")
	defer span.End()
	if _, err := p.Exec(ctx, "DO ?", 1); err != nil {
		log.Fatal(err)
	}
}
