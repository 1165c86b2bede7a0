package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"github.com/myxdb/myx/bench"
)

// The pool workload: PoolWorkers goroutines over PoolConns connections, PoolN point queries.
func init() {
	prev := extraWorkloads
	extraWorkloads = func(ctx context.Context, db *sql.DB) []workload {
		ws := prev(ctx, db)
		p, err := bench.PoolOpenMyx(ctx, bench.PoolConns)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pool:", err)
			os.Exit(1)
		}
		pdb, err := bench.OpenDriver(bench.PoolConns)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pool:", err)
			os.Exit(1)
		}
		// Both stay open until the program exits.
		return append(ws, workload{"pool", "queries/s",
			func(ctx context.Context) (int, error) {
				return size(bench.PoolN), bench.PoolMyx(ctx, p, size(bench.PoolN), bench.PoolWorkers)
			},
			func(ctx context.Context) (int, error) {
				return size(bench.PoolN), bench.PoolDriver(ctx, pdb, size(bench.PoolN), bench.PoolWorkers)
			}})
	}
}
