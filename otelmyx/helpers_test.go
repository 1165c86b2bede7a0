package otelmyx_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/otelmyx"
)

// env is an OpenTelemetry SDK with an in-memory span recorder and a manual metric reader,
// and an otelmyx.Tracer recording into it.
type env struct {
	rec    *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
	tr     *otelmyx.Tracer
}

func newEnv(t testing.TB, opts ...otelmyx.Option) *env {
	t.Helper()
	e := &env{rec: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	e.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(e.rec))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(e.reader))
	t.Cleanup(func() {
		_ = e.tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	e.tr = otelmyx.NewTracer(append([]otelmyx.Option{otelmyx.WithTracerProvider(e.tp), otelmyx.WithMeterProvider(mp)}, opts...)...)
	return e
}

// parent starts a recording span, the application's, for the statements to hang under.
func (e *env) parent(ctx context.Context) (context.Context, trace.Span) {
	return e.tp.Tracer("test").Start(ctx, "request")
}

// ended gives the ended spans other than the test's own "request" spans.
func (e *env) ended() []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range e.rec.Ended() {
		if s.Name() != "request" {
			out = append(out, s)
		}
	}
	return out
}

// only is the one ended span named name; it fails the test when there is not exactly one.
func (e *env) only(t testing.TB, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	var names []string
	for _, s := range e.ended() {
		names = append(names, s.Name())
		if s.Name() == name {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d spans named %q; ended spans: %q", len(found), name, names)
	}
	return found[0]
}

func attrs(kvs []attribute.KeyValue) map[attribute.Key]attribute.Value {
	m := make(map[attribute.Key]attribute.Value, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

// wantAttrs checks that kvs hold want (values compared by their string form).
func wantAttrs(t testing.TB, what string, kvs []attribute.KeyValue, want map[string]string) {
	t.Helper()
	got := attrs(kvs)
	for k, v := range want {
		g, ok := got[attribute.Key(k)]
		switch {
		case v == absent:
			if ok {
				t.Errorf("%s: attribute %s = %q, want none", what, k, g.Emit())
			}
		case !ok:
			t.Errorf("%s: no attribute %s (want %q); have %v", what, k, v, kvs)
		case g.Emit() != v:
			t.Errorf("%s: %s = %q, want %q", what, k, g.Emit(), v)
		}
	}
}

// absent, as a value wantAttrs wants, means the attribute must not be there.
const absent = "\x00absent"

// portAttr is the server.port wanted for a connection to addr (host:port): absent for the
// default port 3306, which the conventions leave out.
func portAttr(t testing.TB, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	if port == "3306" {
		return absent
	}
	return port
}

// noAttrs checks that kvs hold none of keys.
func noAttrs(t testing.TB, what string, kvs []attribute.KeyValue, keys ...string) {
	t.Helper()
	got := attrs(kvs)
	for _, k := range keys {
		if v, ok := got[attribute.Key(k)]; ok {
			t.Errorf("%s: attribute %s = %q, want none", what, k, v.Emit())
		}
	}
}

// collect reads the metrics recorded so far.
func (e *env) collect(t testing.TB) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := e.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

func findMetric(rm metricdata.ResourceMetrics, name string) (metricdata.Metrics, bool) {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m, true
			}
		}
	}
	return metricdata.Metrics{}, false
}

// histogramPoints gives the data points of the float64 histogram name.
func histogramPoints(t testing.TB, rm metricdata.ResourceMetrics, name string) []metricdata.HistogramDataPoint[float64] {
	t.Helper()
	m, ok := findMetric(rm, name)
	if !ok {
		t.Fatalf("no metric %s", name)
	}
	h, ok := m.Data.(metricdata.Histogram[float64])
	if !ok {
		t.Fatalf("metric %s is %T, want a float64 histogram", name, m.Data)
	}
	return h.DataPoints
}

// sumPoints gives the data points of the int64 sum name.
func sumPoints(t testing.TB, rm metricdata.ResourceMetrics, name string) []metricdata.DataPoint[int64] {
	t.Helper()
	m, ok := findMetric(rm, name)
	if !ok {
		t.Fatalf("no metric %s", name)
	}
	s, ok := m.Data.(metricdata.Sum[int64])
	if !ok {
		t.Fatalf("metric %s is %T, want an int64 sum", name, m.Data)
	}
	return s.DataPoints
}

// pointWith is the point whose attributes include want, and whether there is one.
func pointWith[P interface {
	metricdata.HistogramDataPoint[float64] | metricdata.DataPoint[int64]
}](points []P, attrsOf func(P) attribute.Set, want map[string]string) (P, bool) {
	for _, p := range points {
		set := attrsOf(p)
		ok := true
		for k, v := range want {
			g, has := set.Value(attribute.Key(k))
			if !has || g.Emit() != v {
				ok = false
				break
			}
		}
		if ok {
			return p, true
		}
	}
	var zero P
	return zero, false
}

func histAttrs(p metricdata.HistogramDataPoint[float64]) attribute.Set { return p.Attributes }
func sumAttrs(p metricdata.DataPoint[int64]) attribute.Set             { return p.Attributes }

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// connect opens a connection to the test server with tracer t (nil for none).
func connect(tb testing.TB, tracer any) *myx.Conn {
	tb.Helper()
	dsn := mysqltest.Require(tb)
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Tracer = tracer
	c, err := myx.ConnectConfig(testCtx(tb), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// tableName is a table name of the test's own.
func tableName(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}
