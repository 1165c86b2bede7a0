package stdlib

import (
	"context"
	"database/sql/driver"
	"errors"

	"github.com/myxdb/myx"
)

// stmt is a server-side prepared statement on one connection.
type stmt struct {
	c     *DriverConn
	query string
	ms    *myx.Stmt
	gen   uint64 // c.gen when ms was prepared
}

var (
	_ driver.Stmt             = (*stmt)(nil)
	_ driver.StmtExecContext  = (*stmt)(nil)
	_ driver.StmtQueryContext = (*stmt)(nil)
)

// Close deallocates the statement on the server (the COM_STMT_CLOSE travels without waiting
// for a reply). A statement the server already forgot (its session was reset) is not closed.
func (s *stmt) Close() error {
	ms := s.ms
	s.ms = nil
	if ms == nil || s.gen != s.c.gen || s.c.mc.IsClosed() {
		return nil
	}
	return ms.Close(context.Background())
}

// NumInput is the number of '?' placeholders; database/sql checks the argument count.
func (s *stmt) NumInput() int {
	if s.ms == nil {
		return -1
	}
	return s.ms.ParamCount()
}

// Exec is ExecContext without a context.
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), valuesToNamed(args))
}

// Query is QueryContext without a context.
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), valuesToNamed(args))
}

func valuesToNamed(args []driver.Value) []driver.NamedValue {
	named := make([]driver.NamedValue, len(args))
	for i, v := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return named
}

// errStmtClosed is returned when a closed statement is used (database/sql does not do that).
var errStmtClosed = errors.New("myx/stdlib: statement is closed")

// ready makes sure the statement exists on the server: after a session reset by this driver it
// is prepared again.
func (s *stmt) ready(ctx context.Context) error {
	if s.ms == nil {
		return errStmtClosed
	}
	if s.c.mc.IsClosed() {
		return errClosed
	}
	if s.gen == s.c.gen {
		return nil
	}
	return s.reprepare(ctx)
}

// reprepare prepares the statement again; the old one is gone from the server, so it is
// dropped without a COM_STMT_CLOSE.
func (s *stmt) reprepare(ctx context.Context) error {
	ms, err := s.c.mc.Prepare(ctx, s.query)
	if err != nil {
		return mapErr(s.c.mc.Config(), err)
	}
	s.ms, s.gen = ms, s.c.gen
	return nil
}

// unknownStmt reports the server's "unknown prepared statement handler" (1243): the statement
// was not run, because the session was reset outside this driver (through Conn or Raw).
func unknownStmt(err error) bool {
	var me *myx.MySQLError
	return errors.As(err, &me) && me.EffectiveNumber() == myx.ErUnknownStmtHandler
}

// ExecContext runs the prepared statement.
func (s *stmt) ExecContext(ctx context.Context, named []driver.NamedValue) (driver.Result, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	args := s.c.argsOf(named)
	defer s.c.releaseArgs(args)
	res, err := s.ms.Exec(ctx, args...)
	if err != nil && unknownStmt(err) {
		if err = s.reprepare(ctx); err != nil {
			return nil, err
		}
		res, err = s.ms.Exec(ctx, args...)
	}
	if err != nil {
		return nil, mapErr(s.c.mc.Config(), err)
	}
	return result{res}, nil
}

// QueryContext runs the prepared statement and streams its rows.
func (s *stmt) QueryContext(ctx context.Context, named []driver.NamedValue) (driver.Rows, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	args := s.c.argsOf(named)
	defer s.c.releaseArgs(args)
	mr, err := s.ms.Query(ctx, args...)
	if err != nil && unknownStmt(err) {
		if err = s.reprepare(ctx); err != nil {
			return nil, err
		}
		mr, err = s.ms.Query(ctx, args...)
	}
	if err != nil {
		return nil, mapErr(s.c.mc.Config(), err)
	}
	return newRows(mr, s.c.mc.Config())
}
