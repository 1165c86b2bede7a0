package stdlib_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/stdlib"
)

// dsn is the server the examples run on, such as "mysql://root@127.0.0.1:3306/test" or, in
// go-sql-driver/mysql's form, "root@tcp(127.0.0.1:3306)/test". Here it is a database of the
// examples' own on the test server (MYSQL_TEST_DSN, else mysql://root@127.0.0.1:3306/test),
// made by TestMain and dropped after the examples ran.
var dsn string

func TestMain(m *testing.M) { os.Exit(testsupport.RunExamples(m, &dsn)) }

// withParams adds parameters to a DSN of either form.
func withParams(dsn, params string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + params
	}
	return dsn + "?" + params
}

// Code written for go-sql-driver/mysql works after changing the import and the driver name;
// the DSN may stay in go-sql-driver's form, with its parameters.
func Example() {
	// For example "root@tcp(127.0.0.1:3306)/test?parseTime=true&loc=UTC".
	db, err := sql.Open("myx", withParams(dsn, "parseTime=true&loc=UTC"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	ctx := context.Background()

	_, err = db.ExecContext(ctx, `CREATE TABLE users (
		id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE, joined DATETIME NOT NULL)`)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.ExecContext(ctx, "DROP TABLE users")

	joined := time.Date(2024, 1, 5, 9, 30, 0, 0, time.UTC)
	for _, name := range []string{"yang", "li", "yang"} {
		res, err := db.ExecContext(ctx, "INSERT INTO users (name, joined) VALUES (?, ?)", name, joined)
		var me *myx.MySQLError
		switch {
		case errors.As(err, &me) && me.Number == myx.ErDupEntry:
			fmt.Println(name, "is already there")
		case err != nil:
			fmt.Println(err)
			return
		default:
			id, _ := res.LastInsertId()
			fmt.Println("new user", id)
		}
	}

	rows, err := db.QueryContext(ctx, "SELECT id, name, joined FROM users WHERE id > ? ORDER BY id", 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		var joined time.Time // DATETIME scans into time.Time (go-sql-driver's parseTime=true)
		if err := rows.Scan(&id, &name, &joined); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(id, name, joined.Format(time.DateTime))
	}
	if err := rows.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// new user 1
	// new user 2
	// yang is already there
	// 1 yang 2024-01-05 09:30:00
	// 2 li 2024-01-05 09:30:00
}

// OpenDB builds a *sql.DB from a myx.Config, for settings a DSN cannot carry.
func ExampleOpenDB() {
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.InitCommands = []string{"SET SESSION sql_mode = 'STRICT_ALL_TABLES'"}
	db := stdlib.OpenDB(cfg)
	defer db.Close()
	db.SetMaxOpenConns(8)

	var mode string
	if err := db.QueryRowContext(context.Background(), "SELECT @@SESSION.sql_mode").Scan(&mode); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(mode)
	// Output:
	// STRICT_ALL_TABLES
}

// Conn reaches the *myx.Conn under a *sql.Conn, for what database/sql cannot express: here,
// a pipelined batch.
func ExampleConn() {
	db, err := sql.Open("myx", dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	err = stdlib.Conn(conn, func(c *myx.Conn) error {
		var b myx.Batch
		b.Queue("SELECT CONNECTION_ID()")
		b.Queue("SELECT ? + 1", 41)
		br := c.SendBatch(ctx, &b)
		defer br.Close()
		var id uint32
		var answer int
		if err := br.QueryRow().Scan(&id); err != nil {
			return err
		}
		if err := br.QueryRow().Scan(&answer); err != nil {
			return err
		}
		fmt.Println(id == c.ConnID(), answer)
		return br.Close()
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// true 42
}
