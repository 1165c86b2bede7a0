package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/cluster"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/pool"
)

// ClusterWorkers are the concurrencies of the cluster read report: goroutines running point
// queries, each side with as many connections per host as goroutines.
var ClusterWorkers = []int{8, 32}

// ClusterN is the number of point queries of one measured cluster read run.
const ClusterN = 20_000

// clusterCheckPeriod is how often the benchmark clusters check their hosts: short, so that a
// failover is noticed soon after the promotion.
const clusterCheckPeriod = "200ms"

// withParams adds URL query parameters (a=b&c=d) to a URL-form DSN.
func withParams(dsn, params string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + params
	}
	return dsn + "?" + params
}

// StartClusterBench starts a primary and two replicas (throwaway servers from the installed
// binaries), fills bench_rows on the primary and returns once both replicas have applied it.
func StartClusterBench(ctx context.Context) (*mysqltest.Replication, error) {
	rep, err := mysqltest.StartReplication(ctx, mysqltest.ReplicationOptions{Replicas: 2})
	if err != nil {
		return nil, err
	}
	if err := SetupAt(ctx, rep.Primary().DSN()); err != nil {
		rep.Close()
		return nil, fmt.Errorf("filling bench_rows on the primary: %w", err)
	}
	if err := rep.WaitCaughtUp(ctx); err != nil {
		rep.Close()
		return nil, err
	}
	return rep, nil
}

// OpenClusterBench connects a cluster to rep with conns connections per host.
func OpenClusterBench(ctx context.Context, rep *mysqltest.Replication, conns int) (*cluster.Cluster, error) {
	return cluster.New(ctx, withParams(rep.DSN(),
		fmt.Sprintf("pool_max_conns=%d&cluster_check_period=%s", conns, clusterCheckPeriod)))
}

// OpenPrimaryBench opens a pool of conns connections on rep's primary alone.
func OpenPrimaryBench(ctx context.Context, rep *mysqltest.Replication, conns int) (*pool.Pool, error) {
	return pool.New(ctx, withParams(rep.Primary().DSN(), fmt.Sprintf("pool_max_conns=%d", conns)))
}

// ClusterReads runs n point queries on bench_rows through the cluster's Reader (replicas)
// from workers goroutines.
func ClusterReads(ctx context.Context, c *cluster.Cluster, n, workers int) error {
	r := c.Reader()
	return poolRun(n, workers, func(i int) error {
		var row Row
		err := r.QueryRow(ctx, PointQuery, pointID(i)).Scan(&row.ID, &row.Name, &row.Score, &row.Created)
		if err != nil {
			return err
		}
		if row.ID != pointID(i) {
			return fmt.Errorf("cluster reads: got id %d for %d", row.ID, pointID(i))
		}
		return nil
	})
}

// ClusterReport measures point reads over a primary and two replicas (the cluster's Reader)
// against the primary alone (one pool on it), alternating the two in each round, at each of
// ClusterWorkers, and prints the medians and their ratio.
func ClusterReport(ctx context.Context, w io.Writer, rounds, n int) error {
	fmt.Fprintln(w, "starting a primary and two replicas, filling bench_rows (100,000 rows) ...")
	start := time.Now()
	rep, err := StartClusterBench(ctx)
	if err != nil {
		return err
	}
	defer rep.Close()
	fmt.Fprintf(w, "ready in %v: %s\n", time.Since(start).Round(time.Millisecond), strings.Join(rep.Addrs(), ", "))
	fmt.Fprintf(w, "cluster reads: point queries/s, %d per run, %d rounds alternating, median, on %d CPUs.\n"+
		"The three servers and the client share those CPUs, so the replicas add no CPU: the ratio\n"+
		"is what routing costs or gains on one machine, not the scale-out of separate hosts.\n",
		n, rounds, runtime.NumCPU())
	fmt.Fprintf(w, "%-8s %14s %14s %8s %19s %s\n", "workers", "primary alone", "2 replicas", "ratio",
		"client CPU µs/query", "reads per host (cluster)")
	for _, workers := range ClusterWorkers {
		p, err := OpenPrimaryBench(ctx, rep, workers)
		if err != nil {
			return err
		}
		c, err := OpenClusterBench(ctx, rep, workers)
		if err != nil {
			p.Close()
			return err
		}
		// Warm both: connections open, statements prepared.
		err = errors.Join(PoolMyx(ctx, p, 4*workers, workers), ClusterReads(ctx, c, 4*workers, workers))
		var alone, spread, aloneCPU, spreadCPU []float64
		for k := 0; k < rounds && err == nil; k++ {
			var r, cpu float64
			if r, cpu, err = rate(n, func() error { return PoolMyx(ctx, p, n, workers) }); err != nil {
				break
			}
			alone, aloneCPU = append(alone, r), append(aloneCPU, cpu)
			if r, cpu, err = rate(n, func() error { return ClusterReads(ctx, c, n, workers) }); err != nil {
				break
			}
			spread, spreadCPU = append(spread, r), append(spreadCPU, cpu)
		}
		hosts := readsPerHost(c.Stat(), rep)
		c.Close()
		p.Close()
		if err != nil {
			return fmt.Errorf("%d workers: %w", workers, err)
		}
		a, s := Median(alone), Median(spread)
		fmt.Fprintf(w, "%-8d %14.0f %14.0f %7.2fx %8.1f / %-8.1f %s\n", workers, a, s, s/a,
			Median(aloneCPU), Median(spreadCPU), hosts)
	}
	return nil
}

// readsPerHost names each host of the cluster with the acquires its pool served.
func readsPerHost(st cluster.Stat, rep *mysqltest.Replication) string {
	role := map[string]string{rep.Primary().Addr(): "primary"}
	for i, r := range rep.Replicas() {
		role[r.Addr()] = fmt.Sprintf("replica %d", i+1)
	}
	var out []string
	for _, h := range st.Hosts {
		out = append(out, fmt.Sprintf("%s %d", role[h.Addr], h.Pool.AcquireCount))
	}
	return strings.Join(out, ", ")
}

// rate runs f, which does n operations, and returns operations per second and the client's
// CPU time (user and system, the whole process) per operation in µs.
func rate(n int, f func() error) (perSec, cpuMicros float64, err error) {
	cpu := processCPU()
	start := time.Now()
	if err := f(); err != nil {
		return 0, 0, err
	}
	elapsed := time.Since(start)
	return float64(n) / elapsed.Seconds(), float64(processCPU()-cpu) / float64(time.Microsecond) / float64(n), nil
}

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return tv(ru.Utime) + tv(ru.Stime)
}

// FailoverRound is one measured failover.
type FailoverRound struct {
	// Promote is the time from killing the primary until Promote returned (the
	// orchestrator's part, started at once: detecting the death is not measured).
	Promote time.Duration
	// Write is the time from killing the primary until the first write through the cluster
	// succeeded on the promoted server.
	Write time.Duration
	// Failed counts the writes that returned an error before it (each retried at once).
	Failed int
	// InFlight is what the write that was running on the primary when it was killed
	// returned: its outcome is unknown, so it must fail and never run again elsewhere.
	InFlight error
}

// Failover starts a primary and two replicas, connects a cluster, kills the primary
// (SIGKILL) while a write runs on it, promotes replica 1 at once as an orchestrator would, and
// times the first successful write through the cluster. It checks the outcomes: the write
// under way fails with a lost connection (its outcome unknown to the client) and is not run
// again, and the promoted server holds the one successful write and nothing else.
func Failover(ctx context.Context) (FailoverRound, error) {
	var fr FailoverRound
	rep, err := mysqltest.StartReplication(ctx, mysqltest.ReplicationOptions{Replicas: 2})
	if err != nil {
		return fr, err
	}
	defer rep.Close()
	c, err := cluster.New(ctx, withParams(rep.DSN(), "pool_max_conns=2&cluster_check_period="+clusterCheckPeriod))
	if err != nil {
		return fr, err
	}
	defer c.Close()
	if _, err := c.Exec(ctx, "CREATE TABLE failover_writes (id INT AUTO_INCREMENT PRIMARY KEY, port INT)"); err != nil {
		return fr, err
	}
	if err := rep.WaitCaughtUp(ctx); err != nil {
		return fr, err
	}
	promoted := rep.Replicas()[0]
	// A write under way when the primary dies (SLEEP keeps it running).
	inFlight := make(chan error, 1)
	go func() {
		_, err := c.Exec(ctx, "INSERT INTO failover_writes (port) SELECT -1 FROM (SELECT SLEEP(30)) AS s")
		inFlight <- err
	}()
	if err := waitRunning(ctx, rep.Primary(), "%SLEEP(30)%"); err != nil {
		return fr, err
	}
	killed := time.Now()
	if err := rep.Primary().Kill(); err != nil {
		return fr, err
	}
	done := make(chan error, 1)
	go func() {
		err := rep.Promote(ctx, 0)
		fr.Promote = time.Since(killed) // read after <-done only
		done <- err
	}()
	for {
		// Each attempt has a bound, generous for a loaded machine, so that one stuck cannot
		// hide the new primary.
		actx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err := c.Exec(actx, "INSERT INTO failover_writes (port) VALUES (@@port)")
		cancel()
		if err == nil {
			fr.Write = time.Since(killed)
			break
		}
		if fr.Failed++; fr.Failed > 1000 || ctx.Err() != nil {
			return fr, fmt.Errorf("after %d failed writes: %w", fr.Failed, err)
		}
		time.Sleep(time.Millisecond)
	}
	if err := <-done; err != nil {
		return fr, fmt.Errorf("promote: %w", err)
	}
	if fr.InFlight = <-inFlight; !myx.IsConnLost(fr.InFlight) {
		return fr, fmt.Errorf("the write under way when the primary died returned %v, want a lost connection", fr.InFlight)
	}
	pc, err := myx.Connect(ctx, promoted.DSN())
	if err != nil {
		return fr, err
	}
	defer pc.Close(ctx)
	rows, err := pc.Query(ctx, "SELECT port FROM failover_writes")
	if err != nil {
		return fr, err
	}
	ports, err := myx.CollectRows(rows, myx.RowTo[int])
	if err != nil {
		return fr, err
	}
	if len(ports) != 1 || ports[0] != promoted.Port() {
		return fr, fmt.Errorf("the promoted server (port %d) holds writes from ports %v (-1: the write under way, run again)",
			promoted.Port(), ports)
	}
	return fr, nil
}

// waitRunning returns once a statement matching the LIKE pattern runs on srv.
func waitRunning(ctx context.Context, srv *mysqltest.Server, like string) error {
	c, err := myx.Connect(ctx, srv.DSN())
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	for {
		var n int
		err := c.QueryRow(ctx, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()",
			like).Scan(&n)
		if err != nil || n > 0 {
			return err
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// FailoverReport runs rounds failovers and prints each, then the minimum and median.
func FailoverReport(ctx context.Context, w io.Writer, rounds int) error {
	fmt.Fprintf(w, "failover: kill -9 the primary, promote replica 1 at once (mysqltest Promote, as an\n"+
		"orchestrator would once it has noticed the death), time the first successful write through\n"+
		"the cluster (one writer retrying at once); %d rounds, each on a fresh primary and two replicas\n", rounds)
	fmt.Fprintf(w, "%-6s %18s %14s %14s   %s\n", "round", "Promote returned", "first write", "failed writes",
		"the write under way at the kill")
	var writes []float64
	for k := range rounds {
		fr, err := Failover(ctx)
		if err != nil {
			return fmt.Errorf("round %d: %w", k+1, err)
		}
		fmt.Fprintf(w, "%-6d %18v %14v %14d   %T, not run again\n", k+1, fr.Promote.Round(time.Millisecond),
			fr.Write.Round(time.Millisecond), fr.Failed, fr.InFlight)
		writes = append(writes, fr.Write.Seconds())
	}
	sec := func(x float64) time.Duration { return time.Duration(x * float64(time.Second)).Round(time.Millisecond) }
	fmt.Fprintf(w, "first write after the kill: min %v, median %v\n", sec(slices.Min(writes)), sec(Median(writes)))
	return nil
}
