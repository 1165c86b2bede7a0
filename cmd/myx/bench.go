package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
)

// runBench runs the side-by-side benchmarks of the bench/ module, which has its own go.mod
// (it depends on go-sql-driver/mysql; the library does not). It needs the source tree.
func runBench(ctx context.Context, args []string) error {
	dir, err := findBenchDir()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", append([]string{"run", "./cmd/compare"}, args...)...)
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
