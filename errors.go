package myx

import (
	"database/sql"
	"errors"
	"fmt"
)

// MySQLError is an error reported by the server in an ERR packet. The connection that received
// it remains usable.
type MySQLError struct {
	Number   uint16 // the server error code, e.g. 1062 for a duplicate key
	SQLState string // five characters, e.g. "23000"; empty when the server sent none
	Message  string
}

func (e *MySQLError) Error() string {
	if e.SQLState != "" {
		return fmt.Sprintf("Error %d (%s): %s", e.Number, e.SQLState, e.Message)
	}
	return fmt.Sprintf("Error %d: %s", e.Number, e.Message)
}

// Is reports whether target is a *MySQLError with the same Number, so that
// errors.Is(err, &myx.MySQLError{Number: 1062}) matches any duplicate-key error.
func (e *MySQLError) Is(target error) bool {
	t, ok := target.(*MySQLError)
	return ok && t.Number == e.Number
}

// Server error numbers myx itself acts on.
const (
	ErNoSuchTable         = 1146
	ErDupEntry            = 1062
	ErLockWaitTimeout     = 1205
	ErLockDeadlock        = 1213
	ErQueryInterrupted    = 1317
	ErUnknownStmtHandler  = 1243
	ErUnsupportedPS       = 1295 // this command is not supported in the prepared statement protocol
	ErUnknownCommand      = 1047 // e.g. a proxy without prepared statements
	ErNeedReprepare       = 1615
	ErConnectionKilled    = 1927 // MariaDB: the connection was killed
	ErServerShutdown      = 1053
	ErMaxPreparedStmtCnt  = 1461
	ErStatementTimeout    = 1969 // MariaDB max_statement_time exceeded
	ErQueryTimeoutMySQL   = 3024 // MySQL max_execution_time exceeded
	ErClientInteractionTO = 4031 // MySQL 8.0.24+: disconnected by the server for inactivity
)

// ErrNoRows is returned by Row.Scan and CollectOneRow when the query returned no rows. It is
// database/sql's sql.ErrNoRows, so code written for either package recognises it.
var ErrNoRows = sql.ErrNoRows

// ErrTooManyRows is returned by CollectExactlyOneRow when more than one row came back.
var ErrTooManyRows = errors.New("myx: too many rows in result set")

// ErrConnClosed is returned by every method of a Conn after Close, or after the connection was
// lost and closed.
var ErrConnClosed = errors.New("myx: connection closed")

// ErrConnBusy is returned when a command is issued while a Rows from the same connection is
// still open; close the Rows first.
var ErrConnBusy = errors.New("myx: connection busy: a result is still being read (close the Rows first)")

// ErrTxClosed is returned by Commit and Rollback on a transaction already committed or rolled
// back.
var ErrTxClosed = errors.New("myx: transaction already committed or rolled back")

// ErrLocalInfileDenied is returned when the server asked for a LOCAL INFILE the caller did not
// pass to that statement. Nothing was sent to the server.
var ErrLocalInfileDenied = errors.New("myx: the server asked for a local file that was not passed to this statement; nothing was sent")

// ConnError reports that the connection to the server failed (I/O error, protocol violation,
// server gone). The connection is closed afterwards. Unwrap gives the underlying error.
type ConnError struct {
	Op  string // what was under way: "dial", "handshake", "write", "read", ...
	Err error
	// safe is set when the failure happened before any byte of the failing command reached the
	// server, so running the command again elsewhere cannot run it twice.
	safe bool
}

func (e *ConnError) Error() string {
	if e.safe {
		return fmt.Sprintf("myx: %s: %v (nothing was sent)", e.Op, e.Err)
	}
	return fmt.Sprintf("myx: %s: %v", e.Op, e.Err)
}

func (e *ConnError) Unwrap() error { return e.Err }

// SafeToRetry reports whether the command was certainly not executed by the server.
func (e *ConnError) SafeToRetry() bool { return e.safe }

// sentBefore marks a failure as unsafe to retry: part of the command (for example the
// statement of a LOAD DATA LOCAL whose file data then failed to go out) reached the server
// before this write failed.
func sentBefore(err error) error {
	var ce *ConnError
	if errors.As(err, &ce) && ce.safe {
		return &ConnError{Op: ce.Op, Err: ce.Err}
	}
	return err
}

// InterruptedError is returned when a context ended while the server was working for the call.
// errors.Is(err, context.Canceled) or context.DeadlineExceeded holds; Server is the server's
// error for the interrupted statement (usually 1317), if one arrived; ConnClosed reports whether
// the connection had to be closed because it could not be brought back to a known state.
// Completed reports that the server finished the statement despite the interruption (its
// effects are applied, as for an interrupted SLEEP or a statement that was about to finish).
type InterruptedError struct {
	Cause      error // ctx.Err()
	Server     error
	ConnClosed bool
	Completed  bool
}

func (e *InterruptedError) Error() string {
	s := "myx: interrupted: " + e.Cause.Error()
	if e.Server != nil {
		s += " (" + e.Server.Error() + ")"
	}
	if e.ConnClosed {
		s += "; connection closed"
	}
	if e.Completed {
		s += "; the statement completed on the server"
	}
	return s
}

// Unwrap gives the context's error and the server's error.
func (e *InterruptedError) Unwrap() []error {
	if e.Server != nil {
		return []error{e.Cause, e.Server}
	}
	return []error{e.Cause}
}

// SafeToRetry reports whether err certainly left the database unchanged by the failed call: the
// connection failed before any byte of the command was sent (for example, a connection the
// server had already closed was found stale). A *MySQLError is never safe by this rule: the
// statement reached the server.
func SafeToRetry(err error) bool {
	var s interface{ SafeToRetry() bool }
	if errors.As(err, &s) {
		return s.SafeToRetry()
	}
	return false
}

// IsConnLost reports whether err means the connection to the server was lost or is unusable
// (as opposed to an error the server reported for a statement).
func IsConnLost(err error) bool {
	var ce *ConnError
	if errors.As(err, &ce) {
		return true
	}
	return errors.Is(err, ErrConnClosed)
}

// isRetryableTxError reports server errors after which the whole transaction may be retried.
func isRetryableTxError(err error) bool {
	var me *MySQLError
	if errors.As(err, &me) {
		return me.Number == ErLockDeadlock || me.Number == ErLockWaitTimeout
	}
	return false
}
