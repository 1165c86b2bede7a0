package bench

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkClusterReads: point queries from 8 and 32 goroutines on the primary alone and
// through the cluster's Reader over two replicas, on one primary and two replicas started for
// the benchmark (they share this machine's CPUs; see ClusterReport).
func BenchmarkClusterReads(b *testing.B) {
	ctx := context.Background()
	rep, err := StartClusterBench(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer rep.Close()
	for _, workers := range ClusterWorkers {
		b.Run(fmt.Sprintf("primary/%d", workers), func(b *testing.B) {
			p, err := OpenPrimaryBench(ctx, rep, workers)
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			benchReads(b, workers, func(n int) error { return PoolMyx(ctx, p, n, workers) })
		})
		b.Run(fmt.Sprintf("replicas/%d", workers), func(b *testing.B) {
			c, err := OpenClusterBench(ctx, rep, workers)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			benchReads(b, workers, func(n int) error { return ClusterReads(ctx, c, n, workers) })
		})
	}
}

// benchReads warms a reader up (connections opened, statements prepared), then times b.N
// reads and reports their rate.
func benchReads(b *testing.B, workers int, reads func(n int) error) {
	if err := reads(4 * workers); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := reads(b.N); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}
