package stdlib_test

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/stdlib"
)

func TestOpenBothDSNForms(t *testing.T) {
	t.Parallel()
	forms := map[string]string{
		"url":           urlDSN(t, "loc=UTC"),
		"go-sql-driver": driverDSN(t, "parseTime=true&loc=UTC&charset=utf8mb4"),
	}
	for name, dsn := range forms {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := openDB(t, dsn)
			var one int
			var schema string
			if err := db.QueryRowContext(ctxT(t), "SELECT 1, DATABASE()").Scan(&one, &schema); err != nil {
				t.Fatal(err)
			}
			if one != 1 || schema != testConfig(t).Database {
				t.Errorf("got %d %q", one, schema)
			}
			if _, ok := db.Driver().(stdlib.Driver); !ok {
				t.Errorf("driver is %T", db.Driver())
			}
		})
	}
	t.Run("OpenDB", func(t *testing.T) {
		t.Parallel()
		db := stdlib.OpenDB(testConfig(t))
		defer db.Close()
		if err := db.PingContext(ctxT(t)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("bad DSN", func(t *testing.T) {
		t.Parallel()
		_, err := sql.Open("myx", "app:s3cretpw@tcp(127.0.0.1:3306)/db?tls=bogus")
		if err == nil {
			t.Fatal("sql.Open accepted an invalid DSN")
		}
		var ce *myx.ConfigError
		if !errors.As(err, &ce) || strings.Contains(err.Error(), "s3cretpw") {
			t.Errorf("error %T %q: want a *myx.ConfigError without the password", err, err)
		}
	})
}

func TestExecQueryArgs(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := ctxT(t)
	tbl := newTable(t, db, "id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, score DOUBLE")
	res, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" (name, score) VALUES (?, ?), (?, ?), (?, ?)", "a", 1.5, "b", 2.5, "c", nil)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := res.LastInsertId(); err != nil || id != 1 {
		t.Errorf("LastInsertId = %d, %v", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 3 {
		t.Errorf("RowsAffected = %d, %v", n, err)
	}

	rows, err := db.QueryContext(ctx, "SELECT id, name, score FROM "+tbl+" WHERE score > ? ORDER BY id", 1.0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var id int
		var name string
		var score float64
		if err := rows.Scan(&id, &name, &score); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s %g", id, name, score))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if strings.Join(got, ",") != "1 a 1.5,2 b 2.5" {
		t.Errorf("rows: %v", got)
	}

	var name string
	if err := db.QueryRowContext(ctx, "SELECT name FROM "+tbl+" WHERE id = ?", 2).Scan(&name); err != nil || name != "b" {
		t.Errorf("QueryRow: %q, %v", name, err)
	}
	if err := db.QueryRowContext(ctx, "SELECT name FROM "+tbl+" WHERE id = ?", 99).Scan(&name); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("no row: %v", err)
	}
	// Without arguments too (a cached prepared statement, no round trip for a prepare).
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+tbl).Scan(&name); err != nil || name != "3" {
		t.Errorf("count: %q, %v", name, err)
	}

	res, err = db.ExecContext(ctx, "UPDATE "+tbl+" SET score = score + 1 WHERE score IS NOT NULL")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 2 {
		t.Errorf("UPDATE affected %d rows", n)
	}

	// A server error is a *myx.MySQLError, not a bad connection.
	_, err = db.ExecContext(ctx, "INSERT INTO "+tbl+" (id, name) VALUES (?, ?)", 1, "dup")
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != myx.ErDupEntry || errors.Is(err, driver.ErrBadConn) {
		t.Errorf("duplicate key: %T %v", err, err)
	}
	if _, err := db.ExecContext(ctx, "SELECT * FROM no_such_table_here"); !errors.Is(err, &myx.MySQLError{Number: myx.ErNoSuchTable}) {
		t.Errorf("missing table: %v", err)
	}
}

func TestArguments(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := ctxT(t)
	type label string
	n := 7
	var nilInt *int
	cases := []struct {
		query string
		arg   any
		want  string
	}{
		{"SELECT CAST(? AS CHAR)", uint64(math.MaxUint64), "18446744073709551615"},
		{"SELECT CAST(? AS CHAR)", int8(-3), "-3"},
		// Arguments go as go-sql-driver sends them: a Duration is its nanoseconds, a float32 a
		// DOUBLE, a []byte text (so a JSON column takes it), a time.Time text.
		{"SELECT CAST(? AS CHAR)", 90*time.Minute + 5*time.Second, "5405000000000"},
		{"SELECT CAST(? AS CHAR)", float32(0.1), "0.10000000149011612"},
		{"SELECT JSON_EXTRACT(?, '$.a')", []byte(`{"a": [1, 2]}`), "[1, 2]"},
		{"SELECT CONCAT(?)", time.Time{}, "0000-00-00"},
		{"SELECT CONCAT(?)", time.Date(2012, 6, 14, 0, 0, 0, 0, time.UTC), "2012-06-14"},
		{"SELECT CONCAT(?)", time.Date(2011, 11, 20, 21, 27, 37, 123456789, time.UTC), "2011-11-20 21:27:37.123456789"},
		{"SELECT CONCAT(?)", time.Date(2011, 11, 20, 21, 27, 37, 500000000, time.UTC), "2011-11-20 21:27:37.5"},
		{"SELECT JSON_EXTRACT(?, '$.a')", json.RawMessage(`{"a": [1, 2]}`), "[1, 2]"},
		{"SELECT CONCAT(?, '!')", label("named"), "named!"},
		{"SELECT ? + 1", &n, "8"},
		{"SELECT COALESCE(?, 'null')", nilInt, "null"},
		{"SELECT COALESCE(?, 'null')", sql.NullString{}, "null"},
		{"SELECT COALESCE(?, 'null')", sql.NullString{String: "v", Valid: true}, "v"},
		{"SELECT HEX(?)", []byte{0, 0xab}, "00AB"},
		{"SELECT CAST(? AS CHAR)", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "2024-01-02 03:04:05"},
		{"SELECT ? IS TRUE", true, "1"},
	}
	for _, c := range cases {
		var got string
		if err := db.QueryRowContext(ctx, c.query, c.arg).Scan(&got); err != nil {
			t.Errorf("%s with %T: %v", c.query, c.arg, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s with %T: got %q, want %q", c.query, c.arg, got, c.want)
		}
	}

	_, err := db.ExecContext(ctx, "SELECT ?", sql.Named("a", 1))
	if err == nil || !strings.Contains(err.Error(), "named arguments are not supported") {
		t.Errorf("sql.Named: %v", err)
	}
	_, err = db.ExecContext(ctx, "SELECT ?", struct{ A int }{1})
	if err == nil {
		t.Error("a struct argument was accepted")
	}
	var ae *myx.ArgError
	_, err = db.ExecContext(ctx, "SELECT ?, ?", 1, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
	if !errors.As(err, &ae) || ae.Index != 1 || !strings.Contains(err.Error(), "outside the DATETIME range") {
		t.Errorf("a time after year 9999: %v, want an *myx.ArgError for argument 1", err)
	}
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(new(int)); err != nil {
		t.Errorf("after a refused argument: %v", err)
	}
}

// TestInterpolatedArguments checks that with interpolateParams the literals are go-sql-driver's:
// a float in its shortest plain form is a DECIMAL literal (one with an exponent a DOUBLE), a
// Duration its nanoseconds, a time.Time the same text as in prepared statements.
func TestInterpolatedArguments(t *testing.T) {
	t.Parallel()
	db := openDB(t, urlDSN(t, "interpolateParams=true"))
	ctx := ctxT(t)
	cases := []struct {
		arg      any
		want     any
		typeName string
	}{
		{0.1, []byte("0.1"), "DECIMAL"},
		{float32(1.5), []byte("1.5"), "DECIMAL"},
		{1e21, 1e21, "DOUBLE"},
		{90 * time.Second, int64(90000000000), "BIGINT"},
		{time.Time{}, []byte("0000-00-00"), "VARCHAR"},
		{time.Date(2011, 11, 20, 21, 27, 37, 123456789, time.UTC), []byte("2011-11-20 21:27:37.123456789"), "VARCHAR"},
	}
	for _, c := range cases {
		rows, err := db.QueryContext(ctx, "SELECT ?", c.arg)
		if err != nil {
			t.Fatalf("%T %v: %v", c.arg, c.arg, err)
		}
		cts, err := rows.ColumnTypes()
		if err != nil {
			t.Fatal(err)
		}
		var got any
		if !rows.Next() {
			t.Fatalf("%T %v: no row: %v", c.arg, c.arg, rows.Err())
		}
		if err := rows.Scan(&got); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if !reflect.DeepEqual(got, c.want) || cts[0].DatabaseTypeName() != c.typeName {
			t.Errorf("SELECT ? with %T %v: %T %v (%s), want %T %v (%s)", c.arg, c.arg, got, got,
				cts[0].DatabaseTypeName(), c.want, c.want, c.typeName)
		}
	}
	if _, err := db.ExecContext(ctx, "SELECT ?", math.Inf(1)); err == nil {
		t.Error("an infinite float was interpolated")
	}
}

func TestCheckNamedValue(t *testing.T) {
	t.Parallel()
	var c stdlib.DriverConn
	ok := []any{nil, 1, int8(1), uint64(math.MaxUint64), float32(1), "s", []byte("b"), json.RawMessage("{}"),
		time.Now(), time.Second, sql.NullInt64{}, &myx.LocalFile{}, new(int), true}
	for _, v := range ok {
		if err := c.CheckNamedValue(&driver.NamedValue{Ordinal: 1, Value: v}); err != nil {
			t.Errorf("%T: %v", v, err)
		}
	}
	if err := c.CheckNamedValue(&driver.NamedValue{Ordinal: 1, Value: struct{}{}}); err != driver.ErrSkip {
		t.Errorf("struct: %v, want driver.ErrSkip", err)
	}
	if err := c.CheckNamedValue(&driver.NamedValue{Name: "x", Ordinal: 1, Value: 1}); err == nil {
		t.Error("named value accepted")
	}
}

// isolationOf reports the isolation level of the transaction open on tx's connection.
func isolationOf(t *testing.T, tx *sql.Tx, tbl string) string {
	t.Helper()
	ctx := ctxT(t)
	// A write makes the transaction visible in INNODB_TRX.
	if _, err := tx.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1000)"); err != nil {
		t.Fatal(err)
	}
	// INNODB_TRX is a snapshot that InnoDB refreshes at most every 100ms.
	time.Sleep(150 * time.Millisecond)
	var level string
	err := tx.QueryRowContext(ctx, "SELECT trx_isolation_level FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()").Scan(&level)
	if err != nil {
		t.Fatal(err)
	}
	return level
}

func TestTransactions(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.AllIsolationLevels, mysqltest.ReadOnlyTransactions)
	db := openDB(t)
	db.SetMaxOpenConns(1)
	ctx := ctxT(t)
	tbl := newTable(t, db, "id INT PRIMARY KEY")

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (?)", 1); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (?)", 2); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, tbl); n != 1 {
		t.Errorf("after commit and rollback: %d rows, want 1", n)
	}

	levels := []struct {
		level sql.IsolationLevel
		want  string
	}{
		{sql.LevelReadUncommitted, "READ UNCOMMITTED"},
		{sql.LevelReadCommitted, "READ COMMITTED"},
		{sql.LevelRepeatableRead, "REPEATABLE READ"},
		{sql.LevelSerializable, "SERIALIZABLE"},
		{sql.LevelDefault, "REPEATABLE READ"}, // the level applies to one transaction only
	}
	for _, l := range levels {
		tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: l.level})
		if err != nil {
			t.Fatalf("%s: %v", l.level, err)
		}
		if got := isolationOf(t, tx, tbl); got != l.want {
			t.Errorf("%s: transaction runs at %q", l.level, got)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
	}

	// Read only: reads work, writes fail with the server's error.
	tx, err = db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelReadCommitted})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+tbl).Scan(&n); err != nil || n != 1 {
		t.Errorf("read in a read-only transaction: %d, %v", n, err)
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (3)")
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != 1792 {
		t.Errorf("write in a read-only transaction: %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}

	for _, level := range []sql.IsolationLevel{sql.LevelSnapshot, sql.LevelLinearizable, sql.LevelWriteCommitted} {
		_, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: level})
		if err == nil || !strings.Contains(err.Error(), "not supported") {
			t.Errorf("%s: %v", level, err)
		}
	}

	// A transaction whose context ends is rolled back by database/sql, and the connection is
	// reused.
	tctx, cancel := context.WithCancel(ctx)
	tx, err = db.BeginTx(tctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(tctx, "INSERT INTO "+tbl+" VALUES (4)"); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := tx.Commit(); err == nil {
		t.Error("Commit after the context ended succeeded")
	}
	if n := count(t, db, tbl); n != 1 {
		t.Errorf("after a cancelled transaction: %d rows, want 1", n)
	}
}

func TestPreparedConcurrent(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	db.SetMaxOpenConns(4)
	ctx := ctxT(t)
	tbl := newTable(t, db, "g INT NOT NULL, i INT NOT NULL")
	ins, err := db.PrepareContext(ctx, "INSERT INTO "+tbl+" (g, i) VALUES (?, ?)")
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()
	sel, err := db.PrepareContext(ctx, "SELECT COUNT(*), MAX(i) FROM "+tbl+" WHERE g = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer sel.Close()

	const goroutines, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := ins.ExecContext(ctx, g, i); err != nil {
					errs <- err
					return
				}
				if i%5 == 0 {
					// A session change: the connection is reset before its next use, and the
					// statements prepared on it are prepared again.
					if _, err := db.ExecContext(ctx, "SET @last = ?", i); err != nil {
						errs <- err
						return
					}
				}
				var n, max int
				if err := sel.QueryRowContext(ctx, g).Scan(&n, &max); err != nil {
					errs <- err
					return
				}
				if n != i+1 || max != i {
					errs <- fmt.Errorf("goroutine %d after insert %d: count %d, max %d", g, i, n, max)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := count(t, db, tbl); n != goroutines*each {
		t.Errorf("%d rows, want %d", n, goroutines*each)
	}
	if got := sel.Close(); got != nil {
		t.Error(got)
	}
}

func TestPreparedAfterRawReset(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := ctxT(t)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	st, err := conn.PrepareContext(ctx, "SELECT ? + 1")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// The session reset drops the server's statement; the driver prepares it again.
	if err := stdlib.Conn(conn, func(c *myx.Conn) error { return c.ResetSession(ctx) }); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := st.QueryRowContext(ctx, 41).Scan(&v); err != nil || v != 42 {
		t.Errorf("after a reset: %d, %v", v, err)
	}
	if err := stdlib.Conn(conn, func(c *myx.Conn) error { return c.ResetSession(ctx) }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ExecContext(ctx, 1); err != nil {
		t.Errorf("Exec after a reset: %v", err)
	}
}

func TestColumnTypesRoundTrip(t *testing.T) {
	t.Parallel()
	variants := map[string]string{
		// parseTime=true, as GORM and most go-sql-driver users have it (the decoding table's
		// tests in package myx cover both settings).
		"binary":       "parseTime=true",                        // prepared statements for every query
		"text":         "parseTime=true&statement_cache_size=0", // text protocol for queries without arguments
		"interpolated": "parseTime=true&interpolateParams=true", // text protocol with arguments
	}
	for name, params := range variants {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testRoundTrip(t, openDB(t, urlDSN(t, params)))
		})
	}
}

func testRoundTrip(t *testing.T, db *sql.DB) {
	ctx := ctxT(t)
	tbl := newTable(t, db, `ti TINYINT, su SMALLINT UNSIGNED, i INT, bi BIGINT, bu BIGINT UNSIGNED,
		f FLOAT, d DOUBLE, dc DECIMAL(12,4), dt DATETIME(6), ts TIMESTAMP(3) NULL, da DATE, tm TIME(6),
		yr YEAR, vc VARCHAR(50), ch CHAR(5), tx TEXT, bl BLOB, vb VARBINARY(16), en ENUM('a','b'),
		st SET('x','y'), js JSON, bt BIT(8), bo BOOLEAN`)
	dt := time.Date(2024, 2, 29, 23, 59, 58, 123456000, time.UTC)
	ts := time.Date(2023, 7, 1, 12, 0, 0, 5000000, time.UTC)
	da := time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)
	tm := "30:05:01.25" // a time.Duration is sent as its nanoseconds, as by go-sql-driver
	long := strings.Repeat("wörd ", 100)
	_, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		int8(-7), uint16(65000), int32(-123456), int64(math.MinInt64+1), uint64(math.MaxUint64),
		float32(1.25), 3.5, "12345678.1234", dt, ts, da, tm, 2024, "héllo wörld", "ab", long,
		[]byte{0, 1, 2, 255}, []byte{9, 8}, "b", "x,y", json.RawMessage(`{"a":1}`), uint8(0x81), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, withArgs := range []bool{false, true} {
		q := "SELECT * FROM " + tbl
		var args []any
		if withArgs {
			q += " WHERE ? = 1"
			args = []any{1}
		}
		var (
			ti, bi          int64
			su              uint16
			i               int
			bu              uint64
			f               float64
			d               float64
			dc              string
			dtv, dav        time.Time
			tsv             sql.NullTime
			tmv             string
			yr              int
			vc              sql.RawBytes
			ch              string
			tx              string
			bl, vb          []byte
			en, st          sql.NullString
			js              json.RawMessage
			bt              []byte
			bo              bool
			anyDT, anyVC    any
			anyBU, anyTI    any
			anyF, anyTM     any
			rawTM, rawDC    sql.RawBytes
			strDT, strTI    string
			f32             float32
			dcf             float64
			nullI, nullBI   sql.NullInt64
			nullVC, nullBU  sql.NullString
			nullBo          sql.NullBool
			genericBU       sql.Null[uint64]
			anyDC, anyBL    any
			ptrI            *int
			bytesTM, bytesJ []byte
		)
		// scan reads the row into dest (each time from a new query: after a scan into
		// sql.RawBytes, database/sql allows no other scan of the same row).
		scan := func(dest ...any) {
			t.Helper()
			rows, err := db.QueryContext(ctx, q, args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			if !rows.Next() {
				t.Fatal("no row", rows.Err())
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			if rows.Next() {
				t.Error("a second row")
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		}
		scan(&ti, &su, &i, &bi, &bu, &f, &d, &dc, &dtv, &tsv, &dav, &tmv, &yr, &vc, &ch, &tx,
			&bl, &vb, &en, &st, &js, &bt, &bo)
		check := func(what string, got, want any) {
			t.Helper()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("args=%v %s: got %#v, want %#v", withArgs, what, got, want)
			}
		}
		check("tinyint", ti, int64(-7))
		check("smallint unsigned", su, uint16(65000))
		check("int", i, -123456)
		check("bigint", bi, int64(math.MinInt64+1))
		check("bigint unsigned", bu, uint64(math.MaxUint64))
		check("float", f, 1.25)
		check("double", d, 3.5)
		check("decimal", dc, "12345678.1234")
		check("datetime", dtv, dt)
		check("timestamp", tsv, sql.NullTime{Time: ts, Valid: true})
		check("date", dav, da)
		check("time", tmv, "30:05:01.250000")
		check("year", yr, 2024)
		check("varchar", string(vc), "héllo wörld")
		check("char", ch, "ab")
		check("text", tx, long)
		check("blob", bl, []byte{0, 1, 2, 255})
		check("varbinary", vb, []byte{9, 8})
		check("enum", en, sql.NullString{String: "b", Valid: true})
		check("set", st, sql.NullString{String: "x,y", Valid: true})
		check("json", compactJSON(js), json.RawMessage(`{"a":1}`)) // TiDB sends {"a": 1}
		check("bit", bt, []byte{0x81})
		check("boolean", bo, true)

		// The same row into other usual destinations.
		scan(&anyTI, &nullI, &ptrI, &nullBI, &anyBU, &f32, &anyF, &rawDC, &anyDT, &tsv, &strDT,
			&rawTM, &strTI, &anyVC, &nullVC, &tx, &anyBL, &vb, &en, &st, &bytesJ, &bt, &nullBo)
		check("tinyint into any", anyTI, int64(-7))
		check("smallint into NullInt64", nullI, sql.NullInt64{Int64: 65000, Valid: true})
		check("int into *int", *ptrI, -123456)
		check("bigint into NullInt64", nullBI, sql.NullInt64{Int64: math.MinInt64 + 1, Valid: true})
		check("bigint unsigned into any", anyBU, uint64(math.MaxUint64))
		check("float into float32", f32, float32(1.25))
		check("double into any", anyF, 3.5)
		check("decimal into RawBytes", string(rawDC), "12345678.1234")
		check("datetime into any", anyDT, dt)
		check("date into string", strDT, "1999-12-31T00:00:00Z")
		check("time into RawBytes", string(rawTM), "30:05:01.250000")
		check("year into string", strTI, "2024")
		check("varchar into any", anyVC, []byte("héllo wörld"))
		check("char into NullString", nullVC, sql.NullString{String: "ab", Valid: true})
		check("blob into any", anyBL, []byte{0, 1, 2, 255})
		check("json into []byte", []byte(compactJSON(bytesJ)), []byte(`{"a":1}`))
		check("boolean into NullBool", nullBo, sql.NullBool{Bool: true, Valid: true})

		scan(&anyTI, &anyTI, &anyTI, &anyTI, &nullBU, &f, &f, &dcf, &anyTI, &anyTI, &anyTI,
			&anyTM, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI)
		check("bigint unsigned into NullString", nullBU, sql.NullString{String: "18446744073709551615", Valid: true})
		check("decimal into float64", dcf, 12345678.1234)
		check("time into any", anyTM, []byte("30:05:01.250000"))
		scan(&anyTI, &anyTI, &anyTI, &anyTI, &genericBU, &anyTI, &anyTI, &anyDC, &anyTI, &anyTI,
			&anyTI, &bytesTM, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI, &anyTI)
		check("bigint unsigned into Null[uint64]", genericBU, sql.Null[uint64]{V: math.MaxUint64, Valid: true})
		check("decimal into any", anyDC, []byte("12345678.1234"))
		check("time into []byte", bytesTM, []byte("30:05:01.250000"))
	}
}

func TestNulls(t *testing.T) {
	t.Parallel()
	for name, params := range map[string]string{"binary": "", "text": "statement_cache_size=0"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db := openDB(t, urlDSN(t, params))
			ctx := ctxT(t)
			tbl := newTable(t, db, "a INT, b BIGINT UNSIGNED, c DOUBLE, d VARCHAR(5), e DATETIME, f TINYINT(1), g BLOB, h TIME, i DECIMAL(5,2)")
			if _, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (?,?,?,?,?,?,?,?,?)", nil, nil, nil, nil, nil, nil, nil, nil, nil); err != nil {
				t.Fatal(err)
			}
			var (
				a sql.NullInt64
				b sql.Null[uint64]
				c sql.NullFloat64
				d sql.NullString
				e sql.NullTime
				f sql.NullBool
				g []byte
				h sql.RawBytes
				i any
			)
			g = []byte("not nil")
			i = "not nil"
			rows, err := db.QueryContext(ctx, "SELECT * FROM "+tbl)
			if err != nil {
				t.Fatal(err)
			}
			if !rows.Next() {
				t.Fatal("no row", rows.Err())
			}
			if err := rows.Scan(&a, &b, &c, &d, &e, &f, &g, &h, &i); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			if a.Valid || b.Valid || c.Valid || d.Valid || e.Valid || f.Valid || g != nil || h != nil || i != nil {
				t.Errorf("NULLs scanned as %v %v %v %v %v %v %v %v %v", a, b, c, d, e, f, g, h, i)
			}
			var p *string
			if err := db.QueryRowContext(ctx, "SELECT d FROM "+tbl).Scan(&p); err != nil || p != nil {
				t.Errorf("NULL into **string: %v, %v", p, err)
			}
			var s string
			if err := db.QueryRowContext(ctx, "SELECT d FROM "+tbl).Scan(&s); err == nil {
				t.Error("NULL into *string succeeded")
			}
		})
	}
}

func TestColumnTypes(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.UUIDType)
	db := openDB(t)
	ctx := ctxT(t)
	tbl := newTable(t, db, `a INT UNSIGNED NOT NULL, b BIGINT, c VARCHAR(20) NOT NULL, d DECIMAL(10,3),
		e VARBINARY(8), f DATETIME NOT NULL, g TEXT, h JSON, i ENUM('x','y'), j BIGINT UNSIGNED, k FLOAT NOT NULL,
		l TINYINT NOT NULL, m DECIMAL(6,0) UNSIGNED, n TINYTEXT, o MEDIUMBLOB, p LONGTEXT, q UUID, r CHAR(3) NOT NULL,
		s DATETIME(3), u TIME(6) NOT NULL, v TIMESTAMP(2) NULL, w DOUBLE, x DOUBLE(10,4) NOT NULL, y DATE NOT NULL,
		z BIT(3), aa YEAR, ab MEDIUMINT UNSIGNED NOT NULL, ac SMALLINT, ad BINARY(4), ae SET('a','b')`)
	rows, err := db.QueryContext(ctx, "SELECT * FROM "+tbl)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		name     string
		nullable bool
		scan     reflect.Type
		prec     int64 // -1: none
		scale    int64
	}
	wants := []want{
		{"UNSIGNED INT", false, reflect.TypeFor[uint32](), -1, 0},
		{"BIGINT", true, reflect.TypeFor[sql.NullInt64](), -1, 0},
		{"VARCHAR", false, reflect.TypeFor[string](), -1, 0},
		{"DECIMAL", true, reflect.TypeFor[sql.NullString](), 10, 3},
		{"VARBINARY", true, reflect.TypeFor[[]byte](), -1, 0},
		{"DATETIME", false, reflect.TypeFor[sql.NullTime](), 0, 0},
		{"TEXT", true, reflect.TypeFor[sql.NullString](), -1, 0},
		{"TEXT", true, reflect.TypeFor[sql.NullString](), -1, 0}, // MariaDB's JSON is a LONGTEXT
		{"ENUM", true, reflect.TypeFor[sql.NullString](), -1, 0},
		{"UNSIGNED BIGINT", true, reflect.TypeFor[sql.Null[uint64]](), -1, 0},
		{"FLOAT", false, reflect.TypeFor[float32](), math.MaxInt64, math.MaxInt64},
		{"TINYINT", false, reflect.TypeFor[int8](), -1, 0},
		{"DECIMAL", true, reflect.TypeFor[sql.NullString](), 5, 0}, // go-sql-driver counts a sign for UNSIGNED too
		{"TEXT", true, reflect.TypeFor[sql.NullString](), -1, 0},   // servers send every TEXT as BLOB
		{"BLOB", true, reflect.TypeFor[[]byte](), -1, 0},
		{"TEXT", true, reflect.TypeFor[sql.NullString](), -1, 0},
		{"CHAR", true, reflect.TypeFor[sql.NullString](), -1, 0}, // MariaDB's UUID
		{"CHAR", false, reflect.TypeFor[string](), -1, 0},
		{"DATETIME", true, reflect.TypeFor[sql.NullTime](), 3, 3},
		{"TIME", false, reflect.TypeFor[string](), 6, 6},
		{"TIMESTAMP", true, reflect.TypeFor[sql.NullTime](), 2, 2},
		{"DOUBLE", true, reflect.TypeFor[sql.NullFloat64](), math.MaxInt64, math.MaxInt64},
		{"DOUBLE", false, reflect.TypeFor[float64](), math.MaxInt64, 4},
		{"DATE", false, reflect.TypeFor[sql.NullTime](), -1, 0},
		{"BIT", true, reflect.TypeFor[[]byte](), -1, 0},
		{"YEAR", true, reflect.TypeFor[sql.NullInt64](), -1, 0},
		{"UNSIGNED MEDIUMINT", false, reflect.TypeFor[uint32](), -1, 0},
		{"SMALLINT", true, reflect.TypeFor[sql.NullInt64](), -1, 0},
		{"BINARY", true, reflect.TypeFor[[]byte](), -1, 0},
		{"SET", true, reflect.TypeFor[sql.NullString](), -1, 0},
	}
	if len(types) != len(wants) {
		t.Fatalf("%d column types", len(types))
	}
	for i, ct := range types {
		w := wants[i]
		got := ct.DatabaseTypeName()
		if got != w.name {
			t.Errorf("%s: DatabaseTypeName %q, want %q", ct.Name(), got, w.name)
		}
		if got, ok := ct.Nullable(); !ok || got != w.nullable {
			t.Errorf("%s: Nullable %v %v", ct.Name(), got, ok)
		}
		if got := ct.ScanType(); got != w.scan {
			t.Errorf("%s: ScanType %v, want %v", ct.Name(), got, w.scan)
		}
		if length, ok := ct.Length(); ok {
			t.Errorf("%s: Length %d, want none (go-sql-driver reports no lengths)", ct.Name(), length)
		}
		prec, scale, ok := ct.DecimalSize()
		if !ok {
			prec = -1
		}
		if prec != w.prec || scale != w.scale {
			t.Errorf("%s: DecimalSize %d, %d (%v), want %d, %d", ct.Name(), prec, scale, ok, w.prec, w.scale)
		}
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	db.SetMaxOpenConns(2)
	ctx := ctxT(t)

	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := db.ExecContext(cctx, "DO SLEEP(10)")
	if err != context.Canceled { // the context's error itself, as go-sql-driver returns it
		t.Errorf("Exec: %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 8*time.Second { // before the SLEEP(10) would end, whatever the load
		t.Errorf("Exec returned after %v", d)
	}

	cctx, cancel = context.WithCancel(ctx)
	time.AfterFunc(200*time.Millisecond, cancel)
	var v int
	err = db.QueryRowContext(cctx, "SELECT SLEEP(10)").Scan(&v)
	if err != context.Canceled {
		t.Errorf("QueryRow: %v, want context.Canceled", err)
	}

	// A cancellation while rows stream.
	skipUnless(t, mysqltest.SequenceEngine)
	cctx, cancel = context.WithCancel(ctx)
	defer cancel()
	rows, err := db.QueryContext(cctx, "SELECT seq FROM seq_1_to_50000000")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		if n++; n == 10 {
			cancel()
		}
	}
	if err := rows.Err(); err != context.Canceled {
		t.Errorf("rows: %v, want context.Canceled", err)
	}
	rows.Close()
	if n > 1000000 {
		t.Errorf("read %d rows after the cancellation", n)
	}

	// The pool keeps working, on all its connections.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var one int
			if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Errorf("after cancellations: %d, %v", one, err)
			}
		}()
	}
	wg.Wait()
}

func TestCancelClosedConnIsDiscarded(t *testing.T) {
	t.Parallel()
	// A kill timeout too short to succeed: the connection is closed rather than recovered.
	db := openDB(t, urlDSN(t, "kill_timeout=1us"))
	db.SetMaxOpenConns(1)
	ctx := ctxT(t)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err := conn.ExecContext(cctx, "DO SLEEP(5)"); !errors.Is(err, context.Canceled) {
		t.Errorf("Exec: %v, want context.Canceled", err)
	}
	var closed bool
	if err := stdlib.Conn(conn, func(c *myx.Conn) error { closed = c.IsClosed(); return nil }); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if !closed {
		t.Skip("the kill succeeded despite the short timeout; nothing to discard")
	}
	if n := db.Stats().OpenConnections; n != 0 {
		t.Errorf("the closed connection went back to the pool (%d open)", n)
	}
	var one int
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
}

func TestKilledConnectionReplaced(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	ctx := ctxT(t)
	tbl := newTable(t, db, "id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20)")
	connID := func() int64 {
		t.Helper()
		var id int64
		if err := db.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	ins, err := db.PrepareContext(ctx, "INSERT INTO "+tbl+" (note) VALUES (?)")
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()

	id := connID()
	killAndWait(t, id)
	if _, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" (note) VALUES (?)", "exec"); err != nil {
		t.Fatalf("Exec after the connection was killed: %v", err)
	}
	id2 := connID()
	if id2 == id {
		t.Fatal("the killed connection is still in use")
	}
	killAndWait(t, id2)
	if _, err := ins.ExecContext(ctx, "stmt"); err != nil {
		t.Fatalf("prepared Exec after the connection was killed: %v", err)
	}
	killAndWait(t, connID())
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+tbl).Scan(&n); err != nil {
		t.Fatalf("Query after the connection was killed: %v", err)
	}
	if n != 2 {
		t.Errorf("%d rows, want 2: a statement ran twice or not at all", n)
	}
}

func TestKilledPinnedConnection(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := ctxT(t)
	tbl := newTable(t, db, "id INT AUTO_INCREMENT PRIMARY KEY")
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var id int64
	if err := conn.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		t.Fatal(err)
	}
	killAndWait(t, id)
	// After a second of idleness the connection is checked before a command is written: the
	// failure is found before anything is sent, so it is reported as a bad connection.
	time.Sleep(1100 * time.Millisecond)
	_, err = conn.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES ()")
	var ce *myx.ConnError
	if !errors.Is(err, driver.ErrBadConn) || !errors.As(err, &ce) || !myx.SafeToRetry(err) {
		t.Errorf("Exec on a killed connection: %T %v", err, err)
	}
	if n := count(t, db, tbl); n != 0 {
		t.Errorf("%d rows, want 0", n)
	}
	if _, err := conn.ExecContext(ctx, "DO 1"); !errors.Is(err, sql.ErrConnDone) {
		t.Errorf("the sql.Conn is still usable: %v", err)
	}
}

func TestMultipleResultSets(t *testing.T) {
	t.Parallel()
	db := openDB(t, urlDSN(t, "multiStatements=true"))
	ctx := ctxT(t)
	read := func(rows *sql.Rows) [][]string {
		t.Helper()
		var sets [][]string
		for {
			cols, err := rows.Columns()
			if err != nil {
				t.Fatal(err)
			}
			set := []string{strings.Join(cols, "+")}
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				var row []string
				for _, v := range vals {
					row = append(row, v.String)
				}
				set = append(set, strings.Join(row, ","))
			}
			sets = append(sets, set)
			if !rows.NextResultSet() {
				break
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		return sets
	}
	rows, err := db.QueryContext(ctx, "SELECT 1 AS a; SELECT 'x' AS b, 'y' AS c UNION ALL SELECT 'z', NULL ORDER BY b; DO 1; SELECT 3 AS d")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(read(rows)); got != "[[a 1] [b+c x,y z,] [d 3]]" {
		t.Errorf("multi-statement: %s", got)
	}
	rows, err = db.QueryContext(ctx, "DO 1; SELECT 5 AS e")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(read(rows)); got != "[[e 5]]" {
		t.Errorf("leading statement without rows: %s", got)
	}

	skipUnless(t, mysqltest.StoredProcedures)
	proc := uniqueName(t)
	if _, err := db.ExecContext(ctx, "CREATE PROCEDURE "+proc+"(IN n INT) BEGIN SELECT n AS p; SELECT n + 1 AS q, n + 2 AS r; END"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dropLater(t, "DROP PROCEDURE IF EXISTS "+proc) })
	for _, args := range [][]any{nil, {10}} {
		q := "CALL " + proc + "(10)"
		if args != nil {
			q = "CALL " + proc + "(?)"
		}
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(read(rows)); got != "[[p 10] [q+r 11,12]]" {
			t.Errorf("CALL %v: %s", args, got)
		}
	}
	// The connection is in step afterwards.
	var one int
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
}

// TestRawConnAndSessionReset: with resetSession=true, a connection goes back to database/sql's
// pool with a clean session after it was changed (through Raw or plainly).
func TestRawConnAndSessionReset(t *testing.T) {
	t.Parallel()
	db := openDB(t, urlDSN(t, "resetSession=true"))
	db.SetMaxOpenConns(1)
	ctx := ctxT(t)
	tbl := newTable(t, db, "id INT PRIMARY KEY")

	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sqlID int64
	if err := conn.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&sqlID); err != nil {
		t.Fatal(err)
	}
	err = stdlib.Conn(conn, func(c *myx.Conn) error {
		if int64(c.ConnID()) != sqlID {
			return fmt.Errorf("ConnID %d, CONNECTION_ID() %d", c.ConnID(), sqlID)
		}
		_, err := c.Exec(ctx, "SET @marker = 42")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = conn.Raw(func(dc any) error {
		d, ok := dc.(*stdlib.DriverConn)
		if !ok {
			return fmt.Errorf("driver connection is %T", dc)
		}
		_, err := d.Conn().Exec(ctx, "BEGIN")
		if err == nil {
			_, err = d.Conn().Exec(ctx, "INSERT INTO "+tbl+" VALUES (1)")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The same sql.Conn keeps its session.
	var marker sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT @marker").Scan(&marker); err != nil || marker.Int64 != 42 {
		t.Errorf("@marker on the same sql.Conn: %v, %v", marker, err)
	}
	conn.Close()

	// The next user of the connection gets a clean session: no user variable, no transaction.
	var id int64
	if err := db.QueryRowContext(ctx, "SELECT CONNECTION_ID(), @marker").Scan(&id, &marker); err != nil {
		t.Fatal(err)
	}
	if id != sqlID {
		t.Fatalf("another connection (%d, not %d)", id, sqlID)
	}
	if marker.Valid {
		t.Errorf("@marker survived the return to the pool: %v", marker)
	}
	if n := count(t, db, tbl); n != 0 {
		t.Errorf("the open transaction was not rolled back: %d rows", n)
	}

	// Plain database/sql use that changes the session or leaves a transaction open.
	if _, err := db.ExecContext(ctx, "CREATE TEMPORARY TABLE tmp_marker (a INT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "SELECT * FROM tmp_marker"); err == nil {
		t.Error("the temporary table survived the return to the pool")
	}
	if _, err := db.ExecContext(ctx, "START TRANSACTION"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (2)"); err != nil {
		t.Fatal(err)
	}
	// The INSERT ran in a reset session (autocommit): START TRANSACTION was rolled back with
	// the reset before it, so the row is committed.
	if n := count(t, db, tbl); n != 1 {
		t.Errorf("%d rows, want 1", n)
	}
}

// TestSessionPersists: by default, as with go-sql-driver, the session stays as statements
// left it from one use of a pooled connection to the next: user variables, temporary tables,
// session settings. Only a transaction left open is rolled back.
func TestSessionPersists(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.ReadOnlyTransactions) // SET SESSION TRANSACTION READ ONLY is one of the settings
	for _, dsn := range []string{"", "checkConnLiveness=false"} {
		t.Run(dsn, func(t *testing.T) {
			db := openDB(t, urlDSN(t, dsn))
			db.SetMaxOpenConns(1)
			ctx := ctxT(t)
			tbl := newTable(t, db, "id INT PRIMARY KEY")
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := db.ExecContext(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			var id1, id2 int64
			if err := db.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id1); err != nil {
				t.Fatal(err)
			}
			exec("SET @x = 42")
			exec("CREATE TEMPORARY TABLE tmp_persist (a INT)")
			exec("INSERT INTO tmp_persist VALUES (?)", 7)
			exec("SET FOREIGN_KEY_CHECKS = 0")
			exec("SET SESSION TRANSACTION READ ONLY")
			var x sql.NullInt64
			var a, fk int
			var ro int
			if err := db.QueryRowContext(ctx, "SELECT CONNECTION_ID(), @x, @@foreign_key_checks, @@session.tx_read_only").Scan(&id2, &x, &fk, &ro); err != nil {
				t.Fatal(err)
			}
			if id2 != id1 {
				t.Fatalf("another connection (%d, not %d)", id2, id1)
			}
			if x.Int64 != 42 || !x.Valid || fk != 0 || ro != 1 {
				t.Errorf("session lost: @x %v, foreign_key_checks %d, tx_read_only %d", x, fk, ro)
			}
			if err := db.QueryRowContext(ctx, "SELECT a FROM tmp_persist").Scan(&a); err != nil || a != 7 {
				t.Errorf("temporary table: %d, %v", a, err)
			}
			if _, err := db.ExecContext(ctx, "INSERT INTO "+tbl+" VALUES (1)"); err == nil {
				t.Error("a write in a read-only session succeeded")
			}
			exec("SET SESSION TRANSACTION READ WRITE")
			// A transaction left open is rolled back before the next use.
			exec("START TRANSACTION")
			exec("INSERT INTO " + tbl + " VALUES (2)")
			if err := db.QueryRowContext(ctx, "SELECT @@in_transaction").Scan(&a); err != nil || a != 0 {
				t.Errorf("in_transaction %d, %v", a, err)
			}
			// The transaction START TRANSACTION left open was rolled back before the INSERT,
			// which ran in autocommit mode: the row is committed.
			if n := count(t, db, tbl); n != 1 {
				t.Errorf("%d rows, want 1", n)
			}
			if err := db.QueryRowContext(ctx, "SELECT @x").Scan(&x); err != nil || x.Int64 != 42 {
				t.Errorf("@x after the rollback: %v, %v", x, err)
			}
		})
	}
}

func TestLocalInfile(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	ctx := ctxT(t)
	var on int
	if err := db.QueryRowContext(ctx, "SELECT @@local_infile").Scan(&on); err != nil {
		t.Fatal(err)
	}
	if on == 0 {
		t.Skip("local_infile is off on the server")
	}
	tbl := newTable(t, db, "id INT, name VARCHAR(10)")
	res, err := db.ExecContext(ctx, "LOAD DATA LOCAL INFILE 'rows.csv' INTO TABLE "+tbl+" FIELDS TERMINATED BY ','",
		&myx.LocalFile{Name: "rows.csv", Reader: strings.NewReader("1,a\n2,b\n3,c\n")})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 3 {
		t.Errorf("%d rows loaded", n)
	}
}

// compactJSON is b without insignificant white space (TiDB normalizes JSON to {"a": 1}), or b
// itself if it is not JSON.
func compactJSON(b []byte) json.RawMessage {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return b
	}
	return out.Bytes()
}
