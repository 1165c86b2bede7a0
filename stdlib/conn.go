package stdlib

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/myxdb/myx"
)

// DriverConn is the driver.Conn of this package: one *myx.Conn. database/sql uses it from one
// goroutine at a time. Reach it with sql.Conn.Raw (or, simpler, with the Conn function).
type DriverConn struct {
	mc *myx.Conn
	// gen counts the session resets this driver performed: a prepared statement made before
	// the last one no longer exists on the server.
	gen uint64
	// dirty asks for a session reset before the next reuse (a BeginTx that failed after it
	// set the isolation level of the next transaction).
	dirty bool
	// args is reused to pass arguments to the *myx.Conn.
	args []any
}

var (
	_ driver.Conn               = (*DriverConn)(nil)
	_ driver.ConnBeginTx        = (*DriverConn)(nil)
	_ driver.ConnPrepareContext = (*DriverConn)(nil)
	_ driver.ExecerContext      = (*DriverConn)(nil)
	_ driver.QueryerContext     = (*DriverConn)(nil)
	_ driver.Pinger             = (*DriverConn)(nil)
	_ driver.SessionResetter    = (*DriverConn)(nil)
	_ driver.Validator          = (*DriverConn)(nil)
	_ driver.NamedValueChecker  = (*DriverConn)(nil)
)

// Conn returns the underlying *myx.Conn. It is only for use inside sql.Conn.Raw, and must not
// be kept afterwards. It encodes arguments as go-sql-driver does, as the database/sql face
// does (myx.Conn.SetGoSQLDriverArguments).
func (c *DriverConn) Conn() *myx.Conn { return c.mc }

// badConnError is driver.ErrBadConn carrying the myx error that made the call safe to retry:
// errors.Is(err, driver.ErrBadConn) holds, and errors.As finds the *myx.ConnError.
type badConnError struct{ err error }

func (e *badConnError) Error() string { return "driver: bad connection: " + e.err.Error() }

func (e *badConnError) Is(target error) bool { return target == driver.ErrBadConn }

func (e *badConnError) Unwrap() error { return e.err }

// errClosed is returned for a call on a connection that was already closed: nothing was sent.
var errClosed = &badConnError{err: myx.ErrConnClosed}

// mapErr turns a myx error into what database/sql should see, as go-sql-driver would
// report it:
//   - after an interruption by the context, the context's error itself (context.Canceled or
//     context.DeadlineExceeded, so that err == ctx.Err() holds);
//   - driver.ErrBadConn itself (err == driver.ErrBadConn holds, as with go-sql-driver) when
//     the server refused a write as read only and Config.RejectReadOnly closed the
//     connection, so that database/sql runs the call again on another connection;
//   - driver.ErrBadConn wrapping err, for the same retry, when nothing of the command reached
//     the server;
//   - err itself otherwise.
func mapErr(cfg *myx.Config, err error) error {
	if err == nil {
		return nil
	}
	var ie *myx.InterruptedError
	if errors.As(err, &ie) && ie.Cause != nil {
		return ie.Cause
	}
	if cfg.RejectReadOnly && myx.IsReadOnlyError(err) {
		return driver.ErrBadConn
	}
	if myx.SafeToRetry(err) {
		return &badConnError{err: err}
	}
	return err
}

// argsOf converts database/sql's arguments into the reusable argument slice. The caller
// clears it after the call (releaseArgs) so that it keeps nothing alive.
func (c *DriverConn) argsOf(named []driver.NamedValue) []any {
	if len(named) == 0 {
		return nil
	}
	a := c.args[:0]
	for i := range named {
		a = append(a, named[i].Value)
	}
	c.args = a
	return a
}

func (c *DriverConn) releaseArgs(a []any) {
	clear(a)
	if cap(a) > 256 {
		c.args = nil // do not keep a large slice for the connection's lifetime
	}
}

// Prepare is PrepareContext without a context.
func (c *DriverConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext creates a server-side prepared statement (myx.Conn.Prepare). It stays valid
// across session resets: it is prepared again, once, when the server no longer has it.
func (c *DriverConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if c.mc.IsClosed() {
		return nil, errClosed
	}
	ms, err := c.mc.Prepare(ctx, query)
	if err != nil {
		return nil, mapErr(c.mc.Config(), err)
	}
	return &stmt{c: c, query: query, ms: ms, gen: c.gen}, nil
}

// Close closes the connection (COM_QUIT, then the socket).
func (c *DriverConn) Close() error {
	return c.mc.Close(context.Background())
}

// Begin is BeginTx with default options.
func (c *DriverConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx starts a transaction. The isolation levels MySQL and MariaDB have (read
// uncommitted, read committed, repeatable read, serializable) apply to this transaction only;
// any other level is an error, as the server has no equivalent. ReadOnly starts it READ ONLY.
// Commit runs under ctx (database/sql's rule: the context is used until the transaction ends);
// Rollback runs under ctx without its cancellation, since database/sql rolls back when ctx
// ends.
func (c *DriverConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	var o myx.TxOptions
	switch level := sql.IsolationLevel(opts.Isolation); level {
	case sql.LevelDefault:
	case sql.LevelReadUncommitted:
		o.IsoLevel = myx.ReadUncommitted
	case sql.LevelReadCommitted:
		o.IsoLevel = myx.ReadCommitted
	case sql.LevelRepeatableRead:
		o.IsoLevel = myx.RepeatableRead
	case sql.LevelSerializable:
		o.IsoLevel = myx.Serializable
	default:
		return nil, fmt.Errorf("myx/stdlib: isolation level %s is not supported by MySQL or MariaDB (use read uncommitted, read committed, repeatable read or serializable)", level)
	}
	o.ReadOnly = opts.ReadOnly
	if c.mc.IsClosed() {
		return nil, errClosed
	}
	mt, err := c.mc.BeginTx(ctx, o)
	if err != nil {
		if o.IsoLevel != "" && !c.mc.IsClosed() {
			// SET TRANSACTION may have applied to the next transaction; reset before reuse.
			c.dirty = true
		}
		return nil, mapErr(c.mc.Config(), err)
	}
	return &tx{mt: mt, mc: c.mc, ctx: ctx}, nil
}

// ExecContext runs a statement through the connection's statement cache (or interpolation),
// without a separate prepare.
func (c *DriverConn) ExecContext(ctx context.Context, query string, named []driver.NamedValue) (driver.Result, error) {
	if c.mc.IsClosed() {
		return nil, errClosed
	}
	args := c.argsOf(named)
	res, err := c.mc.Exec(ctx, query, args...)
	c.releaseArgs(args)
	if err != nil {
		return nil, mapErr(c.mc.Config(), err)
	}
	return result{res}, nil
}

// QueryContext runs a query through the connection's statement cache (or interpolation) and
// streams its rows. Leading results without columns (from statements before a SELECT in a
// multi-statement query) are skipped, as go-sql-driver does.
func (c *DriverConn) QueryContext(ctx context.Context, query string, named []driver.NamedValue) (driver.Rows, error) {
	if c.mc.IsClosed() {
		return nil, errClosed
	}
	args := c.argsOf(named)
	mr, err := c.mc.Query(ctx, query, args...)
	c.releaseArgs(args)
	if err != nil {
		return nil, mapErr(c.mc.Config(), err)
	}
	return newRows(mr, c.mc.Config())
}

// Ping checks the connection with COM_PING. A failure that lost the connection is reported
// as driver.ErrBadConn (a ping is always safe to repeat elsewhere).
func (c *DriverConn) Ping(ctx context.Context) error {
	if c.mc.IsClosed() {
		return errClosed
	}
	err := c.mc.Ping(ctx)
	var ie *myx.InterruptedError
	if errors.As(err, &ie) && ie.Cause != nil {
		return ie.Cause
	}
	if err != nil && (c.mc.IsClosed() || myx.IsConnLost(err)) {
		return &badConnError{err: err}
	}
	return err
}

// ResetSession is called by database/sql before it reuses the connection. It reports
// driver.ErrBadConn, so that another connection is used, when the connection is closed or the
// server closed it while idle (checked without a round trip, as go-sql-driver's
// checkConnLiveness; Config.NoLivenessCheck turns the check off).
//
// The session persists from one use to the next, as with go-sql-driver: user variables,
// temporary tables and session settings stay. A transaction left open (through Conn or
// sql.Conn.Raw) is rolled back. With Config.ResetSession (DSN resetSession=true) the session
// is reset (COM_RESET_CONNECTION, then the configured session settings again) when the server
// flagged a change; it is also reset after a failed BeginTx that may have left a pending
// isolation level. A rollback or reset that fails gives driver.ErrBadConn. Nothing of the
// caller's statement has been sent at this point, so a retry is always safe.
func (c *DriverConn) ResetSession(ctx context.Context) error {
	mc := c.mc
	if mc.IsClosed() {
		return errClosed
	}
	cfg := mc.Config()
	if !cfg.NoLivenessCheck {
		if err := mc.CheckConn(); err != nil {
			mc.Close(context.Background())
			return &badConnError{err: err}
		}
	}
	if c.dirty || cfg.ResetSession && (mc.InTransaction() || mc.SessionChanged()) {
		if err := mc.ResetSession(ctx); err != nil {
			mc.Close(context.Background())
			return &badConnError{err: err}
		}
		c.gen++
		c.dirty = false
	} else if mc.InTransaction() {
		if _, err := mc.Exec(ctx, "ROLLBACK"); err != nil {
			mc.Close(context.Background())
			return &badConnError{err: err}
		}
	}
	return nil
}

// IsValid reports whether the connection may go back to database/sql's pool: false once it
// has been closed (after a lost connection, or a cancellation it could not recover from).
func (c *DriverConn) IsValid() bool { return !c.mc.IsClosed() }

// CheckNamedValue accepts the argument types myx binds itself (see the package
// documentation) and leaves other types to database/sql's default conversion. A named
// argument (sql.Named) is an error: MySQL has only positional '?' placeholders.
func (c *DriverConn) CheckNamedValue(nv *driver.NamedValue) error {
	return checkNamedValue(nv)
}

// errNamedArgs is wrapped by the error for a sql.Named argument.
var errNamedArgs = errors.New("myx/stdlib: named arguments are not supported (MySQL has only positional ? placeholders)")

func checkNamedValue(nv *driver.NamedValue) error {
	if nv.Name != "" {
		return fmt.Errorf("%w: argument %q", errNamedArgs, nv.Name)
	}
	switch nv.Value.(type) {
	case nil, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, bool, string, []byte, json.RawMessage, time.Time, time.Duration,
		driver.Valuer, *myx.LocalFile:
		return nil
	}
	switch reflect.ValueOf(nv.Value).Kind() {
	case reflect.Pointer, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.Bool, reflect.String:
		return nil
	case reflect.Slice:
		if reflect.TypeOf(nv.Value).Elem().Kind() == reflect.Uint8 {
			return nil
		}
	}
	return driver.ErrSkip
}

// Result is the driver.Result of this driver's Exec calls, with what database/sql's Result
// cannot say: the outcome of each statement of a multi-statement Exec. It has the methods of
// go-sql-driver's mysql.Result. Reach it through sql.Conn.Raw:
//
//	err := conn.Raw(func(dc any) error {
//		res, err := dc.(driver.ExecerContext).ExecContext(ctx, "UPDATE a ...; UPDATE b ...", nil)
//		if err != nil {
//			return err
//		}
//		affected := res.(stdlib.Result).AllRowsAffected()
//		...
//	})
type Result interface {
	driver.Result
	// AllRowsAffected gives each statement's rows affected, in order (one entry for a single
	// statement; zero for a statement that returned rows).
	AllRowsAffected() []int64
	// AllLastInsertIds gives each statement's last insert id, in order.
	AllLastInsertIds() []int64
}

// result is the outcome of ExecContext.
type result struct{ r myx.Result }

var _ Result = result{}

func toInt64(what string, v uint64) (int64, error) {
	if v > 1<<63-1 {
		return 0, fmt.Errorf("myx/stdlib: %s %d overflows int64", what, v)
	}
	return int64(v), nil
}

// LastInsertId is the last insert id the server reported for the last statement, as
// go-sql-driver reports it: the AUTO_INCREMENT value generated for its first inserted row, 0
// if it generated none.
func (r result) LastInsertId() (int64, error) {
	if all := r.r.Statements(); len(all) > 0 {
		return toInt64("last insert id", all[len(all)-1].LastInsertID)
	}
	return toInt64("last insert id", r.r.LastInsertID)
}

// RowsAffected is the number of rows the last statement changed (matched, with
// clientFoundRows).
func (r result) RowsAffected() (int64, error) {
	if all := r.r.Statements(); len(all) > 0 {
		return toInt64("rows affected", all[len(all)-1].RowsAffected)
	}
	return toInt64("rows affected", r.r.RowsAffected)
}

// AllRowsAffected gives each statement's rows affected (values beyond the int64 range wrap,
// which no server produces).
func (r result) AllRowsAffected() []int64 {
	all := r.r.Statements()
	if len(all) == 0 {
		return []int64{int64(r.r.RowsAffected)}
	}
	out := make([]int64, len(all))
	for i, s := range all {
		out[i] = int64(s.RowsAffected)
	}
	return out
}

// AllLastInsertIds gives each statement's last insert id.
func (r result) AllLastInsertIds() []int64 {
	all := r.r.Statements()
	if len(all) == 0 {
		return []int64{int64(r.r.LastInsertID)}
	}
	out := make([]int64, len(all))
	for i, s := range all {
		out[i] = int64(s.LastInsertID)
	}
	return out
}
