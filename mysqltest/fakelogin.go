package mysqltest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"github.com/myxdb/myx/mysqltest/proto"
	"net"
	"sync"
)

// Auth tells Login how to authenticate the client. The zero value accepts
// any user and password with the handshake's plugin.
type Auth struct {
	// Verify makes Login check the credentials; without it anything the
	// client sends is accepted (the exchange still follows the plugin's
	// steps).
	Verify bool
	// User, if not empty, is the only user name accepted when Verify is set.
	User string
	// Password is the password checked when Verify is set.
	Password string
	// Plugin is the account's authentication plugin; "" means the plugin
	// named in the handshake. If the client answers with another plugin (or
	// without plugin support), Login sends an AuthSwitchRequest to this one,
	// as a real server does. Login understands mysql_native_password,
	// caching_sha2_password and mysql_clear_password; with Verify set, any
	// other plugin is an error.
	Plugin string
	// FullAuth makes caching_sha2_password perform full authentication, as
	// on a server whose cache lacks the account: the client must send its
	// password in clear over TLS or RSA-encrypted.
	FullAuth bool
	// RSAKey is the server's key for caching_sha2_password full
	// authentication over an unencrypted connection; nil means TestRSAKey.
	RSAKey *rsa.PrivateKey
}

var (
	testKeyOnce sync.Once
	testKey     *rsa.PrivateKey
	testKeyErr  error
)

// TestRSAKey returns a 2048-bit RSA key generated once per process, for
// scripts that play caching_sha2_password full authentication.
func TestRSAKey() (*rsa.PrivateKey, error) {
	testKeyOnce.Do(func() {
		testKey, testKeyErr = rsa.GenerateKey(rand.Reader, 2048)
	})
	return testKey, testKeyErr
}

// Login plays the server side of connection setup: it sends the handshake
// described by o, reads the client's response (starting TLS first if the
// client sends an SSLRequest and o.TLS is set), runs the authentication
// exchange a sends for, and sends an OK packet. If o.Capabilities offered
// proto.ClientCompress or proto.ClientZstdCompression and the client asked for it, Login
// then turns compression on (StartCompression). It returns the client's
// handshake response (with Password filled in if the exchange revealed it).
// If the credentials are rejected it sends ERR 1045 and returns that error as
// a *ServerError; any other failure is returned as is.
func (c *FakeConn) Login(o HandshakeOptions, a Auth) (*HandshakeResponse, error) {
	if err := c.WriteHandshake(o); err != nil {
		return nil, err
	}
	resp, err := c.ReadHandshakeResponse()
	if err != nil {
		return resp, err
	}
	if resp.SSLRequest {
		if c.tls == nil {
			return resp, errors.New("mysqltest: client sent an SSLRequest but HandshakeOptions.TLS is not set")
		}
		if err := c.StartTLS(nil); err != nil {
			return resp, err
		}
		ssl := resp
		if resp, err = c.ReadHandshakeResponse(); err != nil {
			return resp, err
		}
		if resp.Capabilities != ssl.Capabilities {
			return resp, fmt.Errorf("mysqltest: client capabilities changed from %#x in the SSLRequest to %#x in the handshake response", ssl.Capabilities, resp.Capabilities)
		}
	}

	plugin := a.Plugin
	if plugin == "" {
		plugin = c.handshakePlugin
	}
	data := resp.AuthResponse
	scramble := c.scramble
	clientPlugin := resp.AuthPlugin
	if c.Capabilities()&proto.ClientPluginAuth == 0 {
		// Without plugin support, a 4.1 client answers with
		// mysql_native_password.
		clientPlugin = proto.PluginNativePassword
	}
	if clientPlugin != plugin {
		if c.Capabilities()&proto.ClientPluginAuth == 0 {
			c.WriteERR(1251, "08004", "Client does not support authentication protocol requested by server")
			return resp, fmt.Errorf("mysqltest: client without CLIENT_PLUGIN_AUTH cannot switch to %s", plugin)
		}
		var switchData []byte
		if plugin != proto.PluginClearPassword {
			switchData = append(append([]byte{}, scramble...), 0)
		}
		if err := c.WriteAuthSwitch(plugin, switchData); err != nil {
			return resp, err
		}
		if data, err = c.ReadPacket(); err != nil {
			return resp, err
		}
	}

	if a.Verify && a.User != "" && resp.User != a.User {
		return resp, c.denyAccess(resp.User, len(data) > 0)
	}
	switch plugin {
	case proto.PluginNativePassword:
		if a.Verify && !bytes.Equal(data, NativePasswordResponse(scramble, a.Password)) {
			return resp, c.denyAccess(resp.User, len(data) > 0)
		}
	case proto.PluginCachingSHA2Password:
		switch {
		case len(data) == 0:
			// An empty password needs no further exchange.
			if a.Verify && a.Password != "" {
				return resp, c.denyAccess(resp.User, false)
			}
		case a.FullAuth:
			pw, err := c.cachingSHA2FullAuth(a, scramble)
			if err != nil {
				return resp, err
			}
			resp.Password = pw
			if a.Verify && pw != a.Password {
				return resp, c.denyAccess(resp.User, true)
			}
		default:
			if a.Verify && !bytes.Equal(data, CachingSHA2PasswordResponse(scramble, a.Password)) {
				return resp, c.denyAccess(resp.User, true)
			}
			if err := c.WriteAuthMoreData([]byte{3}); err != nil {
				return resp, err
			}
		}
	case proto.PluginClearPassword:
		resp.Password = string(bytes.TrimSuffix(data, []byte{0}))
		if a.Verify && resp.Password != a.Password {
			return resp, c.denyAccess(resp.User, len(data) > 0)
		}
	default:
		if a.Verify {
			return resp, fmt.Errorf("mysqltest: Login cannot verify plugin %q; script the exchange instead", plugin)
		}
	}
	if err := c.WriteOK(OKOptions{}); err != nil {
		return resp, err
	}
	switch caps := c.Capabilities(); {
	case caps&proto.ClientZstdCompression != 0:
		return resp, c.StartCompression(CompressZstd)
	case caps&proto.ClientCompress != 0:
		return resp, c.StartCompression(CompressZlib)
	}
	return resp, nil
}

// cachingSHA2FullAuth asks for full authentication and returns the password
// the client sends: in clear over TLS, or RSA-encrypted after asking for the
// public key (or directly, if it already had it).
func (c *FakeConn) cachingSHA2FullAuth(a Auth, scramble []byte) (string, error) {
	if err := c.WriteAuthMoreData([]byte{4}); err != nil {
		return "", err
	}
	p, err := c.ReadPacket()
	if err != nil {
		return "", err
	}
	if c.tlsActive {
		return string(bytes.TrimSuffix(p, []byte{0})), nil
	}
	key := a.RSAKey
	if key == nil {
		if key, err = TestRSAKey(); err != nil {
			return "", err
		}
	}
	if len(p) == 1 && p[0] == 2 {
		pem, err := PublicKeyPEM(&key.PublicKey)
		if err != nil {
			return "", err
		}
		if err := c.WriteAuthMoreData(pem); err != nil {
			return "", err
		}
		if p, err = c.ReadPacket(); err != nil {
			return "", err
		}
	}
	if len(p) != key.Size() {
		c.WriteERR(1045, "28000", "mysqltest fake server: password sent in clear over an insecure connection")
		return "", fmt.Errorf("mysqltest: client sent %d bytes instead of a %d-byte RSA-encrypted password on an unencrypted connection", len(p), key.Size())
	}
	return DecryptPassword(key, scramble, p)
}

// denyAccess sends ERR 1045 and returns it.
func (c *FakeConn) denyAccess(user string, usingPassword bool) error {
	host := "127.0.0.1"
	if h, _, err := net.SplitHostPort(c.raw.RemoteAddr().String()); err == nil {
		host = h
	}
	using := "NO"
	if usingPassword {
		using = "YES"
	}
	e := &ServerError{Code: 1045, SQLState: "28000", Message: fmt.Sprintf("Access denied for user '%s'@'%s' (using password: %s)", user, host, using)}
	if err := c.WriteError(e); err != nil {
		return err
	}
	return e
}
