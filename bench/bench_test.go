package bench

import (
	"context"
	"runtime"
	"testing"

	"github.com/myxdb/myx"
)

func setup(b *testing.B) context.Context {
	ctx := context.Background()
	if err := Setup(ctx); err != nil {
		b.Fatalf("setup (is the server at %s up?): %v", DSN(), err)
	}
	return ctx
}

func myxConn(b *testing.B, ctx context.Context) *myx.Conn {
	c, err := myx.Connect(ctx, DSN())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close(ctx) })
	return c
}

func BenchmarkPoint(b *testing.B) {
	ctx := setup(b)
	b.Run("myx", func(b *testing.B) {
		c := myxConn(b, ctx)
		MyxPoint(ctx, c, 100)
		b.ReportAllocs()
		b.ResetTimer()
		if err := MyxPoint(ctx, c, b.N); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("go-sql-driver", func(b *testing.B) {
		db, err := OpenDriver(1)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		DriverPoint(ctx, db, 100)
		b.ReportAllocs()
		b.ResetTimer()
		if err := DriverPoint(ctx, db, b.N); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkScan(b *testing.B) {
	ctx := setup(b)
	b.Run("myx", func(b *testing.B) {
		c := myxConn(b, ctx)
		b.ReportAllocs()
		b.ResetTimer()
		rows := 0
		defer allocsPerRow(b, &rows)()
		for range b.N {
			n, err := MyxScan(ctx, c)
			if err != nil {
				b.Fatal(err)
			}
			rows += n
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("go-sql-driver", func(b *testing.B) {
		db, err := OpenDriver(1)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		b.ReportAllocs()
		b.ResetTimer()
		rows := 0
		defer allocsPerRow(b, &rows)()
		for range b.N {
			n, err := DriverScan(ctx, db)
			if err != nil {
				b.Fatal(err)
			}
			rows += n
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	})
}

// allocsPerRow reports heap allocations per row read, over the benchmark loop.
func allocsPerRow(b *testing.B, rows *int) func() {
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	return func() {
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if *rows > 0 {
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(*rows), "allocs/row")
		}
	}
}

func BenchmarkBulk(b *testing.B) {
	ctx := setup(b)
	rows := BulkArgs()
	b.Run("myx", func(b *testing.B) {
		c := myxConn(b, ctx)
		b.ResetTimer()
		for range b.N {
			if err := MyxBulk(ctx, c, rows); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*len(rows))/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("go-sql-driver", func(b *testing.B) {
		db, err := OpenDriver(1)
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
