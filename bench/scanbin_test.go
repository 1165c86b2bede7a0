package bench

import "testing"

func BenchmarkScanBinary(b *testing.B) {
	ctx := setup(b)
	c := myxConn(b, ctx)
	b.ReportAllocs()
	rows := 0
	for range b.N {
		r, err := c.Query(ctx, ScanQuery+" WHERE id >= ?", 0)
		if err != nil {
			b.Fatal(err)
		}
		var x Row
		for r.Next() {
			if err := r.Scan(&x.ID, &x.Name, &x.Score, &x.Created, &x.Note, &x.Flag); err != nil {
				b.Fatal(err)
			}
			rows++
		}
		r.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
