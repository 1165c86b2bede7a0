package myx_test

// Tests of LOAD DATA LOCAL INFILE against a hostile server: a file the statement was not
// given is never sent.

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

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
