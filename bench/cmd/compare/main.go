// Command compare runs the WORKLOADS.md workloads for myx and go-sql-driver/mysql side by side
// in one run, alternating between them (which goes first alternating too), and prints each
// one's median rate, the ratio of the medians, and the median of each round's pair of rates'
// ratio (paired), which a machine whose speed changes between rounds moves less. On such a
// machine many short rounds (-quick -rounds 31) give a steadier paired figure than a few long
// ones.
//
//	go run ./cmd/compare [-quick] [-rounds 5] [-only point,scan] [-progress=false] [-speed=false] [-plot curve.svg]
//
// Some rows compare myx with something else than go-sql-driver, and say so after their unit:
// pipelined-vs-c (the C client's sequential rate), point-traced and pool-traced (myx untraced:
// the cost of tracing with otelmyx). Progress (the workload, the round, an estimate of the time
// left) goes to standard error; -quick runs a tenth of each workload's operations, three rounds
// each, for a first look. Before the first workload and after the last, the C client's point
// rate (sysbench, one connection) is measured and printed as a gauge of the machine's speed
// during the run (-speed=false skips it; without sysbench it is noted as not measured).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/bench"
)

// workload measures one run of one side and returns the operations it did.
type workload struct {
	name   string
	unit   string // printed last: the unit, and what the second column is when not go-sql-driver
	myx    func(ctx context.Context) (int, error)
	driver func(ctx context.Context) (int, error)
}

// quick is -quick: size gives a tenth of each workload's operations.
var quick bool

// size is the number of operations a workload runs: full, or a tenth of it with -quick.
func size(full int) int {
	if quick {
		return max(1, full/10)
	}
	return full
}

func main() {
	bench.MaybeChild() // a measuring child of the curve or cpu report (curve.go) runs and exits
	rounds := flag.Int("rounds", 0, "runs of each workload per side, the median is reported (default 5, 3 with -quick)")
	only := flag.String("only", "", "comma-separated workloads to run (default: all)")
	flag.BoolVar(&quick, "quick", false, "a tenth of each workload's operations, three rounds: a first look in well under a minute")
	showProgress := flag.Bool("progress", true, "print the workload, round and an estimate of the time left on standard error")
	speed := flag.Bool("speed", true, "before the first workload and after the last, measure the C client's point rate (sysbench, one connection, a few seconds) and print it: how fast the machine is during the run")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: go run ./cmd/compare [-quick] [-rounds N] [-only a,b] [-progress=false] [-speed=false] [-plot FILE]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *rounds <= 0 {
		*rounds = 5
		if quick {
			*rounds = 3
		}
	}
	defer startPlot()()
	ctx := context.Background()
	if runReports(ctx, only, *rounds) {
		return
	}
	prog := newProgress(*showProgress, *rounds)
	prog.note("setting up the benchmark tables")
	if err := bench.Setup(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "setup:", err)
		os.Exit(1)
	}
	conn, err := myx.Connect(ctx, bench.DSN())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer conn.Close(ctx)
	db, err := bench.OpenDriver(1)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer db.Close()
	// The bulk rows are built on first use only: kept in memory for the whole run, they
	// would give every other workload's garbage collections 100,000 more rows to scan.
	bulkRows := sync.OnceValue(func() [][]any {
		rows := bench.BulkArgs()
		return rows[:size(len(rows))]
	})
	pointN, txN := size(bench.PointN), size(bench.TxN)

	all := []workload{
		{"point", "queries/s",
			func(ctx context.Context) (int, error) { return pointN, bench.MyxPoint(ctx, conn, pointN) },
			func(ctx context.Context) (int, error) { return pointN, bench.DriverPoint(ctx, db, pointN) }},
		{"scan", "rows/s",
			func(ctx context.Context) (int, error) {
				return repeat(ctx, size(bench.ScanRepeats), func() (int, error) { return bench.MyxScan(ctx, conn) })
			},
			func(ctx context.Context) (int, error) {
				return repeat(ctx, size(bench.ScanRepeats), func() (int, error) { return bench.DriverScan(ctx, db) })
			}},
		{"bulk", "rows/s",
			func(ctx context.Context) (int, error) { return len(bulkRows()), bench.MyxBulk(ctx, conn, bulkRows()) },
			func(ctx context.Context) (int, error) { return len(bulkRows()), bench.DriverBulk(ctx, db, bulkRows()) }},
		{"tx", "tx/s",
			func(ctx context.Context) (int, error) { return txN, bench.MyxTx(ctx, conn, txN) },
			func(ctx context.Context) (int, error) { return txN, bench.DriverTx(ctx, db, txN) }},
	}
	prog.note("opening the connections of the other workloads")
	all = append(all, extraWorkloads(ctx, db)...)
	var chosen []workload
	for _, w := range all {
		if *only == "" || slices.Contains(strings.Split(*only, ","), w.name) {
			chosen = append(chosen, w)
		}
	}
	prog.total = len(chosen)

	mode := ""
	if quick {
		mode = ", -quick (a tenth of the operations)"
	}
	var before machineSpeed
	if *speed {
		prog.note("measuring the C client's point rate")
		before = measureSpeed(ctx)
	}
	prog.clear()
	fmt.Printf("myx vs go-sql-driver/mysql (interpolateParams=true), %s, %d rounds each, median%s\n", runtime.Version(), *rounds, mode)
	fmt.Printf("%-16s %14s %14s %8s %8s   %s\n", "workload", "myx", "go-sql-driver", "ratio", "paired", "unit")
	for i, w := range chosen {
		prog.startWorkload(i, w.name, w.driver != nil)
		var mine, theirs, pairs []float64
		run := func(side string, f func(context.Context) (int, error), into *[]float64) {
			r, err := measure(ctx, f)
			if err != nil {
				prog.clear()
				fmt.Fprintf(os.Stderr, "%s/%s: %v\n", w.name, side, err)
				os.Exit(1)
			}
			*into = append(*into, r)
		}
		for k := range *rounds {
			prog.round(k)
			if w.driver == nil {
				run("myx", w.myx, &mine)
				continue
			}
			// Which side goes first alternates, so that neither always follows the other.
			if k%2 == 0 {
				run("myx", w.myx, &mine)
				run("go-sql-driver", w.driver, &theirs)
			} else {
				run("go-sql-driver", w.driver, &theirs)
				run("myx", w.myx, &mine)
			}
			pairs = append(pairs, mine[k]/theirs[k])
		}
		prog.endWorkload()
		m := bench.Median(mine)
		if w.driver == nil {
			fmt.Printf("%-16s %14.0f %14s %8s %8s   %s\n", w.name, m, "-", "-", "-", w.unit)
			continue
		}
		t := bench.Median(theirs)
		fmt.Printf("%-16s %14.0f %14.0f %7.2fx %7.2fx   %s\n", w.name, m, t, m/t, bench.Median(pairs), w.unit)
	}
	if *speed {
		prog.note("measuring the C client's point rate")
		after := measureSpeed(ctx)
		prog.clear()
		printSpeed(os.Stdout, before, after)
	}
	prog.finish()
}

// extraWorkloads are added by other files (pool, pipelining).
var extraWorkloads = func(ctx context.Context, db *sql.DB) []workload { return nil }

func repeat(ctx context.Context, n int, f func() (int, error)) (int, error) {
	total := 0
	for range n {
		k, err := f()
		if err != nil {
			return total, err
		}
		total += k
	}
	return total, nil
}

func measure(ctx context.Context, f func(context.Context) (int, error)) (float64, error) {
	runtime.GC()
	start := time.Now()
	n, err := f(ctx)
	if err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
