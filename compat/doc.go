// Package compat holds the compatibility suite of myx's database/sql driver: the same
// database/sql cases run against go-sql-driver/mysql (sql.Open("mysql", dsn)) and myx
// (sql.Open("myx", dsn)) on the same server, with the same DSN, and the suite asserts that a
// program observes the same results through both: DSN parameters, the Go type and value of
// every column type under parseTime=false and true in the text and binary protocols and with
// interpolateParams, session persistence, cancellation and read-only errors, multi-statement
// results and ColumnTypes. Where myx deliberately differs, the difference is named, with its
// reason, in the suite's allow-list (deliberate in compat_test.go), and README lists it.
//
// It is its own module (github.com/myxdb/myx/compat), so that the library does not depend on
// go-sql-driver or on the libraries the examples use (sqlx, goose, bun). Run it with
//
//	cd compat && go test -count=1 ./...
//
// against the server MYSQL_TEST_DSN names (default root@127.0.0.1:3306/test); some cases
// start a throwaway server of their own with mysqltest. A failure names the case and, per
// differing observation, go-sql-driver's value and myx's, each with its Go type; set
// COMPAT_VERBOSE=1 (with -v) to see every observation of both drivers.
//
// To add a case, add a dbCase to one of the tables: a name, DSN parameters and a run
// function that records observations (obs.Val, obs.Err, or the query, exec and scalar
// helpers); the harness runs it once per driver and compares.
package compat
