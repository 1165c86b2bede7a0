package myx_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// serverSideSleeping reports whether the server still runs a SLEEP for connection id. A killed
// statement may take a moment to leave the processlist (TiDB ends it asynchronously), so it asks
// again for up to 30 s before answering yes.
func serverSideSleeping(t *testing.T, observer *myx.Conn, id uint32) bool {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		err := observer.QueryRow(context.Background(), "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE 'SELECT SLEEP%'", id).Scan(&n)
		if err != nil {
			t.Fatalf("processlist: %v", err)
		}
		if n == 0 {
			return false
		}
		if time.Now().After(deadline) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCancelStopsServerWorkAndKeepsConnection(t *testing.T) {
	t.Parallel()
	// A generous kill timeout: under load the side connection may be slow, and this test is
	// about the path where the kill succeeds.
	c := connect(t, func(cfg *myx.Config) { cfg.KillTimeout = 15 * time.Second })
	observer := connect(t)
	for _, prepared := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		var err error
		var n int
		if prepared {
			err = c.QueryRow(ctx, "SELECT SLEEP(?)", 30).Scan(&n)
		} else {
			err = c.QueryRow(ctx, "SELECT SLEEP(30)").Scan(&n)
		}
		elapsed := time.Since(start)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("prepared=%v: got %v, want context.Canceled", prepared, err)
		}
		if elapsed > 20*time.Second {
			t.Fatalf("cancel took %v", elapsed)
		}
		var ie *myx.InterruptedError
		if !errors.As(err, &ie) || ie.ConnClosed {
			t.Fatalf("prepared=%v: want an InterruptedError with the connection kept: %v", prepared, err)
		}
		if serverSideSleeping(t, observer, c.ConnID()) {
			t.Errorf("the server is still running the cancelled query")
		}
		if c.IsClosed() {
			t.Fatal("connection closed after a clean cancel")
		}
		if err := c.QueryRow(context.Background(), "SELECT 11").Scan(&n); err != nil || n != 11 {
			t.Fatalf("after cancel: %d %v", n, err)
		}
	}
}

func TestDeadlineExceeded(t *testing.T) {
	t.Parallel()
	// A generous kill timeout: under load the side connection may be slow, and this test is
	// about the path where the kill succeeds.
	c := connect(t, func(cfg *myx.Config) { cfg.KillTimeout = 15 * time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.Exec(ctx, "DO SLEEP(20)")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if err := c.Ping(context.Background()); err != nil {
		t.Fatalf("connection unusable after deadline: %v", err)
	}
}

func TestCancelWhileStreamingRows(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	skipUnless(t, mysqltest.SequenceEngine)
	rows, err := c.Query(ctx, "SELECT seq FROM seq_1_to_5000000")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
		if n == 10 {
			cancel()
		}
	}
	if !errors.Is(rows.Err(), context.Canceled) {
		t.Fatalf("rows.Err() = %v", rows.Err())
	}
	var v int
	if err := c.QueryRow(context.Background(), "SELECT 3").Scan(&v); err != nil || v != 3 {
		t.Fatalf("after cancelled stream: %v", err)
	}
}

func TestAlreadyCancelledContextSendsNothing(t *testing.T) {
	t.Parallel()
	c := connect(t)
	tbl := newTable(t, c, "id INT")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (1)")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if n := count(t, c, tbl); n != 0 {
		t.Fatal("statement ran with a cancelled context")
	}
}

func TestKilledConnectionIsDetectedBeforeSending(t *testing.T) {
	t.Parallel()
	c := connect(t)
	killer := connect(t)
	ctx := ctxT(t)
	// KILL takes no placeholder on TiDB (it cannot be prepared there): the id goes in the text.
	if _, err := killer.Exec(ctx, "KILL CONNECTION "+strconv.FormatUint(uint64(c.ConnID()), 10)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // idle long enough for the stale check to run
	_, err := c.Exec(ctx, "DO 1")
	if err == nil {
		t.Fatal("killed connection still worked")
	}
	if !myx.SafeToRetry(err) || !myx.IsConnLost(err) {
		t.Fatalf("want a safe-to-retry connection error, got %v", err)
	}
	if _, err := c.Exec(ctx, "DO 1"); !errors.Is(err, myx.ErrConnClosed) {
		t.Fatalf("second call: %v", err)
	}
}

func TestLocalInfile(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	var local string
	c.QueryRow(ctx, "SELECT @@local_infile").Scan(&local)
	if local == "0" || strings.EqualFold(local, "OFF") {
		t.Skip("server has local_infile disabled")
	}
	tbl := newTable(t, c, "id INT, name VARCHAR(20)")
	data := "1\tone\n2\ttwo\n3\tthree\n"
	res, err := c.Exec(ctx, "LOAD DATA LOCAL INFILE 'mem.tsv' INTO TABLE "+tbl,
		&myx.LocalFile{Name: "mem.tsv", Reader: strings.NewReader(data)})
	if err != nil || res.RowsAffected != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	// A request for a file the caller did not pass gets nothing and fails cleanly.
	_, err = c.Exec(ctx, "LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE "+tbl,
		&myx.LocalFile{Name: "mem.tsv", Reader: strings.NewReader(data)})
	if !errors.Is(err, myx.ErrLocalInfileDenied) {
		t.Fatalf("got %v", err)
	}
	_, err = c.Exec(ctx, "LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE "+tbl)
	if !errors.Is(err, myx.ErrLocalInfileDenied) {
		t.Fatalf("no file passed: got %v", err)
	}
	if n := count(t, c, tbl); n != 3 {
		t.Fatalf("%d rows: refused requests must load nothing", n)
	}
	// A reader that fails aborts the statement (the connection is dropped): nothing is loaded.
	_, err = c.Exec(ctx, "LOAD DATA LOCAL INFILE 'bad' INTO TABLE "+tbl,
		&myx.LocalFile{Name: "bad", Reader: &failingReader{data: "9\tnine\n"}})
	if err == nil || !c.IsClosed() {
		t.Fatalf("failing reader: %v (closed %v)", err, c.IsClosed())
	}
	c2 := connect(t)
	if n := count(t, c2, tbl); n != 3 {
		t.Fatalf("%d rows after a failed transfer", n)
	}
}

type failingReader struct {
	data string
	done bool
}

func (r *failingReader) Read(p []byte) (int, error) {
	if !r.done {
		r.done = true
		return copy(p, r.data), nil
	}
	return 0, errors.New("disk on fire")
}

// TestCancelWhenServerUnreachableClosesConnection: when the kill cannot reach the server (a
// network black hole), the call still returns promptly and the connection is closed rather
// than left out of step.
func TestCancelWhenServerUnreachableClosesConnection(t *testing.T) {
	t.Parallel()
	cfg, proxy := proxiedConfig(t)
	cfg.KillTimeout = 500 * time.Millisecond
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	proxy.BlackHole(true)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Exec(ctx, "DO SLEEP(30)")
	elapsed := time.Since(start)
	var ie *myx.InterruptedError
	if !errors.As(err, &ie) || !ie.ConnClosed || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if elapsed > 10*time.Second {
		t.Fatalf("returned after %v", elapsed)
	}
	if !c.IsClosed() {
		t.Fatal("connection not closed")
	}
}
