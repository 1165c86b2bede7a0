package myx_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/myxdb/myx"
)

func TestBatchMixedStatements(t *testing.T) {
	t.Parallel()
	modes(t, func(t *testing.T, c *myx.Conn, _ bool) {
		ctx := ctxT(t)
		tbl := newTable(t, c, "id INT PRIMARY KEY, name VARCHAR(20)")
		b := &myx.Batch{}
		b.Queue("INSERT INTO "+tbl+" VALUES (?, ?)", 1, "one")
		b.Queue("INSERT INTO "+tbl+" VALUES (?, ?)", 2, "two")
		b.Queue("INSERT INTO "+tbl+" VALUES (?, ?)", 1, "duplicate")
		b.Queue("SELECT name FROM "+tbl+" WHERE id = ?", 2)
		b.Queue("SELECT id, name FROM " + tbl + " ORDER BY id")
		b.Queue("SELECT * FROM no_such_table_myx")
		b.Queue("UPDATE "+tbl+" SET name = ? WHERE id = ?", "uno", 1)
		br := c.SendBatch(ctx, b)
		if _, err := c.Exec(ctx, "DO 1"); !errors.Is(err, myx.ErrConnBusy) {
			t.Errorf("command during a batch: %v", err)
		}
		for i := range 2 {
			if res, err := br.Exec(); err != nil || res.RowsAffected != 1 {
				t.Fatalf("insert %d: %+v %v", i, res, err)
			}
		}
		if _, err := br.Exec(); !errors.Is(err, &myx.MySQLError{Number: myx.ErDupEntry}) {
			t.Errorf("duplicate: %v", err)
		}
		var name string
		if err := br.QueryRow().Scan(&name); err != nil || name != "two" {
			t.Errorf("QueryRow: %q %v", name, err)
		}
		rows, err := br.Query()
		if err != nil {
			t.Fatal(err)
		}
		ids, err := myx.CollectRows(rows, myx.RowTo[int])
		if err == nil {
			t.Errorf("RowTo on two columns should fail, got %v", ids)
		}
		if _, err := br.Query(); !errors.Is(err, &myx.MySQLError{Number: myx.ErNoSuchTable}) {
			t.Errorf("missing table: %v", err)
		}
		if res, err := br.Exec(); err != nil || res.RowsAffected != 1 {
			t.Errorf("update: %+v %v", res, err)
		}
		if err := br.Close(); err != nil {
			t.Fatal(err)
		}
		var got string
		if err := c.QueryRow(ctx, "SELECT GROUP_CONCAT(name ORDER BY id) FROM "+tbl).Scan(&got); err != nil || got != "uno,two" {
			t.Errorf("after batch: %q %v", got, err)
		}
	})
}

func TestBatchLargerThanWindowWithEvictions(t *testing.T) {
	t.Parallel()
	c := connect(t, func(cfg *myx.Config) { cfg.StatementCacheSize = 2 })
	ctx := ctxT(t)
	b := &myx.Batch{}
	const n = 5000
	for i := range n {
		b.Queue(fmt.Sprintf("SELECT ? + %d", i%5), i)
	}
	br := c.SendBatch(ctx, b)
	for i := range n {
		var v int
		if err := br.QueryRow().Scan(&v); err != nil || v != i+i%5 {
			t.Fatalf("item %d: %d %v", i, v, err)
		}
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := c.QueryRow(ctx, "SELECT ? + 3", 1).Scan(&v); err != nil || v != 4 {
		t.Fatalf("after batch: %v", err)
	}
}

func TestBatchCloseDiscardsUnreadAndContextEnds(t *testing.T) {
	t.Parallel()
	c := connect(t)
	tbl := newTable(t, c, "id INT")
	b := &myx.Batch{}
	for i := range 100 {
		b.Queue("INSERT INTO "+tbl+" VALUES (?)", i)
	}
	br := c.SendBatch(ctxT(t), b)
	br.Exec()
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	if n := count(t, c, tbl); n != 100 {
		t.Fatalf("%d rows: every queued statement runs even if its reply is not read", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b.Queue("DO 1")
	br = c.SendBatch(ctx, b)
	if _, err := br.Exec(); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled batch: %v", err)
	}
	br.Close()
	if err := c.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A long batch whose replies differ in size: point rows, large rows that stream over many
// reads while thousands of replies are still owed (the reads wait with a low-water mark then),
// and errors; every reply arrives whole and in order, and the connection is in step after.
func TestBatchLongWithLargeRowsAndErrors(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY")
	b := &myx.Batch{}
	const n = 3000
	for i := range n {
		switch {
		case i%700 == 0:
			b.Queue("SELECT REPEAT('x', ?)", 300000+i)
		case i%301 == 0:
			b.Queue("INSERT INTO "+tbl+" VALUES (?)", 1) // a duplicate key from the second on
		default:
			b.Queue("SELECT ? + 1", i)
		}
	}
	br := c.SendBatch(ctx, b)
	inserts := 0
	for i := range n {
		switch {
		case i%700 == 0:
			var s string
			if err := br.QueryRow().Scan(&s); err != nil || len(s) != 300000+i || strings.Trim(s, "x") != "" {
				t.Fatalf("item %d: %d bytes, %v", i, len(s), err)
			}
		case i%301 == 0:
			_, err := br.Exec()
			if inserts++; inserts == 1 && err != nil {
				t.Fatalf("item %d: first insert: %v", i, err)
			}
			if inserts > 1 && !errors.Is(err, &myx.MySQLError{Number: myx.ErDupEntry}) {
				t.Fatalf("item %d: %v, want a duplicate key", i, err)
			}
		default:
			var v int
			if err := br.QueryRow().Scan(&v); err != nil || v != i+1 {
				t.Fatalf("item %d: %d %v", i, v, err)
			}
		}
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := c.QueryRow(ctx, "SELECT ? + 3", 1).Scan(&v); err != nil || v != 4 {
		t.Fatalf("after batch: %d %v", v, err)
	}
}
