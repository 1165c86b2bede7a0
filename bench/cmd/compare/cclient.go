package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/bench"
)

// The pipelining target: point-pipelined against the C client's sequential point rate
// (libmariadb through sysbench, one connection), in the same run. In this row the second column
// is the C client, not go-sql-driver, and the ratio is myx pipelined / C sequential (the target
// is at least 2x). Skipped, with a note, when sysbench or c-point.lua cannot be found.
func init() {
	prev := extraWorkloads
	extraWorkloads = func(ctx context.Context, db *sql.DB) []workload {
		ws := prev(ctx, db)
		script := bench.FindCPointScript()
		if _, err := exec.LookPath("sysbench"); err != nil || script == "" {
			fmt.Fprintln(os.Stderr, "pipelined-vs-c: skipped (needs sysbench and shared/bench/c-point.lua)")
			return ws
		}
		c, err := myx.Connect(ctx, bench.DSN())
		if err != nil {
			fmt.Fprintln(os.Stderr, "pipelined-vs-c:", err)
			os.Exit(1)
		}
		return append(ws, workload{"pipelined-vs-c", "queries/s (second column: the C client, sequential)",
			func(ctx context.Context) (int, error) {
				return size(bench.PointN), bench.MyxPointPipelined(ctx, c, size(bench.PointN))
			},
			func(ctx context.Context) (int, error) {
				start := time.Now()
				rate, err := bench.CPoint(ctx, script, 1, size(bench.PointN))
				// measure divides by the wall time of this call; sysbench's own rate excludes
				// starting the process and connecting, so scale the count to report that rate.
				return int(rate * time.Since(start).Seconds()), err
			}})
	}
}
