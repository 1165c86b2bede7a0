package bench

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/pool"
)

// The pool curve: point queries through a pool at growing sizes, for myx's default, myx with
// runtime_poller=true and go-sql-driver, with the OS threads and the client CPU each needs.
// Every measurement runs in a fresh child process (the program re-executes itself with
// ChildEnv set), because a Go process never gives its threads back: a thread count taken after
// another variant ran in the same process would be that variant's. The variants of a point
// alternate round by round, so that they see the same machine.

// CurvePoint is one point of the curve: connections in the pool and goroutines using it.
type CurvePoint struct{ Conns, Workers int }

// CurvePoints are the points of issue 13.
var CurvePoints = []CurvePoint{{8, 16}, {32, 64}, {64, 256}, {128, 1000}}

// CurveN is the number of point queries one measured run does.
const CurveN = 40_000

// Variants measured by the curve and by the one-connection CPU report. The myx variants differ
// only in the DSN parameter runtime_poller.
const (
	VariantMyx     = "myx"         // the default
	VariantRuntime = "myx-runtime" // runtime_poller=true
	VariantThread  = "myx-thread"  // runtime_poller=false
	VariantDriver  = "go-sql-driver"
)

// ChildEnv names the environment variable that makes the program a measuring child.
const ChildEnv = "MYX_BENCH_CHILD"

// Measurement is what one child measured.
type Measurement struct {
	Variant string  `json:"variant"`
	Conns   int     `json:"conns"`   // 0: one connection without a pool
	Workers int     `json:"workers"` // goroutines
	N       int     `json:"n"`       // queries measured
	Rate    float64 `json:"rate"`    // queries per second
	Threads int     `json:"threads"` // OS threads of the process after the run (the peak)
	CPU     float64 `json:"cpu_us"`  // client CPU (user+system, getrusage) per query, µs
	User    float64 `json:"user_us"` // of which user time, µs per query
	Switch  float64 `json:"csw"`     // voluntary context switches of the process per query
	Allocs  float64 `json:"allocs"`  // heap allocations of the process per query
}

type childJob struct {
	Variant string `json:"variant"`
	Conns   int    `json:"conns"`
	Workers int    `json:"workers"`
	N       int    `json:"n"`
}

// MaybeChild runs the measurement described by ChildEnv and exits, if the variable is set; a
// program offering the curve calls it first thing in main (not in init: the runtime locks the
// main goroutine to its thread during initialization, which would change what is measured).
func MaybeChild() {
	spec := os.Getenv(ChildEnv)
	if spec == "" {
		return
	}
	var job childJob
	if err := json.Unmarshal([]byte(spec), &job); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	m, err := runChild(context.Background(), job)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s %d/%d: %v\n", job.Variant, job.Conns, job.Workers, err)
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(m)
	os.Exit(0)
}

func variantDSN(variant string) (string, error) {
	dsn := DSN()
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	switch variant {
	case VariantMyx:
		return dsn, nil
	case VariantRuntime:
		return dsn + sep + "runtime_poller=true", nil
	case VariantThread:
		return dsn + sep + "runtime_poller=false", nil
	}
	return "", fmt.Errorf("unknown variant %q", variant)
}

func runChild(ctx context.Context, job childJob) (Measurement, error) {
	m := Measurement{Variant: job.Variant, Conns: job.Conns, Workers: job.Workers, N: job.N}
	var run func(n int) error
	if job.Variant == VariantDriver {
		conns := max(job.Conns, 1)
		db, err := OpenDriver(conns)
		if err != nil {
			return m, err
		}
		defer db.Close()
		if job.Conns == 0 {
			run = func(n int) error { return DriverPoint(ctx, db, n) }
		} else {
			run = func(n int) error { return PoolDriver(ctx, db, n, job.Workers) }
			if err := warmDriver(ctx, db, conns); err != nil {
				return m, err
			}
		}
	} else {
		dsn, err := variantDSN(job.Variant)
		if err != nil {
			return m, err
		}
		if job.Conns == 0 {
			c, err := myx.Connect(ctx, dsn)
			if err != nil {
				return m, err
			}
			defer c.Close(ctx)
			run = func(n int) error { return MyxPoint(ctx, c, n) }
		} else {
			cfg, err := pool.ParseConfig(dsn)
			if err != nil {
				return m, err
			}
			cfg.MaxConns = job.Conns
			p, err := pool.NewWithConfig(ctx, cfg)
			if err != nil {
				return m, err
			}
			defer p.Close()
			if err := warmMyx(ctx, p, job.Conns); err != nil {
				return m, err
			}
			run = func(n int) error { return PoolMyx(ctx, p, n, job.Workers) }
		}
	}
	// Warm up: connections open, statements cached, buffers grown.
	if err := run(max(job.N/10, 1000)); err != nil {
		return m, err
	}
	runtime.GC()
	var before, after syscall.Rusage
	var memBefore, memAfter runtime.MemStats
	runtime.ReadMemStats(&memBefore)
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	start := time.Now()
	err := run(job.N)
	elapsed := time.Since(start)
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	runtime.ReadMemStats(&memAfter) // stops the world: after the CPU figures are taken
	m.Threads = threadCount()       // a Go process never ends its threads: the count is the peak
	if err != nil {
		return m, err
	}
	user := tv(after.Utime) - tv(before.Utime)
	sys := tv(after.Stime) - tv(before.Stime)
	m.Rate = float64(job.N) / elapsed.Seconds()
	m.CPU = float64(user+sys) / float64(time.Microsecond) / float64(job.N)
	m.User = float64(user) / float64(time.Microsecond) / float64(job.N)
	m.Switch = float64(after.Nvcsw-before.Nvcsw) / float64(job.N)
	m.Allocs = float64(memAfter.Mallocs-memBefore.Mallocs) / float64(job.N)
	return m, nil
}

func tv(t syscall.Timeval) time.Duration {
	return time.Duration(t.Sec)*time.Second + time.Duration(t.Usec)*time.Microsecond
}

// warmMyx opens all conns connections of the pool before the measurement, by holding them at
// once.
func warmMyx(ctx context.Context, p *pool.Pool, conns int) error {
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	hold := make(chan struct{})
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- p.AcquireFunc(ctx, func(c *myx.Conn) error {
				<-hold
				return nil
			})
		}()
	}
	time.Sleep(200 * time.Millisecond)
	close(hold)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// warmDriver opens conns connections of the database/sql pool by holding them at once.
func warmDriver(ctx context.Context, db *sql.DB, conns int) error {
	cs := make([]*sql.Conn, 0, conns)
	defer func() {
		for _, c := range cs {
			c.Close()
		}
	}()
	for range conns {
		c, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		if err := c.PingContext(ctx); err != nil {
			return err
		}
		cs = append(cs, c)
	}
	return nil
}

func threadCount() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte("Threads:")); ok {
			n, _ := strconv.Atoi(string(bytes.TrimSpace(rest)))
			return n
		}
	}
	return 0
}

// measureChild runs one measurement in a child process.
func measureChild(ctx context.Context, job childJob) (Measurement, error) {
	exe, err := os.Executable()
	if err != nil {
		return Measurement{}, err
	}
	spec, _ := json.Marshal(job)
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), ChildEnv+"="+string(spec))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return Measurement{}, fmt.Errorf("%s %d/%d: %w", job.Variant, job.Conns, job.Workers, err)
	}
	var m Measurement
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		return m, fmt.Errorf("%s: %w (%q)", job.Variant, err, out.String())
	}
	return m, nil
}

// medianOf gives the measurement of median rate, with the medians of threads and CPU.
func medianOf(ms []Measurement) Measurement {
	s := slices.Clone(ms)
	slices.SortFunc(s, func(a, b Measurement) int { return cmpFloat(a.Rate, b.Rate) })
	m := s[len(s)/2]
	cpu := make([]float64, len(s))
	thr := make([]float64, len(s))
	usr := make([]float64, len(s))
	csw := make([]float64, len(s))
	allocs := make([]float64, len(s))
	for i, x := range s {
		cpu[i], thr[i], usr[i], csw[i], allocs[i] = x.CPU, float64(x.Threads), x.User, x.Switch, x.Allocs
	}
	m.CPU, m.Threads, m.User, m.Switch = Median(cpu), int(Median(thr)), Median(usr), Median(csw)
	m.Allocs = Median(allocs)
	return m
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CurveVariants are the variants the curve compares, go-sql-driver last (the ratios are to it).
var CurveVariants = []string{VariantMyx, VariantRuntime, VariantThread, VariantDriver}

// Curve measures the pool curve, rounds runs of each variant at each point, and prints the
// medians: queries/s, ratio to go-sql-driver, peak threads and client CPU per query.
func Curve(ctx context.Context, w io.Writer, points []CurvePoint, variants []string, rounds, n int) error {
	if err := Setup(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "pool curve: point queries through the pool, %d per run, %d rounds, median; %s, GOMAXPROCS=%d, %s\n",
		n, rounds, runtime.Version(), runtime.GOMAXPROCS(0), loadAverage())
	fmt.Fprintf(w, "%-10s %-14s %10s %7s %8s %9s %9s %6s %8s\n", "conns/gor", "variant", "queries/s", "ratio", "threads", "cpu µs/q", "user µs/q", "csw/q", "allocs/q")
	for _, pt := range points {
		res := make(map[string][]Measurement)
		for range rounds {
			for _, v := range variants {
				m, err := measureChild(ctx, childJob{Variant: v, Conns: pt.Conns, Workers: pt.Workers, N: n})
				if err != nil {
					return err
				}
				res[v] = append(res[v], m)
			}
		}
		var base float64
		if ms := res[VariantDriver]; len(ms) > 0 {
			base = medianOf(ms).Rate
		}
		for _, v := range variants {
			m := medianOf(res[v])
			ratio := "-"
			if base > 0 {
				ratio = fmt.Sprintf("%.2fx", m.Rate/base)
			}
			fmt.Fprintf(w, "%-10s %-14s %10.0f %7s %8d %9.1f %9.1f %6.2f %8.1f\n", fmt.Sprintf("%d/%d", pt.Conns, pt.Workers), v, m.Rate, ratio, m.Threads, m.CPU, m.User, m.Switch, m.Allocs)
		}
	}
	return nil
}

// CPUReport measures the client CPU per point query on one connection for myx (default and
// runtime_poller=true), go-sql-driver and, when sysbench is installed, the C client
// (libmariadb through sysbench and shared/bench/c-point.lua: see FindCPointScript).
func CPUReport(ctx context.Context, w io.Writer, rounds, n int) error {
	if err := Setup(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "client CPU per point query, one connection, %d queries per run, %d rounds, median; %s\n", n, rounds, loadAverage())
	fmt.Fprintf(w, "%-14s %10s %9s %9s %6s\n", "client", "queries/s", "cpu µs/q", "user µs/q", "csw/q")
	variants := []string{VariantMyx, VariantRuntime, VariantDriver}
	res := make(map[string][]Measurement)
	var cres []Measurement
	lua := FindCPointScript()
	for range rounds {
		for _, v := range variants {
			m, err := measureChild(ctx, childJob{Variant: v, N: n, Workers: 1})
			if err != nil {
				return err
			}
			res[v] = append(res[v], m)
		}
		if lua != "" {
			m, err := measureSysbench(ctx, lua, n)
			if err != nil {
				return err
			}
			cres = append(cres, m)
		}
	}
	for _, v := range variants {
		m := medianOf(res[v])
		fmt.Fprintf(w, "%-14s %10.0f %9.1f %9.1f %6.2f\n", v, m.Rate, m.CPU, m.User, m.Switch)
	}
	if len(cres) > 0 {
		m := medianOf(cres)
		fmt.Fprintf(w, "%-14s %10.0f %9.1f %9.1f %6.2f   (the sysbench process, less a 1-event run)\n", "C (sysbench)", m.Rate, m.CPU, m.User, m.Switch)
	} else {
		fmt.Fprintln(w, "C (sysbench): not measured (sysbench or c-point.lua not found)")
	}
	return nil
}

// measureSysbench runs sysbench with c-point.lua for n events and for one, and gives the
// difference of the process's CPU divided by n-1: the C client's cost per query without the
// start-up of Lua and the connection.
func measureSysbench(ctx context.Context, lua string, n int) (Measurement, error) {
	cfg, err := myx.ParseConfig(DSN())
	if err != nil {
		return Measurement{}, err
	}
	host, port, _ := strings.Cut(cfg.Addr, ":")
	var csw int64
	one := func(events int) (user, sys time.Duration, elapsed time.Duration, err error) {
		args := []string{lua, "--mysql-host=" + host, "--mysql-user=" + cfg.User, "--mysql-db=" + cfg.Database,
			"--threads=1", "--time=0", "--events=" + strconv.Itoa(events)}
		if port != "" {
			args = append(args, "--mysql-port="+port)
		}
		if cfg.Password != "" {
			args = append(args, "--mysql-password="+cfg.Password)
		}
		args = append(args, "run")
		cmd := exec.CommandContext(ctx, "sysbench", args...)
		var out bytes.Buffer
		cmd.Stdout = &out
		cmd.Stderr = &out
		if err := cmd.Run(); err != nil {
			return 0, 0, 0, fmt.Errorf("sysbench: %w: %s", err, out.String())
		}
		sc := bufio.NewScanner(&out)
		for sc.Scan() {
			// "    total time:                          1.2345s"
			if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "total time:"); ok {
				d, _ := time.ParseDuration(strings.TrimSpace(rest))
				elapsed = d
			}
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			if events == 1 {
				csw -= ru.Nvcsw
			} else {
				csw += ru.Nvcsw
			}
		}
		return cmd.ProcessState.UserTime(), cmd.ProcessState.SystemTime(), elapsed, nil
	}
	u1, s1, _, err := one(1)
	if err != nil {
		return Measurement{}, err
	}
	un, sn, el, err := one(n)
	if err != nil {
		return Measurement{}, err
	}
	m := Measurement{Variant: "C", N: n, Workers: 1}
	per := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) / float64(n-1) }
	m.CPU = per(un + sn - u1 - s1)
	m.Switch = float64(csw) / float64(n-1)
	m.User = per(un - u1)
	if el > 0 {
		m.Rate = float64(n) / el.Seconds()
	}
	return m, nil
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "load unknown"
	}
	return "load " + strings.Join(f[:3], " ")
}
