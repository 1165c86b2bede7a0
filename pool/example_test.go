package pool_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/pool"
)

// dsn is the server the examples run on, such as "mysql://root@127.0.0.1:3306/test". Here it
// is a database of the examples' own on the test server (MYSQL_TEST_DSN, else
// mysql://root@127.0.0.1:3306/test), made by TestMain and dropped after the examples ran.
var dsn string

func TestMain(m *testing.M) { os.Exit(testsupport.RunExamples(m, &dsn)) }

// Querier is the small interface that *myx.Conn, myx.Tx and *pool.Pool all satisfy, so code
// can run on any of them.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (myx.Result, error)
	Query(ctx context.Context, query string, args ...any) (*myx.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *myx.Row
}

var (
	_ Querier        = (*myx.Conn)(nil)
	_ Querier        = myx.Tx(nil)
	_ Querier        = (*pool.Pool)(nil)
	_ myx.TxBeginner = (*pool.Pool)(nil)
)

// A pool shares connections between goroutines: each call takes a connection, runs, and gives
// it back. The pool_* DSN parameters (pool_max_conns=8...) or the Config fields set its size
// and lifetimes.
func Example() {
	ctx := context.Background()
	cfg, err := pool.ParseConfig(dsn) // for example "mysql://root@127.0.0.1:3306/test?pool_max_conns=8"
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.MaxConns = 4
	p, err := pool.NewWithConfig(ctx, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	if _, err := p.Exec(ctx, `CREATE TABLE visits (
		page VARCHAR(20) PRIMARY KEY, n INT NOT NULL)`); err != nil {
		fmt.Println(err)
		return
	}
	defer p.Exec(ctx, "DROP TABLE visits")
	if _, err := p.Exec(ctx, "INSERT INTO visits VALUES (?, 0)", "/home"); err != nil {
		fmt.Println(err)
		return
	}

	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := p.Exec(ctx, "UPDATE visits SET n = n + 1 WHERE page = ?", "/home")
			if err != nil {
				fmt.Println(err)
			}
		})
	}
	wg.Wait()

	var n int
	if err := p.QueryRow(ctx, "SELECT n FROM visits WHERE page = ?", "/home").Scan(&n); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n, p.Stat().TotalConns <= 4)
	// Output:
	// 20 true
}

// BeginFunc runs a function in a transaction on one of the pool's connections: committed when
// it returns nil, rolled back otherwise, and run again after a deadlock, a lock wait timeout
// or a connection lost before COMMIT was sent.
func ExamplePool_BeginFunc() {
	ctx := context.Background()
	p, err := pool.New(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	if _, err := p.Exec(ctx, `CREATE TABLE accounts (
		id INT PRIMARY KEY, balance INT UNSIGNED NOT NULL) ENGINE=InnoDB`); err != nil {
		fmt.Println(err)
		return
	}
	defer p.Exec(ctx, "DROP TABLE accounts")
	if _, err := p.Exec(ctx, "INSERT INTO accounts VALUES (1, 100), (2, 0)"); err != nil {
		fmt.Println(err)
		return
	}

	err = p.BeginFunc(ctx, func(tx myx.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE accounts SET balance = balance - ? WHERE id = ?", 10, 1); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "UPDATE accounts SET balance = balance + ? WHERE id = ?", 10, 2)
		return err
	})
	switch {
	case errors.Is(err, myx.ErrCommitUnknown):
		// The connection failed after COMMIT was sent: check before doing it again.
		fmt.Println("commit unknown:", err)
	case err != nil:
		fmt.Println("not committed:", err)
	}

	rows, _ := p.Query(ctx, "SELECT balance FROM accounts ORDER BY id")
	balances, err := myx.CollectRows(rows, myx.RowTo[int])
	fmt.Println(balances, err)
	// Output:
	// [90 10] <nil>
}

// Idempotent runs a function that may safely run twice: when the connection is lost under it,
// it runs again on a fresh one.
func ExamplePool_Idempotent() {
	ctx := context.Background()
	p, err := pool.New(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	if _, err := p.Exec(ctx, "CREATE TABLE members (name VARCHAR(20) PRIMARY KEY)"); err != nil {
		fmt.Println(err)
		return
	}
	defer p.Exec(ctx, "DROP TABLE members")
	if _, err := p.Exec(ctx, "INSERT INTO members VALUES ('yang'), ('ann'), ('li')"); err != nil {
		fmt.Println(err)
		return
	}

	var names []string
	err = p.Idempotent(ctx, func(c *myx.Conn) error {
		rows, err := c.Query(ctx, "SELECT name FROM members ORDER BY name")
		if err != nil {
			return err
		}
		names, err = myx.CollectRows(rows, myx.RowTo[string])
		return err
	})
	fmt.Println(names, err)
	// Output:
	// [ann li yang] <nil>
}

// poolLog is a tracer of the pool's acquires and releases. A ReleaseTracer gets the context of
// the work that held the connection, so it can find the request it belongs to.
type poolLog struct{}

type requestKey struct{}

func (poolLog) TraceAcquireStart(ctx context.Context, _ *pool.Pool, _ pool.TraceAcquireStartData) context.Context {
	return ctx
}

func (poolLog) TraceAcquireEnd(ctx context.Context, _ *pool.Pool, d pool.TraceAcquireEndData) {
	fmt.Printf("acquire: opened %v, err %v\n", d.Opened, d.Err)
}

func (poolLog) TraceRelease(ctx context.Context, _ *pool.Pool, d pool.TraceReleaseData) {
	fmt.Printf("release for %v: reset %v, destroyed %v\n", ctx.Value(requestKey{}), d.Reset, d.Destroyed)
}

// Config.Tracer receives the pool's events: here each acquire and release is printed. (A value
// that is also a myx.QueryTracer would trace the statements of the pool's connections too; see
// Config.Tracer.)
func ExampleConfig_tracer() {
	cfg, err := pool.ParseConfig(dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.Tracer = poolLog{}
	p, err := pool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	ctx := context.WithValue(context.Background(), requestKey{}, "request 1")
	if _, err := p.Exec(ctx, "SET @greeting = 'hello'"); err != nil { // a session change
		fmt.Println(err)
		return
	}
	ctx = context.WithValue(context.Background(), requestKey{}, "request 2")
	if err := p.QueryRow(ctx, "SELECT 1").Scan(new(int)); err != nil {
		fmt.Println(err)
		return
	}
	// Output:
	// acquire: opened true, err <nil>
	// release for request 1: reset true, destroyed false
	// acquire: opened false, err <nil>
	// release for request 2: reset false, destroyed false
}
