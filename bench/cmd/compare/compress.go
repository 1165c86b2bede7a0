package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"github.com/myxdb/myx/bench"
)

// The compression workloads: scan and bulk over zlib (myx compress=true, go-sql-driver
// compress=true), next to the uncompressed scan and bulk of the same run.
func init() {
	prev := extraWorkloads
	extraWorkloads = func(ctx context.Context, db *sql.DB) []workload {
		ws := prev(ctx, db)
		c, err := bench.MyxConnectCompressed(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "compressed:", err)
			os.Exit(1)
		}
		cdb, err := bench.OpenDriverCompressed(1)
		if err != nil {
			fmt.Fprintln(os.Stderr, "compressed:", err)
			os.Exit(1)
		}
		bulkRows := bench.BulkArgs()
		bulkRows = bulkRows[:size(len(bulkRows))]
		// Both stay open until the program exits.
		return append(ws,
			workload{"scan-zlib", "rows/s",
				func(ctx context.Context) (int, error) {
					return repeat(ctx, size(bench.ScanRepeats), func() (int, error) { return bench.MyxScan(ctx, c) })
				},
				func(ctx context.Context) (int, error) {
					return repeat(ctx, size(bench.ScanRepeats), func() (int, error) { return bench.DriverScan(ctx, cdb) })
				}},
			workload{"bulk-zlib", "rows/s",
				func(ctx context.Context) (int, error) { return len(bulkRows), bench.MyxBulk(ctx, c, bulkRows) },
				func(ctx context.Context) (int, error) { return len(bulkRows), bench.DriverBulk(ctx, cdb, bulkRows) }})
	}
}
