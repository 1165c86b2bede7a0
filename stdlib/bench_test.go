package stdlib_test

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// BenchmarkScanRows reads 1000 rows of (INT, VARCHAR, DOUBLE) through database/sql, into
// int64, sql.RawBytes and float64 destinations; allocations are reported per row.
func BenchmarkScanRows(b *testing.B) {
	for name, params := range map[string]string{"binary": "", "text": "statement_cache_size=0"} {
		b.Run(name, func(b *testing.B) {
			db := openDB(b, urlDSN(b, params))
			db.SetMaxOpenConns(1)
			ctx := context.Background()
			const q = "SELECT seq, CONCAT('name-', seq), seq / 3 FROM seq_1_to_1000"
			var id int64
			var name sql.RawBytes
			var f float64
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				rows, err := db.QueryContext(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
					if err := rows.Scan(&id, &name, &f); err != nil {
						b.Fatal(err)
					}
				}
				if err := rows.Err(); err != nil {
					b.Fatal(err)
				}
				rows.Close()
			}
		})
	}
}

// BenchmarkPointArgs runs a point query with arguments of the types the database/sql face
// encodes as go-sql-driver does (a string, a time.Time, a float32) beside an int.
func BenchmarkPointArgs(b *testing.B) {
	for name, params := range map[string]string{"binary": "", "interpolate": "interpolateParams=true"} {
		b.Run(name, func(b *testing.B) {
			db := openDB(b, urlDSN(b, params))
			db.SetMaxOpenConns(1)
			ctx := context.Background()
			at := time.Date(2011, 11, 20, 21, 27, 37, 123456789, time.UTC)
			var n int64
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				err := db.QueryRowContext(ctx, "SELECT ? + LENGTH(?) + (? IS NULL) + (? > 1)", 1, "name", at, float32(1.5)).Scan(&n)
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
