package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/myxdb/myx/bench"
)

// The reports that print their own tables instead of a myx/go-sql-driver pair of rates:
//
//	go run ./cmd/compare -only curve   # the pool curve (bench/curve.go)
//	go run ./cmd/compare -only cpu     # client CPU per point query on one connection, with sysbench
var (
	curveN        = flag.Int("curve-n", bench.CurveN, "curve and cpu: queries per measured run")
	curvePoints   = flag.String("curve-points", "", "curve: points as conns/goroutines, comma-separated (default 8/16,32/64,64/256,128/1000)")
	curveVariants = flag.String("curve-variants", "", "curve: variants, comma-separated (default "+strings.Join(bench.CurveVariants, ",")+")")
)

var reports = map[string]func(ctx context.Context, rounds int) error{
	"curve": func(ctx context.Context, rounds int) error {
		points := bench.CurvePoints
		if *curvePoints != "" {
			points = nil
			for _, s := range strings.Split(*curvePoints, ",") {
				c, g, _ := strings.Cut(s, "/")
				conns, err1 := strconv.Atoi(c)
				workers, err2 := strconv.Atoi(g)
				if err1 != nil || err2 != nil || conns < 1 || workers < 1 {
					return fmt.Errorf("-curve-points: bad point %q", s)
				}
				points = append(points, bench.CurvePoint{Conns: conns, Workers: workers})
			}
		}
		variants := bench.CurveVariants
		if *curveVariants != "" {
			variants = strings.Split(*curveVariants, ",")
		}
		return bench.Curve(ctx, os.Stdout, points, variants, rounds, *curveN)
	},
	"cpu": func(ctx context.Context, rounds int) error {
		return bench.CPUReport(ctx, os.Stdout, rounds, *curveN)
	},
}

// runReports runs the reports named in *only and removes them from it; it reports whether
// nothing else was asked for.
func runReports(ctx context.Context, only *string, rounds int) bool {
	if *only == "" {
		return false
	}
	var rest []string
	for _, name := range strings.Split(*only, ",") {
		r, ok := reports[name]
		if !ok {
			rest = append(rest, name)
			continue
		}
		if err := r(ctx, rounds); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			os.Exit(1)
		}
	}
	*only = strings.Join(rest, ",")
	return len(rest) == 0
}
