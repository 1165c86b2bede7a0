package auth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	for _, name := range []string{NativePassword, CachingSHA2Password, SHA256Password, Ed25519, ClearPassword} {
		p, err := New(name, Options{Password: testPassword})
		if err != nil {
			t.Fatalf("New(%q): %v", name, err)
		}
		if p.Name() != name {
			t.Errorf("New(%q).Name() = %q", name, p.Name())
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if s := fmt.Sprintf(verb, p); strings.Contains(s, testPassword) {
				t.Errorf("Sprintf(%q, %s plugin) reveals the password: %s", verb, name, s)
			}
		}
	}
}

func TestNewUnsupported(t *testing.T) {
	for _, name := range []string{"", "dialog", "auth_gssapi_client", "MYSQL_NATIVE_PASSWORD", "mysql_old_password"} {
		p, err := New(name, Options{Password: testPassword})
		if p != nil {
			t.Errorf("New(%q) returned a plugin", name)
		}
		e := wantErr[*UnsupportedPluginError](t, err, testPassword)
		if e.Name != name {
			t.Errorf("UnsupportedPluginError.Name = %q, want %q", e.Name, name)
		}
		if !strings.Contains(e.Error(), fmt.Sprintf("%q", name)) {
			t.Errorf("error %q does not name the plugin", e)
		}
	}
}

func TestOptionsRedactsPassword(t *testing.T) {
	opts := Options{Password: testPassword, Secure: true, AllowCleartextPasswords: true}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{opts, &opts} {
			s := fmt.Sprintf(verb, v)
			if strings.Contains(s, testPassword) {
				t.Errorf("Sprintf(%q, Options) reveals the password: %s", verb, s)
			}
			if !strings.Contains(s, "[redacted]") || !strings.Contains(s, "Secure:true") {
				t.Errorf("Sprintf(%q, Options) = %s, want a redacted description", verb, s)
			}
		}
	}
	if s := (Options{}).String(); !strings.Contains(s, `Password:""`) {
		t.Errorf("empty password described as %s", s)
	}
}

// nativeFormula computes mysql_native_password from its definition.
func nativeFormula(scramble []byte, password string) []byte {
	h1 := sha1.Sum([]byte(password))
	h2 := sha1.Sum(h1[:])
	h3 := sha1.Sum(append(append([]byte{}, scramble...), h2[:]...))
	out := make([]byte, sha1.Size)
	for i := range out {
		out[i] = h1[i] ^ h3[i]
	}
	return out
}

// sha256Formula computes the caching_sha2_password scramble from its
// definition.
func sha256Formula(scramble []byte, password string) []byte {
	h1 := sha256.Sum256([]byte(password))
	h2 := sha256.Sum256(h1[:])
	h3 := sha256.Sum256(append(h2[:], scramble...))
	out := make([]byte, sha256.Size)
	for i := range out {
		out[i] = h1[i] ^ h3[i]
	}
	return out
}

func TestScrambleNativeKnownAnswer(t *testing.T) {
	// Published test vector (go-sql-driver/mysql auth tests): password
	// "secret" with this 20-byte scramble.
	scramble := []byte{70, 114, 92, 94, 1, 38, 11, 116, 63, 114, 23, 101, 126,
		103, 26, 95, 81, 17, 24, 21}
	want := []byte{53, 177, 140, 159, 251, 189, 127, 53, 109, 252,
		172, 50, 211, 192, 240, 164, 26, 48, 207, 45}
	if got := ScrambleNative(scramble, "secret"); !bytes.Equal(got, want) {
		t.Errorf("ScrambleNative(vector) = %x, want %x", got, want)
	}

	for _, pw := range []string{"a", "secret", "pässwörd", strings.Repeat("long", 100), testPassword} {
		for _, s := range [][]byte{testScramble, scramble, make([]byte, 20)} {
			got := ScrambleNative(s, pw)
			if want := nativeFormula(s, pw); !bytes.Equal(got, want) {
				t.Errorf("ScrambleNative(%x, %q) = %x, want %x", s, pw, got, want)
			}
		}
	}
	if got := ScrambleNative(testScramble, ""); len(got) != 0 {
		t.Errorf("ScrambleNative with empty password = %x, want empty", got)
	}
}

func TestScrambleSHA256KnownAnswer(t *testing.T) {
	// Published test vectors (go-sql-driver/mysql auth tests).
	scramble := []byte{10, 47, 74, 111, 75, 73, 34, 48, 88, 76, 114, 74, 37, 13, 3, 80, 82, 2, 23, 21}
	for _, v := range []struct{ pw, want string }{
		{"secret", "f490e76f66d9d86665ce54d98c78d0acfe2fb0b08b423da807144873d30b312c"},
		{"secret2", "abc3934a012cf342e876071c8ee202de51785b430258a7a0138bc79c4d800bc6"},
	} {
		if got := hex.EncodeToString(ScrambleSHA256(scramble, v.pw)); got != v.want {
			t.Errorf("ScrambleSHA256(vector, %q) = %s, want %s", v.pw, got, v.want)
		}
	}

	for _, pw := range []string{"a", "secret", "pässwörd", strings.Repeat("long", 100), testPassword} {
		for _, s := range [][]byte{testScramble, scramble, make([]byte, 20)} {
			got := ScrambleSHA256(s, pw)
			if want := sha256Formula(s, pw); !bytes.Equal(got, want) {
				t.Errorf("ScrambleSHA256(%x, %q) = %x, want %x", s, pw, got, want)
			}
		}
	}
	if got := ScrambleSHA256(testScramble, ""); len(got) != 0 {
		t.Errorf("ScrambleSHA256 with empty password = %x, want empty", got)
	}
}

func TestNativePlugin(t *testing.T) {
	p := mustNew(t, NativePassword, Options{Password: testPassword})
	got := mustStart(t, p, testScramble)
	if want := nativeFormula(testScramble, testPassword); !bytes.Equal(got, want) {
		t.Fatalf("Start = %x, want %x", got, want)
	}

	// A scramble whose NUL was not trimmed gives the same answer.
	p = mustNew(t, NativePassword, Options{Password: testPassword})
	if got2 := mustStart(t, p, append(append([]byte{}, testScramble...), 0)); !bytes.Equal(got2, got) {
		t.Errorf("Start with untrimmed NUL = %x, want %x", got2, got)
	}

	_, err := p.Next([]byte{0x03})
	wantErr[*ProtocolError](t, err, testPassword)

	p = mustNew(t, NativePassword, Options{})
	if got := mustStart(t, p, testScramble); len(got) != 0 {
		t.Errorf("Start with empty password = %x, want empty", got)
	}
}

func TestClearPlugin(t *testing.T) {
	for _, tc := range []struct {
		allowed, secure bool
		why             string
	}{
		{false, false, "not allowed"},
		{false, true, "AllowCleartextPasswords"},
		{true, false, "neither TLS nor a unix socket"},
	} {
		p := mustNew(t, ClearPassword, Options{Password: testPassword, AllowCleartextPasswords: tc.allowed, Secure: tc.secure})
		out, err := p.Start(testScramble)
		if out != nil {
			t.Errorf("allowed=%t secure=%t: Start returned data", tc.allowed, tc.secure)
		}
		e := wantErr[*CleartextRefusedError](t, err, testPassword)
		if e.Allowed != tc.allowed || e.Secure != tc.secure {
			t.Errorf("error fields = %+v, want allowed=%t secure=%t", e, tc.allowed, tc.secure)
		}
		if !strings.Contains(e.Error(), tc.why) {
			t.Errorf("error %q does not explain %q", e, tc.why)
		}
	}

	p := mustNew(t, ClearPassword, Options{Password: testPassword, AllowCleartextPasswords: true, Secure: true})
	wantPasswordNUL(t, mustStart(t, p, nil), testPassword)
	_, err := p.Next([]byte("more"))
	wantErr[*ProtocolError](t, err, testPassword)

	p = mustNew(t, ClearPassword, Options{AllowCleartextPasswords: true, Secure: true})
	wantPasswordNUL(t, mustStart(t, p, testScramble), "")
}

func TestCachingSHA2FastAuth(t *testing.T) {
	p := mustNew(t, CachingSHA2Password, Options{Password: testPassword})
	got := mustStart(t, p, testScramble)
	if want := sha256Formula(testScramble, testPassword); !bytes.Equal(got, want) {
		t.Fatalf("Start = %x, want %x", got, want)
	}
	if reply := mustNext(t, p, []byte{0x03}); reply != nil {
		t.Fatalf("fast auth success: reply %x, want nil", reply)
	}
	// Only OK may follow fast auth success.
	_, err := p.Next([]byte{0x04})
	wantErr[*ProtocolError](t, err, testPassword)
}

func TestCachingSHA2StartScramble(t *testing.T) {
	p := mustNew(t, CachingSHA2Password, Options{Password: testPassword})
	got := mustStart(t, p, append(append([]byte{}, testScramble...), 0))
	if want := sha256Formula(testScramble, testPassword); !bytes.Equal(got, want) {
		t.Errorf("Start with untrimmed NUL = %x, want %x", got, want)
	}

	p = mustNew(t, CachingSHA2Password, Options{Secure: true})
	if got := mustStart(t, p, testScramble); len(got) != 0 {
		t.Errorf("Start with empty password = %x, want empty", got)
	}
	// An empty password may still be asked for full authentication.
	wantPasswordNUL(t, mustNext(t, p, []byte{0x04}), "")
}

func TestCachingSHA2FullAuthSecure(t *testing.T) {
	// Secure wins over a configured key and over key retrieval.
	priv := testKey(t)
	p := mustNew(t, CachingSHA2Password, Options{
		Password: testPassword, Secure: true, ServerPubKey: &priv.PublicKey, AllowPublicKeyRetrieval: true,
	})
	mustStart(t, p, testScramble)
	wantPasswordNUL(t, mustNext(t, p, []byte{0x04}), testPassword)
	_, err := p.Next([]byte{0x03})
	wantErr[*ProtocolError](t, err, testPassword)
}

func TestCachingSHA2FullAuthConfiguredKey(t *testing.T) {
	priv := testKey(t)
	p := mustNew(t, CachingSHA2Password, Options{
		Password: testPassword, ServerPubKey: &priv.PublicKey, AllowPublicKeyRetrieval: true,
	})
	mustStart(t, p, testScramble)
	ct := mustNext(t, p, []byte{0x04})
	wantPasswordNUL(t, decryptPassword(t, priv, testScramble, ct), testPassword)
	_, err := p.Next(pkixPEM(t, &priv.PublicKey))
	wantErr[*ProtocolError](t, err, testPassword)
}

func TestCachingSHA2FullAuthRetrieveKey(t *testing.T) {
	priv := testKey(t)
	for name, key := range map[string][]byte{
		"pkix":         pkixPEM(t, &priv.PublicKey),
		"pkcs1":        pkcs1PEM(&priv.PublicKey),
		"trailing NUL": append(pkixPEM(t, &priv.PublicKey), 0),
	} {
		t.Run(name, func(t *testing.T) {
			p := mustNew(t, CachingSHA2Password, Options{Password: testPassword, AllowPublicKeyRetrieval: true})
			mustStart(t, p, testScramble)
			if req := mustNext(t, p, []byte{0x04}); !bytes.Equal(req, []byte{0x02}) {
				t.Fatalf("full auth reply = %x, want the key request 02", req)
			}
			ct := mustNext(t, p, key)
			wantPasswordNUL(t, decryptPassword(t, priv, testScramble, ct), testPassword)
			_, err := p.Next(key)
			wantErr[*ProtocolError](t, err, testPassword)
		})
	}
}

func TestCachingSHA2FullAuthRefused(t *testing.T) {
	p := mustNew(t, CachingSHA2Password, Options{Password: testPassword})
	mustStart(t, p, testScramble)
	out, err := p.Next([]byte{0x04})
	if out != nil {
		t.Errorf("refused full auth returned %x", out)
	}
	e := wantErr[*SecureTransportRequiredError](t, err, testPassword)
	if e.Plugin != CachingSHA2Password {
		t.Errorf("Plugin = %q", e.Plugin)
	}
	for _, word := range []string{"TLS", "unix socket", "public key", "retrieval"} {
		if !strings.Contains(e.Error(), word) {
			t.Errorf("error %q does not mention %q", e, word)
		}
	}
	_, err = p.Next([]byte{0x04})
	wantErr[*ProtocolError](t, err, testPassword)
}

func TestCachingSHA2BadServerData(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":        {},
		"nil":          nil,
		"unknown 0x05": {0x05},
		"unknown 0x00": {0x00},
		"too long":     {0x03, 0x00},
		"pem":          []byte("-----BEGIN PUBLIC KEY-----"),
	} {
		t.Run(name, func(t *testing.T) {
			p := mustNew(t, CachingSHA2Password, Options{Password: testPassword, Secure: true})
			mustStart(t, p, testScramble)
			out, err := p.Next(data)
			if out != nil {
				t.Errorf("reply %x, want none", out)
			}
			wantErr[*ProtocolError](t, err, testPassword)
		})
	}

	p := mustNew(t, CachingSHA2Password, Options{Password: testPassword, Secure: true})
	_, err := p.Next([]byte{0x03})
	wantErr[*ProtocolError](t, err, testPassword)
}

func TestCachingSHA2BadServerKey(t *testing.T) {
	ed, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string][]byte{
		"garbage":   []byte("not a key"),
		"empty":     {},
		"non-RSA":   pkixPEM(t, ed),
		"truncated": pkixPEM(t, &testKey(t).PublicKey)[:100],
	} {
		t.Run(name, func(t *testing.T) {
			p := mustNew(t, CachingSHA2Password, Options{Password: testPassword, AllowPublicKeyRetrieval: true})
			mustStart(t, p, testScramble)
			mustNext(t, p, []byte{0x04})
			_, err := p.Next(key)
			e := wantErr[*PublicKeyError](t, err, testPassword)
			if e.Plugin != CachingSHA2Password || e.Unwrap() == nil {
				t.Errorf("PublicKeyError = %+v", e)
			}
			_, err = p.Next(key)
			wantErr[*ProtocolError](t, err, testPassword)
		})
	}
}

func TestCachingSHA2PasswordTooLongForKey(t *testing.T) {
	// A 1024-bit key holds at most 128-42 = 86 bytes of OAEP(SHA-1)
	// plaintext; the password plus NUL is 87 here.
	priv := smallTestKey(t)
	long := testPassword + strings.Repeat("x", 86-len(testPassword))
	p := mustNew(t, CachingSHA2Password, Options{Password: long, ServerPubKey: &priv.PublicKey})
	mustStart(t, p, testScramble)
	_, err := p.Next([]byte{0x04})
	e := wantErr[*PublicKeyError](t, err, long)
	if !errors.Is(e, rsa.ErrMessageTooLong) {
		t.Errorf("error %v does not wrap rsa.ErrMessageTooLong", e)
	}
	checkNoPassword(t, err, testPassword)

	// One byte shorter fits.
	fits := long[:len(long)-1]
	p = mustNew(t, CachingSHA2Password, Options{Password: fits, ServerPubKey: &priv.PublicKey})
	mustStart(t, p, testScramble)
	ct := mustNext(t, p, []byte{0x04})
	wantPasswordNUL(t, decryptPassword(t, priv, testScramble, ct), fits)
}

func TestCachingSHA2EmptyScrambleWithKey(t *testing.T) {
	priv := testKey(t)
	p := mustNew(t, CachingSHA2Password, Options{Password: testPassword, ServerPubKey: &priv.PublicKey})
	mustStart(t, p, nil)
	_, err := p.Next([]byte{0x04})
	wantErr[*PublicKeyError](t, err, testPassword)
}

func TestSHA256Password(t *testing.T) {
	priv := testKey(t)

	t.Run("empty password", func(t *testing.T) {
		p := mustNew(t, SHA256Password, Options{})
		if got := mustStart(t, p, testScramble); !bytes.Equal(got, []byte{0}) {
			t.Errorf("Start = %x, want 00", got)
		}
		_, err := p.Next([]byte{0x01})
		wantErr[*ProtocolError](t, err, testPassword)
	})

	t.Run("secure", func(t *testing.T) {
		p := mustNew(t, SHA256Password, Options{Password: testPassword, Secure: true, ServerPubKey: &priv.PublicKey})
		wantPasswordNUL(t, mustStart(t, p, testScramble), testPassword)
		_, err := p.Next(pkixPEM(t, &priv.PublicKey))
		wantErr[*ProtocolError](t, err, testPassword)
	})

	t.Run("configured key", func(t *testing.T) {
		p := mustNew(t, SHA256Password, Options{Password: testPassword, ServerPubKey: &priv.PublicKey, AllowPublicKeyRetrieval: true})
		ct := mustStart(t, p, testScramble)
		wantPasswordNUL(t, decryptPassword(t, priv, testScramble, ct), testPassword)
		_, err := p.Next(pkixPEM(t, &priv.PublicKey))
		wantErr[*ProtocolError](t, err, testPassword)
	})

	t.Run("untrimmed scramble", func(t *testing.T) {
		p := mustNew(t, SHA256Password, Options{Password: testPassword, ServerPubKey: &priv.PublicKey})
		ct := mustStart(t, p, append(append([]byte{}, testScramble...), 0))
		wantPasswordNUL(t, decryptPassword(t, priv, testScramble, ct), testPassword)
	})

	t.Run("retrieve key", func(t *testing.T) {
		p := mustNew(t, SHA256Password, Options{Password: testPassword, AllowPublicKeyRetrieval: true})
		if got := mustStart(t, p, testScramble); !bytes.Equal(got, []byte{0x01}) {
			t.Fatalf("Start = %x, want the key request 01", got)
		}
		ct := mustNext(t, p, pkixPEM(t, &priv.PublicKey))
		wantPasswordNUL(t, decryptPassword(t, priv, testScramble, ct), testPassword)
		_, err := p.Next(pkixPEM(t, &priv.PublicKey))
		wantErr[*ProtocolError](t, err, testPassword)
	})

	t.Run("bad server key", func(t *testing.T) {
		p := mustNew(t, SHA256Password, Options{Password: testPassword, AllowPublicKeyRetrieval: true})
		mustStart(t, p, testScramble)
		_, err := p.Next([]byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
		e := wantErr[*PublicKeyError](t, err, testPassword)
		if e.Plugin != SHA256Password {
			t.Errorf("Plugin = %q", e.Plugin)
		}
	})

	t.Run("refused", func(t *testing.T) {
		p := mustNew(t, SHA256Password, Options{Password: testPassword})
		out, err := p.Start(testScramble)
		if out != nil {
			t.Errorf("refused Start returned %x", out)
		}
		e := wantErr[*SecureTransportRequiredError](t, err, testPassword)
		if e.Plugin != SHA256Password {
			t.Errorf("Plugin = %q", e.Plugin)
		}
		_, err = p.Next([]byte{0x04})
		wantErr[*ProtocolError](t, err, testPassword)
	})

	t.Run("too long for key", func(t *testing.T) {
		small := smallTestKey(t)
		long := strings.Repeat(testPassword, 5)
		p := mustNew(t, SHA256Password, Options{Password: long, ServerPubKey: &small.PublicKey})
		_, err := p.Start(testScramble)
		e := wantErr[*PublicKeyError](t, err, long)
		if !errors.Is(e, rsa.ErrMessageTooLong) {
			t.Errorf("error %v does not wrap rsa.ErrMessageTooLong", e)
		}
	})

	t.Run("next before start", func(t *testing.T) {
		p := mustNew(t, SHA256Password, Options{Password: testPassword, AllowPublicKeyRetrieval: true})
		_, err := p.Next(pkixPEM(t, &priv.PublicKey))
		wantErr[*ProtocolError](t, err, testPassword)
	})
}

func TestEncryptPassword(t *testing.T) {
	priv := testKey(t)
	for _, tc := range []struct {
		name     string
		scramble []byte
		password string
	}{
		{"short password", testScramble, "pw"},
		{"password longer than scramble", testScramble, strings.Repeat("0123456789", 7)},
		{"one-byte scramble", []byte{0x5a}, testPassword},
		{"empty password", testScramble, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct, err := EncryptPassword(tc.scramble, tc.password, &priv.PublicKey)
			if err != nil {
				t.Fatal(err)
			}
			wantPasswordNUL(t, decryptPassword(t, priv, tc.scramble, ct), tc.password)
			// OAEP is randomized: the same input never encrypts twice
			// to the same ciphertext.
			ct2, err := EncryptPassword(tc.scramble, tc.password, &priv.PublicKey)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(ct, ct2) {
				t.Error("two encryptions gave the same ciphertext")
			}
		})
	}

	_, err := EncryptPassword(testScramble, testPassword, nil)
	if err == nil {
		t.Error("nil key: no error")
	}
	checkNoPassword(t, err, testPassword)
	_, err = EncryptPassword(nil, testPassword, &priv.PublicKey)
	if err == nil {
		t.Error("empty scramble: no error")
	}
	checkNoPassword(t, err, testPassword)
}

func TestParsePublicKey(t *testing.T) {
	priv := testKey(t)
	for name, data := range map[string][]byte{
		"pkix":              pkixPEM(t, &priv.PublicKey),
		"pkcs1":             pkcs1PEM(&priv.PublicKey),
		"surrounding text":  append(append([]byte("key:\n"), pkixPEM(t, &priv.PublicKey)...), 0),
		"no final newline":  bytes.TrimSuffix(pkixPEM(t, &priv.PublicKey), []byte("\n")),
		"pkcs1 with header": append([]byte("\n\n"), pkcs1PEM(&priv.PublicKey)...),
	} {
		key, err := ParsePublicKey(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !key.Equal(&priv.PublicKey) {
			t.Errorf("%s: parsed a different key", name)
		}
	}

	ed, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	pkixDER := pkixPEM(t, &priv.PublicKey)
	for name, data := range map[string][]byte{
		"nil":             nil,
		"garbage":         []byte("hello"),
		"non-RSA":         pkixPEM(t, ed),
		"private key":     []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
		"bad pkix body":   []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
		"bad pkcs1 body":  []byte("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n"),
		"pkcs1 as pkix":   bytes.ReplaceAll(pkcs1PEM(&priv.PublicKey), []byte("RSA PUBLIC KEY"), []byte("PUBLIC KEY")),
		"pkix as pkcs1":   bytes.ReplaceAll(pkixDER, []byte("PUBLIC KEY"), []byte("RSA PUBLIC KEY")),
		"missing END":     pkixDER[:len(pkixDER)-26],
		"certificate tag": bytes.ReplaceAll(pkixDER, []byte("PUBLIC KEY"), []byte("CERTIFICATE")),
	} {
		if key, err := ParsePublicKey(data); err == nil {
			t.Errorf("%s: parsed %v, want an error", name, key)
		}
	}
}

// mariadbPublicKeys are ed25519_password() results from the MariaDB test
// suite (mysql-test/suite/plugins/r/auth_ed25519.result): the account's
// stored public key, base64 without padding. The last one is the account
// the suite logs in to with the password "secret".
var mariadbPublicKeys = map[string]string{
	"foo":     "vubFBzIrapbfHct1/J72dnUryz5VS7lA6XHH8sIx4TI",
	"foobar":  "qv2mG6HWCuy32Slb5xhV4THStewNz2VINVPbgk+XAJ8",
	"foo bar": "Y5fV74JAVRMOK2cdnUsYS+WW9sXaaL/o+6WGKOgqnzc",
	"bar":     "pfzkeWMzkTefY1oshXS+/kATeN51M+4jxi3/cbyTd10",
	"secret":  "ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY",
}

// TestErrorsNeverContainPassword drives every plugin through every option
// combination with good and bad server data and checks that no error text
// contains the password, whatever the password looks like.
func TestErrorsNeverContainPassword(t *testing.T) {
	priv := smallTestKey(t)
	pemKey := pkixPEM(t, &priv.PublicKey)
	serverData := [][]byte{
		nil, {}, {0x00}, {0x01}, {0x02}, {0x03}, {0x04}, {0x05}, {0xfe}, {0xff},
		{0x04, 0x04}, pemKey, []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
		[]byte("garbage"),
	}
	scrambles := [][]byte{nil, testScramble, []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"), make([]byte, 31)}
	passwords := []string{
		testPassword,
		"p@ss\x00word\n\"quoted\"",
		// Long enough to overflow an OAEP block of the 1024-bit key.
		strings.Repeat("VeryLongPassword-", 10),
		"пароль-密码",
	}
	names := []string{NativePassword, CachingSHA2Password, SHA256Password, Ed25519, ClearPassword}

	var errCount int
	for _, pw := range passwords {
		for _, name := range names {
			for flags := range 16 {
				opts := Options{
					Password:                pw,
					Secure:                  flags&1 != 0,
					AllowPublicKeyRetrieval: flags&2 != 0,
					AllowCleartextPasswords: flags&4 != 0,
				}
				if flags&8 != 0 {
					opts.ServerPubKey = &priv.PublicKey
				}
				for _, scramble := range scrambles {
					for _, d1 := range serverData {
						for _, d2 := range [][]byte{{0x04}, pemKey, {0x03}} {
							p := mustNew(t, name, opts)
							errs := make([]error, 0, 3)
							_, err := p.Start(scramble)
							errs = append(errs, err)
							_, err = p.Next(d1)
							errs = append(errs, err)
							_, err = p.Next(d2)
							errs = append(errs, err)
							for _, err := range errs {
								if err == nil {
									continue
								}
								errCount++
								if strings.Contains(err.Error(), pw) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), pw) {
									t.Fatalf("%s: error reveals the password: %v", name, err)
								}
							}
						}
					}
				}
			}
		}
	}
	if errCount == 0 {
		t.Fatal("no errors were produced; the sweep checked nothing")
	}
	t.Logf("checked %d errors", errCount)
}
