package myx

// The error types and sentinels callers act on (MySQLError, ConnError, InterruptedError,
// SafeToRetry, IsConnLost), and how errors wrap one another so that each message names the
// package once.

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
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

// Is reports whether target is a *MySQLError with the same Number or EffectiveNumber, so
// that errors.Is(err, &myx.MySQLError{Number: 1062}) matches any duplicate-key error,
// including one a server passed on wrapped in ER_UNKNOWN_ERROR (see EffectiveNumber).
func (e *MySQLError) Is(target error) bool {
	t, ok := target.(*MySQLError)
	return ok && (t.Number == e.Number || t.Number == e.EffectiveNumber())
}

// EffectiveNumber is the number of the error the server means. It is Number, except when
// the server wrapped another error in ER_UNKNOWN_ERROR (1105), as TiDB does for errors
// raised outside its error registry: the message then starts with the wrapped error, in
// one of the two forms TiDB writes, "ERROR 1243 (HY000): Unknown prepared statement
// handler (5) given to mysqld_stmt_execute" or "[planner:1243]Unknown prepared statement
// handler ...", and EffectiveNumber is the wrapped number (1243), through up to 8 levels
// of wrapping.
// myx decides by this number wherever it acts on a server error: re-preparing a statement
// the server forgot, retrying a transaction after a deadlock or lock wait timeout,
// treating a connection as lost.
func (e *MySQLError) EffectiveNumber() uint16 {
	n, _ := unwrapServerError(e.Number, e.Message)
	return n
}

// erUnknownError is ER_UNKNOWN_ERROR, the number under which TiDB passes on errors it
// has no number of its own for, the wrapped error's text as the message.
const erUnknownError = 1105

// erNoSuchThread is ER_NO_SUCH_THREAD, the answer to KILL QUERY for a connection that is
// gone.
const erNoSuchThread = 1094

// unwrapServerError peels the errors wrapped in ER_UNKNOWN_ERROR off number and message:
// it returns the innermost number and the message after its prefix.
func unwrapServerError(number uint16, message string) (uint16, string) {
	for range 8 { // bounded: a message cannot make the loop run long
		if number != erUnknownError {
			break
		}
		n, rest, ok := cutWrappedError(message)
		if !ok {
			break
		}
		number, message = n, rest
	}
	return number, message
}

// cutWrappedError recognises the start of a wrapped error's text: "ERROR n (SQLSTATE): "
// (the form of TiDB's mysql.SQLError) or "[class:n]" (its terror.Error, class a lowercase
// word such as planner, executor, kv, tikv, ddl).
func cutWrappedError(m string) (uint16, string, bool) {
	if rest, ok := strings.CutPrefix(m, "ERROR "); ok {
		n, rest, ok := cutErrorNumber(rest)
		if !ok || len(rest) < 10 || rest[0] != ' ' || rest[1] != '(' || rest[7] != ')' || rest[8] != ':' || rest[9] != ' ' {
			return 0, "", false
		}
		for i := 2; i < 7; i++ {
			if c := rest[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
				return 0, "", false
			}
		}
		return n, rest[10:], true
	}
	if len(m) > 0 && m[0] == '[' {
		colon := strings.IndexByte(m, ':')
		if colon < 2 || colon > 32 {
			return 0, "", false
		}
		for i := 1; i < colon; i++ {
			if c := m[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9') {
				return 0, "", false
			}
		}
		n, rest, ok := cutErrorNumber(m[colon+1:])
		if !ok || len(rest) == 0 || rest[0] != ']' {
			return 0, "", false
		}
		return n, rest[1:], true
	}
	return 0, "", false
}

// cutErrorNumber reads the decimal error number s starts with (1 to 5 digits, at most
// 65535, not zero).
func cutErrorNumber(s string) (uint16, string, bool) {
	j := 0
	for j < len(s) && j < 6 && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == 0 || j > 5 {
		return 0, "", false
	}
	n, err := strconv.ParseUint(s[:j], 10, 16)
	if err != nil || n == 0 {
		return 0, "", false
	}
	return uint16(n), s[j:], true
}

// serverErrorNumber returns the EffectiveNumber of the *MySQLError in err's chain, and
// whether there is one.
func serverErrorNumber(err error) (uint16, bool) {
	if err == nil {
		return 0, false
	}
	var me *MySQLError
	if !errors.As(err, &me) {
		return 0, false
	}
	return me.EffectiveNumber(), true
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
// server gone). The connection is closed afterwards. Unwrap gives the underlying error (for a
// server that closed the connection, one that unwraps to what the read saw, such as io.EOF).
type ConnError struct {
	Op  string // what was under way: "dial", "handshake", "tls", "auth", "connect", "check", "write", "read", ...
	Err error
	// safe is set when the failure happened before any byte of the failing command reached the
	// server, so running the command again elsewhere cannot run it twice.
	safe bool
}

// Error says what failed once, in words: "myx: dial tcp 127.0.0.1:3307: connect: connection
// refused", "myx: connection closed by the server (idle)", "myx: authentication: ...". A write
// that failed before any byte of its command left says "(nothing was sent)".
func (e *ConnError) Error() string {
	var msg string
	if _, ok := e.Err.(*closedByServerError); ok {
		msg = "connection closed by the server" + closedWhen[e.Op]
	} else {
		msg = bare(e.Err)
		// Network errors name the operation themselves ("dial tcp ...", "read tcp ...").
		if phrase, ok := opPhrases[e.Op]; !ok {
			msg = e.Op + ": " + msg
		} else if phrase != "" && !strings.HasPrefix(msg, e.Op+" ") && !strings.HasPrefix(msg, e.Op+":") {
			msg = phrase + ": " + msg
		}
	}
	if e.safe && e.Op == "write" {
		msg += " (nothing was sent)"
	}
	return "myx: " + msg
}

// Unwrap gives the underlying error.
func (e *ConnError) Unwrap() error { return e.Err }

// SafeToRetry reports whether the command was certainly not executed by the server.
func (e *ConnError) SafeToRetry() bool { return e.safe }

// opPhrases spells a ConnError's Op in its message ("" for none).
var opPhrases = map[string]string{
	"dial":      "dial",
	"handshake": "handshake",
	"tls":       "TLS handshake",
	"auth":      "authentication",
	"connect":   "connect",
	"check":     "",
	"read":      "read",
	"write":     "write",
}

// closedWhen says when the server closed the connection, by the ConnError's Op.
var closedWhen = map[string]string{
	"handshake": " during the handshake",
	"tls":       " during the TLS handshake",
	"auth":      " during authentication",
	"check":     " (idle)",
	"write":     " while idle",
}

// newConnError is the ConnError for a failure during op. An end of stream from the server
// (io.EOF, io.ErrUnexpectedEOF) means that the server closed the connection, and says so.
func newConnError(op string, err error, safe bool) *ConnError {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = &closedByServerError{err: err}
	}
	return &ConnError{Op: op, Err: err, safe: safe}
}

// closedByServerError is the cause of a ConnError when the server closed the connection. It
// unwraps to what the read saw (io.EOF, io.ErrUnexpectedEOF).
type closedByServerError struct{ err error }

func (e *closedByServerError) Error() string { return "connection closed by the server" }

func (e *closedByServerError) Unwrap() error { return e.err }

// bare is err's message without this package's "myx: " prefix, for an error wrapped in
// another of this package's errors: each message names the package once.
func bare(err error) string { return strings.TrimPrefix(err.Error(), "myx: ") }

// wrappedError puts what the caller was doing before an error: "myx: init command: Error 1064
// ...". It unwraps to err, and to is when set (a sentinel the error also matches).
type wrappedError struct {
	msg string // what was under way, without the package prefix; unused when is is set
	is  error  // a sentinel whose message leads, or nil
	err error
}

func (e *wrappedError) Error() string {
	if e.is != nil {
		return e.is.Error() + ": " + bare(e.err)
	}
	return "myx: " + e.msg + ": " + bare(e.err)
}

func (e *wrappedError) Unwrap() []error {
	if e.is != nil {
		return []error{e.is, e.err}
	}
	return []error{e.err}
}

// wrapErr returns err behind msg (see wrappedError).
func wrapErr(msg string, err error) error { return &wrappedError{msg: msg, err: err} }

// refusedError is the server's refusal of a connection: an ERR in place of the greeting, or in
// answer to the login. It unwraps to the server's *MySQLError.
type refusedError struct {
	what string // "authentication failed for user 'x'", ...
	err  *MySQLError
}

func (e *refusedError) Error() string { return "myx: " + e.what + ": " + e.err.Error() }

func (e *refusedError) Unwrap() error { return e.err }

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
	n, ok := serverErrorNumber(err)
	return ok && (n == ErLockDeadlock || n == ErLockWaitTimeout)
}

// IsReadOnlyError reports whether err is a server's refusal of a write because it is read only
// (errors 1290, 1792 and 1836), the errors Config.RejectReadOnly acts on.
func IsReadOnlyError(err error) bool {
	var me *MySQLError
	return errors.As(err, &me) && readOnlyRefusal(me.EffectiveNumber())
}

// readOnlyRefusal reports the errors by which a read-only server refuses a write: 1290
// (ER_OPTION_PREVENTS_STATEMENT: --read-only, and Aurora during a failover), 1792
// (ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION) and 1836 (ER_READ_ONLY_MODE).
func readOnlyRefusal(number uint16) bool {
	return number == 1290 || number == 1792 || number == 1836
}
