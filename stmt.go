package myx

// Statements: server-side prepared statements, the per-connection statement cache (LRU),
// and Stmt, a prepared statement owned by the caller.

import (
	"context"
	"errors"

	"github.com/myxdb/myx/internal/sqltext"
	"github.com/myxdb/myx/internal/wire"
)

// stmt is a server-side prepared statement.
type stmt struct {
	id     uint32
	query  string
	params int
	cols   []Column
	types  []byte
	values [][]byte      // reusable row scratch
	flags  sqltext.Flags // what the lexer says the statement may do (see noteStatement)
	// LRU links (cache-owned statements only)
	prev, next *stmt
	cached     bool
}

// stmtCache is a per-connection LRU of prepared statements keyed by query text. Evicted
// statements are closed with COM_STMT_CLOSE, which has no reply and travels with the next
// command.
type stmtCache struct {
	m          map[string]*stmt
	head, tail *stmt // head = most recently used
}

func (s *stmtCache) get(query string) *stmt {
	st := s.m[query]
	if st != nil && s.head != st {
		s.unlink(st)
		s.pushFront(st)
	}
	return st
}

func (s *stmtCache) unlink(st *stmt) {
	if st.prev != nil {
		st.prev.next = st.next
	} else {
		s.head = st.next
	}
	if st.next != nil {
		st.next.prev = st.prev
	} else {
		s.tail = st.prev
	}
	st.prev, st.next = nil, nil
}

func (s *stmtCache) pushFront(st *stmt) {
	st.next = s.head
	if s.head != nil {
		s.head.prev = st
	}
	s.head = st
	if s.tail == nil {
		s.tail = st
	}
}

func (s *stmtCache) add(st *stmt) {
	if s.m == nil {
		s.m = make(map[string]*stmt)
	}
	st.cached = true
	s.m[st.query] = st
	s.pushFront(st)
}

// removeOldest drops the least recently used statement and returns it.
func (s *stmtCache) removeOldest() *stmt {
	st := s.tail
	if st == nil {
		return nil
	}
	s.remove(st)
	return st
}

func (s *stmtCache) remove(st *stmt) {
	s.unlink(st)
	delete(s.m, st.query)
	st.cached = false
}

func (s *stmtCache) len() int { return len(s.m) }

// forget empties the cache without closing anything (the server already dropped them).
func (s *stmtCache) forget() {
	clear(s.m)
	s.head, s.tail = nil, nil
}

// stmtFor returns the prepared statement for query, from the cache or newly prepared.
func (c *Conn) stmtFor(query string) (*stmt, error) {
	if st := c.stmts.get(query); st != nil {
		c.noteCache(CacheHit)
		if c.tr.prepare != nil {
			c.tracePrepareCached(query)
		}
		return st, nil
	}
	c.noteCache(CacheMiss)
	var pt prepareTrace
	if c.tr.prepare != nil {
		pt = c.startPrepare(query)
	}
	st, err := c.prepare(query)
	if pt.active {
		c.endPrepare(&pt, err)
	}
	if err != nil {
		return nil, err
	}
	c.keep(st)
	return st, nil
}

// placeholders counts the placeholders of query as the connection's lexing mode reads them.
func (c *Conn) placeholders(query string) int {
	mode, _ := c.textMode()
	return sqltext.Scan(query, mode, nil).Placeholders
}

// sendExecute writes COM_STMT_EXECUTE for query with args, preparing the statement first if
// the cache does not have it. On MariaDB the prepare and the execute leave together (the execute
// names "the last prepared statement"), so a statement's first use costs one round trip too;
// not when the arguments do not match the placeholders the client counts (the execute would run
// with the wrong arguments, or fail) or one must travel as long data: then the statement is
// prepared first and the arguments are checked against it before anything else is sent.
// When it returns nil the execute's response is next on the wire. An argument error leaves the
// connection usable and the cache consistent.
func (c *Conn) sendExecute(query string, args []any) (*stmt, error) {
	if st := c.stmts.get(query); st != nil {
		c.noteCache(CacheHit)
		if c.tr.prepare != nil {
			c.tracePrepareCached(query)
		}
		if err := c.appendExecute(st, args); err != nil {
			return nil, err
		}
		return st, c.flush()
	}
	if c.server.Flavor == MariaDB && c.server.AtLeast(10, 2, 0) && c.placeholders(query) == len(args) {
		st, err := c.sendPrepareExecute(query, args)
		if err != errNeedsLong {
			c.noteCache(CacheMiss)
			return st, err
		}
	}
	st, err := c.stmtFor(query)
	if err != nil {
		return nil, err
	}
	if err := c.appendExecute(st, args); err != nil {
		return nil, err
	}
	return st, c.flush()
}

// sendPrepareExecute sends COM_STMT_PREPARE and COM_STMT_EXECUTE of the statement just
// prepared together, and reads the prepare's reply. errNeedsLong (nothing sent) asks for the
// path that prepares first.
func (c *Conn) sendPrepareExecute(query string, args []any) (*stmt, error) {
	if err := c.checkCommand(1 + len(query)); err != nil {
		return nil, err
	}
	mark := len(c.wr.B)
	c.wr.StartCommand()
	c.wr.B = wire.AppendCommand(c.wr.B, wire.ComStmtPrepare, query)
	c.wr.Finish()
	prepareSeq := c.wr.Seq
	if err := c.appendExecuteID(lastPrepared, args, false); err != nil {
		c.wr.B = c.wr.B[:mark]
		return nil, err
	}
	executeSeq := c.wr.Seq
	var pt prepareTrace
	if c.tr.prepare != nil {
		pt = c.startPrepare(query)
	}
	err := c.flush()
	var st *stmt
	if err == nil {
		c.rd.Seq = prepareSeq
		st, err = c.readPrepare(query)
	}
	if pt.active {
		c.endPrepare(&pt, err)
	}
	if err != nil {
		// The execute fails too ("unknown statement"), or the connection is gone.
		if !c.closed {
			c.rd.Seq = executeSeq
			c.dropResponse(nil)
		}
		return nil, err
	}
	c.keep(st)
	if st.params != len(args) {
		// The server counted the placeholders differently from the client: the execute failed,
		// or ran with the arguments it could use. Read and drop its reply (which may skip the
		// column metadata the prepare just sent).
		c.rd.Seq = executeSeq
		derr := c.dropResponse(st)
		if c.closed {
			return nil, derr
		}
		return nil, &ArgCountError{Want: st.params, Got: len(args), Ran: derr == nil}
	}
	c.rd.Seq = executeSeq
	return st, nil
}

// keep puts a newly prepared statement in the cache, evicting the least recently used, or, with
// no cache, arranges for it to be closed after its use.
func (c *Conn) keep(st *stmt) {
	if size := c.cfg.statementCacheSize(); size > 0 {
		for c.stmts.len() >= size {
			// Closed once the command under way is written (it may still use it).
			c.queueCloseAfter(c.stmts.removeOldest())
		}
		c.stmts.add(st)
	} else {
		// No cache: the statement is closed with the next command, after this one used it.
		c.queueCloseAfter(st)
	}
}

// queueClose appends COM_STMT_CLOSE for st to the write buffer; it leaves with the next
// command (the server sends no reply).
func (c *Conn) queueClose(st *stmt) {
	c.wr.StartCommand()
	c.wr.B = wire.AppendStmtID(c.wr.B, wire.ComStmtClose, st.id)
	c.wr.Finish()
}

// queueCloseAfter closes st once the current command has been written.
func (c *Conn) queueCloseAfter(st *stmt) {
	c.closeAfter = append(c.closeAfter, st)
}

// prepare sends COM_STMT_PREPARE and reads the statement's metadata.
func (c *Conn) prepare(query string) (*stmt, error) {
	if err := c.checkCommand(1 + len(query)); err != nil {
		return nil, err
	}
	c.wr.StartCommand()
	c.wr.B = wire.AppendCommand(c.wr.B, wire.ComStmtPrepare, query)
	c.wr.Finish()
	if err := c.flush(); err != nil {
		return nil, err
	}
	return c.readPrepare(query)
}

// Stmt is a prepared statement owned by the caller (see Conn.Prepare). It belongs to one
// connection and is valid until closed or until the connection's session is reset.
type Stmt struct {
	c  *Conn
	st *stmt
}

// Prepare creates a server-side prepared statement. Exec and Query already prepare and cache
// statements automatically; Prepare is for callers who want to manage one explicitly.
func (c *Conn) Prepare(ctx context.Context, query string) (*Stmt, error) {
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	var pt prepareTrace
	if c.tr.prepare != nil {
		pt = c.startPrepare(query)
	}
	st, err := c.prepare(query)
	err = c.end(ctx, err)
	if pt.active {
		c.endPrepare(&pt, err)
	}
	if err != nil {
		return nil, err
	}
	return &Stmt{c: c, st: st}, nil
}

// ParamCount is the number of '?' placeholders.
func (s *Stmt) ParamCount() int { return s.st.params }

// Columns describes the result columns, as known at prepare time.
func (s *Stmt) Columns() []Column { return s.st.cols }

// Exec runs the statement; see Conn.Exec.
func (s *Stmt) Exec(ctx context.Context, args ...any) (Result, error) {
	if s.st == nil {
		return Result{}, errStmtClosed
	}
	c := s.c
	if c.tr.query != nil {
		qt := c.startQuery(ctx, s.st.query, args)
		c.lastCache = CachePrepared
		res, err := s.exec(qt.ctx, args)
		c.endQuery(&qt, err, res.RowsAffected)
		return res, err
	}
	return s.exec(ctx, args)
}

func (s *Stmt) exec(ctx context.Context, args []any) (Result, error) {
	c := s.c
	if err := c.start(ctx); err != nil {
		return Result{}, err
	}
	c.noteAttrs(ctx)
	args, err := normalizeArgs(args)
	if err == nil {
		err = c.needLimit(argsSize(args))
	}
	if err != nil {
		return Result{}, c.end(ctx, err)
	}
	res, err := c.execStmt(s.st, args)
	return res, c.end(ctx, err)
}

// Query runs the statement; see Conn.Query.
func (s *Stmt) Query(ctx context.Context, args ...any) (*Rows, error) {
	if s.st == nil {
		return nil, errStmtClosed
	}
	r := &Rows{}
	if err := s.c.queryStmt(ctx, r, s.st, args); err != nil {
		return nil, err
	}
	return r, nil
}

// queryStmt runs st with args into r, traced when there is a QueryTracer.
func (c *Conn) queryStmt(ctx context.Context, r *Rows, st *stmt, args []any) error {
	if c.tr.query == nil {
		return c.queryPrepared(ctx, r, st, args)
	}
	qt := c.startQuery(ctx, st.query, args)
	c.lastCache = CachePrepared
	if err := c.queryPrepared(qt.ctx, r, st, args); err != nil {
		c.endQuery(&qt, err, 0)
		return err
	}
	c.holdQuery(&qt, r)
	return nil
}

// QueryRow runs the statement expecting at most one row; see Conn.QueryRow.
func (s *Stmt) QueryRow(ctx context.Context, args ...any) *Row {
	row := &Row{}
	if s.st == nil {
		row.err = errStmtClosed
		return row
	}
	row.err = s.c.queryStmt(ctx, &row.rows, s.st, args)
	return row
}

// Close deallocates the statement on the server. The COM_STMT_CLOSE leaves with the
// connection's next command, or now if ctx allows a write; it never waits for a reply.
func (s *Stmt) Close(ctx context.Context) error {
	if s.st == nil {
		return nil
	}
	st := s.st
	s.st = nil
	c := s.c
	if c.closed {
		return nil
	}
	c.queueClose(st)
	if c.busy != nil {
		return nil // sent with the next command
	}
	if err := c.start(ctx); err != nil {
		return err
	}
	return c.end(ctx, c.flush())
}

var errStmtClosed = errors.New("myx: statement is closed")

func (c *Conn) queryPrepared(ctx context.Context, r *Rows, st *stmt, args []any) error {
	if err := c.start(ctx); err != nil {
		return err
	}
	c.noteAttrs(ctx)
	args, err := normalizeArgs(args)
	if err == nil {
		err = c.needLimit(argsSize(args))
	}
	if err == nil {
		err = c.appendExecute(st, args)
	}
	if err == nil {
		err = c.flush()
	}
	if err != nil {
		return c.end(ctx, err)
	}
	h, err := c.readHead(true, st, nil)
	if err != nil {
		return c.end(ctx, err)
	}
	r.init(ctx, c, st, &h)
	return nil
}
