package stdlib_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/stdlib"
)

// Code written for go-sql-driver/mysql works after changing the import and the driver name;
// the DSN may stay in go-sql-driver's form.
func Example() {
	db, err := sql.Open("myx", "root@tcp(127.0.0.1:3306)/test?parseTime=true&loc=UTC")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	_, err = db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS example_users (
		id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE, joined DATETIME NOT NULL)`)
	if err != nil {
		log.Fatal(err)
	}
	res, err := db.ExecContext(ctx, "INSERT INTO example_users (name, joined) VALUES (?, ?)", "yang", time.Now())
	var me *myx.MySQLError
	switch {
	case errors.As(err, &me) && me.Number == myx.ErDupEntry:
		fmt.Println("yang is already there")
	case err != nil:
		log.Fatal(err)
	default:
		id, _ := res.LastInsertId()
		fmt.Println("new user", id)
	}

	rows, err := db.QueryContext(ctx, "SELECT id, name, joined FROM example_users WHERE id > ? ORDER BY id", 0)
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		var joined time.Time // DATETIME scans into time.Time (go-sql-driver's parseTime=true)
		if err := rows.Scan(&id, &name, &joined); err != nil {
			log.Fatal(err)
		}
		fmt.Println(id, name, joined.Format(time.DateOnly))
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
}

// OpenDB builds a *sql.DB from a myx.Config, for settings a DSN cannot carry.
func ExampleOpenDB() {
	cfg, err := myx.ParseConfig("mysql://root@127.0.0.1:3306/test")
	if err != nil {
		log.Fatal(err)
	}
	cfg.InitCommands = []string{"SET SESSION sql_mode = 'STRICT_ALL_TABLES'"}
	db := stdlib.OpenDB(cfg)
	defer db.Close()
	db.SetMaxOpenConns(8)
	if err := db.PingContext(context.Background()); err != nil {
		log.Fatal(err)
	}
}

// Conn reaches the *myx.Conn under a *sql.Conn, for what database/sql cannot express: here,
// a pipelined batch.
func ExampleConn() {
	db, err := sql.Open("myx", "mysql://root@127.0.0.1:3306/test")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		log.Fatal(err)
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
		log.Fatal(err)
	}
}
