package myx_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// throwawayConfig starts a server of its own for the test with the given max_allowed_packet
// (tests that need a particular global setting never change the shared server's) and returns
// its configuration.
func throwawayConfig(t *testing.T, maxAllowedPacket string) *myx.Config {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a server of its own")
	}
	s := mysqltest.StartServerT(t, mysqltest.ServerOptions{Flags: []string{"--max-allowed-packet=" + maxAllowedPacket}})
	cfg, err := myx.ParseConfig(s.DSN())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func connectTo(t testing.TB, base *myx.Config, edit ...func(*myx.Config)) *myx.Conn {
	t.Helper()
	cfg := *base
	for _, e := range edit {
		e(&cfg)
	}
	c, err := myx.ConnectConfig(context.Background(), &cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// onlyReader hides every method but Read, so the value's size is unknown to the driver.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// pattern is n bytes that are not all the same, so a misplaced chunk shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/4099)
	}
	return b
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// checkStored fails unless row id of tbl holds want.
func checkStored(t *testing.T, c *myx.Conn, tbl string, id int, want []byte) {
	t.Helper()
	var n int
	var sum string
	if err := c.QueryRow(t.Context(), "SELECT LENGTH(v), MD5(v) FROM "+tbl+" WHERE id = ?", id).Scan(&n, &sum); err != nil {
		t.Fatalf("row %d: %v", id, err)
	}
	if n != len(want) || sum != md5hex(want) {
		t.Fatalf("row %d: stored %d bytes (md5 %s), want %d (md5 %s)", id, n, sum, len(want), md5hex(want))
	}
}

func TestLargeArgumentsAtTheLimit(t *testing.T) {
	t.Parallel()
	const limit = 4 << 20
	base := throwawayConfig(t, "4M")
	ctx := t.Context()
	for _, name := range []string{"default", "learn", "nocache"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := connectTo(t, base, func(cfg *myx.Config) {
				switch name {
				case "learn":
					cfg.MaxAllowedPacket = -1
				case "nocache":
					cfg.StatementCacheSize = -1
				}
			})
			tbl := "t_large_" + name
			if _, err := c.Exec(ctx, "CREATE TABLE "+tbl+" (id INT PRIMARY KEY, v LONGBLOB, small BLOB)"); err != nil {
				t.Fatal(err)
			}
			ins := "INSERT INTO " + tbl + " (id, v) VALUES (?, ?)"
			val := pattern(limit - 8)

			// max_allowed_packet - 8 bytes as []byte, string and io.Reader: stored whole.
			// The first is the statement's first use (on MariaDB the pipelined path).
			if _, err := c.Exec(ctx, ins, 1, val); err != nil {
				t.Fatalf("[]byte of %d bytes: %v", len(val), err)
			}
			checkStored(t, c, tbl, 1, val)
			if _, err := c.Exec(ctx, ins, 2, string(val)); err != nil {
				t.Fatalf("string: %v", err)
			}
			checkStored(t, c, tbl, 2, val)
			if _, err := c.Exec(ctx, ins, 3, onlyReader{bytes.NewReader(val)}); err != nil {
				t.Fatalf("io.Reader: %v", err)
			}
			checkStored(t, c, tbl, 3, val)
			// Read back whole, too.
			var got []byte
			if err := c.QueryRow(ctx, "SELECT v FROM "+tbl+" WHERE id = ?", 3).Scan(&got); err != nil || !bytes.Equal(got, val) {
				t.Fatalf("read back: %d bytes, %v", len(got), err)
			}
			got = nil
			// A short reader goes inline; an empty one is an empty value, not NULL.
			if _, err := c.Exec(ctx, ins, 4, strings.NewReader("short")); err != nil {
				t.Fatal(err)
			}
			checkStored(t, c, tbl, 4, []byte("short"))
			if _, err := c.Exec(ctx, ins, 5, onlyReader{strings.NewReader("")}); err != nil {
				t.Fatal(err)
			}
			checkStored(t, c, tbl, 5, nil)

			// Over the limit: a typed error naming it, nothing stored, the connection usable.
			over := pattern(limit + 1)
			for i, arg := range []any{over, string(over), onlyReader{bytes.NewReader(over)}} {
				_, err := c.Exec(ctx, ins, 10+i, arg)
				var pe *myx.PacketTooLargeError
				var ae *myx.ArgError
				if !errors.As(err, &pe) || !errors.As(err, &ae) || ae.Index != 1 || pe.Limit != limit {
					t.Fatalf("%T over the limit: %v", arg, err)
				}
				usable(t, c, fmt.Sprintf("%T over the limit", arg))
			}
			var n int
			if err := c.QueryRow(ctx, "SELECT COUNT(*) FROM "+tbl+" WHERE id >= 10").Scan(&n); err != nil || n != 0 {
				t.Fatalf("rows over the limit stored: %d %v", n, err)
			}
			// Two values that fit alone but not together, and a statement over the limit.
			half := pattern(limit/2 + 10)
			if _, err := c.Exec(ctx, "INSERT INTO "+tbl+" (id, v, small) VALUES (?, CONCAT(?, ?), NULL)", 20, half, half); err == nil {
				// The server accepted both (each arrived as long data); CONCAT's result is its
				// problem: either stored or an error, never a dropped connection.
				t.Log("two half-limit values accepted")
			}
			usable(t, c, "two half-limit values")
			_, err := c.Exec(ctx, "SELECT 1 /*"+strings.Repeat("x", limit)+"*/")
			var pe *myx.PacketTooLargeError
			if !errors.As(err, &pe) || pe.What != "command" {
				t.Fatalf("statement over the limit: %v", err)
			}
			usable(t, c, "a statement over the limit")

			// The server's own error after the data streamed (a BLOB column holds 64 KiB): the
			// error comes with the execute and the connection stays usable.
			if _, err := c.Exec(ctx, "SET SESSION sql_mode = 'STRICT_ALL_TABLES'"); err != nil {
				t.Fatal(err)
			}
			_, err = c.Exec(ctx, "INSERT INTO "+tbl+" (id, small) VALUES (?, ?)", 30, onlyReader{bytes.NewReader(pattern(200 << 10))})
			if !errors.Is(err, &myx.MySQLError{Number: 1406}) {
				t.Fatalf("too long for the column: %v", err)
			}
			usable(t, c, "the server's error after long data")

			// A reader that fails part way: the long data sent is discarded.
			_, err = c.Exec(ctx, ins, 31, io.MultiReader(bytes.NewReader(pattern(3<<20)), iotestErrReader{}))
			if !errors.As(err, new(*myx.ArgError)) || !errors.Is(err, errReader) {
				t.Fatalf("failing reader: %v", err)
			}
			usable(t, c, "a failing reader")
			if _, err := c.Exec(ctx, ins, 32, "after"); err != nil {
				t.Fatal(err)
			}
			checkStored(t, c, tbl, 32, []byte("after"))

			// Batch: a long value between short statements.
			b := &myx.Batch{}
			b.Queue(ins, 40, "a")
			b.Queue(ins, 41, val)
			b.Queue(ins, 42, onlyReader{bytes.NewReader(val)})
			b.Queue(ins, 43, over)
			b.Queue("SELECT COUNT(*) FROM " + tbl + " WHERE id BETWEEN 40 AND 49")
			br := c.SendBatch(ctx, b)
			for i := range 3 {
				if _, err := br.Exec(); err != nil {
					t.Fatalf("batch item %d: %v", i, err)
				}
			}
			if _, err := br.Exec(); !errors.As(err, new(*myx.PacketTooLargeError)) {
				t.Fatalf("batch item over the limit: %v", err)
			}
			if err := br.QueryRow().Scan(&n); err != nil || n != 3 {
				t.Fatalf("batch count: %d %v", n, err)
			}
			if err := br.Close(); err != nil {
				t.Fatal(err)
			}
			checkStored(t, c, tbl, 41, val)
			checkStored(t, c, tbl, 42, val)

			// ExecMany: rows with long values.
			if _, err := c.ExecMany(ctx, ins, [][]any{{50, "x"}, {51, val}, {52, onlyReader{bytes.NewReader(val)}}, {53, "y"}}); err != nil {
				t.Fatalf("ExecMany: %v", err)
			}
			checkStored(t, c, tbl, 51, val)
			checkStored(t, c, tbl, 52, val)
			checkStored(t, c, tbl, 53, []byte("y"))
			_, err = c.ExecMany(ctx, ins, [][]any{{54, "x"}, {55, over}})
			var me *myx.ExecManyError
			if !errors.As(err, &me) || me.Done != 1 || !errors.As(err, new(*myx.PacketTooLargeError)) {
				t.Fatalf("ExecMany over the limit: %v", err)
			}
			usable(t, c, "ExecMany over the limit")

			// Interpolated: the whole statement must fit.
			ic := connectTo(t, base, func(cfg *myx.Config) { cfg.InterpolateParams = true })
			text := strings.Repeat("z", limit-200)
			if _, err := ic.Exec(ctx, ins, 60, text); err != nil {
				t.Fatalf("interpolated just under the limit: %v", err)
			}
			checkStored(t, ic, tbl, 60, []byte(text))
			for i, arg := range []any{text + strings.Repeat("z", 300), onlyReader{bytes.NewReader(over)}} {
				_, err := ic.Exec(ctx, ins, 61+i, arg)
				if !errors.As(err, new(*myx.PacketTooLargeError)) {
					t.Fatalf("interpolated %T over the limit: %v", arg, err)
				}
				usable(t, ic, "an interpolated statement over the limit")
			}
			// A value that fits but whose literal (hexadecimal) would not: the statement goes
			// through a prepared statement instead, the value as long data (as in go-sql-driver).
			if _, err := ic.Exec(ctx, ins, 64, val); err != nil {
				t.Fatalf("interpolated []byte whose literal does not fit: %v", err)
			}
			checkStored(t, ic, tbl, 64, val)
			if _, err := ic.Exec(ctx, ins, 65, strings.NewReader("read whole")); err != nil {
				t.Fatalf("interpolated io.Reader: %v", err)
			}
			checkStored(t, ic, tbl, 65, []byte("read whole"))
		})
	}
}

var errReader = errors.New("reader broke")

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errReader }

func TestLargePacketsSplitAndJoined(t *testing.T) {
	t.Parallel()
	cfg := throwawayConfig(t, "64M")
	c := connectTo(t, cfg)
	ctx := t.Context()                                              // no deadline: 20 MiB under -race on a busy machine takes what it takes
	big := strings.Repeat("0123456789abcdef", (20<<20)/16) + "tail" // 20 MiB + 4: spans two packets
	for _, interpolate := range []bool{false, true} {
		cc := c
		if interpolate {
			cc = connectTo(t, cfg, func(cfg *myx.Config) { cfg.InterpolateParams = true })
		}
		var got string
		var n int
		if err := cc.QueryRow(ctx, "SELECT ?, LENGTH(?)", big, big).Scan(&got, &n); err != nil {
			t.Fatal(err)
		}
		if got != big || n != len(big) {
			t.Fatalf("interpolate=%v: round trip of %d bytes gave %d (server saw %d)", interpolate, len(big), len(got), n)
		}
	}
	// Exactly 16 MiB - 1 in a statement needs an empty trailing packet.
	exact := strings.Repeat("x", 1<<24-1-len("\x03SELECT ''"))
	ic := connectTo(t, cfg, func(cfg *myx.Config) { cfg.InterpolateParams = true })
	var got string
	if err := ic.QueryRow(ctx, "SELECT ?", exact).Scan(&got); err != nil || len(got) != len(exact) {
		t.Fatalf("boundary: %d %v", len(got), err)
	}
}

// TestLongDataFromReaderMemory streams a 96 MiB io.Reader into a LONGBLOB in a process of its
// own and asserts that the client's peak resident memory grew by far less than the value.
func TestLongDataFromReaderMemory(t *testing.T) {
	const size = 96 << 20
	if dsn := os.Getenv("MYX_LONGDATA_CHILD_DSN"); dsn != "" {
		longDataChild(t, dsn, size)
		return
	}
	t.Parallel()
	cfg := throwawayConfig(t, "128M")
	// A fresh process, so that the peak measures this and nothing else.
	cmd := exec.Command(os.Args[0], "-test.run=^TestLongDataFromReaderMemory$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "MYX_LONGDATA_CHILD_DSN=mysql://root@"+cfg.Addr+"/test?maxAllowedPacket=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "peak") {
			t.Log(strings.TrimSpace(line))
		}
	}
}

func longDataChild(t *testing.T, dsn string, size int) {
	ctx := t.Context()
	c, err := myx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE TABLE IF NOT EXISTS t_longdata (id INT PRIMARY KEY, v LONGBLOB)"); err != nil {
		t.Fatal(err)
	}
	before := vmHWM(t)
	h := md5.New()
	src := io.TeeReader(io.LimitReader(patternReader{}, int64(size)), h)
	if _, err := c.Exec(ctx, "INSERT INTO t_longdata VALUES (?, ?)", 1, onlyReader{src}); err != nil {
		t.Fatal(err)
	}
	after := vmHWM(t)
	var n int
	var sum string
	if err := c.QueryRow(ctx, "SELECT LENGTH(v), MD5(v) FROM t_longdata WHERE id = 1").Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if want := hex.EncodeToString(h.Sum(nil)); n != size || sum != want {
		t.Fatalf("stored %d bytes md5 %s, want %d md5 %s", n, sum, size, want)
	}
	t.Logf("peak RSS (VmHWM) %d KiB before, %d KiB after streaming %d MiB from an io.Reader: +%d KiB", before, after, size>>20, after-before)
	if grew := (after - before) << 10; grew > size/3 {
		t.Fatalf("peak RSS grew by %d bytes streaming %d: the value was held in memory", grew, size)
	}
}

// patternReader gives an endless non-repeating-looking byte stream.
type patternReader struct{}

func (patternReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i*31 + i>>9)
	}
	return len(p), nil
}

// vmHWM is the process's peak resident set size in KiB.
func vmHWM(t *testing.T) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Skip("no VmHWM in /proc/self/status")
	return 0
}
