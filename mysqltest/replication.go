package mysqltest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultReplicas is the number of replicas StartReplication starts when
// ReplicationOptions.Replicas is zero.
const DefaultReplicas = 2

// ReplicationOptions configures StartReplication.
type ReplicationOptions struct {
	// Replicas is the number of replicas; zero means DefaultReplicas.
	Replicas int
	// ServerOptions apply to every server of the cluster. Its Flags come
	// after the replication settings StartReplication adds, so they can
	// override them.
	ServerOptions
}

// Replication is a throwaway replication cluster started by
// StartReplication: a primary and replicas, each a throwaway *Server with its
// own port and directory, replicating in GTID mode (MariaDB: MASTER_USE_GTID
// =slave_pos; MySQL: SOURCE_AUTO_POSITION with gtid_mode ON). Every server
// has a binary log with the replicated changes in it (log_slave_updates), row
// format, a unique server_id, and gtid_strict_mode on MariaDB; replicas are
// read_only (which root, holding every privilege, may still bypass: write
// through Primary). User root connects to each without a password.
//
// Its methods may be called from any goroutine; the ones that change the
// topology are serialized. Replica indexes refer to Replicas as it is when
// the method is called.
type Replication struct {
	d dialect

	mu       sync.Mutex
	primary  *Server
	replicas []*Server
	former   []*Server // primaries replaced by Promote, in that order
	stopped  map[*Server]bool
	delay    map[*Server]int // MASTER_DELAY in seconds
}

// StartReplication starts a primary and opts.Replicas replicas (default 2)
// and connects the replicas to the primary. It returns when every replica's
// IO and SQL threads run and it has applied everything the primary had
// logged. On MySQL it needs 8.0.23 or later (CHANGE REPLICATION SOURCE TO).
// The caller must call Close. ctx bounds the whole start.
func StartReplication(ctx context.Context, opts ReplicationOptions) (*Replication, error) {
	n := opts.Replicas
	if n == 0 {
		n = DefaultReplicas
	}
	if n < 0 {
		return nil, fmt.Errorf("mysqltest: ReplicationOptions.Replicas is %d; want at least 1 (0 means %d)", n, DefaultReplicas)
	}
	if opts.Binaries == nil {
		bins, err := LookupServerBinaries()
		if err != nil {
			return nil, err
		}
		opts.Binaries = bins
	}
	r := &Replication{d: dialectFor(opts.Binaries), stopped: map[*Server]bool{}, delay: map[*Server]int{}}
	servers := make([]*Server, n+1)
	err := parallel(n+1, func(i int) (err error) {
		so := opts.ServerOptions
		so.Flags = append(r.d.flags(i+1, i > 0), opts.Flags...)
		servers[i], err = StartServer(ctx, so)
		return err
	})
	r.primary, r.replicas = servers[0], servers[1:]
	if err != nil {
		r.Close()
		return nil, err
	}
	err = eachServer(r.replicas, func(s *Server) error {
		return withConn(ctx, s, func(c *adminConn) error {
			return r.follow(ctx, c, r.primary, 0)
		})
	})
	if err == nil {
		err = r.waitCaughtUpLocked(ctx, true)
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// StartReplicationT is StartReplication for tests: it starts the cluster
// with a timeout of three minutes and registers t.Cleanup to close it. If no
// server binaries are installed it skips the test, or fails it when the CI
// environment variable is "true"; any other failure to start fails the test.
func StartReplicationT(t testing.TB, opts ReplicationOptions) *Replication {
	t.Helper()
	if !lookupForT(t, &opts.ServerOptions) {
		return nil
	}
	return startT(t, "replication cluster", 3*time.Minute, func(ctx context.Context) (*Replication, error) {
		return StartReplication(ctx, opts)
	})
}

// Primary returns the current primary: the first server, or the replica
// the last Promote promoted.
func (r *Replication) Primary() *Server {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.primary
}

// Replicas returns the servers replicating from the primary (stopped ones
// included), in order. After Promote, the promoted replica is no longer
// among them and the others keep their order.
func (r *Replication) Replicas() []*Server {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Server(nil), r.replicas...)
}

// Servers returns every server of the cluster: the primary, the replicas,
// then the former primaries Promote replaced (which replicate from nobody),
// oldest first.
func (r *Replication) Servers() []*Server {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.serversLocked()
}

func (r *Replication) serversLocked() []*Server {
	all := append([]*Server{r.primary}, r.replicas...)
	return append(all, r.former...)
}

// Addrs returns the TCP addresses (127.0.0.1:PORT) of Servers, in the same
// order.
func (r *Replication) Addrs() []string {
	var addrs []string
	for _, s := range r.Servers() {
		addrs = append(addrs, s.Addr())
	}
	return addrs
}

// DSN returns a multi-host URL DSN for user root without a password naming
// every server, the primary first, in replication mode:
// mysql://root@127.0.0.1:P1,127.0.0.1:P2,.../test?cluster_mode=replication.
func (r *Replication) DSN() string {
	return "mysql://root@" + strings.Join(r.Addrs(), ",") + "/test?cluster_mode=replication"
}

// replica returns Replicas()[i]; r.mu must be held.
func (r *Replication) replica(i int) (*Server, error) {
	if i < 0 || i >= len(r.replicas) {
		return nil, fmt.Errorf("mysqltest: replica index %d out of range (%d replicas)", i, len(r.replicas))
	}
	return r.replicas[i], nil
}

// StopReplica stops replication on replica i (STOP SLAVE; STOP REPLICA on
// MySQL): the replica keeps answering but no longer applies what the primary
// writes, so its lag grows until StartReplica. Stopping a stopped replica is
// not an error.
func (r *Replication) StopReplica(ctx context.Context, i int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.replica(i)
	if err != nil {
		return err
	}
	err = withConn(ctx, s, func(c *adminConn) error { return r.d.exec(ctx, c, r.d.stop) })
	if err != nil {
		return err
	}
	r.stopped[s] = true
	return nil
}

// StartReplica starts replication on replica i again (START SLAVE) and
// returns when its IO and SQL threads run; it does not wait for the replica
// to catch up (see WaitCaughtUp). Starting a running replica is not an
// error.
func (r *Replication) StartReplica(ctx context.Context, i int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.replica(i)
	if err != nil {
		return err
	}
	err = withConn(ctx, s, func(c *adminConn) error {
		if err := r.d.exec(ctx, c, r.d.start); err != nil {
			return err
		}
		return r.d.waitRunning(ctx, c, s)
	})
	if err != nil {
		return err
	}
	delete(r.stopped, s)
	return nil
}

// SetDelay makes replica i apply each transaction no earlier than d after
// it was committed on the primary (MASTER_DELAY; SOURCE_DELAY on MySQL),
// rounded up to whole seconds; zero removes the delay. It restarts the
// replica's replication threads (a stopped replica stays stopped). The delay
// survives Promote.
func (r *Replication) SetDelay(ctx context.Context, i int, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, err := r.replica(i)
	if err != nil {
		return err
	}
	if d < 0 || d > math.MaxInt32*time.Second {
		return fmt.Errorf("mysqltest: SetDelay: delay %v out of range (0 to %d s)", d, math.MaxInt32)
	}
	secs := int((d + time.Second - 1) / time.Second)
	err = withConn(ctx, s, func(c *adminConn) error {
		if err := r.d.exec(ctx, c, r.d.stop); err != nil {
			return err
		}
		if err := r.d.exec(ctx, c, fmt.Sprintf(r.d.setDelay, secs)); err != nil {
			return err
		}
		if r.stopped[s] {
			return nil
		}
		if err := r.d.exec(ctx, c, r.d.start); err != nil {
			return err
		}
		return r.d.waitRunning(ctx, c, s)
	})
	if err != nil {
		return err
	}
	r.delay[s] = secs
	return nil
}

// WaitCaughtUp returns when every replica has applied everything the
// primary has logged when it is called (MASTER_GTID_WAIT on the primary's
// @@gtid_binlog_pos; WAIT_FOR_EXECUTED_GTID_SET on MySQL), or ctx is done.
// A replica that cannot catch up because its replication is stopped (by
// StopReplica or an error) makes it return an error at once instead of
// waiting in vain; a delayed one (SetDelay) is waited for.
func (r *Replication) WaitCaughtUp(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.waitCaughtUpLocked(ctx, false)
}

func (r *Replication) waitCaughtUpLocked(ctx context.Context, needRunning bool) error {
	var pos string
	err := withConn(ctx, r.primary, func(c *adminConn) (err error) {
		pos, err = c.queryString(ctx, r.d.binlogPos)
		return err
	})
	if err != nil {
		return err
	}
	return eachServer(r.replicas, func(s *Server) error {
		return withConn(ctx, s, func(c *adminConn) error {
			if needRunning {
				if err := r.d.waitRunning(ctx, c, s); err != nil {
					return err
				}
			}
			return r.d.waitApplied(ctx, c, s, pos)
		})
	})
}

// Promote makes replica i the primary, as an orchestrator does when the
// primary has died or was stopped: every replica first applies what it has
// received (a delayed replica is not waited for), replica i catches up from
// any other replica that got further than it did, then it stops replicating
// (RESET SLAVE ALL) and becomes writable (read_only off), and the other
// replicas replicate from it (MASTER_USE_GTID=slave_pos, so that what they
// had applied from the old primary is found in its binary log). It returns
// when the other running replicas replicate from the new primary and have
// caught up with it; a replica StopReplica stopped stays stopped, pointed
// at the new primary.
//
// If the old primary still runs, Promote makes it read_only first (a
// fence) but does not wait for the replicas to get what it wrote last: for
// a switchover that loses nothing, call WaitCaughtUp before. The old
// primary then replicates from nobody and is listed last by Servers.
// Afterwards Primary is the promoted server and Replicas the others.
func (r *Replication) Promote(ctx context.Context, i int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	np, err := r.replica(i)
	if err != nil {
		return err
	}
	old := r.primary
	if old.Running() {
		fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := withConn(fctx, old, func(c *adminConn) error { return r.d.exec(fctx, c, "SET GLOBAL read_only = ON") })
		cancel()
		if err != nil && ctx.Err() != nil {
			return err
		}
		// A primary that does not answer is as good as dead: go on.
	}
	var others []*Server
	for _, s := range r.replicas {
		if s != np {
			others = append(others, s)
		}
	}
	// Every replica applies its relay log, then stops replicating.
	positions := make(map[*Server]string)
	var posMu sync.Mutex
	err = eachServer(r.replicas, func(s *Server) error {
		return withConn(ctx, s, func(c *adminConn) error {
			if err := r.d.drain(ctx, c, s, r.stopped[s] || r.delay[s] > 0); err != nil {
				return err
			}
			pos, err := c.queryString(ctx, r.d.appliedPos)
			if err != nil {
				return err
			}
			posMu.Lock()
			positions[s] = pos
			posMu.Unlock()
			return nil
		})
	})
	if err != nil {
		return err
	}
	err = withConn(ctx, np, func(c *adminConn) error {
		for _, s := range others {
			covered, err := r.d.covers(ctx, c, positions[s])
			if err != nil {
				return err
			}
			if covered {
				continue
			}
			// s got further than np: np fetches the difference from s.
			if err := r.follow(ctx, c, s, 0); err != nil {
				return err
			}
			if err := r.d.waitApplied(ctx, c, np, positions[s]); err != nil {
				return err
			}
			if err := r.d.exec(ctx, c, r.d.stop); err != nil {
				return err
			}
		}
		if err := r.d.exec(ctx, c, r.d.stop); err != nil {
			return err
		}
		if err := r.d.exec(ctx, c, r.d.resetAll); err != nil {
			return err
		}
		return r.d.exec(ctx, c, "SET GLOBAL read_only = OFF")
	})
	if err != nil {
		return fmt.Errorf("mysqltest: promoting %s: %w", np.Addr(), err)
	}
	delete(r.stopped, np)
	delete(r.delay, np)
	r.primary = np
	r.replicas = others
	r.former = append(r.former, old)
	err = eachServer(others, func(s *Server) error {
		return withConn(ctx, s, func(c *adminConn) error {
			if r.stopped[s] {
				return r.d.exec(ctx, c, r.d.changeSource(np, r.delay[s]))
			}
			return r.follow(ctx, c, np, r.delay[s])
		})
	})
	if err != nil {
		return err
	}
	var pos string
	err = withConn(ctx, np, func(c *adminConn) (err error) {
		pos, err = c.queryString(ctx, r.d.binlogPos)
		return err
	})
	if err != nil {
		return err
	}
	return eachServer(others, func(s *Server) error {
		if r.stopped[s] || r.delay[s] > 0 {
			return nil
		}
		return withConn(ctx, s, func(c *adminConn) error {
			if err := r.d.waitRunning(ctx, c, s); err != nil {
				return err
			}
			return r.d.waitApplied(ctx, c, s, pos)
		})
	})
}

// Close stops every server of the cluster and removes their directories,
// returning the errors met. It is idempotent.
func (r *Replication) Close() error {
	r.mu.Lock()
	servers := r.serversLocked()
	r.mu.Unlock()
	return closeAll(servers)
}

// closeAll closes servers in parallel (nil entries are skipped) and joins
// their errors.
func closeAll(servers []*Server) error {
	return eachServer(servers, func(s *Server) error {
		if s == nil {
			return nil
		}
		return s.Close()
	})
}

// eachServer runs f for every server in parallel and joins the errors.
func eachServer(servers []*Server, f func(*Server) error) error {
	return parallel(len(servers), func(i int) error { return f(servers[i]) })
}

// parallel runs f(0) to f(n-1) in parallel and joins the errors, in order.
func parallel(n int, f func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// follow points the replica on c at source and starts replicating.
func (r *Replication) follow(ctx context.Context, c *adminConn, source *Server, delay int) error {
	if err := r.d.exec(ctx, c, r.d.stop); err != nil {
		return err
	}
	if err := r.d.exec(ctx, c, r.d.changeSource(source, delay)); err != nil {
		return err
	}
	return r.d.exec(ctx, c, r.d.start)
}

// dialect is the replication SQL of MariaDB or of MySQL.
type dialect struct {
	mariaDB bool
	// Statements.
	stop, start, resetAll string
	status                string
	setDelay              string // with %d seconds
	binlogPos             string // the position of everything a server logged
	appliedPos            string // the position a replica has applied
	// Columns of status.
	ioRunning, sqlRunning string
	readFile, readPos     string // how far the IO thread got
	execFile, execPos     string // how far the SQL thread got
}

func dialectFor(bins *ServerBinaries) dialect {
	if bins.MariaDB {
		return dialect{
			mariaDB: true,
			stop:    "STOP SLAVE", start: "START SLAVE", resetAll: "RESET SLAVE ALL",
			status:     "SHOW SLAVE STATUS",
			setDelay:   "CHANGE MASTER TO MASTER_DELAY = %d",
			binlogPos:  "SELECT @@GLOBAL.gtid_binlog_pos",
			appliedPos: "SELECT @@GLOBAL.gtid_slave_pos",
			ioRunning:  "Slave_IO_Running", sqlRunning: "Slave_SQL_Running",
			readFile: "Master_Log_File", readPos: "Read_Master_Log_Pos",
			execFile: "Relay_Master_Log_File", execPos: "Exec_Master_Log_Pos",
		}
	}
	return dialect{
		stop: "STOP REPLICA", start: "START REPLICA", resetAll: "RESET REPLICA ALL",
		status:     "SHOW REPLICA STATUS",
		setDelay:   "CHANGE REPLICATION SOURCE TO SOURCE_DELAY = %d",
		binlogPos:  "SELECT @@GLOBAL.gtid_executed",
		appliedPos: "SELECT @@GLOBAL.gtid_executed",
		ioRunning:  "Replica_IO_Running", sqlRunning: "Replica_SQL_Running",
		readFile: "Source_Log_File", readPos: "Read_Source_Log_Pos",
		execFile: "Relay_Source_Log_File", execPos: "Exec_Source_Log_Pos",
	}
}

// flags are the server flags of cluster member id (1 for the primary).
func (d dialect) flags(id int, replica bool) []string {
	f := []string{
		"--server-id=" + strconv.Itoa(id),
		"--log-bin=mysql-bin",
		"--relay-log=relay-bin",
		"--binlog-format=ROW",
	}
	if d.mariaDB {
		f = append(f, "--log-slave-updates=ON", "--gtid-strict-mode=ON")
	} else {
		f = append(f, "--gtid-mode=ON", "--enforce-gtid-consistency=ON")
	}
	if replica {
		f = append(f, "--read-only=ON")
	}
	return f
}

// changeSource is the statement that points a replica at source.
func (d dialect) changeSource(source *Server, delay int) string {
	if d.mariaDB {
		return fmt.Sprintf("CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = %d, MASTER_USER = 'root', MASTER_PASSWORD = '', "+
			"MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1, MASTER_DELAY = %d", source.Port(), delay)
	}
	return fmt.Sprintf("CHANGE REPLICATION SOURCE TO SOURCE_HOST = '127.0.0.1', SOURCE_PORT = %d, SOURCE_USER = 'root', SOURCE_PASSWORD = '', "+
		"SOURCE_AUTO_POSITION = 1, GET_SOURCE_PUBLIC_KEY = 1, SOURCE_CONNECT_RETRY = 1, SOURCE_DELAY = %d", source.Port(), delay)
}

func (d dialect) exec(ctx context.Context, c *adminConn, stmt string) error {
	return c.exec(ctx, stmt)
}

// replicaStatus is a replica's SHOW SLAVE STATUS row, by column name
// (NULL as ""); nil when the server replicates from nobody.
type replicaStatus map[string]string

func (d dialect) statusOf(ctx context.Context, c *adminConn) (replicaStatus, error) {
	res, err := c.query(ctx, d.status)
	if err != nil || len(res.rows) == 0 {
		return nil, err
	}
	st := replicaStatus{}
	for i, col := range res.columns {
		if v := res.rows[0][i]; v != nil {
			st[col.name] = *v
		}
	}
	return st, nil
}

// broken describes why the replica with status st cannot make progress, ""
// when it can (both threads run or are connecting).
func (d dialect) broken(st replicaStatus) string {
	if st == nil {
		return "it replicates from nobody"
	}
	var why []string
	if st[d.sqlRunning] != "Yes" {
		why = append(why, "its SQL thread is not running")
		if e := st["Last_SQL_Error"]; e != "" {
			why = append(why, "last SQL error: "+e)
		}
	}
	if io := st[d.ioRunning]; io != "Yes" && io != "Connecting" {
		why = append(why, "its IO thread is not running")
		if e := st["Last_IO_Error"]; e != "" {
			why = append(why, "last IO error: "+e)
		}
	}
	return strings.Join(why, "; ")
}

// poll calls f until it reports done, pausing between calls (from 5 ms up
// to 100 ms), until ctx is done.
func poll(ctx context.Context, f func() (done bool, err error)) error {
	delay := 5 * time.Millisecond
	for {
		done, err := f()
		if done || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// waitRunning returns when both replication threads of the replica on c run
// (its IO thread is connected to its source), failing early if a thread
// stopped on an error.
func (d dialect) waitRunning(ctx context.Context, c *adminConn, s *Server) error {
	var last replicaStatus
	err := poll(ctx, func() (bool, error) {
		st, err := d.statusOf(ctx, c)
		if err != nil {
			return false, err
		}
		last = st
		// Right after START SLAVE a thread may not have started yet: only
		// one stopped by an error is given up on.
		if why := d.broken(st); why != "" && (st == nil || st["Last_IO_Error"] != "" || st["Last_SQL_Error"] != "") {
			return false, fmt.Errorf("mysqltest: replica %s does not replicate: %s", s.Addr(), why)
		}
		return st[d.ioRunning] == "Yes" && st[d.sqlRunning] == "Yes", nil
	})
	if err != nil && ctx.Err() != nil && last != nil {
		return fmt.Errorf("mysqltest: replica %s: IO thread %s (last IO error: %q): %w", s.Addr(), last[d.ioRunning], last["Last_IO_Error"], err)
	}
	return err
}

// waitApplied returns when the server on c has applied pos, failing early
// if it is a replica whose replication stopped.
func (d dialect) waitApplied(ctx context.Context, c *adminConn, s *Server, pos string) error {
	wait := "MASTER_GTID_WAIT"
	if !d.mariaDB {
		wait = "WAIT_FOR_EXECUTED_GTID_SET"
	}
	return poll(ctx, func() (bool, error) {
		timeout := 0.5
		if dl, ok := ctx.Deadline(); ok {
			timeout = max(0, min(timeout, time.Until(dl).Seconds()-0.05))
		}
		// Both return 0 once pos is applied (else -1 or 1 on timeout).
		res, err := c.queryString(ctx, fmt.Sprintf("SELECT %s(%s, %.3f)", wait, quoteSQL(pos), timeout))
		if err != nil {
			return false, err
		}
		if res == "0" {
			return true, nil
		}
		st, err := d.statusOf(ctx, c)
		if err != nil {
			return false, err
		}
		if why := d.broken(st); why != "" {
			return false, fmt.Errorf("mysqltest: replica %s cannot apply %s: %s", s.Addr(), pos, why)
		}
		return false, nil
	})
}

// covers reports whether the server on c has applied pos.
func (d dialect) covers(ctx context.Context, c *adminConn, pos string) (bool, error) {
	q := "SELECT MASTER_GTID_WAIT(%s, 0) = 0"
	if !d.mariaDB {
		q = "SELECT GTID_SUBSET(%s, @@GLOBAL.gtid_executed)"
	}
	res, err := c.queryString(ctx, fmt.Sprintf(q, quoteSQL(pos)))
	return res == "1", err
}

// drain stops the IO thread of the replica on c, lets its SQL thread apply
// what it received (unless skip, or the SQL thread is not running), and
// stops replication.
func (d dialect) drain(ctx context.Context, c *adminConn, s *Server, skip bool) error {
	if !skip {
		if err := d.exec(ctx, c, d.stop+" IO_THREAD"); err != nil {
			return err
		}
		err := poll(ctx, func() (bool, error) {
			st, err := d.statusOf(ctx, c)
			if err != nil || st == nil || st[d.sqlRunning] != "Yes" {
				return true, err
			}
			return st[d.readFile] == st[d.execFile] && st[d.readPos] == st[d.execPos], nil
		})
		if err != nil {
			return fmt.Errorf("mysqltest: replica %s applying its relay log: %w", s.Addr(), err)
		}
	}
	return d.exec(ctx, c, d.stop)
}
