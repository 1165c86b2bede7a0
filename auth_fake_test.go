package myx_test

// Tests of authentication against the fake server: MySQL 8's caching_sha2_password (fast and
// full, over TLS, with a configured or fetched RSA key) and auth switches, which MariaDB
// cannot show.

import (
	"errors"
	"strings"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/auth"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/mysqltest/proto"
)

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
		mysqltest.Auth{Verify: true, Password: "pw", Plugin: proto.PluginNativePassword}, nil, seen))
	c, err := myx.ConnectConfig(ctx, fakeConfig(t, fs, "u", "pw"))
	if err != nil {
		t.Fatalf("auth switch: %v", err)
	}
	c.Close(ctx)
	if resp := <-seen; resp.AuthPlugin != proto.PluginCachingSHA2Password {
		t.Errorf("first response used %q", resp.AuthPlugin)
	}

	// A switch to mysql_clear_password is refused unless allowed and the transport is secure.
	clear := mysqltest.Auth{Verify: true, Password: "pw", Plugin: proto.PluginClearPassword}
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
