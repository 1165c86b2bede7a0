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
	"strconv"
	"strings"
	"time"

	"github.com/myxdb/myx/internal/auth"
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
	return 0, fmt.Errorf("unknown TLS mode %q (want disabled, preferred, required, verify-ca or verify-full)", s)
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
	// maxAllowedPacket): a statement or argument that cannot fit is a *PacketTooLargeError
	// before anything is sent. 0 means the server's max_allowed_packet. Either way, the first
	// time a connection has a command of 256 KiB or more (or an io.Reader argument) it asks
	// the server for max_allowed_packet, once, and keeps to the lower of the two. ParseConfig
	// sets 64 MiB (go-sql-driver's default). Arguments larger than 1 MiB (or a share of this
	// limit) are sent as long data, so a value may be as large as the limit.
	MaxAllowedPacket int

	// MaxPacketSize bounds one packet read from the server (default and maximum 1 GiB); a
	// larger packet is an error and the connection is closed.
	MaxPacketSize int

	// SessionVars are set with SET right after connecting, in order.
	SessionVars [][2]string
	// InitCommands run, in order, after SessionVars.
	InitCommands []string
	// ConnectAttrs are sent to the server in the handshake (performance_schema.session_connect_attrs).
	ConnectAttrs map[string]string

	// RuntimePoller makes the connection wait for the server's replies in Go's network poller.
	// By default, on Linux, a connection without TLS waits in poll(2) on its own thread, which
	// costs fewer system calls and wakeups per round trip (the point-query benchmark gains
	// 10-20%) but holds an OS thread per connection while a reply is awaited. Set it for
	// programs with very many connections waiting at once.
	RuntimePoller bool

	// DialFunc, when set, opens the network connection instead of net.Dialer.
	DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

	// RuntimeParams holds DSN parameters meant for layers above the connection (for example the
	// pool's pool_* settings); a Conn ignores them.
	RuntimeParams map[string]string
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
// Parameters (both forms): tls (disabled, preferred, required, verify-ca, verify-full; also
// go-sql-driver's true/false/skip-verify), tls-ca, tls-cert, tls-key (PEM file paths),
// tls-server-name, connect_timeout or timeout (a Go duration or seconds), kill_timeout,
// collation, charset, loc (time zone name, "Local" or "UTC"), interpolateParams,
// statement_cache_size, multiStatements, clientFoundRows, allowCleartextPasswords,
// allowPublicKeyRetrieval, serverPubKey (PEM file path), maxAllowedPacket, max_packet_size,
// socket, and
// go-sql-driver's parseTime (always on in myx, accepted and ignored). Parameters starting with
// "pool_" are kept in RuntimeParams for the pool. Any other parameter is a session variable
// set at connect time (as in go-sql-driver).
func ParseConfig(dsn string) (*Config, error) {
	cfg := &Config{
		Network:            "tcp",
		Addr:               "127.0.0.1:3306",
		ConnectTimeout:     10 * time.Second,
		KillTimeout:        3 * time.Second,
		Collation:          "utf8mb4_general_ci",
		Location:           time.UTC,
		StatementCacheSize: 256,
		MaxPacketSize:      1 << 30,
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
			// go-sql-driver allows a comma-separated preference list; the first wins.
			cs := strings.TrimSpace(strings.Split(v, ",")[0])
			if c, ok := defaultCollationOf[cs]; ok {
				cfg.Collation = c
			} else {
				err = fmt.Errorf("unknown charset %q", cs)
			}
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
		case "maxAllowedPacket":
			cfg.MaxAllowedPacket, err = strconv.Atoi(v)
			if err == nil && (cfg.MaxAllowedPacket < 0 || cfg.MaxAllowedPacket > 1<<30) {
				err = fmt.Errorf("must be between 0 (the server's max_allowed_packet) and 1073741824")
			}
		case "max_packet_size":
			cfg.MaxPacketSize, err = strconv.Atoi(v)
			if err == nil && (cfg.MaxPacketSize <= 0 || cfg.MaxPacketSize > 1<<30) {
				err = fmt.Errorf("must be between 1 and 1073741824")
			}
		case "runtime_poller":
			cfg.RuntimePoller, err = parseBool(v)
		case "socket":
			cfg.Network, cfg.Addr = "unix", v
		case "parseTime", "columnsWithAlias", "rejectReadOnly", "checkConnLiveness", "allowNativePasswords":
			// go-sql-driver options whose behaviour myx always has (or that do not apply).
		default:
			if strings.HasPrefix(key, "pool_") {
				cfg.RuntimeParams[key] = v
				continue
			}
			if !isIdentifier(key) {
				err = fmt.Errorf("not a known parameter or a session variable name")
				break
			}
			cfg.SessionVars = append(cfg.SessionVars, [2]string{key, v})
		}
		if err != nil {
			return fmt.Errorf("parameter %s: %v", key, err)
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
