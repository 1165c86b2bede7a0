package otelmyx_test

// Tests that call the Tracer's methods directly, as the connection does, with a real
// connection (for its server info and config): they pin what the Tracer makes of the data it
// is given, whatever the hooks do.

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/otelmyx"
)

var selectUsers = myx.StatementInfo{Operation: "SELECT", Collection: "users", Summary: "SELECT users"}

func TestDirectQuerySpan(t *testing.T) {
	c := connect(t, nil)
	e := newEnv(t, otelmyx.WithIOAttributes(true), otelmyx.WithReturnedRows(true), otelmyx.WithSummaryAttribute(true))
	ctx, parent := e.parent(testCtx(t))
	qctx := e.tr.TraceQueryStart(ctx, c, myx.TraceQueryStartData{
		SQL: "SELECT name FROM users WHERE id = ?", Args: []any{7}, Statement: selectUsers,
	})
	if got := trace.SpanFromContext(qctx); got.SpanContext().SpanID() == parent.SpanContext().SpanID() {
		t.Fatal("the context TraceQueryStart returned does not carry a span of its own")
	}
	e.tr.TraceQueryEnd(qctx, c, myx.TraceQueryEndData{
		RowsReturned: 1, Cache: myx.CacheHit, RoundTrips: 1, BytesSent: 40, BytesRead: 80, Duration: 3 * time.Millisecond,
	})
	parent.End()

	s := e.only(t, "SELECT users")
	if s.SpanKind() != trace.SpanKindClient {
		t.Errorf("kind %v, want client", s.SpanKind())
	}
	if s.Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Errorf("parent %v, want the request span %v", s.Parent().SpanID(), parent.SpanContext().SpanID())
	}
	wantAttrs(t, "query span", s.Attributes(), map[string]string{
		"db.system.name":            "mariadb",
		"db.namespace":              c.Config().Database,
		"db.operation.name":         "SELECT",
		"db.collection.name":        "users",
		"db.query.summary":          "SELECT users",
		"db.query.text":             "SELECT name FROM users WHERE id = ?",
		"server.address":            "127.0.0.1",
		"server.port":               portAttr(t, c.Addr()),
		"myx.conn.id":               strconv.Itoa(int(c.ConnID())),
		"myx.round_trips":           "1",
		"myx.bytes_sent":            "40",
		"myx.bytes_read":            "80",
		"myx.statement_cache":       "hit",
		"db.response.returned_rows": "1",
	})
	noAttrs(t, "query span", s.Attributes(), "error.type", "db.response.status_code")
	if s.Status().Code == codes.Error {
		t.Errorf("status %v for a successful statement", s.Status())
	}

	rm := e.collect(t)
	p, ok := pointWith(histogramPoints(t, rm, "db.client.operation.duration"), histAttrs, map[string]string{
		"db.system.name": "mariadb", "db.operation.name": "SELECT", "db.collection.name": "users", "db.query.summary": "SELECT users",
	})
	if !ok {
		t.Fatal("no db.client.operation.duration point for SELECT users")
	}
	if p.Count != 1 || p.Sum != 0.003 {
		t.Errorf("duration point count %d sum %v, want 1 and 0.003", p.Count, p.Sum)
	}
	wantBounds := []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}
	if len(p.Bounds) != len(wantBounds) {
		t.Fatalf("bucket bounds %v, want %v", p.Bounds, wantBounds)
	}
	for i := range wantBounds {
		if p.Bounds[i] != wantBounds[i] {
			t.Fatalf("bucket bounds %v, want %v", p.Bounds, wantBounds)
		}
	}
	if _, ok := p.Attributes.Value("db.query.text"); ok {
		t.Error("the duration metric carries db.query.text (high cardinality)")
	}
	bytes := sumPoints(t, rm, otelmyx.MetricBytes)
	if p, ok := pointWith(bytes, sumAttrs, map[string]string{"network.io.direction": "transmit"}); !ok || p.Value != 40 {
		t.Errorf("bytes transmit point %v (found %v), want 40", p.Value, ok)
	}
	if p, ok := pointWith(bytes, sumAttrs, map[string]string{"network.io.direction": "receive"}); !ok || p.Value != 80 {
		t.Errorf("bytes receive point %v (found %v), want 80", p.Value, ok)
	}
	if p, ok := pointWith(sumPoints(t, rm, otelmyx.MetricStatementCache), sumAttrs, map[string]string{"myx.statement_cache": "hit"}); !ok || p.Value != 1 {
		t.Errorf("statement cache hit point %v (found %v), want 1", p.Value, ok)
	}
}

// A Start called once the request is written (the Tracer defers it) dates the span from
// TraceQueryStartData.Start, when the statement began; without it, from the call.
func TestDirectDeferredStartTime(t *testing.T) {
	c := connect(t, nil)
	e := newEnv(t)
	if !e.tr.DeferQueryStart() {
		t.Fatal("the Tracer does not defer TraceQueryStart")
	}
	ctx, parent := e.parent(testCtx(t))
	began := time.Now().Add(-time.Second)
	qctx := e.tr.TraceQueryStart(ctx, c, myx.TraceQueryStartData{SQL: "SELECT name FROM users WHERE id = ?", Args: []any{7}, Statement: selectUsers, Start: began})
	e.tr.TraceQueryEnd(qctx, c, myx.TraceQueryEndData{RowsReturned: 1, Duration: time.Second})
	before := time.Now()
	qctx = e.tr.TraceQueryStart(ctx, c, myx.TraceQueryStartData{SQL: "DO 1", Statement: myx.StatementInfo{Operation: "DO"}})
	e.tr.TraceQueryEnd(qctx, c, myx.TraceQueryEndData{})
	parent.End()
	if s := e.only(t, "SELECT users"); !s.StartTime().Equal(began) || s.EndTime().Sub(s.StartTime()) < time.Second {
		t.Errorf("deferred span from %v to %v, want from %v, at least a second", s.StartTime(), s.EndTime(), began)
	}
	if s := e.only(t, "DO"); s.StartTime().Before(before) {
		t.Errorf("span started %v, before the call at %v", s.StartTime(), before)
	}
	wantAttrs(t, "deferred span", e.only(t, "SELECT users").Attributes(), map[string]string{"db.query.text": "SELECT name FROM users WHERE id = ?", "db.operation.name": "SELECT"})
}

func TestDirectNameFallbacks(t *testing.T) {
	c := connect(t, nil)
	e := newEnv(t)
	ctx, parent := e.parent(testCtx(t))
	for _, info := range []myx.StatementInfo{
		{Operation: "DELETE", Collection: "orders"},
		{Operation: "CALL"},
		{},
	} {
		qctx := e.tr.TraceQueryStart(ctx, c, myx.TraceQueryStartData{SQL: "whatever the text", Statement: info})
		e.tr.TraceQueryEnd(qctx, c, myx.TraceQueryEndData{})
	}
	parent.End()
	e.only(t, "DELETE orders")
	e.only(t, "CALL")
	s := e.only(t, "mariadb")
	// Without arguments the text may carry literal values: it is left out.
	noAttrs(t, "unknown statement", s.Attributes(), "db.query.text", "db.operation.name", "db.collection.name", "db.query.summary")
}

func TestDirectNoSpanWithoutParent(t *testing.T) {
	c := connect(t, nil)
	e := newEnv(t)
	ctx := testCtx(t)
	qctx := e.tr.TraceQueryStart(ctx, c, myx.TraceQueryStartData{SQL: "SELECT 1", Statement: myx.StatementInfo{Operation: "SELECT"}})
	if trace.SpanFromContext(qctx).IsRecording() {
		t.Error("a span was started without a recording parent")
	}
	e.tr.TraceQueryEnd(qctx, c, myx.TraceQueryEndData{Duration: time.Millisecond})
	if n := len(e.rec.Ended()); n != 0 {
		t.Errorf("%d spans ended without a parent, want 0", n)
	}
	// The metric is recorded all the same.
	if _, ok := pointWith(histogramPoints(t, e.collect(t), "db.client.operation.duration"), histAttrs, map[string]string{"db.operation.name": "SELECT"}); !ok {
		t.Error("no duration point for a statement without a parent span")
	}

	// Asked for, the span starts a trace of its own.
	e2 := newEnv(t, otelmyx.WithSpansWithoutParent(true), otelmyx.WithQueryText(false))
	qctx = e2.tr.TraceQueryStart(ctx, c, myx.TraceQueryStartData{SQL: "SELECT ?", Args: []any{1}, Statement: myx.StatementInfo{Operation: "SELECT"}})
	e2.tr.TraceQueryEnd(qctx, c, myx.TraceQueryEndData{})
	s := e2.only(t, "SELECT")
	if s.Parent().IsValid() {
		t.Error("the span has a parent")
	}
	noAttrs(t, "WithQueryText(false)", s.Attributes(), "db.query.text")
}

func TestDirectServerError(t *testing.T) {
	c := connect(t, nil)
	e := newEnv(t)
	ctx, parent := e.parent(testCtx(t))
	_, serverErr := c.Exec(ctx, "SELECT * FROM no_such_table_otelmyx")
	var me *myx.MySQLError
	if !errors.As(serverErr, &me) || me.Number != 1146 {
		t.Fatalf("got %v, want error 1146", serverErr)
	}
	qctx := e.tr.TraceQueryStart(ctx, c, myx.TraceQueryStartData{SQL: "SELECT * FROM no_such_table_otelmyx", Statement: myx.StatementInfo{Operation: "SELECT", Collection: "no_such_table_otelmyx", Summary: "SELECT no_such_table_otelmyx"}})
	e.tr.TraceQueryEnd(qctx, c, myx.TraceQueryEndData{Err: serverErr})
	qctx = e.tr.TraceQueryStart(ctx, c, myx.TraceQueryStartData{SQL: "SELECT SLEEP(10)", Statement: myx.StatementInfo{Operation: "SELECT"}})
	e.tr.TraceQueryEnd(qctx, c, myx.TraceQueryEndData{Err: &myx.InterruptedError{Cause: context.Canceled}})
	parent.End()

	s := e.only(t, "SELECT no_such_table_otelmyx")
	wantAttrs(t, "failed statement", s.Attributes(), map[string]string{"db.response.status_code": "1146", "error.type": "1146"})
	if s.Status().Code != codes.Error {
		t.Errorf("status %v, want Error", s.Status())
	}
	s = e.only(t, "SELECT")
	wantAttrs(t, "cancelled statement", s.Attributes(), map[string]string{"error.type": "context.Canceled"})
	noAttrs(t, "cancelled statement", s.Attributes(), "db.response.status_code")

	if _, ok := pointWith(histogramPoints(t, e.collect(t), "db.client.operation.duration"), histAttrs, map[string]string{"db.response.status_code": "1146", "error.type": "1146"}); !ok {
		t.Error("no duration point with the error's status code")
	}
}

func TestDirectBatch(t *testing.T) {
	c := connect(t, nil)
	e := newEnv(t)
	ctx, parent := e.parent(testCtx(t))
	ins := myx.StatementInfo{Operation: "INSERT", Collection: "t", Summary: "INSERT t"}
	bctx := e.tr.TraceBatchStart(ctx, c, myx.TraceBatchStartData{Len: 3})
	for i := range 3 {
		e.tr.TraceBatchQuery(bctx, c, myx.TraceBatchQueryData{Index: i, SQL: "INSERT INTO t VALUES (?)", Args: []any{i}, Statement: ins, RowsAffected: 1})
	}
	e.tr.TraceBatchEnd(bctx, c, myx.TraceBatchEndData{RoundTrips: 1})
	bctx = e.tr.TraceBatchStart(ctx, c, myx.TraceBatchStartData{Len: 2})
	e.tr.TraceBatchQuery(bctx, c, myx.TraceBatchQueryData{Index: 0, Statement: ins})
	e.tr.TraceBatchQuery(bctx, c, myx.TraceBatchQueryData{Index: 1, Statement: selectUsers, Err: &myx.MySQLError{Number: 1146}})
	e.tr.TraceBatchEnd(bctx, c, myx.TraceBatchEndData{Err: &myx.MySQLError{Number: 1146}})
	parent.End()

	s := e.only(t, "BATCH INSERT t")
	wantAttrs(t, "batch", s.Attributes(), map[string]string{"db.operation.batch.size": "3", "db.operation.name": "BATCH", "db.query.summary": "BATCH INSERT t"})
	if n := len(s.Events()); n != 3 {
		t.Fatalf("%d events, want one per item (3)", n)
	}
	wantAttrs(t, "batch item 2", s.Events()[2].Attributes, map[string]string{"myx.batch.index": "2", "db.query.summary": "INSERT t", "myx.rows_affected": "1"})
	s = e.only(t, "BATCH")
	wantAttrs(t, "mixed batch", s.Attributes(), map[string]string{"db.operation.batch.size": "2", "error.type": "1146"})
	wantAttrs(t, "failed item", s.Events()[1].Attributes, map[string]string{"db.response.status_code": "1146"})
}
