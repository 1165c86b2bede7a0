package myx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/mysqltest/proto"
)

// A MySQL 8 fake server that offers CLIENT_QUERY_ATTRIBUTES.
var qaServer = mysqltest.HandshakeOptions{
	ServerVersion: "8.0.36",
	Capabilities:  mysqltest.DefaultCapabilities | proto.ClientQueryAttributes,
}

// attrRecorder answers every statement with OK (one row "1" for a prepare with columns), and keeps
// what the fake server decoded.
type attrRecorder struct {
	mu      sync.Mutex
	queries []mysqltest.Query
}

func (r *attrRecorder) handle(q mysqltest.Query) []mysqltest.Result {
	r.mu.Lock()
	r.queries = append(r.queries, q)
	r.mu.Unlock()
	return []mysqltest.Result{{AffectedRows: 1}}
}

// last returns the last statement the server decoded at stage s.
func (r *attrRecorder) last(t *testing.T, s mysqltest.Stage) mysqltest.Query {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.queries) - 1; i >= 0; i-- {
		if r.queries[i].Stage == s {
			return r.queries[i]
		}
	}
	t.Fatalf("no statement at stage %v in %+v", s, r.queries)
	return mysqltest.Query{}
}

func attrsString(attrs []mysqltest.QueryAttr) string {
	var b strings.Builder
	for _, a := range attrs {
		fmt.Fprintf(&b, "%s=%s;", a.Name, a.Value)
	}
	return b.String()
}

// The capability is asked for only with Config.QueryAttributes, and in use only when the
// server offers it too.
func TestFakeQueryAttributesNegotiation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		offered, asked, want bool
	}{{false, false, false}, {false, true, false}, {true, false, false}, {true, true, true}} {
		t.Run(fmt.Sprintf("offered=%v,asked=%v", tc.offered, tc.asked), func(t *testing.T) {
			t.Parallel()
			o := qaServer
			if !tc.offered {
				o.Capabilities = mysqltest.DefaultCapabilities
			}
			seen := make(chan *mysqltest.HandshakeResponse, 1)
			fs := mysqltest.NewFakeServer(t, serve(o, mysqltest.Auth{}, nil, seen))
			cfg := fakeConfig(t, fs, "u", "")
			cfg.QueryAttributes = tc.asked
			c, err := myx.ConnectConfig(ctxT(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(context.Background())
			resp := <-seen
			if got := resp.Capabilities&proto.ClientQueryAttributes != 0; got != (tc.asked && tc.offered) {
				t.Errorf("client sent CLIENT_QUERY_ATTRIBUTES: %v", got)
			}
			if c.QueryAttributesEnabled() != tc.want {
				t.Errorf("QueryAttributesEnabled %v, want %v", c.QueryAttributesEnabled(), tc.want)
			}
		})
	}
}

// A MariaDB server is never asked, even if its greeting had the bit.
func TestFakeQueryAttributesNotWithMariaDB(t *testing.T) {
	t.Parallel()
	seen := make(chan *mysqltest.HandshakeResponse, 1)
	o := mysqltest.HandshakeOptions{MariaDB: true, Capabilities: mysqltest.DefaultMariaDBCapabilities | proto.ClientQueryAttributes}
	fs := mysqltest.NewFakeServer(t, serve(o, mysqltest.Auth{}, nil, seen))
	cfg := fakeConfig(t, fs, "u", "")
	cfg.QueryAttributes = true
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if resp := <-seen; resp.Capabilities&proto.ClientQueryAttributes != 0 || c.QueryAttributesEnabled() {
		t.Fatalf("query attributes with MariaDB: caps %#x, enabled %v", resp.Capabilities, c.QueryAttributesEnabled())
	}
}

// rawQueries logs in with o, then answers each command with OK and sends its payload (command
// byte included) to got.
func rawQueries(o mysqltest.HandshakeOptions, got chan<- []byte) func(*mysqltest.FakeConn) {
	return func(c *mysqltest.FakeConn) {
		if _, err := c.Login(o, mysqltest.Auth{}); err != nil {
			return
		}
		for {
			cmd, payload, err := c.ReadCommand()
			if err != nil || cmd == proto.ComQuit {
				return
			}
			got <- append([]byte{cmd}, payload...)
			if c.WriteOK(mysqltest.OKOptions{}) != nil {
				return
			}
		}
	}
}

// The exact COM_QUERY bytes: the plain text when the capability is off (whatever the context
// carries), the attribute layout with 0, 1 and 2 attributes when it is on.
func TestFakeQueryAttributesTextLayout(t *testing.T) {
	t.Parallel()
	two := myx.WithQueryAttributes(ctxT(t), myx.QueryAttribute{Name: "a", Value: "1"})
	two = myx.WithQueryAttributes(two, myx.QueryAttribute{Name: "traceparent", Value: "xy"})
	one := myx.WithQueryAttributes(ctxT(t), myx.QueryAttribute{Name: "k", Value: ""})
	for _, tc := range []struct {
		name string
		on   bool
		ctx  context.Context
		want []byte
	}{
		{"off", false, two, []byte("\x03DO 1")},
		{"on, none", true, ctxT(t), []byte("\x03\x00\x01DO 1")},
		{"on, one", true, one, []byte("\x03\x01\x01\x00\x01\xfd\x00\x01k\x00DO 1")},
		{"on, two", true, two, []byte("\x03\x02\x01\x00\x01\xfd\x00\x01a\xfd\x00\x0btraceparent\x011\x02xyDO 1")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := make(chan []byte, 16)
			fs := mysqltest.NewFakeServer(t, rawQueries(qaServer, got))
			cfg := fakeConfig(t, fs, "u", "")
			cfg.QueryAttributes = tc.on
			c, err := myx.ConnectConfig(ctxT(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(context.Background())
			for len(got) > 0 { // whatever the connect sent
				<-got
			}
			if _, err := c.Exec(tc.ctx, "DO 1"); err != nil {
				t.Fatal(err)
			}
			if p := <-got; !bytes.Equal(p, tc.want) {
				t.Fatalf("COM_QUERY\n got % x\nwant % x", p, tc.want)
			}
			// The attributes went with that statement only.
			if _, err := c.Exec(ctxT(t), "DO 1"); err != nil {
				t.Fatal(err)
			}
			want := []byte("\x03DO 1")
			if tc.on {
				want = []byte("\x03\x00\x01DO 1")
			}
			if p := <-got; !bytes.Equal(p, want) {
				t.Fatalf("next COM_QUERY\n got % x\nwant % x", p, want)
			}
		})
	}
}

// Query and QueryRow carry the attributes of the context and of QueryAttributesFunc (after
// them), decoded by the fake server; the function sees the statement's context.
func TestFakeQueryAttributesTextValues(t *testing.T) {
	t.Parallel()
	var rec attrRecorder
	fs := mysqltest.NewFakeServer(t, serve(qaServer, mysqltest.Auth{}, rec.handle, nil))
	cfg := fakeConfig(t, fs, "u", "")
	cfg.QueryAttributes = true
	type key struct{}
	cfg.QueryAttributesFunc = func(ctx context.Context) []myx.QueryAttribute {
		v, _ := ctx.Value(key{}).(string)
		return []myx.QueryAttribute{{Name: "traceparent", Value: v}}
	}
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	ctx := context.WithValue(ctxT(t), key{}, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	ctx = myx.WithQueryAttributes(ctx, myx.QueryAttribute{Name: "app", Value: "tour"})
	rows, err := c.Query(ctx, "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	q := rec.last(t, mysqltest.TextQuery)
	if q.SQL != "SELECT 1" || attrsString(q.Attrs) != "app=tour;traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01;" {
		t.Fatalf("query %q attrs %s", q.SQL, attrsString(q.Attrs))
	}
}

// In the binary protocol the attributes follow the statement's parameters, named, the
// parameters unnamed; a statement without parameters carries them with the parameter count
// flag; and every execute has the count and names once the capability is on.
func TestFakeQueryAttributesBinary(t *testing.T) {
	t.Parallel()
	var rec attrRecorder
	fs := mysqltest.NewFakeServer(t, serve(qaServer, mysqltest.Auth{}, rec.handle, nil))
	cfg := fakeConfig(t, fs, "u", "")
	cfg.QueryAttributes = true
	cfg.StatementCacheSize = 8 // statements without arguments are prepared too
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	ctx := myx.WithQueryAttributes(ctxT(t), myx.QueryAttribute{Name: "a", Value: "x"}, myx.QueryAttribute{Name: "b", Value: "yz"})

	if _, err := c.Exec(ctx, "UPDATE t SET v = ? WHERE id = ?", "s", int64(7)); err != nil {
		t.Fatal(err)
	}
	q := rec.last(t, mysqltest.Execute)
	if fmt.Sprint(q.Args) != "[[115] 7]" || attrsString(q.Attrs) != "a=x;b=yz;" {
		t.Fatalf("execute args %v attrs %v", q.Args, q.Attrs)
	}

	rows, err := c.Query(ctx, "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	q = rec.last(t, mysqltest.Execute)
	if q.SQL != "SELECT 1" || q.Args != nil || attrsString(q.Attrs) != "a=x;b=yz;" {
		t.Fatalf("execute without parameters: %q args %v attrs %v", q.SQL, q.Args, q.Attrs)
	}

	// Without attributes: parameters alone, nothing extra.
	if _, err := c.Exec(ctxT(t), "UPDATE t SET v = ? WHERE id = ?", nil, int64(8)); err != nil {
		t.Fatal(err)
	}
	q = rec.last(t, mysqltest.Execute)
	if fmt.Sprint(q.Args) != "[<nil> 8]" || q.Attrs != nil {
		t.Fatalf("execute args %v attrs %v", q.Args, q.Attrs)
	}

	// A prepared Stmt carries them too.
	st, err := c.Prepare(ctxT(t), "INSERT INTO t VALUES (?)")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	if _, err := st.Exec(ctx, int64(1)); err != nil {
		t.Fatal(err)
	}
	q = rec.last(t, mysqltest.Execute)
	if fmt.Sprint(q.Args) != "[1]" || attrsString(q.Attrs) != "a=x;b=yz;" {
		t.Fatalf("Stmt.Exec args %v attrs %v", q.Args, q.Attrs)
	}
}

// The exact COM_STMT_EXECUTE bytes with a parameter and an attribute.
func TestFakeQueryAttributesExecuteLayout(t *testing.T) {
	t.Parallel()
	got := make(chan []byte, 16)
	script := func(c *mysqltest.FakeConn) {
		if _, err := c.Login(qaServer, mysqltest.Auth{}); err != nil {
			return
		}
		for {
			cmd, payload, err := c.ReadCommand()
			if err != nil || cmd == proto.ComQuit {
				return
			}
			switch cmd {
			case proto.ComStmtPrepare:
				err = c.WritePrepareOK(5, []mysqltest.ColumnDef{mysqltest.ParamDef()}, nil, 0)
			case proto.ComStmtClose:
				continue
			default:
				got <- append([]byte{cmd}, payload...)
				err = c.WriteOK(mysqltest.OKOptions{})
			}
			if err != nil {
				return
			}
		}
	}
	fs := mysqltest.NewFakeServer(t, script)
	cfg := fakeConfig(t, fs, "u", "")
	cfg.QueryAttributes = true
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	for len(got) > 0 { // whatever the connect sent
		<-got
	}
	ctx := myx.WithQueryAttributes(ctxT(t), myx.QueryAttribute{Name: "n", Value: "v"})
	if _, err := c.Exec(ctx, "DO ?", int64(2)); err != nil {
		t.Fatal(err)
	}
	want := []byte{proto.ComStmtExecute, 5, 0, 0, 0,
		0x08,       // flags: PARAMETER_COUNT_AVAILABLE
		1, 0, 0, 0, // iteration count
		2,                        // parameter count: 1 parameter + 1 attribute
		0,                        // NULL bitmap
		1,                        // types follow
		proto.TypeLongLong, 0, 0, // the parameter: type, flags, no name
		proto.TypeVarString, 0, 1, 'n', // the attribute
		2, 0, 0, 0, 0, 0, 0, 0, // 2
		1, 'v'}
	if p := <-got; !bytes.Equal(p, want) {
		t.Fatalf("COM_STMT_EXECUTE\n got % x\nwant % x", p, want)
	}
}

// Config.QueryAttributes with a server that does not offer them changes nothing: the text goes
// alone, attributes are dropped.
func TestFakeQueryAttributesNotOffered(t *testing.T) {
	t.Parallel()
	got := make(chan []byte, 16)
	fs := mysqltest.NewFakeServer(t, rawQueries(mysqltest.HandshakeOptions{ServerVersion: "8.0.36"}, got))
	cfg := fakeConfig(t, fs, "u", "")
	cfg.QueryAttributes = true
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	for len(got) > 0 {
		<-got
	}
	ctx := myx.WithQueryAttributes(ctxT(t), myx.QueryAttribute{Name: "a", Value: "1"})
	if _, err := c.Exec(ctx, "DO 1"); err != nil {
		t.Fatal(err)
	}
	if p := <-got; string(p) != "\x03DO 1" {
		t.Fatalf("COM_QUERY % x", p)
	}
}

// With SQLComment and no capability, the attributes go in a sqlcommenter comment, arguments
// interpolated; a prepared Stmt gets none.
func TestFakeSQLComment(t *testing.T) {
	t.Parallel()
	var rec attrRecorder
	fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{MariaDB: true}, mysqltest.Auth{}, rec.handle, nil))
	cfg := fakeConfig(t, fs, "u", "")
	cfg.SQLComment = true
	cfg.StatementCacheSize = 8
	tp := myx.TraceParent([16]byte{0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd, 0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c},
		[8]byte{0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31}, 1)
	cfg.QueryAttributesFunc = func(ctx context.Context) []myx.QueryAttribute {
		return []myx.QueryAttribute{{Name: "traceparent", Value: tp}}
	}
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	ctx := myx.WithQueryAttributes(ctxT(t), myx.QueryAttribute{Name: "app", Value: "it's a/b*/"})
	if _, err := c.Exec(ctx, "UPDATE t SET v = ?;", "x"); err != nil {
		t.Fatal(err)
	}
	q := rec.last(t, mysqltest.TextQuery)
	want := "UPDATE t SET v = 'x' /*app='it%27s%20a%2Fb%2A%2F',traceparent='00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'*/"
	if q.SQL != want {
		t.Fatalf("text\n got %s\nwant %s", q.SQL, want)
	}
	st, err := c.Prepare(ctxT(t), "DO ?")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	if _, err := st.Exec(ctx, int64(1)); err != nil {
		t.Fatal(err)
	}
	if q := rec.last(t, mysqltest.Execute); q.SQL != "DO ?" || fmt.Sprint(q.Args) != "[1]" {
		t.Fatalf("Stmt.Exec: %+v", q)
	}
	// The next statement's comment is its own.
	if _, err := c.Exec(ctxT(t), "DO 1 -- done"); err != nil {
		t.Fatal(err)
	}
	if q := rec.last(t, mysqltest.TextQuery); q.SQL != "DO 1 -- done\n/*traceparent='"+tp+"'*/" {
		t.Fatalf("text %q", q.SQL)
	}
}

// spanTracer puts a "span" in the context of each statement, as otelmyx does.
type spanTracer struct{}

type spanKey struct{}

func (spanTracer) TraceQueryStart(ctx context.Context, _ *myx.Conn, d myx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, spanKey{}, "span of "+d.SQL)
}
func (spanTracer) TraceQueryEnd(context.Context, *myx.Conn, myx.TraceQueryEndData) {}

// QueryAttributesFunc is called with the context TraceQueryStart returned, so a tracer's span
// can become the statement's traceparent.
func TestFakeQueryAttributesFuncSeesTracerContext(t *testing.T) {
	t.Parallel()
	var rec attrRecorder
	fs := mysqltest.NewFakeServer(t, serve(qaServer, mysqltest.Auth{}, rec.handle, nil))
	cfg := fakeConfig(t, fs, "u", "")
	cfg.QueryAttributes = true
	cfg.Tracer = spanTracer{}
	cfg.QueryAttributesFunc = func(ctx context.Context) []myx.QueryAttribute {
		v, _ := ctx.Value(spanKey{}).(string)
		return []myx.QueryAttribute{{Name: "traceparent", Value: v}}
	}
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(ctxT(t), "DO 1"); err != nil {
		t.Fatal(err)
	}
	if q := rec.last(t, mysqltest.TextQuery); attrsString(q.Attrs) != "traceparent=span of DO 1;" {
		t.Fatalf("Exec attrs %s", attrsString(q.Attrs))
	}
	if _, err := c.Exec(ctxT(t), "UPDATE t SET v = ?", int64(1)); err != nil {
		t.Fatal(err)
	}
	if q := rec.last(t, mysqltest.Execute); attrsString(q.Attrs) != "traceparent=span of UPDATE t SET v = ?;" {
		t.Fatalf("prepared Exec attrs %s", attrsString(q.Attrs))
	}
	rows, err := c.Query(ctxT(t), "SELECT 2")
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if q := rec.last(t, mysqltest.TextQuery); attrsString(q.Attrs) != "traceparent=span of SELECT 2;" {
		t.Fatalf("Query attrs %s", attrsString(q.Attrs))
	}
}

// Once the capability is on, the library's own statements, batches and ExecMany use the
// layout too (with no attributes): the fake server, which parses that layout, runs them.
func TestFakeQueryAttributesLayoutEverywhere(t *testing.T) {
	t.Parallel()
	var rec attrRecorder
	fs := mysqltest.NewFakeServer(t, serve(qaServer, mysqltest.Auth{}, rec.handle, nil))
	cfg := fakeConfig(t, fs, "u", "")
	cfg.QueryAttributes = true
	cfg.StatementCacheSize = 8
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	b := &myx.Batch{}
	b.Queue("DO 1")
	b.Queue("UPDATE t SET v = ?", int64(3))
	br := c.SendBatch(ctxT(t), b)
	for i := range 2 {
		if _, err := br.Exec(); err != nil {
			t.Fatalf("batch item %d: %v", i, err)
		}
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	if q := rec.last(t, mysqltest.Execute); fmt.Sprint(q.Args) != "[3]" || q.Attrs != nil {
		t.Fatalf("batch execute %+v", q)
	}
	if _, err := c.ExecMany(ctxT(t), "UPDATE t SET v = ? WHERE id = ?", [][]any{{int64(1), int64(2)}, {int64(3), int64(4)}}); err != nil {
		t.Fatal(err)
	}
	if q := rec.last(t, mysqltest.Execute); fmt.Sprint(q.Args) != "[3 4]" || q.Attrs != nil {
		t.Fatalf("ExecMany execute %+v", q)
	}
	tx, err := c.Begin(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if q := rec.last(t, mysqltest.TextQuery); q.SQL != "COMMIT" || q.Attrs != nil {
		t.Fatalf("commit %+v", q)
	}
}

// A large argument travels as long data ahead of the execute; the execute still has the
// attribute layout, with the long parameter's value left out.
func TestFakeQueryAttributesWithLongData(t *testing.T) {
	t.Parallel()
	var rec attrRecorder
	h := func(q mysqltest.Query) []mysqltest.Result {
		if q.SQL == "SELECT @@max_allowed_packet" {
			return []mysqltest.Result{{Columns: []mysqltest.ColumnDef{{Name: "m", Type: proto.TypeLongLong}}, Rows: [][]any{{int64(64 << 20)}}}}
		}
		return rec.handle(q)
	}
	fs := mysqltest.NewFakeServer(t, serve(qaServer, mysqltest.Auth{}, h, nil))
	cfg := fakeConfig(t, fs, "u", "")
	cfg.QueryAttributes = true
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	big := strings.Repeat("x", 1<<20+5)
	ctx := myx.WithQueryAttributes(ctxT(t), myx.QueryAttribute{Name: "a", Value: "x"})
	if _, err := c.Exec(ctx, "UPDATE t SET v = ?, w = ?", big, int64(9)); err != nil {
		t.Fatal(err)
	}
	q := rec.last(t, mysqltest.Execute)
	if len(q.Args) != 2 || string(q.Args[0].([]byte)) != big || q.Args[1] != int64(9) || attrsString(q.Attrs) != "a=x;" {
		t.Fatalf("execute: %d args, attrs %s", len(q.Args), attrsString(q.Attrs))
	}
}

// The attributes count against the send limit: a statement that fits alone but not with its
// attributes is refused before anything is sent, and the connection stays usable.
func TestFakeQueryAttributesSendLimit(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"protocol", "comment"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			var rec attrRecorder
			o := qaServer
			if mode == "comment" {
				o = mysqltest.HandshakeOptions{MariaDB: true}
			}
			fs := mysqltest.NewFakeServer(t, serve(o, mysqltest.Auth{}, rec.handle, nil))
			cfg := fakeConfig(t, fs, "u", "")
			cfg.QueryAttributes = mode == "protocol"
			cfg.SQLComment = mode == "comment"
			cfg.MaxAllowedPacket = 1000
			c, err := myx.ConnectConfig(ctxT(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(context.Background())
			q := "DO '" + strings.Repeat("x", 900) + "'"
			ctx := myx.WithQueryAttributes(ctxT(t), myx.QueryAttribute{Name: "a", Value: strings.Repeat("v", 100)})
			var tooLarge *myx.PacketTooLargeError
			if _, err := c.Exec(ctx, q); !errors.As(err, &tooLarge) {
				t.Fatalf("Exec with attributes over the limit: %v", err)
			}
			if _, err := c.Exec(ctxT(t), q); err != nil {
				t.Fatalf("the same statement without attributes: %v", err)
			}
			if got := rec.last(t, mysqltest.TextQuery); got.SQL != q || got.Attrs != nil {
				t.Fatalf("sent %q with %v", got.SQL, got.Attrs)
			}
		})
	}
}
