package compat_test

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// TestSessionPersistence checks that, with one connection in the pool, session state set by
// one call is seen by the next, as go-sql-driver keeps it: user variables, temporary tables,
// session transaction characteristics, FOREIGN_KEY_CHECKS, sql_mode, SET NAMES, USE, and
// that an open explicit transaction is not kept across a Tx's end.
func TestSessionPersistence(t *testing.T) {
	parent, child := table("parent"), table("child")
	tmp := table("tmp")
	dropAfter(t, child, parent)
	fresh := func(t *testing.T, admin *sql.DB) {
		mustExec(t, admin, "DROP TABLE IF EXISTS "+child, "DROP TABLE IF EXISTS "+parent,
			"CREATE TABLE "+parent+" (id INT PRIMARY KEY) ENGINE=InnoDB",
			"CREATE TABLE "+child+" (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES "+parent+" (id)) ENGINE=InnoDB")
	}
	cases := []dbCase{
		{name: "user variable", maxOpen: 1, check: expect(map[string]string{"SELECT @x": "int64(42)"}), run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "SET @x", db, "SET @x = 42")
			scalar(o, "SELECT @x", db, "SELECT @x")
			scalar(o, "SELECT @x with args", db, "SELECT @x + ?", 1)
			exec(o, "SET @y with args", db, "SET @y = ?", "s")
			scalar(o, "SELECT @y", db, "SELECT @y")
		}},
		{name: "user variable interpolated", params: "interpolateParams=true", maxOpen: 1, run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "SET @x", db, "SET @x = ?", 42)
			scalar(o, "SELECT @x", db, "SELECT @x")
		}},
		{name: "temporary table", maxOpen: 1, check: expect(map[string]string{"COUNT": "int64(2)"}), run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "CREATE TEMPORARY TABLE", db, "CREATE TEMPORARY TABLE "+tmp+" (id INT)")
			exec(o, "INSERT", db, "INSERT INTO "+tmp+" VALUES (1), (2)")
			scalar(o, "COUNT", db, "SELECT COUNT(*) FROM "+tmp)
			scalar(o, "COUNT with args", db, "SELECT COUNT(*) FROM "+tmp+" WHERE id > ?", 0)
			exec(o, "DROP", db, "DROP TEMPORARY TABLE "+tmp)
		}},
		{name: "SET SESSION TRANSACTION READ ONLY", maxOpen: 1, setup: fresh, run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "SET SESSION TRANSACTION READ ONLY", db, "SET SESSION TRANSACTION READ ONLY")
			sessionVars(o, db, "transaction_read_only")
			exec(o, "INSERT", db, "INSERT INTO "+parent+" VALUES (1)")
			exec(o, "SET SESSION TRANSACTION READ WRITE", db, "SET SESSION TRANSACTION READ WRITE")
			exec(o, "INSERT after", db, "INSERT INTO "+parent+" VALUES (2)")
		}},
		{name: "SET SESSION TRANSACTION ISOLATION LEVEL", maxOpen: 1, run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "SET", db, "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE")
			sessionVars(o, db, "transaction_isolation")
		}},
		{name: "FOREIGN_KEY_CHECKS", maxOpen: 1, setup: fresh, check: expect(map[string]string{"INSERT orphan unchecked": "no error"}), run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "INSERT orphan checked", db, "INSERT INTO "+child+" VALUES (1, 99)")
			exec(o, "SET FOREIGN_KEY_CHECKS=0", db, "SET FOREIGN_KEY_CHECKS = 0")
			sessionVars(o, db, "foreign_key_checks")
			exec(o, "INSERT orphan unchecked", db, "INSERT INTO "+child+" VALUES (2, 99)")
			exec(o, "INSERT orphan unchecked with args", db, "INSERT INTO "+child+" VALUES (?, ?)", 3, 99)
		}},
		{name: "sql_mode", maxOpen: 1, run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "SET sql_mode", db, "SET SESSION sql_mode = 'ANSI_QUOTES'")
			sessionVars(o, db, "sql_mode")
			scalar(o, "double quotes are identifiers", db, `SELECT "x" FROM (SELECT 1 AS x) AS t`)
		}},
		{name: "SET NAMES", maxOpen: 1, run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "SET NAMES latin1", db, "SET NAMES latin1")
			sessionVars(o, db, "character_set_client", "character_set_results")
		}},
		{name: "time_zone", maxOpen: 1, params: "parseTime=true", run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "SET time_zone", db, "SET time_zone = '+03:00'")
			scalar(o, "FROM_UNIXTIME(0)", db, "SELECT CAST(FROM_UNIXTIME(0) AS CHAR)")
		}},
		{name: "USE", maxOpen: 1, run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "USE information_schema", db, "USE information_schema")
			scalar(o, "DATABASE()", db, "SELECT DATABASE()")
		}},
		{name: "Conn keeps the session", run: func(t *testing.T, o *obs, db *sql.DB) {
			ctx := context.Background()
			c, err := db.Conn(ctx)
			o.Err("Conn", err)
			if err != nil {
				return
			}
			defer c.Close()
			exec(o, "SET @x", c, "SET @x = 7")
			scalar(o, "SELECT @x", c, "SELECT @x")
		}},
		{name: "transaction then session", maxOpen: 1, setup: fresh, run: func(t *testing.T, o *obs, db *sql.DB) {
			tx, err := db.Begin()
			o.Err("Begin", err)
			if err != nil {
				return
			}
			exec(o, "SET @t in tx", tx, "SET @t = 1")
			exec(o, "INSERT in tx", tx, "INSERT INTO "+parent+" VALUES (5)")
			o.Err("Rollback", tx.Rollback())
			scalar(o, "SELECT @t after rollback", db, "SELECT @t")
			scalar(o, "row after rollback", db, "SELECT COUNT(*) FROM "+parent)
			tx, err = db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
			o.Err("BeginTx read only", err)
			if err == nil {
				exec(o, "INSERT in read-only tx", tx, "INSERT INTO "+parent+" VALUES (6)")
				o.Err("Commit", tx.Commit())
			}
			exec(o, "INSERT after read-only tx", db, "INSERT INTO "+parent+" VALUES (7)")
			tx, err = db.BeginTx(context.Background(), &sql.TxOptions{Isolation: sql.LevelSerializable})
			o.Err("BeginTx serializable", err)
			if err == nil {
				o.Err("Commit", tx.Commit())
			}
			_, err = db.BeginTx(context.Background(), &sql.TxOptions{Isolation: sql.LevelSnapshot})
			o.Err("BeginTx snapshot", err)
		}},
	}
	runCases(t, "session", cases)
}

// TestCancellation checks the errors a program gets when a context ends: the context's error
// itself (err == context.Canceled), and a usable pool afterwards.
func TestCancellation(t *testing.T) {
	tb := table("cancel")
	dropAfter(t, tb)
	fresh := func(t *testing.T, admin *sql.DB) {
		mustExec(t, admin, "DROP TABLE IF EXISTS "+tb, "CREATE TABLE "+tb+" (id INT PRIMARY KEY)")
	}
	// canceledDuring returns a context canceled once the server has run the statement for a
	// while: the statement sleeps far longer than the delay, so the cancel always lands
	// during it (a slow machine only makes the sleep start later, not end sooner).
	canceledDuring := func() (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(300*time.Millisecond, cancel)
		return ctx, cancel
	}
	after := func(o *obs, db *sql.DB) {
		scalar(o, "SELECT 1 after", db, "SELECT 1")
		scalar(o, "SELECT 1 with args after", db, "SELECT ?", 1)
	}
	cases := []dbCase{
		{name: "canceled before Query", maxOpen: 1, run: func(t *testing.T, o *obs, db *sql.DB) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, err := db.QueryContext(ctx, "SELECT 1")
			o.Err("Query", err)
			after(o, db)
		}},
		{name: "canceled during Query", maxOpen: 1, check: expect(map[string]string{"QueryRow": "context.Canceled (identical)", "SELECT 1 after": "int64(1)"}), run: func(t *testing.T, o *obs, db *sql.DB) {
			db.Ping()
			ctx, cancel := canceledDuring()
			defer cancel()
			var v any
			err := db.QueryRowContext(ctx, "SELECT SLEEP(30)").Scan(&v)
			o.Err("QueryRow", err)
			after(o, db)
		}},
		{name: "canceled during Query with args", maxOpen: 1, run: func(t *testing.T, o *obs, db *sql.DB) {
			db.Ping()
			ctx, cancel := canceledDuring()
			defer cancel()
			var v any
			err := db.QueryRowContext(ctx, "SELECT SLEEP(?)", 30).Scan(&v)
			o.Err("QueryRow", err)
			after(o, db)
		}},
		{name: "canceled during Exec", maxOpen: 1, run: func(t *testing.T, o *obs, db *sql.DB) {
			db.Ping()
			ctx, cancel := canceledDuring()
			defer cancel()
			_, err := db.ExecContext(ctx, "DO SLEEP(30)")
			o.Err("Exec", err)
			after(o, db)
		}},
		{name: "deadline during Query", maxOpen: 1, run: func(t *testing.T, o *obs, db *sql.DB) {
			db.Ping()
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			var v any
			err := db.QueryRowContext(ctx, "SELECT SLEEP(30)").Scan(&v)
			o.Err("QueryRow", err)
			after(o, db)
		}},
		{name: "canceled in a transaction", maxOpen: 1, setup: fresh, run: func(t *testing.T, o *obs, db *sql.DB) {
			ctx, cancel := context.WithCancel(context.Background())
			tx, err := db.BeginTx(ctx, nil)
			o.Err("BeginTx", err)
			if err != nil {
				cancel()
				return
			}
			exec(o, "INSERT", tx, "INSERT INTO "+tb+" VALUES (1)")
			cancel()
			// database/sql rolls the transaction back from a goroutine of its own once the
			// context ends, so whether a statement sent now still runs is a race; Commit is
			// refused either way (sql.ErrTxDone or the context's error).
			err = tx.Commit()
			o.Add("Commit after cancel refused", "%v", err == sql.ErrTxDone || err == context.Canceled)
			// The one connection comes back only after the rollback.
			scalar(o, "rows", db, "SELECT COUNT(*) FROM "+tb)
		}},
		{name: "canceled Ping", run: func(t *testing.T, o *obs, db *sql.DB) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			o.Err("Ping", db.PingContext(ctx))
		}},
	}
	runCases(t, "cancel", cases)
}

// TestMultiStatements compares multi-statement Exec results and result sets.
func TestMultiStatements(t *testing.T) {
	tb := table("multi")
	dropAfter(t, tb)
	fresh := func(t *testing.T, admin *sql.DB) {
		mustExec(t, admin, "DROP TABLE IF EXISTS "+tb,
			"CREATE TABLE "+tb+" (id INT AUTO_INCREMENT PRIMARY KEY, v INT)",
			"INSERT INTO "+tb+" (v) VALUES (1), (2), (3)")
	}
	sets := func(o *obs, db *sql.DB, q string, args ...any) {
		rows, err := db.Query(q, args...)
		o.Err(q, err)
		if err != nil {
			return
		}
		defer rows.Close()
		for set := 0; ; set++ {
			recordRows(o, "set", rows)
			if !rows.NextResultSet() {
				o.Err("NextResultSet end", rows.Err())
				o.Add("sets", "%d", set+1)
				return
			}
		}
	}
	cases := []dbCase{
		{name: "Exec results", params: "multiStatements=true", setup: fresh, check: expect(map[string]string{"INSERT; UPDATE RowsAffected": "2"}), run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "INSERT; UPDATE", db, "INSERT INTO "+tb+" (v) VALUES (4), (5); UPDATE "+tb+" SET v = v + 10 WHERE v < 3")
			exec(o, "UPDATE; INSERT", db, "UPDATE "+tb+" SET v = 0; INSERT INTO "+tb+" (v) VALUES (6)")
			exec(o, "UPDATE; DELETE none", db, "UPDATE "+tb+" SET v = 1 WHERE id = 1; DELETE FROM "+tb+" WHERE id = 999")
			exec(o, "error in the second", db, "UPDATE "+tb+" SET v = 2 WHERE id = 1; INSERT INTO compat_no_such_table VALUES (1)")
			scalar(o, "after error", db, "SELECT v FROM "+tb+" WHERE id = 1")
			exec(o, "SET; SELECT", db, "SET @m = 1; SELECT @m")
			basic(o, db)
		}},
		{name: "result sets", params: "multiStatements=true", setup: fresh, run: func(t *testing.T, o *obs, db *sql.DB) {
			sets(o, db, "SELECT id FROM "+tb+" ORDER BY id; SELECT 'x' AS s, 2 AS n")
			sets(o, db, "UPDATE "+tb+" SET v = 9 WHERE id = 1; SELECT v FROM "+tb+" WHERE id = 1")
			sets(o, db, "SELECT 1; SELECT * FROM compat_no_such_table; SELECT 3")
			sets(o, db, "SELECT 1; SET @a = 1")
			basic(o, db)
		}},
		{name: "stored procedure", params: "multiStatements=true", setup: func(t *testing.T, admin *sql.DB) {
			fresh(t, admin)
			mustExec(t, admin, "DROP PROCEDURE IF EXISTS "+tb+"_p",
				"CREATE PROCEDURE "+tb+"_p() BEGIN SELECT 1 AS a; SELECT 2 AS b, 3 AS c; END")
			t.Cleanup(func() { admin.Exec("DROP PROCEDURE IF EXISTS " + tb + "_p") })
		}, run: func(t *testing.T, o *obs, db *sql.DB) {
			sets(o, db, "CALL "+tb+"_p()")
			exec(o, "CALL as Exec", db, "CALL "+tb+"_p()")
			basic(o, db)
		}},
		{name: "without multiStatements", setup: fresh, run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "two statements", db, "UPDATE "+tb+" SET v = 1; UPDATE "+tb+" SET v = 2")
			sets(o, db, "SELECT 1; SELECT 2")
			basic(o, db)
		}},
	}
	runCases(t, "multi", cases)
}
