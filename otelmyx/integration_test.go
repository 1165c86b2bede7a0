package otelmyx_test

// Tests through the library's hooks: the Tracer set as Config.Tracer or pool.Config.Tracer,
// statements run against the test server.

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/otelmyx"
)

// makeTable creates a table of the test's own (untraced) and drops it at the end.
func makeTable(t *testing.T, prefix string) string {
	t.Helper()
	c := connect(t, nil)
	table := tableName(prefix)
	if _, err := c.Exec(testCtx(t), "CREATE TABLE "+table+" (id INT PRIMARY KEY, name VARCHAR(64))"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := c.Exec(context.Background(), "DROP TABLE "+table); err != nil {
			t.Error(err)
		}
	})
	return table
}

func attrOf(s sdktrace.ReadOnlySpan, key string) (string, bool) {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.Emit(), true
		}
	}
	return "", false
}

func TestQuerySpans(t *testing.T) {
	table := makeTable(t, "otelmyx_q")
	e := newEnv(t, otelmyx.WithIOAttributes(true), otelmyx.WithReturnedRows(true))
	c := connect(t, e.tr)
	ctx, parent := e.parent(testCtx(t))
	ins := "INSERT INTO " + table + " (id, name) VALUES (?, ?)"
	if _, err := c.Exec(ctx, ins, 1, "ada"); err != nil {
		t.Fatal(err)
	}
	sel := "SELECT name FROM " + table + " WHERE id = ?"
	for range 2 {
		var name string
		if err := c.QueryRow(ctx, sel, 1).Scan(&name); err != nil || name != "ada" {
			t.Fatalf("got %q, %v", name, err)
		}
	}
	rows, err := c.Query(ctx, "SELECT id FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil || n != 1 {
		t.Fatalf("%d rows, %v", n, err)
	}
	parent.End()

	s := e.only(t, "INSERT "+table)
	if s.SpanKind() != trace.SpanKindClient || s.Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Errorf("INSERT span: kind %v parent %v, want client under %v", s.SpanKind(), s.Parent().SpanID(), parent.SpanContext().SpanID())
	}
	wantAttrs(t, "INSERT span", s.Attributes(), map[string]string{
		"db.system.name": "mariadb", "db.operation.name": "INSERT", "db.collection.name": table,
		"db.query.text": ins, "db.namespace": c.Config().Database, "server.port": portAttr(t, c.Addr()),
		"myx.rows_affected": "1",
	})
	var sels []sdktrace.ReadOnlySpan
	for _, sp := range e.ended() {
		if sp.Name() == "SELECT "+table {
			sels = append(sels, sp)
		}
	}
	if len(sels) != 3 {
		t.Fatalf("%d SELECT spans, want 3", len(sels))
	}
	wantAttrs(t, "first SELECT", sels[0].Attributes(), map[string]string{"db.query.text": sel, "db.response.returned_rows": "1", "myx.statement_cache": "miss"})
	wantAttrs(t, "second SELECT", sels[1].Attributes(), map[string]string{"myx.statement_cache": "hit"})
	// The SELECT without arguments: no text (it could hold literals).
	noAttrs(t, "SELECT without arguments", sels[2].Attributes(), "db.query.text")
	wantAttrs(t, "SELECT without arguments", sels[2].Attributes(), map[string]string{"db.response.returned_rows": "1"})
	for _, sp := range append(sels, s) {
		for _, k := range []string{"myx.round_trips", "myx.bytes_sent", "myx.bytes_read"} {
			if v, ok := attrOf(sp, k); !ok || v == "0" {
				t.Errorf("%s: %s = %q (present %v), want > 0", sp.Name(), k, v, ok)
			}
		}
		if strings.Contains(sp.Name(), "?") || strings.Contains(sp.Name(), "WHERE") {
			t.Errorf("span name %q carries SQL text", sp.Name())
		}
	}

	rm := e.collect(t)
	if pt, ok := pointWith(histogramPoints(t, rm, "db.client.operation.duration"), histAttrs, map[string]string{"db.operation.name": "SELECT", "db.collection.name": table}); !ok || pt.Count != 3 {
		t.Errorf("SELECT duration count %d (found %v), want 3", pt.Count, ok)
	}
	if pt, ok := pointWith(sumPoints(t, rm, otelmyx.MetricStatementCache), sumAttrs, map[string]string{"myx.statement_cache": "hit"}); !ok || pt.Value < 1 {
		t.Errorf("statement cache hits %d (found %v), want at least 1", pt.Value, ok)
	}
	if pt, ok := pointWith(sumPoints(t, rm, otelmyx.MetricRoundTrips), sumAttrs, map[string]string{"db.system.name": "mariadb"}); !ok || pt.Value < 4 {
		t.Errorf("round trips %d (found %v), want at least 4", pt.Value, ok)
	}
}

func TestNoSpanWithoutParent(t *testing.T) {
	e := newEnv(t)
	c := connect(t, e.tr)
	ctx := testCtx(t)
	var one int
	if err := c.QueryRow(ctx, "SELECT ?", 1).Scan(&one); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "DO 1"); err != nil {
		t.Fatal(err)
	}
	if got := e.ended(); len(got) != 0 {
		t.Errorf("%d spans without a parent, want none: first %q", len(got), got[0].Name())
	}
	var total uint64
	for _, p := range histogramPoints(t, e.collect(t), "db.client.operation.duration") {
		total += p.Count
	}
	if total != 2 {
		t.Errorf("duration count %d, want 2: metrics do not need a parent span", total)
	}
}

func TestServerErrorSpan(t *testing.T) {
	e := newEnv(t)
	c := connect(t, e.tr)
	ctx, parent := e.parent(testCtx(t))
	missing := tableName("otelmyx_missing")
	_, err := c.Exec(ctx, "DELETE FROM "+missing+" WHERE id = ?", 1)
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != 1146 {
		t.Fatalf("got %v, want error 1146", err)
	}
	// The connection is still usable, and its next span is clean.
	if _, err := c.Exec(ctx, "DO ?", 1); err != nil {
		t.Fatal(err)
	}
	parent.End()
	s := e.only(t, "DELETE "+missing)
	wantAttrs(t, "failed DELETE", s.Attributes(), map[string]string{"db.response.status_code": "1146", "error.type": "1146"})
	if s.Status().Code != codes.Error {
		t.Errorf("status %v, want Error", s.Status())
	}
	for _, sp := range e.ended() {
		if sp.Name() != s.Name() {
			noAttrs(t, sp.Name(), sp.Attributes(), "error.type", "db.response.status_code")
		}
	}
	if _, ok := pointWith(histogramPoints(t, e.collect(t), "db.client.operation.duration"), histAttrs, map[string]string{"db.response.status_code": "1146", "error.type": "1146", "db.operation.name": "DELETE"}); !ok {
		t.Error("no duration point for the failed DELETE with its status code")
	}
}

// waitRunning waits until the server runs a statement containing marker (seen from another
// connection, c), so that a cancellation is sure to find it running; it gives up quietly when
// ctx ends.
func waitRunning(t *testing.T, ctx context.Context, c *myx.Conn, marker string) {
	for {
		var n int
		if err := c.QueryRow(ctx, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND INFO NOT LIKE '%PROCESSLIST%'", "%"+marker+"%").Scan(&n); err != nil {
			if ctx.Err() == nil {
				t.Error(err)
			}
			return
		}
		if n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCancellation(t *testing.T) {
	e := newEnv(t)
	c := connect(t, e.tr)
	pctx, parent := e.parent(testCtx(t))
	ctx, cancel := context.WithCancel(pctx)
	marker := tableName("otelmyx_cancel")
	watcher := connect(t, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		waitRunning(t, ctx, watcher, marker)
		cancel()
	}()
	_, err := c.Exec(ctx, "SELECT SLEEP(60) AS "+marker)
	cancel()
	<-done
	if err == nil {
		t.Fatal("the cancelled statement succeeded")
	}
	// The connection is usable afterwards (outside the trace: no span).
	var one int
	if err := c.QueryRow(context.Background(), "SELECT ?", 1).Scan(&one); err != nil {
		t.Fatal(err)
	}
	parent.End()

	s := e.only(t, "SELECT")
	if _, ok := attrOf(s, "error.type"); !ok {
		t.Error("the cancelled statement's span has no error.type")
	}
	if s.Status().Code != codes.Error {
		t.Errorf("status %v, want Error", s.Status())
	}
	var cancelEvent bool
	for _, sp := range e.rec.Ended() {
		for _, ev := range sp.Events() {
			if ev.Name == "cancel" {
				cancelEvent = true
				wantAttrs(t, "cancel event", ev.Attributes, map[string]string{"myx.kill.outcome": "killed"})
			}
		}
	}
	if !cancelEvent {
		t.Error("no cancel event recorded")
	}
	if pt, ok := pointWith(sumPoints(t, e.collect(t), otelmyx.MetricKills), sumAttrs, map[string]string{"myx.kill.outcome": "killed"}); !ok || pt.Value != 1 {
		t.Errorf("kills %d (found %v), want 1", pt.Value, ok)
	}
}

func TestBatchSpan(t *testing.T) {
	table := makeTable(t, "otelmyx_b")
	e := newEnv(t)
	c := connect(t, e.tr)
	ctx, parent := e.parent(testCtx(t))
	b := &myx.Batch{}
	for i := range 3 {
		b.Queue("INSERT INTO "+table+" (id, name) VALUES (?, ?)", i, "n")
	}
	br := c.SendBatch(ctx, b)
	for range 3 {
		if _, err := br.Exec(); err != nil {
			t.Fatal(err)
		}
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	parent.End()
	s := e.only(t, "BATCH INSERT "+table)
	if s.Parent().SpanID() != parent.SpanContext().SpanID() {
		t.Error("the batch span is not under the caller's span")
	}
	wantAttrs(t, "batch span", s.Attributes(), map[string]string{"db.operation.batch.size": "3", "db.system.name": "mariadb"})
	items := 0
	for _, ev := range s.Events() {
		if ev.Name == "batch item" {
			items++
		}
	}
	if items != 3 {
		t.Errorf("%d batch item events, want one per item (3)", items)
	}
	// One span for the batch: none per item.
	if got := e.ended(); len(got) != 1 {
		t.Errorf("%d spans, want the batch's only", len(got))
	}
}

func TestExecManyAndCopyFromSpans(t *testing.T) {
	table := makeTable(t, "otelmyx_m")
	e := newEnv(t)
	c := connect(t, e.tr)
	ctx, parent := e.parent(testCtx(t))
	if _, err := c.ExecMany(ctx, "INSERT INTO "+table+" (id, name) VALUES (?, ?)", [][]any{{1, "a"}, {2, "b"}, {3, "c"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := c.CopyFrom(ctx, table, []string{"id", "name"}, myx.CopyFromRows([][]any{{4, "d"}, {5, "e"}})); err != nil || n != 2 {
		t.Fatalf("CopyFrom: %d, %v", n, err)
	}
	parent.End()
	s := e.only(t, "BATCH INSERT "+table)
	wantAttrs(t, "ExecMany span", s.Attributes(), map[string]string{"db.operation.batch.size": "3", "db.operation.name": "BATCH INSERT", "myx.rows_affected": "3"})
	s = e.only(t, "LOAD DATA "+table)
	wantAttrs(t, "CopyFrom span", s.Attributes(), map[string]string{"db.collection.name": table, "myx.rows_affected": "2"})
}

func TestPoolParentChild(t *testing.T) {
	table := makeTable(t, "otelmyx_p")
	e := newEnv(t, otelmyx.WithAcquireSpans(true))
	p := newPool(t, e.tr, 2)
	ctx, parent := e.parent(testCtx(t))
	if _, err := p.Exec(ctx, "INSERT INTO "+table+" (id, name) VALUES (?, ?)", 1, "x"); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := p.QueryRow(ctx, "SELECT name FROM "+table+" WHERE id = ?", 1).Scan(&name); err != nil {
		t.Fatal(err)
	}
	parent.End()
	want := parent.SpanContext()
	for _, n := range []string{"INSERT " + table, "SELECT " + table} {
		s := e.only(t, n)
		if s.Parent().SpanID() != want.SpanID() || s.SpanContext().TraceID() != want.TraceID() {
			t.Errorf("%s: parent %v in trace %v, want %v in %v", n, s.Parent().SpanID(), s.SpanContext().TraceID(), want.SpanID(), want.TraceID())
		}
	}
	acquires := 0
	for _, s := range e.ended() {
		if s.Name() == "acquire" {
			acquires++
			if s.Parent().SpanID() != want.SpanID() {
				t.Error("acquire span not under the caller's span")
			}
		}
	}
	if acquires != 2 {
		t.Errorf("%d acquire spans, want 2", acquires)
	}
}

func TestResetAndRetry(t *testing.T) {
	e := newEnv(t)
	c := connect(t, e.tr)
	ctx, parent := e.parent(testCtx(t))
	if err := c.ResetSession(ctx); err != nil {
		t.Fatal(err)
	}
	// A retry as the pool or BeginTxFunc reports it.
	e.tr.TraceRetry(ctx, myx.TraceRetryData{Op: "transaction", Attempt: 2, Err: &myx.MySQLError{Number: 1213}})
	parent.End()
	var events []string
	for _, s := range e.rec.Ended() {
		if s.Name() != "request" {
			continue
		}
		for _, ev := range s.Events() {
			events = append(events, ev.Name)
			if ev.Name == "retry" {
				wantAttrs(t, "retry event", ev.Attributes, map[string]string{"myx.retry.operation": "transaction", "myx.retry.attempt": "2", "db.response.status_code": "1213"})
			}
		}
	}
	if strings.Join(events, ",") != "reset,retry" {
		t.Errorf("events of the caller's span %q, want reset,retry", events)
	}
	rm := e.collect(t)
	if pt, ok := pointWith(sumPoints(t, rm, otelmyx.MetricResets), sumAttrs, map[string]string{"db.system.name": "mariadb"}); !ok || pt.Value != 1 {
		t.Errorf("resets %d (found %v), want 1", pt.Value, ok)
	}
	if pt, ok := pointWith(sumPoints(t, rm, otelmyx.MetricRetries), sumAttrs, map[string]string{"myx.retry.operation": "transaction"}); !ok || pt.Value != 1 {
		t.Errorf("retries %d (found %v), want 1", pt.Value, ok)
	}
}

func TestConnectSpan(t *testing.T) {
	e := newEnv(t)
	cfg, err := myx.ParseConfig(mysqltest.Require(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Tracer = e.tr
	ctx, parent := e.parent(testCtx(t))
	c, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	bad := *cfg
	bad.Password = "wrong password for otelmyx"
	bad.User = "otelmyx_no_such_user"
	if c2, err := myx.ConnectConfig(ctx, &bad); err == nil {
		c2.Close(context.Background())
		t.Fatal("connected with a user that does not exist")
	}
	parent.End()
	var spans []sdktrace.ReadOnlySpan
	for _, s := range e.ended() {
		if s.Name() == "connect" {
			spans = append(spans, s)
		}
	}
	if len(spans) != 2 {
		t.Fatalf("%d connect spans, want 2", len(spans))
	}
	wantAttrs(t, "connect span", spans[0].Attributes(), map[string]string{
		"db.system.name": "mariadb", "server.port": portAttr(t, c.Addr()), "myx.conn.id": strconv.Itoa(int(c.ConnID())),
	})
	// Access denied: the server's error number.
	wantAttrs(t, "failed connect", spans[1].Attributes(), map[string]string{"db.response.status_code": "1045", "error.type": "1045"})
}

// A Stmt's executions report the statement cache as "prepared": the caller prepared the
// statement, the cache was not consulted (and its metric counts nothing).
func TestStmtSpans(t *testing.T) {
	table := makeTable(t, "otelmyx_stmt")
	e := newEnv(t, otelmyx.WithIOAttributes(true), otelmyx.WithReturnedRows(true))
	c := connect(t, e.tr)
	ctx, parent := e.parent(testCtx(t))
	ins := "INSERT INTO " + table + " (id, name) VALUES (?, ?)"
	st, err := c.Prepare(ctx, ins)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Exec(ctx, 1, "ada"); err != nil {
		t.Fatal(err)
	}
	sel, err := c.Prepare(ctx, "SELECT name FROM "+table+" WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	var name string
	if err := sel.QueryRow(ctx, 1).Scan(&name); err != nil || name != "ada" {
		t.Fatalf("got %q, %v", name, err)
	}
	for _, s := range []*myx.Stmt{st, sel} {
		if err := s.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	parent.End()
	wantAttrs(t, "Stmt INSERT", e.only(t, "INSERT "+table).Attributes(), map[string]string{
		"db.query.text": ins, "myx.statement_cache": "prepared", "myx.rows_affected": "1",
	})
	wantAttrs(t, "Stmt SELECT", e.only(t, "SELECT "+table).Attributes(), map[string]string{
		"myx.statement_cache": "prepared", "db.response.returned_rows": "1",
	})
}

// The spans of one statement on two connections share what they start from, not the
// connection's own attributes; a statement's text follows WithQueryText.
func TestStatementCacheAcrossConns(t *testing.T) {
	e := newEnv(t)
	off := newEnv(t, otelmyx.WithQueryText(false))
	c1, c2 := connect(t, e.tr), connect(t, e.tr)
	c3 := connect(t, off.tr)
	q := "SELECT ? + 1"
	for _, run := range []struct {
		env *env
		c   *myx.Conn
	}{{e, c1}, {e, c2}, {e, c1}, {off, c3}} {
		ctx, parent := run.env.parent(testCtx(t))
		var n int
		if err := run.c.QueryRow(ctx, q, 1).Scan(&n); err != nil || n != 2 {
			t.Fatalf("got %d, %v", n, err)
		}
		parent.End()
	}
	spans := e.ended()
	if len(spans) != 3 {
		t.Fatalf("%d spans, want 3", len(spans))
	}
	for i, c := range []*myx.Conn{c1, c2, c1} {
		wantAttrs(t, "span "+strconv.Itoa(i), spans[i].Attributes(), map[string]string{
			"myx.conn.id": strconv.Itoa(int(c.ConnID())), "db.query.text": q, "db.operation.name": "SELECT",
		})
	}
	s := off.only(t, "SELECT")
	noAttrs(t, "WithQueryText(false)", s.Attributes(), "db.query.text")
	wantAttrs(t, "WithQueryText(false)", s.Attributes(), map[string]string{"myx.conn.id": strconv.Itoa(int(c3.ConnID()))})
}

// By default a statement's span carries neither round trips, bytes and the cache outcome
// (WithIOAttributes), nor db.response.returned_rows (WithReturnedRows, opt-in in the
// conventions), nor db.query.summary (WithSummaryAttribute: the span is named after it), but
// the conventions' other attributes and the connection id; the options turn them on.
func TestDefaultAttributes(t *testing.T) {
	io := []string{"myx.round_trips", "myx.bytes_sent", "myx.bytes_read", "myx.statement_cache"}
	for _, on := range []bool{false, true} {
		var opts []otelmyx.Option
		if on {
			opts = append(opts, otelmyx.WithIOAttributes(true), otelmyx.WithReturnedRows(true), otelmyx.WithSummaryAttribute(true))
		}
		e := newEnv(t, opts...)
		c := connect(t, e.tr)
		ctx, parent := e.parent(testCtx(t))
		var n int
		if err := c.QueryRow(ctx, "SELECT ? + 1", 1).Scan(&n); err != nil || n != 2 {
			t.Fatalf("got %d, %v", n, err)
		}
		parent.End()
		s := e.only(t, "SELECT")
		want := map[string]string{
			"db.system.name": "mariadb", "db.operation.name": "SELECT", "db.query.text": "SELECT ? + 1",
			"myx.conn.id": strconv.Itoa(int(c.ConnID())),
		}
		if !on {
			noAttrs(t, "defaults", s.Attributes(), append(io, "db.response.returned_rows", "db.query.summary")...)
			wantAttrs(t, "defaults", s.Attributes(), want)
			continue
		}
		want["db.response.returned_rows"] = "1"
		want["myx.statement_cache"] = "miss"
		want["db.query.summary"] = "SELECT"
		wantAttrs(t, "all on", s.Attributes(), want)
		for _, k := range io[:3] {
			if v, ok := attrOf(s, k); !ok || v == "0" {
				t.Errorf("%s = %q (present %v), want > 0", k, v, ok)
			}
		}
	}
}

// With several hosts, server.address and server.port are those of the host the connection
// went to, not the configuration's first.
func TestMultiHostServerAddress(t *testing.T) {
	cfg, err := myx.ParseConfig(mysqltest.Require(t))
	if err != nil {
		t.Fatal(err)
	}
	live := cfg.Addr
	closed := testsupport.ClosedAddr(t)
	cfg.Addrs = []string{closed, live}
	cfg.Addr = closed
	e := newEnv(t)
	cfg.Tracer = e.tr
	ctx, parent := e.parent(testCtx(t))
	c, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	if c.Addr() != live {
		t.Fatalf("connected to %q, want %q", c.Addr(), live)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT ? + 1", 1).Scan(&n); err != nil || n != 2 {
		t.Fatalf("got %d, %v", n, err)
	}
	parent.End()
	host, port, err := net.SplitHostPort(live)
	if err != nil {
		t.Fatal(err)
	}
	wantAttrs(t, "multi-host span", e.only(t, "SELECT").Attributes(), map[string]string{"server.address": host, "server.port": portAttr(t, live)})
	// The connect span started with the first host's port; it ends with the live one's even
	// when that is the default (which a span leaves out otherwise).
	wantAttrs(t, "multi-host connect span", e.only(t, "connect").Attributes(), map[string]string{"server.address": host, "server.port": port})
}

// A statement too long for the Tracer's cache is traced all the same.
func TestLongStatementText(t *testing.T) {
	e := newEnv(t)
	c := connect(t, e.tr)
	q := "SELECT ? + 1 /* " + strings.Repeat("x", 5000) + " */"
	for range 2 {
		ctx, parent := e.parent(testCtx(t))
		var n int
		if err := c.QueryRow(ctx, q, 1).Scan(&n); err != nil || n != 2 {
			t.Fatalf("got %d, %v", n, err)
		}
		parent.End()
	}
	spans := e.ended()
	if len(spans) != 2 {
		t.Fatalf("%d spans, want 2", len(spans))
	}
	for _, s := range spans {
		wantAttrs(t, "long statement", s.Attributes(), map[string]string{"db.query.text": q, "db.operation.name": "SELECT"})
	}
}
