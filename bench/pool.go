package bench

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/myxdb/myx/pool"
)

// PoolOpenMyx opens a myx pool of conns connections to the benchmark server.
func PoolOpenMyx(ctx context.Context, conns int) (*pool.Pool, error) {
	cfg, err := pool.ParseConfig(DSN())
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = conns
	return pool.NewWithConfig(ctx, cfg)
}

// poolRun runs n point queries spread over workers goroutines that take the next index from
// a shared counter, and returns the first error.
func poolRun(n, workers int, query func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := query(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// PoolMyx runs the pool workload on a myx pool: n point queries from workers goroutines.
func PoolMyx(ctx context.Context, p *pool.Pool, n, workers int) error {
	return poolRun(n, workers, func(i int) error {
		var r Row
		if err := p.QueryRow(ctx, PointQuery, pointID(i)).Scan(&r.ID, &r.Name, &r.Score, &r.Created); err != nil {
			return err
		}
		if r.ID != pointID(i) {
			return fmt.Errorf("pool: got id %d for %d", r.ID, pointID(i))
		}
		return nil
	})
}

// PoolDriver runs the pool workload on database/sql with go-sql-driver (open it with
// OpenDriver(PoolConns)).
func PoolDriver(ctx context.Context, db *sql.DB, n, workers int) error {
	return poolRun(n, workers, func(i int) error {
		var r Row
		if err := db.QueryRowContext(ctx, PointQuery, pointID(i)).Scan(&r.ID, &r.Name, &r.Score, &r.Created); err != nil {
			return err
		}
		if r.ID != pointID(i) {
			return fmt.Errorf("pool: got id %d for %d", r.ID, pointID(i))
		}
		return nil
	})
}
