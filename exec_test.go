package myx_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

func TestExecResultAndPreparedCache(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.StatementCounters)
	c := connect(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20)")
	for i := range 3 {
		res, err := c.Exec(ctx, "INSERT INTO "+tbl+" (name) VALUES (?)", fmt.Sprint("n", i))
		if err != nil {
			t.Fatal(err)
		}
		if res.RowsAffected != 1 || res.LastInsertID != uint64(i+1) {
			t.Fatalf("insert %d: %+v", i, res)
		}
	}
	res, err := c.Exec(ctx, "UPDATE "+tbl+" SET name = ? WHERE id >= ?", "x", 2)
	if err != nil || res.RowsAffected != 2 {
		t.Fatalf("update: %+v %v", res, err)
	}
	// The repeated INSERT was prepared once: the server counts one prepare.
	var prepares int
	if err := c.QueryRow(ctx, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'").Scan(&prepares); err != nil {
		t.Fatal(err)
	}
	if prepares != 3 { // the INSERT, the UPDATE, and this SELECT (rows always come back binary)
		t.Errorf("server saw %d prepares, want 3", prepares)
	}
}

func TestStatementCacheEviction(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.StatementCounters)
	c := connect(t, func(cfg *myx.Config) { cfg.StatementCacheSize = 2 })
	ctx := ctxT(t)
	for i := range 10 {
		var n int
		q := fmt.Sprintf("SELECT ? + %d", i%5)
		if err := c.QueryRow(ctx, q, 1).Scan(&n); err != nil || n != 1+i%5 {
			t.Fatalf("%s: %d %v", q, n, err)
		}
	}
	// At most the cache size plus the statement in flight remain open on the server.
	var open int
	if err := c.QueryRow(ctx, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_STMT_CLOSE'").Scan(&open); err != nil {
		t.Fatal(err)
	}
	if open < 7 {
		t.Errorf("only %d statements closed; evictions do not close statements", open)
	}
}

func TestNoStatementCache(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.StatementCounters)
	c := connect(t, func(cfg *myx.Config) { cfg.StatementCacheSize = -1 })
	ctx := ctxT(t)
	for i := range 5 {
		var n int
		if err := c.QueryRow(ctx, "SELECT ?", i).Scan(&n); err != nil || n != i {
			t.Fatal(err)
		}
	}
	var closes int
	if err := c.QueryRow(ctx, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_STMT_CLOSE'").Scan(&closes); err != nil {
		t.Fatal(err)
	}
	if closes < 4 {
		t.Errorf("%d closes, want every statement closed after use", closes)
	}
}

func TestQueryRangeJoinAndStructs(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	users := newTable(t, c, "id INT PRIMARY KEY, username VARCHAR(20), created DATE")
	jobs := newTable(t, c, "id INT PRIMARY KEY, user_id INT, jobs VARCHAR(20)")
	for i := 1; i <= 10; i++ {
		if _, err := c.Exec(ctx, "INSERT INTO "+users+" VALUES (?, ?, ?)", i, fmt.Sprint("user", i), time.Date(2024, 1, i, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, "INSERT INTO "+jobs+" VALUES (?, ?, ?)", i, i, fmt.Sprint("job", i)); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := c.Query(ctx, "SELECT id, username FROM "+users+" WHERE id BETWEEN ? AND ? ORDER BY id", 3, 5)
	if err != nil {
		t.Fatal(err)
	}
	type user struct {
		ID       int
		Username string
	}
	got, err := myx.CollectRows(rows, myx.RowToStructByName[user])
	if err != nil || len(got) != 3 || got[0] != (user{3, "user3"}) || got[2].ID != 5 {
		t.Fatalf("range: %+v %v", got, err)
	}
	rows, err = c.Query(ctx, "SELECT created FROM "+users+" WHERE created >= ? AND created < ? ORDER BY id",
		time.Date(2024, 1, 8, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	dates, err := myx.CollectRows(rows, myx.RowTo[time.Time])
	if err != nil || len(dates) != 3 || dates[0].Day() != 8 {
		t.Fatalf("date range: %v %v", dates, err)
	}
	rows, err = c.Query(ctx, "SELECT u.id AS user_id, u.username, j.id AS job_id, j.jobs FROM "+users+" u JOIN "+jobs+
		" j ON j.user_id = u.id WHERE u.username = ?", "user7")
	if err != nil {
		t.Fatal(err)
	}
	m, err := myx.CollectOneRow(rows, myx.RowToMap)
	if err != nil {
		t.Fatal(err)
	}
	if m["user_id"] != int64(7) || m["username"] != "user7" || m["job_id"] != int64(7) || m["jobs"] != "job7" {
		t.Errorf("join map: %v", m)
	}
	// Struct mapping failures name the column.
	rows, _ = c.Query(ctx, "SELECT id, username, created FROM "+users)
	_, err = myx.CollectRows(rows, myx.RowToStructByName[user])
	if err == nil || !strings.Contains(err.Error(), "created") {
		t.Errorf("unmatched column: %v", err)
	}
	rows, _ = c.Query(ctx, "SELECT id FROM "+users+" WHERE id = 0")
	if _, err := myx.CollectOneRow(rows, myx.RowTo[int]); !errors.Is(err, myx.ErrNoRows) {
		t.Errorf("no rows: %v", err)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT id FROM "+users+" WHERE id = ?", 999).Scan(&n); !errors.Is(err, myx.ErrNoRows) {
		t.Errorf("QueryRow no rows: %v", err)
	}
}

func TestSQLInjectionAttemptFindsNothing(t *testing.T) {
	t.Parallel()
	modes(t, func(t *testing.T, c *myx.Conn, _ bool) {
		ctx := ctxT(t)
		tbl := newTable(t, c, "id INT PRIMARY KEY, username VARCHAR(40)")
		if _, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (1, 'yang'), (2, 'li')"); err != nil {
			t.Fatal(err)
		}
		for _, attack := range []string{"' OR '1'='1", "yang' -- ", `\' OR 1=1 -- `, "x'; DROP TABLE " + tbl + "; -- ", "\x00' OR 1=1#"} {
			rows, err := c.Query(ctx, "SELECT id FROM "+tbl+" WHERE username = ?", attack)
			if err != nil {
				t.Fatal(err)
			}
			ids, err := myx.CollectRows(rows, myx.RowTo[int])
			if err != nil || len(ids) != 0 {
				t.Errorf("attack %q found %v (%v)", attack, ids, err)
			}
		}
		var n int
		if err := c.QueryRow(ctx, "SELECT COUNT(*) FROM "+tbl).Scan(&n); err != nil || n != 2 {
			t.Errorf("table damaged: %d %v", n, err)
		}
	})
}

func TestInterpolationHonoursNoBackslashEscapes(t *testing.T) {
	t.Parallel()
	c := connect(t, func(cfg *myx.Config) {
		cfg.InterpolateParams = true
		cfg.SessionVars = append(cfg.SessionVars, [2]string{"sql_mode", "'NO_BACKSLASH_ESCAPES'"})
	})
	ctx := ctxT(t)
	for _, s := range []string{`a\'b`, `\`, `it's`, "new\nline", `\' OR 1=1 -- `} {
		var got string
		if err := c.QueryRow(ctx, "SELECT ?", s).Scan(&got); err != nil || got != s {
			t.Errorf("round trip %q: got %q, %v", s, got, err)
		}
	}
	// Placeholders inside literals and comments are not placeholders.
	var a, b string
	if err := c.QueryRow(ctx, "SELECT '?', ? /* ? */ -- ?\n", "x").Scan(&a, &b); err != nil || a != "?" || b != "x" {
		t.Errorf("got %q %q %v", a, b, err)
	}
}

func TestMultipleResultSets(t *testing.T) {
	t.Parallel()
	c := connect(t, func(cfg *myx.Config) { cfg.MultiStatements = true })
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT")
	rows, err := c.Query(ctx, "SELECT 1 AS a; INSERT INTO "+tbl+" VALUES (1),(2); SELECT 'x' AS b, 'y' AS c")
	if err != nil {
		t.Fatal(err)
	}
	var sets [][]string
	for {
		var set []string
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			set = append(set, fmt.Sprint(vals...))
		}
		sets = append(sets, set)
		if !rows.NextResultSet() {
			break
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sets) != "[[1] [] [xy]]" {
		t.Errorf("result sets %v", sets)
	}
	if rows.Result().RowsAffected != 2 {
		t.Errorf("Result %+v", rows.Result())
	}
	// Exec reads every result.
	res, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (3); SELECT 1; INSERT INTO "+tbl+" VALUES (4),(5)")
	if err != nil || res.RowsAffected != 3 {
		t.Fatalf("multi exec: %+v %v", res, err)
	}
	// An error in a later statement is reported and the connection stays usable.
	_, err = c.Exec(ctx, "DO 1; SELECT * FROM no_such_table_myx; DO 2")
	var me *myx.MySQLError
	if !errors.As(err, &me) {
		t.Fatalf("got %v", err)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT COUNT(*) FROM "+tbl).Scan(&n); err != nil || n != 5 {
		t.Fatalf("count %d %v", n, err)
	}
}

func TestStoredProcedureResults(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.StoredProcedures)
	c := connect(t)
	ctx := ctxT(t)
	name := uniqueName(t)
	if _, err := c.Exec(ctx, "CREATE PROCEDURE "+name+"(IN x INT) BEGIN SELECT x; SELECT x * 2; END"); err != nil {
		t.Fatal(err)
	}
	defer c.Exec(context.Background(), "DROP PROCEDURE "+name)
	rows, err := c.Query(ctx, "CALL "+name+"(?)", 21)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for {
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if !rows.NextResultSet() {
			break
		}
	}
	if rows.Err() != nil || fmt.Sprint(got) != "[21 42]" {
		t.Fatalf("got %v %v", got, rows.Err())
	}
	if _, err := c.Exec(ctx, "DO 1"); err != nil {
		t.Fatal(err)
	}
}

func TestEarlyCloseLeavesConnectionUsable(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	skipUnless(t, mysqltest.SequenceEngine)
	rows, err := c.Query(ctx, "SELECT seq, REPEAT('x', 100) FROM seq_1_to_200000")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3 && rows.Next(); i++ {
	}
	start := time.Now()
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("closing with ~200k rows unread took %v", time.Since(start))
	var n int
	if err := c.QueryRow(ctx, "SELECT 9").Scan(&n); err != nil || n != 9 {
		t.Fatalf("after early close: %d %v", n, err)
	}
}
