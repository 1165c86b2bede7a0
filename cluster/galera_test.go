package cluster

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
)

func TestGaleraStateSynced(t *testing.T) {
	cases := []struct {
		s    GaleraState
		want bool
	}{
		{GaleraState{On: true, Ready: true, LocalState: 4, Comment: "Synced"}, true},
		{GaleraState{On: true, Ready: true, LocalState: 2, Comment: "Donor/Desynced"}, false},
		{GaleraState{On: true, Ready: false, LocalState: 4}, false},
		{GaleraState{On: false, Ready: true, LocalState: 4}, false},
		{GaleraState{}, false},
	}
	for _, c := range cases {
		if got := c.s.Synced(); got != c.want {
			t.Errorf("%+v.Synced() = %v", c.s, got)
		}
	}
}

func TestNotReady(t *testing.T) {
	notReadyErr := &myx.MySQLError{Number: 1047, SQLState: "08S01", Message: "WSREP has not yet prepared node for application use"}
	cases := []struct {
		err  error
		want bool
	}{
		{notReadyErr, true},
		{fmt.Errorf("query: %w", notReadyErr), true},
		{&myx.MySQLError{Number: 1047, SQLState: "08S01", Message: "Unknown command"}, false},
		{&myx.MySQLError{Number: 1213, SQLState: "40001", Message: "WSREP detected deadlock/conflict and aborted the transaction"}, false},
		{errors.New("WSREP has not yet prepared node for application use"), false},
		{nil, false},
	}
	for _, c := range cases {
		if got := notReady(c.err); got != c.want {
			t.Errorf("notReady(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// A Galera certification failure (the transaction lost to a conflicting one committed on
// another node) is error 1213, whether a statement or the COMMIT gets it: BeginTxFunc runs
// the transaction again as it does after a deadlock.
func TestGaleraCertificationFailureRetried(t *testing.T) {
	for _, msg := range []string{
		"Deadlock found when trying to get lock; try restarting transaction",
		"WSREP detected deadlock/conflict and aborted the transaction. Try restarting the transaction",
	} {
		err := &myx.MySQLError{Number: 1213, SQLState: "40001", Message: msg}
		if !myx.RetryableTx(err) || !myx.RetryableTx(fmt.Errorf("commit: %w", err)) {
			t.Errorf("RetryableTx(1213 %q) = false", msg)
		}
	}
}

func TestCausalQuery(t *testing.T) {
	ctx := context.Background()
	if causalRead(ctx) {
		t.Fatal("causal read without CausalRead")
	}
	if got := causalQuery(ctx, "SELECT 1"); got != "SELECT 1" {
		t.Errorf("causalQuery without CausalRead = %q", got)
	}
	cctx, cancel := context.WithCancel(CausalRead(ctx))
	defer cancel()
	if !causalRead(cctx) {
		t.Fatal("CausalRead not seen through a derived context")
	}
	if got, want := causalQuery(cctx, "SELECT v FROM t WHERE id = ?"), "SET STATEMENT wsrep_sync_wait=1 FOR SELECT v FROM t WHERE id = ?"; got != want {
		t.Errorf("causalQuery = %q, want %q", got, want)
	}
}

// A server that is not a Galera node (the shared test server) answers "not Galera" without an
// error, and a causal query runs on it as a plain one, placeholders and all.
func TestGaleraStatePlainServer(t *testing.T) {
	c := connectShared(t)
	ctx := testsupport.Context(t)
	st, err := galeraState(ctx, c)
	if err != nil {
		t.Fatalf("galeraState: %v", err)
	}
	if st.On || st.Synced() {
		t.Errorf("a plain server reports Galera state %+v", st)
	}
	if c.ServerInfo().Flavor != myx.MariaDB {
		return
	}
	var before int
	if err := c.QueryRow(ctx, "SELECT @@SESSION.wsrep_sync_wait").Scan(&before); err != nil {
		t.Fatal(err)
	}
	var n int
	q := causalQuery(CausalRead(ctx), "SELECT ? + 1")
	if err := c.QueryRow(ctx, q, 41).Scan(&n); err != nil || n != 42 {
		t.Errorf("%s: %d, %v", q, n, err)
	}
	var wait int
	if err := c.QueryRow(ctx, "SELECT @@SESSION.wsrep_sync_wait").Scan(&wait); err != nil || wait != before {
		t.Errorf("after the causal query the session's wsrep_sync_wait is %d (%v), want %d", wait, err, before)
	}
}

// connectShared connects to the shared test server (MYSQL_TEST_DSN), closed when t ends.
func connectShared(t *testing.T) *myx.Conn {
	t.Helper()
	return testsupport.Connect(t, testsupport.Config(t))
}
