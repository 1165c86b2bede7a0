package otelmyx

import (
	"context"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/myxdb/myx"
)

// Names of myx's own metrics (outside the semantic conventions, hence the myx. prefix).
const (
	MetricBytes          = "myx.client.bytes"           // By; network.io.direction transmit or receive
	MetricRoundTrips     = "myx.client.round_trips"     // {round_trip}
	MetricStatementCache = "myx.client.statement_cache" // {statement}; myx.statement_cache hit or miss
	MetricKills          = "myx.client.kills"           // {kill}; myx.kill.outcome
	MetricResets         = "myx.client.resets"          // {reset}; error.type when the reset failed
	MetricRetries        = "myx.client.retries"         // {retry}; myx.retry.operation
)

// instruments are the Tracer's metric instruments; every one is usable (a no-op when the
// provider refused it or metrics are off).
type instruments struct {
	duration   metric.Float64Histogram
	bytes      metric.Int64ObservableCounter // fed from connTotals at collection
	roundTrips metric.Int64ObservableCounter
	cache      metric.Int64ObservableCounter
	kills      metric.Int64Counter
	resets     metric.Int64Counter
	retries    metric.Int64Counter
}

func newInstruments(c config, totals func(metric.Observer) error) instruments {
	mp := c.mp
	if c.disableMetrics {
		mp = noop.NewMeterProvider()
	}
	m := mp.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL))
	var in instruments
	var err error
	report := func(e error) {
		if e != nil {
			otel.Handle(e)
		}
	}
	nm := noop.Meter{}
	if in.duration, err = m.Float64Histogram("db.client.operation.duration",
		metric.WithDescription("Duration of database client operations."),
		metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(durationBuckets...)); err != nil {
		report(err)
		in.duration, _ = nm.Float64Histogram("")
	}
	counter := func(name, unit, desc string) metric.Int64Counter {
		c, err := m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		if err != nil {
			report(err)
			c, _ = nm.Int64Counter(name)
		}
		return c
	}
	observed := func(name, unit, desc string) metric.Int64ObservableCounter {
		c, err := m.Int64ObservableCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		if err != nil {
			report(err)
			c, _ = nm.Int64ObservableCounter(name)
		}
		return c
	}
	// Bytes, round trips and cache outcomes happen on every statement: they are summed in
	// atomics and observed when the reader collects, so that a statement pays no
	// measurement for them.
	in.bytes = observed(MetricBytes, "By", "Bytes exchanged with the server, protocol framing included.")
	in.roundTrips = observed(MetricRoundTrips, "{round_trip}", "Request/reply exchanges with the server.")
	in.cache = observed(MetricStatementCache, "{statement}", "Statements executed through the prepared-statement cache, by outcome.")
	if _, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error { return totals(o) },
		in.bytes, in.roundTrips, in.cache); err != nil {
		report(err)
	}
	in.kills = counter(MetricKills, "{kill}", "KILL QUERY attempts made to cancel a statement, by outcome.")
	in.resets = counter(MetricResets, "{reset}", "Session resets (COM_RESET_CONNECTION and session set-up again).")
	in.retries = counter(MetricRetries, "{retry}", "Operations the library retried, by operation.")
	return in
}

// metricKey identifies one attribute set of one kind of measurement; the Tracer keeps the
// sets it has built so that a steady workload builds none.
type metricKey struct {
	kind      uint8
	system    string
	tidb      bool
	namespace string
	address   string
	port      int
	op, coll  string
	summary   string
	status    string
	errType   string
}

const (
	kindOperation uint8 = iota
	kindConn            // the connection's attributes only
)

// maxMetricSets bounds the attribute sets kept; past it sets are built for each measurement.
const maxMetricSets = 4096

func keyOf(kind uint8, ca *connAttrs) metricKey {
	return metricKey{kind: kind, system: ca.system.Value.AsString(), tidb: ca.tidb,
		namespace: ca.namespace, address: ca.address, port: ca.port}
}

func (k *metricKey) attrs() []attribute.KeyValue {
	kv := make([]attribute.KeyValue, 0, 10)
	kv = append(kv, semconv.DBSystemNameKey.String(k.system))
	if k.tidb {
		kv = append(kv, AttrServerFlavor.String("tidb"))
	}
	if k.namespace != "" {
		kv = append(kv, semconv.DBNamespaceKey.String(k.namespace))
	}
	if k.address != "" {
		kv = append(kv, semconv.ServerAddressKey.String(k.address))
	}
	if k.port != 0 {
		kv = append(kv, semconv.ServerPortKey.Int(k.port))
	}
	switch k.kind {
	case kindOperation:
		kv = appendStatement(kv, myx.StatementInfo{Operation: k.op, Collection: k.coll, Summary: k.summary})
		if k.status != "" {
			kv = append(kv, semconv.DBResponseStatusCodeKey.String(k.status))
		}
		if k.errType != "" {
			kv = append(kv, semconv.ErrorTypeKey.String(k.errType))
		}
	}
	return kv
}

// measureOpts are an attribute set as the option lists Record and Add take, made once so
// that passing them allocates nothing.
type measureOpts struct {
	rec []metric.RecordOption
	add []metric.AddOption
}

func newMeasureOpts(kv ...attribute.KeyValue) *measureOpts {
	o := metric.WithAttributeSet(attribute.NewSet(kv...))
	return &measureOpts{rec: []metric.RecordOption{o}, add: []metric.AddOption{o}}
}

// option gives the measurement options carrying k's attribute set.
func (t *Tracer) option(k metricKey) *measureOpts {
	t.mu.RLock()
	o, ok := t.metsets[k]
	t.mu.RUnlock()
	if ok {
		return o
	}
	o = newMeasureOpts(k.attrs()...)
	t.mu.Lock()
	if len(t.metsets) < maxMetricSets {
		t.metsets[k] = o
	}
	t.mu.Unlock()
	return o
}

// recordOperation records db.client.operation.duration for an operation described by info on
// a connection with ca's attributes.
func (t *Tracer) recordOperation(ctx context.Context, ca *connAttrs, info myx.StatementInfo, d time.Duration, err error) {
	k := keyOf(kindOperation, ca)
	k.op, k.coll, k.summary = info.Operation, info.Collection, info.Summary
	if err != nil {
		k.status, k.errType = errorAttrs(err)
	}
	t.m.duration.Record(ctx, d.Seconds(), t.option(k).rec...)
}

// connTotals are the sums of bytes, round trips and statement cache outcomes of the
// connections that share one set of connection attributes.
type connTotals struct {
	sent, read, trips, hits, misses atomic.Int64

	tx, rx, rt, hit, miss metric.ObserveOption
}

func newConnTotals(ca *connAttrs) *connTotals {
	k := keyOf(kindConn, ca)
	base := k.attrs()
	with := func(extra attribute.KeyValue) metric.ObserveOption {
		kv := append(append(make([]attribute.KeyValue, 0, len(base)+1), base...), extra)
		return metric.WithAttributeSet(attribute.NewSet(kv...))
	}
	return &connTotals{
		tx:   with(semconv.NetworkIODirectionTransmit),
		rx:   with(semconv.NetworkIODirectionReceive),
		rt:   metric.WithAttributeSet(attribute.NewSet(base...)),
		hit:  with(AttrStatementCache.String("hit")),
		miss: with(AttrStatementCache.String("miss")),
	}
}

// totalsFor gives the totals of the connections with ca's attributes.
func (t *Tracer) totalsFor(ca *connAttrs) *connTotals {
	k := keyOf(kindConn, ca)
	t.mu.RLock()
	ct, ok := t.totals[k]
	t.mu.RUnlock()
	if ok {
		return ct
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if ct, ok := t.totals[k]; ok {
		return ct
	}
	if len(t.totals) >= maxMetricSets {
		return t.overflow
	}
	ct = newConnTotals(ca)
	t.totals[k] = ct
	return ct
}

// observeTotals reports every connTotals (the callback of the observed counters).
func (t *Tracer) observeTotals(o metric.Observer) error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, ct := range t.totals {
		o.ObserveInt64(t.m.bytes, ct.sent.Load(), ct.tx)
		o.ObserveInt64(t.m.bytes, ct.read.Load(), ct.rx)
		o.ObserveInt64(t.m.roundTrips, ct.trips.Load(), ct.rt)
		if n := ct.hits.Load(); n > 0 {
			o.ObserveInt64(t.m.cache, n, ct.hit)
		}
		if n := ct.misses.Load(); n > 0 {
			o.ObserveInt64(t.m.cache, n, ct.miss)
		}
	}
	return nil
}

// add adds an operation's bytes, round trips and statement cache outcome to myx's counters.
func (ct *connTotals) add(roundTrips int, sent, read int64, cache myx.CacheOutcome) {
	ct.sent.Add(sent)
	ct.read.Add(read)
	ct.trips.Add(int64(roundTrips))
	switch cache {
	case myx.CacheHit:
		ct.hits.Add(1)
	case myx.CacheMiss:
		ct.misses.Add(1)
	}
}

// count adds n to a counter with the connection's attributes and extra (rare events: no
// attribute set is kept).
func (m *instruments) count(ctx context.Context, c metric.Int64Counter, n int64, ca *connAttrs, extra ...attribute.KeyValue) {
	k := keyOf(kindConn, ca)
	kv := append(k.attrs(), extra...)
	c.Add(ctx, n, metric.WithAttributes(kv...))
}
