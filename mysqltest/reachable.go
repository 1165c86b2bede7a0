package mysqltest

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/myxdb/myx/mysqltest/proto"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// EnvCI is the environment variable that, when set to "true", makes Require
// and StartServerT fail a test instead of skipping it when no server is
// available, so that a misconfigured CI job cannot pass by skipping.
const EnvCI = "CI"

// defaultProbeTimeout bounds Probe when its context has no deadline.
const defaultProbeTimeout = 5 * time.Second

// ServerInfo is what a server announces in its initial handshake packet.
type ServerInfo struct {
	// ProtocolVersion is the handshake protocol version; Probe accepts only 10.
	ProtocolVersion byte
	// Version is the server version string as sent, for example "8.0.36" or
	// "5.5.5-10.11.6-MariaDB".
	Version string
	// ConnectionID is the id the server gave the probing connection.
	ConnectionID uint32
	// Capabilities holds the server's capability flags, including MariaDB's
	// extended capabilities in the upper 32 bits when MariaDB is true.
	Capabilities uint64
	// Collation is the server's default collation id.
	Collation byte
	// Status holds the server status flags.
	Status uint16
	// AuthPlugin is the default authentication plugin the server named, if
	// it supports plugin authentication.
	AuthPlugin string
	// Scramble is the authentication challenge (normally 20 bytes).
	Scramble []byte
	// MariaDB reports whether the server is MariaDB: its version string says
	// so or it cleared the proto.ClientMySQL capability bit.
	MariaDB bool
}

// Probe dials the server named by dsn, reads its initial handshake packet,
// closes the connection and returns what the server announced. It fails if
// nothing listens there, if the server sends an error packet instead (for
// example "Too many connections"; the error then wraps a *ServerError), or if
// the packet is not a protocol 10 handshake. If ctx has no deadline, Probe
// gives up after 5 seconds.
func Probe(ctx context.Context, dsn string) (*ServerInfo, error) {
	network, address, err := Addr(dsn)
	if err != nil {
		return nil, err
	}
	return probeAddr(ctx, network, address)
}

// Reachable reports whether a MySQL or MariaDB server answers at the address
// dsn names: it returns nil if Probe succeeds and Probe's error otherwise.
func Reachable(ctx context.Context, dsn string) error {
	_, err := Probe(ctx, dsn)
	return err
}

func probeAddr(ctx context.Context, network, address string) (*ServerInfo, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultProbeTimeout)
		defer cancel()
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, address)
	if err != nil {
		return nil, fmt.Errorf("mysqltest: no server at %s %s: %w", network, address, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	// Close the connection if ctx is cancelled while reading.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	payload, _, err := readPacket(conn)
	if err != nil {
		return nil, fmt.Errorf("mysqltest: %s %s accepted a connection but sent no handshake: %w", network, address, err)
	}
	info, err := parseServerHandshake(payload)
	if err != nil {
		return nil, fmt.Errorf("mysqltest: %s %s: %w", network, address, err)
	}
	return info, nil
}

// parseServerHandshake decodes an initial handshake packet (or the error
// packet a server sends instead of one).
func parseServerHandshake(p []byte) (*ServerInfo, error) {
	if len(p) == 0 {
		return nil, errors.New("empty handshake packet")
	}
	if p[0] == 0xff {
		return nil, fmt.Errorf("server refused the connection: %w", parseErrPacket(p))
	}
	if p[0] != 10 {
		return nil, fmt.Errorf("handshake protocol version %d, want 10 (not a MySQL/MariaDB server, or one too old)", p[0])
	}
	d := &decoder{buf: p}
	info := &ServerInfo{}
	info.ProtocolVersion = d.byte1("protocol version")
	info.Version = d.nulString("server version")
	info.ConnectionID = d.uint32("connection id")
	scramble := append([]byte(nil), d.bytes(8, "auth plugin data part 1")...)
	d.byte1("filler")
	caps := uint64(d.uint16("capability flags (lower)"))
	if d.err != nil {
		return nil, d.err
	}
	if d.remaining() > 0 {
		info.Collation = d.byte1("collation")
		info.Status = d.uint16("status flags")
		caps |= uint64(d.uint16("capability flags (upper)")) << 16
		authLen := int(d.byte1("auth plugin data length"))
		d.bytes(6, "reserved")
		ext := d.uint32("reserved or MariaDB capabilities")
		if caps&proto.ClientMySQL == 0 {
			caps |= uint64(ext) << 32
		}
		if caps&proto.ClientSecureConnection != 0 {
			n := max(13, authLen-8)
			part2 := d.bytes(n, "auth plugin data part 2")
			// The last byte of part 2 is a NUL terminator, not scramble.
			if len(part2) > 0 && part2[len(part2)-1] == 0 {
				part2 = part2[:len(part2)-1]
			}
			scramble = append(scramble, part2...)
		}
		if caps&proto.ClientPluginAuth != 0 && d.err == nil {
			rest := d.rest()
			if i := strings.IndexByte(string(rest), 0); i >= 0 {
				rest = rest[:i]
			}
			info.AuthPlugin = string(rest)
		}
		if d.err != nil {
			return nil, d.err
		}
	}
	info.Capabilities = caps
	info.Scramble = scramble
	info.MariaDB = strings.Contains(info.Version, "MariaDB") || caps&proto.ClientMySQL == 0
	return info, nil
}

// ServerError is the content of an ERR packet.
type ServerError struct {
	// Code is the error number, for example 1045 for "access denied".
	Code uint16
	// SQLState is the five-character SQLSTATE, for example "28000". It is
	// empty if the packet had none.
	SQLState string
	// Message is the human-readable message.
	Message string
}

// Error formats the error as the mysql command-line client does.
func (e *ServerError) Error() string {
	if e.SQLState == "" {
		return fmt.Sprintf("ERROR %d: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("ERROR %d (%s): %s", e.Code, e.SQLState, e.Message)
}

// parseErrPacket decodes an ERR packet (first byte 0xff). Before the client
// has told the server it speaks protocol 4.1 the SQLSTATE marker may be
// missing; the '#' decides.
func parseErrPacket(p []byte) *ServerError {
	e := &ServerError{}
	if len(p) >= 3 {
		e.Code = binary.LittleEndian.Uint16(p[1:3])
	}
	rest := []byte{}
	if len(p) > 3 {
		rest = p[3:]
	}
	if len(rest) >= 6 && rest[0] == '#' {
		e.SQLState = string(rest[1:6])
		rest = rest[6:]
	}
	e.Message = string(rest)
	return e
}

// Require returns DSN() if a MySQL or MariaDB server answers there (see
// Probe). Otherwise it ends the test: with t.Fatalf if the CI environment
// variable is "true", else with t.Skipf. Either message names the DSN, the
// error and how to provide a server.
func Require(t testing.TB) string {
	t.Helper()
	dsn := DSN()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := Reachable(ctx, dsn); err != nil {
		msg := fmt.Sprintf("mysqltest: no MySQL/MariaDB server for this test at %s (%v).\n"+
			"Start one there (for example: apt-get install mariadb-server; or docker run -d -p 3306:3306 -e MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 -e MARIADB_DATABASE=test mariadb:11) "+
			"or point %s at one, e.g. %s=mysql://user:pass@host:3306/test", redact(dsn), err, EnvDSN, EnvDSN)
		if isCI() {
			t.Fatalf("%s\n%s=true: a missing server is a failure, not a skip", msg, EnvCI)
			return ""
		}
		t.Skip(msg)
		return ""
	}
	return dsn
}

// isCI reports whether missing servers should fail tests rather than skip
// them.
func isCI() bool {
	return strings.EqualFold(strings.TrimSpace(os.Getenv(EnvCI)), "true")
}
