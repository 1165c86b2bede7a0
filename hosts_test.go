package myx_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/mysqltest"
)

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t testing.TB) string { t.Helper(); return testsupport.ClosedAddr(t) }

// multiHostConfig is cfg with the given hosts.
func multiHostConfig(cfg *myx.Config, mode myx.ClusterMode, addrs ...string) *myx.Config {
	cfg = cfg.Copy()
	cfg.Network, cfg.Addr, cfg.Addrs, cfg.ClusterMode = "tcp", addrs[0], addrs, mode
	cfg.TLSMode = myx.TLSDisabled
	return cfg
}

func connectCfg(t testing.TB, cfg *myx.Config) (*myx.Conn, error) {
	t.Helper()
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err == nil {
		t.Cleanup(func() { c.Close(context.Background()) })
	}
	return c, err
}

// The tests that need servers of their own share two throwaway servers: primary, writable
// with a binary log (so that commits get GTIDs), and readOnly, started --read-only.
func TestMultiHostServers(t *testing.T) {
	var primary, readOnly, replica *mysqltest.Server
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		primary = mysqltest.StartServerT(t, mysqltest.ServerOptions{Flags: []string{"--log-bin", "--server-id=1"}})
	}()
	go func() {
		defer wg.Done()
		readOnly = mysqltest.StartServerT(t, mysqltest.ServerOptions{Flags: []string{"--read-only"}})
	}()
	go func() {
		defer wg.Done()
		// Writable, but replicating from primary (set up in the Replica subtest).
		replica = mysqltest.StartServerT(t, mysqltest.ServerOptions{Flags: []string{"--server-id=2"}})
	}()
	wg.Wait()
	if t.Failed() || primary == nil || readOnly == nil || replica == nil {
		t.FailNow()
	}
	base, err := myx.ParseConfig(primary.DSN())
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Failover", func(t *testing.T) {
		dead := closedAddr(t)
		cfg := multiHostConfig(base, myx.ClusterFailover, dead, primary.Addr(), readOnly.Addr())
		for i := 0; i < 3; i++ {
			c, err := connectCfg(t, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if c.Addr() != primary.Addr() {
				t.Fatalf("connected to %s, want the second host %s", c.Addr(), primary.Addr())
			}
			var port int
			if err := c.QueryRow(ctxT(t), "SELECT @@port").Scan(&port); err != nil || fmt.Sprint(port) != strings.Split(primary.Addr(), ":")[1] {
				t.Fatalf("@@port %d, %v", port, err)
			}
		}
		if cfg.DeniedUntil(dead).IsZero() {
			t.Error("the dead host is not denied")
		}
		if !cfg.DeniedUntil(primary.Addr()).IsZero() {
			t.Error("the live host is denied")
		}
	})

	t.Run("LoadBalance", func(t *testing.T) {
		cfg := multiHostConfig(base, myx.ClusterLoadBalance, primary.Addr(), readOnly.Addr())
		seen := map[string]int{}
		// Each connect starts at a host chosen at random: both are used long before 64
		// connects (the chance that one is never chosen is 2^-63).
		for i := 0; i < 64 && len(seen) < 2; i++ {
			c, err := myx.ConnectConfig(ctxT(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			seen[c.Addr()]++
			c.Close(ctxT(t))
		}
		if seen[primary.Addr()] == 0 || seen[readOnly.Addr()] == 0 {
			t.Errorf("hosts used: %v", seen)
		}
	})

	// A cancellation's KILL QUERY goes to the host the connection is on, whichever of the
	// hosts that is.
	t.Run("CancelKillsOnTheRightHost", func(t *testing.T) {
		cfg := multiHostConfig(base, myx.ClusterLoadBalance, primary.Addr(), readOnly.Addr())
		done := map[string]bool{}
		for i := 0; i < 64 && len(done) < 2; i++ {
			c, err := connectCfg(t, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if done[c.Addr()] {
				c.Close(ctxT(t))
				continue
			}
			done[c.Addr()] = true
			ctx, cancel := context.WithTimeout(ctxT(t), 100*time.Millisecond)
			var n int
			err = c.QueryRow(ctx, "SELECT SLEEP(30)").Scan(&n)
			cancel()
			var ie *myx.InterruptedError
			if !errors.As(err, &ie) || ie.ConnClosed || c.IsClosed() {
				t.Errorf("%s: %v (closed %v): the KILL did not reach the connection's server", c.Addr(), err, c.IsClosed())
			}
			if err := c.Ping(ctxT(t)); err != nil {
				t.Errorf("%s: after the cancellation: %v", c.Addr(), err)
			}
		}
		if len(done) < 2 {
			t.Errorf("hosts used: %v", done)
		}
	})

	t.Run("Replication", func(t *testing.T) {
		cfg := multiHostConfig(base, myx.ClusterReplication, readOnly.Addr(), primary.Addr())
		c, err := connectCfg(t, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if c.Addr() != primary.Addr() {
			t.Fatalf("connected to %s, want the writable %s", c.Addr(), primary.Addr())
		}
		role, err := c.HostRole(ctxT(t))
		if err != nil || !role.Writable() || role.ReadOnly || role.Replica || role.Galera {
			t.Errorf("primary's role %+v, %v", role, err)
		}
		if cfg.DeniedUntil(readOnly.Addr()).IsZero() {
			t.Error("the read-only host is not denied")
		}
		// In failover mode the read-only server is fine; its role says why replication
		// mode passed it over.
		ro, err := connectCfg(t, multiHostConfig(base, myx.ClusterFailover, readOnly.Addr(), primary.Addr()))
		if err != nil {
			t.Fatal(err)
		}
		role, err = ro.HostRole(ctxT(t))
		if err != nil || role.Writable() || !role.ReadOnly {
			t.Errorf("read-only server's role %+v, %v", role, err)
		}
		// No writable host: the error says why for each.
		dead := closedAddr(t)
		_, err = connectCfg(t, multiHostConfig(base, myx.ClusterReplication, readOnly.Addr(), dead))
		var he *myx.HostsError
		if !errors.As(err, &he) || len(he.Hosts) != 2 {
			t.Fatalf("%v, want a *HostsError for 2 hosts", err)
		}
		if he.Hosts[0].Addr != readOnly.Addr() || !errors.Is(he.Hosts[0].Err, myx.ErrNotWritable) || !strings.Contains(he.Hosts[0].Err.Error(), "read only") {
			t.Errorf("first host: %s: %v", he.Hosts[0].Addr, he.Hosts[0].Err)
		}
		var ce *myx.ConnError
		if he.Hosts[1].Addr != dead || !errors.As(he.Hosts[1].Err, &ce) {
			t.Errorf("second host: %s: %v", he.Hosts[1].Addr, he.Hosts[1].Err)
		}
		if !errors.Is(err, myx.ErrNotWritable) || !myx.SafeToRetry(err) {
			t.Errorf("errors.Is(ErrNotWritable) %v, SafeToRetry %v", errors.Is(err, myx.ErrNotWritable), myx.SafeToRetry(err))
		}
	})

	t.Run("Replica", func(t *testing.T) {
		ctx := ctxT(t)
		rc, err := connectCfg(t, multiHostConfig(base, myx.ClusterFailover, replica.Addr()))
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := net.SplitHostPort(primary.Addr())
		if _, err := rc.Exec(ctx, "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT="+port+
			", MASTER_USER='root', MASTER_USE_GTID=slave_pos"); err != nil {
			t.Fatal(err)
		}
		if _, err := rc.Exec(ctx, "START SLAVE"); err != nil {
			t.Fatal(err)
		}
		// START SLAVE returns before the threads run: wait for the server to say so.
		for {
			role, err := rc.HostRole(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if role.Replica {
				if role.ReadOnly || role.Writable() {
					t.Errorf("replica's role %+v", role)
				}
				break
			}
			if msg := replicationError(t, rc); msg != "" {
				t.Fatalf("replication failed: %s", msg)
			}
			time.Sleep(20 * time.Millisecond)
		}
		cfg := multiHostConfig(base, myx.ClusterReplication, replica.Addr(), primary.Addr())
		c, err := connectCfg(t, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if c.Addr() != primary.Addr() {
			t.Errorf("connected to %s, want the primary %s, not the replica", c.Addr(), primary.Addr())
		}
		// Replication stopped (as an orchestrator does before promoting a replica): no longer
		// a replica, and writable.
		if _, err := rc.Exec(ctx, "STOP SLAVE"); err != nil {
			t.Fatal(err)
		}
		role, err := rc.HostRole(ctx)
		if err != nil || role.Replica || !role.Writable() {
			t.Errorf("after STOP SLAVE: %+v, %v", role, err)
		}
		promoted := multiHostConfig(base, myx.ClusterReplication, replica.Addr(), primary.Addr())
		if c, err := connectCfg(t, promoted); err != nil || c.Addr() != replica.Addr() {
			t.Errorf("after STOP SLAVE: %v, %v", c, err)
		}
	})

	t.Run("LastGTID", func(t *testing.T) {
		cfg := multiHostConfig(base, myx.ClusterFailover, closedAddr(t), primary.Addr())
		cfg.TrackGTID = true
		c, err := connectCfg(t, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !c.TracksGTID() {
			t.Fatal("TracksGTID false on MariaDB")
		}
		ctx := ctxT(t)
		if _, err := c.Exec(ctx, "CREATE TABLE gtid_t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)"); err != nil {
			t.Fatal(err)
		}
		check := func(what string) string {
			t.Helper()
			var server string
			if err := c.QueryRow(ctx, "SELECT @@last_gtid").Scan(&server); err != nil {
				t.Fatal(err)
			}
			if got := c.LastGTID(); got != server || got == "" {
				t.Errorf("%s: LastGTID %q, @@last_gtid %q", what, got, server)
			}
			return server
		}
		check("after CREATE TABLE")
		var prev string
		for i := 0; i < 3; i++ {
			if _, err := c.Exec(ctx, "INSERT INTO gtid_t (v) VALUES (?)", i); err != nil {
				t.Fatal(err)
			}
			g := check("after an autocommit INSERT")
			if g == prev {
				t.Errorf("the GTID did not change: %s", g)
			}
			prev = g
		}
		if c.SessionChanged() {
			t.Error("a commit's GTID flags the session as changed")
		}
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO gtid_t (v) VALUES (10)"); err != nil {
			t.Fatal(err)
		}
		if c.LastGTID() != prev {
			t.Errorf("LastGTID changed before COMMIT: %q", c.LastGTID())
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if g := check("after COMMIT"); g == prev {
			t.Errorf("the GTID did not change: %s", g)
		}
		// ResetSession forgets the GTID and tracks again.
		if err := c.ResetSession(ctx); err != nil {
			t.Fatal(err)
		}
		if c.LastGTID() != "" {
			t.Errorf("LastGTID after ResetSession: %q", c.LastGTID())
		}
		if _, err := c.Exec(ctx, "INSERT INTO gtid_t (v) VALUES (20)"); err != nil {
			t.Fatal(err)
		}
		check("after ResetSession and an INSERT")
		var tracked string
		if err := c.QueryRow(ctx, "SELECT @@session.session_track_system_variables").Scan(&tracked); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(tracked, "last_gtid") || !strings.Contains(tracked, "character_set_client") {
			t.Errorf("session_track_system_variables %q", tracked)
		}
		// Without TrackGTID nothing is tracked or reported.
		plain, err := connectCfg(t, multiHostConfig(base, myx.ClusterFailover, primary.Addr()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := plain.Exec(ctx, "INSERT INTO gtid_t (v) VALUES (30)"); err != nil {
			t.Fatal(err)
		}
		if plain.TracksGTID() || plain.LastGTID() != "" {
			t.Errorf("without TrackGTID: TracksGTID %v LastGTID %q", plain.TracksGTID(), plain.LastGTID())
		}
	})
}

// dialRecorder is a Config.DialFunc that refuses the addresses in dead at once and dials the
// others, recording every address it is asked for.
type dialRecorder struct {
	mu     sync.Mutex
	dead   map[string]bool
	dialed []string
}

func (d *dialRecorder) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.dialed = append(d.dialed, addr)
	dead := d.dead[addr]
	d.mu.Unlock()
	if dead {
		return nil, fmt.Errorf("test: %s is down", addr)
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

// take returns the addresses dialed since the last call.
func (d *dialRecorder) take() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	got := d.dialed
	d.dialed = nil
	return got
}

// A host that failed is tried after the others for DenyFor, then in its turn again; when
// every host is denied, all are tried in order.
func TestDenyListExpiry(t *testing.T) {
	live := testConfig(t)
	if live.Network != "tcp" {
		t.Skip("needs a TCP server")
	}
	d := &dialRecorder{dead: map[string]bool{"down1:3306": true, "down2:3306": true}}
	cfg := multiHostConfig(live, myx.ClusterFailover, "down1:3306", live.Addr)
	cfg.DialFunc = d.dial
	cfg.DenyFor = 10 * time.Second
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var clock sync.Mutex
	myx.SetHostClockForTest(cfg, func() time.Time { clock.Lock(); defer clock.Unlock(); return now })
	advance := func(d time.Duration) { clock.Lock(); now = now.Add(d); clock.Unlock() }
	connectOK := func(want ...string) {
		t.Helper()
		c, err := connectCfg(t, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if c.Addr() != live.Addr {
			t.Errorf("connected to %s", c.Addr())
		}
		if got := d.take(); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("dialed %q, want %q", got, want)
		}
	}

	connectOK("down1:3306", live.Addr)
	if until := cfg.DeniedUntil("down1:3306"); !until.Equal(now.Add(10 * time.Second)) {
		t.Errorf("DeniedUntil %v", until)
	}
	connectOK(live.Addr) // down1 is denied: the live host first, and it answers
	advance(9 * time.Second)
	connectOK(live.Addr)
	advance(time.Second) // the entry expires
	if !cfg.DeniedUntil("down1:3306").IsZero() {
		t.Error("still denied after DenyFor")
	}
	connectOK("down1:3306", live.Addr)

	// Copies made after the first connect share the deny list.
	cp := cfg.Copy()
	c, err := connectCfg(t, cp)
	if err != nil || c.Addr() != live.Addr {
		t.Fatal(c, err)
	}
	if got := d.take(); len(got) != 1 || got[0] != live.Addr {
		t.Errorf("copy dialed %q", got)
	}

	// Every host denied: all are tried, in order, and the error says they failed recently.
	all := multiHostConfig(live, myx.ClusterFailover, "down1:3306", "down2:3306")
	all.DialFunc = d.dial
	for round := 0; round < 2; round++ {
		_, err := connectCfg(t, all)
		var he *myx.HostsError
		if !errors.As(err, &he) || len(he.Hosts) != 2 || he.Hosts[0].Addr != "down1:3306" || he.Hosts[1].Addr != "down2:3306" {
			t.Fatalf("round %d: %v", round, err)
		}
		if he.Hosts[0].Denied != (round == 1) || he.Hosts[1].Denied != (round == 1) {
			t.Errorf("round %d: Denied %v %v", round, he.Hosts[0].Denied, he.Hosts[1].Denied)
		}
		if got := d.take(); strings.Join(got, " ") != "down1:3306 down2:3306" {
			t.Errorf("round %d: dialed %q", round, got)
		}
	}

	// DenyFor negative: no deny list.
	off := multiHostConfig(live, myx.ClusterFailover, "down1:3306", live.Addr)
	off.DialFunc, off.DenyFor = d.dial, -1
	for i := 0; i < 2; i++ {
		if _, err := connectCfg(t, off); err != nil {
			t.Fatal(err)
		}
		if got := d.take(); len(got) != 2 {
			t.Errorf("DenyFor off: dialed %q", got)
		}
	}
	if !off.DeniedUntil("down1:3306").IsZero() {
		t.Error("DenyFor off: denied")
	}
}

// Concurrent connects share one deny list safely (run with -race).
func TestDenyListConcurrentConnects(t *testing.T) {
	live := testConfig(t)
	if live.Network != "tcp" {
		t.Skip("needs a TCP server")
	}
	d := &dialRecorder{dead: map[string]bool{"down1:3306": true}}
	cfg := multiHostConfig(live, myx.ClusterLoadBalance, "down1:3306", live.Addr)
	cfg.DialFunc = d.dial
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := myx.ConnectConfig(ctxT(t), cfg)
			if err != nil {
				errs <- err
				return
			}
			if c.Addr() != live.Addr {
				errs <- fmt.Errorf("connected to %s", c.Addr())
			}
			c.Close(ctxT(t))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// When no host gives a connection, the *HostsError lists each host tried with its own error,
// and errors.Is/As see through it.
func TestHostsErrorContents(t *testing.T) {
	live := testConfig(t)
	if live.Network != "tcp" {
		t.Skip("needs a TCP server")
	}
	dead := closedAddr(t)
	bad := multiHostConfig(live, myx.ClusterFailover, dead, live.Addr)
	bad.User, bad.Password = "myx_no_such_user", "hunter2"
	_, err := connectCfg(t, bad)
	var he *myx.HostsError
	if !errors.As(err, &he) || len(he.Hosts) != 2 {
		t.Fatalf("%v, want a *HostsError for 2 hosts", err)
	}
	var ce *myx.ConnError
	if he.Hosts[0].Addr != dead || !errors.As(he.Hosts[0].Err, &ce) || ce.Op != "dial" {
		t.Errorf("first host %s: %v", he.Hosts[0].Addr, he.Hosts[0].Err)
	}
	var me *myx.MySQLError
	if he.Hosts[1].Addr != live.Addr || !errors.As(he.Hosts[1].Err, &me) || me.Number != 1045 {
		t.Errorf("second host %s: %v", he.Hosts[1].Addr, he.Hosts[1].Err)
	}
	if !errors.As(err, &me) || me.Number != 1045 {
		t.Errorf("errors.As(*MySQLError) through the HostsError: %v", me)
	}
	var hostErr *myx.HostError
	if !errors.As(err, &hostErr) || hostErr.Addr != dead {
		t.Errorf("errors.As(*HostError): %v", hostErr)
	}
	msg := err.Error()
	for _, want := range []string{dead, live.Addr, "failover", "myx_no_such_user"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "hunter2") {
		t.Errorf("message shows the password: %s", msg)
	}
	if !myx.SafeToRetry(err) {
		t.Error("not SafeToRetry")
	}

	// The context bounds the whole attempt: once it has ended no further host is tried, and
	// the error is the context's.
	d := &dialRecorder{}
	ended := multiHostConfig(live, myx.ClusterFailover, dead, live.Addr)
	ended.DialFunc = d.dial
	ctx, cancel := context.WithCancel(ctxT(t))
	cancel()
	_, err = myx.ConnectConfig(ctx, ended)
	if !errors.Is(err, context.Canceled) || !errors.As(err, &he) || len(he.Hosts) != 1 {
		t.Errorf("canceled: %v", err)
	}
	if !ended.DeniedUntil(dead).IsZero() {
		t.Error("a host is denied for the caller's canceled context")
	}

	// Each host gets ConnectTimeout: a host that never answers the handshake fails alone, and
	// the next one is tried.
	mute, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer mute.Close()
	go func() {
		for {
			c, err := mute.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accepts, says nothing
		}
	}()
	slow := multiHostConfig(live, myx.ClusterFailover, mute.Addr().String(), live.Addr)
	slow.ConnectTimeout = 2 * time.Second // the mute host uses it all; the live one needs far less
	c, err := connectCfg(t, slow)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr() != live.Addr {
		t.Errorf("connected to %s", c.Addr())
	}
}

// replicationError returns the replica's Last_IO_Error and Last_SQL_Error (SHOW SLAVE STATUS),
// "" when there are none.
func replicationError(t *testing.T, c *myx.Conn) string {
	t.Helper()
	rows, err := c.Query(ctxT(t), "SHOW SLAVE STATUS")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		for i, name := range rows.ColumnNames() {
			var s string
			switch v := vals[i].(type) {
			case string:
				s = v
			case []byte:
				s = string(v)
			}
			if (name == "Last_IO_Error" || name == "Last_SQL_Error") && s != "" {
				msgs = append(msgs, name+": "+s)
			}
		}
	}
	return strings.Join(msgs, "; ")
}
