// Package bench holds the workloads of ../shared/bench/WORKLOADS.md for myx and for
// go-sql-driver/mysql, so both are measured in the same run on the same data.
package bench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"github.com/myxdb/myx"
)

// Sizes from WORKLOADS.md.
const (
	TableRows   = 100_000
	PointN      = 20_000
	ScanRepeats = 3
	BulkRows    = 100_000
	TxN         = 3_000
	PoolN       = 40_000
	PoolWorkers = 16
	PoolConns   = 8
)

// DSN is the myx DSN of the benchmark server (MYSQL_TEST_DSN or the local default).
func DSN() string {
	if d := os.Getenv("MYSQL_TEST_DSN"); d != "" {
		return d
	}
	return "mysql://root@127.0.0.1:3306/test"
}

// DriverDSN converts the myx configuration into a go-sql-driver DSN with extra parameters.
func DriverDSN(extra string) (string, error) {
	cfg, err := myx.ParseConfig(DSN())
	if err != nil {
		return "", err
	}
	cred := cfg.User
	if cfg.Password != "" {
		cred += ":" + cfg.Password
	}
	addr := "tcp(" + cfg.Addr + ")"
	if cfg.Network == "unix" {
		addr = "unix(" + cfg.Addr + ")"
	}
	return fmt.Sprintf("%s@%s/%s?parseTime=true&%s", cred, addr, cfg.Database, extra), nil
}

// Row is one bench_rows row.
type Row struct {
	ID      int
	Name    string
	Score   float64
	Created time.Time
	Note    string
	Flag    int
}

// Setup creates and fills bench_rows (if it does not already hold TableRows rows) and
// bench_ins.
func Setup(ctx context.Context) error { return SetupAt(ctx, DSN()) }

// SetupAt is Setup on the server at dsn.
func SetupAt(ctx context.Context, dsn string) error {
	c, err := myx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	var n int
	if err := c.QueryRow(ctx, "SELECT COUNT(*) FROM bench_rows").Scan(&n); err == nil && n == TableRows {
		_, err = c.Exec(ctx, `CREATE TABLE IF NOT EXISTS bench_ins (id INT PRIMARY KEY AUTO_INCREMENT,
			name VARCHAR(64), score DOUBLE, created DATETIME)`)
		return err
	}
	stmts := []string{
		"DROP TABLE IF EXISTS bench_rows",
		`CREATE TABLE bench_rows (id INT PRIMARY KEY, name VARCHAR(64), score DOUBLE,
			created DATETIME, note TEXT, flag TINYINT)`,
		"DROP TABLE IF EXISTS bench_ins",
		`CREATE TABLE bench_ins (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(64), score DOUBLE,
			created DATETIME)`,
	}
	for _, s := range stmts {
		if _, err := c.Exec(ctx, s); err != nil {
			return err
		}
	}
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := make([][]any, TableRows)
	for i := range rows {
		rows[i] = []any{i, fmt.Sprintf("name-%d", i), float64(i) * 0.5, created, fmt.Sprintf("note %d", i), i % 2}
	}
	_, err = c.ExecMany(ctx, "INSERT INTO bench_rows VALUES (?, ?, ?, ?, ?, ?)", rows)
	return err
}

// PointQuery is the point workload's statement.
const PointQuery = "SELECT id, name, score, created FROM bench_rows WHERE id = ?"

// ScanQuery is the scan workload's statement.
const ScanQuery = "SELECT id, name, score, created, note, flag FROM bench_rows"

func pointID(i int) int { return (i * 7919) % TableRows }

// MyxPoint runs n point queries on one connection.
func MyxPoint(ctx context.Context, c *myx.Conn, n int) error {
	var r Row
	for i := range n {
		if err := c.QueryRow(ctx, PointQuery, pointID(i)).Scan(&r.ID, &r.Name, &r.Score, &r.Created); err != nil {
			return err
		}
		if r.ID != pointID(i) {
			return fmt.Errorf("point: got id %d for %d", r.ID, pointID(i))
		}
	}
	return nil
}

// DriverPoint runs n point queries on a database/sql pool limited to one connection.
func DriverPoint(ctx context.Context, db *sql.DB, n int) error {
	var r Row
	for i := range n {
		if err := db.QueryRowContext(ctx, PointQuery, pointID(i)).Scan(&r.ID, &r.Name, &r.Score, &r.Created); err != nil {
			return err
		}
		if r.ID != pointID(i) {
			return fmt.Errorf("point: got id %d for %d", r.ID, pointID(i))
		}
	}
	return nil
}

// MyxScan reads the whole table into structs, returning the rows read.
func MyxScan(ctx context.Context, c *myx.Conn) (int, error) {
	rows, err := c.Query(ctx, ScanQuery)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	var r Row
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.Name, &r.Score, &r.Created, &r.Note, &r.Flag); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// DriverScan reads the whole table into structs with go-sql-driver.
func DriverScan(ctx context.Context, db *sql.DB) (int, error) {
	rows, err := db.QueryContext(ctx, ScanQuery)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	var r Row
	for rows.Next() {
		if err := rows.Scan(&r.ID, &r.Name, &r.Score, &r.Created, &r.Note, &r.Flag); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

var bulkCreated = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// BulkArgs builds the bulk workload's rows.
func BulkArgs() [][]any {
	rows := make([][]any, BulkRows)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("name-%d", i), float64(i) * 0.5, bulkCreated}
	}
	return rows
}

// MyxBulk empties bench_ins and inserts BulkRows rows with ExecMany.
func MyxBulk(ctx context.Context, c *myx.Conn, rows [][]any) error {
	if _, err := c.Exec(ctx, "TRUNCATE TABLE bench_ins"); err != nil {
		return err
	}
	res, err := c.ExecMany(ctx, "INSERT INTO bench_ins (name, score, created) VALUES (?, ?, ?)", rows)
	if err == nil && res.RowsAffected != uint64(len(rows)) {
		err = fmt.Errorf("bulk: %d rows affected", res.RowsAffected)
	}
	return err
}

// DriverBulk empties bench_ins and inserts the rows with go-sql-driver as fast as its API
// allows: multi-row INSERT statements of 1,000 rows with interpolated parameters, in one
// transaction per statement (go-sql-driver has no executemany).
func DriverBulk(ctx context.Context, db *sql.DB, rows [][]any) error {
	if _, err := db.ExecContext(ctx, "TRUNCATE TABLE bench_ins"); err != nil {
		return err
	}
	const chunk = 1000
	for start := 0; start < len(rows); start += chunk {
		end := min(start+chunk, len(rows))
		var q strings.Builder
		q.WriteString("INSERT INTO bench_ins (name, score, created) VALUES ")
		args := make([]any, 0, 3*(end-start))
		for i := start; i < end; i++ {
			if i > start {
				q.WriteByte(',')
			}
			q.WriteString("(?, ?, ?)")
			args = append(args, rows[i]...)
		}
		if _, err := db.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// MyxTx runs n transactions: insert, update by the insert id, commit.
func MyxTx(ctx context.Context, c *myx.Conn, n int) error {
	for i := range n {
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "INSERT INTO bench_ins (name, score, created) VALUES (?, ?, ?)", "tx", float64(i), bulkCreated)
		if err != nil {
			tx.Rollback(ctx)
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE bench_ins SET score = score + 1 WHERE id = ?", res.LastInsertID); err != nil {
			tx.Rollback(ctx)
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
	}
	return nil
}

// DriverTx is MyxTx with go-sql-driver.
func DriverTx(ctx context.Context, db *sql.DB, n int) error {
	for i := range n {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO bench_ins (name, score, created) VALUES (?, ?, ?)", "tx", float64(i), bulkCreated)
		if err != nil {
			tx.Rollback()
			return err
		}
		id, _ := res.LastInsertId()
		if _, err := tx.ExecContext(ctx, "UPDATE bench_ins SET score = score + 1 WHERE id = ?", id); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// OpenDriver opens go-sql-driver with interpolateParams=true and at most conns connections.
func OpenDriver(conns int) (*sql.DB, error) {
	return openDriver("interpolateParams=true", conns)
}

// openDriver opens go-sql-driver with the extra DSN parameters and at most conns connections.
func openDriver(extra string, conns int) (*sql.DB, error) {
	dsn, err := DriverDSN(extra)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	return db, nil
}

// Median is the median of xs (the upper of the two middle values of an even count); xs is not
// changed. It panics on an empty slice.
func Median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
