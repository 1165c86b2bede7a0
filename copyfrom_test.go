package myx_test

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

func TestCopyFrom(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY, name VARCHAR(40) NULL, score DOUBLE, created DATETIME(6), raw VARBINARY(10), d TIME")
	when := time.Date(2024, 5, 6, 7, 8, 9, 123000000, time.UTC)
	rows := [][]any{
		{1, "plain", 1.5, when, []byte{0, 1, '\t', '\n', '\\'}, -90 * time.Minute},
		{2, "tab\there\nnewline \\N backslash", -2.25, when, []byte("x"), time.Second},
		{3, nil, 0.0, when, nil, 0 * time.Second},
		{4, "ünïcödé", 1e300, when, []byte{}, 100 * time.Hour},
	}
	n, err := c.CopyFrom(ctx, tbl, []string{"id", "name", "score", "created", "raw", "d"}, myx.CopyFromRows(rows))
	if err != nil || n != 4 {
		t.Fatalf("CopyFrom: %d %v", n, err)
	}
	r, _ := c.Query(ctx, "SELECT id, name, score, created, raw, d FROM "+tbl+" ORDER BY id")
	i := 0
	for r.Next() {
		var id int
		var name sql.NullString
		var score float64
		var created time.Time
		var raw []byte
		var d time.Duration
		if err := r.Scan(&id, &name, &score, &created, &raw, &d); err != nil {
			t.Fatal(err)
		}
		want := rows[i]
		wantName, _ := want[1].(string)
		wantRaw, _ := want[4].([]byte)
		if id != want[0] || name.String != wantName || name.Valid != (want[1] != nil) || score != want[2] ||
			!created.Equal(when) || string(raw) != string(wantRaw) || (raw == nil) != (want[4] == nil) || d != want[5] {
			t.Errorf("row %d: %v %q %v %v %q %v", i, id, name.String, score, created, raw, d)
		}
		i++
	}
	if r.Err() != nil || i != 4 {
		t.Fatalf("%d rows, %v", i, r.Err())
	}
}

func TestCopyFromLargeAndFailingSource(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY, name VARCHAR(40)")
	i := 0
	n, err := c.CopyFrom(ctx, tbl, []string{"id", "name"}, myx.CopyFromFunc(func() ([]any, error) {
		if i == 50000 {
			return nil, nil
		}
		i++
		return []any{i, fmt.Sprint("name-", i)}, nil
	}))
	if err != nil || n != 50000 {
		t.Fatalf("%d %v", n, err)
	}
	tbl2 := newTable(t, c, "id INT PRIMARY KEY")
	j := 0
	boom := errors.New("source failed")
	_, err = c.CopyFrom(ctx, tbl2, []string{"id"}, myx.CopyFromFunc(func() ([]any, error) {
		j++
		if j == 20000 {
			return nil, boom
		}
		return []any{j}, nil
	}))
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	c2 := connect(t)
	if n := count(t, c2, tbl2); n != 0 {
		t.Fatalf("%d rows loaded from a failed source", n)
	}
}
