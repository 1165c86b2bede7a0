package tracelog_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/pool"
	"github.com/myxdb/myx/tracelog"
)

// connectLogged connects with a Logger (JSON at Debug, arguments on) in Config.Tracer and
// makes a table of its own.
func connectLogged(t *testing.T, opts ...tracelog.Option) (*myx.Conn, *recorder, string) {
	t.Helper()
	dsn := mysqltest.Require(t)
	ctx := context.Background()
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	cfg.Tracer = tracelog.New(slog.New(slog.NewJSONHandler(r, &slog.HandlerOptions{Level: slog.LevelDebug})), opts...)
	c, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var b [4]byte
	rand.Read(b[:])
	table := "tracelog_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		c.Exec(context.Background(), "DROP TABLE IF EXISTS "+table)
		c.Close(context.Background())
	})
	return c, r, table
}

// find returns the records with message msg and attribute sql equal to sql ("" for any).
func find(recs []map[string]any, msg, sql string) []map[string]any {
	var out []map[string]any
	for _, rec := range recs {
		if rec["msg"] == msg && (sql == "" || rec["sql"] == sql) {
			out = append(out, rec)
		}
	}
	return out
}

func findOne(t *testing.T, recs []map[string]any, msg, sql string) map[string]any {
	t.Helper()
	got := find(recs, msg, sql)
	if len(got) != 1 {
		t.Fatalf("%d %q records for %q, want 1; all records: %v", len(got), msg, sql, recs)
	}
	return got[0]
}

func TestMariaDBStatements(t *testing.T) {
	c, r, table := connectLogged(t, tracelog.WithArgs(true))
	ctx := context.Background()
	id := fmt.Sprint(c.ConnID())

	rec := findOne(t, r.records(t), "connect", "")
	wantAttrs(t, rec, map[string]any{"level": "INFO", "conn_id": id, "server": c.ServerInfo().String()})

	create := "CREATE TABLE " + table + " (id INT PRIMARY KEY, name VARCHAR(40), data BLOB)"
	if _, err := c.Exec(ctx, create); err != nil {
		t.Fatal(err)
	}
	insert := "INSERT INTO " + table + " VALUES (?, ?, ?)"
	for i := range 3 {
		if _, err := c.Exec(ctx, insert, i, fmt.Sprintf("name%d", i), []byte{0xde, 0xad}); err != nil {
			t.Fatal(err)
		}
	}
	sel := "SELECT id, name FROM " + table + " WHERE id >= ? ORDER BY id"
	rows, err := c.Query(ctx, sel, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil || n != 3 {
		t.Fatalf("read %d rows (%v), want 3", n, err)
	}
	rows.Close()
	var name string
	if err := c.QueryRow(ctx, "SELECT name FROM "+table+" WHERE id = ?", 1).Scan(&name); err != nil {
		t.Fatal(err)
	}
	missing := "SELECT * FROM " + table + "_missing"
	if _, err := c.Exec(ctx, missing); err == nil {
		t.Fatal("a query of a missing table succeeded")
	}

	recs := r.records(t)
	wantAttrs(t, findOne(t, recs, "query", create), map[string]any{"level": "INFO", "conn_id": id, "rows": 0, "cache": "not_used"})
	wantNo(t, findOne(t, recs, "query", create), "args", "err")

	ins := find(recs, "query", insert)
	if len(ins) != 3 {
		t.Fatalf("%d records of the inserts, want 3: %v", len(ins), recs)
	}
	wantAttrs(t, ins[0], map[string]any{"affected": 1, "conn_id": id, "args": "[0 name0 []byte(len=2) dead]"})
	// The statement cache: prepared by the first insert, reused by the others.
	wantAttrs(t, ins[0], map[string]any{"cache": "miss"})
	wantAttrs(t, ins[2], map[string]any{"cache": "hit"})

	wantAttrs(t, findOne(t, recs, "query", sel), map[string]any{"rows": 3, "affected": 0, "conn_id": id, "summary": "SELECT " + table})
	wantAttrs(t, findOne(t, recs, "query", "SELECT name FROM "+table+" WHERE id = ?"), map[string]any{"rows": 1})

	fail := findOne(t, recs, "query", missing)
	wantAttrs(t, fail, map[string]any{"level": "ERROR", "errno": 1146, "conn_id": id})

	for _, rec := range find(recs, "query", "") {
		if d, _ := rec["duration"].(interface{ Int64() (int64, error) }); d == nil {
			t.Errorf("record without a duration: %v", rec)
		}
		if fmt.Sprint(rec["round_trips"]) == "0" {
			t.Errorf("record with no round trip: %v", rec)
		}
	}
}

func TestMariaDBBatchExecManyCopyFromReset(t *testing.T) {
	c, r, table := connectLogged(t)
	ctx := context.Background()
	if _, err := c.Exec(ctx, "CREATE TABLE "+table+" (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	insert := "INSERT INTO " + table + " VALUES (?)"
	var b myx.Batch
	b.Queue(insert, 1)
	b.Queue("SELECT COUNT(*) FROM " + table)
	br := c.SendBatch(ctx, &b)
	if _, err := br.Exec(); err != nil {
		t.Fatal(err)
	}
	var count int
	if err := br.QueryRow().Scan(&count); err != nil || count != 1 {
		t.Fatalf("count %d (%v), want 1", count, err)
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecMany(ctx, insert, [][]any{{2}, {3}, {4}}); err != nil {
		t.Fatal(err)
	}

	if n, err := c.CopyFrom(ctx, table, []string{"id"}, myx.CopyFromRows([][]any{{10}, {11}})); err != nil || n != 2 {
		t.Fatalf("CopyFrom: %d rows (%v), want 2", n, err)
	}
	if err := c.ResetSession(ctx); err != nil {
		t.Fatal(err)
	}

	recs := r.records(t)
	wantAttrs(t, findOne(t, recs, "copyfrom", ""), map[string]any{"table": table, "rows": 2, "level": "INFO"})
	wantAttrs(t, findOne(t, recs, "reset", ""), map[string]any{"level": "DEBUG", "conn_id": fmt.Sprint(c.ConnID())})
	wantAttrs(t, findOne(t, recs, "batch", ""), map[string]any{"size": 2, "conn_id": fmt.Sprint(c.ConnID())})
	items := find(recs, "batch query", "")
	if len(items) != 2 {
		t.Fatalf("%d batch query records, want 2: %v", len(items), recs)
	}
	wantAttrs(t, items[0], map[string]any{"index": 0, "sql": insert, "affected": 1, "level": "DEBUG"})
	wantAttrs(t, items[1], map[string]any{"index": 1, "rows": 1})
	wantAttrs(t, findOne(t, recs, "execmany", insert), map[string]any{"size": 3, "affected": 3})
}

func TestMariaDBSlowAndCancel(t *testing.T) {
	// A threshold of 1ns makes every statement slow: the assertion does not hang on timing.
	c, r, _ := connectLogged(t, tracelog.WithSlowThreshold(time.Nanosecond), tracelog.WithOnlySlow(true))
	ctx := context.Background()
	if _, err := c.Exec(ctx, "DO 1"); err != nil {
		t.Fatal(err)
	}
	wantAttrs(t, findOne(t, r.records(t), "query", "DO 1"), map[string]any{"level": "WARN", "slow": true})

	// A cancelled statement: its query record is an error, and the cancellation has its own.
	// It is cancelled once the server shows it running (seen from a second connection), so
	// that the KILL QUERY has a statement to kill.
	watcher, err := myx.Connect(ctx, mysqltest.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close(ctx)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watched := make(chan error, 1)
	go func() {
		defer cancel()
		for cctx.Err() == nil {
			var n int
			err := watcher.QueryRow(ctx, "SELECT COUNT(*) FROM information_schema.PROCESSLIST "+
				"WHERE ID = ? AND INFO = 'SELECT SLEEP(30)'", c.ConnID()).Scan(&n)
			if err != nil || n > 0 {
				watched <- err
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		watched <- nil
	}()
	_, err = c.Exec(cctx, "SELECT SLEEP(30)")
	cancel()
	if werr := <-watched; werr != nil {
		t.Fatal(werr)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Exec under a cancelled context: %v, want context.Canceled", err)
	}
	recs := r.records(t)
	wantAttrs(t, findOne(t, recs, "query", "SELECT SLEEP(30)"), map[string]any{"level": "ERROR"})
	wantAttrs(t, findOne(t, recs, "cancel", ""), map[string]any{"killed": true, "cause": "context canceled"})
}

func TestMariaDBPool(t *testing.T) {
	dsn := mysqltest.Require(t)
	ctx := context.Background()
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	logger := tracelog.New(slog.New(slog.NewJSONHandler(r, &slog.HandlerOptions{Level: slog.LevelDebug})))
	// One Logger in pool.Config.Tracer traces the pool and, ConnConfig.Tracer being unset,
	// its connections.
	p, err := pool.NewWithConfig(ctx, &pool.Config{ConnConfig: cfg, MaxConns: 1, Tracer: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Exec(ctx, "DO 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Exec(ctx, "DO 2"); err != nil {
		t.Fatal(err)
	}
	recs := r.records(t)
	acq := find(recs, "acquire", "")
	rel := find(recs, "release", "")
	if len(acq) != 2 || len(rel) != 2 {
		t.Fatalf("%d acquire and %d release records, want 2 each: %v", len(acq), len(rel), recs)
	}
	q1, q2 := findOne(t, recs, "query", "DO 1"), findOne(t, recs, "query", "DO 2")
	id := fmt.Sprint(q1["conn_id"])
	if id == "0" || fmt.Sprint(q2["conn_id"]) != id {
		t.Errorf("the queries ran on connections %v and %v, want the pool's one", q1["conn_id"], q2["conn_id"])
	}
	wantAttrs(t, acq[0], map[string]any{"level": "DEBUG", "conn_id": id})
	wantAttrs(t, acq[1], map[string]any{"opened": false, "conn_id": id})
	wantAttrs(t, rel[1], map[string]any{"level": "DEBUG", "conn_id": id})
	wantAttrs(t, findOne(t, recs, "connect", ""), map[string]any{"conn_id": id})
}

// BenchmarkMariaDBPointQuery: a point query untraced, with a Logger whose handler is disabled
// at every level, with one logging at Error only, and with one logging every statement as JSON.
func BenchmarkMariaDBPointQuery(b *testing.B) {
	dsn := mysqltest.Require(b)
	for _, bc := range []struct {
		name   string
		tracer func() any
	}{
		{"untraced", func() any { return nil }},
		{"disabled", func() any {
			return tracelog.New(slog.New(slog.NewJSONHandler(discard{}, &slog.HandlerOptions{Level: slog.LevelError + 1})))
		}},
		{"errorsOnly", func() any {
			return tracelog.New(slog.New(slog.NewJSONHandler(discard{}, &slog.HandlerOptions{Level: slog.LevelError})))
		}},
		{"json", func() any { return tracelog.New(slog.New(slog.NewJSONHandler(discard{}, nil))) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			cfg, err := myx.ParseConfig(dsn)
			if err != nil {
				b.Fatal(err)
			}
			cfg.Tracer = bc.tracer()
			c, err := myx.ConnectConfig(ctx, cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close(ctx)
			var n int
			b.ReportAllocs()
			for b.Loop() {
				if err := c.QueryRow(ctx, "SELECT ?", 1).Scan(&n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
