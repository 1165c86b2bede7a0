package myx_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/auth"
	"github.com/myxdb/myx/internal/wire"
	"github.com/myxdb/myx/mysqltest"
)

// fakeConfig is the configuration for a fake server: statements without arguments go as text
// (the fake answers COM_QUERY), a short connect timeout, no TLS unless asked.
func fakeConfig(t *testing.T, fs *mysqltest.FakeServer, user, password string) *myx.Config {
	t.Helper()
	cfg, err := myx.ParseConfig(fs.DSN(user, password))
	if err != nil {
		t.Fatal(err)
	}
	cfg.StatementCacheSize = -1
	cfg.ConnectTimeout = 5 * time.Second
	cfg.TLSMode = myx.TLSDisabled
	return cfg
}

// serve logs in with o and a, then answers queries with h.
func serve(o mysqltest.HandshakeOptions, a mysqltest.Auth, h mysqltest.QueryHandler, seen chan<- *mysqltest.HandshakeResponse) func(*mysqltest.FakeConn) {
	return func(c *mysqltest.FakeConn) {
		resp, err := c.Login(o, a)
		if seen != nil {
			select {
			case seen <- resp:
			default:
			}
		}
		if err != nil {
			return
		}
		if h == nil {
			h = mysqltest.Queries(nil)
		}
		c.ServeQueries(h)
	}
}

func TestFakeCachingSHA2FastAuth(t *testing.T) {
	t.Parallel()
	fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{}, mysqltest.Auth{Verify: true, Password: "pw"}, nil, nil))
	ctx := ctxT(t)
	c, err := myx.ConnectConfig(ctx, fakeConfig(t, fs, "u", "pw"))
	if err != nil {
		t.Fatalf("fast auth: %v", err)
	}
	if c.ServerInfo().Flavor != myx.MySQL || c.ServerInfo().Major != 8 {
		t.Errorf("server info %+v", c.ServerInfo())
	}
	c.Close(ctx)
	_, err = myx.ConnectConfig(ctx, fakeConfig(t, fs, "u", "wrong"))
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != 1045 {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestFakeCachingSHA2FullAuth(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	key, err := mysqltest.TestRSAKey()
	if err != nil {
		t.Fatal(err)
	}
	full := mysqltest.Auth{Verify: true, Password: "pässwörd", FullAuth: true}

	t.Run("over TLS the password goes in clear", func(t *testing.T) {
		serverTLS, _, err := mysqltest.TLSConfigs()
		if err != nil {
			t.Fatal(err)
		}
		seen := make(chan *mysqltest.HandshakeResponse, 1)
		fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{TLS: serverTLS}, full, nil, seen))
		cfg := fakeConfig(t, fs, "u", "pässwörd")
		cfg.TLSMode = myx.TLSRequired
		c, err := myx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		c.Close(ctx)
		if resp := <-seen; resp.Password != "pässwörd" {
			t.Errorf("server got %q", resp.Password)
		}
	})
	t.Run("without TLS and without a key it refuses to send the password", func(t *testing.T) {
		fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{}, full, nil, nil))
		_, err := myx.ConnectConfig(ctx, fakeConfig(t, fs, "u", "pässwörd"))
		var str *auth.SecureTransportRequiredError
		if !errors.As(err, &str) {
			t.Fatalf("got %v", err)
		}
		if strings.Contains(err.Error(), "pässwörd") {
			t.Fatal("password in error")
		}
	})
	t.Run("with a configured server key", func(t *testing.T) {
		seen := make(chan *mysqltest.HandshakeResponse, 1)
		fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{}, full, nil, seen))
		cfg := fakeConfig(t, fs, "u", "pässwörd")
		cfg.ServerPubKey = &key.PublicKey
		c, err := myx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		c.Close(ctx)
		if resp := <-seen; resp.Password != "pässwörd" {
			t.Errorf("server decrypted %q", resp.Password)
		}
	})
	t.Run("fetching the server key when allowed", func(t *testing.T) {
		fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{}, full, nil, nil))
		cfg := fakeConfig(t, fs, "u", "pässwörd")
		cfg.AllowPublicKeyRetrieval = true
		c, err := myx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		c.Close(ctx)
		cfg.Password = "nope"
		if _, err := myx.ConnectConfig(ctx, cfg); err == nil {
			t.Error("wrong password accepted")
		}
	})
}

func TestFakeAuthSwitch(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	// The handshake offers caching_sha2_password; the account uses mysql_native_password.
	seen := make(chan *mysqltest.HandshakeResponse, 1)
	fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{},
		mysqltest.Auth{Verify: true, Password: "pw", Plugin: mysqltest.PluginNativePassword}, nil, seen))
	c, err := myx.ConnectConfig(ctx, fakeConfig(t, fs, "u", "pw"))
	if err != nil {
		t.Fatalf("auth switch: %v", err)
	}
	c.Close(ctx)
	if resp := <-seen; resp.AuthPlugin != mysqltest.PluginCachingSHA2Password {
		t.Errorf("first response used %q", resp.AuthPlugin)
	}

	// A switch to mysql_clear_password is refused unless allowed and the transport is secure.
	clear := mysqltest.Auth{Verify: true, Password: "pw", Plugin: mysqltest.PluginClearPassword}
	fs2 := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{}, clear, nil, nil))
	for _, allow := range []bool{false, true} {
		cfg := fakeConfig(t, fs2, "u", "pw")
		cfg.AllowCleartextPasswords = allow
		_, err := myx.ConnectConfig(ctx, cfg)
		var ce *auth.CleartextRefusedError
		if !errors.As(err, &ce) {
			t.Errorf("clear password over plain TCP (allowed=%v): %v", allow, err)
		}
	}
	serverTLS, _, _ := mysqltest.TLSConfigs()
	fs3 := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{TLS: serverTLS}, clear, nil, nil))
	cfg := fakeConfig(t, fs3, "u", "pw")
	cfg.TLSMode, cfg.AllowCleartextPasswords = myx.TLSRequired, true
	if c, err := myx.ConnectConfig(ctx, cfg); err != nil {
		t.Errorf("clear password over TLS, allowed: %v", err)
	} else {
		c.Close(ctx)
	}
}

func TestFakeMariaDBHandshake(t *testing.T) {
	t.Parallel()
	fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{MariaDB: true}, mysqltest.Auth{Verify: true, Password: "pw"}, nil, nil))
	c, err := myx.ConnectConfig(ctx(t), fakeConfig(t, fs, "u", "pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if info := c.ServerInfo(); info.Flavor != myx.MariaDB || info.Major != 10 || info.Minor != 11 {
		t.Errorf("server info %+v from %q", info, info.Version)
	}
}

func ctx(t *testing.T) context.Context { return ctxT(t) }

// TestFakeMalformedPackets checks that broken server output is an error, never a panic or a
// hang, and that the connection is closed afterwards.
func TestFakeMalformedPackets(t *testing.T) {
	t.Parallel()
	cols := []mysqltest.ColumnDef{{Name: "a", Type: mysqltest.TypeVarString, Length: 20}}
	cases := map[string]func(c *mysqltest.FakeConn) error{
		"truncated row": func(c *mysqltest.FakeConn) error {
			c.WriteColumnCount(1)
			c.WriteColumnDef(cols[0])
			return c.WritePacket([]byte{10, 'a', 'b'}) // says 10 bytes, has 2
		},
		"huge column count": func(c *mysqltest.FakeConn) error {
			return c.WritePacket([]byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
		},
		"garbage column definition": func(c *mysqltest.FakeConn) error {
			c.WriteColumnCount(1)
			return c.WritePacket([]byte{3, 'd', 'e'})
		},
		"wrong sequence id": func(c *mysqltest.FakeConn) error {
			c.SetSeq(7)
			return c.WriteOK(mysqltest.OKOptions{})
		},
		"packet beyond the size limit": func(c *mysqltest.FakeConn) error {
			return c.WriteRaw([]byte{0xff, 0xff, 0xf0, 1, 1, 2, 3})
		},
		"empty packet": func(c *mysqltest.FakeConn) error { return c.WritePacket(nil) },
		"truncated OK": func(c *mysqltest.FakeConn) error { return c.WritePacket([]byte{0, 0xfc}) },
		"vanishes mid-result": func(c *mysqltest.FakeConn) error {
			c.WriteColumnCount(1)
			c.WriteColumnDef(cols[0])
			c.WriteTextRow(mysqltest.TextValues("one"))
			return c.Abort()
		},
	}
	for name, script := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{}, mysqltest.Auth{},
				func(q mysqltest.Query) []mysqltest.Result {
					if q.SQL != "SELECT a" {
						return nil // session setup: OK
					}
					return []mysqltest.Result{{Custom: script}}
				}, nil))
			cfg := fakeConfig(t, fs, "u", "")
			cfg.MaxPacketSize = 1 << 20
			c, err := myx.ConnectConfig(ctxT(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				rows, err := c.Query(context.Background(), "SELECT a")
				if err == nil {
					for rows.Next() {
					}
					err = rows.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("broken reply accepted")
				}
				if !myx.IsConnLost(err) {
					t.Errorf("want a connection error, got %T %v", err, err)
				}
				if name == "packet beyond the size limit" && !errors.Is(err, wire.ErrPacketTooLarge) {
					t.Errorf("size limit: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("client hung on a broken reply")
			}
			if !c.IsClosed() {
				t.Error("connection left open after a protocol error")
			}
		})
	}
}

func TestFakeTruncatedHandshake(t *testing.T) {
	t.Parallel()
	for name, raw := range map[string][]byte{
		"short":            {5, 0, 0, 0, 10, '8', '.', 0, 1},
		"protocol 9":       {2, 0, 0, 0, 9, 0},
		"closed at once":   nil,
		"error on connect": append([]byte{23, 0, 0, 0, 0xff, 0x10, 0x04}, []byte("Too many connections")...),
	} {
		fs := mysqltest.NewFakeServer(t, func(c *mysqltest.FakeConn) {
			if raw != nil {
				c.WriteRaw(raw)
			}
			c.Close()
		})
		_, err := myx.ConnectConfig(ctxT(t), fakeConfig(t, fs, "u", ""))
		if err == nil {
			t.Errorf("%s: connected", name)
			continue
		}
		var me *myx.MySQLError
		if name == "error on connect" && (!errors.As(err, &me) || me.Number != 1040) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestFakeLocalInfileNotGiven(t *testing.T) {
	t.Parallel()
	got := make(chan []byte, 1)
	fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{}, mysqltest.Auth{},
		func(q mysqltest.Query) []mysqltest.Result {
			if strings.HasPrefix(q.SQL, "SET ") {
				return nil
			}
			return []mysqltest.Result{{Custom: func(c *mysqltest.FakeConn) error {
				// Whatever the statement said, ask for a secret file.
				if err := c.WriteLocalInfileRequest("/etc/shadow"); err != nil {
					return err
				}
				data, err := c.ReadLocalInfileData()
				got <- data
				if err != nil {
					return err
				}
				return c.WriteOK(mysqltest.OKOptions{})
			}}}
		}, nil))
	c, err := myx.ConnectConfig(ctxT(t), fakeConfig(t, fs, "u", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	_, err = c.Exec(ctxT(t), "LOAD DATA LOCAL INFILE 'data.csv' INTO TABLE t",
		&myx.LocalFile{Name: "data.csv", Reader: strings.NewReader("1,2\n")})
	if !errors.Is(err, myx.ErrLocalInfileDenied) {
		t.Fatalf("got %v", err)
	}
	if data := <-got; len(data) != 0 {
		t.Fatalf("the server received %q", data)
	}
	// A plain SELECT that the server answers with a file request fails the same way.
	_, err = c.Exec(ctxT(t), "SELECT 1")
	if !errors.Is(err, myx.ErrLocalInfileDenied) {
		t.Fatalf("unrequested file: %v", err)
	}
	if data := <-got; len(data) != 0 {
		t.Fatalf("the server received %q", data)
	}
	if c.IsClosed() {
		t.Error("connection closed after a refused file request")
	}
}

func TestFakeRowsErrorAfterRows(t *testing.T) {
	t.Parallel()
	cols := []mysqltest.ColumnDef{{Name: "n", Type: mysqltest.TypeLong, Length: 11}}
	fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{}, mysqltest.Auth{},
		mysqltest.Queries(map[string]mysqltest.Result{
			"SELECT n": {Columns: cols, Rows: [][]any{{1}, {2}},
				RowsErr: &mysqltest.ServerError{Code: 1242, SQLState: "21000", Message: "Subquery returns more than 1 row"}},
		}), nil))
	c, err := myx.ConnectConfig(ctxT(t), fakeConfig(t, fs, "u", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	rows, err := c.Query(ctxT(t), "SELECT n")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	var me *myx.MySQLError
	if n != 2 || !errors.As(rows.Err(), &me) || me.Number != 1242 {
		t.Fatalf("rows %d, err %v", n, rows.Err())
	}
	if c.IsClosed() {
		t.Fatal("a server error in a result closed the connection")
	}
	_ = io.EOF
}
