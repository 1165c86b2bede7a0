// Package stdlib is the database/sql adapter for myx: a driver registered under the name
// "myx", a drop-in replacement for go-sql-driver/mysql under database/sql and the libraries
// built on it (sqlx, GORM, sqlc, goose).
//
//	import _ "github.com/myxdb/myx/stdlib"
//
//	db, err := sql.Open("myx", "user:pass@tcp(127.0.0.1:3306)/app?loc=Local")
//	// or: sql.Open("myx", "mysql://user:pass@127.0.0.1:3306/app")
//	// or, from a myx.Config: db := stdlib.OpenDB(cfg)
//
// Both DSN forms of myx.ParseConfig are accepted, including go-sql-driver's parameters.
// database/sql supplies the pool; each of its connections is a *myx.Conn, reachable with Conn
// or sql.Conn.Raw (the driver connection is a *DriverConn).
//
// # Statements
//
// Exec and Query go straight to the connection (the driver implements ExecerContext and
// QueryerContext), so database/sql does not prepare a statement per call: arguments travel in
// server-side prepared statements from each connection's cache (one round trip once a
// statement is cached), or are interpolated on the client when the DSN says
// interpolateParams=true. DB.Prepare creates an explicit server-side statement per connection
// (prepared again, transparently, after a session reset).
// Placeholders are '?'; sql.Named arguments are refused (MySQL has no named parameters).
// Arguments may be of any type myx binds: integers of every size (uint64 beyond the int64
// range too), floats, bool, string, []byte, json.RawMessage, time.Time, time.Duration (TIME),
// pointers and named types of those, any driver.Valuer, and *myx.LocalFile for LOAD DATA
// LOCAL INFILE.
//
// # Values
//
// Rows hand database/sql the types go-sql-driver/mysql gives on its prepared-statement path,
// in both protocols (myx.Rows.DriverValues, the driver face of myx's decoding table): int64 for
// integer columns and YEAR, and for BIGINT UNSIGNED up to math.MaxInt64 (uint64 above),
// float32 for FLOAT, float64 for DOUBLE, and []byte for the rest: DECIMAL as exact text, TIME
// as "HH:MM:SS[.ffffff]" (possibly negative or beyond 24 hours), strings, BLOBs, JSON, ENUM,
// SET, BIT (raw bits), GEOMETRY. DATE, DATETIME and TIMESTAMP follow the DSN's parseTime, as in
// go-sql-driver: off (the default), their MySQL text as []byte ("2012-06-14",
// "2011-11-20 21:27:37", with the column's fractional digits); with parseTime=true, time.Time
// in the DSN's loc (UTC by default), the zero date 0000-00-00 as the zero time.Time. A date
// with a zero month or day arrives as its text either way, since a time.Time cannot hold it.
// NULL is nil. The []byte values are not copied for sql.RawBytes destinations (valid until the
// next Next, as database/sql documents); database/sql copies them for every other destination.
//
// Column types (Rows.ColumnTypes) are reported as go-sql-driver/mysql reports them: database
// type names ("INT", "UNSIGNED BIGINT", "VARCHAR", "DECIMAL", "DATETIME", "TEXT", "BLOB", ...;
// servers send every TEXT and BLOB column as "TEXT" or "BLOB", whatever its size), scan
// types, nullability, and DecimalSize for DECIMAL, DATETIME, TIMESTAMP, TIME (fractional
// digits), FLOAT and DOUBLE. Like go-sql-driver, no column reports a Length (ok is false):
// a length where go-sql-driver has none would change what code reading it does (GORM's
// migrator falls back to it); myx.Column.Length has the server's figure. With
// columnsWithAlias=true, column names are "table.column" (the table's alias in the query when
// it has one).
//
// # Errors, retries and cancellation
//
// Errors are myx's: *myx.MySQLError for server errors (errors.As works), *myx.ConnError for
// a lost connection, *myx.TimeoutError inside it when readTimeout or writeTimeout ran out.
// A statement stopped by its context returns the context's error itself (err ==
// context.Canceled holds), as with go-sql-driver; the native API's *myx.InterruptedError,
// with more detail, is what myx.Conn returns. driver.ErrBadConn, which makes database/sql
// run the call again on another connection, is returned only when that is safe: nothing of
// the statement reached the server (myx.SafeToRetry), for example when the server closed an
// idle connection, or, with rejectReadOnly=true, the server refused a write as read only
// (errors 1290, 1792, 1836: the connection is discarded, as go-sql-driver does for a writer
// demoted in a failover). For a read-only refusal the error is driver.ErrBadConn itself
// (err == driver.ErrBadConn holds, as with go-sql-driver; the native API keeps the server's
// *myx.MySQLError); otherwise it also unwraps to myx's. A statement that may have run is
// never retried.
//
// A context that ends during a call stops the statement on the server (KILL QUERY); the
// connection goes back to the pool when it is usable and is discarded otherwise.
//
// # Results
//
// A multi-statement Exec (multiStatements=true) reports the last statement's rows affected
// and last insert id, as go-sql-driver does; the driver's Result (see Result) gives every
// statement's.
//
// # Sessions
//
// As with go-sql-driver, the session belongs to the connection for its lifetime: user
// variables, temporary tables and session settings (SET SESSION ..., SET FOREIGN_KEY_CHECKS,
// USE) made through one use are still there when database/sql hands the connection out
// again. Before reuse the driver checks without a round trip that the server has not closed
// the connection (checkConnLiveness=false turns that off) and rolls back a transaction left
// open (through Conn or sql.Conn.Raw). With resetSession=true (Config.ResetSession), a
// session the server flagged as changed is reset (COM_RESET_CONNECTION, then the configured
// session settings) before reuse instead, as the native pool always does.
package stdlib

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	"github.com/myxdb/myx"
)

// DriverName is the name the driver is registered under with database/sql.
const DriverName = "myx"

func init() {
	sql.Register(DriverName, Driver{})
}

// Driver is the database/sql driver. It is registered as "myx"; register it under another
// name with sql.Register if needed. The zero value is ready to use.
type Driver struct{}

var (
	_ driver.Driver        = Driver{}
	_ driver.DriverContext = Driver{}
)

// Open opens a connection for a DSN in either form myx.ParseConfig accepts. database/sql uses
// OpenConnector instead, which parses the DSN once.
func (d Driver) Open(dsn string) (driver.Conn, error) {
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return NewConnector(cfg).Connect(context.Background())
}

// OpenConnector parses dsn (see myx.ParseConfig) and returns a Connector for it; sql.Open
// reports a malformed DSN through it. The password never appears in its errors.
func (d Driver) OpenConnector(dsn string) (driver.Connector, error) {
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return NewConnector(cfg), nil
}

// Connector opens connections with a fixed configuration; sql.OpenDB turns it into a *sql.DB.
type Connector struct {
	cfg *myx.Config
}

var _ driver.Connector = (*Connector)(nil)

// NewConnector returns a Connector for cfg, which must not be modified afterwards.
func NewConnector(cfg *myx.Config) *Connector {
	return &Connector{cfg: cfg}
}

// OpenDB returns a *sql.DB whose connections are opened with cfg, which must not be modified
// afterwards. Like sql.Open, it does not connect until the first use (call PingContext to
// check the configuration).
func OpenDB(cfg *myx.Config) *sql.DB {
	return sql.OpenDB(NewConnector(cfg))
}

// Connect opens a connection. The context bounds dialing and the handshake, as does the
// configuration's ConnectTimeout.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	mc, err := myx.ConnectConfig(ctx, c.cfg)
	if err != nil {
		return nil, err
	}
	mc.SetGoSQLDriverArguments(true)
	return &DriverConn{mc: mc}, nil
}

// Driver returns the Driver.
func (c *Connector) Driver() driver.Driver { return Driver{} }

// Config returns the configuration connections are opened with. It must not be modified.
func (c *Connector) Config() *myx.Config { return c.cfg }

// ErrNotMyx is returned by Conn when the *sql.Conn does not come from this driver.
var ErrNotMyx = errors.New("myx/stdlib: the connection does not belong to the myx driver")

// Conn runs f with the *myx.Conn under c, for what database/sql cannot express (Batch,
// ExecMany, CopyFrom, ConnID, ...). f must not keep the *myx.Conn after it returns, and must
// close any myx.Rows it opens. What f does to the session (variables, an open transaction)
// stays visible through c; after c is closed, a transaction left open is rolled back before
// database/sql hands the connection out again, and the rest of the session stays (or is
// reset, with resetSession=true; see Sessions in the package documentation). f may reset the
// session itself: statements prepared through c are prepared again when next used. Conn returns f's error, or ErrNotMyx when c comes from another driver.
func Conn(c *sql.Conn, f func(*myx.Conn) error) error {
	return c.Raw(func(dc any) error {
		d, ok := dc.(*DriverConn)
		if !ok {
			return ErrNotMyx
		}
		return f(d.mc)
	})
}
