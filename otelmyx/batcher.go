package otelmyx

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// BatchSpanProcessor is a span processor of the OpenTelemetry SDK that exports ended spans in
// batches, as sdktrace.NewBatchSpanProcessor does, without handing each span to another
// goroutine. The SDK's processor sends every ended span on a channel to its goroutine, which
// then wakes (often on another thread) for that one span; at thousands of statements a second
// on a machine with few cores that hand-off costs more than the span itself (see Cost in the
// package documentation). This one appends an ended span to a buffer under a mutex and wakes
// its export goroutine once per full batch, or when the batch timeout passes.
//
// Install it as any span processor:
//
//	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(otelmyx.NewBatchSpanProcessor(exporter)))
//
// Only sampled spans are kept. When MaxQueueSize spans wait while the exporter is still busy,
// further spans are dropped and counted (Dropped), as the SDK's processor does by default, or
// with sdktrace.WithBlocking the span's End waits for room.
// Export is never called concurrently. Its methods are safe for concurrent use.
type BatchSpanProcessor struct {
	exp  sdktrace.SpanExporter
	opts sdktrace.BatchSpanProcessorOptions

	mu    sync.Mutex
	queue []sdktrace.ReadOnlySpan // ended spans waiting for the exporter
	spare []sdktrace.ReadOnlySpan // the other buffer (swapped with queue by an export)
	room  sync.Cond               // on mu: the queue was taken (for OnEnd with WithBlocking)

	exportMu sync.Mutex    // one export at a time
	kick     chan struct{} // a batch is full (buffered: a send never blocks OnEnd)
	stop     chan struct{}
	done     chan struct{} // the export goroutine has returned
	stopped  atomic.Bool
	stopOnce sync.Once
	dropped  atomic.Uint64
}

// NewBatchSpanProcessor returns a BatchSpanProcessor exporting to exp, and starts its export
// goroutine, which runs until Shutdown. It takes the SDK's own options
// (sdktrace.WithBatchTimeout, WithExportTimeout, WithMaxQueueSize, WithMaxExportBatchSize,
// WithBlocking) and defaults, and reads the same environment variables as
// sdktrace.NewBatchSpanProcessor (OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_EXPORT_TIMEOUT,
// OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE), the options taking precedence.
func NewBatchSpanProcessor(exp sdktrace.SpanExporter, opts ...sdktrace.BatchSpanProcessorOption) *BatchSpanProcessor {
	o := sdktrace.BatchSpanProcessorOptions{
		BatchTimeout:       envMillis("OTEL_BSP_SCHEDULE_DELAY", sdktrace.DefaultScheduleDelay),
		ExportTimeout:      envMillis("OTEL_BSP_EXPORT_TIMEOUT", sdktrace.DefaultExportTimeout),
		MaxQueueSize:       envInt("OTEL_BSP_MAX_QUEUE_SIZE", sdktrace.DefaultMaxQueueSize),
		MaxExportBatchSize: envInt("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", sdktrace.DefaultMaxExportBatchSize),
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.BatchTimeout <= 0 {
		o.BatchTimeout = time.Duration(sdktrace.DefaultScheduleDelay) * time.Millisecond
	}
	if o.ExportTimeout <= 0 {
		o.ExportTimeout = time.Duration(sdktrace.DefaultExportTimeout) * time.Millisecond
	}
	if o.MaxQueueSize <= 0 {
		o.MaxQueueSize = sdktrace.DefaultMaxQueueSize
	}
	if o.MaxExportBatchSize <= 0 || o.MaxExportBatchSize > o.MaxQueueSize {
		o.MaxExportBatchSize = min(sdktrace.DefaultMaxExportBatchSize, o.MaxQueueSize)
	}
	p := &BatchSpanProcessor{
		exp:  exp,
		opts: o,
		kick: make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	p.room.L = &p.mu
	go p.run()
	return p
}

// envMillis is the environment variable name as milliseconds, or def (milliseconds) when it is
// unset or not a number of them.
func envMillis(name string, def int) time.Duration {
	return time.Duration(envInt(name, def)) * time.Millisecond
}

// envInt is the environment variable name as a positive integer, or def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(os.Getenv(name))); err == nil && n > 0 {
		return n
	}
	return def
}

// OnStart implements sdktrace.SpanProcessor: nothing is done when a span starts.
func (p *BatchSpanProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

// OnEnd implements sdktrace.SpanProcessor: a sampled span is queued for export. It does not
// block and, but for one span in a full batch, wakes no goroutine.
func (p *BatchSpanProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	if p.exp == nil || p.stopped.Load() || !s.SpanContext().IsSampled() {
		return
	}
	p.mu.Lock()
	if p.stopped.Load() { // Shutdown began since the check above: its export would miss s
		p.mu.Unlock()
		return
	}
	for len(p.queue) >= p.opts.MaxQueueSize {
		if !p.opts.BlockOnQueueFull {
			p.mu.Unlock()
			p.dropped.Add(1)
			return
		}
		// WithBlocking: wait until the export goroutine takes the queue (woken now, in
		// case the queue filled up without a kick, when it is smaller than a batch).
		select {
		case p.kick <- struct{}{}:
		default:
		}
		p.room.Wait()
		if p.stopped.Load() {
			p.mu.Unlock()
			return
		}
	}
	p.queue = append(p.queue, s)
	full := len(p.queue) == p.opts.MaxExportBatchSize
	p.mu.Unlock()
	if full {
		select {
		case p.kick <- struct{}{}:
		default: // a wake is already pending
		}
	}
}

// Dropped is how many sampled spans were dropped because the queue was full.
func (p *BatchSpanProcessor) Dropped() uint64 { return p.dropped.Load() }

// run is the export goroutine: it exports what is queued whenever a batch fills and at every
// batch timeout, and hands the exporter's errors to otel.Handle.
func (p *BatchSpanProcessor) run() {
	defer close(p.done)
	t := time.NewTicker(p.opts.BatchTimeout)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-p.kick:
		case <-t.C:
		}
		if err := p.export(context.Background(), fullBatches); err != nil {
			otel.Handle(err) // the global error handler, as the SDK's processor reports it
		}
	}
}

// exportMode says how far an export goes once it has handed over the spans queued when it
// began, as more spans end meanwhile.
type exportMode int

const (
	fullBatches exportMode = iota // the export goroutine: again while a full batch is queued
	takeOnce                      // ForceFlush: no further (the spans ended before it are out)
	drain                         // Shutdown: again until the queue is empty (no span is added)
)

// export hands queued spans to the exporter, in batches of at most the export batch size,
// each call bounded by the export timeout (and by ctx), as far as mode says.
func (p *BatchSpanProcessor) export(ctx context.Context, mode exportMode) error {
	if p.exp == nil {
		return nil
	}
	p.exportMu.Lock()
	defer p.exportMu.Unlock()
	var errs []error
	for {
		p.mu.Lock()
		taken := p.queue
		p.queue, p.spare = p.spare[:0], nil
		p.room.Broadcast()
		p.mu.Unlock()
		if len(taken) == 0 {
			p.giveBack(taken)
			return errors.Join(errs...)
		}
		for spans := taken; len(spans) > 0; {
			if err := ctx.Err(); err != nil {
				// Not handed to the exporter: kept for the next export.
				p.requeue(spans)
				p.giveBack(taken)
				return errors.Join(append(errs, err)...)
			}
			n := min(len(spans), p.opts.MaxExportBatchSize)
			ectx, cancel := context.WithTimeout(ctx, p.opts.ExportTimeout)
			if err := p.exp.ExportSpans(ectx, spans[:n]); err != nil {
				errs = append(errs, err) // the exporter's to retry, as with the SDK's processor
			}
			cancel()
			spans = spans[n:]
		}
		p.giveBack(taken)
		p.mu.Lock()
		left := len(p.queue)
		p.mu.Unlock()
		if mode == takeOnce || mode == fullBatches && left < p.opts.MaxExportBatchSize || left == 0 {
			return errors.Join(errs...)
		}
	}
}

// giveBack keeps an exported buffer for the next swap, emptied so that it holds no span.
func (p *BatchSpanProcessor) giveBack(buf []sdktrace.ReadOnlySpan) {
	clear(buf[:cap(buf)])
	p.mu.Lock()
	if p.spare == nil {
		p.spare = buf[:0]
	}
	p.mu.Unlock()
}

// requeue puts the spans a cancelled flush did not hand to the exporter back in front of the
// queue (as far as the queue size allows; the rest are dropped and counted).
func (p *BatchSpanProcessor) requeue(spans []sdktrace.ReadOnlySpan) {
	p.mu.Lock()
	defer p.mu.Unlock()
	room := max(p.opts.MaxQueueSize-len(p.queue), 0)
	if len(spans) > room {
		p.dropped.Add(uint64(len(spans) - room))
		spans = spans[:room]
	}
	p.queue = append(append(make([]sdktrace.ReadOnlySpan, 0, len(spans)+len(p.queue)), spans...), p.queue...)
}

// ForceFlush implements sdktrace.SpanProcessor: it exports now every span that ended before
// the call, and returns the exporter's errors, or ctx's if it ends first.
func (p *BatchSpanProcessor) ForceFlush(ctx context.Context) error {
	if p.stopped.Load() {
		return nil
	}
	return p.export(ctx, takeOnce)
}

// Shutdown implements sdktrace.SpanProcessor: spans ending from now on are ignored, the queued
// ones are exported, the export goroutine stops and the exporter is shut down. Only the first
// call does anything.
func (p *BatchSpanProcessor) Shutdown(ctx context.Context) error {
	var err error
	p.stopOnce.Do(func() {
		p.mu.Lock() // no span is queued once this is set (see OnEnd)
		p.stopped.Store(true)
		p.room.Broadcast()
		p.mu.Unlock()
		close(p.stop)
		select {
		case <-p.done:
		case <-ctx.Done():
			err = ctx.Err()
			return
		}
		err = p.export(ctx, drain)
		if p.exp != nil {
			err = errors.Join(err, p.exp.Shutdown(ctx))
		}
	})
	return err
}
