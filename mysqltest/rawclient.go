package mysqltest

// A deliberately small MySQL client (text protocol), used by this package's
// tests and, for the administrative statements of StartReplication and
// StartGalera, by the package itself, which must not depend on myx (see the
// package documentation). It builds its packets independently of the fake
// server's encoders, so that talking to the fake server checks the fake
// server's encodings, and talking to a real server checks the client itself.
// The prepared-statement part, used only by tests, is in rawclient_test.go.

import (
	"bufio"
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"github.com/myxdb/myx/mysqltest/proto"
	"io"
	"net"
	"time"
)

type rawOptions struct {
	user, password, db string
	// caps are the capabilities the client asks for; 0 means a default set.
	caps uint64
	// plugin is the plugin the client claims to have used; default is the
	// server's.
	plugin string
	// attrs are sent as connection attributes if non-empty.
	attrs [][2]string
	// tls, if set, makes the client send an SSLRequest first.
	tls *tls.Config
	// authResponse, if non-nil, is sent instead of a computed one.
	authResponse []byte
}

const rawDefaultCaps = proto.ClientLongPassword | proto.ClientLongFlag | proto.ClientConnectWithDB |
	proto.ClientLocalFiles | proto.ClientProtocol41 | proto.ClientTransactions | proto.ClientSecureConnection |
	proto.ClientMultiStatements | proto.ClientMultiResults | proto.ClientPSMultiResults | proto.ClientPluginAuth |
	proto.ClientConnectAttrs | proto.ClientPluginAuthLenencClientData | proto.ClientDeprecateEOF

type rawClient struct {
	conn   net.Conn
	br     *bufio.Reader
	seq    byte
	info   *ServerInfo
	caps   uint64 // negotiated
	plugin string
	// okStatus is the status of the last OK/EOF packet.
	okStatus uint16
	// onRead, if set, sees every packet payload read.
	onRead func(p []byte)
}

type rawResult struct {
	columns      []rawColumn
	rows         [][]*string
	affected     uint64
	lastInsertID uint64
	status       uint16
	warnings     uint16
	info         string
}

type rawColumn struct {
	schema, table, orgTable, name, orgName string
	extended                               []byte
	charset                                uint16
	length                                 uint32
	typ                                    byte
	flags                                  uint16
	decimals                               byte
}

func rawDial(network, addr string, o rawOptions) (*rawClient, error) {
	return rawDialContext(context.Background(), network, addr, o)
}

// rawDialContext connects and logs in, within 5 s for the connection and
// 20 s in all, or sooner if ctx ends.
func rawDialContext(ctx context.Context, network, addr string, o rawOptions) (*rawClient, error) {
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(dctx, network, addr)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(20 * time.Second)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	conn.SetDeadline(deadline)
	c := &rawClient{conn: conn, br: bufio.NewReader(conn)}
	if err := c.login(o); err != nil {
		conn.Close()
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return c, nil
}

func rawDialDSN(dsn string, o rawOptions) (*rawClient, error) {
	network, addr, err := Addr(dsn)
	if err != nil {
		return nil, err
	}
	return rawDial(network, addr, o)
}

func (c *rawClient) close() { c.conn.Close() }

// quit sends COM_QUIT and closes.
func (c *rawClient) quit() {
	c.seq = 0
	c.writePacket([]byte{proto.ComQuit})
	c.conn.Close()
}

func (c *rawClient) readPacket() ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(c.br, hdr[:]); err != nil {
		return nil, err
	}
	n := int(hdr[0]) | int(hdr[1])<<8 | int(hdr[2])<<16
	if hdr[3] != c.seq {
		return nil, fmt.Errorf("raw client: sequence id %d, want %d", hdr[3], c.seq)
	}
	c.seq++
	p := make([]byte, n)
	if _, err := io.ReadFull(c.br, p); err != nil {
		return nil, err
	}
	if c.onRead != nil {
		c.onRead(p)
	}
	if n == maxPayload {
		more, err := c.readPacket()
		if err != nil {
			return nil, err
		}
		p = append(p, more...)
	}
	return p, nil
}

func (c *rawClient) writePacket(p []byte) error {
	for {
		n := min(len(p), maxPayload)
		buf := make([]byte, 0, 4+n)
		buf = append(buf, byte(n), byte(n>>8), byte(n>>16), c.seq)
		buf = append(buf, p[:n]...)
		c.seq++
		if _, err := c.conn.Write(buf); err != nil {
			return err
		}
		p = p[n:]
		if n < maxPayload {
			return nil
		}
	}
}

func nativeScramble(scramble []byte, password string) []byte {
	if password == "" {
		return nil
	}
	h1 := sha1.Sum([]byte(password))
	h2 := sha1.Sum(h1[:])
	h := sha1.New()
	h.Write(scramble[:20])
	h.Write(h2[:])
	h3 := h.Sum(nil)
	for i := range h3 {
		h3[i] ^= h1[i]
	}
	return h3
}

func (c *rawClient) login(o rawOptions) error {
	p, err := c.readPacket()
	if err != nil {
		return fmt.Errorf("raw client: reading handshake: %w", err)
	}
	info, err := parseServerHandshake(p)
	if err != nil {
		return err
	}
	c.info = info
	caps := o.caps
	if caps == 0 {
		caps = rawDefaultCaps
	}
	if o.tls != nil {
		caps |= proto.ClientSSL
	}
	if len(o.attrs) == 0 {
		caps &^= proto.ClientConnectAttrs
	}
	if o.db == "" {
		caps &^= proto.ClientConnectWithDB
	}
	if info.MariaDB {
		caps &^= proto.ClientMySQL
	}
	c.caps = caps & info.Capabilities
	plugin := o.plugin
	if plugin == "" {
		plugin = info.AuthPlugin
	}
	c.plugin = plugin

	header := make([]byte, 32)
	binary.LittleEndian.PutUint32(header[0:], uint32(caps))
	binary.LittleEndian.PutUint32(header[4:], 1<<24)
	header[8] = 45
	if info.MariaDB {
		binary.LittleEndian.PutUint32(header[28:], uint32(caps>>32))
	}
	if o.tls != nil {
		if err := c.writePacket(header); err != nil {
			return err
		}
		tc := tls.Client(c.conn, o.tls)
		if err := tc.HandshakeContext(context.Background()); err != nil {
			return fmt.Errorf("raw client: TLS handshake: %w", err)
		}
		c.conn = tc
		c.br = bufio.NewReader(tc)
	}
	resp := append([]byte(nil), header...)
	resp = append(resp, o.user...)
	resp = append(resp, 0)
	auth := o.authResponse
	if auth == nil {
		auth = c.authData(plugin, info.Scramble, o.password)
	}
	if caps&proto.ClientPluginAuthLenencClientData != 0 {
		resp = appendTestLenEnc(resp, uint64(len(auth)))
	} else {
		resp = append(resp, byte(len(auth)))
	}
	resp = append(resp, auth...)
	if caps&proto.ClientConnectWithDB != 0 {
		resp = append(resp, o.db...)
		resp = append(resp, 0)
	}
	if caps&proto.ClientPluginAuth != 0 {
		resp = append(resp, plugin...)
		resp = append(resp, 0)
	}
	if caps&proto.ClientConnectAttrs != 0 {
		var kv []byte
		for _, a := range o.attrs {
			kv = appendTestLenEnc(kv, uint64(len(a[0])))
			kv = append(kv, a[0]...)
			kv = appendTestLenEnc(kv, uint64(len(a[1])))
			kv = append(kv, a[1]...)
		}
		resp = appendTestLenEnc(resp, uint64(len(kv)))
		resp = append(resp, kv...)
	}
	if err := c.writePacket(resp); err != nil {
		return err
	}
	scramble := info.Scramble
	for {
		p, err := c.readPacket()
		if err != nil {
			return fmt.Errorf("raw client: reading auth result: %w", err)
		}
		switch p[0] {
		case 0x00:
			return nil
		case 0xff:
			return parseErrPacket(p)
		case 0xfe:
			// Auth switch: plugin name, NUL, data (NUL-terminated for the
			// scramble-based plugins).
			d := &decoder{buf: p[1:]}
			plugin = d.nulString("plugin")
			data := d.rest()
			if len(data) > 0 && data[len(data)-1] == 0 {
				data = data[:len(data)-1]
			}
			if d.err != nil {
				return d.err
			}
			c.plugin = plugin
			scramble = data
			if err := c.writePacket(c.authData(plugin, scramble, o.password)); err != nil {
				return err
			}
		case 0x01:
			if len(p) == 2 && p[1] == 3 {
				continue // fast auth success; OK follows
			}
			if len(p) == 2 && p[1] == 4 {
				// Full authentication: the password in clear over TLS,
				// else RSA-encrypted with the server's public key.
				if _, ok := c.conn.(*tls.Conn); ok {
					if err := c.writePacket(append([]byte(o.password), 0)); err != nil {
						return err
					}
					continue
				}
				if err := c.writePacket([]byte{2}); err != nil {
					return err
				}
				kp, err := c.readPacket()
				if err != nil {
					return err
				}
				if len(kp) < 2 || kp[0] != 1 {
					return fmt.Errorf("raw client: want public key, got %x", kp)
				}
				block, _ := pem.Decode(kp[1:])
				if block == nil {
					return errors.New("raw client: public key is not PEM")
				}
				pub, err := x509.ParsePKIXPublicKey(block.Bytes)
				if err != nil {
					return err
				}
				rsaPub, ok := pub.(*rsa.PublicKey)
				if !ok {
					return errors.New("raw client: public key is not RSA")
				}
				enc, err := EncryptPassword(rsaPub, scramble, o.password)
				if err != nil {
					return err
				}
				if err := c.writePacket(enc); err != nil {
					return err
				}
				continue
			}
			return fmt.Errorf("raw client: unexpected auth more data %q", p[1:])
		default:
			return fmt.Errorf("raw client: unexpected auth packet %x", p)
		}
	}
}

func (c *rawClient) authData(plugin string, scramble []byte, password string) []byte {
	switch plugin {
	case "mysql_native_password":
		return nativeScramble(scramble, password)
	case "caching_sha2_password":
		if password == "" {
			return nil
		}
		return CachingSHA2PasswordResponse(scramble, password)
	case "mysql_clear_password":
		return append([]byte(password), 0)
	}
	return nil
}

func appendTestLenEnc(b []byte, v uint64) []byte {
	switch {
	case v < 251:
		return append(b, byte(v))
	case v < 1<<16:
		return append(b, 0xfc, byte(v), byte(v>>8))
	case v < 1<<24:
		return append(b, 0xfd, byte(v), byte(v>>8), byte(v>>16))
	}
	b = append(b, 0xfe)
	return binary.LittleEndian.AppendUint64(b, v)
}

// command sends a command packet with a fresh sequence.
func (c *rawClient) command(cmd byte, arg []byte) error {
	c.seq = 0
	return c.writePacket(append([]byte{cmd}, arg...))
}

// query runs a COM_QUERY and reads one result (no multi-result support
// beyond reporting the status flags).
func (c *rawClient) query(sql string) (*rawResult, error) {
	if err := c.command(proto.ComQuery, []byte(sql)); err != nil {
		return nil, err
	}
	return c.readResult()
}

// exec is query for statements whose result does not matter.
func (c *rawClient) exec(sql string) error {
	_, err := c.query(sql)
	return err
}

func (c *rawClient) readOK(p []byte) (*rawResult, error) {
	d := &decoder{buf: p[1:]}
	r := &rawResult{}
	r.affected = d.lenEncInt("affected rows")
	r.lastInsertID = d.lenEncInt("last insert id")
	r.status = d.uint16("status")
	r.warnings = d.uint16("warnings")
	if d.err != nil {
		return nil, d.err
	}
	if c.caps&proto.ClientSessionTrack != 0 {
		if d.remaining() > 0 {
			r.info = string(d.lenEncBytes("info"))
		}
	} else {
		r.info = string(d.rest())
	}
	c.okStatus = r.status
	return r, d.err
}

func (c *rawClient) readResult() (*rawResult, error) {
	p, err := c.readPacket()
	if err != nil {
		return nil, err
	}
	switch p[0] {
	case 0x00:
		return c.readOK(p)
	case 0xff:
		return nil, parseErrPacket(p)
	case 0xfb:
		return nil, fmt.Errorf("raw client: server requested LOCAL INFILE %q", p[1:])
	}
	d := &decoder{buf: p}
	n := d.lenEncInt("column count")
	if c.caps&proto.MariaDBClientCacheMetadata != 0 {
		if d.byte1("metadata follows") != 1 {
			return nil, errors.New("raw client: metadata not sent")
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	if d.remaining() != 0 {
		return nil, fmt.Errorf("raw client: %d trailing bytes after column count", d.remaining())
	}
	cols, err := c.readColumns(n)
	if err != nil {
		return nil, err
	}
	r := &rawResult{columns: cols}
	for {
		p, err := c.readPacket()
		if err != nil {
			return nil, err
		}
		if end, status, warnings, err := c.endOfRows(p); end || err != nil {
			r.status, r.warnings = status, warnings
			return r, err
		}
		if p[0] == 0xff {
			return r, parseErrPacket(p)
		}
		d := &decoder{buf: p}
		row := make([]*string, 0, n)
		for d.remaining() > 0 && d.err == nil {
			if d.buf[d.pos] == 0xfb {
				d.pos++
				row = append(row, nil)
				continue
			}
			s := string(d.lenEncBytes("value"))
			row = append(row, &s)
		}
		if d.err != nil {
			return nil, d.err
		}
		if uint64(len(row)) != n {
			return nil, fmt.Errorf("raw client: row has %d values, want %d", len(row), n)
		}
		r.rows = append(r.rows, row)
	}
}

// endOfRows reports whether p, read where a row may come, ends the rows
// (an EOF packet, or the OK packet that replaces it with
// CLIENT_DEPRECATE_EOF), and then the status and warning count it carries.
func (c *rawClient) endOfRows(p []byte) (end bool, status, warnings uint16, err error) {
	if p[0] != 0xfe || len(p) >= maxPayload {
		return false, 0, 0, nil
	}
	if c.caps&proto.ClientDeprecateEOF != 0 {
		ok, err := c.readOK(p)
		if err != nil {
			return true, 0, 0, err
		}
		return true, ok.status, ok.warnings, nil
	}
	if len(p) != 5 {
		return true, 0, 0, fmt.Errorf("raw client: bad EOF %x", p)
	}
	status = binary.LittleEndian.Uint16(p[3:])
	c.okStatus = status
	return true, status, binary.LittleEndian.Uint16(p[1:]), nil
}

// readColumns reads n column (or parameter) definitions and, without
// CLIENT_DEPRECATE_EOF, the EOF packet after them; none at all when n is 0
// (as PREPARE_OK sends for no parameters or no columns).
func (c *rawClient) readColumns(n uint64) ([]rawColumn, error) {
	if n == 0 {
		return nil, nil
	}
	var cols []rawColumn
	for i := uint64(0); i < n; i++ {
		p, err := c.readPacket()
		if err != nil {
			return nil, err
		}
		col, err := c.parseColumn(p)
		if err != nil {
			return nil, err
		}
		cols = append(cols, col)
	}
	if c.caps&proto.ClientDeprecateEOF == 0 {
		p, err := c.readPacket()
		if err != nil {
			return nil, err
		}
		if p[0] != 0xfe || len(p) != 5 {
			return nil, fmt.Errorf("raw client: want EOF after columns, got %x", p)
		}
	}
	return cols, nil
}

func (c *rawClient) parseColumn(p []byte) (rawColumn, error) {
	d := &decoder{buf: p}
	var col rawColumn
	if cat := string(d.lenEncBytes("catalog")); cat != "def" && d.err == nil {
		return col, fmt.Errorf("raw client: catalog %q", cat)
	}
	col.schema = string(d.lenEncBytes("schema"))
	col.table = string(d.lenEncBytes("table"))
	col.orgTable = string(d.lenEncBytes("org table"))
	col.name = string(d.lenEncBytes("name"))
	col.orgName = string(d.lenEncBytes("org name"))
	if c.caps&proto.MariaDBClientExtendedMetadata != 0 {
		col.extended = d.lenEncBytes("extended metadata")
	}
	if fixed := d.lenEncInt("fixed length"); fixed != 0x0c && d.err == nil {
		return col, fmt.Errorf("raw client: fixed-fields length %d", fixed)
	}
	col.charset = d.uint16("charset")
	col.length = d.uint32("length")
	col.typ = d.byte1("type")
	col.flags = d.uint16("flags")
	col.decimals = d.byte1("decimals")
	d.bytes(2, "filler")
	if d.err == nil && d.remaining() != 0 {
		return col, fmt.Errorf("raw client: %d trailing bytes in column definition", d.remaining())
	}
	return col, d.err
}

// value returns row r, column i of a result, "NULL" for NULL.
func (r *rawResult) value(row, col int) string {
	if v := r.rows[row][col]; v != nil {
		return *v
	}
	return "NULL"
}
