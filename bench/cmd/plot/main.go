// Command plot draws the pool curve from the curve workload's printed table (see
// bench.ParseCurve), read from the files named or standard input: a text bar chart on standard
// output, and with -o FILE an SVG (FILE ending in .svg) or text chart in FILE.
//
//	go run ./cmd/compare -only curve | tee curve.txt
//	go run ./cmd/plot -o curve.svg curve.txt
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/myxdb/myx/bench"
)

func main() {
	out := flag.String("o", "", "also write the chart to this file (SVG if it ends in .svg)")
	title := flag.String("title", "pool curve: point queries/s through the pool", "the chart's title")
	flag.Parse()
	var r io.Reader = os.Stdin
	if flag.NArg() > 0 {
		var rs []io.Reader
		for _, name := range flag.Args() {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			defer f.Close()
			rs = append(rs, f)
		}
		r = io.MultiReader(rs...)
	}
	pts, err := bench.ParseCurve(r)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := bench.TextChart(os.Stdout, *title, pts); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *out != "" {
		if err := bench.WritePlot(*out, *title, pts); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
