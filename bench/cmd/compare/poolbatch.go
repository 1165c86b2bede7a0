package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"github.com/myxdb/myx/bench"
)

// The pool-pipelined workload: PoolWorkers goroutines send batches of PoolBatchSize point
// queries through a pool of PoolConns (Pool.SendBatch), PoolN queries in all (myx only;
// go-sql-driver cannot pipeline: compare with the pool row).
func init() {
	prev := extraWorkloads
	extraWorkloads = func(ctx context.Context, db *sql.DB) []workload {
		ws := prev(ctx, db)
		p, err := bench.PoolOpenMyx(ctx, bench.PoolConns)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pool-pipelined:", err)
			os.Exit(1)
		}
		// Open until the program exits.
		return append(ws, workload{name: "pool-pipelined", unit: "queries/s",
			myx: func(ctx context.Context) (int, error) {
				return size(bench.PoolN), bench.PoolPipelinedMyx(ctx, p, size(bench.PoolN), bench.PoolWorkers, bench.PoolBatchSize)
			}})
	}
}
