// Package otelmyx records what myx does as OpenTelemetry spans and metrics, following the
// OpenTelemetry database semantic conventions for MySQL and MariaDB.
//
//	t := otelmyx.NewTracer() // the global TracerProvider and MeterProvider
//	cfg, _ := myx.ParseConfig(dsn)
//	cfg.Tracer = t
//	conn, _ := myx.ConnectConfig(ctx, cfg)
//
// For a pool, set the connection config's Tracer and the pool's (pool.Config.Tracer) to the same
// Tracer: it then also records the pool's acquires and connection metrics.
//
// # Spans
//
// One span of kind client per statement (Exec, Query, QueryRow, a Stmt's executions), per
// SendBatch (its items are events of that span), per ExecMany, per CopyFrom and per connection
// attempt. A span is named after the statement's db.query.summary ("SELECT users"), else its
// operation and table, else its operation, else the database system ("mysql"): never after
// the SQL text. The summary, operation and table come from myx.StatementInfo: exact for
// statements built with sqlb, from the SQL lexer for raw SQL, absent where the lexer is not
// sure.
//
// By default a span is started only under a recording parent span, so a statement run
// outside any trace costs no span (WithSpansWithoutParent changes that); metrics are recorded
// either way. Pool acquires get no span unless WithAcquireSpans(true).
//
// Attributes: db.system.name ("mariadb" when the handshake says MariaDB, "mysql" for MySQL and
// for TiDB, which speaks the MySQL protocol and has no value of its own in the conventions;
// myx.server.flavor says "tidb" then), db.namespace (the Config's database), db.operation.name,
// db.collection.name, db.query.text (the text as given, with its placeholders, only for
// statements that have arguments: a statement without arguments may carry literal values,
// which are never recorded; WithQueryText(false) leaves the text out altogether),
// db.response.status_code (the MySQL error number) and error.type (the error number for a
// server error, else the error's type), server.address, server.port (left out for the
// default port, 3306, as the conventions ask), db.operation.batch.size
// for SendBatch and ExecMany, and myx's own myx.conn.id and myx.rows_affected (when not zero).
// Off by default, because every attribute of a span costs the SDK work and memory (see Cost),
// and on with an option: db.query.summary on a statement's span, which is named after it
// (WithSummaryAttribute; the spans of batches, ExecMany and CopyFrom have it always),
// db.response.returned_rows (WithReturnedRows; opt-in in the conventions too), and
// myx.round_trips, myx.bytes_sent, myx.bytes_read and myx.statement_cache ("hit", "miss",
// "not_used", or "prepared" for a Stmt's executions) (WithIOAttributes; the myx.client.*
// counters count them either way). A statement's span starts with the attributes a sampler
// may look at (system, namespace, server, operation, table, text) and the connection id, and
// gets those of the outcome at its end; it is started once the statement's request is
// written, while the server works on it, and dated from when the statement began
// (myx.QueryStartDeferrer).
// Cancellations (KILL QUERY), retries, session resets and statement preparations are events
// on the span of the context they happen in.
//
// # Metrics
//
// db.client.operation.duration (seconds, the convention's buckets 0.001 … 10; attributes
// db.system.name, db.namespace, db.operation.name, db.collection.name, db.query.summary,
// server.address, server.port, and db.response.status_code and error.type on failure), and
// myx's counters: myx.client.bytes (network.io.direction transmit/receive),
// myx.client.round_trips and myx.client.statement_cache (myx.statement_cache hit/miss), summed
// in memory and observed when the metrics are collected; myx.client.kills (myx.kill.outcome),
// myx.client.resets and myx.client.retries (myx.retry.operation). The pool's connection
// metrics are described at RegisterPoolMetrics.
//
// # Cost
//
// Under a recording parent, a statement costs one SDK span and one histogram measurement, and
// little of the Tracer's own: what its span starts from (name, kind, the attributes a sampler
// may look at) and its measurement's attribute set are made at its first execution on a kind
// of connection and kept (up to 4096 statements); a statement then allocates one context
// beyond what the SDK allocates and formats nothing. Without a recording parent it costs the
// measurement and that allocation. Most of a span's cost is the SDK's, and grows with its
// attributes (with the SDK v1.47 each costs some 600 instructions: copied, normalized, and
// deduplicated through a map when the span ends); hence the opt-in attributes above. The span
// gets every attribute known at its start in one option, so the SDK sizes its attributes
// once, and a successful SELECT's end sets none.
//
// The SDK's BatchSpanProcessor sends every span that ends to its goroutine on a channel, and
// the Go runtime wakes a thread to receive it: on a machine with few cores that hand-off costs
// more than the span. NewBatchSpanProcessor is a drop-in (the SDK's options and environment
// variables) that queues spans under a mutex and wakes its goroutine once per batch of 512 (or
// at the batch timeout).
//
// Measured on 2026-12-02 on a shared 2-core machine, BenchmarkTracerCost with callgrind
// (GOGC=off GOMAXPROCS=1, the difference between 1,000 and 11,000 iterations; the load does
// not change instruction counts):
//
//	                                          instructions  allocs  bytes
//	statement span + metrics (span)                 14,300       7  2,568  (with server.port: 15,200)
//	an empty SDK span, no metrics (sdkempty)         3,400       3    944
//	pool acquire and release hooks (pool)            4,000       0      0
//
// A traced point query through the connection (BenchmarkPoint, the SDK's batching processor)
// runs 23,900 instructions against 5,400 untraced; of the difference, myx's hooks on the
// connection (the statement's description, the clock) are a few hundred, the SDK nearly all
// the rest.
//
// The pool hooks are two histogram measurements (wait and use time), about 2,000 SDK
// instructions each. BenchmarkPointInterleaved runs the point query untraced and traced in
// alternating rounds of 50 and reports the median of the rounds' throughput ratios
// (median-ratio) and the ratio of the sums (ratio); on the idle machine at 14:17 UTC (the
// untraced query 45 to 50 µs, four runs of 20,000 queries each), median-ratio / ratio:
//
//	                                       one connection           pool of 4
//	spans dropped at their end             0.95-0.97 / 0.89-0.93    0.90-0.95 / 0.85-0.91
//	NewBatchSpanProcessor                  0.91-0.97 / 0.88-0.95    0.89-0.95 / 0.85-0.89
//	the SDK's BatchSpanProcessor           0.60-0.75 / 0.62-0.73    0.59-0.62 / 0.58-0.62
//
// Tracing added 6 to 8 µs of client CPU per query with spans dropped or batched by
// NewBatchSpanProcessor, and 35 to 50 µs with the SDK's processor.
package otelmyx

import (
	"context"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/myxdb/myx"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope name of the tracer and meter otelmyx uses.
const ScopeName = "github.com/myxdb/myx/otelmyx"

// Attribute keys of myx's own, outside the semantic conventions (hence the myx. prefix).
const (
	AttrConnID         = attribute.Key("myx.conn.id")          // the server's connection (thread) id
	AttrRoundTrips     = attribute.Key("myx.round_trips")      // request/reply exchanges of the operation
	AttrBytesSent      = attribute.Key("myx.bytes_sent")       // bytes written, protocol framing included
	AttrBytesRead      = attribute.Key("myx.bytes_read")       // bytes read, protocol framing included
	AttrStatementCache = attribute.Key("myx.statement_cache")  // "hit", "miss", "not_used" or "prepared" (a Stmt)
	AttrRowsAffected   = attribute.Key("myx.rows_affected")    // from the OK packet
	AttrServerFlavor   = attribute.Key("myx.server.flavor")    // "tidb" for TiDB (db.system.name says mysql)
	AttrBatchIndex     = attribute.Key("myx.batch.index")      // position of a batch item, from 0
	AttrExecManyMethod = attribute.Key("myx.execmany.method")  // "bulk", "multirow" or "pipelined"
	AttrKillOutcome    = attribute.Key("myx.kill.outcome")     // "killed", "failed" or "closed"
	AttrRetryOperation = attribute.Key("myx.retry.operation")  // what was retried: "transaction", "exec", ...
	AttrRetryAttempt   = attribute.Key("myx.retry.attempt")    // the attempt about to start, from 2
	AttrPrepareCached  = attribute.Key("myx.prepare.cached")   // the prepared statement came from the cache
	AttrAcquireNewConn = attribute.Key("myx.acquire.new_conn") // the acquire was served by a connection opened for it
)

// durationBuckets are the explicit bucket boundaries the conventions give for
// db.client.operation.duration and the pool's time histograms.
var durationBuckets = []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}

// Option configures a Tracer.
type Option func(*config)

type config struct {
	tp             trace.TracerProvider
	mp             metric.MeterProvider
	queryText      bool
	ioAttrs        bool
	returnedRows   bool
	summaryAttr    bool
	acquireSpans   bool
	withoutParent  bool
	attrs          []attribute.KeyValue
	poolName       string
	disableMetrics bool
}

// WithTracerProvider sets the TracerProvider spans are made with; the default is the global
// one (otel.GetTracerProvider) at the time NewTracer is called.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider sets the MeterProvider metrics are recorded with; the default is the
// global one (otel.GetMeterProvider) at the time NewTracer is called.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.mp = mp }
}

// WithQueryText turns db.query.text on (the default) or off. Even when on, only the text of
// statements that have arguments is recorded: it is parameterized, its values travel apart.
// Arguments are never recorded.
func WithQueryText(on bool) Option {
	return func(c *config) { c.queryText = on }
}

// WithIOAttributes turns myx.round_trips, myx.bytes_sent, myx.bytes_read and
// myx.statement_cache on spans on or off (the default). They are off by default because each
// attribute of a span costs the OpenTelemetry SDK some 700 instructions and memory (see Cost
// in the package documentation), and the myx.client.* counters count them either way.
func WithIOAttributes(on bool) Option {
	return func(c *config) { c.ioAttrs = on }
}

// WithReturnedRows turns db.response.returned_rows on the spans of statements and the events
// of batch items on or off (the default: the conventions make it opt-in).
func WithReturnedRows(on bool) Option {
	return func(c *config) { c.returnedRows = on }
}

// WithSummaryAttribute turns db.query.summary on the spans of statements on or off (the
// default). Such a span is named after the summary, and the summary is an attribute of
// db.client.operation.duration either way; as an attribute too it would be one more for the
// SDK to copy and deduplicate (see Cost in the package documentation). The spans of batches,
// ExecMany and CopyFrom always carry it.
func WithSummaryAttribute(on bool) Option {
	return func(c *config) { c.summaryAttr = on }
}

// WithAcquireSpans turns on a span per pool acquire ("acquire", under a recording parent);
// off by default, since an acquire is usually instantaneous and would double the spans.
// The acquire's wait is recorded in db.client.connection.wait_time either way.
func WithAcquireSpans(on bool) Option {
	return func(c *config) { c.acquireSpans = on }
}

// WithSpansWithoutParent makes spans also when the context has no recording span (they then
// start traces of their own); off by default, so that background work does not flood the
// tracing backend.
func WithSpansWithoutParent(on bool) Option {
	return func(c *config) { c.withoutParent = on }
}

// WithAttributes adds attributes to every span (not to metrics, whose cardinality they could
// raise).
func WithAttributes(attrs ...attribute.KeyValue) Option {
	return func(c *config) { c.attrs = append(c.attrs, attrs...) }
}

// WithPoolName sets db.client.connection.pool.name for the pool metrics; the default is
// "host:port/database" of the pool's connection config.
func WithPoolName(name string) Option {
	return func(c *config) { c.poolName = name }
}

// WithoutMetrics records spans only.
func WithoutMetrics() Option {
	return func(c *config) { c.disableMetrics = true }
}

// Tracer implements the myx tracer interfaces (QueryTracer, BatchTracer, ExecManyTracer,
// CopyFromTracer, PrepareTracer, ConnectTracer, CancelTracer, ResetTracer, RetryTracer) with
// OpenTelemetry. It is safe for concurrent use by any number of connections and pools.
type Tracer struct {
	cfg    config
	tracer trace.Tracer
	m      instruments

	// stmts caches, per connection configuration, server and statement, what the statement's
	// spans and measurements start from (see stmtEntry).
	stmtMu sync.RWMutex
	stmts  map[stmtKey]*stmtEntry

	mu       sync.RWMutex
	metsets  map[metricKey]*measureOpts
	totals   map[metricKey]*connTotals
	overflow *connTotals // past maxMetricSets connection attribute sets (not observed)

	pools poolsState
}

// NewTracer returns a Tracer configured by opts. Instruments that the MeterProvider refuses
// to create are replaced by no-op ones (OpenTelemetry's own error handler is told).
func NewTracer(opts ...Option) *Tracer {
	c := config{queryText: true}
	for _, o := range opts {
		o(&c)
	}
	if c.tp == nil {
		c.tp = otel.GetTracerProvider()
	}
	if c.mp == nil {
		c.mp = otel.GetMeterProvider()
	}
	t := &Tracer{
		cfg:      c,
		tracer:   c.tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL)),
		stmts:    make(map[stmtKey]*stmtEntry),
		metsets:  make(map[metricKey]*measureOpts),
		totals:   make(map[metricKey]*connTotals),
		overflow: &connTotals{},
	}
	t.m = newInstruments(c, t.observeTotals)
	return t
}

// stateKey is the context key of the *opState a Start hands to its End.
type stateKey struct{}

// opState carries what a Start learnt to the matching End: the span (nil when none was
// started) and what the duration metric needs.
type opState struct {
	span  trace.Span
	entry *stmtEntry // the connection's attributes (and, for a statement, its own)
	// buf is where a statement's Start gathers its span's attributes, and then its End:
	// part of the context's allocation (spanCtx), so that passing them allocates nothing of
	// ours; nil without a span.
	buf *[spanAttrs]attribute.KeyValue
	op  *opInfo // nil for a statement
}

// opInfo is what the End of an operation other than a statement needs besides (in genCtx).
type opInfo struct {
	info  myx.StatementInfo
	start time.Time // when the operation began, for an End whose data has no duration
	batch batchState
}

// stmtKey identifies a stmtEntry: the connection's configuration, server and address, and
// the statement's description and recorded text.
type stmtKey struct {
	cfg    *myx.Config
	flavor myx.Flavor
	addr   string
	info   myx.StatementInfo
	text   string // db.query.text, "" for none
}

// stmtEntry is what every span and measurement of one statement on one kind of connection
// starts from, made at its first execution: the span's name and start options (kind and
// attributes, the ones sampling may look at), the duration's attribute set for a success,
// and the counters its bytes and round trips add to.
type stmtEntry struct {
	conn   connAttrs // without the connection id, which is per connection
	info   myx.StatementInfo
	name   string
	attrs  []attribute.KeyValue // a span's attributes at its start, but the connection id
	ok     *measureOpts
	totals *connTotals
}

// maxStmtEntries bounds the statement cache; when it is full it is emptied (entries are
// remade as statements run again). An entry keeps its Config reachable. A statement whose
// recorded text is longer than maxCachedText gets an entry of its own each time.
const (
	maxStmtEntries = 4096
	maxCachedText  = 4 << 10
)

// entryFor gives the stmtEntry of the statement info with text on c ("" text: none recorded).
// The zero info gives the connection's own entry, for operations that are not one statement.
func (t *Tracer) entryFor(c *myx.Conn, info myx.StatementInfo, text string) *stmtEntry {
	k := stmtKey{info: info, text: text}
	if len(text) > maxCachedText {
		return t.newEntry(c, info, text)
	}
	if c != nil {
		k.cfg, k.flavor, k.addr = c.Config(), c.ServerInfo().Flavor, c.Addr()
	}
	t.stmtMu.RLock()
	e, ok := t.stmts[k]
	t.stmtMu.RUnlock()
	if ok {
		return e
	}
	e = t.newEntry(c, info, text)
	t.stmtMu.Lock()
	defer t.stmtMu.Unlock()
	if old, ok := t.stmts[k]; ok {
		return old
	}
	if len(t.stmts) >= maxStmtEntries {
		clear(t.stmts)
	}
	t.stmts[k] = e
	return e
}

func (t *Tracer) newEntry(c *myx.Conn, info myx.StatementInfo, text string) *stmtEntry {
	e := &stmtEntry{conn: connAttrsOf(c), info: info}
	e.conn.id = 0
	e.name = spanName(info, e.conn.system)
	kv := make([]attribute.KeyValue, 0, 9+len(t.cfg.attrs))
	kv = e.conn.appendTo(kv)
	si := info
	if !t.cfg.summaryAttr {
		si.Summary = "" // the span's name
	}
	kv = appendStatement(kv, si)
	if text != "" && t.cfg.queryText {
		kv = append(kv, semconv.DBQueryTextKey.String(text))
	}
	e.attrs = append(kv, t.cfg.attrs...)
	k := keyOf(kindOperation, &e.conn)
	k.op, k.coll, k.summary = info.Operation, info.Collection, info.Summary
	e.ok = t.option(k)
	e.totals = t.totalsFor(&e.conn)
	return e
}

// batchState follows a SendBatch's items to name its span at the end.
type batchState struct {
	summary string // the items' common summary while they share one
	mixed   bool   // the items do not share one summary
	count   int
	failed  int
}

// connAttrs are what a connection contributes to every span and metric.
type connAttrs struct {
	system    attribute.KeyValue
	tidb      bool
	namespace string
	address   string
	port      int
	id        int64
}

func connAttrsOf(c *myx.Conn) connAttrs {
	var a connAttrs
	a.system = semconv.DBSystemNameMySQL
	if c == nil {
		return a
	}
	switch c.ServerInfo().Flavor {
	case myx.MariaDB:
		a.system = semconv.DBSystemNameMariaDB
	case myx.TiDB:
		a.tidb = true
	}
	a.id = int64(c.ConnID())
	if cfg := c.Config(); cfg != nil {
		a.namespace = cfg.Database
		// The host the connection went to: with several hosts (Config.Addrs), not
		// necessarily Config.Addr.
		a.address, a.port = splitNetAddr(cfg.Network, c.Addr())
		a.port = reportedPort(a.port)
	}
	return a
}

// defaultPort is the port of the MySQL family's servers by default (TiDB's own default,
// 4000, is not: TiDB reports itself as mysql).
const defaultPort = 3306

// reportedPort is the server.port to set for port: none (0) for no port or the default one,
// as the conventions ask ("if using a port other than the default port for this DBMS"),
// which also spares every span and measurement an attribute in the common case.
func reportedPort(port int) int {
	if port == defaultPort {
		return 0
	}
	return port
}

// splitAddr gives server.address and server.port of a Config: host and port for tcp, the
// socket path (and no port) for a unix socket.
func splitAddr(cfg *myx.Config) (string, int) {
	return splitNetAddr(cfg.Network, cfg.Addr)
}

// splitNetAddr is splitAddr of an address on a network; "" stands for the default address.
func splitNetAddr(network, addr string) (string, int) {
	if network == "unix" {
		if addr == "" {
			addr = myx.DefaultSocket
		}
		return addr, 0
	}
	if addr == "" {
		addr = myx.DefaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, 0
	}
	p, _ := strconv.Atoi(port)
	return host, p
}

func (a *connAttrs) appendTo(kv []attribute.KeyValue) []attribute.KeyValue {
	kv = append(kv, a.system)
	if a.tidb {
		kv = append(kv, AttrServerFlavor.String("tidb"))
	}
	if a.namespace != "" {
		kv = append(kv, semconv.DBNamespaceKey.String(a.namespace))
	}
	if a.address != "" {
		kv = append(kv, semconv.ServerAddressKey.String(a.address))
	}
	if a.port != 0 {
		kv = append(kv, semconv.ServerPortKey.Int(a.port))
	}
	return kv
}

func appendStatement(kv []attribute.KeyValue, info myx.StatementInfo) []attribute.KeyValue {
	if info.Summary != "" {
		kv = append(kv, semconv.DBQuerySummaryKey.String(info.Summary))
	}
	if info.Operation != "" {
		kv = append(kv, semconv.DBOperationNameKey.String(info.Operation))
	}
	if info.Collection != "" {
		kv = append(kv, semconv.DBCollectionNameKey.String(info.Collection))
	}
	return kv
}

// spanName is the low-cardinality name of a statement's span.
func spanName(info myx.StatementInfo, system attribute.KeyValue) string {
	switch {
	case info.Summary != "":
		return info.Summary
	case info.Operation != "" && info.Collection != "":
		return info.Operation + " " + info.Collection
	case info.Operation != "":
		return info.Operation
	}
	return system.Value.AsString()
}

// wantSpan reports whether an operation in ctx gets a span.
func (t *Tracer) wantSpan(ctx context.Context) bool {
	return t.cfg.withoutParent || trace.SpanFromContext(ctx).IsRecording()
}

// startSpan starts a client span named name with the connection's and the statement's
// attributes plus extra.
func (t *Tracer) startSpan(ctx context.Context, name string, ca *connAttrs, id int64, info myx.StatementInfo, text string, extra ...attribute.KeyValue) (context.Context, trace.Span) {
	kv := make([]attribute.KeyValue, 0, 11+len(extra)+len(t.cfg.attrs))
	kv = ca.appendTo(kv)
	if id != 0 {
		kv = append(kv, AttrConnID.Int64(id))
	}
	kv = appendStatement(kv, info)
	if text != "" && t.cfg.queryText {
		kv = append(kv, semconv.DBQueryTextKey.String(text))
	}
	kv = append(kv, extra...)
	kv = append(kv, t.cfg.attrs...)
	return t.tracer.Start(ctx, name, clientKind, trace.WithAttributes(kv...))
}

// errorAttrs gives db.response.status_code (for a server error) and error.type of err.
func errorAttrs(err error) (status string, errType string) {
	var me *myx.MySQLError
	if asMySQLError(err, &me) {
		s := strconv.Itoa(int(me.Number))
		return s, s
	}
	switch {
	case isCtx(err, context.DeadlineExceeded):
		return "", "context.DeadlineExceeded"
	case isCtx(err, context.Canceled):
		return "", "context.Canceled"
	}
	return "", semconv.ErrorType(err).Value.AsString()
}

// endSpan records err on span and ends it.
func endSpan(span trace.Span, err error, kv ...attribute.KeyValue) {
	if err != nil {
		kv = appendError(kv, err)
		span.SetStatus(codes.Error, err.Error())
	}
	if len(kv) > 0 {
		span.SetAttributes(kv...)
	}
	span.End()
}

// appendIO appends myx.round_trips, myx.bytes_sent and myx.bytes_read with
// WithIOAttributes(true).
func (t *Tracer) appendIO(kv []attribute.KeyValue, roundTrips int, sent, read int64) []attribute.KeyValue {
	if !t.cfg.ioAttrs {
		return kv
	}
	return append(kv, AttrRoundTrips.Int(roundTrips), AttrBytesSent.Int64(sent), AttrBytesRead.Int64(read))
}

// appendError appends db.response.status_code (for a server error) and error.type of err.
func appendError(kv []attribute.KeyValue, err error) []attribute.KeyValue {
	status, errType := errorAttrs(err)
	if status != "" {
		kv = append(kv, semconv.DBResponseStatusCodeKey.String(status))
	}
	return append(kv, semconv.ErrorTypeKey.String(errType))
}

// opCtx is the context a Start returns: the caller's (with the span, if one was started) and
// the operation's state in one allocation.
type opCtx struct {
	context.Context
	opState
}

// Value gives the opCtx itself for stateKey, and defers to the parent for every other key.
func (c *opCtx) Value(key any) any {
	if _, ok := key.(stateKey); ok {
		return c
	}
	return c.Context.Value(key)
}

func stateFrom(ctx context.Context) *opState {
	if c, ok := ctx.Value(stateKey{}).(*opCtx); ok {
		return &c.opState
	}
	return nil
}

// opFrom is stateFrom for the End of an operation other than a statement.
func opFrom(ctx context.Context) (*opState, *opInfo) {
	if st := stateFrom(ctx); st != nil && st.op != nil {
		return st, st.op
	}
	return nil, nil
}

// genCtx is the context of an operation other than a statement.
type genCtx struct {
	opCtx
	opInfo
}

// spanAttrs is how many attributes a statement's span passes at most without allocating a
// buffer of its own: at its start the connection's four, the statement's two, its text and
// the connection id with one more to spare (the summary or one of WithAttributes), and at its
// end the six TraceQueryEnd sets at most when the statement succeeded with every option on
// (rows returned and affected, round trips, bytes sent and read, cache outcome); more make
// append allocate.
const spanAttrs = 9

// spanCtx is an opCtx with the buffer its Start and End gather the span's attributes in.
type spanCtx struct {
	opCtx
	buf  [spanAttrs]attribute.KeyValue
	opts [3]trace.SpanStartOption // the kind, the attributes and, started late, a timestamp
}

func newSpanCtx() *spanCtx {
	sc := &spanCtx{}
	sc.opCtx.buf = &sc.buf
	return sc
}

// clientKind is the start option of every span (made once: an option is an interface value).
var clientKind = trace.WithSpanKind(trace.SpanKindClient)

// begin is the common Start of the operations other than a statement: it starts a span when
// wanted and hands an opState to End. text is the parameterized query text for db.query.text
// ("" for none).
func (t *Tracer) begin(ctx context.Context, c *myx.Conn, name string, info myx.StatementInfo, text string, extra ...attribute.KeyValue) context.Context {
	gc := &genCtx{}
	gc.op = &gc.opInfo
	gc.start, gc.info = time.Now(), info
	oc := &gc.opCtx
	st := &oc.opState
	st.entry = t.entryFor(c, myx.StatementInfo{}, "")
	if t.wantSpan(ctx) {
		if name == "" {
			name = spanName(info, st.entry.conn.system)
		}
		ctx, st.span = t.startSpan(ctx, name, &st.entry.conn, connID(c), info, text, extra...)
	}
	oc.Context = ctx
	return oc
}

// connID is myx.conn.id of c (0 for none).
func connID(c *myx.Conn) int64 {
	if c == nil {
		return 0
	}
	return int64(c.ConnID())
}

// DeferQueryStart implements myx.QueryStartDeferrer: a statement's span is started once its
// request is on the wire, while the server works on it, dated from when the statement began
// (TraceQueryStartData.Start).
func (t *Tracer) DeferQueryStart() bool { return true }

// TraceQueryStart implements myx.QueryTracer. The span starts with the attributes sampling
// may look at (system, namespace, server, operation, table, summary, text: made once per
// statement and kind of connection) and the connection id; those of the outcome are set at
// its end.
func (t *Tracer) TraceQueryStart(ctx context.Context, c *myx.Conn, data myx.TraceQueryStartData) context.Context {
	var text string
	if len(data.Args) > 0 && t.cfg.queryText {
		text = data.SQL
	}
	e := t.entryFor(c, data.Statement, text)
	if !t.wantSpan(ctx) {
		oc := &opCtx{Context: ctx}
		oc.entry = e
		return oc
	}
	sc := newSpanCtx()
	sc.entry = e
	// Every attribute known at the start goes in one option, the connection id with them:
	// the SDK then sizes the span's attributes once, and a successful SELECT's End sets none.
	kv := append(sc.buf[:0], e.attrs...)
	if id := connID(c); id != 0 {
		kv = append(kv, AttrConnID.Int64(id))
	}
	sc.opts[0], sc.opts[1] = clientKind, trace.WithAttributes(kv...)
	opts := sc.opts[:2]
	if !data.Start.IsZero() {
		// Started late (DeferQueryStart): the span begins when the statement did.
		sc.opts[2] = trace.WithTimestamp(data.Start)
		opts = sc.opts[:3]
	}
	ctx, sc.span = t.tracer.Start(ctx, e.name, opts...)
	sc.Context = ctx
	return &sc.opCtx
}

// TraceQueryEnd implements myx.QueryTracer.
func (t *Tracer) TraceQueryEnd(ctx context.Context, c *myx.Conn, data myx.TraceQueryEndData) {
	st := stateFrom(ctx)
	if st == nil || st.op != nil { // not a statement's context
		return
	}
	e := st.entry
	if data.Err == nil {
		t.m.duration.Record(ctx, data.Duration.Seconds(), e.ok.rec...)
	} else {
		t.recordOperation(ctx, &e.conn, e.info, data.Duration, data.Err)
	}
	e.totals.add(data.RoundTrips, data.BytesSent, data.BytesRead, data.Cache)
	if st.span == nil {
		return
	}
	kv := st.buf[:0] // the start's attributes were copied (trace.NewSpanStartConfig copies them)
	if t.cfg.returnedRows {
		kv = append(kv, semconv.DBResponseReturnedRows(int(data.RowsReturned)))
	}
	if data.RowsAffected != 0 {
		kv = append(kv, AttrRowsAffected.Int64(data.RowsAffected))
	}
	if t.cfg.ioAttrs {
		kv = append(kv,
			AttrRoundTrips.Int(data.RoundTrips),
			AttrBytesSent.Int64(data.BytesSent),
			AttrBytesRead.Int64(data.BytesRead),
			AttrStatementCache.String(data.Cache.String()))
	}
	if data.Err != nil {
		kv = appendError(kv, data.Err)
		st.span.SetStatus(codes.Error, data.Err.Error())
	}
	if len(kv) > 0 {
		st.span.SetAttributes(kv...)
	}
	st.span.End()
}

// TraceBatchStart implements myx.BatchTracer: one span for the whole batch, named at its end
// "BATCH {summary}" when every item has the same summary, else "BATCH".
func (t *Tracer) TraceBatchStart(ctx context.Context, c *myx.Conn, data myx.TraceBatchStartData) context.Context {
	return t.begin(ctx, c, "BATCH", myx.StatementInfo{}, "", semconv.DBOperationBatchSize(data.Len))
}

// TraceBatchQuery implements myx.BatchTracer: each item is an event of the batch's span.
func (t *Tracer) TraceBatchQuery(ctx context.Context, c *myx.Conn, data myx.TraceBatchQueryData) {
	st, op := opFrom(ctx)
	if st == nil {
		return
	}
	b := &op.batch
	b.count++
	if data.Err != nil {
		b.failed++
	}
	switch {
	case b.mixed:
	case b.count == 1:
		b.summary = spanName(data.Statement, st.entry.conn.system)
	case b.summary != spanName(data.Statement, st.entry.conn.system):
		b.mixed = true
	}
	if st.span == nil {
		return
	}
	kv := make([]attribute.KeyValue, 0, 8)
	kv = append(kv, AttrBatchIndex.Int(data.Index))
	kv = appendStatement(kv, data.Statement)
	if t.cfg.queryText && len(data.Args) > 0 {
		kv = append(kv, semconv.DBQueryTextKey.String(data.SQL))
	}
	if t.cfg.returnedRows {
		kv = append(kv, semconv.DBResponseReturnedRows(int(data.RowsReturned)))
	}
	kv = append(kv, AttrRowsAffected.Int64(data.RowsAffected))
	if data.Err != nil {
		kv = appendError(kv, data.Err)
	}
	st.span.AddEvent("batch item", trace.WithAttributes(kv...))
}

// TraceBatchEnd implements myx.BatchTracer.
func (t *Tracer) TraceBatchEnd(ctx context.Context, c *myx.Conn, data myx.TraceBatchEndData) {
	st, op := opFrom(ctx)
	if st == nil {
		return
	}
	b := &op.batch
	op.info = myx.StatementInfo{Operation: "BATCH", Summary: "BATCH"}
	if !b.mixed && b.count > 0 {
		op.info.Summary = "BATCH " + b.summary
	}
	d := data.Duration
	if d <= 0 {
		d = time.Since(op.start)
	}
	t.recordOperation(ctx, &st.entry.conn, op.info, d, data.Err)
	st.entry.totals.add(data.RoundTrips, data.BytesSent, data.BytesRead, myx.CacheNotUsed)
	if st.span != nil {
		st.span.SetName(op.info.Summary)
		endSpan(st.span, data.Err, t.appendIO([]attribute.KeyValue{
			semconv.DBQuerySummaryKey.String(op.info.Summary),
			semconv.DBOperationNameKey.String("BATCH"),
		}, data.RoundTrips, data.BytesSent, data.BytesRead)...)
	}
}

// batchInfo is the StatementInfo of a batch of n executions of the statement info: "BATCH "
// prepended to its operation and summary when n > 1 (the conventions model one parameter set
// as a single operation).
func batchInfo(info myx.StatementInfo, n int) myx.StatementInfo {
	if n == 1 {
		return info
	}
	if info.Operation != "" {
		info.Operation = "BATCH " + info.Operation
	} else {
		info.Operation = "BATCH"
	}
	if info.Summary != "" {
		info.Summary = "BATCH " + info.Summary
	} else {
		info.Summary = "BATCH"
	}
	return info
}

// TraceExecManyStart implements myx.ExecManyTracer: one span, named "BATCH {summary}" when
// there is more than one row of arguments.
func (t *Tracer) TraceExecManyStart(ctx context.Context, c *myx.Conn, data myx.TraceExecManyStartData) context.Context {
	info := batchInfo(data.Statement, data.Rows)
	if data.Rows != 1 {
		return t.begin(ctx, c, "", info, data.SQL, semconv.DBOperationBatchSize(data.Rows))
	}
	return t.begin(ctx, c, "", info, data.SQL)
}

// TraceExecManyEnd implements myx.ExecManyTracer.
func (t *Tracer) TraceExecManyEnd(ctx context.Context, c *myx.Conn, data myx.TraceExecManyEndData) {
	st, op := opFrom(ctx)
	if st == nil {
		return
	}
	d := data.Duration
	if d <= 0 {
		d = time.Since(op.start)
	}
	t.recordOperation(ctx, &st.entry.conn, op.info, d, data.Err)
	st.entry.totals.add(data.RoundTrips, data.BytesSent, data.BytesRead, myx.CacheNotUsed)
	if st.span != nil {
		endSpan(st.span, data.Err, t.appendIO([]attribute.KeyValue{
			AttrExecManyMethod.String(data.Method),
			AttrRowsAffected.Int64(data.RowsAffected),
		}, data.RoundTrips, data.BytesSent, data.BytesRead)...)
	}
}

// TraceCopyFromStart implements myx.CopyFromTracer: a span "LOAD DATA {table}".
func (t *Tracer) TraceCopyFromStart(ctx context.Context, c *myx.Conn, data myx.TraceCopyFromStartData) context.Context {
	info := myx.StatementInfo{Operation: "LOAD DATA", Collection: data.Table}
	if data.Table != "" {
		info.Summary = "LOAD DATA " + data.Table
	}
	return t.begin(ctx, c, "", info, "")
}

// TraceCopyFromEnd implements myx.CopyFromTracer.
func (t *Tracer) TraceCopyFromEnd(ctx context.Context, c *myx.Conn, data myx.TraceCopyFromEndData) {
	st, op := opFrom(ctx)
	if st == nil {
		return
	}
	d := data.Duration
	if d <= 0 {
		d = time.Since(op.start)
	}
	t.recordOperation(ctx, &st.entry.conn, op.info, d, data.Err)
	st.entry.totals.add(0, data.BytesSent, 0, myx.CacheNotUsed)
	if st.span != nil {
		kv := []attribute.KeyValue{AttrRowsAffected.Int64(data.Rows)}
		if t.cfg.ioAttrs {
			kv = append(kv, AttrBytesSent.Int64(data.BytesSent))
		}
		endSpan(st.span, data.Err, kv...)
	}
}

// TracePrepareStart implements myx.PrepareTracer. A preparation is an event ("prepare") of
// the span it happens under (the statement's, for the statement cache), not a span; a
// statement found in the cache (nothing sent) makes no event.
func (t *Tracer) TracePrepareStart(ctx context.Context, c *myx.Conn, data myx.TracePrepareStartData) context.Context {
	return ctx
}

// TracePrepareEnd implements myx.PrepareTracer.
func (t *Tracer) TracePrepareEnd(ctx context.Context, c *myx.Conn, data myx.TracePrepareEndData) {
	if data.Cached && data.Err == nil {
		return
	}
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	kv := []attribute.KeyValue{AttrPrepareCached.Bool(data.Cached), attribute.Float64("myx.prepare.duration", data.Duration.Seconds())}
	if data.Err != nil {
		kv = appendError(kv, data.Err)
	}
	span.AddEvent("prepare", trace.WithAttributes(kv...))
}

// TraceConnectStart implements myx.ConnectTracer: a span "connect".
func (t *Tracer) TraceConnectStart(ctx context.Context, data myx.TraceConnectStartData) context.Context {
	if !t.wantSpan(ctx) {
		return ctx
	}
	kv := make([]attribute.KeyValue, 0, 4)
	if data.Config != nil {
		addr, port := splitAddr(data.Config)
		kv = append(kv, semconv.ServerAddressKey.String(addr))
		if port = reportedPort(port); port != 0 {
			kv = append(kv, semconv.ServerPortKey.Int(port))
		}
		if data.Config.Database != "" {
			kv = append(kv, semconv.DBNamespaceKey.String(data.Config.Database))
		}
	}
	kv = append(kv, t.cfg.attrs...)
	ctx, _ = t.tracer.Start(ctx, "connect", clientKind, trace.WithAttributes(kv...))
	return ctx
}

// TraceConnectEnd implements myx.ConnectTracer.
func (t *Tracer) TraceConnectEnd(ctx context.Context, data myx.TraceConnectEndData) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	var kv []attribute.KeyValue
	if data.Conn != nil {
		ca := connAttrsOf(data.Conn)
		kv = append(kv, ca.system, AttrConnID.Int64(ca.id))
		if ca.tidb {
			kv = append(kv, AttrServerFlavor.String("tidb"))
		}
		// The host connected to, which for several hosts may not be the first (the start's).
		kv = append(kv, semconv.ServerAddressKey.String(ca.address))
		switch cfg := data.Conn.Config(); {
		case ca.port != 0:
			kv = append(kv, semconv.ServerPortKey.Int(ca.port))
		case cfg != nil:
			// The default port, left out, unless the start gave another one (the first
			// host's) that must be replaced.
			if _, first := splitAddr(cfg); reportedPort(first) != 0 {
				_, port := splitNetAddr(cfg.Network, data.Conn.Addr())
				kv = append(kv, semconv.ServerPortKey.Int(port))
			}
		}
	}
	endSpan(span, data.Err, kv...)
}

// TraceCancel implements myx.CancelTracer: an event "cancel" of the statement's span, and the
// myx.client.kills counter when a KILL QUERY was attempted.
func (t *Tracer) TraceCancel(ctx context.Context, c *myx.Conn, data myx.TraceCancelData) {
	outcome := "failed"
	switch {
	case data.Closed:
		outcome = "closed"
	case data.Killed:
		outcome = "killed"
	}
	t.m.count(ctx, t.m.kills, 1, &t.entryFor(c, myx.StatementInfo{}, "").conn, AttrKillOutcome.String(outcome))
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	kv := []attribute.KeyValue{AttrKillOutcome.String(outcome), attribute.Float64("myx.kill.duration", data.Duration.Seconds())}
	if data.Cause != nil {
		kv = append(kv, attribute.String("myx.cancel.cause", data.Cause.Error()))
	}
	if data.Err != nil {
		_, errType := errorAttrs(data.Err)
		kv = append(kv, semconv.ErrorTypeKey.String(errType))
	}
	span.AddEvent("cancel", trace.WithAttributes(kv...))
}

// TraceResetStart implements myx.ResetTracer.
func (t *Tracer) TraceResetStart(ctx context.Context, c *myx.Conn) context.Context { return ctx }

// TraceResetEnd implements myx.ResetTracer: the myx.client.resets counter, and an event
// "reset" of the span in ctx, if any.
func (t *Tracer) TraceResetEnd(ctx context.Context, c *myx.Conn, data myx.TraceResetEndData) {
	ca := &t.entryFor(c, myx.StatementInfo{}, "").conn
	if data.Err != nil {
		_, errType := errorAttrs(data.Err)
		t.m.count(ctx, t.m.resets, 1, ca, semconv.ErrorTypeKey.String(errType))
	} else {
		t.m.count(ctx, t.m.resets, 1, ca)
	}
	span := trace.SpanFromContext(ctx)
	if span.IsRecording() {
		span.AddEvent("reset", trace.WithAttributes(attribute.Float64("myx.reset.duration", data.Duration.Seconds())))
	}
}

// TraceRetry implements myx.RetryTracer: the myx.client.retries counter and an event "retry"
// of the span in ctx, if any.
func (t *Tracer) TraceRetry(ctx context.Context, data myx.TraceRetryData) {
	op := AttrRetryOperation.String(data.Op)
	t.m.retries.Add(ctx, 1, metric.WithAttributes(op))
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	kv := []attribute.KeyValue{op, AttrRetryAttempt.Int(data.Attempt)}
	if data.Err != nil {
		kv = appendError(kv, data.Err)
	}
	span.AddEvent("retry", trace.WithAttributes(kv...))
}

// Compile-time checks that Tracer implements every tracer interface of myx.
var (
	_ myx.QueryTracer        = (*Tracer)(nil)
	_ myx.QueryStartDeferrer = (*Tracer)(nil)
	_ myx.BatchTracer        = (*Tracer)(nil)
	_ myx.ExecManyTracer     = (*Tracer)(nil)
	_ myx.CopyFromTracer     = (*Tracer)(nil)
	_ myx.PrepareTracer      = (*Tracer)(nil)
	_ myx.ConnectTracer      = (*Tracer)(nil)
	_ myx.CancelTracer       = (*Tracer)(nil)
	_ myx.ResetTracer        = (*Tracer)(nil)
	_ myx.RetryTracer        = (*Tracer)(nil)
)
