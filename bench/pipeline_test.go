package bench

import (
	"syscall"
	"testing"
	"time"
)

// BenchmarkPointPipelined: b.N point queries on one connection as one Batch, with the client's
// CPU per query (getrusage: user and system time of the whole process).
func BenchmarkPointPipelined(b *testing.B) {
	ctx := setup(b)
	c := myxConn(b, ctx)
	if err := MyxPointPipelined(ctx, c, 1000); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	b.ResetTimer()
	if err := MyxPointPipelined(ctx, c, b.N); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}

// BenchmarkPoolPipelined: b.N point queries in batches of PoolBatchSize from PoolWorkers
// goroutines through a pool of PoolConns (Pool.SendBatch).
func BenchmarkPoolPipelined(b *testing.B) {
	ctx := setup(b)
	p, err := PoolOpenMyx(ctx, PoolConns)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if err := PoolPipelinedMyx(ctx, p, 2000, PoolWorkers, PoolBatchSize); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	b.ResetTimer()
	if err := PoolPipelinedMyx(ctx, p, b.N, PoolWorkers, PoolBatchSize); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}

// reportCPU reports the process's CPU time per operation (µs, user and system) over the
// benchmark loop.
func reportCPU(b *testing.B) func() {
	var before syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	return func() {
		var after syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &after)
		d := func(a, b syscall.Timeval) time.Duration {
			return time.Duration(a.Nano() - b.Nano())
		}
		user, sys := d(after.Utime, before.Utime), d(after.Stime, before.Stime)
		n := float64(b.N)
		b.ReportMetric(float64(user+sys)/float64(time.Microsecond)/n, "cpu-µs/op")
		b.ReportMetric(float64(sys)/float64(time.Microsecond)/n, "sys-µs/op")
	}
}
