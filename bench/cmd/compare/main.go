// Command compare runs the WORKLOADS.md workloads for myx and go-sql-driver/mysql side by side
// in one run, alternating between them, and prints each one's median rate and the ratio.
//
//	go run ./cmd/compare [-rounds 5] [-only point,scan]
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
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/bench"
)

// workload measures one run of one side and returns the operations it did.
type workload struct {
	name, unit string
	myx        func(ctx context.Context) (int, error)
	driver     func(ctx context.Context) (int, error)
}

func main() {
	bench.MaybeChild() // a measuring child of the curve or cpu report (curve.go) runs and exits
	rounds := flag.Int("rounds", 5, "runs of each workload per side (the median is reported)")
	only := flag.String("only", "", "comma-separated workloads to run (default: all)")
	flag.Parse()
	ctx := context.Background()
	if runReports(ctx, only, *rounds) {
		return
	}
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
	bulkRows := bench.BulkArgs()

	all := []workload{
		{"point", "queries/s",
			func(ctx context.Context) (int, error) { return bench.PointN, bench.MyxPoint(ctx, conn, bench.PointN) },
			func(ctx context.Context) (int, error) { return bench.PointN, bench.DriverPoint(ctx, db, bench.PointN) }},
		{"scan", "rows/s",
			func(ctx context.Context) (int, error) {
				return repeat(ctx, bench.ScanRepeats, func() (int, error) { return bench.MyxScan(ctx, conn) })
			},
			func(ctx context.Context) (int, error) {
				return repeat(ctx, bench.ScanRepeats, func() (int, error) { return bench.DriverScan(ctx, db) })
			}},
		{"bulk", "rows/s",
			func(ctx context.Context) (int, error) { return len(bulkRows), bench.MyxBulk(ctx, conn, bulkRows) },
			func(ctx context.Context) (int, error) { return len(bulkRows), bench.DriverBulk(ctx, db, bulkRows) }},
		{"tx", "tx/s",
			func(ctx context.Context) (int, error) { return bench.TxN, bench.MyxTx(ctx, conn, bench.TxN) },
			func(ctx context.Context) (int, error) { return bench.TxN, bench.DriverTx(ctx, db, bench.TxN) }},
	}
	all = append(all, extraWorkloads(ctx, db)...)

	fmt.Printf("myx vs go-sql-driver/mysql (interpolateParams=true), %s, %d rounds each, median\n", runtime.Version(), *rounds)
	fmt.Printf("%-16s %14s %14s %8s   %s\n", "workload", "myx", "go-sql-driver", "ratio", "unit")
	for _, w := range all {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), w.name) {
			continue
		}
		var mine, theirs []float64
		for range *rounds {
			r, err := measure(ctx, w.myx)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s/myx: %v\n", w.name, err)
				os.Exit(1)
			}
			mine = append(mine, r)
			if w.driver == nil {
				continue
			}
			r, err = measure(ctx, w.driver)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s/go-sql-driver: %v\n", w.name, err)
				os.Exit(1)
			}
			theirs = append(theirs, r)
		}
		m := median(mine)
		if w.driver == nil {
			fmt.Printf("%-16s %14.0f %14s %8s   %s\n", w.name, m, "-", "-", w.unit)
			continue
		}
		t := median(theirs)
		fmt.Printf("%-16s %14.0f %14.0f %7.2fx   %s\n", w.name, m, t, m/t, w.unit)
	}
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

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
