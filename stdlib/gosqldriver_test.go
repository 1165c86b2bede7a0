package stdlib_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/stdlib"
)

// The database/sql face as go-sql-driver/mysql users know it: its DSN parameters and results.

func TestGoSQLDriverDSNParamsConnect(t *testing.T) {
	t.Parallel()
	// Every parameter go-sql-driver documents, with a value that applies; none may reach the
	// server as a session variable (error 1193).
	db := openDB(t, driverDSN(t, "readTimeout=30s&writeTimeout=30s&timeout=5s&allowAllFiles=false"+
		"&allowCleartextPasswords=false&allowFallbackToPlaintext=true&allowNativePasswords=true"+
		"&allowOldPasswords=false&checkConnLiveness=true&clientFoundRows=false&collation=utf8mb4_general_ci"+
		"&columnsWithAlias=false&interpolateParams=false&loc=UTC&timeTruncate=1us&multiStatements=false"+
		"&parseTime=true&rejectReadOnly=false&tls=false&connectionAttributes=app%3Acompat"+
		"&charset=utf8mb4,utf8&autocommit=1"))
	var v int
	if err := db.QueryRowContext(ctxT(t), "SELECT 1").Scan(&v); err != nil || v != 1 {
		t.Fatalf("%d, %v", v, err)
	}
	var attr sql.NullString
	err := db.QueryRowContext(ctxT(t), "SELECT ATTR_VALUE FROM performance_schema.session_connect_attrs"+
		" WHERE PROCESSLIST_ID = CONNECTION_ID() AND ATTR_NAME = 'app'").Scan(&attr)
	if err == nil && attr.String != "compat" {
		t.Errorf("connection attribute app = %v", attr)
	} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Logf("performance_schema not available: %v", err)
	}
	// A misspelt name fails at sql.Open time, before any connection.
	if _, err := sql.Open("myx", driverDSN(t, "readTimout=30s")); err == nil || !strings.Contains(err.Error(), "did you mean readTimeout") {
		t.Errorf("misspelt parameter: %v", err)
	}
}

func TestContextErrorItself(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := db.ExecContext(ctx, "DO SLEEP(10)")
	if err != context.DeadlineExceeded {
		t.Errorf("Exec: %v (%T), want context.DeadlineExceeded itself", err, err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if err := db.PingContext(ctx); err != context.Canceled {
		t.Errorf("Ping: %v, want context.Canceled itself", err)
	}
}

// TestRejectReadOnly: a write refused because the session is read only (error 1792 here;
// 1290 and 1836 alike) discards the connection with driver.ErrBadConn, and database/sql runs
// the statement again on a new connection, as with go-sql-driver on a failed-over Aurora
// writer.
func TestRejectReadOnly(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.ReadOnlyTransactions) // the read-only error (1792) is what is tested
	ctx := ctxT(t)
	for _, reject := range []bool{false, true} {
		params := ""
		if reject {
			params = "rejectReadOnly=true"
		}
		db := openDB(t, urlDSN(t, params))
		db.SetMaxOpenConns(1)
		tbl := newTable(t, db, "id INT PRIMARY KEY")
		var id1, id2 int64
		if err := db.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id1); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "SET SESSION TRANSACTION READ ONLY"); err != nil {
			t.Fatal(err)
		}
		_, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1)")
		if err := db.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id2); err != nil {
			t.Fatal(err)
		}
		if !reject {
			var me *myx.MySQLError
			if !errors.As(err, &me) || me.Number != 1792 || errors.Is(err, driver.ErrBadConn) {
				t.Errorf("without rejectReadOnly: %v", err)
			}
			if id2 != id1 {
				t.Error("without rejectReadOnly the connection was replaced")
			}
			continue
		}
		if err != nil {
			t.Errorf("with rejectReadOnly the insert was not retried on a new connection: %v", err)
		}
		if id2 == id1 || count(t, db, tbl) != 1 {
			t.Errorf("connection %d then %d, %d rows", id1, id2, count(t, db, tbl))
		}
		// Inside a transaction database/sql cannot retry: the error is driver.ErrBadConn.
		tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (2)")
		if err != driver.ErrBadConn {
			t.Errorf("in a read-only transaction: %v, want driver.ErrBadConn itself", err)
		}
		if err := tx.Rollback(); !errors.Is(err, myx.ErrConnClosed) {
			t.Errorf("Rollback on the discarded connection: %v, want myx.ErrConnClosed", err)
		}
		if err := db.PingContext(ctx); err != nil {
			t.Errorf("the pool does not recover: %v", err)
		}
	}
}

func TestRejectReadOnlyNative(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.ReadOnlyTransactions) // the read-only error (1792) is what is tested
	cfg := testConfig(t)
	cfg.RejectReadOnly = true
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	ctx := ctxT(t)
	tbl := newTable(t, openDB(t), "a INT")
	if _, err := c.Exec(ctx, "START TRANSACTION READ ONLY"); err != nil {
		t.Fatal(err)
	}
	_, err = c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (1)")
	if !myx.IsReadOnlyError(err) {
		t.Fatalf("got %v, want a read-only refusal", err)
	}
	if !c.IsClosed() {
		t.Error("connection kept after a read-only refusal")
	}
}

func TestColumnsWithAlias(t *testing.T) {
	t.Parallel()
	for _, alias := range []bool{false, true} {
		params := ""
		if alias {
			params = "columnsWithAlias=true"
		}
		db := openDB(t, urlDSN(t, params))
		tbl := newTable(t, db, "id INT, name VARCHAR(10)")
		rows, err := db.QueryContext(ctxT(t), "SELECT u.id, u.name AS n, 1 + 1 AS two, "+tbl+".id FROM "+tbl+" AS u JOIN "+tbl+" ON true")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		rows.Close()
		want := "id,n,two,id"
		if alias {
			want = "u.id,u.n,two," + tbl + ".id"
		}
		if strings.Join(cols, ",") != want {
			t.Errorf("columnsWithAlias=%v: %v, want %s", alias, cols, want)
		}
	}
}

func TestClientFoundRows(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	for _, found := range []bool{false, true} {
		params := ""
		if found {
			params = "clientFoundRows=true"
		}
		db := openDB(t, urlDSN(t, params))
		tbl := newTable(t, db, "id INT PRIMARY KEY, v INT")
		if _, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1, 5), (2, 5), (3, 6)"); err != nil {
			t.Fatal(err)
		}
		want := int64(1) // only row 3 changes
		if found {
			want = 3 // all three match
		}
		res, err := db.ExecContext(ctx, "UPDATE "+tbl+" SET v = 5")
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != want {
			t.Errorf("clientFoundRows=%v, database/sql: %d rows affected, want %d", found, n, want)
		}
		// The native API, same setting.
		cfg := testConfig(t)
		cfg.ClientFoundRows = found
		c, err := myx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		r, err := c.Exec(ctx, "UPDATE "+tbl+" SET v = ? WHERE id <= 2", 5)
		c.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want = 0
		if found {
			want = 2
		}
		if int64(r.RowsAffected) != want {
			t.Errorf("clientFoundRows=%v, native: %d rows affected, want %d", found, r.RowsAffected, want)
		}
	}
}

// TestMultiStatementResult: Exec of several statements reports the last one's rows affected
// and insert id, and all of them through stdlib.Result, as go-sql-driver's mysql.Result.
func TestMultiStatementResult(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	db := openDB(t, urlDSN(t, "multiStatements=true"))
	tbl := newTable(t, db, "id INT AUTO_INCREMENT PRIMARY KEY, v INT")
	q := "INSERT INTO " + tbl + " (v) VALUES (1), (2), (3); UPDATE " + tbl + " SET v = 9 WHERE id = 1; " +
		"SELECT 1; INSERT INTO " + tbl + " (v) VALUES (4); DELETE FROM " + tbl + " WHERE v = 2"
	res, err := db.ExecContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := res.RowsAffected()
	id, _ := res.LastInsertId()
	if n != 1 || id != 0 {
		t.Errorf("RowsAffected %d, LastInsertId %d; want the last statement's, 1 and 0", n, id)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var all, ids []int64
	err = conn.Raw(func(dc any) error {
		r, err := dc.(driver.ExecerContext).ExecContext(ctx, q, nil)
		if err != nil {
			return err
		}
		all, ids = r.(stdlib.Result).AllRowsAffected(), r.(stdlib.Result).AllLastInsertIds()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The second run: ids 5 to 7, row 1 already has v = 9, then id 8.
	if got := fmt.Sprint(all); got != "[3 0 0 1 1]" {
		t.Errorf("AllRowsAffected %s", got)
	}
	if got := fmt.Sprint(ids); got != "[5 0 0 8 0]" {
		t.Errorf("AllLastInsertIds %s", got)
	}
	// A single statement: one entry.
	res, err = db.ExecContext(ctx, "INSERT INTO "+tbl+" (v) VALUES (5)")
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := res.(interface{ AllRowsAffected() []int64 }); ok {
		t.Errorf("database/sql's Result exposes the driver's: %v", r)
	}
	if id, _ := res.LastInsertId(); id != 9 {
		t.Errorf("LastInsertId %d, want 9", id)
	}
}

func TestCharsetFallback(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	for _, tc := range []struct{ charsets, want string }{
		{"utf8mb4,utf8", "utf8mb4"},
		{"klingon,latin1,utf8mb4", "latin1"},
		{"latin1", "latin1"},
	} {
		db := openDB(t, driverDSN(t, "charset="+tc.charsets))
		var cs string
		if err := db.QueryRowContext(ctx, "SELECT @@character_set_client").Scan(&cs); err != nil {
			t.Fatalf("charset=%s: %v", tc.charsets, err)
		}
		if cs != tc.want {
			t.Errorf("charset=%s: character_set_client %s, want %s", tc.charsets, cs, tc.want)
		}
	}
	db := openDB(t, driverDSN(t, "charset=klingon,vulcan"))
	err := db.PingContext(ctx)
	if err == nil || !strings.Contains(err.Error(), "knows none of the character sets klingon, vulcan") {
		t.Errorf("no known charset: %v", err)
	}
}

func TestReadTimeoutThroughDatabaseSQL(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	if cfg.Network != "tcp" {
		t.Skip("needs a TCP server")
	}
	proxy, err := mysqltest.NewProxy(cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	dsn, err := proxy.DSN(driverDSN(t, "readTimeout=300ms"))
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t, dsn)
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	proxy.BlackHole(true)
	defer proxy.BlackHole(false)
	_, err = db.ExecContext(ctxT(t), "DO 1")
	var te *myx.TimeoutError
	if !errors.As(err, &te) || te.Op != "read" {
		t.Fatalf("got %v, want a read timeout", err)
	}
}
