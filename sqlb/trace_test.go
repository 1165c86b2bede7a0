package sqlb

import (
	"context"
	"testing"

	"github.com/myxdb/myx"
)

// infoTracer records the StatementInfo of each statement traced.
type infoTracer struct{ infos []myx.StatementInfo }

func (r *infoTracer) TraceQueryStart(ctx context.Context, _ *myx.Conn, d myx.TraceQueryStartData) context.Context {
	r.infos = append(r.infos, d.Statement)
	return ctx
}
func (r *infoTracer) TraceQueryEnd(context.Context, *myx.Conn, myx.TraceQueryEndData) {}

// Statements sqlb builds reach the tracer with their operation and table as sqlb knows them.
func TestExecTellsTracersTheStatement(t *testing.T) {
	t.Parallel()
	conn, ctx := testDB(t)
	mustCreate(t, ctx, conn, testMeta)
	rec := &infoTracer{}
	cfg := *conn.Config()
	cfg.Tracer = rec
	c, err := myx.ConnectConfig(ctx, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	u := user.As("u")
	steps := []struct {
		stmt Statement
		want myx.StatementInfo
	}{
		{InsertInto(user).Values(userUsername.Set("ann")), myx.StatementInfo{Operation: "INSERT", Collection: "user", Summary: "INSERT user"}},
		{ReplaceInto(product).Values(productID.Set(1), productName.Set("pen"), productPrice.Set("1.00")), myx.StatementInfo{Operation: "REPLACE", Collection: "product", Summary: "REPLACE product"}},
		{Update(user).Set(userUsername.Set("bob")).Where(userID.Eq(1)), myx.StatementInfo{Operation: "UPDATE", Collection: "user", Summary: "UPDATE user"}},
		{Select(u.Column("id")).From(u), myx.StatementInfo{Operation: "SELECT", Collection: "user", Summary: "SELECT user"}},
		{Select(userID, jobsJobs).From(user).Join(jobs), myx.StatementInfo{Operation: "SELECT", Summary: "SELECT"}},
		// FROM inferred: the lexer reads the compiled text.
		{Select(userID).Where(userID.Eq(1)), myx.StatementInfo{Operation: "SELECT", Collection: "user", Summary: "SELECT user"}},
		{DeleteFrom(user).Where(userID.Eq(1)), myx.StatementInfo{Operation: "DELETE", Collection: "user", Summary: "DELETE user"}},
	}
	for i, s := range steps {
		rec.infos = nil
		if _, err := Exec(ctx, c, s.stmt); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if n := len(rec.infos); n == 0 || rec.infos[n-1] != s.want {
			t.Errorf("step %d: traced %+v, want %+v", i, rec.infos, s.want)
		}
	}
}

// BenchmarkWithStatementInfo measures what telling the tracers costs each Exec and Query.
func BenchmarkWithStatementInfo(b *testing.B) {
	ctx := context.Background()
	stmt := Select(userID, userUsername).From(user).Where(userID.Eq(1))
	b.ReportAllocs()
	for range b.N {
		_ = withStatementInfo(ctx, stmt)
	}
}
