package myx_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
)

// dsn is the server the examples run on, such as "mysql://root@127.0.0.1:3306/test". Here it
// is a database of the examples' own on the test server (MYSQL_TEST_DSN, else
// mysql://root@127.0.0.1:3306/test), made by TestMain and dropped after the examples ran.
var dsn string

func TestMain(m *testing.M) { os.Exit(testsupport.RunExamples(m, &dsn)) }

// Connect, create a table, insert with arguments, and read the rows back with Query and Scan.
func Example() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, dsn) // for example "mysql://root@127.0.0.1:3306/test"
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)

	if _, err := conn.Exec(ctx, `CREATE TABLE users (
		id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE, karma INT NOT NULL)`); err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Exec(ctx, "DROP TABLE users")

	for _, name := range []string{"ann", "bob", "cid"} {
		res, err := conn.Exec(ctx, "INSERT INTO users (name, karma) VALUES (?, ?)", name, len(name)*10)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("inserted", name, "as", res.LastInsertID)
	}

	// Rows stream from the server: nothing is buffered beyond the packet being read. Close the
	// Rows (or read them to the end) before the next statement on the connection.
	rows, err := conn.Query(ctx, "SELECT id, name FROM users WHERE id >= ? ORDER BY id", 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(id, name)
	}
	if err := rows.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// inserted ann as 1
	// inserted bob as 2
	// inserted cid as 3
	// 2 bob
	// 3 cid
}

// QueryRow reads at most one row; no row at all is ErrNoRows (the same value as
// sql.ErrNoRows), reported by Scan.
func ExampleConn_QueryRow() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)

	var sum int
	var now time.Time
	if err := conn.QueryRow(ctx, "SELECT ? + ?, NOW()", 40, 2).Scan(&sum, &now); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sum, !now.IsZero())

	var name string
	err = conn.QueryRow(ctx, "SELECT 'never' FROM DUAL WHERE 1 = ?", 0).Scan(&name)
	fmt.Println(errors.Is(err, myx.ErrNoRows))
	// Output:
	// 42 true
	// true
}

// Exec runs a statement that returns no rows; the Result has the affected rows, the last
// insert id and the warning count.
func ExampleConn_Exec() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)

	if _, err := conn.Exec(ctx, `CREATE TABLE stock (
		sku VARCHAR(20) PRIMARY KEY, qty INT NOT NULL)`); err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Exec(ctx, "DROP TABLE stock")

	res, err := conn.Exec(ctx, "INSERT INTO stock VALUES (?, ?), (?, ?), (?, ?)", "a-1", 5, "b-2", 0, "c-3", 12)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("inserted:", res.RowsAffected)

	res, err = conn.Exec(ctx, "UPDATE stock SET qty = qty - ? WHERE qty >= ?", 1, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("updated:", res.RowsAffected)
	// Output:
	// inserted: 3
	// updated: 2
}

// BeginFunc runs a function in a transaction: committed when it returns nil, rolled back when
// it returns an error, and run again after a deadlock or lock wait timeout. A Conn, a Tx
// (for a savepoint) and a pool.Pool can all begin one.
func ExampleBeginFunc() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)

	if _, err := conn.Exec(ctx, `CREATE TABLE accounts (
		id INT PRIMARY KEY, balance INT UNSIGNED NOT NULL) ENGINE=InnoDB`); err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Exec(ctx, "DROP TABLE accounts")
	if _, err := conn.Exec(ctx, "INSERT INTO accounts VALUES (1, 100), (2, 0)"); err != nil {
		fmt.Println(err)
		return
	}

	transfer := func(from, to, amount int) error {
		return myx.BeginFunc(ctx, conn, func(tx myx.Tx) error {
			if _, err := tx.Exec(ctx, "UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, from)
			return err // below zero fails (UNSIGNED): both updates are rolled back
		})
	}
	fmt.Println(transfer(1, 2, 30))
	var me *myx.MySQLError
	fmt.Println(errors.As(transfer(1, 2, 500), &me))

	rows, _ := conn.Query(ctx, "SELECT balance FROM accounts ORDER BY id")
	balances, err := myx.CollectRows(rows, myx.RowTo[int])
	fmt.Println(balances, err)
	// Output:
	// <nil>
	// true
	// [70 30] <nil>
}

// A Batch pipelines statements: all are written before the first reply is read, so the
// batch costs one round trip however many statements it holds. Results come back in order.
// The statements are prepared together before any runs, so a table they use must exist
// before the batch.
func ExampleConn_SendBatch() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)

	if _, err := conn.Exec(ctx, `CREATE TABLE events (
		id INT AUTO_INCREMENT PRIMARY KEY, kind VARCHAR(20) NOT NULL)`); err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Exec(ctx, "DROP TABLE events")

	var b myx.Batch
	b.Queue("INSERT INTO events (kind) VALUES (?), (?)", "login", "logout")
	b.Queue("INSERT INTO events (kind) VALUES (?)", "login")
	b.Queue("SELECT COUNT(*) FROM events WHERE kind = ?", "login")
	b.Queue("SELECT id, kind FROM events ORDER BY id")
	br := conn.SendBatch(ctx, &b)
	defer br.Close()
	for range 2 {
		res, err := br.Exec()
		fmt.Println("inserted:", res.RowsAffected, err)
	}
	var logins int
	err = br.QueryRow().Scan(&logins)
	fmt.Println("logins:", logins, err)
	rows, err := br.Query()
	if err != nil {
		fmt.Println(err)
		return
	}
	kinds, err := myx.CollectRows(rows, func(row myx.CollectableRow) (string, error) {
		var id int
		var kind string
		err := row.Scan(&id, &kind)
		return fmt.Sprint(id, ":", kind), err
	})
	fmt.Println(kinds, err)
	fmt.Println(br.Close())
	// Output:
	// inserted: 2 <nil>
	// inserted: 1 <nil>
	// logins: 2 <nil>
	// [1:login 2:logout 3:login] <nil>
	// <nil>
}

// ExecMany runs one statement for many argument rows (Python's executemany): an INSERT becomes
// multi-row INSERTs bounded by max_allowed_packet, or MariaDB's bulk execution.
func ExampleConn_ExecMany() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)

	if _, err := conn.Exec(ctx, "CREATE TABLE points (x INT NOT NULL, y INT NOT NULL)"); err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Exec(ctx, "DROP TABLE points")

	var argRows [][]any
	for i := range 1000 {
		argRows = append(argRows, []any{i, i * i})
	}
	res, err := conn.ExecMany(ctx, "INSERT INTO points (x, y) VALUES (?, ?)", argRows)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.RowsAffected)
	// Output:
	// 1000
}

// CopyFrom streams rows into a table as LOAD DATA LOCAL INFILE, from memory: the fastest
// way to load many rows. The server must allow LOCAL INFILE (MariaDB does by default).
func ExampleConn_CopyFrom() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)

	if _, err := conn.Exec(ctx, `CREATE TABLE readings (
		sensor VARCHAR(10) NOT NULL, at DATETIME NOT NULL, value DOUBLE)`); err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Exec(ctx, "DROP TABLE readings")

	start := time.Date(2024, 1, 5, 9, 0, 0, 0, time.UTC)
	i := 0
	src := myx.CopyFromFunc(func() ([]any, error) {
		if i == 500 {
			return nil, nil // the end
		}
		i++
		var value any = float64(i) / 2
		if i%100 == 0 {
			value = nil // NULL
		}
		return []any{"s" + fmt.Sprint(i%3), start.Add(time.Duration(i) * time.Minute), value}, nil
	})
	n, err := conn.CopyFrom(ctx, "readings", []string{"sensor", "at", "value"}, src)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("loaded", n)

	var nulls int
	var last time.Time
	err = conn.QueryRow(ctx, "SELECT COUNT(*) - COUNT(value), MAX(at) FROM readings").Scan(&nulls, &last)
	fmt.Println(nulls, last.Format(time.DateTime), err)
	// Output:
	// loaded 500
	// 5 2024-01-05 17:20:00 <nil>
}

// The collectors turn Rows into Go values: CollectRows with RowTo for one column,
// RowToStructByName for structs (fields matched by name or db tag), RowToMap for maps
// (Python's DictCursor), CollectOneRow for the first row. Each closes the Rows.
func ExampleCollectRows() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)

	if _, err := conn.Exec(ctx, `CREATE TABLE books (
		id INT PRIMARY KEY, title VARCHAR(100) NOT NULL, author_name VARCHAR(100))`); err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Exec(ctx, "DROP TABLE books")
	if _, err := conn.Exec(ctx, `INSERT INTO books
		VALUES (1, 'Dune', 'Herbert'), (2, 'Emma', 'Austen'), (3, 'Ubik', NULL)`); err != nil {
		fmt.Println(err)
		return
	}

	rows, _ := conn.Query(ctx, "SELECT title FROM books ORDER BY id") // an error comes back from CollectRows
	titles, err := myx.CollectRows(rows, myx.RowTo[string])
	fmt.Println(titles, err)

	type Book struct {
		ID     int
		Title  string
		Author *string `db:"author_name"` // NULL is nil
	}
	rows, _ = conn.Query(ctx, "SELECT id, title, author_name FROM books ORDER BY id")
	books, err := myx.CollectRows(rows, myx.RowToStructByName[Book])
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range books {
		fmt.Println(b.ID, b.Title, b.Author != nil)
	}

	rows, _ = conn.Query(ctx, "SELECT id, title FROM books WHERE id = ?", 2)
	m, err := myx.CollectOneRow(rows, myx.RowToMap)
	fmt.Println(m["id"], m["title"], err)

	rows, _ = conn.Query(ctx, "SELECT id FROM books WHERE id > ?", 10)
	_, err = myx.CollectOneRow(rows, myx.RowTo[int])
	fmt.Println(errors.Is(err, myx.ErrNoRows))
	// Output:
	// [Dune Emma Ubik] <nil>
	// 1 Dune true
	// 2 Emma true
	// 3 Ubik false
	// 2 Emma <nil>
	// true
}

// A server error is a *MySQLError with the server's number and SQLSTATE; the connection stays
// usable. The Er* constants name the common numbers.
func ExampleMySQLError() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)

	if _, err := conn.Exec(ctx, "CREATE TABLE tags (name VARCHAR(20) PRIMARY KEY)"); err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Exec(ctx, "DROP TABLE tags")

	for _, tag := range []string{"go", "sql", "go"} {
		_, err := conn.Exec(ctx, "INSERT INTO tags VALUES (?)", tag)
		var me *myx.MySQLError
		switch {
		case errors.As(err, &me) && me.Number == myx.ErDupEntry:
			fmt.Println(tag, "is already there:", me.Number, me.SQLState)
		case err != nil:
			fmt.Println(err)
			return
		default:
			fmt.Println("added", tag)
		}
	}

	_, err = conn.Exec(ctx, "SELECT * FROM no_such_table")
	var me *myx.MySQLError
	fmt.Println(errors.As(err, &me) && me.Number == myx.ErNoSuchTable)
	// Output:
	// added go
	// added sql
	// go is already there: 1062 23000
	// true
}

// When the context of a call ends, the server is told to stop the statement (KILL QUERY on a
// side connection) and the error satisfies errors.Is with the context's error. The connection
// is kept when it can be brought back to a known state, else closed.
func ExampleInterruptedError() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)

	qctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(100*time.Millisecond, cancel) // a user gives up, a request ends...
	_, err = conn.Exec(qctx, "SELECT SLEEP(60)")
	fmt.Println(errors.Is(err, context.Canceled))

	var ie *myx.InterruptedError
	if errors.As(err, &ie) && ie.ConnClosed {
		return // the connection could not be kept; open a new one
	}
	var one int
	fmt.Println(conn.QueryRow(ctx, "SELECT 1").Scan(&one), one)
	// Output:
	// true
	// <nil> 1
}

// ParseConfig reads a URL-form DSN or a go-sql-driver/mysql DSN into a Config, which may be
// edited before ConnectConfig.
func ExampleParseConfig() {
	for _, dsn := range []string{
		"mysql://app:secret@db.example.com:3307/shop?timeout=5s",
		"app:secret@tcp(db.example.com:3307)/shop?timeout=5s",
	} {
		cfg, err := myx.ParseConfig(dsn)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(cfg.Network, cfg.Addr, cfg.User, cfg.Database, cfg.ConnectTimeout)
	}
	// Output:
	// tcp db.example.com:3307 app shop 5s
	// tcp db.example.com:3307 app shop 5s
}
