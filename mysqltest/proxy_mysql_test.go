package mysqltest

import (
	"bytes"
	"fmt"
	"github.com/myxdb/myx/mysqltest/proto"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// requireTCP is Require for tests that put a proxy in front of the shared
// server: they skip when its DSN names a unix socket.
func requireTCP(t *testing.T) (dsn, target string) {
	t.Helper()
	dsn = Require(t)
	network, target, err := Addr(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if network != "tcp" {
		t.Skipf("needs a TCP DSN to proxy, have %s", network)
	}
	return dsn, target
}

// sharedClient connects to the shared test server (failing or skipping as
// Require does) through dsn, which may point at a proxy.
func sharedClient(t *testing.T, dsn string) *rawClient {
	t.Helper()
	c, err := rawDialDSN(dsn, rawOptions{user: "root", db: "test"})
	if err != nil {
		t.Fatalf("connecting to %s: %v", dsn, err)
	}
	t.Cleanup(c.close)
	return c
}

// scratchTable creates a uniquely named InnoDB table on the shared server and
// drops it when the test ends.
func scratchTable(t *testing.T, admin *rawClient) string {
	t.Helper()
	name := fmt.Sprintf("mysqltest_proxy_%d", time.Now().UnixNano())
	if err := admin.exec("CREATE TABLE " + name + " (id INT PRIMARY KEY) ENGINE=InnoDB"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := rawDialDSN(DSN(), rawOptions{user: "root", db: "test"}); err == nil {
			c.exec("DROP TABLE IF EXISTS " + name)
			c.quit()
		}
	})
	return name
}

// waitGone waits until the server no longer lists connection id.
func waitGone(t *testing.T, admin *rawClient, id uint32) {
	t.Helper()
	waitFor(t, fmt.Sprintf("connection %d to end on the server", id), func() bool {
		r, err := admin.query("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + strconv.FormatUint(uint64(id), 10))
		return err == nil && r.value(0, 0) == "0"
	})
}

func countRows(t *testing.T, admin *rawClient, table string) string {
	t.Helper()
	r, err := admin.query("SELECT COUNT(*) FROM " + table)
	if err != nil {
		t.Fatal(err)
	}
	return r.value(0, 0)
}

func TestProxyMySQLResetMidQuery(t *testing.T) {
	dsn, target := requireTCP(t)
	p := newTestProxy(t, target)
	pdsn, err := p.DSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	c := sharedClient(t, pdsn)
	if r, err := c.query("SELECT 1 + 1"); err != nil || r.value(0, 0) != "2" {
		t.Fatalf("query through the proxy: %v, %v", r, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.query("SELECT SLEEP(10)")
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	if n := p.ResetAll(); n != 1 {
		t.Errorf("ResetAll() = %d, want 1", n)
	}
	select {
	case err := <-done:
		if !isReset(err) {
			t.Errorf("query reset mid-flight returned %v, want ECONNRESET", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("query did not return after the reset")
	}
}

func TestProxyMySQLResetMidTransaction(t *testing.T) {
	dsn, target := requireTCP(t)
	admin := sharedClient(t, dsn)
	table := scratchTable(t, admin)
	p := newTestProxy(t, target)
	pdsn, _ := p.DSN(dsn)

	c := sharedClient(t, pdsn)
	for _, q := range []string{"BEGIN", "INSERT INTO " + table + " VALUES (1)"} {
		if err := c.exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if c.okStatus&proto.StatusInTrans == 0 {
		t.Errorf("status %#x after INSERT lacks IN_TRANS", c.okStatus)
	}
	p.ResetAll()
	if err := c.exec("COMMIT"); err == nil {
		t.Fatal("COMMIT on a reset connection succeeded")
	}
	waitGone(t, admin, c.info.ConnectionID)
	if n := countRows(t, admin, table); n != "0" {
		t.Errorf("%s rows after a reset mid-transaction, want 0 (rolled back)", n)
	}
}

// TestProxyMySQLResetOnCommit uses a hook to reset exactly when the client
// sends COMMIT, before or after the server gets it.
func TestProxyMySQLResetOnCommit(t *testing.T) {
	dsn, target := requireTCP(t)
	admin := sharedClient(t, dsn)
	isCommit := func(chunk []byte) bool {
		// One packet: 4-byte header, COM_QUERY, "COMMIT".
		return len(chunk) > 5 && chunk[4] == proto.ComQuery && bytes.EqualFold(chunk[5:], []byte("COMMIT"))
	}
	for _, tc := range []struct {
		name   string
		action Action
	}{
		{"before", Reset},
		{"after", ForwardThenReset},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := scratchTable(t, admin)
			p := newTestProxy(t, target)
			var resets atomic.Int32
			p.OnClientData(func(conn int, chunk []byte) Action {
				if isCommit(chunk) {
					resets.Add(1)
					return tc.action
				}
				return Forward
			})
			pdsn, _ := p.DSN(dsn)
			c := sharedClient(t, pdsn)
			for _, q := range []string{"BEGIN", "INSERT INTO " + table + " VALUES (1)"} {
				if err := c.exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if err := c.exec("COMMIT"); !isReset(err) {
				t.Errorf("COMMIT returned %v, want a reset", err)
			}
			if resets.Load() != 1 {
				t.Errorf("hook fired %d times, want 1", resets.Load())
			}
			waitGone(t, admin, c.info.ConnectionID)
			n := countRows(t, admin, table)
			switch tc.action {
			case Reset:
				if n != "0" {
					t.Errorf("%s rows when COMMIT never reached the server, want 0", n)
				}
			case ForwardThenReset:
				// The server got COMMIT; whether it ran it before noticing
				// the reset is exactly the ambiguity clients must handle.
				t.Logf("COMMIT forwarded then reset: %s row(s) committed", n)
			}
		})
	}
}

// TestProxyMySQLDropMidResult cuts a result set partway through.
func TestProxyMySQLDropMidResult(t *testing.T) {
	dsn, target := requireTCP(t)
	p := newTestProxy(t, target)
	pdsn, _ := p.DSN(dsn)
	// Learn how many bytes the handshake and login take, then allow a few
	// hundred more: the result below is tens of kilobytes.
	probe := sharedClient(t, pdsn)
	probe.quit()
	waitFor(t, "probe to finish", func() bool { return p.ActiveConns() == 0 })
	login := p.Stats().BytesServerToClient
	p.DropAfter(login + 300)
	c := sharedClient(t, pdsn)
	_, err := c.query("SELECT REPEAT('x', 100) FROM information_schema.COLLATIONS")
	if !isReset(err) {
		t.Errorf("query cut mid-result returned %v, want a reset", err)
	}
}
