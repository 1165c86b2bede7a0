package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

const comStmtExecute = 0x17

// TestSendBatchHoldsConnectionUntilClose: the results come back in order, the connection is
// the batch's until Close and then goes back to the pool (not closed).
func TestSendBatchHoldsConnectionUntilClose(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY, v VARCHAR(20)")
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 2 })
	ctx := ctxT(t, 10*time.Second)
	id := connID(t, p)

	b := &myx.Batch{}
	b.Queue("INSERT INTO "+table+" VALUES (?, ?)", 1, "one")
	b.Queue("INSERT INTO "+table+" VALUES (?, ?), (?, ?)", 2, "two", 3, "three")
	b.Queue("SELECT v FROM " + table + " ORDER BY id")
	b.Queue("SELECT CONNECTION_ID()")
	br := p.SendBatch(ctx, b)
	if b.Len() != 0 {
		t.Fatalf("the batch still holds %d statements after SendBatch", b.Len())
	}
	if s := checkStat(t, p); s.InUseConns != 1 {
		t.Fatalf("the batch does not hold its connection: %+v", s)
	}
	for i, want := range []uint64{1, 2} {
		res, err := br.Exec()
		if err != nil || res.RowsAffected != want {
			t.Fatalf("statement %d: %+v %v", i, res, err)
		}
	}
	rows, err := br.Query()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if rows.Err() != nil || fmt.Sprint(got) != "[one two three]" {
		t.Fatalf("rows %v, %v", got, rows.Err())
	}
	var batchConn uint32
	if err := br.QueryRow().Scan(&batchConn); err != nil || batchConn != id {
		t.Fatalf("the batch ran on connection %d (%v), want the pooled %d", batchConn, err, id)
	}
	if s := checkStat(t, p); s.InUseConns != 1 {
		t.Fatalf("released before Close: %+v", s)
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	if err := br.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := br.Exec(); err == nil {
		t.Fatal("Exec after Close succeeded")
	}
	s := settled(t, p)
	if s.InUseConns != 0 || s.IdleConns != 1 || s.DestroyedConns != 0 {
		t.Fatalf("after Close: %+v", s)
	}
	if connID(t, p) != id {
		t.Fatal("the connection was not reused after the batch")
	}

	// Closing without reading discards the replies; the next user sees none of them.
	b.Queue("SELECT 'stale 1'")
	b.Queue("SELECT 'stale 2'")
	if err := p.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	var v string
	if err := p.QueryRow(ctx, "SELECT 'mine'").Scan(&v); err != nil || v != "mine" {
		t.Fatalf("next user: %q %v", v, err)
	}
	if s := settled(t, p); s.DestroyedConns != 0 || s.TotalConns != 1 {
		t.Fatalf("after an unread batch: %+v", s)
	}
}

// TestSendBatchStatementErrorKeepsConnection: a statement that fails (a duplicate key in item
// 3 of 5) reports its error; the others run; the connection goes back to the pool.
func TestSendBatchStatementErrorKeepsConnection(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY")
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 1 })
	ctx := ctxT(t, 10*time.Second)
	id := connID(t, p)

	b := &myx.Batch{}
	for _, k := range []int{1, 2, 1, 3, 4} {
		b.Queue("INSERT INTO "+table+" VALUES (?)", k)
	}
	br := p.SendBatch(ctx, b)
	for i := range 5 {
		_, err := br.Exec()
		var me *myx.MySQLError
		if i == 2 {
			if !errors.As(err, &me) || me.Number != 1062 {
				t.Fatalf("item 3: want duplicate key (1062), got %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("item %d: %v", i+1, err)
		}
	}
	if err := br.Close(); err != nil {
		t.Fatalf("Close: %v (statement errors are not the batch's)", err)
	}
	var n int
	if err := p.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n != 4 {
		t.Fatalf("%d rows (%v), want 4", n, err)
	}
	if s := settled(t, p); s.DestroyedConns != 0 || s.TotalConns != 1 {
		t.Fatalf("the connection was not kept: %+v", s)
	}
	if connID(t, p) != id {
		t.Fatal("a healthy connection was replaced")
	}

	// Same with the replies not read: Close reads past the error.
	b.Queue("INSERT INTO "+table+" VALUES (?)", 1)
	b.Queue("INSERT INTO "+table+" VALUES (?)", 5)
	if err := p.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n != 5 {
		t.Fatalf("%d rows (%v), want 5", n, err)
	}
	if s := settled(t, p); s.DestroyedConns != 0 {
		t.Fatalf("%+v", s)
	}
}

// TestSendBatchCancelled: a context that ends during a batch stops it; the connection is
// closed or brought back to a known state, and the pool stays healthy.
func TestSendBatchCancelled(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 1 })
	id := connID(t, p)

	ctx, cancel := context.WithCancel(context.Background())
	b := &myx.Batch{}
	b.Queue("SELECT 1")
	b.Queue("SELECT SLEEP(30)")
	b.Queue("SELECT SLEEP(30)")
	b.Queue("SELECT 'not for the next user'")
	start := time.Now()
	br := p.SendBatch(ctx, b)
	var v int
	if err := br.QueryRow().Scan(&v); err != nil || v != 1 {
		t.Fatalf("first: %d %v", v, err)
	}
	cancel()
	for range 3 {
		br.Exec() // whatever each reports; what matters is the state afterwards
	}
	err := br.Close()
	var ie *myx.InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Close: want an InterruptedError for the cancel, got %v", err)
	}
	if d := time.Since(start); d > 50*time.Second { // before the two sleeps would end, whatever the load
		t.Fatalf("the cancel took %v", d)
	}
	s := settled(t, p)
	if s.InUseConns != 0 {
		t.Fatalf("%+v", s)
	}
	for i := range 3 {
		var got string
		want := fmt.Sprint("user-", i)
		if err := p.QueryRow(context.Background(), "SELECT ?", want).Scan(&got); err != nil || got != want {
			t.Fatalf("next user %d: got %q, %v", i, got, err)
		}
	}
	if ie.ConnClosed {
		if s.DestroyedConns != 1 || connID(t, p) == id {
			t.Fatalf("the connection was reported closed but not replaced: %+v", s)
		}
	} else if s.DestroyedConns != 0 && connID(t, p) == id {
		t.Fatalf("%+v", s)
	}
	settled(t, p)

	// A context that has ended already: nothing is acquired, every method says so.
	b.Queue("SELECT 1")
	br = p.SendBatch(ctx, b)
	if _, err := br.Exec(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Exec: %v", err)
	}
	if err := br.Close(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Close: %v", err)
	}
	if s := settled(t, p); s.InUseConns != 0 {
		t.Fatalf("%+v", s)
	}
}

// TestSendBatchClosedPool: a closed pool reports ErrClosed through the results.
func TestSendBatchClosedPool(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, nil)
	p.Close()
	b := &myx.Batch{}
	b.Queue("SELECT 1")
	br := p.SendBatch(context.Background(), b)
	if err := br.QueryRow().Scan(new(int)); !errors.Is(err, ErrClosed) {
		t.Fatalf("QueryRow: %v", err)
	}
	if _, err := br.Query(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Query: %v", err)
	}
	if err := br.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Close: %v", err)
	}
}

// TestSendBatchStaleConnectionRetried: a batch that failed before anything was sent runs,
// whole and once, on another connection.
func TestSendBatchStaleConnectionRetried(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY AUTO_INCREMENT, v INT")
	px, pc := newProxy(t, cc)
	var armed atomic.Bool
	p := newPool(t, pc, func(c *Config) {
		c.MaxConns = 2
		c.BeforeAcquire = func(_ context.Context, c *myx.Conn) bool {
			if armed.CompareAndSwap(true, false) {
				px.ResetAll() // after acquire's own check passed
				time.Sleep(50 * time.Millisecond)
			}
			return true
		}
	})
	ctx := ctxT(t, 20*time.Second)
	// Prepared on the connection that goes stale, so that the batch's first write is its
	// statements (not prepares).
	if _, err := p.Exec(ctx, "INSERT INTO "+table+" (v) VALUES (?)", 0); err != nil {
		t.Fatal(err)
	}
	for round, prepared := range []bool{true, false} {
		connID(t, p)
		armed.Store(true)
		b := &myx.Batch{}
		q := "INSERT INTO " + table + " (v) VALUES (?)"
		if !prepared {
			q += " /* new */"
		}
		for i := 1; i <= 3; i++ {
			b.Queue(q, 10*round+i)
		}
		br := p.SendBatch(ctx, b)
		for i := range 3 {
			if _, err := br.Exec(); err != nil {
				t.Fatalf("round %d item %d: the caller saw the stale connection: %v", round, i, err)
			}
		}
		if err := br.Close(); err != nil {
			t.Fatal(err)
		}
		if armed.Load() {
			t.Fatalf("round %d: the fault was not injected", round)
		}
	}
	var n, sum int
	if err := p.QueryRow(ctx, "SELECT COUNT(*), SUM(v) FROM "+table).Scan(&n, &sum); err != nil || n != 7 || sum != 1+2+3+11+12+13 {
		t.Fatalf("%d rows summing to %d (%v): want each statement run once", n, sum, err)
	}
	settled(t, p)
}

// TestSendBatchLostMidBatch: a connection lost after the batch was sent ends it with a lost
// connection for every reply not read; nothing is sent again, and the connection is replaced.
func TestSendBatchLostMidBatch(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY AUTO_INCREMENT, v INT")
	px, pc := newProxy(t, cc)
	p := newPool(t, pc, func(c *Config) { c.MaxConns = 1 })
	ctx := ctxT(t, 20*time.Second)
	q := "INSERT INTO " + table + " (v) VALUES (?)"
	if _, err := p.Exec(ctx, q, -1); err != nil { // prepared: the batch sends only executes
		t.Fatal(err)
	}
	id := connID(t, p)
	loseReplies(px, func(chunk []byte) bool { return isCommand(chunk, comStmtExecute, "") }, 1)
	b := &myx.Batch{}
	for i := range 3 {
		b.Queue(q, i)
	}
	br := p.SendBatch(ctx, b)
	var lost int
	for range 3 {
		if _, err := br.Exec(); err != nil {
			if myx.SafeToRetry(err) || !myx.IsConnLost(err) {
				t.Fatalf("want a lost connection, not safe to retry: %v", err)
			}
			lost++
		}
	}
	if lost == 0 {
		t.Fatal("the fault was not injected")
	}
	if err := br.Close(); !myx.IsConnLost(err) {
		t.Fatalf("Close: %v", err)
	}
	if s := settled(t, p); s.DestroyedConns < 1 || s.InUseConns != 0 {
		t.Fatalf("the broken connection was not destroyed: %+v", s)
	}
	// Once the server has dropped the broken connection nothing more of it runs: the first
	// statement did (its reply was lost), none ran twice.
	watcher := direct(t, cc)
	if !eventually(30*time.Second, func() bool { return !alive(t, watcher, id) }) {
		t.Fatal("the server kept the broken connection")
	}
	var n int
	if err := p.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n < 2 || n > 4 {
		t.Fatalf("%d rows (%v): want the warm-up, the statement whose reply was lost, and at most the two others once", n, err)
	}
	settled(t, p)
}

// TestSendBatchConcurrent: many goroutines pipelining through a small pool each get their own
// results.
func TestSendBatchConcurrent(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 3 })
	ctx := ctxT(t, 20*time.Second)
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 10 {
				b := &myx.Batch{}
				for i := range 20 {
					b.Queue("SELECT ?", g*10000+round*100+i)
				}
				br := p.SendBatch(ctx, b)
				for i := range 20 {
					var v int
					if err := br.QueryRow().Scan(&v); err != nil || v != g*10000+round*100+i {
						br.Close()
						errc <- fmt.Errorf("goroutine %d round %d item %d: %d %v", g, round, i, v, err)
						return
					}
				}
				if err := br.Close(); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if s := settled(t, p); s.DestroyedConns != 0 || s.TotalConns > 3 {
		t.Fatalf("%+v", s)
	}
}

// TestSendBatchNotClosedHoldsConnection: a BatchResults never closed keeps its connection, as
// an unclosed Rows does; with a pool of one the next acquire waits for its context. Closing
// the batch frees the connection.
func TestSendBatchNotClosedHoldsConnection(t *testing.T) {
	t.Parallel()
	p := newPool(t, nil, func(c *Config) { c.MaxConns = 1 })
	b := &myx.Batch{}
	b.Queue("SELECT 1")
	br := p.SendBatch(context.Background(), b)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := p.QueryRow(ctx, "SELECT 2").Scan(new(int))
	var ie *myx.InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the held connection was handed out: %v", err)
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := p.QueryRow(context.Background(), "SELECT 2").Scan(&v); err != nil || v != 2 {
		t.Fatalf("after Close: %d %v", v, err)
	}
	settled(t, p)
}

// TestPoolCopyFrom: rows land through the pool and the connection goes back; a source failing
// part way loads nothing and its connection is replaced.
func TestPoolCopyFrom(t *testing.T) {
	t.Parallel()
	cc := testConnConfig(t)
	table := newTable(t, cc, "id INT PRIMARY KEY, name VARCHAR(40)")
	p := newPool(t, cc, func(c *Config) { c.MaxConns = 1 })
	ctx := ctxT(t, 20*time.Second)
	id := connID(t, p)
	var rows [][]any
	for i := range 5000 {
		rows = append(rows, []any{i, fmt.Sprint("name\t", i)})
	}
	n, err := p.CopyFrom(ctx, table, []string{"id", "name"}, myx.CopyFromRows(rows))
	if err != nil || n != 5000 {
		t.Fatalf("CopyFrom: %d %v", n, err)
	}
	var count int
	var name string
	if err := p.QueryRow(ctx, "SELECT COUNT(*), MAX(name) FROM "+table).Scan(&count, &name); err != nil || count != 5000 || name != "name\t999" {
		t.Fatalf("%d rows, max %q (%v)", count, name, err)
	}
	if s := settled(t, p); s.DestroyedConns != 0 || connID(t, p) != id {
		t.Fatalf("the connection was not kept: %+v", s)
	}

	i := 0
	boom := errors.New("source failed")
	_, err = p.CopyFrom(ctx, table, []string{"id", "name"}, myx.CopyFromFunc(func() ([]any, error) {
		i++
		if i > 20000 {
			return nil, boom
		}
		return []any{10000 + i, "more"}, nil
	}))
	if !errors.Is(err, boom) {
		t.Fatalf("want the source's error, got %v", err)
	}
	if err := p.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&count); err != nil || count != 5000 {
		t.Fatalf("%d rows after the failed load (%v), want 5000", count, err)
	}
	if s := settled(t, p); s.DestroyedConns != 1 || s.InUseConns != 0 {
		t.Fatalf("the connection of the failed load was not replaced: %+v", s)
	}
	if _, err := p.CopyFrom(ctx, table, nil, myx.CopyFromRows(nil)); err == nil {
		t.Fatal("CopyFrom without columns succeeded")
	}
	settled(t, p)
}
