package myx_test

import (
	"errors"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/mysqltest/proto"
)

// rawGreeting frames a HandshakeV10 payload with the given scramble parts, capabilities and
// plugin name (no NUL when plugin is empty).
func rawGreeting(part1, part2 []byte, caps uint32, plugin string) []byte {
	p := []byte{10}
	p = append(p, "8.0.36"...)
	p = append(p, 0, 1, 0, 0, 0)
	p = append(p, part1...)
	p = append(p, 0, byte(caps), byte(caps>>8), 255, 2, 0, byte(caps>>16), byte(caps>>24), byte(len(part1)+len(part2)))
	p = append(p, make([]byte, 10)...)
	p = append(p, part2...)
	if plugin != "" {
		p = append(p, plugin...)
		p = append(p, 0)
	}
	return append([]byte{byte(len(p)), byte(len(p) >> 8), 0, 0}, p...)
}

func TestFakeMalformedGreeting(t *testing.T) {
	t.Parallel()
	caps := uint32(mysqltest.DefaultCapabilities)
	noSecure := caps &^ uint32(proto.ClientSecureConnection|proto.ClientPluginAuth)
	for name, raw := range map[string][]byte{
		"8-byte scramble":  rawGreeting([]byte("abcdefgh"), nil, noSecure, ""),
		"part 2 cut short": rawGreeting([]byte("abcdefgh"), []byte("ijkl"), caps, ""),
		"no plugin name":   rawGreeting([]byte("abcdefgh"), []byte("ijklmnopqrst\x00"), caps, ""),
		"odd plugin name":  rawGreeting([]byte("abcdefgh"), []byte("ijklmnopqrst\x00"), caps, "../../evil"),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fs := mysqltest.NewFakeServer(t, func(c *mysqltest.FakeConn) {
				c.WriteRaw(raw)
				c.ReadPacket() // whatever the client says (nothing, if it refuses)
			})
			c, err := myx.ConnectConfig(ctxT(t), fakeConfig(t, fs, "u", ""))
			if err == nil {
				c.Close(ctxT(t))
				t.Fatal("connected after a malformed greeting")
			}
			var ce *myx.ConnError
			if !errors.Is(err, myx.ErrMalformed) || !errors.As(err, &ce) {
				t.Errorf("want a ConnError wrapping ErrMalformed, got %T %v", err, err)
			}
		})
	}
	// The well-formed version of the same greeting is accepted.
	fs := mysqltest.NewFakeServer(t, func(c *mysqltest.FakeConn) {
		c.WriteRaw(rawGreeting([]byte("abcdefgh"), []byte("ijklmnopqrst\x00"), caps, "mysql_native_password"))
		c.SetSeq(1)
		c.ReadHandshakeResponse()
		c.WriteOK(mysqltest.OKOptions{})
		c.ServeQueries(mysqltest.Queries(nil))
	})
	c, err := myx.ConnectConfig(ctxT(t), fakeConfig(t, fs, "u", ""))
	if err != nil {
		t.Fatalf("well-formed greeting: %v", err)
	}
	c.Close(ctxT(t))
}
