package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
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
		if script == "" {
			fmt.Fprintf(os.Stderr, "pipelined-vs-c: skipped (%s)\n", noCClient)
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

// noCClient says why the C client cannot run (bench.FindCPointScript found nothing).
const noCClient = "needs sysbench and shared/bench/c-point.lua"

// machineSpeed is the C client's point rate at one moment of a run (see measureSpeed).
type machineSpeed struct {
	rate float64 // queries/s; 0 when not measured
	why  string  // why not, when rate is 0
}

// speedEvents is how many point queries a speed measurement runs: a few seconds at the rates
// seen on the project's machine (4,000 to 30,000 queries/s).
const speedEvents = 30000

// measureSpeed runs the C client's point workload (libmariadb through sysbench, one
// connection) as a gauge of the machine's speed: on a VM whose speed changes during the day,
// a run's ratios can only be read next to it.
func measureSpeed(ctx context.Context) machineSpeed {
	script := bench.FindCPointScript()
	if script == "" {
		return machineSpeed{why: noCClient}
	}
	rate, err := bench.CPoint(ctx, script, 1, speedEvents)
	if err != nil {
		return machineSpeed{why: err.Error()}
	}
	return machineSpeed{rate: rate}
}

// printSpeed writes the machine's speed before and after the run to w.
func printSpeed(w io.Writer, before, after machineSpeed) {
	if before.rate == 0 || after.rate == 0 {
		why := before.why
		if why == "" {
			why = after.why
		}
		fmt.Fprintf(w, "machine speed: not measured (%s)\n", why)
		return
	}
	fmt.Fprintf(w, "machine speed: the C client (sysbench, one connection) did %.0f point queries/s before the run and %.0f after\n", before.rate, after.rate)
}
