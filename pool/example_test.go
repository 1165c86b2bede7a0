package pool_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/pool"
)

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

func Example() {
	ctx := context.Background()
	p, err := pool.New(ctx, "mysql://root@127.0.0.1:3306/test?pool_max_conns=8")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()

	var version string
	if err := p.QueryRow(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		log.Fatal(err)
	}
	fmt.Println(version)
}

func ExamplePool_BeginFunc() {
	ctx := context.Background()
	p, err := pool.New(ctx, "mysql://root@127.0.0.1:3306/test")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()

	// Committed when the function returns nil, rolled back otherwise; run again on deadlock,
	// lock wait timeout or a connection lost before COMMIT.
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
	case err != nil:
		log.Print(err) // certainly not committed
	}
}

func ExamplePool_Idempotent() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, err := pool.New(ctx, "mysql://root@127.0.0.1:3306/test")
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()

	// A read that survives a dropped connection: the function runs again on a fresh one.
	var names []string
	err = p.Idempotent(ctx, func(c *myx.Conn) error {
		rows, err := c.Query(ctx, "SELECT name FROM users ORDER BY name")
		if err != nil {
			return err
		}
		names, err = myx.CollectRows(rows, myx.RowTo[string])
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(names)
}
