package auth

import (
	"bytes"
	"testing"
)

// fuzzPassword is the password used by the fuzz targets; no error may
// contain it.
const fuzzPassword = "fuzz-Pa55word!"

// Option bits selected by the fuzzer.
const (
	fuzzSecure = 1 << iota
	fuzzServerKey
	fuzzRetrieveKey
	fuzzCleartext
	fuzzEmptyPassword
)

// fuzzOptions builds Options from the fuzzer's flag bits.
func fuzzOptions(tb testing.TB, flags uint8) Options {
	opts := Options{
		Password:                fuzzPassword,
		Secure:                  flags&fuzzSecure != 0,
		AllowPublicKeyRetrieval: flags&fuzzRetrieveKey != 0,
		AllowCleartextPasswords: flags&fuzzCleartext != 0,
	}
	if flags&fuzzServerKey != 0 {
		opts.ServerPubKey = &smallTestKey(tb).PublicKey
	}
	if flags&fuzzEmptyPassword != 0 {
		opts.Password = ""
	}
	return opts
}

// addFuzzSeeds adds seeds covering every branch of the exchanges: fast
// auth success, full auth with each way of sending the password, a server
// key, and garbage.
func addFuzzSeeds(f *testing.F) {
	pemKey := pkixPEM(f, &smallTestKey(f).PublicKey)
	nonce32 := []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")
	for _, scramble := range [][]byte{testScramble, nonce32, nonce32[:31], nil, {0}} {
		for _, flags := range []uint8{0, fuzzSecure, fuzzServerKey, fuzzRetrieveKey,
			fuzzSecure | fuzzCleartext, fuzzEmptyPassword, fuzzRetrieveKey | fuzzEmptyPassword, 0xff} {
			f.Add(scramble, []byte{0x03}, []byte{}, flags)
			f.Add(scramble, []byte{0x04}, pemKey, flags)
			f.Add(scramble, pemKey, []byte{0x04}, flags)
		}
	}
	f.Add(testScramble, []byte{}, []byte{0x01}, uint8(fuzzRetrieveKey))
	f.Add(testScramble, []byte{0x04}, pkcs1PEM(&smallTestKey(f).PublicKey), uint8(fuzzRetrieveKey))
	f.Add(testScramble, []byte{0x04}, []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), uint8(fuzzRetrieveKey))
	f.Add(testScramble, []byte{0x05, 0x06}, []byte{0xff}, uint8(0))
}

// fuzzExchange runs one plugin through Start and two Next calls with
// server data from the fuzzer. It must never panic, and no error may
// contain the password.
func fuzzExchange(t *testing.T, name string, scramble, first, second []byte, flags uint8) {
	opts := fuzzOptions(t, flags)
	p, err := New(name, opts)
	if err != nil {
		t.Fatalf("New(%q): %v", name, err)
	}
	// Next before Start is a caller bug; it must fail cleanly.
	if _, err := p.Next(first); err == nil {
		t.Fatalf("%s: Next before Start succeeded", name)
	} else {
		checkNoPassword(t, err, fuzzPassword)
	}

	p, err = New(name, opts)
	if err != nil {
		t.Fatalf("New(%q): %v", name, err)
	}
	orig := append([]byte(nil), scramble...)
	out, err := p.Start(scramble)
	checkNoPassword(t, err, fuzzPassword)
	if err != nil && out != nil {
		t.Fatalf("%s: Start returned data with an error", name)
	}
	if !bytes.Equal(scramble, orig) {
		t.Fatalf("%s: Start modified the scramble", name)
	}
	for _, data := range [][]byte{first, second, first} {
		origData := append([]byte(nil), data...)
		reply, err := p.Next(data)
		checkNoPassword(t, err, fuzzPassword)
		if err != nil && reply != nil {
			t.Fatalf("%s: Next returned data with an error", name)
		}
		if !bytes.Equal(data, origData) {
			t.Fatalf("%s: Next modified its input", name)
		}
	}
}

// FuzzNextNativePassword feeds arbitrary server data to mysql_native_password.
func FuzzNextNativePassword(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, scramble, first, second []byte, flags uint8) {
		fuzzExchange(t, NativePassword, scramble, first, second, flags)
	})
}

// FuzzNextCachingSHA2Password feeds arbitrary server data to
// caching_sha2_password in every option combination.
func FuzzNextCachingSHA2Password(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, scramble, first, second []byte, flags uint8) {
		fuzzExchange(t, CachingSHA2Password, scramble, first, second, flags)
	})
}

// FuzzNextSHA256Password feeds arbitrary server data to sha256_password in
// every option combination.
func FuzzNextSHA256Password(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, scramble, first, second []byte, flags uint8) {
		fuzzExchange(t, SHA256Password, scramble, first, second, flags)
	})
}

// FuzzNextEd25519 feeds arbitrary nonces and server data to client_ed25519.
func FuzzNextEd25519(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, scramble, first, second []byte, flags uint8) {
		fuzzExchange(t, Ed25519, scramble, first, second, flags)
	})
}

// FuzzNextClearPassword feeds arbitrary server data to mysql_clear_password.
func FuzzNextClearPassword(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, scramble, first, second []byte, flags uint8) {
		fuzzExchange(t, ClearPassword, scramble, first, second, flags)
	})
}

// FuzzParsePublicKey feeds arbitrary bytes to ParsePublicKey and uses any key
// that parses.
func FuzzParsePublicKey(f *testing.F) {
	f.Add(pkixPEM(f, &smallTestKey(f).PublicKey))
	f.Add(pkcs1PEM(&smallTestKey(f).PublicKey))
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		key, err := ParsePublicKey(data)
		if (key == nil) == (err == nil) {
			t.Fatalf("ParsePublicKey returned key %v and error %v", key, err)
		}
		if key != nil {
			// Whatever key parses must be usable without panicking.
			if _, err := EncryptPassword(testScramble, fuzzPassword, key); err != nil {
				checkNoPassword(t, err, fuzzPassword)
			}
		}
	})
}
