package myx

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/myxdb/myx/internal/auth"
	"github.com/myxdb/myx/internal/suggest"
)

// TLSMode says whether and how a connection uses TLS.
type TLSMode int

// TLS modes, in increasing strictness.
const (
	// TLSPreferred uses TLS when the server offers it, without verifying the certificate, and
	// plain TCP otherwise. It protects against passive eavesdropping only. The default.
	TLSPreferred TLSMode = iota
	// TLSDisabled never uses TLS.
	TLSDisabled
	// TLSRequired fails when the server does not offer TLS; the certificate is not verified.
	TLSRequired
	// TLSVerifyCA requires TLS and a certificate signed by a trusted CA, without checking the
	// host name.
	TLSVerifyCA
	// TLSVerifyFull requires TLS, a trusted certificate and a matching host name.
	TLSVerifyFull
)

func (m TLSMode) String() string {
	switch m {
	case TLSDisabled:
		return "disabled"
	case TLSPreferred:
		return "preferred"
	case TLSRequired:
		return "required"
	case TLSVerifyCA:
		return "verify-ca"
	case TLSVerifyFull:
		return "verify-full"
	}
	return "TLSMode(" + strconv.Itoa(int(m)) + ")"
}

// ParseTLSMode accepts myx's names (disabled, preferred, required, verify-ca, verify-full) and
// go-sql-driver's (false, true = verify-full, skip-verify = required, preferred).
func ParseTLSMode(s string) (TLSMode, error) {
	switch strings.ToLower(s) {
	case "disabled", "disable", "false", "0", "off":
		return TLSDisabled, nil
	case "preferred", "prefer", "":
		return TLSPreferred, nil
	case "required", "require", "skip-verify":
		return TLSRequired, nil
	case "verify-ca", "verify_ca":
		return TLSVerifyCA, nil
	case "verify-full", "verify_identity", "verify-identity", "true", "1", "on":
		return TLSVerifyFull, nil
	}
	return 0, fmt.Errorf("unknown TLS mode %q (want disabled, preferred, required, verify-ca or verify-full; "+
		"for a custom TLS configuration, which go-sql-driver names after RegisterTLSConfig, set Config.TLSConfig "+
		"and open the database with stdlib.OpenDB)", s)
}

// Config holds everything needed to open a connection. Build one with ParseConfig, adjust fields,
// and pass it to ConnectConfig. A Config must not be modified after it has been passed to
// ConnectConfig.
type Config struct {
	// Network is "tcp" or "unix".
	Network string
	// Addr is host:port for tcp, the socket path for unix.
	Addr     string
	User     string
	Password string
	// Database is the default schema; empty for none.
	Database string

	// TLSMode selects whether TLS is used; TLSConfig, when set, is the base TLS configuration
	// (root CAs, client certificates); its ServerName defaults to the host of Addr.
	TLSMode   TLSMode
	TLSConfig *tls.Config

	// ConnectTimeout bounds dialing plus the handshake (default 10s); the context passed to
	// Connect may shorten it.
	ConnectTimeout time.Duration
	// KillTimeout bounds the side connection that sends KILL QUERY when a context ends during a
	// call, and how long the call then waits for the server to stop (default 3s). When it runs
	// out the connection is closed instead.
	KillTimeout time.Duration

	// Collation for the connection (default utf8mb4_general_ci); its character set is the
	// connection's.
	Collation string
	// Location is the time zone DATETIME values are read in and time.Time arguments are
	// converted to (default UTC). TIMESTAMP values follow the session's time_zone.
	Location *time.Location
	// ParseTime is go-sql-driver's parseTime: whether DATE, DATETIME and TIMESTAMP values reach
	// database/sql, and any sql.Scanner given to Rows.Scan, as time.Time (in Location) rather
	// than as their MySQL text ([]byte "2011-11-20 21:27:37"). Off by default, as in
	// go-sql-driver. The rest of the native API does not depend on it: Scan into *time.Time,
	// sql.NullTime or *any, and Values, always give time.Time.
	ParseTime bool

	// InterpolateParams makes Exec and Query build the statement text on the client, with
	// charset-aware escaping, and send it in one COM_QUERY, instead of using server-side
	// prepared statements. Useful behind proxies that do not support prepared statements.
	InterpolateParams bool
	// StatementCacheSize is how many prepared statements each connection keeps (LRU); 0 prepares
	// and closes a statement for every call. ParseConfig sets 256.
	StatementCacheSize int
	// MultiStatements allows several statements separated by ';' in one Query/Exec without
	// arguments. Off by default: it widens the damage of SQL injection.
	MultiStatements bool
	// ClientFoundRows makes UPDATE report matched rows instead of changed rows.
	ClientFoundRows bool

	// AllowCleartextPasswords permits mysql_clear_password, and only over TLS or a unix socket.
	AllowCleartextPasswords bool
	// AllowPublicKeyRetrieval permits asking the server for its RSA key (caching_sha2_password,
	// sha256_password) over an unencrypted connection; open to man-in-the-middle attacks.
	AllowPublicKeyRetrieval bool
	// ServerPubKey is the server's RSA public key for password encryption without TLS.
	ServerPubKey *rsa.PublicKey

	// MaxAllowedPacket is the largest command the client sends, in bytes (go-sql-driver's
	// maxAllowedPacket): a statement that cannot fit is a *PacketTooLargeError before anything
	// is sent. 0 means the server's max_allowed_packet. Either way, the first time a
	// connection has a command of 256 KiB or more (or an io.Reader argument) it asks the
	// server for max_allowed_packet, once, and keeps to the lower of the two. ParseConfig sets
	// 64 MiB (go-sql-driver's default). Arguments larger than 1 MiB (or a share of this limit)
	// are sent as long data, in pieces within this limit, so a value may be as large as the
	// server's max_allowed_packet (a larger one, once the server's value is known, is a
	// *PacketTooLargeError). With InterpolateParams, a statement whose text would not fit goes
	// through a prepared statement instead, as in go-sql-driver.
	MaxAllowedPacket int

	// MaxPacketSize bounds one packet read from the server, after joining the 16 MiB pieces of
	// a split one: a larger packet is an error wrapping ErrPacketTooLarge and the connection is
	// closed. It also bounds the memory reading costs (at most this much plus a quarter, however
	// the server splits its packets). 0 means the default, 64 MiB (DSN max_packet_size; the
	// default is go-sql-driver's); explicit values up to 1 GiB, the largest max_allowed_packet a
	// server accepts, are allowed, and a larger or negative value is a *ConfigError.
	MaxPacketSize int

	// Compress asks for protocol compression (see Compression): DSN compress=true or zlib
	// (CompressZlib), zstd (CompressZstd), false (CompressNone, the default). When the server
	// does not offer the algorithm asked for, the connection runs uncompressed;
	// Conn.CompressionStats reports what is in use.
	Compress Compression

	// SessionVars are set with SET right after connecting, in order.
	SessionVars [][2]string
	// InitCommands run, in order, after SessionVars.
	InitCommands []string
	// ConnectAttrs are sent to the server in the handshake (performance_schema.session_connect_attrs).
	ConnectAttrs map[string]string

	// Poller says how the connection waits for the server's replies (see PollMode); the
	// zero value, PollAdaptive, suits one connection and large pools alike. DSN:
	// runtime_poller=true (PollRuntime), false (PollThread) or adaptive.
	Poller PollMode
	// pollers is shared by the connections made from this Config and its copies (see
	// pollGroup); set atomically by the first connection.
	pollers *pollGroup

	// DialFunc, when set, opens the network connection instead of net.Dialer.
	DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

	// ReadTimeout, when positive, bounds each read from the server: a read that receives
	// nothing for that long fails with a *TimeoutError and the connection is closed (the reply
	// was cut off, so the connection cannot be used again). It is an idle timeout, not a bound
	// on a whole call: a long result keeps arriving as long as each read receives something.
	// A context deadline still bounds the call; the earlier of the two wins. Zero (the
	// default) sets no per-read deadline. DSN: readTimeout (go-sql-driver's meaning).
	ReadTimeout time.Duration
	// WriteTimeout, when positive, bounds each write to the server in the same way (a
	// *TimeoutError, and the connection is closed). DSN: writeTimeout.
	WriteTimeout time.Duration

	// AllowFallbackToPlaintext makes a TLS mode other than TLSPreferred fall back to an
	// unencrypted connection when the server does not offer TLS (a server that offers TLS must
	// still pass the mode's verification). DSN: allowFallbackToPlaintext.
	AllowFallbackToPlaintext bool
	// DisallowNativePasswords refuses the mysql_native_password authentication plugin (DSN:
	// allowNativePasswords=false).
	DisallowNativePasswords bool
	// TimeTruncate, when positive, truncates time.Time arguments to a multiple of it before
	// they are sent (DSN: timeTruncate, a Go duration such as 1s or 1ms).
	TimeTruncate time.Duration
	// RejectReadOnly closes the connection when a statement fails because the server is read
	// only (errors 1290, 1792 and 1836, as a writer node demoted during a failover answers), so
	// that a pool opens a new one instead of keeping a connection to the wrong node. The error
	// is returned as usual; through database/sql it is driver.ErrBadConn, as with
	// go-sql-driver, and database/sql retries on a new connection. DSN: rejectReadOnly.
	RejectReadOnly bool

	// Charsets, when it has more than one entry, is a preference list of character sets
	// (go-sql-driver's charset=a,b): after connecting, SET NAMES tries them in order and the
	// connection uses the first the server knows. ParseConfig sets it for a charset parameter
	// that lists several; a single charset is set through Collation instead.
	Charsets []string

	// ColumnsWithAlias makes the database/sql face name result columns "table.column" (the
	// table's alias in the query, when it has one), as go-sql-driver's columnsWithAlias.
	// Columns without a table (expressions) keep their plain name. DSN: columnsWithAlias.
	ColumnsWithAlias bool
	// NoLivenessCheck turns off the database/sql face's check, before a connection is
	// reused, that the server has not closed it (go-sql-driver's checkConnLiveness=false). The
	// check costs no round trip.
	NoLivenessCheck bool
	// ResetSession makes the database/sql face reset the session (COM_RESET_CONNECTION, then
	// the configured session settings again) whenever database/sql reuses a connection after
	// the server flagged a session change. By default, as with go-sql-driver, the session
	// persists from one use to the next: user variables, temporary tables and session settings
	// a statement made stay (a transaction left open is still rolled back). The native pool
	// always resets flagged sessions. DSN: resetSession.
	ResetSession bool

	// RuntimeParams holds DSN parameters meant for layers above the connection (for example the
	// pool's pool_* settings); a Conn ignores them.
	RuntimeParams map[string]string
}

// knownParams lists every DSN parameter name ParseConfig handles, with the helper-owned ones
// included, so that a misspelt name is caught (see checkTypo) rather than sent to the server as
// a session variable. Names starting with "pool_" are checked by the pool package.
var knownParams = []string{
	// TLS
	"tls", "ssl-mode", "sslmode", "tls-ca", "ssl-ca", "tls-cert", "ssl-cert", "tls-key",
	"ssl-key", "tls-server-name", "allowFallbackToPlaintext",
	// timeouts
	"connect_timeout", "timeout", "kill_timeout", "readTimeout", "writeTimeout",
	// character set and time
	"collation", "charset", "loc", "parseTime", "parse_time", "timeTruncate",
	// statements and results
	"interpolateParams", "interpolate_params", "statement_cache_size", "stmtCacheSize",
	"multiStatements", "multi_statements", "clientFoundRows", "client_found_rows",
	"columnsWithAlias", "rejectReadOnly",
	// authentication
	"allowCleartextPasswords", "allow_cleartext_passwords", "allowPublicKeyRetrieval",
	"allow_public_key_retrieval", "allowNativePasswords", "allowOldPasswords", "serverPubKey",
	"server_pub_key",
	// protocol
	"compress", "max_packet_size", "maxAllowedPacket", "runtime_poller", "socket",
	"connectionAttributes", "allowAllFiles", "strict",
	// database/sql face
	"checkConnLiveness", "resetSession",
}

// notTypos are server session variables that are one edit away from a parameter name
// (sql_mode and ssl-mode): they are set as session variables as usual.
var notTypos = []string{"sql_mode"}

// checkTypo reports an unknown parameter that is one edit away from a known one.
func checkTypo(key string) error {
	if slices.Contains(notTypos, key) {
		return nil
	}
	if s, ok := suggest.Closest(key, knownParams); ok {
		return fmt.Errorf("unknown parameter (did you mean %s?)", s)
	}
	return nil
}

// ConfigError reports a DSN that cannot be parsed. It never contains the password.
type ConfigError struct {
	DSN string // the DSN with its password masked
	Msg string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("myx: invalid DSN %q: %s", e.DSN, e.Msg)
}

// ParseConfig parses a DSN in URL form,
//
//	mysql://user:password@host:3306/dbname?param=value
//	mysql://user:password@/dbname?socket=/run/mysqld/mysqld.sock
//
// or in go-sql-driver/mysql's form,
//
//	user:password@tcp(host:3306)/dbname?param=value
//	user@unix(/run/mysqld/mysqld.sock)/dbname
//
// Parameters (both forms), myx's own and every one go-sql-driver/mysql documents, with
// go-sql-driver's meaning:
//
//   - TLS: tls (disabled, preferred, required, verify-ca, verify-full; also go-sql-driver's
//     true, false, skip-verify), tls-ca, tls-cert, tls-key (PEM file paths), tls-server-name,
//     allowFallbackToPlaintext.
//   - Timeouts (Go durations such as 30s, or a number of seconds): connect_timeout or timeout,
//     kill_timeout, readTimeout and writeTimeout (per read and per write, see
//     Config.ReadTimeout).
//   - Character set and time: collation, charset (one, or a fallback list "utf8mb4,utf8": the
//     first the server knows is used), loc (a time zone name, "Local" or "UTC"), parseTime,
//     timeTruncate.
//   - Statements and results: interpolateParams, statement_cache_size, multiStatements,
//     clientFoundRows, rejectReadOnly, columnsWithAlias (database/sql only).
//   - Authentication: allowCleartextPasswords, allowPublicKeyRetrieval, allowNativePasswords,
//     serverPubKey (a PEM file path). allowOldPasswords=true is refused: no current server
//     offers pre-4.1 hashing.
//   - Protocol: compress, max_packet_size, maxAllowedPacket, connectionAttributes
//     ("name:value,name:value"), socket, runtime_poller. allowAllFiles=true is refused: myx
//     only sends LOAD DATA LOCAL data the caller passes to the statement (*LocalFile). strict
//     is refused as go-sql-driver refuses it (use sql_mode).
//   - database/sql: checkConnLiveness, resetSession (see the stdlib package).
//
// Parameters starting with "pool_" are kept in RuntimeParams for the pool. Any other
// parameter is a session variable set at connect time (as in go-sql-driver), unless it is one
// edit away from a known name (conect_timeout, tsl, readTimout): that is a *ConfigError naming
// the parameter meant, so that a misspelt setting is never sent to the server or ignored.
func ParseConfig(dsn string) (*Config, error) {
	cfg := &Config{
		Network:            "tcp",
		Addr:               "127.0.0.1:3306",
		ConnectTimeout:     10 * time.Second,
		KillTimeout:        3 * time.Second,
		Collation:          "utf8mb4_general_ci",
		Location:           time.UTC,
		StatementCacheSize: 256,
		MaxPacketSize:      defaultMaxPacketSize,
		MaxAllowedPacket:   64 << 20,
		RuntimeParams:      map[string]string{},
	}
	fail := func(format string, args ...any) (*Config, error) {
		return nil, &ConfigError{DSN: redactDSN(dsn), Msg: fmt.Sprintf(format, args...)}
	}
	var params url.Values
	var err error
	if strings.HasPrefix(dsn, "mysql://") || strings.HasPrefix(dsn, "mariadb://") {
		params, err = parseURL(cfg, dsn)
	} else {
		params, err = parseDriverDSN(cfg, dsn)
	}
	if err != nil {
		return fail("%s", err.Error())
	}
	if err := cfg.applyParams(params); err != nil {
		return fail("%s", err.Error())
	}
	return cfg, nil
}

func parseURL(cfg *Config, dsn string) (url.Values, error) {
	// A unix socket may be given as the host, either "unix(/path)" or percent-encoded
	// ("%2Frun%2Fmysqld%2Fmysqld.sock"); net/url accepts neither, so take it out first.
	scheme := strings.Index(dsn, "://") + 3
	rest := dsn[scheme:]
	authEnd := len(rest)
	if at := strings.LastIndexByte(firstSegment(rest), '@'); at >= 0 || strings.HasPrefix(rest, "unix(") {
		hostStart := at + 1
		host := rest[hostStart:]
		switch {
		case strings.HasPrefix(host, "unix("):
			end := strings.IndexByte(host, ')')
			if end < 0 {
				return nil, fmt.Errorf("unclosed unix(")
			}
			cfg.Network, cfg.Addr = "unix", host[5:end]
			authEnd = hostStart + end + 1
		case len(host) >= 3 && strings.EqualFold(host[:3], "%2F"):
			end := strings.IndexAny(host, "/?")
			if end < 0 {
				end = len(host)
			}
			p, err := url.PathUnescape(host[:end])
			if err != nil {
				return nil, fmt.Errorf("bad socket path")
			}
			cfg.Network, cfg.Addr = "unix", p
			authEnd = hostStart + end
		default:
			authEnd = -1
		}
		if authEnd >= 0 {
			dsn = dsn[:scheme] + rest[:hostStart] + rest[authEnd:]
		}
	}
	u, err := url.Parse(dsn)
	if err != nil {
		// url's errors quote the whole input, password included: describe it ourselves.
		return nil, fmt.Errorf("not a valid URL")
	}
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	if cfg.Network != "unix" && u.Host != "" {
		h, p := u.Hostname(), u.Port()
		if p == "" {
			p = "3306"
		}
		if h == "" {
			h = "127.0.0.1"
		}
		if _, err := strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("bad port")
		}
		cfg.Addr = net.JoinHostPort(h, p)
	}
	cfg.Database = strings.TrimPrefix(u.Path, "/")
	return url.ParseQuery(u.RawQuery)
}

// firstSegment returns s up to the first '/' or '?' that is not inside "unix(...)".
func firstSegment(s string) string {
	if i := strings.Index(s, "unix("); i >= 0 {
		if j := strings.IndexByte(s[i:], ')'); j >= 0 {
			return s[:i+j+1]
		}
	}
	if i := strings.IndexAny(s, "/?"); i >= 0 {
		return s[:i]
	}
	return s
}

func parseDriverDSN(cfg *Config, dsn string) (url.Values, error) {
	rest := dsn
	var query string
	slash := strings.LastIndexByte(rest, '/')
	if slash < 0 {
		return nil, fmt.Errorf("missing '/' before the database name")
	}
	if q := strings.IndexByte(rest[slash:], '?'); q >= 0 {
		query = rest[slash+q+1:]
		cfg.Database = rest[slash+1 : slash+q]
	} else {
		cfg.Database = rest[slash+1:]
	}
	rest = rest[:slash]
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		cred := rest[:at]
		rest = rest[at+1:]
		if colon := strings.IndexByte(cred, ':'); colon >= 0 {
			cfg.User, cfg.Password = cred[:colon], cred[colon+1:]
		} else {
			cfg.User = cred
		}
	}
	if rest != "" {
		open := strings.IndexByte(rest, '(')
		if open < 0 {
			cfg.Network = rest
		} else {
			if !strings.HasSuffix(rest, ")") {
				return nil, fmt.Errorf("unclosed '(' in address")
			}
			cfg.Network = rest[:open]
			addr := rest[open+1 : len(rest)-1]
			if addr != "" {
				cfg.Addr = addr
			}
		}
		switch cfg.Network {
		case "tcp", "tcp4", "tcp6":
			if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
				cfg.Addr = net.JoinHostPort(cfg.Addr, "3306")
			}
		case "unix":
			if cfg.Addr == "127.0.0.1:3306" {
				cfg.Addr = "/run/mysqld/mysqld.sock"
			}
		default:
			return nil, fmt.Errorf("unknown network %q (want tcp or unix)", cfg.Network)
		}
	}
	db, err := url.PathUnescape(cfg.Database)
	if err != nil {
		return nil, fmt.Errorf("bad database name")
	}
	cfg.Database = db
	return url.ParseQuery(query)
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "on", "":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean: %q", s)
}

func parseDuration(s string) (time.Duration, error) {
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Duration(n * float64(time.Second)), nil
	}
	return time.ParseDuration(s)
}

func (cfg *Config) applyParams(params url.Values) error {
	var caFile, certFile, keyFile, serverName string
	var charsets *string
	for key, vals := range params {
		v := vals[len(vals)-1]
		var err error
		switch key {
		case "tls", "ssl-mode", "sslmode":
			cfg.TLSMode, err = ParseTLSMode(v)
		case "tls-ca", "ssl-ca":
			caFile = v
		case "tls-cert", "ssl-cert":
			certFile = v
		case "tls-key", "ssl-key":
			keyFile = v
		case "tls-server-name":
			serverName = v
		case "connect_timeout", "timeout":
			cfg.ConnectTimeout, err = parseDuration(v)
		case "kill_timeout":
			cfg.KillTimeout, err = parseDuration(v)
		case "collation":
			cfg.Collation = v
		case "charset":
			charsets = &v
		case "loc":
			if v == "Local" {
				cfg.Location = time.Local
			} else {
				cfg.Location, err = time.LoadLocation(v)
			}
		case "interpolateParams", "interpolate_params":
			cfg.InterpolateParams, err = parseBool(v)
		case "statement_cache_size", "stmtCacheSize":
			cfg.StatementCacheSize, err = strconv.Atoi(v)
			if err == nil && cfg.StatementCacheSize < 0 {
				err = fmt.Errorf("negative")
			}
		case "multiStatements", "multi_statements":
			cfg.MultiStatements, err = parseBool(v)
		case "clientFoundRows", "client_found_rows":
			cfg.ClientFoundRows, err = parseBool(v)
		case "allowCleartextPasswords", "allow_cleartext_passwords":
			cfg.AllowCleartextPasswords, err = parseBool(v)
		case "allowPublicKeyRetrieval", "allow_public_key_retrieval":
			cfg.AllowPublicKeyRetrieval, err = parseBool(v)
		case "serverPubKey", "server_pub_key":
			var pemBytes []byte
			if pemBytes, err = os.ReadFile(v); err == nil {
				cfg.ServerPubKey, err = auth.ParsePublicKey(pemBytes)
			}
		case "compress":
			cfg.Compress, err = parseCompression(v)
		case "max_packet_size":
			cfg.MaxPacketSize, err = parseMaxPacketSize(v)
		case "maxAllowedPacket":
			cfg.MaxAllowedPacket, err = strconv.Atoi(v)
			if err == nil && (cfg.MaxAllowedPacket < 0 || cfg.MaxAllowedPacket > 1<<30) {
				err = fmt.Errorf("must be between 0 (the server's max_allowed_packet) and 1073741824")
			}
		case "runtime_poller":
			cfg.Poller, err = parsePollMode(v)
		case "socket":
			cfg.Network, cfg.Addr = "unix", v
		case "parseTime", "parse_time":
			cfg.ParseTime, err = parseBool(v)
		case "readTimeout":
			cfg.ReadTimeout, err = parseTimeout(v)
		case "writeTimeout":
			cfg.WriteTimeout, err = parseTimeout(v)
		case "allowFallbackToPlaintext":
			cfg.AllowFallbackToPlaintext, err = parseBool(v)
		case "allowNativePasswords":
			var allow bool
			allow, err = parseBool(v)
			cfg.DisallowNativePasswords = !allow
		case "allowOldPasswords":
			var old bool
			if old, err = parseBool(v); err == nil && old {
				err = fmt.Errorf("the pre-4.1 password hashing is not supported (no current MySQL or MariaDB server offers it)")
			}
		case "allowAllFiles":
			var all bool
			if all, err = parseBool(v); err == nil && all {
				err = fmt.Errorf("myx never reads local files on the server's request; pass the data to the statement as a *myx.LocalFile argument")
			}
		case "strict":
			err = fmt.Errorf("go-sql-driver removed strict mode; set sql_mode (for example sql_mode='STRICT_ALL_TABLES') instead")
		case "timeTruncate":
			cfg.TimeTruncate, err = time.ParseDuration(v)
			if err == nil && cfg.TimeTruncate < 0 {
				err = fmt.Errorf("negative")
			}
		case "rejectReadOnly":
			cfg.RejectReadOnly, err = parseBool(v)
		case "columnsWithAlias":
			cfg.ColumnsWithAlias, err = parseBool(v)
		case "checkConnLiveness":
			var check bool
			check, err = parseBool(v)
			cfg.NoLivenessCheck = !check
		case "resetSession":
			cfg.ResetSession, err = parseBool(v)
		case "connectionAttributes":
			err = cfg.parseConnectionAttributes(v)
		default:
			if strings.HasPrefix(key, "pool_") {
				cfg.RuntimeParams[key] = v
				continue
			}
			if !isIdentifier(key) {
				err = fmt.Errorf("not a known parameter or a session variable name")
				break
			}
			if err = checkTypo(key); err != nil {
				break
			}
			if slices.Contains(knownParams, key) {
				// A known name that this build does not handle yet.
				err = fmt.Errorf("not supported")
				break
			}
			cfg.SessionVars = append(cfg.SessionVars, [2]string{key, v})
		}
		if err != nil {
			return fmt.Errorf("parameter %s: %v", key, err)
		}
	}
	if charsets != nil {
		_, collation := params["collation"]
		if err := cfg.applyCharsets(*charsets, collation); err != nil {
			return fmt.Errorf("parameter charset: %v", err)
		}
	}
	if caFile != "" || certFile != "" || keyFile != "" || serverName != "" {
		tc := &tls.Config{ServerName: serverName}
		if caFile != "" {
			pem, err := os.ReadFile(caFile)
			if err != nil {
				return fmt.Errorf("tls-ca: %v", err)
			}
			tc.RootCAs = x509.NewCertPool()
			if !tc.RootCAs.AppendCertsFromPEM(pem) {
				return fmt.Errorf("tls-ca: no certificates in %s", caFile)
			}
		}
		if certFile != "" || keyFile != "" {
			cert, err := tls.LoadX509KeyPair(certFile, keyFile)
			if err != nil {
				return fmt.Errorf("tls-cert/tls-key: %v", err)
			}
			tc.Certificates = []tls.Certificate{cert}
		}
		cfg.TLSConfig = tc
		if _, ok := params["tls"]; !ok && caFile != "" {
			cfg.TLSMode = TLSVerifyFull
		}
	}
	if _, ok := collationIDs[cfg.Collation]; !ok {
		if strings.IndexByte(cfg.Collation, '_') < 0 || !isIdentifier(cfg.Collation) {
			return fmt.Errorf("unknown collation %q", cfg.Collation)
		}
	}
	return nil
}

// parseTimeout reads readTimeout and writeTimeout: a Go duration or a number of seconds; 0
// means none.
func parseTimeout(s string) (time.Duration, error) {
	d, err := parseDuration(s)
	if err == nil && d < 0 {
		err = fmt.Errorf("negative")
	}
	return d, err
}

// applyCharsets reads go-sql-driver's charset parameter, one character set or a
// comma-separated preference list. A single charset myx knows becomes the connection's
// collation (its default one, unless the collation parameter names one); a list, or a charset
// myx has no collation for, is tried at connect time with SET NAMES (Config.Charsets).
func (cfg *Config) applyCharsets(v string, collationGiven bool) error {
	var list []string
	for _, cs := range strings.Split(v, ",") {
		cs = strings.TrimSpace(cs)
		if cs == "" {
			continue
		}
		for i := 0; i < len(cs); i++ {
			if c := cs[i]; !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return fmt.Errorf("not a character set name: %q", cs)
			}
		}
		list = append(list, strings.ToLower(cs))
	}
	if len(list) == 0 {
		return fmt.Errorf("empty")
	}
	if len(list) == 1 {
		if collationGiven {
			if charsetOf(cfg.Collation) != list[0] {
				return fmt.Errorf("collation %s does not belong to character set %s", cfg.Collation, list[0])
			}
			return nil
		}
		if c, ok := defaultCollationOf[list[0]]; ok {
			cfg.Collation = c
			return nil
		}
	}
	cfg.Charsets = list
	return nil
}

// parseConnectionAttributes reads go-sql-driver's connectionAttributes: comma-separated
// name:value pairs sent in the handshake.
func (cfg *Config) parseConnectionAttributes(v string) error {
	for _, kv := range strings.Split(v, ",") {
		if kv == "" {
			continue
		}
		k, val, ok := strings.Cut(kv, ":")
		if !ok || k == "" {
			return fmt.Errorf("want name:value pairs separated by commas, got %q", kv)
		}
		if cfg.ConnectAttrs == nil {
			cfg.ConnectAttrs = map[string]string{}
		}
		cfg.ConnectAttrs[k] = val
	}
	return nil
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '.' || c == '@' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// redactDSN masks the password in a DSN of either form.
func redactDSN(dsn string) string {
	body := dsn
	prefix := ""
	if i := strings.Index(dsn, "://"); i >= 0 {
		prefix, body = dsn[:i+3], dsn[i+3:]
	}
	// The credentials end at the last '@' before the address part.
	end := strings.LastIndexByte(body, '/')
	if end < 0 {
		end = len(body)
	}
	at := strings.LastIndexByte(body[:end], '@')
	if at < 0 {
		return dsn
	}
	cred := body[:at]
	if colon := strings.IndexByte(cred, ':'); colon >= 0 {
		cred = cred[:colon] + ":xxxxx"
	}
	return prefix + cred + body[at:]
}

// String returns the configuration as a URL-form DSN with the password masked.
func (cfg *Config) String() string {
	var b strings.Builder
	b.WriteString("mysql://")
	b.WriteString(url.User(cfg.User).String())
	if cfg.Password != "" {
		b.WriteString(":xxxxx")
	}
	b.WriteByte('@')
	if cfg.Network == "unix" {
		b.WriteString("unix(" + cfg.Addr + ")")
	} else {
		b.WriteString(cfg.Addr)
	}
	b.WriteByte('/')
	b.WriteString(url.PathEscape(cfg.Database))
	return b.String()
}

// Copy returns a copy of cfg whose slices and maps can be changed independently.
func (cfg *Config) Copy() *Config {
	c := *cfg
	c.SessionVars = append([][2]string(nil), cfg.SessionVars...)
	c.InitCommands = append([]string(nil), cfg.InitCommands...)
	c.Charsets = append([]string(nil), cfg.Charsets...)
	if cfg.ConnectAttrs != nil {
		c.ConnectAttrs = make(map[string]string, len(cfg.ConnectAttrs))
		for k, v := range cfg.ConnectAttrs {
			c.ConnectAttrs[k] = v
		}
	}
	c.RuntimeParams = make(map[string]string, len(cfg.RuntimeParams))
	for k, v := range cfg.RuntimeParams {
		c.RuntimeParams[k] = v
	}
	if cfg.TLSConfig != nil {
		c.TLSConfig = cfg.TLSConfig.Clone()
	}
	return &c
}
