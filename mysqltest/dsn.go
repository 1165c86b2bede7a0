package mysqltest

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// EnvDSN is the environment variable DSN consults.
const EnvDSN = "MYSQL_TEST_DSN"

// DefaultDSN is the DSN used when EnvDSN is unset or empty: the server on the
// local machine's standard port, user root without a password, database test.
const DefaultDSN = "mysql://root@127.0.0.1:3306/test"

// DSN returns the data source name of the shared test server: the value of the
// MYSQL_TEST_DSN environment variable if it is set and not empty, otherwise
// DefaultDSN. It does not check that a server answers there; Require does.
func DSN() string {
	if s := strings.TrimSpace(os.Getenv(EnvDSN)); s != "" {
		return s
	}
	return DefaultDSN
}

// Addr returns the network ("tcp" or "unix") and address that dsn names, in a
// form net.Dial accepts. It understands two forms:
//
//   - URL form: mysql://user:pass@host:port/db?params (scheme mysql or
//     mariadb). The port defaults to 3306 and an empty host to 127.0.0.1. The
//     host part may instead be tcp(host:port) or unix(/path/to/socket), and a
//     socket=/path parameter also selects a unix socket.
//   - The go-sql-driver/mysql form: [user[:pass]@][net[(addr)]]/db[?params],
//     for example root:pw@tcp(127.0.0.1:3306)/test or root@unix(/run/mysqld/mysqld.sock)/test.
//     A missing tcp address defaults to 127.0.0.1:3306, a missing unix
//     address to /tmp/mysql.sock.
//
// Addr parses only as much as it needs to find the address; it does not
// validate the user, database or parameters.
func Addr(dsn string) (network, address string, err error) {
	if dsn == "" {
		return "", "", fmt.Errorf("mysqltest: empty DSN")
	}
	lower := strings.ToLower(dsn)
	for _, scheme := range []string{"mysql://", "mariadb://"} {
		if strings.HasPrefix(lower, scheme) {
			return urlAddr(dsn, dsn[len(scheme):])
		}
	}
	if i := strings.Index(dsn, "://"); i >= 0 && !strings.Contains(dsn[:i], "@") && !strings.Contains(dsn[:i], "(") {
		return "", "", fmt.Errorf("mysqltest: DSN %q: unsupported scheme %q (want mysql://)", redact(dsn), dsn[:i])
	}
	return driverAddr(dsn)
}

// urlAddr handles the part of a URL-form DSN after the scheme.
func urlAddr(dsn, rest string) (string, string, error) {
	if network, address, ok := parenAddr(rest); ok {
		return netAddr(dsn, network, address)
	}
	u, err := url.Parse("mysql://" + rest)
	if err != nil {
		return "", "", fmt.Errorf("mysqltest: DSN %q: %v", redact(dsn), err)
	}
	if sock := u.Query().Get("socket"); sock != "" {
		return "unix", sock, nil
	}
	hostname, port := u.Hostname(), u.Port()
	if hostname == "" {
		hostname = "127.0.0.1"
	}
	if port == "" {
		port = "3306"
	}
	return "tcp", net.JoinHostPort(hostname, port), nil
}

// driverAddr handles the go-sql-driver/mysql DSN form.
func driverAddr(dsn string) (string, string, error) {
	if network, address, ok := parenAddr(dsn); ok {
		return netAddr(dsn, network, address)
	}
	// No parenthesised address: the database name follows the last '/',
	// and the network name (if any) follows the userinfo's last '@'.
	slash := strings.LastIndex(dsn, "/")
	if slash < 0 {
		return "", "", fmt.Errorf("mysqltest: DSN %q: missing '/' before the database name", redact(dsn))
	}
	network := dsn[:slash]
	if at := strings.LastIndex(network, "@"); at >= 0 {
		network = network[at+1:]
	}
	return netAddr(dsn, network, "")
}

// parenAddr finds a "net(address)" part in s: it starts at the beginning of s
// or right after an '@', and its closing parenthesis is followed by '/', '?'
// or the end of s. That lets passwords contain '@' and '(' and socket paths
// contain '@', '(' and ')'.
func parenAddr(s string) (network, address string, ok bool) {
	for _, n := range []string{"unix(", "tcp(", "tcp4(", "tcp6("} {
		start := -1
		if strings.HasPrefix(s, n) {
			start = 0
		} else if i := strings.Index(s, "@"+n); i >= 0 {
			start = i + 1
		}
		if start < 0 {
			continue
		}
		body := s[start+len(n):]
		end := -1
		for i := 0; i < len(body); i++ {
			if body[i] == ')' && (i+1 == len(body) || body[i+1] == '/' || body[i+1] == '?') {
				end = i
				break
			}
		}
		if end < 0 {
			continue
		}
		return n[:len(n)-1], body[:end], true
	}
	return "", "", false
}

// netAddr applies defaults to a network name and address taken from a DSN.
func netAddr(dsn, network, address string) (string, string, error) {
	switch network {
	case "", "tcp", "tcp4", "tcp6":
		if network == "" {
			network = "tcp"
		}
		if address == "" {
			address = "127.0.0.1:3306"
		} else if _, _, err := net.SplitHostPort(address); err != nil {
			address = net.JoinHostPort(strings.Trim(address, "[]"), "3306")
		}
		return network, address, nil
	case "unix":
		if address == "" {
			address = "/tmp/mysql.sock"
		}
		return "unix", address, nil
	default:
		return "", "", fmt.Errorf("mysqltest: DSN %q: unsupported network %q (want tcp or unix)", redact(dsn), network)
	}
}

// redact hides a password in a DSN for error messages.
func redact(dsn string) string {
	start := 0
	if i := strings.Index(dsn, "://"); i >= 0 {
		start = i + 3
	}
	at := strings.LastIndex(dsn, "@")
	if at < start {
		return dsn
	}
	colon := strings.Index(dsn[start:at], ":")
	if colon < 0 {
		return dsn
	}
	return dsn[:start+colon+1] + "xxxxx" + dsn[at:]
}
