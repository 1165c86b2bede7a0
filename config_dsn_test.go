package myx_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// DSN parse errors say what is wrong and where, in the DSN's own terms, and never show the
// password (every DSN below has the password hunter2, or hun?ter2 split by a character, where
// it has one).

func TestDSNErrorMessages(t *testing.T) {
	for _, tc := range []struct{ dsn, want string }{
		// URL form: net/url's complaint, placed, without its quoting of the input.
		{"mysql://root:hunter2@[::1/test", `"mysql://root:xxxxx@[::1/test": missing ']' in host`},
		{"mysql://user:hunter2@host:notaport/db", `invalid port ":notaport" after host`},
		{"mysql://user:hunter2@host:99999/db", "port 99999 is out of range"},
		{"mysql://user:hunter2@ho st/db", `invalid character " " in host name`},
		{"mysql://user:hunter2@host/d%zzb", `invalid percent-escape "%zz" in the database name`},
		{"mysql://user:hunter2@host/db?x=%zz", `parameters: invalid percent-escape "%zz"`},
		{"mysql://user:hunter2@host/db?x=1;y=2", "a ';' between parameters"},
		{"mysql://user:hunter2@host/db\n", "a control character"},
		{"mysql://user:hun%zzter2@host/db", "in the user name or password"},
		{"mysql://user:hun/ter2@host/db", "percent-escape '/', '?', '#' and '@' in the user name and password"},
		{"mysql://user:hun#ter2@host/db", "an '@' after the host"},
		{"mysql://user:hun?ter2@host/db", "an '@' after the host"},
		{"mysql://user:hun:ter2@host/db", ""}, // accepted: ':' may follow the first one
		{"mysql://u:12?ter2@host/db", "an '@' after the host"},
		{"mysql://u:12#ter2@host/db", "an '@' after the host"},
		{"mysql://u:12/ter2@host/db", "an '@' after the host"},
		{"mysql://user:hunter2@host/db#x", "a '#' in the DSN"},
		{"mysql://host/db?init=a@b", ""}, // an '@' in a parameter value
		{"mysql://user:hunter2@unix(/tmp/x.sock/db", "missing ')' after the socket path"},
		{"mysql://root:hunter2/db", "invalid port after the host (want a number"},
		// go-sql-driver form.
		{"user:hunter2@tcp(h:3306/db", `missing ')' after the address in "tcp(h:3306"`},
		{"user:hunter2@carrierpigeon(h)/db", `unknown network "carrierpigeon" in "carrierpigeon(h)"`},
		{"root@localhost/test", `unknown network "localhost" (want tcp(host:port)`},
		{"user:hunter2@tcp(h)x/db", `unexpected "x" after the address "tcp(h)"`},
		{"user:hunter2@tcp(h)/a/b", `the database name "a/b" holds a '/'`},
		{"user:hunter2@tcp(h)", "missing the '/' before the database name"},
		{"root:hunter2/db", "neither user[:password]@"},
		{"user:hunter2@tcp(h)/d%zz", `invalid percent-escape in the database name "d%zz"`},
		{"user:hunter2@tcp(h)/d?x=%zz", `parameters: invalid percent-escape "%zz"`},
		{"user:hunter2@tcp(h)/d?loc=Mars/Olympus_Mons", "parameter loc"},
	} {
		_, err := myx.ParseConfig(tc.dsn)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.dsn, err)
			}
			continue
		}
		var ce *myx.ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%q: got %v, want a *ConfigError", tc.dsn, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant it to contain %s", tc.dsn, err, tc.want)
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "ter2") {
			t.Errorf("%q: the error shows the password: %v", tc.dsn, err)
		}
		if strings.Contains(err.Error(), "net/url") || strings.Contains(err.Error(), "not a valid URL") {
			t.Errorf("%q: internals in %v", tc.dsn, err)
		}
	}
}

// TestDriverDSNUnescapedSlashInParams: a parameter value with an unescaped '/' reads as in
// the URL form, and every DSN go-sql-driver reads is read as it reads it.
func TestDriverDSNUnescapedSlashInParams(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	for _, dsn := range []string{
		"root@tcp(127.0.0.1:3306)/test?loc=America/New_York",
		"root@tcp(127.0.0.1:3306)/test?loc=America%2FNew_York",
		"mysql://root@127.0.0.1:3306/test?loc=America/New_York",
	} {
		cfg, err := myx.ParseConfig(dsn)
		if err != nil || cfg.Location.String() != ny.String() || cfg.Database != "test" || cfg.Addr != "127.0.0.1:3306" || cfg.User != "root" {
			t.Errorf("%s: %+v %v", dsn, cfg, err)
		}
	}
	for _, tc := range []struct {
		dsn                         string
		network, addr, user, pw, db string
		loc                         string
	}{
		// The password and the socket path may hold '/', '?', '@', '(' and ')'.
		{"u:p/w?x@tcp(h:1)/db", "tcp", "h:1", "u", "p/w?x", "db", "UTC"},
		{"u:a)b(c@tcp(h)/db?loc=Europe/Paris", "tcp", "h:3306", "u", "a)b(c", "db", "Europe/Paris"},
		{"u@unix(/run/my sql/s.sock)/db?loc=Europe/Paris&time_zone=%27%2B00%3A00%27", "unix", "/run/my sql/s.sock", "u", "", "db", "Europe/Paris"},
		{"u:p@/db?loc=Asia/Tokyo", "tcp", "127.0.0.1:3306", "u", "p", "db", "Asia/Tokyo"},
		{"/db?loc=Asia/Tokyo", "tcp", "127.0.0.1:3306", "", "", "db", "Asia/Tokyo"},
		{"u:p@tcp(h)/?loc=Asia/Tokyo", "tcp", "h:3306", "u", "p", "", "Asia/Tokyo"},
	} {
		cfg, err := myx.ParseConfig(tc.dsn)
		if err != nil {
			t.Errorf("%s: %v", tc.dsn, err)
			continue
		}
		loc := "UTC"
		if cfg.Location != nil {
			loc = cfg.Location.String()
		}
		if cfg.Network != tc.network || cfg.Addr != tc.addr || cfg.User != tc.user || cfg.Password != tc.pw || cfg.Database != tc.db || loc != tc.loc {
			t.Errorf("%s: got %s %s %q %q %q %s", tc.dsn, cfg.Network, cfg.Addr, cfg.User, cfg.Password, cfg.Database, loc)
		}
	}
}

// FuzzParseConfigHidesPassword: whatever follows the credentials, ParseConfig does not panic
// and neither its error nor Config.String shows the password.
func FuzzParseConfigHidesPassword(f *testing.F) {
	for _, s := range []string{
		"tcp(h:3306/db", "tcp(h)/db?loc=America/New_York", "[::1/test", "h:x/db", "unix(/tmp/s", "h/d%zz",
		"carrierpigeon(h)/db", "tcp(h)/a/b?c=d/e", "h/db#frag", "tcp(h)x/db", "", "/", "?", "h/db?x=1;y=2",
		"h1,h2:3307/db", "tcp(h1,[::1]:3307)/db", "h1,[::1/db", "h1,,h2/db", "unix(/a),h2/db", "h1,h2/db?socket=/s",
	} {
		f.Add(false, s)
		f.Add(true, s)
	}
	const pw = "Zq9xPw3Lk"
	f.Fuzz(func(t *testing.T, url bool, rest string) {
		// Skip a rest that could show the password by itself, quoted or escaped.
		for _, r := range []string{rest, fmt.Sprintf("%q", rest), strings.ToLower(rest)} {
			if strings.Contains(strings.ToLower(r), strings.ToLower(pw[:4])) {
				return
			}
		}
		dsn := "user:" + pw + "@" + rest
		if url {
			dsn = "mysql://" + dsn
		}
		cfg, err := myx.ParseConfig(dsn)
		if err != nil {
			if strings.Contains(err.Error(), pw[:4]) {
				t.Fatalf("%q: the error shows the password: %v", dsn, err)
			}
			return
		}
		if strings.Contains(cfg.String(), pw[:4]) {
			t.Fatalf("%q: Config.String shows the password: %s", dsn, cfg)
		}
	})
}
