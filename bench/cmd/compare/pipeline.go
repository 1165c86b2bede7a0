package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/bench"
)

func init() {
	prev := extraWorkloads
	extraWorkloads = func(ctx context.Context, db *sql.DB) []workload {
		c, err := myx.Connect(ctx, bench.DSN())
		if err != nil {
			fmt.Fprintln(os.Stderr, "point-pipelined:", err)
			os.Exit(1)
		}
		rows := bench.BulkArgs()
		rows = rows[:size(len(rows))]
		return append(prev(ctx, db),
			workload{name: "point-pipelined", unit: "queries/s",
				myx: func(ctx context.Context) (int, error) {
					return size(bench.PointN), bench.MyxPointPipelined(ctx, c, size(bench.PointN))
				}},
			workload{name: "bulk-copyfrom", unit: "rows/s",
				myx: func(ctx context.Context) (int, error) {
					return len(rows), bench.MyxCopy(ctx, c, rows)
				}})
	}
}
