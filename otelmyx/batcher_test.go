package otelmyx_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/myxdb/myx/otelmyx"
)

// endSpans starts and ends n spans named name on tp.
func endSpans(tp *sdktrace.TracerProvider, name string, n int) {
	tr := tp.Tracer("batcher")
	for range n {
		_, s := tr.Start(context.Background(), name)
		s.End()
	}
}

// waitSpans waits until exp holds want spans (the export goroutine's batches), failing after
// a minute: long enough for any machine, and a test that passes never waits that long.
func waitSpans(t *testing.T, exp *tracetest.InMemoryExporter, want int) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); len(exp.GetSpans()) < want; {
		if time.Now().After(deadline) {
			t.Fatalf("%d spans exported, want %d", len(exp.GetSpans()), want)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestBatchSpanProcessorFullBatch(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	// The timeout is far off: only a full batch can start an export here.
	p := otelmyx.NewBatchSpanProcessor(exp, sdktrace.WithMaxExportBatchSize(4), sdktrace.WithBatchTimeout(time.Hour))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	defer tp.Shutdown(context.Background())

	endSpans(tp, "a", 3)
	if got := len(exp.GetSpans()); got != 0 {
		t.Fatalf("%d spans exported before a batch was full", got)
	}
	endSpans(tp, "b", 1)
	waitSpans(t, exp, 4)
	endSpans(tp, "c", 2)
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := exp.GetSpans()
	if len(spans) != 6 {
		t.Fatalf("%d spans after ForceFlush, want 6", len(spans))
	}
	want := []string{"a", "a", "a", "b", "c", "c"}
	for i, s := range spans {
		if s.Name != want[i] {
			t.Errorf("span %d is %q, want %q (spans are exported in the order they ended)", i, s.Name, want[i])
		}
	}
}

func TestBatchSpanProcessorTimeout(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	p := otelmyx.NewBatchSpanProcessor(exp, sdktrace.WithBatchTimeout(5*time.Millisecond))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	defer tp.Shutdown(context.Background())
	endSpans(tp, "a", 2) // far less than a batch: exported by the timer
	waitSpans(t, exp, 2)
}

func TestBatchSpanProcessorShutdown(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	// The queue is exported before the exporter is shut down (which empties the in-memory one).
	var mu sync.Mutex
	var atShutdown int
	rec := &shutdownRecorder{InMemoryExporter: exp, onShutdown: func() {
		mu.Lock()
		atShutdown = len(exp.GetSpans())
		mu.Unlock()
	}}
	p2 := otelmyx.NewBatchSpanProcessor(rec, sdktrace.WithBatchTimeout(time.Hour))
	tp2 := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p2))
	endSpans(tp2, "b", 3)
	if err := tp2.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if atShutdown != 3 {
		t.Errorf("%d spans exported before the exporter was shut down, want 3", atShutdown)
	}
	mu.Unlock()
	if !rec.shut {
		t.Error("the exporter was not shut down")
	}
	endSpans(tp2, "late", 1) // ignored: the processor is shut down
	if err := p2.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := p2.Shutdown(context.Background()); err != nil {
		t.Errorf("a second Shutdown: %v", err)
	}
}

// shutdownRecorder is an in-memory exporter that notes its Shutdown.
type shutdownRecorder struct {
	*tracetest.InMemoryExporter
	onShutdown func()
	shut       bool
}

func (r *shutdownRecorder) Shutdown(ctx context.Context) error {
	r.onShutdown()
	r.shut = true
	return nil
}

// blockingExporter holds every export until release is closed.
type blockingExporter struct {
	release chan struct{}
	entered atomic.Int32 // calls of ExportSpans begun
	mu      sync.Mutex
	got     int
	calls   int
}

func (e *blockingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.entered.Add(1)
	select {
	case <-e.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	e.mu.Lock()
	e.got += len(spans)
	e.calls++
	e.mu.Unlock()
	return nil
}

func (e *blockingExporter) Shutdown(context.Context) error { return nil }

func TestBatchSpanProcessorQueueFull(t *testing.T) {
	exp := &blockingExporter{release: make(chan struct{})}
	p := otelmyx.NewBatchSpanProcessor(exp, sdktrace.WithMaxQueueSize(4), sdktrace.WithMaxExportBatchSize(2), sdktrace.WithBatchTimeout(time.Hour))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	// The first full batch is taken by the export goroutine, which then blocks in the
	// exporter; the queue then holds 4 more and drops the rest.
	endSpans(tp, "a", 2)
	for deadline := time.Now().Add(time.Minute); otelmyx.QueuedSpans(p) != 0; {
		if time.Now().After(deadline) {
			t.Fatal("the export goroutine never took the full batch")
		}
		time.Sleep(time.Millisecond)
	}
	endSpans(tp, "b", 10)
	if got := p.Dropped(); got != 6 {
		t.Errorf("Dropped() = %d, want 6 (a queue of 4 behind a busy exporter)", got)
	}
	close(exp.release)
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	exp.mu.Lock()
	defer exp.mu.Unlock()
	if exp.got != 6 {
		t.Errorf("%d spans exported, want 6", exp.got)
	}
	if exp.calls < 3 {
		t.Errorf("%d exports, want at least 3 (batches of at most 2)", exp.calls)
	}
}

func TestBatchSpanProcessorUnsampled(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	p := otelmyx.NewBatchSpanProcessor(exp)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p), sdktrace.WithSampler(sdktrace.NeverSample()))
	endSpans(tp, "a", 3)
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(exp.GetSpans()); got != 0 {
		t.Errorf("%d unsampled spans exported", got)
	}
	_ = tp.Shutdown(context.Background())
}

func TestBatchSpanProcessorConcurrent(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	p := otelmyx.NewBatchSpanProcessor(exp, sdktrace.WithMaxExportBatchSize(7), sdktrace.WithMaxQueueSize(100000))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { endSpans(tp, "a", 500) })
	}
	wg.Add(1)
	go func() { // flushes racing the goroutines and the export goroutine
		defer wg.Done()
		for range 20 {
			_ = p.ForceFlush(context.Background())
		}
	}()
	wg.Wait()
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(exp.GetSpans()); got != 4000 || p.Dropped() != 0 {
		t.Errorf("%d spans exported and %d dropped, want 4000 and 0", got, p.Dropped())
	}
	_ = tp.Shutdown(context.Background())
}

func TestBatchSpanProcessorFlushCancelled(t *testing.T) {
	exp := &blockingExporter{release: make(chan struct{})}
	p := otelmyx.NewBatchSpanProcessor(exp, sdktrace.WithBatchTimeout(time.Hour), sdktrace.WithMaxExportBatchSize(2))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	ctx, cancel := context.WithCancel(context.Background())
	endSpans(tp, "a", 1)
	cancel()
	if err := p.ForceFlush(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ForceFlush with a cancelled context: %v, want context.Canceled", err)
	}
	close(exp.release)
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if exp.got != 1 {
		t.Errorf("%d spans exported in the end, want 1 (a cancelled flush keeps what it did not export)", exp.got)
	}
}

func TestBatchSpanProcessorBlocking(t *testing.T) {
	exp := &blockingExporter{release: make(chan struct{})}
	p := otelmyx.NewBatchSpanProcessor(exp, sdktrace.WithMaxQueueSize(2), sdktrace.WithMaxExportBatchSize(2),
		sdktrace.WithBatchTimeout(time.Hour), sdktrace.WithBlocking())
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		endSpans(tp, "a", 9) // waits for room while the exporter is held
	}()
	// Hold the exporter until a span's end has to wait: a batch is in the exporter and the
	// queue is full behind it.
	for deadline := time.Now().Add(time.Minute); exp.entered.Load() == 0 || otelmyx.QueuedSpans(p) < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the queue never filled")
		}
		time.Sleep(time.Millisecond)
	}
	close(exp.release)
	<-ended
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	exp.mu.Lock()
	defer exp.mu.Unlock()
	if exp.got != 9 || p.Dropped() != 0 {
		t.Errorf("%d spans exported and %d dropped, want 9 and 0 (WithBlocking waits for room)", exp.got, p.Dropped())
	}
}

func TestBatchSpanProcessorEnvironment(t *testing.T) {
	t.Setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "2")
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "3600000") // an hour: only a full batch exports
	exp := tracetest.NewInMemoryExporter()
	p := otelmyx.NewBatchSpanProcessor(exp)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	defer tp.Shutdown(context.Background())
	endSpans(tp, "a", 2) // a full batch of OTEL_BSP_MAX_EXPORT_BATCH_SIZE
	waitSpans(t, exp, 2)
}
