package myx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/mysqltest/proto"
)

// compressedFake serves the operations the compression tests run, over the compressed
// protocol the client negotiates (the fake sends frames of 16 KiB, several packets per frame
// and large packets over many frames, as a server does).
func compressedFake(t *testing.T, caps uint64, seen chan<- *mysqltest.HandshakeResponse, loaded chan<- []byte) *mysqltest.FakeServer {
	text := mysqltest.ColumnDef{Name: "v", Type: proto.TypeVarString}
	blob := mysqltest.ColumnDef{Name: "b", Type: proto.TypeLongBlob, Charset: uint16(proto.CollationBinary)}
	num := mysqltest.ColumnDef{Name: "n", Type: proto.TypeLongLong}
	return mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{Capabilities: caps}, mysqltest.Auth{},
		func(q mysqltest.Query) []mysqltest.Result {
			switch {
			case q.SQL == "SELECT 1":
				return []mysqltest.Result{{Columns: []mysqltest.ColumnDef{num}, Rows: [][]any{{1}}}}
			case q.SQL == "SELECT many":
				rows := make([][]any, 5000)
				for i := range rows {
					rows[i] = []any{fmt.Sprintf("row %d %s", i, strings.Repeat("x", i%200))}
				}
				return []mysqltest.Result{{Columns: []mysqltest.ColumnDef{text}, Rows: rows}}
			case q.SQL == "SELECT huge":
				return []mysqltest.Result{{Columns: []mysqltest.ColumnDef{blob}, Rows: [][]any{{bytes.Repeat([]byte("0123456789abcdef"), 17<<16)}}}}
			case q.SQL == "SELECT ? + 1" && q.Stage == mysqltest.Execute:
				return []mysqltest.Result{{Columns: []mysqltest.ColumnDef{num}, Rows: [][]any{{q.Args[0].(int64) + 1}}}}
			case q.SQL == "INSERT INTO t VALUES (?)" && q.Stage == mysqltest.Execute:
				b, _ := q.Args[0].([]byte)
				return []mysqltest.Result{{AffectedRows: uint64(len(b))}}
			case strings.HasPrefix(q.SQL, "LOAD DATA"):
				return []mysqltest.Result{{Custom: func(c *mysqltest.FakeConn) error {
					if err := c.WriteLocalInfileRequest("data.csv"); err != nil {
						return err
					}
					data, err := c.ReadLocalInfileData()
					loaded <- data
					if err != nil {
						return err
					}
					return c.WriteOK(mysqltest.OKOptions{})
				}}}
			}
			return nil
		}, seen))
}

func TestFakeCompression(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		dsn  string
		caps uint64
		flag uint64
		want myx.Compression
	}{
		{"zstd", "zstd", mysqltest.DefaultCapabilities | proto.ClientZstdCompression | proto.ClientCompress, proto.ClientZstdCompression, myx.CompressZstd},
		{"zlib", "true", mysqltest.DefaultCapabilities | proto.ClientCompress | proto.ClientZstdCompression, proto.ClientCompress, myx.CompressZlib},
		{"zlib on MariaDB", "zlib", mysqltest.DefaultMariaDBCapabilities | proto.ClientCompress, proto.ClientCompress, myx.CompressZlib},
		{"zstd not offered", "zstd", mysqltest.DefaultCapabilities | proto.ClientCompress, 0, myx.CompressNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// No deadline of the test's own around the heavy work (tens of MiB compressed
			// under -race on a busy machine): go test's timeout bounds it.
			ctx := context.Background()
			seen := make(chan *mysqltest.HandshakeResponse, 1)
			loaded := make(chan []byte, 1)
			fs := compressedFake(t, tc.caps, seen, loaded)
			cfg, err := myx.ParseConfig(fs.DSN("u", "") + "?compress=" + tc.dsn)
			if err != nil {
				t.Fatal(err)
			}
			cfg.TLSMode = myx.TLSDisabled
			cfg.StatementCacheSize = 8
			c, err := myx.ConnectConfig(ctxT(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(ctx)
			resp := <-seen
			if got := resp.Capabilities & (proto.ClientCompress | proto.ClientZstdCompression); got != tc.flag {
				t.Errorf("client asked for %#x, want %#x", got, tc.flag)
			}
			if tc.flag == proto.ClientZstdCompression && resp.ZstdLevel != 3 {
				t.Errorf("zstd level %d, want 3", resp.ZstdLevel)
			}
			if got := c.CompressionStats().Algorithm; got != tc.want {
				t.Fatalf("algorithm %v, want %v", got, tc.want)
			}

			// Point queries, text and prepared (the pipelined prepare and execute is two
			// commands in one write, each with its own frames).
			for i := 0; i < 3; i++ {
				var n int64
				if err := c.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil || n != 1 {
					t.Fatalf("SELECT 1: %v %d", err, n)
				}
				if err := c.QueryRow(ctx, "SELECT ? + 1", int64(i)).Scan(&n); err != nil || n != int64(i)+1 {
					t.Fatalf("SELECT ? + 1: %v %d", err, n)
				}
			}
			// A result over hundreds of frames: the frame sequence id wraps around.
			rows, err := c.Query(ctx, "SELECT many")
			if err != nil {
				t.Fatal(err)
			}
			i := 0
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				if want := fmt.Sprintf("row %d %s", i, strings.Repeat("x", i%200)); s != want {
					t.Fatalf("row %d: %q", i, s)
				}
				i++
			}
			if err := rows.Close(); err != nil || i != 5000 {
				t.Fatalf("many: %v after %d rows", err, i)
			}
			if tc.name == "zstd" || tc.name == "zlib" {
				// A 17 MiB value: packets of 16 MiB inside frames of 16 KiB.
				var b []byte
				if err := c.QueryRow(ctx, "SELECT huge").Scan(&b); err != nil || !bytes.Equal(b, bytes.Repeat([]byte("0123456789abcdef"), 17<<16)) {
					t.Fatalf("huge: %v (%d bytes)", err, len(b))
				}
				// A 17 MiB argument: the client's packets split at 16 MiB, each frame at
				// most 16 MiB of packet stream.
				big := bytes.Repeat([]byte("insert me "), 17<<20/10)
				res, err := c.Exec(ctx, "INSERT INTO t VALUES (?)", big)
				if err != nil || res.RowsAffected != uint64(len(big)) {
					t.Fatalf("large insert: %v %+v", err, res)
				}
			}
			// LOAD DATA LOCAL: the file's packets continue the reply's frame sequence.
			file := strings.Repeat("1,hello,world\n", 100000)
			if _, err := c.Exec(ctx, "LOAD DATA LOCAL INFILE 'data.csv' INTO TABLE t", &myx.LocalFile{Name: "data.csv", Reader: strings.NewReader(file)}); err != nil {
				t.Fatal(err)
			}
			if got := <-loaded; string(got) != file {
				t.Fatalf("the server got %d bytes of %d", len(got), len(file))
			}
			// Still in step.
			var n int64
			if err := c.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil || n != 1 {
				t.Fatalf("after: %v", err)
			}
			st := c.CompressionStats()
			t.Logf("%+v", st)
			if tc.want == myx.CompressNone {
				if st != (myx.CompressionStats{}) {
					t.Errorf("counters without compression: %+v", st)
				}
				return
			}
			if st.RawReceived < 256<<10 || st.WireReceived*4 > st.RawReceived || st.RawSent < 256<<10 || st.WireSent*4 > st.RawSent {
				t.Errorf("compression did not pay on repetitive data: %+v", st)
			}
		})
	}
}

func TestCompressConfig(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]myx.Compression{"true": myx.CompressZlib, "zlib": myx.CompressZlib, "zstd": myx.CompressZstd, "false": myx.CompressNone, "ZSTD": myx.CompressZstd} {
		cfg, err := myx.ParseConfig("u@tcp(127.0.0.1:1)/db?compress=" + v)
		if err != nil || cfg.Compress != want {
			t.Errorf("compress=%s: %v %v", v, err, cfg)
		}
	}
	if _, err := myx.ParseConfig("u@tcp(127.0.0.1:1)/db?compress=lz4"); err == nil || !strings.Contains(err.Error(), "compress") {
		t.Errorf("compress=lz4: %v", err)
	}
	cfg, _ := myx.ParseConfig("u@tcp(127.0.0.1:1)/db")
	if cfg.Compress != myx.CompressNone || len(cfg.SessionVars) != 0 {
		t.Errorf("default: %v %v", cfg.Compress, cfg.SessionVars)
	}
}

func TestFakeCompressedBrokenFrames(t *testing.T) {
	t.Parallel()
	for name, raw := range map[string][]byte{
		"garbage instead of zlib":    {10, 0, 0, 1, 100, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
		"frame out of sequence":      {5, 0, 0, 9, 0, 0, 0, 1, 0, 0, 1, 0},
		"stored frame cut short":     {50, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1},
		"frame announcing too much":  append([]byte{0xff, 0xff, 0xff, 1, 0, 0, 0}, []byte{0xff, 0xff, 0xff, 1}...),
		"empty frame claiming bytes": {0, 0, 0, 1, 10, 0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{Capabilities: mysqltest.DefaultCapabilities | proto.ClientCompress}, mysqltest.Auth{},
				func(q mysqltest.Query) []mysqltest.Result {
					if q.SQL != "SELECT a" {
						return nil
					}
					return []mysqltest.Result{{Custom: func(c *mysqltest.FakeConn) error {
						c.WriteRaw(raw)
						return c.Close() // a frame cut short ends with the connection
					}}}
				}, nil))
			cfg := fakeConfig(t, fs, "u", "")
			cfg.Compress = myx.CompressZlib
			cfg.MaxPacketSize = 1 << 20
			c, err := myx.ConnectConfig(ctxT(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Query(ctxT(t), "SELECT a")
			if err == nil || !myx.IsConnLost(err) || !c.IsClosed() {
				t.Fatalf("want a connection error and the connection closed: %v", err)
			}
			if name == "garbage instead of zlib" && !errors.Is(err, myx.ErrMalformed) {
				t.Errorf("not ErrMalformed: %v", err)
			}
			if name == "frame announcing too much" && !errors.Is(err, myx.ErrPacketTooLarge) {
				t.Errorf("not ErrPacketTooLarge: %v", err)
			}
		})
	}
}
