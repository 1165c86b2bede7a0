package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// TestCancelledQueryLeavesConnectionUsable: a query cancelled through its context is stopped
// on the server (KILL QUERY) and its connection goes back to the pool in a known state; the
// next user gets its own results.
func TestCancelledQueryLeavesConnectionUsable(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 1 })
	id := connID(t, p)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := p.QueryRow(ctx, "SELECT SLEEP(10)").Scan(new(int))
	var ie *myx.InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 8*time.Second { // before the SLEEP(10) would end, whatever the load
		t.Fatalf("the cancel took %v", d)
	}
	var v string
	if err := p.QueryRow(context.Background(), "SELECT 'mine'").Scan(&v); err != nil || v != "mine" {
		t.Fatalf("next user: %q %v", v, err)
	}
	if ie.ConnClosed {
		if connID(t, p) == id {
			t.Fatal("a closed connection was reused")
		}
	} else if connID(t, p) != id {
		t.Fatal("the connection was kept usable but replaced anyway")
	}

	// Cancelled while rows stream: the rest is never seen by the next user.
	skipUnless(t, mysqltest.SequenceEngine)
	ctx2, cancel2 := context.WithCancel(context.Background())
	rows, err := p.Query(ctx2, "SELECT seq FROM seq_1_to_2000000")
	if err != nil {
		cancel2()
		t.Fatal(err)
	}
	rows.Next()
	cancel2()
	for rows.Next() {
	}
	if !errors.Is(rows.Err(), context.Canceled) {
		t.Fatalf("rows: %v", rows.Err())
	}
	rows.Close()
	for i := range 5 {
		var got string
		want := fmt.Sprint("user-", i)
		if err := p.QueryRow(context.Background(), "SELECT ?", want).Scan(&got); err != nil || got != want {
			t.Fatalf("next user %d: got %q, %v", i, got, err)
		}
	}
	settled(t, p)
}

// TestCancelMidTransaction: a transaction whose context ends is rolled back and its connection
// is not handed on in the transaction.
func TestCancelMidTransaction(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY")
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := p.BeginFunc(ctx, func(tx myx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO "+table+" VALUES (1)"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DO SLEEP(10)")
		return err
	})
	if !errors.Is(err, context.DeadlineExceeded) || txOutcome(err) != notApplied {
		t.Fatalf("got %v", err)
	}
	c, err := p.Acquire(ctxT(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if c.Conn().InTransaction() {
		t.Fatal("handed on inside the transaction")
	}
	var n int
	if err := c.Conn().QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n != 0 {
		t.Fatalf("count %d %v", n, err)
	}
}

func TestCloseWaitsForConnectionsInUse(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	obs := direct(t, cc)
	p, err := NewWithConfig(context.Background(), &Config{ConnConfig: cc, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t, 20*time.Second)
	held, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	idle, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	heldID, idleID := held.Conn().ConnID(), idle.Conn().ConnID()
	idle.Release()

	// A waiter is woken with ErrClosed.
	p2 := newPool(t, cc, func(c *Config) { c.MaxConns = 1 })
	h2, _ := p2.Acquire(ctx)
	waiterErr := make(chan error, 1)
	go func() {
		_, err := p2.Acquire(ctx)
		waiterErr <- err
	}()
	eventually(5*time.Second, func() bool { p2.mu.Lock(); defer p2.mu.Unlock(); return p2.waiters.n == 1 })
	go p2.Close()
	if err := <-waiterErr; !errors.Is(err, ErrClosed) {
		t.Fatalf("waiter: %v", err)
	}
	h2.Release()

	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = p.CloseContext(short)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("CloseContext with a connection in use: %v", err)
	}
	if _, err := p.Acquire(ctx); !errors.Is(err, ErrClosed) {
		t.Fatalf("Acquire after Close: %v", err)
	}
	if err := p.QueryRow(ctx, "SELECT 1").Scan(new(int)); !errors.Is(err, ErrClosed) {
		t.Fatalf("QueryRow after Close: %v", err)
	}
	if !eventually(5*time.Second, func() bool { return !alive(t, obs, idleID) }) {
		t.Fatal("the idle connection is still open after Close")
	}
	// The connection in use still works for its holder.
	if err := held.Conn().Ping(ctx); err != nil {
		t.Fatalf("Close broke a connection in use: %v", err)
	}
	closed := make(chan struct{})
	go func() {
		p.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned with a connection in use")
	case <-time.After(100 * time.Millisecond):
	}
	held.Release()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return after the release")
	}
	if !eventually(5*time.Second, func() bool { return !alive(t, obs, heldID) }) {
		t.Fatal("the released connection was not closed")
	}
	if s := p.Stat(); s.TotalConns != 0 {
		t.Fatalf("after Close: %+v", s)
	}
}

// TestFaultsThroughProxy: latency, refused connections and connections cut part way through
// the handshake give typed errors in bounded time, and the pool works again afterwards.
func TestFaultsThroughProxy(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	px, pc := newProxy(t, cc)
	p := newPool(t, pc, func(c *Config) { c.MaxConns = 2 })
	ctx := ctxT(t, 30*time.Second)

	px.SetLatency(20 * time.Millisecond)
	var v int
	start := time.Now()
	if err := p.QueryRow(ctx, "SELECT 5").Scan(&v); err != nil || v != 5 {
		t.Fatalf("with latency: %v", err)
	}
	if d := time.Since(start); d < 40*time.Millisecond {
		t.Fatalf("the latency was not applied (%v)", d)
	}
	px.SetLatency(0)
	px.ResetAll()

	for _, fault := range []struct {
		name  string
		on    func()
		off   func()
		check func(error) bool
	}{
		{"refuse new", func() { px.RefuseNew(true) }, func() { px.RefuseNew(false) },
			func(err error) bool { var ce *myx.ConnError; return errors.As(err, &ce) }},
		{"drop after 20 bytes", func() { px.DropAfter(20) }, func() { px.DropAfter(-1) },
			func(err error) bool { var ce *myx.ConnError; return errors.As(err, &ce) }},
	} {
		fault.on()
		start := time.Now()
		err := p.QueryRow(ctx, "SELECT 6").Scan(&v)
		if err == nil || !fault.check(err) {
			t.Fatalf("%s: got %v", fault.name, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%s: took %v", fault.name, d)
		}
		fault.off()
		if err := p.QueryRow(ctx, "SELECT 7").Scan(&v); err != nil || v != 7 {
			t.Fatalf("after %s: %v", fault.name, err)
		}
		px.ResetAll()
	}
	s := settled(t, p)
	if s.DialErrors < 2 {
		t.Fatalf("stat: %+v", s)
	}

	// A connection dropped after a few bytes of a result: the caller gets a lost connection,
	// the next caller a fresh one.
	px.DropAfter(300)
	rows, err := p.Query(ctx, "SELECT REPEAT('x', 1000) UNION ALL SELECT REPEAT('y', 1000)")
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
	}
	if !myx.IsConnLost(err) {
		t.Fatalf("mid-result drop: %v", err)
	}
	px.DropAfter(-1)
	if err := p.QueryRow(ctx, "SELECT 8").Scan(&v); err != nil || v != 8 {
		t.Fatalf("after the drop: %v", err)
	}
	settled(t, p)
}

// TestConcurrentUseIsRaceFree exercises every entry point from many goroutines at once under
// the race detector.
func TestConcurrentUseIsRaceFree(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY AUTO_INCREMENT, g INT")
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 3; c.MinIdleConns = 1; c.HealthCheckPeriod = 20 * time.Millisecond })
	ctx := ctxT(t, 60*time.Second)
	var wg sync.WaitGroup
	for g := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				var err error
				switch i % 6 {
				case 0:
					_, err = p.Exec(ctx, "INSERT INTO "+table+" (g) VALUES (?)", g)
				case 1:
					err = p.QueryRow(ctx, "SELECT COUNT(*) FROM "+table+" WHERE g = ?", g).Scan(new(int))
				case 2:
					var rows *myx.Rows
					rows, err = p.Query(ctx, "SELECT id FROM "+table+" WHERE g = ? LIMIT 3", g)
					if err == nil {
						_, err = myx.CollectRows(rows, myx.RowTo[int])
					}
				case 3:
					err = p.BeginFunc(ctx, func(tx myx.Tx) error {
						_, err := tx.Exec(ctx, "INSERT INTO "+table+" (g) VALUES (?)", g)
						return err
					})
				case 4:
					err = p.Idempotent(ctx, func(c *myx.Conn) error { return c.Ping(ctx) })
				case 5:
					p.Stat()
					var c *Conn
					if c, err = p.Acquire(ctx); err == nil {
						c.Conn().Exec(ctx, "SET @g = ?", g)
						c.Release()
					}
				}
				if err != nil {
					t.Errorf("goroutine %d op %d: %v", g, i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if s := settled(t, p); s.InUseConns != 0 || s.TotalConns > 3 {
		t.Fatalf("stat: %+v", s)
	}
	var n int
	if err := p.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n != 12*10 {
		t.Fatalf("%d rows, want %d: %v", n, 12*10, err)
	}
}
