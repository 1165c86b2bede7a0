package myx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// TestCompressedMariaDB runs the usual operations over zlib compression (compress=true)
// against the real server, with a SEQUENCE-engine result and KILL QUERY cancellation
// (TestCompressedServer covers zlib and zstd on any server).
func TestCompressedMariaDB(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.SequenceEngine, mysqltest.ZlibCompression)
	c := connect(t, func(cfg *myx.Config) {
		cfg.Compress = myx.CompressZlib
		cfg.KillTimeout = 15 * time.Second
	})
	// No deadline of the test's own around the heavy work: go test's timeout bounds it.
	ctx := context.Background()
	if got := c.CompressionStats().Algorithm; got != myx.CompressZlib {
		t.Fatalf("algorithm %v: the server does not offer CLIENT_COMPRESS?", got)
	}

	// Point queries, text and prepared.
	for i := 0; i < 20; i++ {
		var n int
		if err := c.QueryRow(ctx, "SELECT ? + 1", i).Scan(&n); err != nil || n != i+1 {
			t.Fatalf("prepared point query: %v %d", err, n)
		}
		var s string
		if _, err := c.Exec(ctx, "DO 1"); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRow(ctx, "SELECT CONCAT('v', ?)", strings.Repeat("p", i*10)).Scan(&s); err != nil || s != "v"+strings.Repeat("p", i*10) {
			t.Fatalf("text: %v %q", err, s)
		}
	}

	// A large result: many compressed frames, several rows per frame, the frame sequence id
	// wrapping around many times.
	rows, err := c.Query(ctx, "SELECT seq, REPEAT(CHAR(65 + seq % 26), seq % 300) FROM seq_1_to_50000")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var id int
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			t.Fatal(err)
		}
		n++
		if id != n || s != strings.Repeat(string(rune(65+id%26)), id%300) {
			t.Fatalf("row %d: %d %q", n, id, s)
		}
	}
	if err := rows.Close(); err != nil || n != 50000 {
		t.Fatalf("large result: %v after %d rows", err, n)
	}

	// A value close to the server's 16 MiB max_allowed_packet, both ways.
	big := strings.Repeat("0123456789abcdef", (15<<20)/16)
	var got string
	if err := c.QueryRow(ctx, "SELECT ?", big).Scan(&got); err != nil || got != big {
		t.Fatalf("15 MiB round trip: %v (%d bytes)", err, len(got))
	}

	// Bulk: ExecMany, CopyFrom and LOAD DATA LOCAL.
	tbl := newTable(t, c, "id INT PRIMARY KEY, name VARCHAR(100)")
	var many [][]any
	for i := 0; i < 5000; i++ {
		many = append(many, []any{i, fmt.Sprintf("name %d", i)})
	}
	if res, err := c.ExecMany(ctx, "INSERT INTO "+tbl+" (id, name) VALUES (?, ?)", many); err != nil || res.RowsAffected != 5000 {
		t.Fatalf("ExecMany: %v %+v", err, res)
	}
	var copied [][]any
	for i := 5000; i < 25000; i++ {
		copied = append(copied, []any{i, fmt.Sprintf("copied %d", i)})
	}
	if k, err := c.CopyFrom(ctx, tbl, []string{"id", "name"}, myx.CopyFromRows(copied)); err != nil || k != 20000 {
		t.Fatalf("CopyFrom: %v %d", err, k)
	}
	var file strings.Builder
	for i := 25000; i < 45000; i++ {
		fmt.Fprintf(&file, "%d\tloaded %d\n", i, i)
	}
	if res, err := c.Exec(ctx, "LOAD DATA LOCAL INFILE 'f.tsv' INTO TABLE "+tbl+" (id, name)",
		&myx.LocalFile{Name: "f.tsv", Reader: strings.NewReader(file.String())}); err != nil || res.RowsAffected != 20000 {
		t.Fatalf("LOAD DATA LOCAL: %v %+v", err, res)
	}
	var count, sum int
	if err := c.QueryRow(ctx, "SELECT COUNT(*), SUM(LENGTH(name)) FROM "+tbl).Scan(&count, &sum); err != nil || count != 45000 {
		t.Fatalf("count: %v %d", err, count)
	}

	// A pipelined batch: several commands in one write, each with its own frames.
	b := &myx.Batch{}
	b.Queue("SELECT name FROM "+tbl+" WHERE id = ?", 7)
	b.Queue("UPDATE "+tbl+" SET name = ? WHERE id = ?", "seven", 7)
	b.Queue("SELECT name FROM " + tbl + " WHERE id = 7")
	br := c.SendBatch(ctx, b)
	var name string
	if err := br.QueryRow().Scan(&name); err != nil || name != "name 7" {
		t.Fatalf("batch 1: %v %q", err, name)
	}
	if res, err := br.Exec(); err != nil || res.RowsAffected != 1 {
		t.Fatalf("batch 2: %v", err)
	}
	if err := br.QueryRow().Scan(&name); err != nil || name != "seven" {
		t.Fatalf("batch 3: %v %q", err, name)
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}

	// Cancellation: KILL QUERY from a side connection, the interrupted reply drained through
	// the compressed stream, the connection kept.
	for _, prepared := range []bool{false, true} {
		cctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		var n int
		if prepared {
			err = c.QueryRow(cctx, "SELECT SLEEP(?)", 30).Scan(&n)
		} else {
			err = c.QueryRow(cctx, "SELECT SLEEP(30)").Scan(&n)
		}
		cancel()
		var ie *myx.InterruptedError
		if !errors.Is(err, context.Canceled) || !errors.As(err, &ie) || ie.ConnClosed {
			t.Fatalf("prepared=%v: want an InterruptedError with the connection kept: %v", prepared, err)
		}
		if err := c.QueryRow(ctx, "SELECT 11").Scan(&n); err != nil || n != 11 {
			t.Fatalf("after cancel: %v %d", err, n)
		}
	}

	st := c.CompressionStats()
	t.Logf("%+v", st)
	if st.RawReceived < 15<<20 || st.WireReceived*2 > st.RawReceived || st.RawSent < 15<<20 || st.WireSent*2 > st.RawSent {
		t.Errorf("compression did not pay on repetitive data: %+v", st)
	}
}

// TestCompressedLargePackets sends and reads values of more than 16 MiB over zlib compression,
// on a throwaway server whose max_allowed_packet the test sets (the shared one's is 16 MiB).
func TestCompressedLargePackets(t *testing.T) {
	t.Parallel()
	s := mysqltest.StartServerT(t, mysqltest.ServerOptions{Flags: []string{"--max-allowed-packet=64M"}})
	cfg, err := myx.ParseConfig(s.DSN() + "?compress=true")
	if err != nil {
		t.Fatal(err)
	}
	// No deadline of the test's own around the heavy work: go test's timeout bounds it.
	ctx := context.Background()
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if c.CompressionStats().Algorithm != myx.CompressZlib {
		t.Fatalf("not compressed: %+v", c.CompressionStats())
	}
	if _, err := c.Exec(ctx, "CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB)"); err != nil {
		t.Fatal(err)
	}
	// Sizes around the 16 MiB packet boundary and the 16 MiB frame boundary.
	for i, size := range []int{1<<24 - 1 - 20, 1<<24 + 3} {
		v := bytes.Repeat([]byte{byte('a' + i)}, size)
		copy(v, fmt.Sprintf("head %d", i))
		copy(v[size-8:], "the tail")
		if _, err := c.Exec(ctx, "INSERT INTO big VALUES (?, ?)", i, v); err != nil {
			t.Fatalf("insert of %d bytes: %v", size, err)
		}
		var got []byte
		if err := c.QueryRow(ctx, "SELECT b FROM big WHERE id = ?", i).Scan(&got); err != nil || !bytes.Equal(got, v) {
			t.Fatalf("read back %d bytes: %v (%d bytes)", size, err, len(got))
		}
	}
	ic, err := myx.ConnectConfig(ctxT(t), func() *myx.Config { c := *cfg; c.InterpolateParams = true; return &c }())
	if err != nil {
		t.Fatal(err)
	}
	defer ic.Close(ctx)
	v := strings.Repeat("interpolated ", 17<<20/13)
	var n int
	if err := ic.QueryRow(ctx, "SELECT LENGTH(?)", v).Scan(&n); err != nil || n != len(v) {
		t.Fatalf("interpolated 17 MiB statement: %v %d", err, n)
	}
	t.Logf("%+v", c.CompressionStats())
}

// TestCompressedServer runs ordinary work over each compression algorithm the server offers
// (zlib: CLIENT_COMPRESS; zstd: CLIENT_ZSTD_COMPRESSION_ALGORITHM, MySQL 8.0.18+ and TiDB, not
// MariaDB), with nothing server-specific: point queries, a result of many frames, a value of
// several MiB both ways, ExecMany, CopyFrom and a pipelined batch, then checks that the
// connection really compressed.
func TestCompressedServer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		alg     myx.Compression
		feature mysqltest.Feature
	}{
		{"zlib", myx.CompressZlib, mysqltest.ZlibCompression},
		{"zstd", myx.CompressZstd, mysqltest.ZstdCompression},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			skipUnless(t, tc.feature)
			c := connect(t, func(cfg *myx.Config) { cfg.Compress = tc.alg })
			ctx := ctxT(t)
			if got := c.CompressionStats().Algorithm; got != tc.alg {
				t.Fatalf("algorithm %v, want %v: the server announced it", got, tc.alg)
			}
			for i := 0; i < 20; i++ {
				var n int
				if err := c.QueryRow(ctx, "SELECT ? + 1", i).Scan(&n); err != nil || n != i+1 {
					t.Fatalf("prepared point query: %v %d", err, n)
				}
				var s string
				if err := c.QueryRow(ctx, "SELECT CONCAT('v', '"+strings.Repeat("p", i*10)+"')").Scan(&s); err != nil || s != "v"+strings.Repeat("p", i*10) {
					t.Fatalf("text: %v %q", err, s)
				}
			}

			tbl := newTable(t, c, "id INT PRIMARY KEY, name VARCHAR(300)")
			nameOf := func(i int) string { return strings.Repeat(string(rune('A'+i%26)), i%300) }
			var many [][]any
			for i := 0; i < 5000; i++ {
				many = append(many, []any{i, nameOf(i)})
			}
			if res, err := c.ExecMany(ctx, "INSERT INTO "+tbl+" (id, name) VALUES (?, ?)", many); err != nil || res.RowsAffected != 5000 {
				t.Fatalf("ExecMany: %v %+v", err, res)
			}
			var copied [][]any
			for i := 5000; i < 20000; i++ {
				copied = append(copied, []any{i, nameOf(i)})
			}
			if k, err := c.CopyFrom(ctx, tbl, []string{"id", "name"}, myx.CopyFromRows(copied)); err != nil || k != 15000 {
				t.Fatalf("CopyFrom: %v %d", err, k)
			}
			// A result of some 3 MB: many compressed frames, the sequence id wrapping.
			for _, prepared := range []bool{false, true} {
				var rows *myx.Rows
				var err error
				if prepared {
					rows, err = c.Query(ctx, "SELECT id, name FROM "+tbl+" WHERE id >= ? ORDER BY id", 0)
				} else {
					rows, err = c.Query(ctx, "SELECT id, name FROM "+tbl+" ORDER BY id")
				}
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for rows.Next() {
					var id int
					var s string
					if err := rows.Scan(&id, &s); err != nil {
						t.Fatal(err)
					}
					if id != n || s != nameOf(id) {
						t.Fatalf("prepared=%v row %d: %d %q", prepared, n, id, s)
					}
					n++
				}
				if err := rows.Close(); err != nil || n != 20000 {
					t.Fatalf("prepared=%v large result: %v after %d rows", prepared, err, n)
				}
			}

			// A value of 6 MiB, within every server's default max_allowed_packet, both ways.
			big := strings.Repeat("0123456789abcdef", (6<<20)/16)
			var got string
			if err := c.QueryRow(ctx, "SELECT ?", big).Scan(&got); err != nil || got != big {
				t.Fatalf("6 MiB round trip: %v (%d bytes)", err, len(got))
			}

			b := &myx.Batch{}
			b.Queue("SELECT name FROM "+tbl+" WHERE id = ?", 7)
			b.Queue("UPDATE "+tbl+" SET name = ? WHERE id = ?", "seven", 7)
			b.Queue("SELECT name FROM " + tbl + " WHERE id = 7")
			br := c.SendBatch(ctx, b)
			var name string
			if err := br.QueryRow().Scan(&name); err != nil || name != nameOf(7) {
				t.Fatalf("batch 1: %v %q", err, name)
			}
			if res, err := br.Exec(); err != nil || res.RowsAffected != 1 {
				t.Fatalf("batch 2: %v", err)
			}
			if err := br.QueryRow().Scan(&name); err != nil || name != "seven" {
				t.Fatalf("batch 3: %v %q", err, name)
			}
			if err := br.Close(); err != nil {
				t.Fatal(err)
			}

			st := c.CompressionStats()
			t.Logf("%+v", st)
			if st.Algorithm != tc.alg || st.RawReceived < 6<<20 || st.WireReceived*2 > st.RawReceived || st.RawSent < 6<<20 || st.WireSent*2 > st.RawSent {
				t.Errorf("compression did not pay on repetitive data: %+v", st)
			}
		})
	}
}
