package myx

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/myxdb/myx/internal/auth"
	"github.com/myxdb/myx/internal/dsnparam"
	"github.com/myxdb/myx/internal/suggest"
	"github.com/myxdb/myx/internal/wire"
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

// The defaults of the Config fields whose zero value means "the default". They are defined
// here only: ParseConfig leaves a field zero unless the DSN sets it, and a Config built by
// hand (&Config{User: "app", Database: "shop"}) behaves exactly as the parsed one.
const (
	// DefaultAddr is the address of a tcp connection with an empty Config.Addr.
	DefaultAddr = "127.0.0.1:3306"
	// DefaultSocket is the socket path of a unix connection with an empty Config.Addr.
	DefaultSocket = "/run/mysqld/mysqld.sock"
	// DefaultConnectTimeout bounds dialing plus the handshake (Config.ConnectTimeout).
	DefaultConnectTimeout = 10 * time.Second
	// DefaultKillTimeout bounds a KILL QUERY after a cancellation (Config.KillTimeout).
	DefaultKillTimeout = 3 * time.Second
	// DefaultStatementCacheSize is how many prepared statements a connection keeps
	// (Config.StatementCacheSize).
	DefaultStatementCacheSize = 256
	// DefaultCollation is the connection's collation (Config.Collation).
	DefaultCollation = "utf8mb4_general_ci"
	// DefaultMaxAllowedPacket is the largest command the client sends before it knows the
	// server's max_allowed_packet (Config.MaxAllowedPacket; go-sql-driver's default).
	DefaultMaxAllowedPacket = 64 << 20
	// DefaultMaxPacketSize bounds one packet read from the server (Config.MaxPacketSize).
	DefaultMaxPacketSize = wire.DefaultMaxPacket
	// DefaultDenyFor is how long a host of a multi-host configuration that failed to connect
	// is passed over by later connects (Config.DenyFor).
	DefaultDenyFor = 60 * time.Second
)

// Config holds everything needed to open a connection. Build one with ParseConfig, or by hand,
// adjust fields, and pass it to ConnectConfig. Every field's zero value is valid and means
// the default documented on the field (the Default* constants), so ParseConfig(dsn) and a
// Config with the same fields set by hand connect the same way. A Config must not be
// modified after it has been passed to ConnectConfig.
type Config struct {
	// Network is "tcp" or "unix"; empty means tcp.
	Network string
	// Addr is host:port for tcp, the socket path for unix; empty means DefaultAddr (tcp) or
	// DefaultSocket (unix). ParseConfig always sets both, as go-sql-driver does.
	Addr string
	// Addrs, when it has two entries or more, lists every host of a multi-host configuration
	// ("host:port", tcp only), in order, and Addr is ignored; ParseConfig fills it from a
	// multi-host DSN (mysql://user@h1:3306,h2:3307/db or user@tcp(h1:3306,h2:3307)/db) and
	// sets Addr to Addrs[0]. Empty or one entry: a single host, Addr (or Addrs[0] when Addr
	// is empty), connected exactly as without it. Which host a connection went to is
	// Conn.Addr.
	Addrs []string
	// ClusterMode says how a connection picks among Addrs (see ClusterMode); it has no
	// effect with a single host. DSN: cluster_mode=failover|load-balance|replication.
	ClusterMode ClusterMode
	// DenyFor is how long a host of Addrs that failed to connect (or, in ClusterReplication,
	// was not a writable primary) is tried only after every other host has failed, by later
	// connects with this Config and its copies made after the first connect. Zero means
	// DefaultDenyFor (60s); negative turns the deny list off (DSN cluster_deny_for=0 sets
	// that). DSN: cluster_deny_for (a Go duration or a number of seconds).
	DenyFor time.Duration
	// hostState is the deny list of the connections made from this Config and its copies
	// (see hostList); set atomically by the first multi-host connect.
	hostState *hostList

	// TrackGTID makes the session report the GTID of each of its own commits through session
	// state tracking, read by Conn.LastGTID: on MariaDB, last_gtid is added to
	// session_track_system_variables; on MySQL, session_track_gtids is set to OWN_GTID. Set
	// again after ResetSession. A server that cannot track GTIDs leaves LastGTID empty. DSN:
	// track_gtid=true.
	TrackGTID bool

	User     string
	Password string
	// Database is the default schema; empty for none.
	Database string

	// TLSMode selects whether TLS is used; TLSConfig, when set, is the base TLS configuration
	// (root CAs, client certificates); its ServerName defaults to the host of Addr.
	TLSMode   TLSMode
	TLSConfig *tls.Config

	// ConnectTimeout bounds dialing plus the handshake; the context passed to Connect may
	// shorten it. Zero means DefaultConnectTimeout (10s); negative means no bound of its own,
	// only the context's (DSN connect_timeout=0 sets that).
	ConnectTimeout time.Duration
	// KillTimeout bounds the side connection that sends KILL QUERY when a context ends during a
	// call, and how long the call then waits for the server to stop. Zero or negative means
	// DefaultKillTimeout (3s). When it runs out the connection is closed instead.
	KillTimeout time.Duration

	// Collation for the connection; its character set is the connection's. Empty means
	// DefaultCollation (utf8mb4_general_ci).
	Collation string
	// Location is the time zone DATETIME values are read in and time.Time arguments are
	// converted to; nil means UTC. TIMESTAMP values follow the session's time_zone.
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
	// StatementCacheSize is how many prepared statements each connection keeps (LRU). Zero
	// means DefaultStatementCacheSize (256); negative turns the cache off: a statement is
	// prepared and closed for every call, and Query without arguments goes as text (DSN
	// statement_cache_size=0 sets that).
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
	// is sent. Zero means DefaultMaxAllowedPacket (64 MiB, go-sql-driver's default); negative
	// means the server's max_allowed_packet alone (DSN maxAllowedPacket=0, as in
	// go-sql-driver). Either way, the first time a connection has a command of 256 KiB or
	// more (or an io.Reader argument) it asks the server for max_allowed_packet, once, and
	// keeps to the lower of the two. Arguments larger than 1 MiB (or a share of this limit)
	// are sent as long data, in pieces within this limit, so a value may be as large as the
	// server's max_allowed_packet (a larger one, once the server's value is known, is a
	// *PacketTooLargeError). With InterpolateParams, a statement whose text would not fit goes
	// through a prepared statement instead, as in go-sql-driver.
	MaxAllowedPacket int

	// MaxPacketSize bounds one packet read from the server, after joining the 16 MiB pieces of
	// a split one: a larger packet is an error wrapping ErrPacketTooLarge and the connection is
	// closed. It also bounds the memory reading costs (at most this much plus a quarter, however
	// the server splits its packets). 0 means DefaultMaxPacketSize, 64 MiB (DSN max_packet_size; the
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

	// Tracer, when not nil, is told about the connection's work: any of QueryTracer,
	// BatchTracer, CopyFromTracer, ExecManyTracer, PrepareTracer, ConnectTracer, CancelTracer,
	// ResetTracer and RetryTracer that it implements (found by type assertion when the
	// connection is made). It is called from the goroutine doing the work and must be safe for
	// use by several connections at once. Nil costs nothing.
	Tracer any

	// QueryAttributes asks for MySQL's query attributes (CLIENT_QUERY_ATTRIBUTES, MySQL
	// 8.0.23+): the attributes of WithQueryAttributes and QueryAttributesFunc travel with each
	// statement of Exec, Query, QueryRow and Stmt, transaction statements included (not with
	// batch items, ExecMany, or what the library runs internally to set up or learn the
	// session), for the server's telemetry and mysql_query_attribute_string(). It is used only
	// when the server offers it (never with MariaDB); Conn.QueryAttributesEnabled says whether
	// it is. Off by default: the capability changes the layout of every COM_QUERY and
	// COM_STMT_EXECUTE, which some proxies do not understand. DSN: queryAttributes.
	QueryAttributes bool
	// SQLComment sends the statement's attributes, when they cannot travel as query attributes
	// (MariaDB, or QueryAttributes off), as a comment appended to the text of Exec, Query and
	// QueryRow, in the sqlcommenter form /*name='value',...*/ (names sorted, both URL-encoded).
	// A statement that gets a comment is sent as text, its arguments interpolated on the
	// client (as with InterpolateParams): each text differs, so it is neither prepared nor
	// cached; one whose arguments interpolation refuses (ErrUnsafeCharset, ErrAmbiguousSQL)
	// is prepared as usual, without the comment. Prepared Stmt executions, batches and
	// ExecMany get no comment. DSN: sqlComment.
	SQLComment bool
	// QueryAttributesFunc, when set, is called once per statement of Exec, Query, QueryRow and
	// Stmt, with the statement's context (the one TraceQueryStart returned), when the
	// attributes have a way to travel (QueryAttributesEnabled, or SQLComment); its attributes
	// follow those of WithQueryAttributes. It must be safe for concurrent use; the slice it
	// returns is not kept past the call.
	QueryAttributesFunc func(ctx context.Context) []QueryAttribute

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

	// RuntimeParams holds DSN parameters meant for layers above the connection (the pool's
	// pool_* settings, package cluster's cluster_* ones other than cluster_mode and
	// cluster_deny_for); a Conn ignores them and never sends them to the server.
	RuntimeParams map[string]string
}

// knownParams lists every DSN parameter name ParseConfig handles, with the helper-owned ones
// included, so that a misspelt name is caught (see checkTypo) rather than sent to the server as
// a session variable. Names starting with "pool_" are checked by the pool package, those
// starting with "cluster_" (other than the two here) by the cluster package.
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
	// observability
	"queryAttributes", "sqlComment",
	// several hosts
	"cluster_mode", "cluster_deny_for", "track_gtid",
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
// Either form may list several tcp hosts, separated by commas, each with its port or 3306
// (IPv6 addresses in brackets): mysql://user@h1:3306,h2:3307,[::1]/dbname or
// user@tcp(h1:3306,h2:3307)/dbname. They fill Config.Addrs, in order; an empty host, a bad
// port, the same host twice, or several hosts with a unix socket is a *ConfigError.
//
// The second form is read as go-sql-driver reads it, and also when a parameter value holds an
// unescaped '/' (loc=America/New_York), which go-sql-driver refuses. A DSN that cannot be
// read is a *ConfigError saying what is wrong and where.
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
//   - Observability: queryAttributes, sqlComment (see Config.QueryAttributes).
//   - Several hosts: cluster_mode (failover, load-balance, replication), cluster_deny_for
//     (see Config.DenyFor), track_gtid (see Config.TrackGTID).
//
// Parameters starting with "pool_" are kept in RuntimeParams for the pool, those starting with
// "cluster_" (other than cluster_mode and cluster_deny_for) for package cluster. Any other
// parameter is a session variable set at connect time (as in go-sql-driver), unless it is one
// edit away from a known name (conect_timeout, tsl, readTimout): that is a *ConfigError naming
// the parameter meant, so that a misspelt setting is never sent to the server or ignored.
func ParseConfig(dsn string) (*Config, error) {
	// Only the address is filled in: every other field a DSN leaves out stays zero, which
	// means its default (see the Default* constants).
	cfg := &Config{
		Network:       "tcp",
		Addr:          DefaultAddr,
		RuntimeParams: map[string]string{},
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
	if len(cfg.Addrs) > 1 && cfg.Network == "unix" {
		return fail("%s", errSocketWithHosts)
	}
	return cfg, nil
}

func parseURL(cfg *Config, dsn string) (url.Values, error) {
	// A unix socket may be given as the host, either "unix(/path)" or percent-encoded
	// ("%2Frun%2Fmysqld%2Fmysqld.sock"); net/url accepts neither, so take it out first.
	scheme := strings.Index(dsn, "://") + 3
	rest := dsn[scheme:]
	// A list of hosts, which net/url refuses: parse it here and leave only the first for
	// net/url.
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
	}
	at := strings.LastIndexByte(authority, '@')
	if hosts := authority[at+1:]; strings.IndexByte(hosts, ',') >= 0 && !strings.HasPrefix(hosts, "unix(") && !hasPrefixFold(hosts, "%2F") {
		addrs, err := parseHostList(hosts, at >= 0, true)
		if err != nil {
			return nil, err
		}
		cfg.Addrs = addrs
		first, _, _ := strings.Cut(hosts, ",")
		rest = rest[:at+1] + first + rest[len(authority):]
		dsn = dsn[:scheme] + rest
	}
	authEnd := len(rest)
	if at := strings.LastIndexByte(firstSegment(rest), '@'); at >= 0 || strings.HasPrefix(rest, "unix(") {
		hostStart := at + 1
		host := rest[hostStart:]
		switch {
		case strings.HasPrefix(host, "unix("):
			end := strings.IndexByte(host, ')')
			if end < 0 {
				return nil, fmt.Errorf("missing ')' after the socket path of unix(")
			}
			if strings.HasPrefix(host[end+1:], ",") {
				return nil, errSocketWithHosts
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
				return nil, fmt.Errorf("invalid percent-escape in the socket path")
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
		return nil, urlError(dsn)
	}
	// mysql://u:pa/ss@host/db: the authority ended at a '/', '?' or '#' of the password, and
	// the rest of the credentials landed in the path, the query or the fragment.
	switch {
	case strings.Contains(u.EscapedPath(), "@"),
		u.User == nil && credentialsInQuery(u.RawQuery),
		strings.Contains(u.Fragment, "@"):
		return nil, errUnescapedCredentials
	case u.Fragment != "" || strings.HasSuffix(dsn, "#"):
		return nil, fmt.Errorf("a '#' in the DSN (percent-escape it as %%23)")
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
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("port %s is out of range (1 to 65535)", p)
		}
		cfg.Addr = net.JoinHostPort(h, p)
	}
	if len(cfg.Addrs) > 0 {
		cfg.Addr = cfg.Addrs[0]
	}
	cfg.Database = strings.TrimPrefix(u.Path, "/")
	params, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("parameters: %v", queryError(err))
	}
	return params, nil
}

// errSocketWithHosts reports several hosts with a unix socket.
var errSocketWithHosts = errors.New("several hosts with a unix socket: a multi-host configuration lists tcp hosts (host:port,host:port), a socket is one local server")

// parseHostList reads a comma-separated list of hosts, each host, host:port, [ipv6] or
// [ipv6]:port, and returns them as host:port (port 3306 when not given), in order. quote
// says the entries may be quoted in errors (false when the DSN has no '@', so that an entry
// may be a user:password that lost its '@'); unescape, that they are percent-encoded (the URL
// form: an IPv6 zone is written %25).
func parseHostList(list string, quote, unescape bool) ([]string, error) {
	entries := strings.Split(list, ",")
	addrs := make([]string, 0, len(entries))
	for i, e := range entries {
		where := fmt.Sprintf("host %d of the host list", i+1)
		if quote {
			where = fmt.Sprintf("host %d of the host list (%q)", i+1, e)
		}
		if unescape {
			var err error
			if e, err = url.PathUnescape(e); err != nil {
				return nil, fmt.Errorf("%s: invalid percent-escape", where)
			}
		}
		if e == "" {
			return nil, fmt.Errorf("host %d of the host list is empty (hosts are separated by single commas)", i+1)
		}
		host, port := e, ""
		if strings.HasPrefix(e, "[") {
			end := strings.IndexByte(e, ']')
			if end < 0 {
				return nil, fmt.Errorf("%s: missing ']' after the IPv6 address", where)
			}
			host = e[1:end]
			switch after := e[end+1:]; {
			case after == "":
			case after[0] == ':':
				port = after[1:]
				if port == "" {
					return nil, fmt.Errorf("%s: empty port after ':'", where)
				}
			default:
				return nil, fmt.Errorf("%s: unexpected text after the IPv6 address (the form is [::1]:3306)", where)
			}
		} else if strings.Count(e, ":") > 1 {
			return nil, fmt.Errorf("%s: an IPv6 address must be in brackets ([::1]:3306)", where)
		} else if h, p, ok := strings.Cut(e, ":"); ok {
			host, port = h, p
			if port == "" {
				return nil, fmt.Errorf("%s: empty port after ':'", where)
			}
		}
		if host == "" {
			return nil, fmt.Errorf("%s: no host name before the port", where)
		}
		for j := 0; j < len(host); j++ {
			if c := host[j]; !(c == '.' || c == '-' || c == '_' || c == ':' || c == '%' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return nil, fmt.Errorf("%s: invalid character in the host name", where)
			}
		}
		if port == "" {
			port = "3306"
		} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '+' {
			return nil, fmt.Errorf("%s: the port is not a number from 1 to 65535", where)
		}
		addr := net.JoinHostPort(host, port)
		for _, prev := range addrs {
			if strings.EqualFold(prev, addr) {
				return nil, fmt.Errorf("%s: %s is listed twice", where, addr)
			}
		}
		addrs = append(addrs, addr)
	}
	return addrs, nil
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// errUnescapedCredentials reports an '@' after the host, which is what a user name or
// password holding an unescaped '/', '?' or '#' leaves; its text quotes nothing.
var errUnescapedCredentials = errors.New("an '@' after the host: percent-escape '/', '?', '#' and '@' in the user name and password (%2F, %3F, %23, %40)")

// credentialsInQuery reports a query that starts with the end of a user name or password
// holding an unescaped '?' (an '@' before any '=').
func credentialsInQuery(q string) bool {
	at := strings.IndexByte(q, '@')
	return at >= 0 && !strings.Contains(q[:at], "=")
}

// urlError says what is wrong with a URL-form DSN that net/url refuses, and where, without
// quoting the credentials (net/url's own errors quote the whole input).
func urlError(dsn string) error {
	scheme := strings.Index(dsn, "://") + 3
	rest := dsn[scheme:]
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
		if strings.IndexByte(rest[end:], '@') >= 0 && !strings.Contains(authority, "@") {
			return errUnescapedCredentials
		}
	}
	cred := ""
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		cred, rest = authority[:at], rest[at+1:]
	}
	// Parse again without the credentials: what fails now is in the host, path or query.
	_, err := url.Parse(dsn[:scheme] + "u@" + rest)
	if err == nil {
		// Only the credentials were wrong.
		what := "user name"
		if strings.Contains(cred, ":") {
			what = "user name or password"
		}
		return fmt.Errorf("invalid character or percent-escape in the %s (percent-escape special characters: %% as %%25, @ as %%40, / as %%2F, : in a user name as %%3A)", what)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ee url.EscapeError
	if errors.As(err, &ee) {
		where := "host"
		if i := strings.Index(rest, string(ee)); i >= 0 {
			switch q, p := strings.IndexByte(rest, '?'), strings.IndexByte(rest, '/'); {
			case q >= 0 && i > q:
				where = "parameters"
			case p >= 0 && i > p:
				where = "database name"
			}
		}
		return fmt.Errorf("invalid percent-escape %q in the %s (write %% as %%25)", string(ee), where)
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "control character"):
		return fmt.Errorf("a control character (newline, tab...) in the DSN")
	case strings.HasPrefix(msg, "invalid port") && cred == "":
		// Without an '@', what follows a ':' may be a password: do not quote it.
		return fmt.Errorf("invalid port after the host (want a number; a user name and password end with '@')")
	}
	return errors.New(strings.TrimPrefix(msg, "net/url: "))
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

// parseDriverDSN reads go-sql-driver's form, [user[:password]@][net[(addr)]]/dbname[?params].
// The database name starts after a '/' as in go-sql-driver (the last one, since the password
// and a socket path may hold '/'); when that reading fails, because a parameter value holds an
// unescaped '/' (loc=America/New_York), an earlier '/' followed by a well-formed database name
// and '?' is taken instead. Every DSN go-sql-driver accepts is read as it reads it.
func parseDriverDSN(cfg *Config, dsn string) (url.Values, error) {
	slash := driverDSNSlash(dsn)
	if slash < 0 {
		return nil, driverDSNError(dsn)
	}
	left, right := dsn[:slash], dsn[slash+1:]
	db, query, _ := strings.Cut(right, "?")
	rest := left
	if at := strings.LastIndexByte(left, '@'); at >= 0 {
		cred := left[:at]
		rest = left[at+1:]
		if colon := strings.IndexByte(cred, ':'); colon >= 0 {
			cfg.User, cfg.Password = cred[:colon], cred[colon+1:]
		} else {
			cfg.User = cred
		}
	}
	if rest != "" {
		network, addr, _ := splitDriverAddr(rest)
		cfg.Network = network
		if addr != "" {
			cfg.Addr = addr
		}
		switch cfg.Network {
		case "tcp", "tcp4", "tcp6":
			if strings.IndexByte(cfg.Addr, ',') >= 0 {
				addrs, err := parseHostList(cfg.Addr, true, false)
				if err != nil {
					return nil, err
				}
				cfg.Addrs, cfg.Addr = addrs, addrs[0]
			} else if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
				cfg.Addr = net.JoinHostPort(cfg.Addr, "3306")
			}
		case "unix":
			if cfg.Addr == DefaultAddr {
				cfg.Addr = DefaultSocket
			}
			if strings.Contains(cfg.Addr, ",/") {
				return nil, errSocketWithHosts
			}
		}
	}
	name, err := url.PathUnescape(db)
	if err != nil {
		return nil, fmt.Errorf("invalid percent-escape in the database name %q", db)
	}
	cfg.Database = name
	params, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("parameters: %v", queryError(err))
	}
	return params, nil
}

// driverNetworks are the networks of go-sql-driver's address form.
var driverNetworks = []string{"tcp", "tcp4", "tcp6", "unix"}

// splitDriverAddr splits net(addr) or net; ok reports a well-formed address part.
func splitDriverAddr(s string) (network, addr string, ok bool) {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return s, "", slices.Contains(driverNetworks, s)
	}
	network = s[:open]
	if !strings.HasSuffix(s, ")") {
		return network, "", false
	}
	return network, s[open+1 : len(s)-1], slices.Contains(driverNetworks, network)
}

// driverDSNSlash returns the index of the '/' that starts the database name, or -1 when no
// reading of dsn is well formed.
func driverDSNSlash(dsn string) int {
	last := true
	for i := len(dsn) - 1; i >= 0; i-- {
		if dsn[i] != '/' {
			continue
		}
		db, _, hasQuery := strings.Cut(dsn[i+1:], "?")
		// A '/' after this one must be in the parameters, not in the database name.
		if last || hasQuery && strings.IndexByte(db, '/') < 0 {
			if driverLeftOK(dsn[:i]) {
				return i
			}
		}
		last = false
	}
	return -1
}

// driverLeftOK reports whether s is a well-formed [user[:password]@][net[(addr)]].
func driverLeftOK(s string) bool {
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		s = s[at+1:]
	}
	if s == "" {
		return true
	}
	_, _, ok := splitDriverAddr(s)
	return ok
}

// driverDSNError says what is wrong with a go-sql-driver DSN that driverDSNSlash could not
// read, without quoting the credentials.
func driverDSNError(dsn string) error {
	last := strings.LastIndexByte(dsn, '/')
	if last < 0 {
		return fmt.Errorf("missing the '/' before the database name (the form is user:password@tcp(host:3306)/dbname)")
	}
	// A well-formed address followed by a database name holding '/'.
	for i := last; i >= 0; i-- {
		if dsn[i] == '/' && driverLeftOK(dsn[:i]) {
			db, _, _ := strings.Cut(dsn[i+1:], "?")
			return fmt.Errorf("the database name %q holds a '/' (write it as %%2F)", db)
		}
	}
	// Otherwise the address part, after the credentials, is malformed: the one that ends at
	// the first '/' after the '@' go-sql-driver would take.
	at := strings.LastIndexByte(dsn[:last], '@')
	addr := dsn[at+1:]
	addr = addr[:strings.IndexByte(addr, '/')]
	if at < 0 && strings.ContainsAny(strings.SplitN(addr, "(", 2)[0], ":") {
		// Possibly user:password with the '@' missing: do not quote it.
		return fmt.Errorf("the part before the first '/' is neither user[:password]@ followed by an address nor an address (the form is user:password@tcp(host:3306)/dbname)")
	}
	network, _, _ := splitDriverAddr(addr)
	switch open, close := strings.IndexByte(addr, '('), strings.LastIndexByte(addr, ')'); {
	case open >= 0 && close < open:
		return fmt.Errorf("missing ')' after the address in %q (the form is tcp(host:3306))", addr)
	case open >= 0 && close != len(addr)-1:
		return fmt.Errorf("unexpected %q after the address %q (the database name follows a '/')", addr[close+1:], addr[:close+1])
	case !slices.Contains(driverNetworks, network):
		in := ""
		if addr != network {
			in = fmt.Sprintf(" in %q", addr)
		}
		return fmt.Errorf("unknown network %q%s (want tcp(host:port) or unix(/path/to/socket), or the URL form mysql://host:port/dbname)", network, in)
	}
	return fmt.Errorf("cannot read the address %q", addr)
}

// queryError describes an error of url.ParseQuery without internals.
func queryError(err error) string {
	var ee url.EscapeError
	if errors.As(err, &ee) {
		return fmt.Sprintf("invalid percent-escape %q (write %% as %%25)", string(ee))
	}
	if strings.Contains(err.Error(), "semicolon") {
		return "a ';' between parameters (separate them with '&', and write a ';' in a value as %3B)"
	}
	return err.Error()
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
			// 0 means no timeout of its own, as go-sql-driver's timeout=0.
			cfg.ConnectTimeout, err = parseTimeout(v)
			if err == nil && cfg.ConnectTimeout == 0 {
				cfg.ConnectTimeout = -1
			}
		case "kill_timeout":
			cfg.KillTimeout, err = dsnparam.Duration(v)
			if err == nil && cfg.KillTimeout <= 0 {
				err = fmt.Errorf("must be positive")
			}
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
		case "queryAttributes":
			cfg.QueryAttributes, err = parseBool(v)
		case "sqlComment":
			cfg.SQLComment, err = parseBool(v)
		case "statement_cache_size", "stmtCacheSize":
			cfg.StatementCacheSize, err = strconv.Atoi(v)
			switch {
			case err == nil && cfg.StatementCacheSize < 0:
				err = fmt.Errorf("negative (0 turns the cache off)")
			case err == nil && cfg.StatementCacheSize == 0:
				cfg.StatementCacheSize = -1 // off
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
			switch {
			case err == nil && (cfg.MaxAllowedPacket < 0 || cfg.MaxAllowedPacket > 1<<30):
				err = fmt.Errorf("must be between 0 (the server's max_allowed_packet) and 1073741824")
			case err == nil && cfg.MaxAllowedPacket == 0:
				cfg.MaxAllowedPacket = -1 // the server's
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
		case "cluster_mode":
			cfg.ClusterMode, err = ParseClusterMode(v)
		case "cluster_deny_for":
			// 0 turns the deny list off, as connect_timeout=0 turns the timeout off.
			cfg.DenyFor, err = parseTimeout(v)
			if err == nil && cfg.DenyFor == 0 {
				cfg.DenyFor = -1
			}
		case "track_gtid":
			cfg.TrackGTID, err = parseBool(v)
		default:
			if strings.HasPrefix(key, "pool_") || strings.HasPrefix(key, "cluster_") {
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
	if _, ok := collationIDs[cfg.Collation]; !ok && cfg.Collation != "" {
		if strings.IndexByte(cfg.Collation, '_') < 0 || !isIdentifier(cfg.Collation) {
			return fmt.Errorf("unknown collation %q", cfg.Collation)
		}
	}
	return nil
}

// parseTimeout reads readTimeout and writeTimeout: a Go duration or a number of seconds; 0
// means none.
func parseTimeout(s string) (time.Duration, error) {
	d, err := dsnparam.Duration(s)
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
			if charsetOf(cfg.collation()) != list[0] {
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
	if i := strings.Index(dsn, "://"); i >= 0 {
		prefix, body := dsn[:i+3], dsn[i+3:]
		// The credentials end at the last '@' before the database name.
		end := strings.LastIndexByte(body, '/')
		if end < 0 {
			end = len(body)
		}
		return prefix + maskCredentials(body, end)
	}
	// go-sql-driver's form: the credentials end at the last '@' before the '/' the parser
	// takes (or, for a DSN it cannot read, the last '/').
	end := driverDSNSlash(dsn)
	if end < 0 {
		if end = strings.LastIndexByte(dsn, '/'); end < 0 {
			end = len(dsn)
		}
	}
	return maskCredentials(dsn, end)
}

// maskCredentials masks what follows the first ':' of the credentials in s, which end at
// the last '@' before end. Without an '@', a ':' before the address (user:password with the
// '@' forgotten) is masked too.
func maskCredentials(s string, end int) string {
	at := strings.LastIndexByte(s[:end], '@')
	if at < 0 {
		head := s[:end]
		if open := strings.IndexByte(head, '('); open >= 0 {
			head = head[:open]
		}
		if colon := strings.IndexByte(head, ':'); colon >= 0 && !strings.Contains(head, "[") {
			return s[:colon] + ":xxxxx" + s[len(head):]
		}
		return s
	}
	cred := s[:at]
	if colon := strings.IndexByte(cred, ':'); colon >= 0 {
		cred = cred[:colon] + ":xxxxx"
	}
	return cred + s[at:]
}

// String returns the configuration as a URL-form DSN with the password masked: the user, the
// address (every host of Addrs, in order, when there are several), the database, and the
// cluster_mode, cluster_deny_for and track_gtid parameters when they are not the defaults.
// ParseConfig reads it back to the same hosts and settings.
func (cfg *Config) String() string {
	var b strings.Builder
	b.WriteString("mysql://")
	b.WriteString(url.User(cfg.User).String())
	if cfg.Password != "" {
		b.WriteString(":xxxxx")
	}
	b.WriteByte('@')
	switch {
	case cfg.network() == "unix":
		b.WriteString("unix(" + cfg.addr() + ")")
	case len(cfg.Addrs) > 1:
		for i, a := range cfg.Addrs {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.ReplaceAll(a, "%", "%25")) // an IPv6 zone
		}
	default:
		b.WriteString(strings.ReplaceAll(cfg.addr(), "%", "%25"))
	}
	b.WriteByte('/')
	// PathEscape leaves '@', which ParseConfig takes for the end of misplaced credentials.
	b.WriteString(strings.ReplaceAll(url.PathEscape(cfg.Database), "@", "%40"))
	sep := byte('?')
	param := func(name, value string) {
		b.WriteByte(sep)
		sep = '&'
		b.WriteString(name + "=" + url.QueryEscape(value))
	}
	if cfg.ClusterMode != ClusterFailover {
		param("cluster_mode", cfg.ClusterMode.String())
	}
	switch {
	case cfg.DenyFor < 0:
		param("cluster_deny_for", "0")
	case cfg.DenyFor > 0:
		param("cluster_deny_for", cfg.DenyFor.String())
	}
	if cfg.TrackGTID {
		param("track_gtid", "true")
	}
	return b.String()
}

// The accessors below are the only readers of the fields whose zero value means a default:
// every code path asks them, never the field.

// network is Config.Network, tcp when empty.
func (cfg *Config) network() string {
	if cfg.Network == "" {
		return "tcp"
	}
	return cfg.Network
}

// addr is Config.Addr, or the default address of the network when empty.
func (cfg *Config) addr() string {
	switch {
	case cfg.Addr != "":
		return cfg.Addr
	case cfg.network() == "unix":
		return DefaultSocket
	}
	return DefaultAddr
}

// zeroDefault resolves a field whose zero value means def and a negative value none: def, 0
// or v.
func zeroDefault[T int | time.Duration](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// connectTimeout is Config.ConnectTimeout with its default; 0 means no timeout.
func (cfg *Config) connectTimeout() time.Duration {
	return zeroDefault(cfg.ConnectTimeout, DefaultConnectTimeout)
}

// denyFor is Config.DenyFor with its default; 0 means no deny list.
func (cfg *Config) denyFor() time.Duration { return zeroDefault(cfg.DenyFor, DefaultDenyFor) }

// multiHost reports whether cfg lists several hosts (Config.Addrs).
func (cfg *Config) multiHost() bool { return len(cfg.Addrs) > 1 }

// singleAddr is the address of a single-host configuration: Addr with its default, or the
// one entry of Addrs when Addr is empty.
func (cfg *Config) singleAddr() string {
	if cfg.Addr == "" && len(cfg.Addrs) == 1 {
		return cfg.Addrs[0]
	}
	return cfg.addr()
}

// killTimeout is Config.KillTimeout with its default.
func (cfg *Config) killTimeout() time.Duration {
	if cfg.KillTimeout > 0 {
		return cfg.KillTimeout
	}
	return DefaultKillTimeout
}

// statementCacheSize is Config.StatementCacheSize with its default; 0 means no cache.
func (cfg *Config) statementCacheSize() int {
	return zeroDefault(cfg.StatementCacheSize, DefaultStatementCacheSize)
}

// collation is Config.Collation with its default.
func (cfg *Config) collation() string {
	if cfg.Collation == "" {
		return DefaultCollation
	}
	return cfg.Collation
}

// location is Config.Location with its default.
func (cfg *Config) location() *time.Location {
	if cfg.Location != nil {
		return cfg.Location
	}
	return time.UTC
}

// maxAllowedPacket is Config.MaxAllowedPacket with its default; 0 means the server's
// max_allowed_packet (unknown until learned).
func (cfg *Config) maxAllowedPacket() int {
	return zeroDefault(cfg.MaxAllowedPacket, DefaultMaxAllowedPacket)
}

// maxPacketSize is Config.MaxPacketSize with its default (checkMaxPacketSize refuses values
// out of range before a connection uses it).
func (cfg *Config) maxPacketSize() int {
	if cfg.MaxPacketSize == 0 {
		return DefaultMaxPacketSize
	}
	return cfg.MaxPacketSize
}

// Copy returns a copy of cfg whose slices and maps can be changed independently.
func (cfg *Config) Copy() *Config {
	c := *cfg
	c.SessionVars = append([][2]string(nil), cfg.SessionVars...)
	c.InitCommands = append([]string(nil), cfg.InitCommands...)
	c.Charsets = append([]string(nil), cfg.Charsets...)
	if cfg.Addrs != nil {
		c.Addrs = append([]string(nil), cfg.Addrs...)
	}
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
