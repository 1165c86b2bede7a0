package bench

import (
	"context"
	"fmt"

	"github.com/myxdb/myx"
)

// MyxPointPipelined runs n point queries on one connection as one Batch: the statements are
// written ahead of the replies (myx only; go-sql-driver cannot pipeline).
func MyxPointPipelined(ctx context.Context, c *myx.Conn, n int) error {
	b := &myx.Batch{}
	for i := range n {
		b.Queue(PointQuery, pointID(i))
	}
	br := c.SendBatch(ctx, b)
	defer br.Close()
	var r Row
	for i := range n {
		if err := br.QueryRow().Scan(&r.ID, &r.Name, &r.Score, &r.Created); err != nil {
			return err
		}
		if r.ID != pointID(i) {
			return fmt.Errorf("pipelined point: got id %d for %d", r.ID, pointID(i))
		}
	}
	return br.Close()
}

// MyxCopy empties bench_ins and loads the rows with CopyFrom (LOAD DATA LOCAL from memory).
func MyxCopy(ctx context.Context, c *myx.Conn, rows [][]any) error {
	if _, err := c.Exec(ctx, "TRUNCATE TABLE bench_ins"); err != nil {
		return err
	}
	n, err := c.CopyFrom(ctx, "bench_ins", []string{"name", "score", "created"}, myx.CopyFromRows(rows))
	if err == nil && n != int64(len(rows)) {
		err = fmt.Errorf("copy: %d rows loaded", n)
	}
	return err
}
