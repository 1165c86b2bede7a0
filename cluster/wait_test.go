package cluster

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/myxdb/myx"
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
