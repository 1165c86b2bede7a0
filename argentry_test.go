package myx_test

// Arguments are normalised once, where a statement enters the connection: a driver.Valuer is
// called once per statement, whatever path the statement takes to the server.

import (
	"database/sql/driver"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/myxdb/myx"
)

// countingValuer counts its Value calls.
type countingValuer struct {
	calls *int
	v     driver.Value
}

func (c countingValuer) Value() (driver.Value, error) {
	*c.calls++
	return c.v, nil
}

func TestValuerCalledOncePerStatement(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	for _, interpolate := range []bool{false, true} {
		c := connect(t, func(cfg *myx.Config) { cfg.InterpolateParams = interpolate })
		// A long value goes as long data on the prepared path; on MariaDB a statement's first use
		// then takes the path that prepares first.
		for _, v := range []string{"short", strings.Repeat("x", 2<<20)} {
			name := "interpolate=" + strconv.FormatBool(interpolate) + "/len=" + strconv.Itoa(len(v))
			check := func(what string, calls, want int) {
				t.Helper()
				if calls != want {
					t.Errorf("%s, %s: Value called %d times, want %d", name, what, calls, want)
				}
			}
			// Each statement text is new to the connection: its first use.
			q := func(i int) string { return "SELECT LENGTH(?) /* " + name + " " + strconv.Itoa(i) + " */" }
			calls := 0
			var n int
			if err := c.QueryRow(ctx, q(1), countingValuer{&calls, v}).Scan(&n); err != nil || n != len(v) {
				t.Fatalf("%s: QueryRow: %d %v", name, n, err)
			}
			check("QueryRow", calls, 1)
			calls = 0
			if _, err := c.Exec(ctx, q(2), countingValuer{&calls, v}); err != nil {
				t.Fatalf("%s: Exec: %v", name, err)
			}
			check("Exec", calls, 1)
			calls = 0
			if _, err := c.ExecMany(ctx, "SELECT LENGTH(?) /* "+name+" */", [][]any{{countingValuer{&calls, v}}, {countingValuer{&calls, v}}}); err != nil {
				t.Fatalf("%s: ExecMany: %v", name, err)
			}
			check("ExecMany of 2 rows", calls, 2)
			calls = 0
			var b myx.Batch
			b.Queue(q(3), countingValuer{&calls, v})
			br := c.SendBatch(ctx, &b)
			if err := br.QueryRow().Scan(&n); err != nil || n != len(v) {
				t.Fatalf("%s: batch: %d %v", name, n, err)
			}
			if err := br.Close(); err != nil {
				t.Fatal(err)
			}
			check("Batch", calls, 1)
		}
	}
}

// failingValuer fails.
type failingValuer struct{}

func (failingValuer) Value() (driver.Value, error) { return nil, errors.New("no value") }

func TestArgumentErrorBeforeAnythingIsSent(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	c := connect(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY")
	// A bad argument in a later row fails ExecMany before any row is applied.
	_, err := c.ExecMany(ctx, "INSERT INTO "+tbl+" VALUES (?)", [][]any{{1}, {2}, {failingValuer{}}})
	var me *myx.ExecManyError
	var ae *myx.ArgError
	if !errors.As(err, &me) || me.Done != 0 || !errors.As(err, &ae) || ae.Index != 0 {
		t.Fatalf("got %v", err)
	}
	if want := "myx: ExecMany failed after 0 rows: row 2: argument 0: no value"; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT COUNT(*) FROM "+tbl).Scan(&n); err != nil || n != 0 {
		t.Errorf("rows applied: %d %v", n, err)
	}
	// A batch item with a bad argument fails alone.
	var b myx.Batch
	b.Queue("INSERT INTO "+tbl+" VALUES (?)", 1)
	b.Queue("INSERT INTO "+tbl+" VALUES (?)", failingValuer{})
	b.Queue("INSERT INTO "+tbl+" VALUES (?)", 3)
	br := c.SendBatch(ctx, &b)
	_, err1 := br.Exec()
	_, err2 := br.Exec()
	_, err3 := br.Exec()
	if err := br.Close(); err != nil || err1 != nil || !errors.As(err2, &ae) || ae.Index != 0 || err3 != nil {
		t.Fatalf("batch: %v, %v, %v, close %v", err1, err2, err3, err)
	}
	if err := c.QueryRow(ctx, "SELECT COUNT(*) FROM "+tbl).Scan(&n); err != nil || n != 2 {
		t.Errorf("batch rows applied: %d %v", n, err)
	}
}
