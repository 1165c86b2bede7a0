package myx

// The session core: dialing, the server greeting, the TLS upgrade and the authentication
// exchange (the plugins themselves are in internal/auth).

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"time"

	"github.com/myxdb/myx/internal/auth"
	"github.com/myxdb/myx/internal/wire"
)

// connect dials, runs the handshake and sets the session up (initSession), all bounded by ctx,
// then puts in place how replies are awaited (poll(2) unless Config.Poller says otherwise) and the
// per-I/O timeouts.
func (c *Conn) connect(ctx context.Context) error {
	cfg := c.cfg
	network := cfg.network()
	var err error
	if cfg.DialFunc != nil {
		c.nc, err = cfg.DialFunc(ctx, network, c.addr)
	} else {
		var d net.Dialer
		c.nc, err = d.DialContext(ctx, network, c.addr)
	}
	if err != nil {
		return newConnError("dial", err, true)
	}
	if tc, ok := c.nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
		tc.SetKeepAlive(true)
	}
	c.secure = network == "unix"
	c.rd = wire.NewReader(c.nc)
	c.rd.Max = cfg.maxPacketSize()

	// Connection setup (handshake, authentication, session settings) is bounded by the
	// context: a deadline becomes the socket deadline, and a cancellation interrupts the I/O.
	raw := c.nc // TLS, if any, wraps it; its deadlines bound the TLS connection too
	if dl, ok := ctx.Deadline(); ok {
		raw.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	err = c.handshake(ctx)
	if err == nil {
		err = c.initSession()
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
		return &ConnError{Op: "connect", Err: &connectInterrupted{ctx: cerr, err: err}, safe: true}
	}
	if err != nil {
		return err
	}
	raw.SetDeadline(time.Time{})
	c.lastUsed = time.Now()
	c.setupPoll(raw)
	c.installTimeouts()
	return nil
}

// handshake reads the server greeting, negotiates TLS and compression, and authenticates.
func (c *Conn) handshake(ctx context.Context) error {
	cfg := c.cfg
	c.rd.Seq = 0
	p, err := c.rd.Next()
	if err != nil {
		return newConnError("handshake", err, true)
	}
	if len(p) > 0 && p[0] == wire.HeaderERR {
		e, perr := wire.ParseERR(p)
		if perr != nil {
			return newConnError("handshake", perr, true)
		}
		// Too many connections, a host not allowed to connect, ...
		me := &MySQLError{Number: e.Number, SQLState: e.SQLState, Message: e.Message}
		return &refusedError{what: "the server refused the connection", err: me}
	}
	hs, err := wire.ParseHandshake(p)
	if err != nil {
		return newConnError("handshake", err, true)
	}
	if hs.Capabilities&wire.ClientProtocol41 == 0 {
		return newConnError("handshake", errors.New("server does not support protocol 4.1"), true)
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
	if cfg.QueryAttributes && !isMariaDB {
		want |= wire.ClientQueryAttributes
	}
	want |= compressionCaps(cfg.Compress, hs.Capabilities)
	c.caps = want & hs.Capabilities
	if !isMariaDB {
		c.caps |= wire.ClientMySQL
	}

	collation, _ := handshakeCollation(cfg.collation()) // initSession sets the others
	c.charset = charsetOf(cfg.collation())

	// TLS
	if cfg.TLSMode != TLSDisabled && cfg.network() != "unix" {
		if hs.Capabilities&wire.ClientSSL == 0 {
			if cfg.TLSMode != TLSPreferred && !cfg.AllowFallbackToPlaintext {
				return newConnError("handshake", fmt.Errorf("TLS mode %s but the server does not offer TLS", cfg.TLSMode), true)
			}
		} else {
			c.caps |= wire.ClientSSL
			c.wr.Reset()
			c.wr.Seq = 1
			c.wr.Start()
			c.wr.B = wire.AppendSSLRequest(c.wr.B, c.caps, 1<<24, byte(collation))
			c.wr.Finish()
			if err := c.flushRaw(); err != nil {
				return newConnError("handshake", err, true)
			}
			tlsConn := tls.Client(tlsTransport(cfg, c.nc), c.tlsConfig())
			if err := tlsConn.HandshakeContext(ctx); err != nil {
				return newConnError("tls", err, true)
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
		return newConnError("auth", err, true)
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
		return newConnError("handshake", err, true)
	}
	c.rd.Seq = c.wr.Seq
	if err := c.authenticate(plugin); err != nil {
		return err
	}
	c.startCompression()
	return nil
}

// authenticate runs the auth exchange after the handshake response until OK or ERR.
func (c *Conn) authenticate(plugin auth.Plugin) error {
	for {
		p, err := c.rd.Next()
		if err != nil {
			return newConnError("auth", err, true)
		}
		c.wr.Seq = c.rd.Seq
		if len(p) == 0 {
			return newConnError("auth", fmt.Errorf("%w: empty packet", wire.ErrMalformed), true)
		}
		var reply []byte
		switch p[0] {
		case wire.HeaderOK:
			ok, err := c.parseOK(p)
			if err != nil {
				return newConnError("auth", err, true)
			}
			c.noteOK(&ok)
			return nil
		case wire.HeaderERR:
			return c.loginRefused(c.serverError(p))
		case wire.HeaderAuthSwitch:
			sw, err := wire.ParseAuthSwitch(p)
			if err != nil {
				return newConnError("auth", err, true)
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
				return newConnError("auth", err, true)
			}
			if reply, err = plugin.Start(sw.Data); err != nil {
				return newConnError("auth", err, true)
			}
			if reply == nil {
				reply = []byte{}
			}
		case wire.HeaderAuthMore:
			if reply, err = plugin.Next(p[1:]); err != nil {
				return newConnError("auth", err, true)
			}
		default:
			return newConnError("auth", fmt.Errorf("%w: unexpected packet 0x%02x during authentication", wire.ErrMalformed, p[0]), true)
		}
		if reply != nil {
			c.wr.Reset()
			c.wr.Start()
			c.wr.B = append(c.wr.B, reply...)
			c.wr.Finish()
			if err := c.flushRaw(); err != nil {
				return newConnError("auth", err, true)
			}
			c.rd.Seq = c.wr.Seq
		}
	}
}

// loginRefused names the user in the server's refusal of the login (err, from serverError).
func (c *Conn) loginRefused(err error) error {
	me, ok := err.(*MySQLError)
	if !ok {
		return err
	}
	what := "the server refused the login of user '" + c.cfg.User + "'"
	switch me.EffectiveNumber() {
	case erAccessDenied, erAccessDeniedNoPassword, erNotSupportedAuthMode:
		what = "authentication failed for user '" + c.cfg.User + "'"
	}
	return &refusedError{what: what, err: me}
}

// Server errors that refuse a login for its credentials.
const (
	erAccessDenied           = 1045 // ER_ACCESS_DENIED_ERROR
	erAccessDeniedNoPassword = 1698 // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
	erNotSupportedAuthMode   = 1251 // ER_NOT_SUPPORTED_AUTH_MODE
)

// pluginAllowed refuses the authentication plugins the configuration rules out.
func (c *Conn) pluginAllowed(name string) error {
	if name == "mysql_native_password" && c.cfg.DisallowNativePasswords {
		return newConnError("auth", errors.New("the server asks for mysql_native_password, which the configuration disallows (allowNativePasswords=false)"), true)
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
	host := c.addr
	if h, _, err := net.SplitHostPort(host); err == nil {
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

// connectInterrupted is the cause of a connect that its context ended: the context's error,
// which it unwraps to, with the failure it caused (or that came first) in its message.
type connectInterrupted struct{ ctx, err error }

func (e *connectInterrupted) Error() string {
	if e.err == nil || e.err == e.ctx {
		return e.ctx.Error()
	}
	return e.ctx.Error() + " (" + bare(e.err) + ")"
}

func (e *connectInterrupted) Unwrap() error { return e.ctx }
