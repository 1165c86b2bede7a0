package cluster

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/mysqltest/proto"
)

// For the tests of package cluster_test (ryw_test.go), which run on the shared replication
// cluster.
var (
	WaitApplied     = waitApplied
	AppliedPosition = appliedPosition
	ErrNoGTIDWait   = errNoGTIDWait
)

func TestWaitAppliedWithoutServer(t *testing.T) {
	// The zero position needs no round trip: not even a connection.
	ok, err := waitApplied(context.Background(), nil, Position{}, time.Second)
	if !ok || err != nil {
		t.Errorf("waitApplied(zero) = %v, %v", ok, err)
	}
}

func TestWaitAppliedPlainServer(t *testing.T) {
	c := connectShared(t)
	ctx := context.Background()
	// A server that is nobody's replica has applied none of another server's domain: checked
	// without waiting, not applied, no error.
	// Elsewhere (MySQL, TiDB) a MariaDB position cannot be waited for.
	ok, err := waitApplied(ctx, c, mustParse(t, "4000000000-1-1"), 0)
	if c.ServerInfo().Flavor == myx.MariaDB && (ok || err != nil) ||
		c.ServerInfo().Flavor != myx.MariaDB && (ok || !errors.Is(err, errNoGTIDWait)) {
		t.Errorf("waitApplied(unknown domain) on %s = %v, %v", c.ServerInfo(), ok, err)
	}
	_, err = appliedPosition(ctx, c)
	if c.ServerInfo().Flavor == myx.TiDB && !errors.Is(err, errNoGTIDWait) ||
		c.ServerInfo().Flavor != myx.TiDB && err != nil {
		t.Errorf("appliedPosition on %s: %v", c.ServerInfo(), err)
	}
}

// fakeMySQL is a scripted MySQL 8 server (mysqltest's fake server) answering the GTID and
// wsrep queries from the given state: the set it has executed, and its wsrep status rows
// (none: not a Galera node). It records the arguments of the waits it was asked for.
type fakeMySQL struct {
	executed string
	wsrep    [][]any
	mu       sync.Mutex
	waits    [][]any
}

func (f *fakeMySQL) handle(q mysqltest.Query) []mysqltest.Result {
	intCol := []mysqltest.ColumnDef{{Name: "r", Type: proto.TypeLongLong}}
	textCols := []mysqltest.ColumnDef{{Name: "Variable_name", Type: proto.TypeVarString}, {Name: "Value", Type: proto.TypeVarString}}
	switch q.SQL {
	case "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", "SELECT GTID_SUBSET(?, @@GLOBAL.gtid_executed)":
		res := mysqltest.Result{Columns: intCol}
		if q.Stage != mysqltest.Execute {
			return []mysqltest.Result{res}
		}
		f.mu.Lock()
		f.waits = append(f.waits, append([]any{q.SQL}, q.Args...))
		f.mu.Unlock()
		want, err := ParsePosition(string(q.Args[0].([]byte)))
		if err != nil {
			return []mysqltest.Result{{Err: &mysqltest.ServerError{Code: 1772, SQLState: "HY000", Message: "Malformed GTID set specification"}}}
		}
		executed, _ := ParsePosition(f.executed)
		covered := want.CoveredBy(executed)
		// WAIT_FOR_EXECUTED_GTID_SET: 0 done, 1 timed out; GTID_SUBSET: 1 true, 0 false.
		v := map[bool]int64{true: 0, false: 1}[covered]
		if strings.HasPrefix(q.SQL, "SELECT GTID_SUBSET") {
			v = 1 - v
		}
		res.Rows = [][]any{{v}}
		return []mysqltest.Result{res}
	case "SELECT @@GLOBAL.gtid_executed":
		return []mysqltest.Result{{Columns: textCols[:1], Rows: [][]any{{f.executed}}}}
	case galeraStateQueryMySQL:
		return []mysqltest.Result{{Columns: textCols, Rows: f.wsrep}}
	}
	if strings.HasPrefix(q.SQL, "SELECT") || strings.HasPrefix(q.SQL, "SHOW") {
		return []mysqltest.Result{{Err: &mysqltest.ServerError{Code: 1064, SQLState: "42000", Message: "no answer for " + q.SQL}}}
	}
	return nil // session setup: OK
}

func (f *fakeMySQL) connect(t *testing.T) *myx.Conn {
	t.Helper()
	fs := mysqltest.NewFakeServer(t, func(c *mysqltest.FakeConn) {
		if _, err := c.Login(mysqltest.HandshakeOptions{ServerVersion: "8.0.36"}, mysqltest.Auth{}); err != nil {
			return
		}
		c.ServeQueries(f.handle)
	})
	cfg, err := myx.ParseConfig(fs.DSN("u", ""))
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLSMode = myx.TLSDisabled
	c := testsupport.Connect(t, cfg)
	if c.ServerInfo().Flavor != myx.MySQL {
		t.Fatalf("the fake server is %s", c.ServerInfo())
	}
	return c
}

// The MySQL flavour's waits, on a scripted server (no MySQL server on this machine).
func TestWaitAppliedMySQLFake(t *testing.T) {
	f := &fakeMySQL{executed: uuidA + ":1-5,\n" + uuidB + ":1-3"}
	c := f.connect(t)
	ctx := context.Background()

	applied, err := appliedPosition(ctx, c)
	if err != nil || applied.String() != uuidA+":1-5,"+uuidB+":1-3" {
		t.Fatalf("appliedPosition = %q, %v", applied, err)
	}
	cases := []struct {
		pos   string
		bound time.Duration
		want  bool
		query string
	}{
		{uuidA + ":2-4," + uuidB + ":3", time.Second, true, "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)"},
		{strings.ToUpper(uuidA) + ":6", 250 * time.Millisecond, false, "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)"},
		// Under a millisecond: GTID_SUBSET, since the wait function takes 0 as no timeout.
		{uuidB + ":1", 0, true, "SELECT GTID_SUBSET(?, @@GLOBAL.gtid_executed)"},
		{uuidB + ":4", -time.Second, false, "SELECT GTID_SUBSET(?, @@GLOBAL.gtid_executed)"},
		{uuidB + ":4", time.Microsecond, false, "SELECT GTID_SUBSET(?, @@GLOBAL.gtid_executed)"},
	}
	for _, tc := range cases {
		f.mu.Lock()
		f.waits = nil
		f.mu.Unlock()
		pos := mustParse(t, tc.pos)
		ok, err := waitApplied(ctx, c, pos, tc.bound)
		if err != nil || ok != tc.want {
			t.Errorf("waitApplied(%s, %v) = %v, %v; want %v", pos, tc.bound, ok, err, tc.want)
			continue
		}
		f.mu.Lock()
		waits := f.waits
		f.mu.Unlock()
		if len(waits) != 1 || waits[0][0] != tc.query || string(waits[0][1].([]byte)) != pos.String() {
			t.Errorf("waitApplied(%s, %v) sent %q, want one %s with the canonical set", pos, tc.bound, waits, tc.query)
			continue
		}
		if tc.query == "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)" {
			if secs, ok := waits[0][2].(float64); !ok || secs != tc.bound.Seconds() {
				t.Errorf("waitApplied(%s, %v) asked for a timeout of %v (%T), want %v seconds", pos, tc.bound, waits[0][2], waits[0][2], tc.bound.Seconds())
			}
		}
	}
	// A MariaDB position cannot be waited for on MySQL.
	if ok, err := waitApplied(ctx, c, mustParse(t, "0-1-2"), time.Second); ok || !errors.Is(err, errNoGTIDWait) {
		t.Errorf("waitApplied(MariaDB GTID) on MySQL = %v, %v", ok, err)
	}
}

// galeraState on a MySQL-flavoured server: a Percona XtraDB Cluster node reports wsrep status
// (On comes from there: wsrep_on is a variable, not a status), a plain MySQL none.
func TestGaleraStateMySQLFake(t *testing.T) {
	ctx := context.Background()
	node := &fakeMySQL{wsrep: [][]any{{"wsrep_local_state", "4"}, {"wsrep_local_state_comment", "Synced"}, {"wsrep_ready", "ON"}}}
	st, err := galeraState(ctx, node.connect(t))
	if want := (GaleraState{On: true, Ready: true, LocalState: 4, Comment: "Synced"}); err != nil || st != want || !st.Synced() {
		t.Errorf("galeraState of a synced node = %+v, %v; want %+v", st, err, want)
	}
	donor := &fakeMySQL{wsrep: [][]any{{"wsrep_local_state", "2"}, {"wsrep_local_state_comment", "Donor/Desynced"}, {"wsrep_ready", "ON"}}}
	if st, err := galeraState(ctx, donor.connect(t)); err != nil || !st.On || st.Synced() || st.LocalState != 2 {
		t.Errorf("galeraState of a donor = %+v, %v", st, err)
	}
	plain := &fakeMySQL{}
	if st, err := galeraState(ctx, plain.connect(t)); err != nil || st != (GaleraState{}) {
		t.Errorf("galeraState of a plain server = %+v, %v", st, err)
	}
	bad := &fakeMySQL{wsrep: [][]any{{"wsrep_local_state", "synced"}}}
	if _, err := galeraState(ctx, bad.connect(t)); err == nil {
		t.Error("galeraState accepted a local state that is not a number")
	}
}
