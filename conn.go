package myx

// The session core: the Conn type, its lifecycle (Connect, Close, failure) and the
// command lifecycle every call goes through (start, flush, end). The handshake is in
// handshake.go, session setup and reset in session.go, reading replies in reply.go.

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"time"

	"github.com/myxdb/myx/internal/wire"
)

// Conn is one connection to a MySQL or MariaDB server.
//
// A Conn is not safe for concurrent use: one goroutine issues commands at a time, and a Rows
// must be closed (or read to the end) before the next command. Use the pool package to share
// connections between goroutines. Every method that can block takes a context; when it ends
// during a call, the server-side work is stopped with KILL QUERY from a side connection and the
// connection stays usable if it can be brought back to a known state, otherwise it is closed.
type Conn struct {
	cfg    *Config
	addr   string // the host connected to (Conn.Addr): one of Config.Addrs, or Config.Addr
	nc     net.Conn
	rd     *wire.Reader
	wr     wire.Writer
	caps   uint64
	id     uint32
	server ServerInfo
	secure bool // TLS or unix socket

	status     uint16 // server status flags from the last OK/EOF
	charset    string // character_set_client, as last set, reported or learned
	closed     bool
	busy       responseReader // the result being streamed (a Rows), if any
	lastUsed   time.Time
	stmts      stmtCache
	maxAllowed int            // server's max_allowed_packet, learned lazily (0 = unknown)
	noBulk     bool           // tests: pretend COM_STMT_BULK_EXECUTE is unavailable
	closeAfter []*stmt        // uncached statements to close once the current command is written
	batch      responseReader // the batch whose replies are being read, if any
	poll       *pollReader    // waits for replies in poll(2); nil when the runtime's poller is used
	// tracking is set when the server flags session state changes (session_track_state_change);
	// sessionChanged records that it flagged one since the session was last set up, and
	// clientChanged that the client sent a statement that may change session state (what
	// SessionChanged relies on where the server cannot flag).
	tracking       bool
	sessionChanged bool
	clientChanged  bool
	compression    Compression // in use, after the handshake
	// lastGTID is the GTID of the session's last commit as the server reported it
	// (Config.TrackGTID; Conn.LastGTID).
	lastGTID     string
	gtidTracking bool // the server accepted Config.TrackGTID
	// goArgs: arguments are encoded as go-sql-driver/mysql encodes them (driverargs.go).
	goArgs bool

	// What interpolation knows of the session (see interpolate), all from learnSession and
	// forgotten at connect, reset and after any statement that may change the session:
	// charsetKnown says charset is certain (the client's own choice is not trusted: the
	// server's init_connect may override it); learned is the lexing mode, -1 when not known;
	// hexCharsetOK says a hexadecimal string literal in charset equals a quoted one.
	charsetKnown bool
	learned      int8
	hexCharsetOK bool
	marks        []int            // placeholder offsets, reused
	qattrs       []wire.QueryAttr // the next statement's query attributes (queryattrs.go), reused

	cancel canceler
	stale  staleChecker // see checkStale
	// backstop is the socket deadline of the call under way, from its context (zero: none);
	// ioForced is set by force (see deadline.go).
	backstop time.Time
	ioForced atomic.Bool

	// scratch buffers reused across results
	colCache map[string]*Column

	// Tracing (trace.go): the tracers found in Config.Tracer, the traced query whose Rows is
	// open, the statement cache outcome of the statement under way, and the counters.
	tr    tracers
	qt    queryTrace
	pend  pendingStart // a deferred TraceQueryStart (see QueryStartDeferrer)
	bt    batchTrace
	infos map[string]StatementInfo // what traced statements are (see describe)
	targs []any                    // the arguments' copy given to the QueryTracer (see tracerArgs)
	// manyMethod is how the ExecMany under way sends its rows (for the ExecManyTracer).
	manyMethod string
	lastCache  CacheOutcome
	stats      ConnStats
	// awaitReply is set by a write and cleared by the next read of a reply (a round trip).
	awaitReply bool
	// cmdCtx is the context of the command under way, kept between start and end only when a
	// tracer that is called inside a command is set (tracers.inCommand).
	cmdCtx context.Context
}

// Connect opens a connection described by a DSN (see ParseConfig). The context bounds dialing
// and the handshake only. A DSN with several hosts connects to one of them (see
// ConnectConfig).
func Connect(ctx context.Context, dsn string) (*Conn, error) {
	cfg, err := ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return ConnectConfig(ctx, cfg)
}

// ConnectConfig opens a connection with cfg, which must not be modified afterwards. The context
// bounds dialing and the handshake only; Config.ConnectTimeout bounds them too.
//
// With several hosts (Config.Addrs), the hosts are tried one after the other in the order of
// Config.ClusterMode, those that failed within Config.DenyFor last, until one gives a
// connection; the context bounds the whole attempt and Config.ConnectTimeout each host. When
// none does, the error is a *HostsError naming every host tried with its error.
func ConnectConfig(ctx context.Context, cfg *Config) (*Conn, error) {
	if err := checkMaxPacketSize(cfg); err != nil {
		return nil, err
	}
	var ct ConnectTracer
	var tctx context.Context
	var began time.Time
	if cfg.Tracer != nil {
		if ct, _ = cfg.Tracer.(ConnectTracer); ct != nil {
			if tctx = ct.TraceConnectStart(ctx, TraceConnectStartData{Config: cfg}); tctx == nil {
				tctx = ctx
			}
			began = time.Now()
		}
	}
	var c *Conn
	var err error
	if cfg.multiHost() {
		c, err = connectHosts(ctx, cfg)
	} else {
		c, err = connectHost(ctx, cfg, cfg.singleAddr(), false)
	}
	if err != nil {
		if ct != nil {
			ct.TraceConnectEnd(tctx, TraceConnectEndData{Err: err, Duration: time.Since(began)})
		}
		return nil, err
	}
	if ct != nil {
		ct.TraceConnectEnd(tctx, TraceConnectEndData{Conn: c, Duration: time.Since(began)})
	}
	return c, nil
}

// CheckConn reports, without a round trip and without blocking, whether an idle connection has
// been closed by the server (or received bytes nobody asked for, such as the error a server
// sends when it kills an idle connection). It returns nil for a healthy idle connection,
// ErrConnBusy while a Rows or a batch still holds the connection, ErrConnClosed once it is
// closed, and a *ConnError (SafeToRetry) after closing a connection it found dead.
func (c *Conn) CheckConn() error {
	if c.closed {
		return ErrConnClosed
	}
	if c.busy != nil || c.batch != nil {
		return ErrConnBusy
	}
	if err := c.checkStale(); err != nil {
		c.shutdown()
		return newConnError("check", err, true)
	}
	return nil
}

// ConnID is the server's id for this connection (CONNECTION_ID()).
func (c *Conn) ConnID() uint32 { return c.id }

// ServerInfo describes the server: flavour and version.
func (c *Conn) ServerInfo() ServerInfo { return c.server }

// ServerVersion is the version string the server sent.
func (c *Conn) ServerVersion() string { return c.server.Version }

// Config returns the configuration the connection was opened with. It must not be modified.
func (c *Conn) Config() *Config { return c.cfg }

// InTransaction reports whether the server said a transaction is open, as of the last reply.
func (c *Conn) InTransaction() bool { return c.status&wire.StatusInTrans != 0 }

// NoBackslashEscapes reports whether the session runs with the NO_BACKSLASH_ESCAPES SQL mode
// (a backslash is then an ordinary character in string literals), as of the server's last
// reply.
func (c *Conn) NoBackslashEscapes() bool { return c.status&wire.StatusNoBackslashEscapes != 0 }

// IsClosed reports whether the connection is closed (by Close, or after a failure).
func (c *Conn) IsClosed() bool { return c.closed }

// IdleSince reports when the connection last finished a command.
func (c *Conn) IdleSince() time.Time { return c.lastUsed }

// Close sends COM_QUIT and closes the network connection. The context bounds the goodbye; the
// connection is closed in any case. Closing a closed Conn returns nil.
func (c *Conn) Close(ctx context.Context) error {
	if c.closed {
		return nil
	}
	// The response being read is abandoned; do not read it.
	if c.busy != nil {
		c.busy.abandon(ErrConnClosed)
	}
	if c.batch != nil {
		c.batch.abandon(ErrConnClosed)
	}
	c.wr.Reset()
	c.wr.StartCommand()
	c.wr.B = append(c.wr.B, wire.ComQuit)
	c.wr.Finish()
	if dl, ok := ctx.Deadline(); ok {
		c.nc.SetWriteDeadline(dl)
	} else {
		c.nc.SetWriteDeadline(time.Now().Add(time.Second))
	}
	c.flushRaw()
	return c.shutdown()
}

// shutdown closes the network connection without a goodbye.
func (c *Conn) shutdown() error {
	if c.closed {
		return nil
	}
	c.closed = true
	err := c.nc.Close()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// fail closes the connection after an I/O or protocol error and wraps err for the caller.
func (c *Conn) fail(op string, err error, safe bool) error {
	c.shutdown()
	var ce *ConnError
	if errors.As(err, &ce) {
		return err
	}
	return newConnError(op, err, safe)
}

// flushRaw writes the write buffer; the caller handles errors.
func (c *Conn) flushRaw() error {
	n, err := c.nc.Write(c.wr.B)
	c.stats.BytesSent += int64(n)
	c.wr.Reset()
	return err
}

// flush writes the buffered command(s). A failure closes the connection; it is safe to retry
// when nothing at all was written.
func (c *Conn) flush() error {
	n, err := c.write(c.wr.B)
	c.wr.Reset()
	c.stats.BytesSent += int64(n)
	c.awaitReply = true
	if c.pend.waiting {
		c.firePendingStart() // while the server works on the request
	}
	if err != nil {
		return c.fail("write", err, n == 0)
	}
	if c.poll != nil {
		c.poll.waitFirst = true
	}
	// The reply continues the sequence of the last packet written.
	c.rd.Seq = c.wr.Seq
	if len(c.closeAfter) > 0 && c.batch == nil {
		for _, st := range c.closeAfter {
			c.queueClose(st)
		}
		clear(c.closeAfter)
		c.closeAfter = c.closeAfter[:0]
	}
	return nil
}

// staleAfter is how long a connection may sit idle before a command first checks, without a
// round trip, whether the server has closed it.
const staleAfter = time.Second

// start prepares the connection for a new command under ctx.
func (c *Conn) start(ctx context.Context) error {
	if c.closed {
		return ErrConnClosed
	}
	if c.busy != nil || c.batch != nil {
		return ErrConnBusy
	}
	if err := ctx.Err(); err != nil {
		return &InterruptedError{Cause: err}
	}
	if time.Since(c.lastUsed) > staleAfter {
		if err := c.checkStale(); err != nil {
			c.shutdown()
			return newConnError("write", err, true)
		}
	}
	c.clearAttrs()
	c.cancel.arm(ctx)
	if c.tr.inCommand {
		c.cmdCtx = ctx
	}
	return nil
}

// end finishes a command begun with start and turns what happened to its context into the
// error the caller sees.
func (c *Conn) end(ctx context.Context, err error) error {
	fired, killed, forced := c.cancel.disarm()
	c.lastUsed = time.Now()
	// The tracers' context of the command: ctx itself, or, when TraceQueryStart was
	// deferred, the context it returned.
	tctx := ctx
	if c.cmdCtx != nil {
		tctx = c.cmdCtx
		c.cmdCtx = nil
	}
	if !fired {
		return err
	}
	if killed {
		c.stats.Kills++
	}
	if c.tr.cancel != nil {
		c.traceCancel(tctx, killed, forced)
	}
	if err == nil {
		if !killed {
			return nil // the call finished before the interruption began
		}
		// The server answered OK although it was told to stop: some statements (SLEEP, or
		// one that was about to finish) complete anyway. Their effects stand; say so. (A KILL
		// QUERY that reaches the server between statements does not carry over to the next
		// one, and the kill has completed before the connection is used again.)
		return &InterruptedError{Cause: ctx.Err(), Completed: true}
	}
	var me *MySQLError
	if errors.As(err, &me) {
		return &InterruptedError{Cause: ctx.Err(), Server: err}
	}
	if c.closed || forced {
		c.shutdown()
		return &InterruptedError{Cause: ctx.Err(), ConnClosed: true}
	}
	return err
}
