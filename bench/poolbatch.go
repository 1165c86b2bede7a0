package bench

import (
	"context"
	"fmt"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/pool"
)

// PoolBatchSize is the number of point queries in each batch of the pool-pipelined workload.
const PoolBatchSize = 100

// PoolPipelinedMyx runs the pool workload pipelined: workers goroutines take batches of size
// point queries (n in all) and send each with Pool.SendBatch, which holds a connection until
// the batch's results are closed.
func PoolPipelinedMyx(ctx context.Context, p *pool.Pool, n, workers, size int) error {
	batches := (n + size - 1) / size
	return poolRun(batches, workers, func(k int) error {
		first, last := k*size, min((k+1)*size, n)
		b := &myx.Batch{}
		for i := first; i < last; i++ {
			b.Queue(PointQuery, pointID(i))
		}
		br := p.SendBatch(ctx, b)
		defer br.Close()
		var r Row
		for i := first; i < last; i++ {
			if err := br.QueryRow().Scan(&r.ID, &r.Name, &r.Score, &r.Created); err != nil {
				return err
			}
			if r.ID != pointID(i) {
				return fmt.Errorf("pool-pipelined: got id %d for %d", r.ID, pointID(i))
			}
		}
		return br.Close()
	})
}
