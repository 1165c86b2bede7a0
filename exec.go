package myx

// The statement API of a Conn: Exec, Query, QueryRow and Ping, choosing between a prepared
// statement and text (interpolated or plain), and the Result they report.

import (
	"context"
	"strings"

	"github.com/myxdb/myx/internal/sqltext"
	"github.com/myxdb/myx/internal/wire"
)

// Result is the outcome of a statement that returns no rows.
type Result struct {
	// RowsAffected is the number of rows changed (or matched, with ClientFoundRows); for
	// several statements in one call, the sum.
	RowsAffected uint64
	// LastInsertID is the AUTO_INCREMENT value generated for the first row inserted by the last
	// statement that generated one; 0 if none did.
	LastInsertID uint64
	// Warnings is the server's warning count for the last statement (SHOW WARNINGS lists them).
	Warnings uint16
	// Info is the server's human-readable summary ("Records: 3  Duplicates: 0  Warnings: 0"),
	// if any.
	Info string
	// stmts holds each statement's outcome when there were several (see Statements). A
	// pointer, to keep Result (and the Rows that holds one) small.
	stmts *[]StatementResult
}

// Statements gives each statement's own rows affected and last insert id, in order, when Exec
// ran several (MultiStatements); a statement that returned rows counts with zeros. It is nil
// for a single statement.
func (r Result) Statements() []StatementResult {
	if r.stmts == nil {
		return nil
	}
	return *r.stmts
}

// StatementResult is the outcome of one statement of a multi-statement Exec.
type StatementResult struct {
	RowsAffected uint64
	LastInsertID uint64 // the server's last insert id after that statement (0 if it inserted none)
}

// addStatement records one statement's result in r.Statements (n is how many results r held
// before this one).
func (r *Result) addStatement(n int, s StatementResult) {
	if n == 1 && r.stmts == nil {
		// The second statement: the first one's values are the totals so far.
		all := append(make([]StatementResult, 0, 4), StatementResult{r.RowsAffected, r.LastInsertID})
		r.stmts = &all
	}
	if n > 0 {
		*r.stmts = append(*r.stmts, s)
	}
}

func (r *Result) add(ok *wire.OK) {
	r.RowsAffected += ok.AffectedRows
	if ok.LastInsertID != 0 {
		r.LastInsertID = ok.LastInsertID
	}
	r.Warnings = ok.Warnings
	if len(ok.Info) > 0 {
		r.Info = string(ok.Info)
	}
}

// Exec runs a statement that returns no rows (rows it does return are read and discarded) and
// reports rows affected and the last insert id. Arguments bind to '?' placeholders: by default
// through a server-side prepared statement from the connection's cache; with
// Config.InterpolateParams, escaped into the text on the client. An io.Reader argument is read
// to its end and stored as a binary value (in the prepared path streamed as long data, never
// held whole in memory). An argument that cannot be sent is an *ArgError, *ArgCountError or
// *PacketTooLargeError before anything is sent, and the connection stays usable. The context
// covers the whole call.
func (c *Conn) Exec(ctx context.Context, query string, args ...any) (Result, error) {
	if c.tr.query != nil {
		return c.execTraced(ctx, query, args)
	}
	return c.execCmd(ctx, query, args)
}

// execCmd is Exec as one command, untraced.
func (c *Conn) execCmd(ctx context.Context, query string, args []any) (Result, error) {
	if err := c.start(ctx); err != nil {
		return Result{}, err
	}
	res, err := c.exec(ctx, query, args)
	return res, c.end(ctx, err)
}

// execTraced is Exec with a QueryTracer.
func (c *Conn) execTraced(ctx context.Context, query string, args []any) (Result, error) {
	qt := c.startQuery(ctx, query, args)
	ctx = qt.ctx
	err := c.start(ctx)
	var res Result
	if err == nil {
		res, err = c.exec(ctx, query, args)
		err = c.end(ctx, err)
	}
	c.endQuery(&qt, err, res.RowsAffected)
	return res, err
}

func (c *Conn) exec(ctx context.Context, query string, args []any) (Result, error) {
	args, err := normalizeArgs(args)
	if err != nil {
		return Result{}, err
	}
	files, args := splitLocalFiles(args)
	if err := c.needLimitFor(query, args); err != nil {
		return Result{}, err
	}
	if len(args) == 0 || c.interpolates(query, args) || files != nil {
		text := query
		var flags sqltext.Flags
		if len(args) > 0 {
			var err error
			if text, flags, err = c.interpolateArgs(query, args, true); err != nil {
				return Result{}, err
			}
		} else {
			flags = c.classify(query)
		}
		c.noteStatement(flags)
		return c.execTextFiles(text, files)
	}
	st, err := c.sendExecute(query, args)
	if err != nil {
		return Result{}, err
	}
	return c.readExecResponse(true, st, nil)
}

// interpolates reports whether query with args is built on the client: with
// Config.InterpolateParams, unless the statement would not fit in the send limit, in which case
// it goes through a prepared statement, where large values travel as long data (as in
// go-sql-driver).
func (c *Conn) interpolates(query string, args []any) bool {
	if !c.cfg.InterpolateParams {
		return false
	}
	n, _ := argsSize(args)
	return c.checkCommand(1+len(query)+n) == nil
}

// interpolateArgs builds the statement text for query with args on the client (see
// interpolate, which canLearn is passed to), reading any io.Reader argument whole first
// (within the send limit).
func (c *Conn) interpolateArgs(query string, args []any, canLearn bool) (string, sqltext.Flags, error) {
	args, err := c.readReaders(args)
	if err != nil {
		return "", 0, err
	}
	// A statement that cannot fit is refused before it is built (its literals are never
	// shorter than the estimate).
	if n, _ := argsSize(args); n > 0 {
		if err := c.checkCommand(1 + len(query) + n); err != nil {
			return "", 0, err
		}
	}
	return c.interpolate(query, args, canLearn)
}

// execText runs a text statement with no arguments on an idle connection (used internally,
// inside a command's start and end or a connect, whose context bounds it).
func (c *Conn) execText(query string) (Result, error) {
	c.noteStatement(c.classify(query))
	return c.execTextFiles(query, nil)
}

func (c *Conn) execTextFiles(query string, files []*LocalFile) (Result, error) {
	if err := c.checkCommand(1 + len(query)); err != nil {
		return Result{}, err
	}
	c.wr.StartCommand()
	c.wr.B = wire.AppendCommand(c.wr.B, wire.ComQuery, query)
	c.wr.Finish()
	if err := c.flush(); err != nil {
		return Result{}, err
	}
	return c.readExecResponse(false, nil, files)
}

func (c *Conn) execStmt(st *stmt, args []any) (Result, error) {
	if err := c.appendExecute(st, args); err != nil {
		return Result{}, err
	}
	if err := c.flush(); err != nil {
		return Result{}, err
	}
	return c.readExecResponse(true, st, nil)
}

// Query runs a statement that returns rows and streams them: nothing is buffered beyond the
// packet being read. The returned Rows must be closed (reading to the end closes it); until
// then the connection cannot run other commands. The context covers the call and the whole
// life of the Rows.
func (c *Conn) Query(ctx context.Context, query string, args ...any) (*Rows, error) {
	r := &Rows{}
	if c.tr.query != nil {
		qt := c.startQuery(ctx, query, args)
		if err := c.query(qt.ctx, r, query, args); err != nil {
			c.endQuery(&qt, err, 0)
			return nil, err
		}
		c.holdQuery(&qt, r)
		return r, nil
	}
	if err := c.query(ctx, r, query, args); err != nil {
		return nil, err
	}
	return r, nil
}

func (c *Conn) query(ctx context.Context, r *Rows, query string, args []any) error {
	if err := c.start(ctx); err != nil {
		return err
	}
	var st *stmt
	args, err := normalizeArgs(args)
	if err != nil {
		return c.end(ctx, err)
	}
	files, args := splitLocalFiles(args)
	if err := c.needLimitFor(query, args); err != nil {
		return c.end(ctx, err)
	}
	text := files != nil || len(args) > 0 && c.interpolates(query, args) || len(args) == 0 && !c.binaryWithoutArgs(query)
	if !text {
		// Rows come back in the binary protocol, cheaper for the server to produce and for us
		// to decode than text; statements that cannot be prepared fall back to text.
		st, err = c.sendExecute(query, args)
		if n, ok := serverErrorNumber(err); ok && len(args) == 0 && (n == ErUnsupportedPS || n == ErUnknownCommand) {
			text, err = true, nil
		}
	}
	if text && err == nil {
		q := query
		var flags sqltext.Flags
		if len(args) > 0 {
			q, flags, err = c.interpolateArgs(query, args, true)
		} else {
			flags = c.classify(query)
		}
		if err == nil {
			err = c.checkCommand(1 + len(q))
		}
		if err == nil {
			c.noteStatement(flags)
			c.wr.StartCommand()
			c.wr.B = wire.AppendCommand(c.wr.B, wire.ComQuery, q)
			c.wr.Finish()
			err = c.flush()
		}
	}
	if err != nil {
		return c.end(ctx, err)
	}
	h, err := c.readHead(st != nil, st, files)
	if err == nil && h.fileErr != nil {
		err = h.fileErr
		if !c.closed && c.status&wire.StatusMoreResultsExists != 0 {
			c.discardResponse()
		}
	}
	if err != nil {
		return c.end(ctx, err)
	}
	r.init(ctx, c, st, &h)
	r.query = query
	return nil
}

// isPlainSelect reports whether query is a single SELECT (or WITH ... SELECT) that locks and
// writes nothing: stopping it early changes nothing but the rows it would have sent.
func isPlainSelect(query string) bool {
	return sqltext.Scan(query, 0, nil).PlainSelect()
}

// binaryWithoutArgs reports whether a query without arguments should still go through a
// prepared statement: when statements are cached, and the text cannot hold several statements.
func (c *Conn) binaryWithoutArgs(query string) bool {
	if c.cfg.statementCacheSize() == 0 || c.cfg.InterpolateParams {
		return false
	}
	return !c.cfg.MultiStatements || !strings.Contains(query, ";")
}

// QueryRow runs a query expected to return at most one row. Errors are deferred to Row.Scan,
// which returns ErrNoRows when there is no row.
func (c *Conn) QueryRow(ctx context.Context, query string, args ...any) *Row {
	row := &Row{}
	if c.tr.query != nil {
		qt := c.startQuery(ctx, query, args)
		if row.err = c.query(qt.ctx, &row.rows, query, args); row.err != nil {
			c.endQuery(&qt, row.err, 0)
		} else {
			c.holdQuery(&qt, &row.rows)
		}
		return row
	}
	row.err = c.query(ctx, &row.rows, query, args)
	return row
}

// Ping checks that the server answers (COM_PING).
func (c *Conn) Ping(ctx context.Context) error {
	if err := c.start(ctx); err != nil {
		return err
	}
	return c.end(ctx, c.simpleCommand(wire.ComPing))
}

// simpleCommand sends a one-byte command and reads its OK.
func (c *Conn) simpleCommand(cmd byte) error {
	c.wr.StartCommand()
	c.wr.B = append(c.wr.B, cmd)
	c.wr.Finish()
	if err := c.flush(); err != nil {
		return err
	}
	return c.readOK()
}
