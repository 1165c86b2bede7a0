package myx_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

func TestExecManyInsert(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"bulk", "multirow", "interpolated"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			c := connect(t, func(cfg *myx.Config) { cfg.InterpolateParams = mode == "interpolated" })
			if mode == "multirow" {
				myx.DisableBulkForTest(c)
			}
			ctx := ctxT(t)
			tbl := newTable(t, c, "id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64), score DOUBLE NULL, created DATETIME")
			const n = 1000
			rows := make([][]any, n)
			for i := range rows {
				var score any = float64(i) / 2
				if i%7 == 0 {
					score = nil
				}
				rows[i] = []any{fmt.Sprintf("name-%d", i), score, time.Date(2024, 1, 1, 0, 0, i%60, 0, time.UTC)}
			}
			res, err := c.ExecMany(ctx, "INSERT INTO "+tbl+" (name, score, created) VALUES (?, ?, ?)", rows)
			if err != nil {
				t.Fatal(err)
			}
			if res.RowsAffected != n {
				t.Errorf("RowsAffected %d", res.RowsAffected)
			}
			var cnt, nulls int
			var sum float64
			c.QueryRow(ctx, "SELECT COUNT(*), SUM(score IS NULL), SUM(score) FROM "+tbl).Scan(&cnt, &nulls, &sum)
			want := 0.0
			for i := range n {
				if i%7 != 0 {
					want += float64(i) / 2
				}
			}
			if cnt != n || nulls != (n+6)/7 || sum != want {
				t.Errorf("count %d nulls %d sum %v (want %v)", cnt, nulls, sum, want)
			}
			var name string
			c.QueryRow(ctx, "SELECT name FROM "+tbl+" WHERE id = 500").Scan(&name)
			if name != "name-499" {
				t.Errorf("row order: id 500 has %q", name)
			}
		})
	}
}

func TestExecManyLargeBatchSplitsByPacketSize(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY, payload TEXT")
	// ~40 MB in all: more than one max_allowed_packet (16 MiB by default).
	pad := strings.Repeat("p", 4000)
	rows := make([][]any, 10000)
	for i := range rows {
		rows[i] = []any{i, pad}
	}
	res, err := c.ExecMany(ctx, "INSERT INTO "+tbl+" VALUES (?, ?)", rows)
	if err != nil || res.RowsAffected != 10000 {
		t.Fatalf("%+v %v", res, err)
	}
	if n := count(t, c, tbl); n != 10000 {
		t.Errorf("%d rows", n)
	}
}

func TestExecManyMixedTypesAndUpdate(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY, v VARCHAR(20) NULL")
	_, err := c.ExecMany(ctx, "INSERT INTO "+tbl+" VALUES (?, ?)", [][]any{{1, nil}, {2, "two"}, {3, 3}, {int64(4), "four"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.ExecMany(ctx, "UPDATE "+tbl+" SET v = ? WHERE id = ?", [][]any{{"a", 1}, {"b", 2}, {"c", 99}})
	if err != nil || res.RowsAffected != 2 {
		t.Fatalf("update: %+v %v", res, err)
	}
	rows, _ := c.Query(ctx, "SELECT CONCAT(id, '=', IFNULL(v, 'NULL')) FROM "+tbl+" ORDER BY id")
	got, _ := myx.CollectRows(rows, myx.RowTo[string])
	if strings.Join(got, ",") != "1=a,2=b,3=3,4=four" {
		t.Errorf("got %v", got)
	}
}

func TestExecManyFailureReportsProgress(t *testing.T) {
	t.Parallel()
	for _, bulk := range []bool{true, false} {
		c := connect(t)
		if !bulk {
			myx.DisableBulkForTest(c)
		}
		ctx := ctxT(t)
		tbl := newTable(t, c, "id INT PRIMARY KEY")
		_, err := c.ExecMany(ctx, "INSERT INTO "+tbl+" VALUES (?)", [][]any{{1}, {2}, {2}, {3}})
		var me *myx.MySQLError
		var ee *myx.ExecManyError
		if !errors.As(err, &me) || me.Number != myx.ErDupEntry || !errors.As(err, &ee) {
			t.Fatalf("bulk=%v: got %v", bulk, err)
		}
		// One statement covered all rows, so none were applied.
		if n := count(t, c, tbl); n != ee.Done {
			t.Errorf("bulk=%v: %d rows in table, error says %d done", bulk, n, ee.Done)
		}
		_, err = c.ExecMany(ctx, "INSERT INTO "+tbl+" VALUES (?)", [][]any{{1, 2}})
		if !errors.As(err, new(*myx.ArgCountError)) {
			t.Errorf("bulk=%v: wrong arg count: %v", bulk, err)
		}
	}
}
