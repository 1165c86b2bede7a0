package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/myxdb/myx"
)

// FindCPointScript gives the path of the C client's point workload for sysbench
// (shared/bench/c-point.lua, see shared/bench/WORKLOADS.md), or "" when the C client cannot
// run here: sysbench is not installed, or the script is neither named by $MYX_C_POINT_LUA
// nor found in the working directory or one of its parents.
func FindCPointScript() string {
	if _, err := exec.LookPath("sysbench"); err != nil {
		return ""
	}
	if p := os.Getenv("MYX_C_POINT_LUA"); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, "shared", "bench", "c-point.lua")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

var sysbenchRate = regexp.MustCompile(`queries:\s+(\d+)\s+\(([0-9.]+) per sec\.\)`)

// CPoint runs the point workload with the C client (libmariadb through sysbench, one prepared
// statement per thread) for events queries over threads connections, and returns the rate
// sysbench reports (queries/s, its own clock: connecting and starting the process excluded).
func CPoint(ctx context.Context, script string, threads, events int) (float64, error) {
	cfg, err := myx.ParseConfig(DSN())
	if err != nil {
		return 0, err
	}
	host, port := cfg.Addr, "3306"
	if h, p, ok := cutLast(cfg.Addr, ':'); ok {
		host, port = h, p
	}
	args := []string{script, "--mysql-host=" + host, "--mysql-port=" + port, "--mysql-user=" + cfg.User,
		"--mysql-db=" + cfg.Database, "--threads=" + strconv.Itoa(threads),
		"--events=" + strconv.Itoa(events), "--time=0"}
	if cfg.Password != "" {
		args = append(args, "--mysql-password="+cfg.Password)
	}
	args = append(args, "run")
	out, err := exec.CommandContext(ctx, "sysbench", args...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("sysbench: %v\n%s", err, out)
	}
	m := sysbenchRate.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("sysbench: no rate in its report:\n%s", out)
	}
	return strconv.ParseFloat(string(m[2]), 64)
}

func cutLast(s string, sep byte) (before, after string, ok bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
