package sqlb

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/myxdb/myx"
)

// Executor runs SQL text. A *myx.Conn, a myx.Tx and a *pool.Pool all satisfy it, so every
// statement of this package executes the same way on a connection, inside a transaction
// or through a pool.
type Executor interface {
	Exec(ctx context.Context, query string, args ...any) (myx.Result, error)
	Query(ctx context.Context, query string, args ...any) (*myx.Rows, error)
}

// DialectOf returns the dialect that statements executed through ex are compiled for,
// and whether ex told it. It asks, in this order:
//
//   - a SQLDialect() Dialect method (see WithDialect and Detect);
//   - a ServerInfo() myx.ServerInfo method, as *myx.Conn has;
//   - a ServerInfo(context.Context) (myx.ServerInfo, error) method, as *pool.Pool has:
//     the pool's server, which the pool may have to connect to learn (bounded by ctx);
//     when it cannot, DialectOf returns that error, never a guess;
//   - a Conn() *myx.Conn method, as myx.Tx has (the connection's server).
//
// When ex tells nothing it returns DefaultDialect and false; wrap such executors with
// WithDialect or Detect.
func DialectOf(ctx context.Context, ex Executor) (d Dialect, known bool, err error) {
	if isNilExecutor(ex) {
		return DefaultDialect, false, nil
	}
	switch e := ex.(type) {
	case interface{ SQLDialect() Dialect }:
		return e.SQLDialect(), true, nil
	case interface{ ServerInfo() myx.ServerInfo }:
		if info := e.ServerInfo(); info.Version != "" {
			return DialectForServer(info), true, nil
		}
	case interface {
		ServerInfo(context.Context) (myx.ServerInfo, error)
	}:
		info, err := e.ServerInfo(ctx)
		if err != nil {
			return Dialect{}, false, fmt.Errorf("sqlb: learning the server's version: %w", err)
		}
		return DialectForServer(info), true, nil
	case interface{ Conn() *myx.Conn }:
		if c := e.Conn(); c != nil {
			return DialectForServer(c.ServerInfo()), true, nil
		}
	}
	return DefaultDialect, false, nil
}

// DialectForServer returns the dialect of the server a connection reports: its flavour
// and that flavour's version (for TiDB its own release, not the MySQL version it reports
// first). NoBackslashEscapes is false: the SQL mode is checked when a statement needs it
// (see Compiled.DependsOnSQLMode).
func DialectForServer(info myx.ServerInfo) Dialect {
	v := info.Number()
	switch info.Flavor {
	case myx.MariaDB:
		return Dialect{Flavor: FlavorMariaDB, Version: v}
	case myx.TiDB:
		return Dialect{Flavor: FlavorTiDB, Version: v}
	}
	return Dialect{Flavor: FlavorMySQL, Version: v}
}

// WithDialect returns an executor that runs statements on ex, compiled for d. Use it for
// executors that cannot tell their server, or to target an older version on purpose. The
// result has only the Executor methods and SQLDialect.
func WithDialect(ex Executor, d Dialect) Executor {
	if isNilExecutor(ex) {
		return nil
	}
	if w, ok := ex.(dialectExecutor); ok {
		ex = w.Executor
	}
	return dialectExecutor{Executor: ex, dialect: d.resolved()}
}

// isNilExecutor reports whether ex is nil or a nil pointer (or other nil value) in an
// interface, which cannot run anything.
func isNilExecutor(ex Executor) bool {
	if ex == nil {
		return true
	}
	switch v := reflect.ValueOf(ex); v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return v.IsNil()
	}
	return false
}

// dialectExecutor is an Executor with a fixed dialect.
type dialectExecutor struct {
	Executor
	dialect Dialect
}

// SQLDialect is the dialect given to WithDialect.
func (e dialectExecutor) SQLDialect() Dialect { return e.dialect }

// Detect asks the server behind ex for its version and SQL mode (one query) and returns
// WithDialect(ex, that dialect). Use it once for an executor that cannot tell its server
// (a wrapper of your own, say), or to fix the session's SQL mode along with the version,
// and keep the result.
func Detect(ctx context.Context, ex Executor) (Executor, error) {
	if isNilExecutor(ex) {
		return nil, errors.New("sqlb: Detect with a nil Executor")
	}
	rows, err := ex.Query(ctx, "SELECT VERSION(), @@SESSION.sql_mode")
	if err != nil {
		return nil, err
	}
	var version, mode string
	err = scanOne(rows, &version, &mode)
	if err != nil {
		return nil, fmt.Errorf("sqlb: reading the server version: %w", err)
	}
	d, err := ParseServerVersion(version)
	if err != nil {
		return nil, err
	}
	d.NoBackslashEscapes = hasSQLMode(mode, "NO_BACKSLASH_ESCAPES")
	return WithDialect(ex, d), nil
}

// connOf returns the single connection behind ex, if it has one (a Conn or a Tx).
func connOf(ex Executor) *myx.Conn {
	if w, ok := ex.(dialectExecutor); ok {
		ex = w.Executor
	}
	switch e := ex.(type) {
	case *myx.Conn:
		return e
	case interface{ Conn() *myx.Conn }:
		return e.Conn()
	}
	return nil
}

// scanOne reads the only row of rows into dest and closes rows.
func scanOne(rows *myx.Rows, dest ...any) error {
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Close(); err != nil {
			return err
		}
		return myx.ErrNoRows
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	return rows.Close()
}

// hasSQLMode reports whether the comma-separated sql_mode value contains mode.
func hasSQLMode(sqlMode, mode string) bool {
	for m := range strings.SplitSeq(sqlMode, ",") {
		if strings.EqualFold(strings.TrimSpace(m), mode) {
			return true
		}
	}
	return false
}

// CompileFor compiles stmt for the server behind ex, as Exec and Query do: for the
// dialect DialectOf reports (an error when a pool cannot reach its server to learn it),
// and, when the statement writes a literal that depends on the NO_BACKSLASH_ESCAPES SQL
// mode (DDL defaults and comments with backslashes or control characters, an ESCAPE
// backslash), for the session's actual mode, which it then asks the server for. A
// feature the server lacks is an error matching ErrUnsupported, returned before anything
// is sent. Through a pool the SQL mode read is that of the connection that answers,
// which is right when, as usual, every connection of the pool runs the same mode.
func CompileFor(ctx context.Context, ex Executor, stmt Statement) (Compiled, error) {
	switch {
	case isNilExecutor(ex):
		return Compiled{}, errors.New("sqlb: nil Executor")
	case stmt == nil:
		return Compiled{}, errors.New("sqlb: nil Statement")
	}
	d, _, err := DialectOf(ctx, ex)
	if err != nil {
		return Compiled{}, err
	}
	c, err := stmt.Compile(d)
	if err != nil || !c.modeSensitive {
		return c, err
	}
	if conn := connOf(ex); conn != nil {
		// A connection knows its mode from the server's status flags: no query needed.
		if nbe := conn.NoBackslashEscapes(); nbe != c.dialect.NoBackslashEscapes {
			d.NoBackslashEscapes = nbe
			return stmt.Compile(d)
		}
		return c, nil
	}
	rows, err := ex.Query(ctx, "SELECT @@SESSION.sql_mode")
	if err != nil {
		return Compiled{}, err
	}
	var mode string
	if err := scanOne(rows, &mode); err != nil {
		return Compiled{}, fmt.Errorf("sqlb: reading the session's sql_mode: %w", err)
	}
	if nbe := hasSQLMode(mode, "NO_BACKSLASH_ESCAPES"); nbe != c.dialect.NoBackslashEscapes {
		d.NoBackslashEscapes = nbe
		return stmt.Compile(d)
	}
	return c, nil
}

// Exec compiles stmt for the server behind ex (see CompileFor) and executes it. Rows the
// statement returns, if any, are discarded; use Query to read them.
func Exec(ctx context.Context, ex Executor, stmt Statement) (myx.Result, error) {
	c, err := CompileFor(ctx, ex, stmt)
	if err != nil {
		return myx.Result{}, err
	}
	return ex.Exec(withStatementInfo(ctx, stmt), c.SQL, c.Args...)
}

// Query compiles stmt for the server behind ex (see CompileFor), executes it and returns
// its rows, which know the statement's columns: read values with Get, GetLabel and Scan,
// or map them to structs with Collect and ScanStruct. The rows must be closed (reading
// them to the end closes them).
func Query(ctx context.Context, ex Executor, stmt Statement) (*Rows, error) {
	c, err := CompileFor(ctx, ex, stmt)
	if err != nil {
		return nil, err
	}
	raw, err := ex.Query(withStatementInfo(ctx, stmt), c.SQL, c.Args...)
	if err != nil {
		return nil, err
	}
	return newRows(raw, c), nil
}

// withStatementInfo tells the tracers of the connection that runs stmt its operation and
// table exactly (myx.WithStatementInfo), for the statements whose shape sqlb knows: SELECT
// with an explicit FROM (its table when it is one, none with joins, derived tables or CTEs),
// compound SELECTs, INSERT, REPLACE, UPDATE and DELETE (no table for the multiple-table
// forms). Other statements (a SELECT whose FROM is inferred, DDL) are left to the lexer, which
// reads the compiled text. It costs one context per call (sqlb cannot know whether a tracer is set).
func withStatementInfo(ctx context.Context, stmt Statement) context.Context {
	var op string
	var table *Table
	switch s := stmt.(type) {
	case SelectStmt:
		if len(s.from) == 0 {
			return ctx // FROM is inferred when compiling: the lexer reads it from the text
		}
		op = "SELECT"
		if len(s.from) == 1 && s.from[0].join == joinNone && len(s.with) == 0 {
			table, _ = s.from[0].item.(*Table)
		}
	case CompoundSelect:
		op = "SELECT"
	case InsertStmt:
		op, table = "INSERT", s.table
		if s.replace {
			op = "REPLACE"
		}
	case UpdateStmt:
		op = "UPDATE"
		if len(s.joins) == 0 {
			table = s.table
		}
	case DeleteStmt:
		op = "DELETE"
		if len(s.joins) == 0 {
			table = s.table
		}
	default:
		return ctx
	}
	info := myx.StatementInfo{Operation: op, Summary: op}
	if table != nil {
		b := table.base()
		info.Collection = b.name
		if schema := b.options.Schema; schema != "" {
			info.Collection = schema + "." + b.name
		}
		info.Summary = op + " " + info.Collection
	}
	return myx.WithStatementInfo(ctx, info)
}
