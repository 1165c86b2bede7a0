package otelmyx

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/myxdb/myx/pool"
)

// The pool's metrics (OpenTelemetry's db.client.connection.*), each with
// db.client.connection.pool.name (WithPoolName, or "host:port/database" of the pool's
// connection config, as the conventions suggest):
//
//   - recorded when the Tracer is the pool's tracer (pool.Config.Tracer):
//     db.client.connection.wait_time (s; 0 for an acquire that found an idle connection),
//     db.client.connection.create_time (s; connections opened for an acquire),
//     db.client.connection.use_time (s; from acquire to release),
//     db.client.connection.timeouts (acquires whose context's deadline passed);
//   - observed from pool.Stat once RegisterPoolMetrics is called:
//     db.client.connection.count (db.client.connection.state idle or used),
//     db.client.connection.pending_requests, db.client.connection.max.

// poolInstruments are the histograms and counters the pool tracer records.
type poolInstruments struct {
	wait, create, use metric.Float64Histogram
	timeouts          metric.Int64Counter
}

func newPoolInstruments(m metric.Meter) poolInstruments {
	var in poolInstruments
	nm := noop.Meter{}
	hist := func(name, desc string) metric.Float64Histogram {
		h, err := m.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc),
			metric.WithExplicitBucketBoundaries(durationBuckets...))
		if err != nil {
			otel.Handle(err)
			h, _ = nm.Float64Histogram(name)
		}
		return h
	}
	in.wait = hist("db.client.connection.wait_time", "The time it took to obtain an open connection from the pool.")
	in.create = hist("db.client.connection.create_time", "The time it took to create a new connection.")
	in.use = hist("db.client.connection.use_time", "The time between borrowing a connection and returning it to the pool.")
	var err error
	if in.timeouts, err = m.Int64Counter("db.client.connection.timeouts", metric.WithUnit("{timeout}"),
		metric.WithDescription("The number of connection timeouts that have occurred trying to obtain a connection from the pool.")); err != nil {
		otel.Handle(err)
		in.timeouts, _ = nm.Int64Counter("")
	}
	return in
}

// poolAttrs are the attribute sets of one pool, made once.
type poolAttrs struct {
	pool   *pool.Pool
	name   string
	opt    *measureOpts         // db.client.connection.pool.name
	idle   metric.ObserveOption // ... and db.client.connection.state=idle
	used   metric.ObserveOption // ... and db.client.connection.state=used
	obs    metric.ObserveOption // db.client.connection.pool.name, for observations
	system []attribute.KeyValue // for acquire spans
}

// poolsState holds the per-pool attribute sets, lazily made.
type poolsState struct {
	once  sync.Once
	in    poolInstruments
	meter metric.Meter
	mu    sync.Mutex                // held while a pool's attribute sets are made
	pools sync.Map                  // *pool.Pool → *poolAttrs; read on every acquire and release
	last  atomic.Pointer[poolAttrs] // the pool looked up last (an application has one, often)
}

func (t *Tracer) poolInstr() *poolsState {
	t.pools.once.Do(func() {
		mp := t.cfg.mp
		if t.cfg.disableMetrics {
			mp = noop.NewMeterProvider()
		}
		t.pools.meter = mp.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL))
		t.pools.in = newPoolInstruments(t.pools.meter)
	})
	return &t.pools
}

// attrsOf gives p's attribute sets. A Tracer keeps those of every pool it has traced; pools
// are expected to be few and long-lived.
func (s *poolsState) attrsOf(t *Tracer, p *pool.Pool) *poolAttrs {
	if a := s.last.Load(); a != nil && a.pool == p {
		return a
	}
	if a, ok := s.pools.Load(p); ok {
		s.last.Store(a.(*poolAttrs))
		return a.(*poolAttrs)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.pools.Load(p); ok {
		return a.(*poolAttrs)
	}
	name := t.cfg.poolName
	var kv []attribute.KeyValue
	if cc := p.Config().ConnConfig; cc != nil {
		addr, port := splitAddr(cc)
		if name == "" {
			name = addr
			if port != 0 {
				name += ":" + strconv.Itoa(port)
			}
			name += "/" + cc.Database
		}
		kv = append(kv, semconv.ServerAddressKey.String(addr))
		if port := reportedPort(port); port != 0 {
			kv = append(kv, semconv.ServerPortKey.Int(port))
		}
		if cc.Database != "" {
			kv = append(kv, semconv.DBNamespaceKey.String(cc.Database))
		}
	}
	pn := semconv.DBClientConnectionPoolNameKey.String(name)
	a := &poolAttrs{
		pool:   p,
		name:   name,
		opt:    newMeasureOpts(pn),
		obs:    metric.WithAttributeSet(attribute.NewSet(pn)),
		idle:   metric.WithAttributeSet(attribute.NewSet(pn, semconv.DBClientConnectionStateIdle)),
		used:   metric.WithAttributeSet(attribute.NewSet(pn, semconv.DBClientConnectionStateUsed)),
		system: append(kv, pn),
	}
	s.pools.Store(p, a)
	return a
}

// acquireSpanKey is the context key of an acquire's span (WithAcquireSpans).
type acquireSpanKey struct{}

// TraceAcquireStart implements pool.AcquireTracer. With WithAcquireSpans(true) it starts a
// span "acquire" under a recording parent; otherwise it returns ctx as it is.
func (t *Tracer) TraceAcquireStart(ctx context.Context, p *pool.Pool, data pool.TraceAcquireStartData) context.Context {
	if !t.cfg.acquireSpans || !trace.SpanFromContext(ctx).IsRecording() {
		return ctx
	}
	a := t.poolInstr().attrsOf(t, p)
	kv := append(append([]attribute.KeyValue(nil), a.system...), attribute.Int("myx.acquire.pending", data.Pending), attribute.Int("myx.acquire.idle", data.Idle))
	ctx, span := t.tracer.Start(ctx, "acquire", trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(kv...))
	return context.WithValue(ctx, acquireSpanKey{}, span)
}

// TraceAcquireEnd implements pool.AcquireTracer: db.client.connection.wait_time, .create_time
// and .timeouts.
func (t *Tracer) TraceAcquireEnd(ctx context.Context, p *pool.Pool, data pool.TraceAcquireEndData) {
	s := t.poolInstr()
	a := s.attrsOf(t, p)
	if data.Err == nil {
		s.in.wait.Record(ctx, data.Wait.Seconds(), a.opt.rec...)
	}
	if data.Opened && data.CreateDuration > 0 {
		s.in.create.Record(ctx, data.CreateDuration.Seconds(), a.opt.rec...)
	}
	if data.Err != nil && errors.Is(data.Err, context.DeadlineExceeded) {
		s.in.timeouts.Add(ctx, 1, a.opt.add...)
	}
	if !t.cfg.acquireSpans {
		return
	}
	span, _ := ctx.Value(acquireSpanKey{}).(trace.Span)
	if span == nil {
		return
	}
	kv := []attribute.KeyValue{AttrAcquireNewConn.Bool(data.Opened), attribute.Float64("myx.acquire.wait", data.Wait.Seconds()), attribute.Int("myx.acquire.replaced", data.Replaced)}
	if data.Conn != nil {
		kv = append(kv, AttrConnID.Int64(int64(data.Conn.ConnID())))
	}
	if data.Err != nil {
		_, errType := errorAttrs(data.Err)
		kv = append(kv, semconv.ErrorTypeKey.String(errType))
		span.SetStatus(codes.Error, data.Err.Error())
	}
	span.SetAttributes(kv...)
	span.End()
}

// TraceRelease implements pool.ReleaseTracer: db.client.connection.use_time.
func (t *Tracer) TraceRelease(ctx context.Context, p *pool.Pool, data pool.TraceReleaseData) {
	s := t.poolInstr()
	s.in.use.Record(ctx, data.Use.Seconds(), s.attrsOf(t, p).opt.rec...)
}

// RegisterPoolMetrics observes p's pool.Stat for db.client.connection.count (idle and used),
// db.client.connection.pending_requests and db.client.connection.max, with the Tracer's
// MeterProvider, until the returned function is called (call it before or after closing the
// pool). The histograms and the timeouts counter come from the Tracer being p's tracer
// (pool.Config.Tracer), not from this.
func (t *Tracer) RegisterPoolMetrics(p *pool.Pool) (unregister func() error, err error) {
	s := t.poolInstr()
	a := s.attrsOf(t, p)
	m := s.meter
	count, err := m.Int64ObservableUpDownCounter("db.client.connection.count", metric.WithUnit("{connection}"),
		metric.WithDescription("The number of connections that are currently in state described by the state attribute."))
	if err != nil {
		return nil, err
	}
	pending, err := m.Int64ObservableUpDownCounter("db.client.connection.pending_requests", metric.WithUnit("{request}"),
		metric.WithDescription("The number of current pending requests for an open connection."))
	if err != nil {
		return nil, err
	}
	maxConns, err := m.Int64ObservableUpDownCounter("db.client.connection.max", metric.WithUnit("{connection}"),
		metric.WithDescription("The maximum number of open connections allowed."))
	if err != nil {
		return nil, err
	}
	reg, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		st := p.Stat()
		o.ObserveInt64(count, int64(st.IdleConns), a.idle)
		o.ObserveInt64(count, int64(st.InUseConns), a.used)
		o.ObserveInt64(pending, int64(st.PendingAcquires), a.obs)
		o.ObserveInt64(maxConns, int64(st.MaxConns), a.obs)
		return nil
	}, count, pending, maxConns)
	if err != nil {
		return nil, err
	}
	return reg.Unregister, nil
}

var (
	_ pool.AcquireTracer = (*Tracer)(nil)
	_ pool.ReleaseTracer = (*Tracer)(nil)
)
