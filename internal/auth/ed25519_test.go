package auth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
)

func TestEd25519PublicKeyKnownAnswer(t *testing.T) {
	for pw, want := range mariadbPublicKeys {
		if got := base64.RawStdEncoding.EncodeToString(Ed25519PublicKey(pw)); got != want {
			t.Errorf("Ed25519PublicKey(%q) = %s, want %s", pw, got, want)
		}
	}
}

func TestSignEd25519KnownAnswer(t *testing.T) {
	// From MariaDB's plugin/auth_ed25519/ed25519-t.c: the password
	// "foobar" signs a nonce of 32 'A' bytes to this signature.
	nonce := bytes.Repeat([]byte{'A'}, 32)
	want := []byte{232, 61, 201, 63, 67, 63, 51, 53, 86, 73,
		238, 35, 170, 117, 146, 214, 26, 17, 35, 9, 8, 132, 245, 141, 48, 99, 66,
		58, 36, 228, 48, 84, 115, 254, 187, 168, 88, 162, 249, 57, 35, 85, 79, 238,
		167, 106, 68, 117, 56, 135, 171, 47, 20, 14, 133, 79, 15, 229, 124, 160,
		176, 100, 138, 14}
	if got := SignEd25519(nonce, "foobar"); !bytes.Equal(got, want) {
		t.Errorf("SignEd25519 = %x, want %x", got, want)
	}
	wantPub := []byte{170, 253, 166, 27, 161, 214, 10, 236, 183, 217, 41, 91,
		231, 24, 85, 225, 49, 210, 181, 236, 13, 207, 101, 72, 53, 83, 219, 130,
		79, 151, 0, 159}
	if got := Ed25519PublicKey("foobar"); !bytes.Equal(got, wantPub) {
		t.Errorf("Ed25519PublicKey = %x, want %x", got, wantPub)
	}
}

func TestSignEd25519Verifies(t *testing.T) {
	passwords := []string{"", "a", "secret", "pässwörd", testPassword,
		strings.Repeat("x", 31), strings.Repeat("y", 32), strings.Repeat("z", 33),
		strings.Repeat("long password ", 50)}
	for _, pw := range passwords {
		pub := ed25519.PublicKey(Ed25519PublicKey(pw))
		for range 4 {
			msg := make([]byte, 32)
			if _, err := rand.Read(msg); err != nil {
				t.Fatal(err)
			}
			sig := SignEd25519(msg, pw)
			if len(sig) != ed25519.SignatureSize {
				t.Fatalf("signature is %d bytes", len(sig))
			}
			if !ed25519.Verify(pub, msg, sig) {
				t.Fatalf("password %q: signature does not verify", pw)
			}
			// Deterministic, like all Ed25519 signatures.
			if again := SignEd25519(msg, pw); !bytes.Equal(again, sig) {
				t.Fatalf("password %q: signing twice gave different signatures", pw)
			}
			// The signature binds the message.
			msg[0] ^= 1
			if ed25519.Verify(pub, msg, sig) {
				t.Fatalf("password %q: signature verifies for another message", pw)
			}
		}
	}
	// Other message lengths are signed too.
	for _, n := range []int{0, 1, 20, 64} {
		msg := bytes.Repeat([]byte{7}, n)
		if !ed25519.Verify(Ed25519PublicKey(testPassword), msg, SignEd25519(msg, testPassword)) {
			t.Errorf("%d-byte message: signature does not verify", n)
		}
	}
	// A different password gives a key that does not verify.
	msg := []byte("0123456789abcdef0123456789abcdef")
	if ed25519.Verify(Ed25519PublicKey("foo"), msg, SignEd25519(msg, "bar")) {
		t.Error("signature by one password verifies under another's key")
	}
}

func TestEd25519Plugin(t *testing.T) {
	nonce := []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")
	pub := Ed25519PublicKey(testPassword)

	p := mustNew(t, Ed25519, Options{Password: testPassword})
	_, err := p.Next(nonce)
	wantErr[*ProtocolError](t, err, testPassword)

	sig := mustStart(t, p, nonce)
	if !ed25519.Verify(pub, nonce, sig) {
		t.Fatal("Start signature does not verify")
	}
	_, err = p.Next([]byte{0x00})
	wantErr[*ProtocolError](t, err, testPassword)

	// A nonce ending in a zero byte arrives with the zero trimmed.
	zeroEnd := append(append([]byte{}, nonce[:31]...), 0)
	p = mustNew(t, Ed25519, Options{Password: testPassword})
	sig = mustStart(t, p, zeroEnd[:31])
	if !ed25519.Verify(pub, zeroEnd, sig) {
		t.Fatal("signature of a trimmed nonce does not verify against the full nonce")
	}

	for _, n := range []int{0, 20, 30, 33, 64} {
		p := mustNew(t, Ed25519, Options{Password: testPassword})
		out, err := p.Start(bytes.Repeat([]byte{1}, n))
		if out != nil {
			t.Errorf("%d-byte nonce: Start returned %x", n, out)
		}
		wantErr[*ProtocolError](t, err, testPassword)
	}
}
