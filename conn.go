package myx

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/myxdb/myx/internal/auth"
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
	busy       *Rows // the result being streamed, if any
	lastUsed   time.Time
	stmts      stmtCache
	maxAllowed int           // server's max_allowed_packet, learned lazily (0 = unknown)
	noBulk     bool          // tests: pretend COM_STMT_BULK_EXECUTE is unavailable
	closeAfter []*stmt       // uncached statements to close once the current command is written
	batch      *BatchResults // the batch whose results are being read, if any
	poll       *pollReader   // waits for replies in poll(2); nil when the runtime's poller is used
	// tracking is set when the server flags session state changes (session_track_state_change);
	// sessionChanged records that it flagged one since the session was last set up, and
	// clientChanged that the client sent a statement that may change session state (what
	// SessionChanged relies on where the server cannot flag).
	tracking       bool
	sessionChanged bool
	clientChanged  bool
	compression    Compression // in use, after the handshake
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
	marks        []int // placeholder offsets, reused

	cancel canceler
	stale  staleChecker // see checkStale
	// backstop is the socket deadline of the call under way, from its context (zero: none);
	// ioForced is set by force (see deadline.go).
	backstop time.Time
	ioForced atomic.Bool

	// scratch buffers reused across results
	colCache map[string]*Column
}

// Connect opens a connection described by a DSN (see ParseConfig). The context bounds dialing
// and the handshake only.
func Connect(ctx context.Context, dsn string) (*Conn, error) {
	cfg, err := ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return ConnectConfig(ctx, cfg)
}

// ConnectConfig opens a connection with cfg, which must not be modified afterwards. The context
// bounds dialing and the handshake only; Config.ConnectTimeout bounds them too.
func ConnectConfig(ctx context.Context, cfg *Config) (*Conn, error) {
	if err := checkMaxPacketSize(cfg); err != nil {
		return nil, err
	}
	if cfg.ConnectTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.ConnectTimeout)
		defer cancel()
	}
	c := &Conn{cfg: cfg, learned: -1}
	c.cancel.init(c)
	if err := c.connect(ctx); err != nil {
		if c.nc != nil {
			c.nc.Close()
		}
		if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			err = &ConnError{Op: "connect", Err: fmt.Errorf("%w: %v", ctx.Err(), err), safe: true}
		}
		return nil, err
	}
	return c, nil
}

func (c *Conn) connect(ctx context.Context) error {
	cfg := c.cfg
	network := cfg.Network
	if network == "" {
		network = "tcp"
	}
	var err error
	if cfg.DialFunc != nil {
		c.nc, err = cfg.DialFunc(ctx, network, cfg.Addr)
	} else {
		var d net.Dialer
		c.nc, err = d.DialContext(ctx, network, cfg.Addr)
	}
	if err != nil {
		return &ConnError{Op: "dial", Err: err, safe: true}
	}
	if tc, ok := c.nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
		tc.SetKeepAlive(true)
	}
	c.secure = network == "unix"
	c.rd = wire.NewReader(c.nc)
	c.rd.Max = cfg.MaxPacketSize

	// Connection setup (handshake, authentication, session settings) is bounded by the
	// context: a deadline becomes the socket deadline, and a cancellation interrupts the I/O.
	raw := c.nc // TLS, if any, wraps it; its deadlines bound the TLS connection too
	if dl, ok := ctx.Deadline(); ok {
		raw.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	err = c.handshake(ctx)
	if err == nil {
		err = c.initSession(ctx)
	}
	stopped := stop()
	cerr := ctx.Err()
	if dl, ok := ctx.Deadline(); ok && cerr == nil && err != nil && !time.Now().Before(dl) {
		// The socket deadline (the context's) ran out a moment before the context noticed.
		cerr = context.DeadlineExceeded
	}
	if !stopped || cerr != nil {
		if err == nil {
			err = cerr
		}
		return &ConnError{Op: "connect", Err: fmt.Errorf("%w (%v)", cerr, err), safe: true}
	}
	if err != nil {
		return err
	}
	raw.SetDeadline(time.Time{})
	c.lastUsed = time.Now()
	if cfg.Poller != PollRuntime && c.nc == raw {
		var group *pollGroup
		if cfg.Poller == PollAdaptive {
			group = cfg.pollGroup()
		}
		if pr := newPollReader(raw, group); pr != nil {
			c.rd.SetSource(pr)
			c.poll = pr
		}
	}
	c.installTimeouts()
	return nil
}

// handshake reads the server greeting, negotiates TLS and authenticates.
func (c *Conn) handshake(ctx context.Context) error {
	cfg := c.cfg
	c.rd.Seq = 0
	p, err := c.rd.Next()
	if err != nil {
		return &ConnError{Op: "handshake", Err: err, safe: true}
	}
	if len(p) > 0 && p[0] == wire.HeaderERR {
		e, perr := wire.ParseERR(p)
		if perr != nil {
			return &ConnError{Op: "handshake", Err: perr, safe: true}
		}
		return &MySQLError{Number: e.Number, SQLState: e.SQLState, Message: e.Message}
	}
	hs, err := wire.ParseHandshake(p)
	if err != nil {
		return &ConnError{Op: "handshake", Err: err, safe: true}
	}
	if hs.Capabilities&wire.ClientProtocol41 == 0 {
		return &ConnError{Op: "handshake", Err: errors.New("server does not support protocol 4.1"), safe: true}
	}
	c.id = hs.ConnID
	isMariaDB := hs.Capabilities&wire.ClientMySQL == 0
	c.server = parseServerInfo(hs.ServerVersion, isMariaDB)

	want := wire.ClientLongFlag | wire.ClientLocalFiles | wire.ClientProtocol41 |
		wire.ClientTransactions | wire.ClientSecureConnection | wire.ClientMultiResults |
		wire.ClientPSMultiResults | wire.ClientPluginAuth | wire.ClientPluginAuthLenencClientData |
		wire.ClientConnectAttrs | wire.ClientSessionTrack | wire.ClientDeprecateEOF |
		wire.MariaDBClientStmtBulkOperations | wire.MariaDBClientCacheMetadata |
		wire.MariaDBClientExtendedMetadata
	if !isMariaDB {
		want |= wire.ClientMySQL
	}
	if cfg.Database != "" {
		want |= wire.ClientConnectWithDB
	}
	if cfg.MultiStatements {
		want |= wire.ClientMultiStatements
	}
	if cfg.ClientFoundRows {
		want |= wire.ClientFoundRows
	}
	want |= compressionCaps(cfg.Compress, hs.Capabilities)
	c.caps = want & hs.Capabilities
	if !isMariaDB {
		c.caps |= wire.ClientMySQL
	}

	collation, setNames := handshakeCollation(cfg.Collation)
	c.charset = charsetOf(cfg.Collation)

	// TLS
	if cfg.TLSMode != TLSDisabled && cfg.Network != "unix" {
		if hs.Capabilities&wire.ClientSSL == 0 {
			if cfg.TLSMode != TLSPreferred && !cfg.AllowFallbackToPlaintext {
				return &ConnError{Op: "handshake", Err: fmt.Errorf("TLS mode %s but the server does not offer TLS", cfg.TLSMode), safe: true}
			}
		} else {
			c.caps |= wire.ClientSSL
			c.wr.Reset()
			c.wr.Seq = 1
			c.wr.Start()
			c.wr.B = wire.AppendSSLRequest(c.wr.B, c.caps, 1<<24, byte(collation))
			c.wr.Finish()
			if err := c.flushRaw(); err != nil {
				return &ConnError{Op: "handshake", Err: err, safe: true}
			}
			tlsConn := tls.Client(c.nc, c.tlsConfig())
			if err := tlsConn.HandshakeContext(ctx); err != nil {
				return &ConnError{Op: "tls", Err: err, safe: true}
			}
			c.nc = tlsConn
			c.rd.Reset(tlsConn)
			c.rd.Seq = c.wr.Seq
			c.secure = true
		}
	}

	opts := auth.Options{
		Password:                cfg.Password,
		Secure:                  c.secure,
		ServerPubKey:            cfg.ServerPubKey,
		AllowPublicKeyRetrieval: cfg.AllowPublicKeyRetrieval,
		AllowCleartextPasswords: cfg.AllowCleartextPasswords,
	}
	pluginName := hs.AuthPlugin
	if pluginName == "" {
		pluginName = "mysql_native_password"
	}
	plugin, err := auth.New(pluginName, opts)
	if err != nil {
		// Answer with a plugin we know; the server switches to the account's plugin if needed.
		pluginName = "mysql_native_password"
		plugin, _ = auth.New(pluginName, opts)
	}
	if err := c.pluginAllowed(pluginName); err != nil {
		return err
	}
	authResp, err := plugin.Start(hs.Scramble)
	if err != nil {
		return &ConnError{Op: "auth", Err: err, safe: true}
	}
	resp := &wire.HandshakeResponse{
		Capabilities: c.caps,
		MaxPacket:    1 << 24,
		Collation:    byte(collation),
		User:         cfg.User,
		AuthResponse: authResp,
		Database:     cfg.Database,
		AuthPlugin:   pluginName,
		Attributes:   c.connectAttrs(),
		ZstdLevel:    zstdLevel,
	}
	if c.wr.Seq == 0 {
		c.wr.Seq = 1
	}
	c.wr.Reset()
	c.wr.Start()
	c.wr.B = wire.AppendHandshakeResponse(c.wr.B, resp)
	c.wr.Finish()
	if err := c.flushRaw(); err != nil {
		return &ConnError{Op: "handshake", Err: err, safe: true}
	}
	c.rd.Seq = c.wr.Seq
	if err := c.authenticate(plugin); err != nil {
		return err
	}
	c.startCompression()
	if setNames != "" {
		c.charset = charsetOf(setNames)
		if _, err := c.execText(ctx, "SET NAMES "+c.charset+" COLLATE "+setNames); err != nil {
			return err
		}

	}
	return nil
}

// authenticate runs the auth exchange after the handshake response until OK or ERR.
func (c *Conn) authenticate(plugin auth.Plugin) error {
	for {
		p, err := c.rd.Next()
		if err != nil {
			return &ConnError{Op: "auth", Err: err, safe: true}
		}
		c.wr.Seq = c.rd.Seq
		if len(p) == 0 {
			return &ConnError{Op: "auth", Err: fmt.Errorf("%w: empty packet", wire.ErrMalformed), safe: true}
		}
		var reply []byte
		switch p[0] {
		case wire.HeaderOK:
			ok, err := wire.ParseOK(p, c.caps)
			if err != nil {
				return &ConnError{Op: "auth", Err: err, safe: true}
			}
			c.noteOK(&ok)
			return nil
		case wire.HeaderERR:
			return c.serverError(p)
		case wire.HeaderAuthSwitch:
			sw, err := wire.ParseAuthSwitch(p)
			if err != nil {
				return &ConnError{Op: "auth", Err: err, safe: true}
			}
			if err := c.pluginAllowed(sw.Plugin); err != nil {
				return err
			}
			plugin, err = auth.New(sw.Plugin, auth.Options{
				Password:                c.cfg.Password,
				Secure:                  c.secure,
				ServerPubKey:            c.cfg.ServerPubKey,
				AllowPublicKeyRetrieval: c.cfg.AllowPublicKeyRetrieval,
				AllowCleartextPasswords: c.cfg.AllowCleartextPasswords,
			})
			if err != nil {
				return &ConnError{Op: "auth", Err: err, safe: true}
			}
			if reply, err = plugin.Start(sw.Data); err != nil {
				return &ConnError{Op: "auth", Err: err, safe: true}
			}
			if reply == nil {
				reply = []byte{}
			}
		case wire.HeaderAuthMore:
			if reply, err = plugin.Next(p[1:]); err != nil {
				return &ConnError{Op: "auth", Err: err, safe: true}
			}
		default:
			return &ConnError{Op: "auth", Err: fmt.Errorf("%w: unexpected packet 0x%02x during authentication", wire.ErrMalformed, p[0]), safe: true}
		}
		if reply != nil {
			c.wr.Reset()
			c.wr.Start()
			c.wr.B = append(c.wr.B, reply...)
			c.wr.Finish()
			if err := c.flushRaw(); err != nil {
				return &ConnError{Op: "auth", Err: err, safe: true}
			}
			c.rd.Seq = c.wr.Seq
		}
	}
}

// pluginAllowed refuses the authentication plugins the configuration rules out.
func (c *Conn) pluginAllowed(name string) error {
	if name == "mysql_native_password" && c.cfg.DisallowNativePasswords {
		return &ConnError{Op: "auth", Err: errors.New("the server asks for mysql_native_password, which the configuration disallows (allowNativePasswords=false)"), safe: true}
	}
	return nil
}

func (c *Conn) tlsConfig() *tls.Config {
	cfg := c.cfg
	var tc *tls.Config
	if cfg.TLSConfig != nil {
		tc = cfg.TLSConfig.Clone()
	} else {
		tc = &tls.Config{}
	}
	host := cfg.Addr
	if h, _, err := net.SplitHostPort(cfg.Addr); err == nil {
		host = h
	}
	if tc.ServerName == "" {
		tc.ServerName = host
	}
	switch cfg.TLSMode {
	case TLSPreferred, TLSRequired:
		tc.InsecureSkipVerify = true
	case TLSVerifyCA:
		// Verify the chain but not the host name.
		roots := tc.RootCAs
		tc.InsecureSkipVerify = true
		tc.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("server sent no certificate")
			}
			opts := x509VerifyOptions(roots, cs)
			_, err := cs.PeerCertificates[0].Verify(opts)
			return err
		}
	}
	return tc
}

func (c *Conn) connectAttrs() [][2]string {
	attrs := [][2]string{
		{"_client_name", "myx"},
		{"_os", runtime.GOOS},
		{"_platform", runtime.GOARCH},
		{"_runtime_version", runtime.Version()},
		{"_pid", fmt.Sprint(os.Getpid())},
	}
	for k, v := range c.cfg.ConnectAttrs {
		attrs = append(attrs, [2]string{k, v})
	}
	return attrs
}

// initSession applies session variables and init commands, and turns on session state
// tracking so that SessionChanged can tell when a session needs resetting.
func (c *Conn) initSession(ctx context.Context) error {
	if c.caps&wire.ClientSessionTrack != 0 {
		_, err := c.execText(ctx, "SET SESSION session_track_state_change = ON")
		c.tracking = err == nil
		var me *MySQLError
		if err != nil && !errors.As(err, &me) {
			return err
		}
	}
	if err := c.setCharsets(ctx); err != nil {
		return err
	}
	if len(c.cfg.SessionVars) > 0 {
		var b strings.Builder
		b.WriteString("SET ")
		for i, kv := range c.cfg.SessionVars {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(kv[0])
			b.WriteByte('=')
			b.WriteString(kv[1])
		}
		if _, err := c.execText(ctx, b.String()); err != nil {
			return fmt.Errorf("myx: setting session variables: %w", err)
		}
	}
	for _, cmd := range c.cfg.InitCommands {
		if _, err := c.execText(ctx, cmd); err != nil {
			return fmt.Errorf("myx: init command: %w", err)
		}
	}
	c.sessionChanged, c.clientChanged = false, false
	return nil
}

// SessionChanged reports whether the session may differ from the state the connection was set
// up with (user variables, session variables, temporary tables, current database, SQL-level
// prepared statements, locks...) since connect or the last ResetSession: the server flagged a
// change, or, on a server that cannot flag changes (no session tracking, or tracking switched
// off by a statement naming a session_track_* variable), the client sent a statement that may
// change session state (SET, USE, CREATE TEMPORARY TABLE, LOCK TABLES, PREPARE, CALL, DO,
// GET_LOCK, a user variable assignment, any statement it does not know, on every path: Exec,
// Query, Batch, ExecMany, prepared statements). Side effects hidden in stored functions and
// triggers are not seen by the client; pools where those matter should reset always. An open
// transaction is reported by InTransaction, not here. A pool uses this to reset only sessions
// that need it.
func (c *Conn) SessionChanged() bool {
	return c.sessionChanged || !c.tracking && c.clientChanged
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
		return &ConnError{Op: "check", Err: err, safe: true}
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
	if c.busy != nil {
		// The result is abandoned; do not read it.
		c.busy.abandon(ErrConnClosed)
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
	if err == io.ErrUnexpectedEOF || errors.Is(err, io.EOF) {
		err = errors.New("server closed the connection")
	}
	return &ConnError{Op: op, Err: err, safe: safe}
}

// flushRaw writes the write buffer; the caller handles errors.
func (c *Conn) flushRaw() error {
	_, err := c.nc.Write(c.wr.B)
	c.wr.Reset()
	return err
}

// flush writes the buffered command(s). A failure closes the connection; it is safe to retry
// when nothing at all was written.
func (c *Conn) flush() error {
	n, err := c.write(c.wr.B)
	c.wr.Reset()
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

// readPacket reads the next packet of a response; a failure closes the connection.
func (c *Conn) readPacket() ([]byte, error) {
	p, err := c.rd.Next()
	if err != nil {
		return nil, c.fail("read", err, false)
	}
	return p, nil
}

// serverError decodes an ERR packet into a *MySQLError (or a ConnError when it is malformed).
func (c *Conn) serverError(p []byte) error {
	e, err := wire.ParseERR(p)
	if err != nil {
		return c.fail("read", err, false)
	}
	me := &MySQLError{Number: e.Number, SQLState: e.SQLState, Message: e.Message}
	if c.cfg.RejectReadOnly && readOnlyRefusal(me.EffectiveNumber()) {
		// Connected to a read-only node (a writer demoted in a failover): close, so that the
		// pool replaces the connection instead of failing every write on it.
		c.shutdown()
	}
	return me
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

// noteOK records the server status and session changes carried by an OK packet.
func (c *Conn) noteOK(ok *wire.OK) {
	c.status = ok.Status
	if ok.Status&wire.StatusSessionStateChange != 0 {
		c.sessionChanged = true
	}
	if len(ok.SessionState) > 0 {
		wire.ParseSessionState(ok.SessionState, func(kind byte, name, value []byte) {
			if kind == wire.SessionTrackSystemVariables && string(name) == "character_set_client" {
				c.charset = string(value)
			}
		})
	}
}
