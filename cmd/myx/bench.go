package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

const benchHelp = `
The workloads (point queries, scans, bulk inserts, transactions, the pool, pipelining,
compression) run for myx and go-sql-driver/mysql alternately, and each one's median rate is
printed with the ratio. They live in bench/, a module of its own (go-sql-driver is its
dependency, not the library's), so myx bench runs from the myx source tree and builds it
with "go run". The full run takes about 5 minutes; -quick takes well under one. Progress (the
workload, the round, an estimate of the time left) goes to standard error.

Not in the default set: -only cluster (point reads through a cluster's Reader over two replicas
against the primary alone) and -only failover (kill the primary, promote a replica, time the
first write); each starts a primary and two replicas of its own from the installed binaries.
`

// runBench runs the side-by-side benchmarks of the bench/ module, which has its own go.mod
// (it depends on go-sql-driver/mysql; the library does not). It needs the source tree.
func runBench(ctx context.Context, args []string) error {
	fs := newFlagSet("bench")
	fs.Usage = func() { commandUsage(fs, benchHelp) }
	quick := fs.Bool("quick", false, "a tenth of each workload's operations, three rounds each")
	rounds := fs.Int("rounds", 0, "runs of each workload per side, the median is reported (default 5, 3 with -quick)")
	only := fs.String("only", "", "comma-separated workloads to run, e.g. point,scan (default: all)")
	progress := fs.Bool("progress", true, "show progress and an estimate of the time left on standard error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	cargs := []string{"run", "./cmd/compare"}
	if *quick {
		cargs = append(cargs, "-quick")
	}
	if *rounds > 0 {
		cargs = append(cargs, "-rounds", strconv.Itoa(*rounds))
	}
	if *only != "" {
		cargs = append(cargs, "-only", *only)
	}
	if !*progress {
		cargs = append(cargs, "-progress=false")
	}
	dir, err := findBenchDir()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", cargs...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

func findBenchDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "bench", "go.mod")); err == nil {
			return filepath.Join(d, "bench"), nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("myx bench runs from the myx source tree (it needs bench/, a separate module)")
		}
	}
}
