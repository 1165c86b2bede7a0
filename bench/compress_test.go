package bench

import (
	"testing"
)

// BenchmarkCompressed runs scan and bulk compressed (zlib) for both drivers; compare with
// BenchmarkScan and BenchmarkBulk, uncompressed, in the same run.
func BenchmarkCompressed(b *testing.B) {
	ctx := setup(b)
	rows := BulkArgs()
	b.Run("scan/myx", func(b *testing.B) {
		c, err := MyxConnectCompressed(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close(ctx)
		b.ReportAllocs()
		b.ResetTimer()
		n := 0
		defer allocsPerRow(b, &n)()
		for range b.N {
			k, err := MyxScan(ctx, c)
			if err != nil {
				b.Fatal(err)
			}
			n += k
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
		st := c.CompressionStats()
		b.ReportMetric(float64(st.WireReceived)/float64(max(st.RawReceived, 1)), "wire/raw")
	})
	b.Run("scan/go-sql-driver", func(b *testing.B) {
		db, err := OpenDriverCompressed(1)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		b.ReportAllocs()
		b.ResetTimer()
		n := 0
		defer allocsPerRow(b, &n)()
		for range b.N {
			k, err := DriverScan(ctx, db)
			if err != nil {
				b.Fatal(err)
			}
			n += k
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("bulk/myx", func(b *testing.B) {
		c, err := MyxConnectCompressed(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close(ctx)
		b.ResetTimer()
		for range b.N {
			if err := MyxBulk(ctx, c, rows); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*len(rows))/b.Elapsed().Seconds(), "rows/s")
		st := c.CompressionStats()
		b.ReportMetric(float64(st.WireSent)/float64(max(st.RawSent, 1)), "wire/raw")
	})
	b.Run("bulk/go-sql-driver", func(b *testing.B) {
		db, err := OpenDriverCompressed(1)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		b.ResetTimer()
		for range b.N {
			if err := DriverBulk(ctx, db, rows); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*len(rows))/b.Elapsed().Seconds(), "rows/s")
	})
}
