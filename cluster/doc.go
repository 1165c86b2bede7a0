// Package cluster runs an application's database work over several MySQL or MariaDB servers
// as one: a primary and its replicas, a Galera cluster, or equal SQL nodes (TiDB). It keeps a
// pool (package pool) per host, a monitor that learns each host's role, health and
// replication lag from the servers themselves, and routes every call to the host it is meant
// for. Routing is asked for, never guessed from the SQL.
//
//	cl, err := cluster.New(ctx, "mysql://app@db1:3306,db2:3306,db3:3306/shop?cluster_mode=replication")
//	defer cl.Close()
//	_, err = cl.Exec(ctx, "UPDATE stock SET n = n - 1 WHERE id = ?", id) // the primary
//	err = cl.Reader().QueryRow(ctx, "SELECT n FROM stock WHERE id = ?", id).Scan(&n) // a replica
//
// # Modes
//
// The mode comes from the DSN's cluster_mode (Config.Mode):
//
//   - replication: one primary takes writes and transactions; replicas serve the reads the
//     caller sends them (Reader, or ReadFromReplica on a context). The primary is the host
//     found writable (read_only off) and not replicating; when several are, the one the most
//     replicas replicate from, then the current one. A promotion (a replica made writable and
//     stopped replicating by whatever orchestrates the cluster) is noticed by the next check
//     and followed; an old primary that comes back writable is not chosen while the replicas
//     follow the new one, but fencing it (read_only) is the orchestrator's job.
//   - failover: every call goes to the first healthy host in the configured order.
//   - load-balance: every call goes to the healthy host with the least work in flight, ties
//     in turn: Galera nodes (only those Synced and ready) or TiDB SQL nodes.
//
// # The monitor
//
// Every Config.CheckPeriod (default one second) each host is checked on a connection of its
// own, outside its pool's MaxConns: its role (Conn.HostRole: read_only, replication running,
// Galera state), its replica status (SHOW REPLICA STATUS, or SHOW SLAVE STATUS), its lag and
// its applied GTID position. A host that cannot be reached is down and on the deny list: it is
// tried again after a backoff that starts at CheckPeriod, doubles with each failure up to the
// DSN's cluster_deny_for (myx.Config.DenyFor, default 60 s) and is jittered, so that the
// clients of a host that comes back do not reconnect all at once; one successful check takes
// it off. A call that fails to reach a host marks it down at once and has every host checked
// again; while calls wait for a host, the checks run twenty times as often. Refresh checks
// every host now; Stat reports what the monitor knows; a Config.Tracer implementing HostTracer
// hears of every change.
//
// # Lag
//
// By default a replica's lag is its Seconds_Behind_Master (Seconds_Behind_Source), with that
// figure's caveats: it has a resolution of one second; it is NULL, and the replica then never
// serves reads, while the SQL or IO thread is stopped; it measures how far the SQL thread is
// behind the events the replica has received, so a replica whose IO thread is behind (a slow
// network, a primary flooding it) can show 0; and it compares timestamps written on the primary
// with the replica's clock, so clock skew and long transactions (whose events carry their
// start time) distort it. With Config.Heartbeat set, the cluster writes the primary's
// UTC_TIMESTAMP(6) to a one-row table every CheckPeriod (InstallHeartbeat creates it) and a
// replica's lag is its clock minus the timestamp it has applied: end to end, with the
// resolution of CheckPeriod, still subject to clock skew between the hosts. Replicas whose
// lag is unknown or above Config.LagLimit (default 10 s) get no reads; with none fit, reads
// go to the primary. One consequence: while the primary is down, the replicas' IO threads
// cannot connect and their Seconds_Behind_Master is NULL, so replica reads wait for the new
// primary like writes; with a heartbeat they go on until the replicas' lag passes LagLimit.
//
// # Read-your-writes
//
// A Session (WithSession on the context) collects the GTIDs of the writes made through the
// cluster under it (every host's connections track their GTIDs): each Exec, ExecMany,
// CopyFrom and batch, each committed transaction. A read under the session routed to a
// replica goes to one known (from its last check) to have applied the session's position, or
// waits on the chosen replica until it has (MASTER_GTID_WAIT on MariaDB,
// WAIT_FOR_EXECUTED_GTID_SET on MySQL), at most Config.ReadYourWritesWait (default one
// second), then reads on the primary. The position is a value (Session.Position,
// ResumeSession) that can travel in a web session or cookie, so the next request reads its
// own writes too.
//
// # Failover and outcomes
//
// The pool's outcome model holds across hosts. A call that failed before anything was sent
// (myx.SafeToRetry), or that a Galera node refused as not ready (1047), runs again: on a fresh
// connection, or, when the host is gone, on the next host, or, in replication mode, on the
// new primary once one is found, waiting at most Config.FailoverTimeout (default 30 s; then a
// *NoHostError). A statement that may have reached the server is never run twice: the caller
// gets the *myx.ConnError and the outcome is unknown. BeginFunc runs a transaction again
// after a deadlock or Galera certification failure (1213), a lock wait timeout, a node not
// ready, or a connection lost before COMMIT was sent; a lost answer to COMMIT is
// myx.ErrCommitUnknown and is never retried. Idempotent runs a function again on another
// host when its connection is lost. Writes acknowledged by an asynchronous primary that had
// not reached the promoted replica are lost by the promotion itself, whatever the client
// does; semi-synchronous replication closes that gap.
//
// A *Cluster has the pool's methods and satisfies sqlb.Executor, myx.TxBeginner and
// myx.TxRetrier, so sqlb statements and myx.BeginFunc work on it.
package cluster
