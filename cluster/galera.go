package cluster

// Galera: whether a node may take traffic, the error of a node that may not, and causal reads.
//
// Certification failures need nothing here: a transaction that loses to a conflicting one
// committed on another node fails with error 1213 (ER_LOCK_DEADLOCK, at a statement or at
// COMMIT), which myx.RetryableTx, and so myx.BeginTxFunc, already treats as a deadlock: the
// transaction runs again (see TestGaleraCertificationFailureRetried).

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/myxdb/myx"
)

// GaleraState is what a server says about its part in a Galera cluster.
type GaleraState struct {
	// On is @@GLOBAL.wsrep_on (MariaDB), or for MySQL-flavoured servers (Percona XtraDB
	// Cluster) whether a wsrep provider reports a local state: false on a server that is not
	// a Galera node.
	On bool
	// Ready is the wsrep_ready status: the node accepts queries.
	Ready bool
	// LocalState is wsrep_local_state: 1 joining, 2 donor or desynced, 3 joined, 4 synced; 0
	// when the server reports none (no wsrep provider loaded).
	LocalState int
	// Comment is wsrep_local_state_comment, the state in words ("Synced", "Donor/Desynced",
	// "Joining: receiving State Transfer"...); "" when the server reports none.
	Comment string
}

// galeraSynced is wsrep_local_state's value for a node in sync with its cluster.
const galeraSynced = 4

// Synced reports whether the node may take traffic: wsrep on, ready, and in the synced
// state (a donor or a joining node is not, though it may answer).
func (s GaleraState) Synced() bool { return s.On && s.Ready && s.LocalState == galeraSynced }

// galeraStateQueryMariaDB reads the three status values and wsrep_on in one statement. It
// works on every MariaDB server, wsrep provider loaded or not, and on one built without wsrep
// support (the rows are then missing).
const galeraStateQueryMariaDB = "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS" +
	" WHERE VARIABLE_NAME IN ('WSREP_READY', 'WSREP_LOCAL_STATE', 'WSREP_LOCAL_STATE_COMMENT')" +
	" UNION ALL SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES" +
	" WHERE VARIABLE_NAME = 'WSREP_ON'"

// galeraStateQueryMySQL is the same for MySQL-flavoured servers, which have no
// information_schema.GLOBAL_STATUS; wsrep_on is a variable there, so On comes from whether a
// provider reports a local state.
const galeraStateQueryMySQL = "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state', 'wsrep_local_state_comment')"

// galeraState asks the server of c for its Galera state, in one round trip. A server that is
// not a Galera node answers without error, with On false (MariaDB: wsrep_on OFF, wsrep_ready
// OFF, no local state). TiDB is never one: the zero GaleraState, without a round trip. A value
// the server reports that is not what Galera sends (a local state that is not a number) is an
// error.
func galeraState(ctx context.Context, c *myx.Conn) (GaleraState, error) {
	var query string
	switch c.ServerInfo().Flavor {
	case myx.MariaDB:
		query = galeraStateQueryMariaDB
	case myx.MySQL:
		query = galeraStateQueryMySQL
	default:
		return GaleraState{}, nil
	}
	rows, err := c.Query(ctx, query)
	if err != nil {
		return GaleraState{}, fmt.Errorf("cluster: Galera state: %w", err)
	}
	defer rows.Close()
	var st GaleraState
	hasState := false
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return GaleraState{}, fmt.Errorf("cluster: Galera state: %w", err)
		}
		switch strings.ToLower(name) {
		case "wsrep_on":
			st.On = strings.EqualFold(value, "ON") || value == "1"
		case "wsrep_ready":
			st.Ready = strings.EqualFold(value, "ON") || value == "1"
		case "wsrep_local_state":
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 {
				return GaleraState{}, fmt.Errorf("cluster: Galera state: wsrep_local_state %q is not a state number", value)
			}
			st.LocalState, hasState = n, true
		case "wsrep_local_state_comment":
			st.Comment = value
		}
	}
	if err := rows.Err(); err != nil {
		return GaleraState{}, fmt.Errorf("cluster: Galera state: %w", err)
	}
	if c.ServerInfo().Flavor == myx.MySQL {
		st.On = hasState
	}
	return st, nil
}

// erUnknownCom is ER_UNKNOWN_COM_ERROR, the number under which a Galera node that is not
// ready (not part of a primary component, or still joining) refuses queries, with a message
// naming WSREP ("WSREP has not yet prepared node for application use").
const erUnknownCom = 1047

// notReady reports whether err is a Galera node's refusal because it is not ready: error 1047
// with WSREP in its message. The work was not done; it may go to another node. Other servers
// use 1047 for commands they do not know, which this does not match.
func notReady(err error) bool {
	var me *myx.MySQLError
	return errors.As(err, &me) && me.EffectiveNumber() == erUnknownCom &&
		strings.Contains(strings.ToUpper(me.Message), "WSREP")
}

type causalKey struct{}

// CausalRead returns a context whose reads on a Galera cluster are causal: before a read
// made with it runs, the node it runs on catches up with every write the cluster had
// committed when the read began (Galera's wsrep_sync_wait=1, for that statement only), so the
// read sees the writes of any node, not only those the node happened to have applied. The
// read is slower by the time the node takes to catch up, bounded by the provider's
// repl.causal_read_timeout (default 30 s): a node that has lost its cluster (not in the
// primary component) holds a causal read that long, then fails it with error 1205 (lock wait
// timeout), where a plain read of a table fails at once with 1047 (see notReady). It applies to single statements run through Query and QueryRow
// on MariaDB Galera nodes (the statement is prefixed with SET STATEMENT ... FOR, MariaDB
// syntax, see causalQuery); on a MariaDB server that is not a Galera node the prefix does
// nothing. Writes need no such option: a Galera commit is certified cluster-wide.
func CausalRead(ctx context.Context) context.Context {
	return context.WithValue(ctx, causalKey{}, true)
}

// causalRead reports whether ctx asks for causal reads (CausalRead).
func causalRead(ctx context.Context) bool {
	on, _ := ctx.Value(causalKey{}).(bool)
	return on
}

// causalQuery returns query as it must be sent for ctx: unchanged unless ctx asks for causal
// reads, else "SET STATEMENT wsrep_sync_wait=1 FOR " + query, which makes a MariaDB Galera
// node wait for the cluster before this one statement and leaves the session's setting as it
// was. Use it for single SELECT (or SHOW) statements on MariaDB only: SET STATEMENT applies
// to the first statement of a multi-statement text, MySQL has no such syntax, and a MariaDB
// server built without wsrep support does not know the variable (error 1193). On a MariaDB
// server with wsrep support that is not a Galera node it is a harmless no-op. Placeholders
// keep working (the statement still prepares).
func causalQuery(ctx context.Context, query string) string {
	if !causalRead(ctx) {
		return query
	}
	return "SET STATEMENT wsrep_sync_wait=1 FOR " + query
}
