package myx

import (
	"testing"
	"time"
)

// BenchmarkInterpolate measures client-side interpolation of a point query's text.
func BenchmarkInterpolate(b *testing.B) {
	c := &Conn{cfg: &Config{}, charset: "utf8mb4", charsetKnown: true, learned: -1}
	c.server.Flavor = MariaDB
	args := []any{int64(42), "some name", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.interpolate("SELECT id, name, created FROM bench_point WHERE id = ? AND name = ? AND created > ?", args, false); err != nil {
			b.Fatal(err)
		}
	}
}
