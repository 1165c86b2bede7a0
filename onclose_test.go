package myx_test

import (
	"errors"
	"testing"

	"github.com/myxdb/myx"
)

func TestRowsOnClose(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)

	// Read to the end: f runs when Next reports the end, once.
	rows, err := c.Query(ctx, "SELECT 1 UNION ALL SELECT 2")
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	rows.OnClose(func() {
		calls++
		// The connection is idle again when f runs.
		if err := c.Ping(ctx); err != nil {
			t.Errorf("connection not idle in OnClose: %v", err)
		}
	})
	n := 0
	for rows.Next() {
		n++
	}
	if n != 2 || calls != 1 {
		t.Fatalf("rows %d, calls %d", n, calls)
	}
	rows.Close()
	if calls != 1 {
		t.Fatalf("called again on Close: %d", calls)
	}

	// Closed early.
	rows, err = c.Query(ctx, "SELECT 1 UNION ALL SELECT 2")
	if err != nil {
		t.Fatal(err)
	}
	calls = 0
	rows.OnClose(func() { calls++ })
	rows.Next()
	if calls != 0 {
		t.Fatal("called before the end")
	}
	rows.Close()
	if calls != 1 {
		t.Fatalf("calls %d after Close", calls)
	}

	// Already released (a statement without a result set): f runs at once.
	rows, err = c.Query(ctx, "DO 1")
	if err != nil {
		t.Fatal(err)
	}
	calls = 0
	rows.OnClose(func() { calls++ })
	if calls != 1 {
		t.Fatalf("calls %d for a released Rows", calls)
	}

	// Row: Scan releases.
	row := c.QueryRow(ctx, "SELECT 7")
	calls = 0
	row.OnClose(func() { calls++ })
	var v int
	if err := row.Scan(&v); err != nil || v != 7 || calls != 1 {
		t.Fatalf("row: %v %d calls %d", err, v, calls)
	}

	// Row whose query failed: f runs at once.
	row = c.QueryRow(ctx, "SELECT * FROM no_such_table_xyz")
	calls = 0
	row.OnClose(func() { calls++ })
	if calls != 1 || row.Err() == nil {
		t.Fatalf("failed row: calls %d err %v", calls, row.Err())
	}
}

func TestErrRow(t *testing.T) {
	boom := errors.New("boom")
	var v int
	if err := myx.ErrRow(boom).Scan(&v); err != boom {
		t.Fatalf("got %v", err)
	}
	if err := myx.ErrRow(nil).Scan(&v); !errors.Is(err, myx.ErrNoRows) {
		t.Fatalf("ErrRow(nil): %v", err)
	}
	calls := 0
	myx.ErrRow(boom).OnClose(func() { calls++ })
	if calls != 1 {
		t.Fatal("OnClose on an ErrRow must run at once")
	}
}

func TestExecManyErrorSafeToRetry(t *testing.T) {
	sent := &myx.ExecManyError{Done: 0, Err: errors.New("x")}
	if myx.SafeToRetry(sent) {
		t.Error("an error of unknown kind is not safe")
	}
	var ce error = myx.NewSafeConnErrorForTest()
	if !myx.SafeToRetry(&myx.ExecManyError{Done: 0, Err: ce}) {
		t.Error("nothing applied and nothing sent: safe")
	}
	if myx.SafeToRetry(&myx.ExecManyError{Done: 5, Err: ce}) {
		t.Error("rows applied before: not safe")
	}
}

func TestCheckConnDoesNotAllocate(t *testing.T) {
	c := connect(t)
	if err := c.CheckConn(); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { c.CheckConn() }); n != 0 {
		t.Fatalf("CheckConn allocates %v times per call (a pool runs it on every acquire)", n)
	}
}

func TestCheckConnBusy(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	rows, err := c.Query(ctx, "SELECT 1 UNION ALL SELECT 2")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckConn(); !errors.Is(err, myx.ErrConnBusy) {
		t.Fatalf("open Rows: %v", err)
	}
	rows.Close()
	b := &myx.Batch{}
	b.Queue("SELECT 1")
	br := c.SendBatch(ctx, b)
	if err := c.CheckConn(); !errors.Is(err, myx.ErrConnBusy) {
		t.Fatalf("open batch: %v", err)
	}
	br.Close()
	if err := c.CheckConn(); err != nil {
		t.Fatalf("after Close: %v", err)
	}
	c.Close(ctx)
	if err := c.CheckConn(); !errors.Is(err, myx.ErrConnClosed) {
		t.Fatalf("closed: %v", err)
	}
}
