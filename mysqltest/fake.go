package mysqltest

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/myxdb/myx/mysqltest/proto"
	"net"
	"net/url"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// FakeServer is a scripted MySQL/MariaDB server for tests. It listens on
// 127.0.0.1 and runs its script, in a goroutine of its own, for every
// connection it accepts; the script decides every byte the client sees.
// Close (registered with t.Cleanup by NewFakeServer) stops it.
type FakeServer struct {
	t      testing.TB
	ln     net.Listener
	script func(*FakeConn)
	wg     sync.WaitGroup
	done   chan struct{}

	mu     sync.Mutex
	conns  map[*FakeConn]struct{}
	closed bool
	nextID int

	accepted atomic.Int64
}

// NewFakeServer starts a fake server that runs script for each accepted
// connection, and registers t.Cleanup to close it. When the script returns,
// the connection is closed; a nil script closes every connection at once,
// before sending anything. Scripts should report problems with
// FakeConn.Errorf (never t.Fatal, which must not be called outside the test's
// goroutine) and must return once the connection fails or Done is closed, or
// Close waits for them forever. A panic in a script is reported as a test
// failure. If the server cannot listen, the test fails with t.Fatalf.
func NewFakeServer(t testing.TB, script func(c *FakeConn)) *FakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mysqltest: fake server listen: %v", err)
		return nil
	}
	fs := &FakeServer{
		t:      t,
		ln:     ln,
		script: script,
		done:   make(chan struct{}),
		conns:  map[*FakeConn]struct{}{},
	}
	fs.wg.Add(1)
	go fs.acceptLoop()
	t.Cleanup(func() { fs.Close() })
	return fs
}

// Addr returns the address the fake server listens on, 127.0.0.1:PORT.
func (fs *FakeServer) Addr() string { return fs.ln.Addr().String() }

// DSN returns a URL-form DSN for the fake server with the given credentials
// and database test: mysql://user:password@127.0.0.1:PORT/test (without
// ":password" if password is empty; both are escaped as URL userinfo).
func (fs *FakeServer) DSN(user, password string) string {
	u := url.URL{Scheme: "mysql", User: url.UserPassword(user, password), Host: fs.Addr(), Path: "/test"}
	if password == "" {
		u.User = url.User(user)
	}
	return u.String()
}

// Accepted returns how many connections the fake server has accepted.
func (fs *FakeServer) Accepted() int { return int(fs.accepted.Load()) }

// Close stops accepting connections, closes the open ones (so scripts blocked
// reading or writing get errors), and waits for every script to return. It is
// idempotent and safe to call from any goroutine.
func (fs *FakeServer) Close() error {
	fs.mu.Lock()
	if fs.closed {
		fs.mu.Unlock()
		fs.wg.Wait()
		return nil
	}
	fs.closed = true
	close(fs.done)
	conns := make([]*FakeConn, 0, len(fs.conns))
	for c := range fs.conns {
		conns = append(conns, c)
	}
	fs.mu.Unlock()
	err := fs.ln.Close()
	for _, c := range conns {
		c.Close()
	}
	fs.wg.Wait()
	return err
}

func (fs *FakeServer) acceptLoop() {
	defer fs.wg.Done()
	for {
		nc, err := fs.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			select {
			case <-fs.done:
				return
			case <-time.After(10 * time.Millisecond):
				continue
			}
		}
		fs.accepted.Add(1)
		fs.mu.Lock()
		if fs.closed {
			fs.mu.Unlock()
			nc.Close()
			return
		}
		fs.nextID++
		c := newFakeConn(fs.t, fs.nextID, nc, fs.done)
		fs.conns[c] = struct{}{}
		fs.wg.Add(1)
		fs.mu.Unlock()
		go fs.run(c)
	}
}

func (fs *FakeServer) run(c *FakeConn) {
	defer fs.wg.Done()
	defer func() {
		if r := recover(); r != nil {
			fs.t.Errorf("mysqltest: fake server script panicked on connection %d: %v\n%s", c.id, r, debug.Stack())
		}
		c.Close()
		fs.mu.Lock()
		delete(fs.conns, c)
		fs.mu.Unlock()
	}()
	if fs.script != nil {
		fs.script(c)
		c.Flush()
	}
}

// FakeConn is one connection to a FakeServer, as seen by the script. Its
// methods are meant for the script's goroutine, except Close, Abort and Done,
// which are safe from any goroutine.
//
// A FakeConn tracks the packet sequence id: writes use it and advance it,
// reads check the client's id against it (a mismatch is reported as an
// error) and advance it; ReadCommand starts a new command at 0. After the
// first I/O error (including the client closing), every further read and
// write returns that same error without doing anything.
type FakeConn struct {
	t    testing.TB
	id   int
	raw  net.Conn // the TCP connection; closing it ends everything
	conn net.Conn // raw, or a TLS connection over it
	r    *bufio.Reader
	seq  byte
	err  error
	done <-chan struct{}

	serverCaps uint64
	clientCaps uint64
	gotClient  bool
	mariadb    bool
	scramble   []byte
	status     uint16
	tls        *tls.Config
	tlsActive  bool
	closeOnce  sync.Once
	// handshakePlugin is the plugin WriteHandshake named.
	handshakePlugin string
	comp            *fakeCompression // set by StartCompression
}

func newFakeConn(t testing.TB, id int, nc net.Conn, done <-chan struct{}) *FakeConn {
	return &FakeConn{
		t:          t,
		id:         id,
		raw:        nc,
		conn:       nc,
		r:          bufio.NewReader(nc),
		done:       done,
		serverCaps: DefaultCapabilities,
		status:     proto.StatusAutocommit,
	}
}

// ID returns the connection's number: 1 for the first connection the server
// accepted, 2 for the next, and so on.
func (c *FakeConn) ID() int { return c.id }

// NetConn returns the connection's socket (a *tls.Conn after StartTLS), for
// setting deadlines or for raw access.
func (c *FakeConn) NetConn() net.Conn { return c.conn }

// Done returns a channel that is closed when the server is closing; a script
// that waits for something other than the client should also wait for it.
func (c *FakeConn) Done() <-chan struct{} { return c.done }

// Err returns the first I/O error the connection met, or nil.
func (c *FakeConn) Err() error { return c.err }

// Errorf reports a test failure (t.Errorf) prefixed with the connection
// number. It is safe to call from the script's goroutine.
func (c *FakeConn) Errorf(format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("fake server conn %d: %s", c.id, fmt.Sprintf(format, args...))
}

// Logf logs (t.Logf) prefixed with the connection number.
func (c *FakeConn) Logf(format string, args ...any) {
	c.t.Helper()
	c.t.Logf("fake server conn %d: %s", c.id, fmt.Sprintf(format, args...))
}

// Fatalf reports a test failure like Errorf and ends the script (with
// runtime.Goexit; the connection is then closed). Call it only from the
// script's own goroutine.
func (c *FakeConn) Fatalf(format string, args ...any) {
	c.t.Helper()
	c.Errorf(format, args...)
	runtime.Goexit()
}

// Capabilities returns the capability flags in effect: the server's (from
// WriteHandshake, else DefaultCapabilities) and, once ReadHandshakeResponse
// has read the client's, only those both sides have. Packet encodings that
// depend on capabilities (OK, EOF, ERR, column counts and definitions) use
// them.
func (c *FakeConn) Capabilities() uint64 {
	if c.gotClient {
		return c.serverCaps & c.clientCaps
	}
	return c.serverCaps
}

// SetCapabilities replaces the capabilities in effect (both the server's and
// the client's), for scripts that skip or fake the handshake.
func (c *FakeConn) SetCapabilities(caps uint64) {
	c.serverCaps, c.clientCaps, c.gotClient = caps, caps, true
}

// ClientCapabilities returns the capabilities the client sent in its
// handshake response (0 before one was read).
func (c *FakeConn) ClientCapabilities() uint64 { return c.clientCaps }

// Scramble returns the authentication challenge sent by WriteHandshake.
func (c *FakeConn) Scramble() []byte { return c.scramble }

// MariaDB reports whether WriteHandshake presented a MariaDB server.
func (c *FakeConn) MariaDB() bool { return c.mariadb }

// Status returns the status flags OK and EOF packets carry when their options
// leave the status zero; initially the handshake's status (by default
// proto.StatusAutocommit).
func (c *FakeConn) Status() uint16 { return c.status }

// SetStatus sets the status Status returns, for example proto.StatusInTrans after
// a script has answered BEGIN.
func (c *FakeConn) SetStatus(s uint16) { c.status = s }

// IsTLS reports whether StartTLS has upgraded the connection.
func (c *FakeConn) IsTLS() bool { return c.tlsActive }

// Seq returns the sequence id the next packet written will carry (and the
// next packet read must carry).
func (c *FakeConn) Seq() byte { return c.seq }

// SetSeq sets the sequence id of the next packet, for example to send a
// packet out of sequence deliberately. With compression on it first sends
// the packets queued (numbered as they were), then sets the frame sequence id
// too.
func (c *FakeConn) SetSeq(seq byte) {
	c.seq = seq
	if c.comp != nil {
		c.Flush()
		c.comp.cseq = seq
	}
}

// ResetSeq sets the sequence id to 0, as at the start of a command (and the
// frame sequence id, with compression on).
func (c *FakeConn) ResetSeq() { c.SetSeq(0) }

// Close closes the connection normally (the client reads EOF). It is
// idempotent and safe from any goroutine.
func (c *FakeConn) Close() error {
	var err error
	c.closeOnce.Do(func() { err = c.raw.Close() })
	return err
}

// Abort closes the connection with a TCP reset, like a server that crashed
// or a firewall that dropped the connection (the client reads "connection
// reset by peer"). Safe from any goroutine.
func (c *FakeConn) Abort() error {
	var err error
	c.closeOnce.Do(func() {
		if tc, ok := c.raw.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		err = c.raw.Close()
	})
	return err
}

func (c *FakeConn) fail(err error) error {
	if c.err == nil {
		c.err = err
	}
	return c.err
}

// ReadPacket reads the client's next packet and returns its payload,
// reassembling payloads split over several packets. A packet whose sequence
// id is not Seq() is an error (the sequence then continues from the id the
// client sent).
func (c *FakeConn) ReadPacket() ([]byte, error) {
	if c.err != nil {
		return nil, c.err
	}
	if err := c.Flush(); err != nil {
		return nil, err
	}
	var out []byte
	for {
		p, seq, err := readPacket(c.r)
		if err != nil {
			if c.comp != nil && c.comp.err != nil {
				err = c.comp.err
			}
			return nil, c.fail(err)
		}
		if c.comp != nil {
			// Inside compressed frames a server does not check packet ids; it continues
			// from the frame's.
			c.seq = c.comp.cseq
		} else if seq != c.seq {
			want := c.seq
			c.seq = seq + 1
			return nil, fmt.Errorf("mysqltest: client packet has sequence id %d, want %d", seq, want)
		} else {
			c.seq++
		}
		if out == nil {
			out = p
		} else {
			out = append(out, p...)
		}
		if len(p) < maxPayload {
			return out, nil
		}
	}
}

// WritePacket writes payload as one packet (or, past 16 MiB - 1 bytes, as
// several), with the current sequence id, advancing it.
func (c *FakeConn) WritePacket(payload []byte) error {
	if c.err != nil {
		return c.err
	}
	buf := make([]byte, 0, len(payload)+4+4*(len(payload)/maxPayload))
	for {
		n := min(len(payload), maxPayload)
		buf = appendPacketHeader(buf, n, c.seq)
		buf = append(buf, payload[:n]...)
		c.seq++
		payload = payload[n:]
		if n < maxPayload {
			break
		}
	}
	if c.comp != nil {
		return c.queue(buf)
	}
	return c.write(buf)
}

// WriteRaw writes b to the client exactly as given, with no header and no
// change to the sequence id: for malformed, truncated or split packets.
//
// With compression on (StartCompression), the packets queued so far are sent first and b goes
// out as it is, outside any frame: a script crafting frames writes them whole.
func (c *FakeConn) WriteRaw(b []byte) error {
	if c.err != nil {
		return c.err
	}
	if err := c.Flush(); err != nil {
		return err
	}
	return c.write(b)
}

func (c *FakeConn) write(b []byte) error {
	if _, err := c.conn.Write(b); err != nil {
		return c.fail(err)
	}
	return nil
}

// HandshakeOptions describe the initial handshake packet. The zero value
// presents a MySQL 8.0 server.
type HandshakeOptions struct {
	// ProtocolVersion is the first byte; 0 means 10.
	ProtocolVersion byte
	// ServerVersion is the version string; "" means "8.0.36", or
	// "5.5.5-10.11.6-MariaDB" in MariaDB mode (MariaDB 10 servers prefix
	// "5.5.5-").
	ServerVersion string
	// MariaDB selects MariaDB mode: proto.ClientMySQL is cleared and the extended
	// capabilities go into the 4 otherwise unused filler bytes. A version
	// string containing "MariaDB" selects it too.
	MariaDB bool
	// ConnectionID is the connection (thread) id; 0 means the FakeConn's ID.
	ConnectionID uint32
	// Scramble is the authentication challenge, normally 20 bytes and at
	// least 8; nil means 20 random printable bytes. Scramble returns it.
	Scramble []byte
	// Capabilities are the server's capability flags; 0 means
	// DefaultCapabilities, or DefaultMariaDBCapabilities in MariaDB mode,
	// plus proto.ClientSSL when TLS is set.
	Capabilities uint64
	// Collation is the server's default collation id; 0 means
	// proto.CollationUTF8MB40900AICI, or proto.CollationUTF8MB4GeneralCI for MariaDB.
	Collation byte
	// Status is the status flags; 0 means proto.StatusAutocommit.
	Status uint16
	// AuthPlugin is the default authentication plugin; "" means
	// caching_sha2_password, or mysql_native_password for MariaDB.
	AuthPlugin string
	// TLS, if set, is the server's TLS configuration (see TLSConfigs):
	// proto.ClientSSL is advertised and Login answers an SSLRequest by starting
	// TLS with it.
	TLS *tls.Config
}

// WriteHandshake sends the initial handshake packet (sequence id 0) and
// records the capabilities, scramble and mode for the rest of the
// connection.
func (c *FakeConn) WriteHandshake(o HandshakeOptions) error {
	mariadb := o.MariaDB || strings.Contains(o.ServerVersion, "MariaDB")
	protoVersion := o.ProtocolVersion
	if protoVersion == 0 {
		protoVersion = 10
	}
	version := o.ServerVersion
	if version == "" {
		version = "8.0.36"
		if mariadb {
			version = "5.5.5-10.11.6-MariaDB"
		}
	}
	connID := o.ConnectionID
	if connID == 0 {
		connID = uint32(c.id)
	}
	scramble := o.Scramble
	if scramble == nil {
		var err error
		if scramble, err = NewScramble(); err != nil {
			return err
		}
	}
	if len(scramble) < 8 {
		return fmt.Errorf("mysqltest: scramble of %d bytes, want at least 8", len(scramble))
	}
	caps := o.Capabilities
	if caps == 0 {
		caps = DefaultCapabilities
		if mariadb {
			caps = DefaultMariaDBCapabilities
		}
		if o.TLS != nil {
			caps |= proto.ClientSSL
		}
	}
	if mariadb {
		caps &^= proto.ClientMySQL
	}
	collation := o.Collation
	if collation == 0 {
		collation = proto.CollationUTF8MB40900AICI
		if mariadb {
			collation = proto.CollationUTF8MB4GeneralCI
		}
	}
	status := o.Status
	if status == 0 {
		status = proto.StatusAutocommit
	}
	plugin := o.AuthPlugin
	if plugin == "" {
		plugin = proto.PluginCachingSHA2Password
		if mariadb {
			plugin = proto.PluginNativePassword
		}
	}

	b := []byte{protoVersion}
	b = append(b, version...)
	b = append(b, 0)
	b = binary.LittleEndian.AppendUint32(b, connID)
	b = append(b, scramble[:8]...)
	b = append(b, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(caps))
	b = append(b, collation)
	b = binary.LittleEndian.AppendUint16(b, status)
	b = binary.LittleEndian.AppendUint16(b, uint16(caps>>16))
	if caps&proto.ClientPluginAuth != 0 {
		b = append(b, byte(len(scramble)+1))
	} else {
		b = append(b, 0)
	}
	b = append(b, 0, 0, 0, 0, 0, 0)
	if caps&proto.ClientMySQL == 0 {
		b = binary.LittleEndian.AppendUint32(b, uint32(caps>>32))
	} else {
		b = append(b, 0, 0, 0, 0)
	}
	if caps&proto.ClientSecureConnection != 0 {
		part2 := scramble[8:]
		b = append(b, part2...)
		for i := len(part2); i < 12; i++ {
			b = append(b, 0)
		}
		b = append(b, 0)
	}
	if caps&proto.ClientPluginAuth != 0 {
		b = append(b, plugin...)
		b = append(b, 0)
	}

	c.serverCaps = caps
	c.clientCaps, c.gotClient = 0, false
	c.mariadb = mariadb
	c.scramble = scramble
	c.status = status
	c.tls = o.TLS
	c.handshakePlugin = plugin
	c.seq = 0
	return c.WritePacket(b)
}

// NewScramble returns 20 random bytes suitable as a scramble: printable
// ASCII, as real servers send, so none is a NUL.
func NewScramble() ([]byte, error) {
	const alphabet = "!#%&()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("mysqltest: %w", err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return b, nil
}

// HandshakeResponse is what the client sent in its HandshakeResponse41
// packet, or in an SSLRequest.
type HandshakeResponse struct {
	// SSLRequest reports that the packet was an SSLRequest: the client wants
	// TLS and only the capability, packet size and collation fields are set.
	// The script should call StartTLS and read the real response.
	SSLRequest bool
	// Capabilities are the client's flags as sent, with MariaDB's extended
	// flags in the upper 32 bits when both sides cleared proto.ClientMySQL.
	Capabilities uint64
	// MaxPacketSize is the largest packet the client wants to receive.
	MaxPacketSize uint32
	// Collation is the client's collation id.
	Collation byte
	// User is the user name.
	User string
	// AuthResponse is the authentication data.
	AuthResponse []byte
	// Database is the initial database ("" if the client sent none).
	Database string
	// AuthPlugin is the plugin the client says produced AuthResponse.
	AuthPlugin string
	// Attributes are the connection attributes (nil if none were sent).
	Attributes map[string]string
	// ZstdLevel is the requested zstd compression level, if the client set
	// proto.ClientZstdCompression.
	ZstdLevel byte
	// Password is the client's cleartext password, set by Login when the
	// exchange revealed it (caching_sha2_password full authentication or
	// mysql_clear_password).
	Password string
	// Raw is the packet's payload.
	Raw []byte
}

// ReadHandshakeResponse reads and parses the client's HandshakeResponse41
// (or SSLRequest) packet. The fields present are decided by the client's
// capability flags, as the protocol specifies; a packet that is too short,
// has trailing bytes or uses the pre-4.1 format is an error. The client's
// capabilities then take part in Capabilities.
func (c *FakeConn) ReadHandshakeResponse() (*HandshakeResponse, error) {
	p, err := c.ReadPacket()
	if err != nil {
		return nil, err
	}
	resp, err := parseHandshakeResponse(p, c.serverCaps)
	if err != nil {
		return resp, err
	}
	c.clientCaps, c.gotClient = resp.Capabilities, true
	return resp, nil
}

func parseHandshakeResponse(p []byte, serverCaps uint64) (*HandshakeResponse, error) {
	resp := &HandshakeResponse{Raw: p}
	if len(p) < 4 {
		return resp, fmt.Errorf("mysqltest: handshake response of %d bytes", len(p))
	}
	caps := uint64(binary.LittleEndian.Uint32(p))
	if caps&proto.ClientProtocol41 == 0 {
		return resp, fmt.Errorf("mysqltest: client did not set CLIENT_PROTOCOL_41 (caps %#x); pre-4.1 handshake responses are not supported", caps)
	}
	if len(p) < 32 {
		return resp, fmt.Errorf("mysqltest: handshake response of %d bytes, want at least 32", len(p))
	}
	resp.MaxPacketSize = binary.LittleEndian.Uint32(p[4:])
	resp.Collation = p[8]
	if serverCaps&proto.ClientMySQL == 0 && caps&proto.ClientMySQL == 0 {
		caps |= uint64(binary.LittleEndian.Uint32(p[28:])) << 32
	} else {
		for _, b := range p[9:32] {
			if b != 0 {
				return resp, fmt.Errorf("mysqltest: handshake response filler is not zero: %x", p[9:32])
			}
		}
	}
	resp.Capabilities = caps
	if len(p) == 32 {
		if caps&proto.ClientSSL == 0 {
			return resp, errors.New("mysqltest: 32-byte handshake response without CLIENT_SSL (no user name)")
		}
		resp.SSLRequest = true
		return resp, nil
	}
	d := &decoder{buf: p, pos: 32}
	resp.User = d.nulString("user name")
	switch {
	case caps&proto.ClientPluginAuthLenencClientData != 0:
		resp.AuthResponse = d.lenEncBytes("auth response")
	case caps&proto.ClientSecureConnection != 0:
		n := int(d.byte1("auth response length"))
		resp.AuthResponse = d.bytes(n, "auth response")
	default:
		resp.AuthResponse = []byte(d.nulString("auth response"))
	}
	resp.AuthResponse = append([]byte{}, resp.AuthResponse...)
	if caps&proto.ClientConnectWithDB != 0 {
		resp.Database = d.nulString("database")
	}
	if caps&proto.ClientPluginAuth != 0 {
		resp.AuthPlugin = d.nulString("auth plugin name")
	}
	if caps&proto.ClientConnectAttrs != 0 {
		attrs := d.lenEncBytes("connection attributes")
		ad := &decoder{buf: attrs}
		resp.Attributes = map[string]string{}
		for ad.remaining() > 0 && ad.err == nil {
			k := string(ad.lenEncBytes("attribute name"))
			v := string(ad.lenEncBytes("attribute value"))
			resp.Attributes[k] = v
		}
		if ad.err != nil {
			return resp, ad.err
		}
	}
	if caps&proto.ClientZstdCompression != 0 {
		resp.ZstdLevel = d.byte1("zstd compression level")
	}
	if d.err != nil {
		return resp, d.err
	}
	if d.remaining() != 0 {
		return resp, fmt.Errorf("mysqltest: %d unexpected bytes at the end of the handshake response: %q", d.remaining(), d.rest())
	}
	return resp, nil
}

// StartTLS performs the server side of a TLS handshake on the connection,
// as a server does after an SSLRequest; later packets travel encrypted.
// cfg nil means the HandshakeOptions.TLS given to WriteHandshake.
func (c *FakeConn) StartTLS(cfg *tls.Config) error {
	if c.err != nil {
		return c.err
	}
	if cfg == nil {
		cfg = c.tls
	}
	if cfg == nil {
		return errors.New("mysqltest: StartTLS without a TLS configuration")
	}
	// The client's first TLS bytes may already sit in the read buffer.
	tc := tls.Server(&bufferedConn{Conn: c.conn, r: c.r}, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		return c.fail(fmt.Errorf("mysqltest: TLS handshake: %w", err))
	}
	c.conn = tc
	c.r = bufio.NewReader(tc)
	c.tlsActive = true
	return nil
}

// WriteAuthSwitch sends an AuthSwitchRequest: 0xfe, the plugin name, a NUL
// and data exactly as given. For the scramble-based plugins real servers
// send a 20-byte scramble followed by a NUL.
func (c *FakeConn) WriteAuthSwitch(plugin string, data []byte) error {
	b := append([]byte{0xfe}, plugin...)
	b = append(b, 0)
	return c.WritePacket(append(b, data...))
}

// WriteAuthMoreData sends an AuthMoreData packet: 0x01 followed by data.
// caching_sha2_password uses data 0x03 for "fast authentication succeeded"
// and 0x04 for "perform full authentication", and sends its public key this
// way.
func (c *FakeConn) WriteAuthMoreData(data []byte) error {
	return c.WritePacket(append([]byte{0x01}, data...))
}

// ReadCommand starts a new command: it resets the sequence id, reads the
// client's packet and returns its command byte and the rest of the payload.
func (c *FakeConn) ReadCommand() (cmd byte, payload []byte, err error) {
	c.ResetSeq()
	p, err := c.ReadPacket()
	if err != nil {
		return 0, nil, err
	}
	if len(p) == 0 {
		return 0, nil, errors.New("mysqltest: empty command packet")
	}
	return p[0], p[1:], nil
}

// bufferedConn reads through a bufio.Reader that may hold bytes already
// read from the connection.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (b *bufferedConn) Read(p []byte) (int, error) { return b.r.Read(p) }
