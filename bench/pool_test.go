package bench

import "testing"

// BenchmarkPool: PoolWorkers goroutines over PoolConns connections, b.N point queries in all.
func BenchmarkPool(b *testing.B) {
	ctx := setup(b)
	b.Run("myx", func(b *testing.B) {
		p, err := PoolOpenMyx(ctx, PoolConns)
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		if err := PoolMyx(ctx, p, 200, PoolWorkers); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		if err := PoolMyx(ctx, p, b.N, PoolWorkers); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
	})
	b.Run("go-sql-driver", func(b *testing.B) {
		db, err := OpenDriver(PoolConns)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if err := PoolDriver(ctx, db, 200, PoolWorkers); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		if err := PoolDriver(ctx, db, b.N, PoolWorkers); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
	})
}

// BenchmarkTx: b.N transactions of insert, update by the insert id, commit, on one connection.
func BenchmarkTx(b *testing.B) {
	ctx := setup(b)
	b.Run("myx", func(b *testing.B) {
		c := myxConn(b, ctx)
		b.ResetTimer()
		if err := MyxTx(ctx, c, b.N); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
	})
	b.Run("go-sql-driver", func(b *testing.B) {
		db, err := OpenDriver(1)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		b.ResetTimer()
		if err := DriverTx(ctx, db, b.N); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
	})
}
