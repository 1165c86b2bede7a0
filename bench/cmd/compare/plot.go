package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/myxdb/myx/bench"
)

var plotFile = flag.String("plot", "", "after the run, draw the pool curve it printed (the curve workload) as a text chart on standard output and into this file: SVG if it ends in .svg, text otherwise")

// startPlot, when -plot is set, copies what the run prints to standard output so that
// finishPlot can draw the curve's points (see bench.ParseCurve) once the workloads are done.
// Call it after flag.Parse and the returned function when the run ends.
func startPlot() (finishPlot func()) {
	if *plotFile == "" {
		return func() {}
	}
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "plot:", err)
		os.Exit(1)
	}
	orig := os.Stdout
	os.Stdout = w
	var seen bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.Copy(io.MultiWriter(orig, &seen), r)
		close(done)
	}()
	return func() {
		w.Close()
		<-done
		os.Stdout = orig
		pts, err := bench.ParseCurve(&seen)
		if err != nil {
			fmt.Fprintln(os.Stderr, "plot: the run printed no curve (run the curve workload):", err)
			os.Exit(1)
		}
		title := "pool curve: point queries/s through the pool (" + loadNow() + ")"
		fmt.Println()
		if err := bench.TextChart(os.Stdout, title, pts); err != nil {
			fmt.Fprintln(os.Stderr, "plot:", err)
			os.Exit(1)
		}
		if err := bench.WritePlot(*plotFile, title, pts); err != nil {
			fmt.Fprintln(os.Stderr, "plot:", err)
			os.Exit(1)
		}
	}
}

// loadNow is the machine's load average, for the chart's title.
func loadNow() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load unknown"
	}
	var one, five, fifteen string
	fmt.Sscan(string(b), &one, &five, &fifteen)
	return "load " + one + " " + five + " " + fifteen
}
