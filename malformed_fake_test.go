package myx_test

// Tests of hardening against a broken server: malformed, truncated, oversized and
// out-of-order replies are errors that close the connection, never a panic or a hang (memory
// bounds: readlimit_test.go).

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/wire"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/mysqltest/proto"
)

// TestFakeMalformedPackets checks that broken server output is an error, never a panic or a
// hang, and that the connection is closed afterwards.
func TestFakeMalformedPackets(t *testing.T) {
	t.Parallel()
	cols := []mysqltest.ColumnDef{{Name: "a", Type: proto.TypeVarString, Length: 20}}
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
