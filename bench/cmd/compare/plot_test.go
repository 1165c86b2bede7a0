package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlotFlag: with -plot set, what the run prints goes through to standard output as before
// and the curve in it is drawn into the file.
func TestPlotFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "curve.svg")
	*plotFile = path
	defer func() { *plotFile = "" }()
	out := filepath.Join(t.TempDir(), "stdout")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = f
	finish := startPlot()
	fmt.Println("conns/gor  variant  queries/s")
	fmt.Println("8/16       myx            21900   1.22x")
	fmt.Println("8/16       go-sql-driver  17900       -")
	finish()
	os.Stdout = saved
	f.Close()
	printed, _ := os.ReadFile(out)
	if !strings.Contains(string(printed), "8/16       myx            21900") || !strings.Contains(string(printed), "21.9k  1.22x") {
		t.Fatalf("standard output:\n%s", printed)
	}
	svg, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(svg), "<svg") || !strings.Contains(string(svg), "go-sql-driver") {
		t.Fatalf("plot file (%v):\n%s", err, svg)
	}
}
