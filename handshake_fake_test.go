package myx_test

// Tests of the server's greeting as the fake server sends it: MariaDB's, and truncated or
// refused ones (malformed greetings: greeting_test.go).

import (
	"context"
	"errors"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

func TestFakeMariaDBHandshake(t *testing.T) {
	t.Parallel()
	fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{MariaDB: true}, mysqltest.Auth{Verify: true, Password: "pw"}, nil, nil))
	c, err := myx.ConnectConfig(ctxT(t), fakeConfig(t, fs, "u", "pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if info := c.ServerInfo(); info.Flavor != myx.MariaDB || info.Major != 10 || info.Minor != 11 {
		t.Errorf("server info %+v from %q", info, info.Version)
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
