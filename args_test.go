package myx_test

import (
	"database/sql/driver"
	"errors"
	"strings"
	"testing"

	"github.com/myxdb/myx"
)

// selfPtr is a pointer that points to itself.
type selfPtr *selfPtr

// selfValuer is a driver.Valuer whose value is itself.
type selfValuer struct{}

func (v selfValuer) Value() (driver.Value, error) { return v, nil }

// chainValuer is a Valuer chain n long ending in the string "end".
type chainValuer int

func (v chainValuer) Value() (driver.Value, error) {
	if v == 0 {
		return "end", nil
	}
	return v - 1, nil
}

// argConfigs are the ways a statement's arguments can travel.
var argConfigs = []struct {
	name string
	edit func(*myx.Config)
}{
	{"prepared", func(*myx.Config) {}},
	{"interpolated", func(cfg *myx.Config) { cfg.InterpolateParams = true }},
	{"nocache", func(cfg *myx.Config) { cfg.StatementCacheSize = -1 }},
}

// usable fails the test unless c still runs a query.
func usable(t *testing.T, c *myx.Conn, after string) {
	t.Helper()
	var n int
	if err := c.QueryRow(ctxT(t), "SELECT ? + 1", 41).Scan(&n); err != nil || n != 42 {
		t.Fatalf("after %s the connection does not work: %d %v", after, n, err)
	}
	if c.IsClosed() {
		t.Fatalf("after %s the connection is closed", after)
	}
}

func TestArgErrorsLeaveConnectionUsable(t *testing.T) {
	t.Parallel()
	var sp selfPtr
	sp = &sp
	for _, cfg := range argConfigs {
		t.Run(cfg.name, func(t *testing.T) {
			t.Parallel()
			c := connect(t, cfg.edit, func(c *myx.Config) { c.MaxAllowedPacket = 1 << 20 })
			ctx := ctxT(t)
			type tc struct {
				name  string
				query string
				args  []any
				check func(error) bool
			}
			isNil := func(err error) bool { return err == nil }
			isCount := func(err error) bool { var e *myx.ArgCountError; return errors.As(err, &e) }
			isArg := func(err error) bool { var e *myx.ArgError; return errors.As(err, &e) }
			isSize := func(err error) bool {
				var e *myx.PacketTooLargeError
				return errors.As(err, &e) && e.Limit == 1<<20
			}
			cases := []tc{
				// No placeholder, one argument: the case that closed the connection on MariaDB.
				{"count no placeholder", "SELECT 1", []any{5}, isCount},
				{"count no placeholder again (cached)", "SELECT 1", []any{5}, isCount},
				{"count too many", "SELECT ? + 2", []any{1, 2}, isCount},
				{"count too few", "SELECT ? + ? + 3", []any{1}, isCount},
				// The server and the client may count placeholders differently (MariaDB runs
				// the text of /*! */ and ends a -- comment at a carriage return).
				{"count executable comment", "SELECT 4 /*! + ? */", []any{}, nil},
				{"count comment at CR", "SELECT 5 --\r?\n", []any{9}, nil},
				{"type", "SELECT ? + 6", []any{struct{}{}}, isArg},
				{"type second", "SELECT ? + ? + 7", []any{1, make(chan int)}, isArg},
				{"self pointer", "SELECT ? + 8", []any{sp}, isArg},
				{"self valuer", "SELECT ? + 9", []any{selfValuer{}}, isArg},
				{"deep valuer", "SELECT ? + 10", []any{chainValuer(20)}, isArg},
				// A value larger than Config.MaxAllowedPacket goes as long data in pieces
				// within it (interpolated, through a prepared statement), as in go-sql-driver:
				// only the server's max_allowed_packet bounds it (large_test.go).
				{"past MaxAllowedPacket", "SELECT LENGTH(?) + 11", []any{strings.Repeat("x", 1<<20+1)}, isNil},
				{"statement too large", "SELECT 12 /*" + strings.Repeat("x", 1<<20) + "*/ + ?", []any{1}, isSize},
			}
			for _, k := range cases {
				for _, call := range []string{"Query", "Exec"} {
					var err error
					if call == "Query" {
						var rows *myx.Rows
						rows, err = c.Query(ctx, k.query, k.args...)
						if err == nil {
							for rows.Next() {
							}
							err = rows.Close()
						}
					} else {
						_, err = c.Exec(ctx, k.query, k.args...)
					}
					if err == nil {
						if k.check != nil && !k.check(nil) {
							t.Errorf("%s %s: no error", call, k.name)
						}
					} else if k.check != nil && !k.check(err) {
						t.Errorf("%s %s: %T %v", call, k.name, err, err)
					} else if k.check == nil {
						t.Logf("%s %s: %v", call, k.name, err)
					}
					usable(t, c, call+" "+k.name)
				}
			}
			// The statements that failed with the wrong argument count work with the right one.
			var n int
			if err := c.QueryRow(ctx, "SELECT ? + ? + 3", 1, 2).Scan(&n); err != nil || n != 6 {
				t.Errorf("after the count errors: %d %v", n, err)
			}
			if err := c.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil || n != 1 {
				t.Errorf("SELECT 1 after its count error: %d %v", n, err)
			}
			// A Valuer chain within the bound is followed.
			var s string
			if err := c.QueryRow(ctx, "SELECT ?", chainValuer(5)).Scan(&s); err != nil || s != "end" {
				t.Errorf("Valuer chain of 5: %q %v", s, err)
			}
			pp := new(*int)
			*pp = new(int)
			**pp = 13
			// Not "SELECT ?" again: TiDB keeps the result type of a prepared statement's first
			// execution and fails (error 1105, index out of range) or drops the connection when
			// a later one has a parameter of another type (go-sql-driver meets the same).
			if err := c.QueryRow(ctx, "SELECT ? + 0", pp).Scan(&n); err != nil || n != 13 {
				t.Errorf("pointer to pointer: %d %v", n, err)
			}
		})
	}
}

func TestArgErrorsInStmtBatchExecMany(t *testing.T) {
	t.Parallel()
	var sp selfPtr
	sp = &sp
	for _, cfg := range argConfigs {
		t.Run(cfg.name, func(t *testing.T) {
			t.Parallel()
			c := connect(t, cfg.edit, func(c *myx.Config) { c.MaxAllowedPacket = 1 << 20 })
			ctx := ctxT(t)
			tbl := newTable(t, c, "id INT PRIMARY KEY, v LONGTEXT")

			// An explicit prepared statement.
			st, err := c.Prepare(ctx, "INSERT INTO "+tbl+" VALUES (?, ?)")
			if err != nil {
				t.Fatal(err)
			}
			var ce *myx.ArgCountError
			if _, err := st.Exec(ctx, 1); !errors.As(err, &ce) {
				t.Errorf("Stmt.Exec count: %v", err)
			}
			usable(t, c, "Stmt.Exec count")
			var ae *myx.ArgError
			if _, err := st.Exec(ctx, 1, sp); !errors.As(err, &ae) || ae.Index != 1 {
				t.Errorf("Stmt.Exec self pointer: %v", err)
			}
			usable(t, c, "Stmt.Exec self pointer")
			if _, err := st.Exec(ctx, 1, "one"); err != nil {
				t.Errorf("Stmt.Exec: %v", err)
			}
			st.Close(ctx)

			// A batch: the bad items fail alone, the others run.
			b := &myx.Batch{}
			b.Queue("INSERT INTO "+tbl+" VALUES (?, ?)", 2, "two")
			b.Queue("INSERT INTO "+tbl+" VALUES (?, ?)", 3)
			b.Queue("INSERT INTO "+tbl+" VALUES (?, ?)", 4, selfValuer{})
			b.Queue("SELECT 1", 5)
			b.Queue("INSERT INTO "+tbl+" VALUES (?, ?)", 6, strings.Repeat("x", 1<<20+1))
			b.Queue("INSERT INTO "+tbl+" VALUES (?, ?)", 7, "seven")
			br := c.SendBatch(ctx, b)
			if _, err := br.Exec(); err != nil {
				t.Errorf("batch item 0: %v", err)
			}
			if _, err := br.Exec(); !errors.As(err, &ce) {
				t.Errorf("batch count: %v", err)
			}
			if _, err := br.Exec(); !errors.As(err, &ae) {
				t.Errorf("batch self valuer: %v", err)
			}
			if _, err := br.Exec(); !errors.As(err, &ce) {
				t.Errorf("batch SELECT 1 with an argument: %v", err)
			}
			// Past Config.MaxAllowedPacket: long data for a prepared statement (as in
			// go-sql-driver); a pipelined interpolated statement must fit whole.
			var pe *myx.PacketTooLargeError
			interpolated := cfg.name == "interpolated"
			if _, err := br.Exec(); interpolated && !errors.As(err, &pe) || !interpolated && err != nil {
				t.Errorf("batch past MaxAllowedPacket: %v", err)
			}
			if _, err := br.Exec(); err != nil {
				t.Errorf("batch last item: %v", err)
			}
			if err := br.Close(); err != nil {
				t.Errorf("batch close: %v", err)
			}
			usable(t, c, "the batch")

			// ExecMany, on each of its paths.
			for _, bulk := range []bool{true, false} {
				cc := c
				if !bulk {
					cc = connect(t, cfg.edit, func(c *myx.Config) { c.MaxAllowedPacket = 1 << 20 })
					myx.DisableBulkForTest(cc)
				}
				if _, err := cc.ExecMany(ctx, "INSERT INTO "+tbl+" VALUES (?, ?)", [][]any{{100, "a"}, {101}}); !errors.As(err, &ce) {
					t.Errorf("ExecMany bulk=%v count: %v", bulk, err)
				}
				usable(t, cc, "ExecMany count")
				if _, err := cc.ExecMany(ctx, "INSERT INTO "+tbl+" VALUES (?, ?)", [][]any{{102, "a"}, {103, sp}}); !errors.As(err, &ae) {
					t.Errorf("ExecMany bulk=%v self pointer: %v", bulk, err)
				}
				usable(t, cc, "ExecMany self pointer")
				if _, err := cc.ExecMany(ctx, "INSERT INTO "+tbl+" VALUES (?, ?)", [][]any{{104, strings.Repeat("y", 1<<20+1)}}); err != nil {
					t.Errorf("ExecMany bulk=%v past MaxAllowedPacket: %v", bulk, err)
				}
				usable(t, cc, "ExecMany past MaxAllowedPacket")
				cc.Exec(ctx, "DELETE FROM "+tbl+" WHERE id >= 100")
			}
			var n int
			want := 4 // ids 1, 2, 6, 7
			if interpolated {
				want = 3
			}
			if err := c.QueryRow(ctx, "SELECT COUNT(*) FROM "+tbl).Scan(&n); err != nil || n != want {
				t.Errorf("rows stored: %d %v, want %d", n, err, want)
			}
		})
	}
}

func TestMaxAllowedPacketParameter(t *testing.T) {
	for dsn, want := range map[string]int{
		"mysql://root@127.0.0.1:3306/test":                       0,
		"mysql://root@127.0.0.1:3306/test?maxAllowedPacket=0":    -1,
		"root@tcp(127.0.0.1:3306)/test?maxAllowedPacket=1048576": 1 << 20,
	} {
		cfg, err := myx.ParseConfig(dsn)
		if err != nil || cfg.MaxAllowedPacket != want {
			t.Errorf("%s: %v %v, want %d", dsn, cfg, err, want)
		}
	}
	for _, bad := range []string{"-1", "x", "1073741825"} {
		if _, err := myx.ParseConfig("mysql://root@127.0.0.1:3306/test?maxAllowedPacket=" + bad); err == nil || !strings.Contains(err.Error(), "maxAllowedPacket") {
			t.Errorf("maxAllowedPacket=%s: %v", bad, err)
		}
	}
}

// TestBatchLearnsLimit: a batch whose first large item makes the connection learn the server's
// max_allowed_packet.
func TestBatchLearnsLimit(t *testing.T) {
	t.Parallel()
	c := connect(t, func(cfg *myx.Config) { cfg.MaxAllowedPacket = -1 })
	ctx := ctxT(t)
	b := &myx.Batch{}
	big := strings.Repeat("b", 2<<20)
	b.Queue("SELECT ?", 1)
	b.Queue("SELECT LENGTH(?)", big)
	br := c.SendBatch(ctx, b)
	var n int
	if err := br.QueryRow().Scan(&n); err != nil || n != 1 {
		t.Fatalf("first: %d %v", n, err)
	}
	if err := br.QueryRow().Scan(&n); err != nil || n != len(big) {
		t.Fatalf("second: %d %v", n, err)
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	usable(t, c, "the batch")
}
