package stdlib_test

import (
	"context"
	"database/sql"
	"testing"
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
