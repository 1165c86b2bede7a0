package cluster

// Read-your-writes: waiting on a replica until it has applied a position, and asking a server
// what it has applied.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/myxdb/myx"
)

// errNoGTIDWait is the error of waitApplied and appliedPosition on a server that has no
// GTID positions to wait for (TiDB), or for a position of the other flavour.
var errNoGTIDWait = errors.New("cluster: the server cannot wait for this GTID position")

// minServerWait is the shortest wait handed to a server's wait function; a shorter bound
// checks without waiting (MySQL's WAIT_FOR_EXECUTED_GTID_SET takes a timeout of 0 as "no
// timeout").
const minServerWait = time.Millisecond

// waitApplied waits until the server of c has applied pos, for at most bound (and no longer
// than ctx's deadline leaves), and reports whether it has. It costs one round trip when the
// server has applied pos or applies it within the bound.
//
//   - MariaDB: SELECT MASTER_GTID_WAIT(pos, seconds), which compares with @@gtid_slave_pos:
//     0 is applied, -1 the bound passed. MASTER_GTID_WAIT does not see a server's own commits
//     (a primary's, or those of a replica promoted since), so when it times out a second
//     round trip compares pos with appliedPosition (@@gtid_current_pos) before answering
//     false; on a server that is not a replica, waiting therefore costs the bound.
//   - MySQL: SELECT WAIT_FOR_EXECUTED_GTID_SET(pos, seconds) (0 applied, 1 timeout), which
//     compares with @@gtid_executed; a bound under a millisecond checks GTID_SUBSET instead,
//     since the function takes 0 as no timeout.
//
// A bound of zero or less checks without waiting. The zero Position is applied everywhere:
// true without a round trip. A deadline of ctx that comes before the bound shortens the wait
// the server is asked for, so that the server ends it by itself; when that shortened wait
// times out the answer is false with an error wrapping context.DeadlineExceeded. When ctx is
// cancelled during the wait, the root package stops the wait on the server (KILL QUERY) and
// the error is the *myx.InterruptedError it returns, with errors.Is(err, ctx.Err()) holding;
// the connection stays usable unless the error says it was closed. A server error (GTIDs
// off on MySQL, say) is returned wrapped. A position of the other flavour than the server's,
// or a server without GTIDs (TiDB), gives errNoGTIDWait without a round trip.
func waitApplied(ctx context.Context, c *myx.Conn, pos Position, bound time.Duration) (bool, error) {
	if pos.IsZero() {
		return true, nil
	}
	// The server ends a wait that ctx's deadline cuts short by itself: no KILL QUERY.
	clamped := false
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); left < bound {
			bound, clamped = left, true
		}
	}
	if bound < minServerWait {
		bound = 0
	}
	var query, text string
	switch g := pos.parsed(); {
	case c.ServerInfo().Flavor == myx.MariaDB && len(g.mysql) == 0:
		query, text = "SELECT MASTER_GTID_WAIT(?, ?)", g.mariaText()
	case c.ServerInfo().Flavor == myx.MySQL && len(g.maria) == 0:
		text = g.mysqlText()
		if bound == 0 {
			var subset sql.Null[int64]
			err := c.QueryRow(ctx, "SELECT GTID_SUBSET(?, @@GLOBAL.gtid_executed)", text).Scan(&subset)
			if err != nil {
				return false, fmt.Errorf("cluster: GTID_SUBSET: %w", err)
			}
			return subset.Valid && subset.V == 1, nil
		}
		query = "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)"
	default:
		return false, fmt.Errorf("%w: %s on %s", errNoGTIDWait, pos, c.ServerInfo())
	}
	var r sql.Null[int64]
	if err := c.QueryRow(ctx, query, text, bound.Seconds()).Scan(&r); err != nil {
		return false, fmt.Errorf("cluster: wait for GTID position: %w", err)
	}
	if !r.Valid {
		return false, fmt.Errorf("cluster: wait for GTID position %s: the server answered NULL", pos)
	}
	if r.V == 0 { // both functions answer 0 for "applied"
		return true, nil
	}
	if clamped {
		return false, fmt.Errorf("cluster: wait for GTID position: %w", context.DeadlineExceeded)
	}
	if c.ServerInfo().Flavor != myx.MariaDB {
		return false, nil
	}
	applied, err := appliedPosition(ctx, c)
	if err != nil {
		return false, err
	}
	return pos.CoveredBy(applied), nil
}

// appliedPosition returns what the server of c has applied: on MariaDB @@GLOBAL.gtid_current_pos
// (per domain the newer of the server's own commits, from its binary log, and what it
// replicated, @@gtid_slave_pos: on a replica that makes no commits of its own, as a read-only
// replica does, this is gtid_slave_pos), on MySQL @@GLOBAL.gtid_executed. One round trip.
// TiDB gives errNoGTIDWait.
func appliedPosition(ctx context.Context, c *myx.Conn) (Position, error) {
	var query string
	switch c.ServerInfo().Flavor {
	case myx.MariaDB:
		query = "SELECT @@GLOBAL.gtid_current_pos"
	case myx.MySQL:
		query = "SELECT @@GLOBAL.gtid_executed"
	default:
		return Position{}, fmt.Errorf("%w: %s has no GTIDs", errNoGTIDWait, c.ServerInfo())
	}
	var text string
	if err := c.QueryRow(ctx, query).Scan(&text); err != nil {
		return Position{}, fmt.Errorf("cluster: applied GTID position: %w", err)
	}
	return ParsePosition(text)
}
