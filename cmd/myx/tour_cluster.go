package main

import (
	"context"
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/myxdb/myx/cluster"
	"github.com/myxdb/myx/mysqltest"
)

// clusterTour is the state of the tour's cluster chapter: the servers it started and the
// cluster connected to them (both nil when the chapter is skipped).
type clusterTour struct {
	rep  *mysqltest.Replication
	c    *cluster.Cluster
	name map[int]string // server port -> "the primary", "replica 1", "replica 2"
	// skip is why the chapter is skipped ("" when it runs); skipStep is the number of its
	// first step, which says so.
	skip     string
	skipStep int
}

// clusterSteps is the tour's chapter on clusters: a primary and two replicas started for the
// tour from the installed server binaries, used through package cluster.
func (t *tour) clusterSteps() []step {
	skip := func() string {
		if t.cl.c == nil {
			return fmt.Sprintf("no cluster (step %d says why)", t.cl.skipStep)
		}
		return ""
	}
	return []step{
		{title: "Clusters: a primary and two replicas", run: t.clusterStart,
			also: []string{"hostNames", "portOf"},
			skip: func() string {
				t.cl.skipStep = t.step
				return t.cl.skip
			},
			intro: "mysqltest starts throwaway servers: here a primary and two replicas in " +
				"GTID replication, each its own mariadbd (or mysqld) on its own port. " +
				"cluster.New takes the multi-host DSN; in cluster_mode=replication it asks " +
				"each server what it is (read_only, replica status) rather than trusting " +
				"the order, and keeps a pool per host."},
		{title: "Clusters: reads on a replica, when asked for", run: t.clusterReads, skip: skip,
			intro: "Writes and transactions go to the primary. A read goes to a replica only " +
				"when the caller says so: through the Reader handle, or with the context " +
				"option cluster.ReadFromReplica. SELECT @@port tells which server answered."},
		{title: "Clusters: a write read back at once on a replica", run: t.clusterReadYourWrites,
			skip: skip,
			intro: "Replication is asynchronous: right after a commit a replica may not have " +
				"it yet. A Session records the GTID of each commit made under it; a read " +
				"through the Reader under the same Session first waits, within a bound, " +
				"until the chosen replica has applied it (else it reads on the primary). " +
				"Its Position is text, to carry to the next request (a cookie, a web session)."},
		{title: "Clusters: a replica stopped, the reads move, and back", run: t.clusterReplicaStopped,
			skip: skip, also: []string{"readsByHost"},
			intro: "STOP SLAVE on replica 1: it stops applying the primary's changes. Its " +
				"lag (Seconds_Behind_Master) is then unknown, and a replica of unknown lag, " +
				"or lag over LagLimit (10s by default), gets no reads until it is back. " +
				"The monitor checks every host each CheckPeriod; Refresh checks now. Stat " +
				"shows what it found."},
		{title: "Clusters: closing", run: t.clusterClose, skip: skip,
			intro: "Close closes every host's pool. The tour then stops its three servers."},
	}
}

// hostNames names the servers of rep by port, as the tour prints them.
func hostNames(rep *mysqltest.Replication) map[int]string {
	name := map[int]string{rep.Primary().Port(): "the primary"}
	for i, r := range rep.Replicas() {
		name[r.Port()] = fmt.Sprintf("replica %d", i+1)
	}
	return name
}

func (t *tour) clusterStart() error {
	ctx := t.ctx
	//tour:show
	start := time.Now()
	rep, err := mysqltest.StartReplication(ctx, mysqltest.ReplicationOptions{Replicas: 2})
	if err != nil {
		return err
	}
	//tour:hide
	t.cl.rep = rep
	//tour:show
	name := hostNames(rep)
	printf("started the primary and two replicas in %v: %s",
		time.Since(start).Round(time.Millisecond), strings.Join(rep.Addrs(), ", "))

	cfg, err := cluster.ParseConfig(rep.DSN())
	if err != nil {
		return err
	}
	//tour:hide
	cfg.Tracer = t.tracer // -trace
	//tour:show
	c, err := cluster.NewWithConfig(ctx, cfg) // checks every host once before it returns
	if err != nil {
		return err
	}
	//tour:hide
	t.cl.c, t.cl.name = c, name
	//tour:show
	printf("connected with the DSN %s", rep.DSN())
	for _, h := range c.Stat().Hosts {
		printf("  %s is %s: role %s, %s", h.Addr, name[portOf(h.Addr)], h.Role, h.State)
	}
	//tour:hide
	_, err = c.Exec(ctx, "CREATE TABLE IF NOT EXISTS tour_notes "+
		"(id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(100) NOT NULL)")
	return err
}

func (t *tour) clusterReads() error {
	ctx, c, name := t.ctx, t.cl.c, t.cl.name
	//tour:show
	var port int
	err := c.QueryRow(ctx, "SELECT @@port").Scan(&port)
	if err != nil {
		return err
	}
	printf("c.QueryRow:            answered by %s", name[port])
	err = c.Reader().QueryRow(ctx, "SELECT @@port").Scan(&port)
	if err != nil {
		return err
	}
	printf("c.Reader().QueryRow:   answered by %s", name[port])
	err = c.QueryRow(cluster.ReadFromReplica(ctx), "SELECT @@port").Scan(&port)
	if err != nil {
		return err
	}
	printf("with ReadFromReplica:  answered by %s", name[port])
	//tour:hide
	if !strings.HasPrefix(name[port], "replica") {
		return fmt.Errorf("a read from a replica was answered by %s", name[port])
	}
	return nil
}

func (t *tour) clusterReadYourWrites() error {
	ctx, c, name := t.ctx, t.cl.c, t.cl.name
	//tour:show
	s := cluster.NewSession()
	sctx := cluster.WithSession(ctx, s)
	for i := range 3 {
		res, err := c.Exec(sctx, "INSERT INTO tour_notes (note) VALUES (?)",
			fmt.Sprintf("note %d", i))
		if err != nil {
			return err
		}
		var note string
		var port int
		err = c.Reader().QueryRow(sctx, "SELECT note, @@port FROM tour_notes WHERE id = ?",
			res.LastInsertID).Scan(&note, &port)
		if err != nil {
			return err
		}
		printf("wrote %q (id %d), read it back at once on %s", note, res.LastInsertID,
			name[port])
	}
	carried := s.Position().String() // e.g. in a cookie
	printf("the session's position: %s", carried)

	// The next request, maybe in another process: the same guarantee from the text.
	pos, err := cluster.ParsePosition(carried)
	if err != nil {
		return err
	}
	next := cluster.WithSession(ctx, cluster.ResumeSession(pos))
	var n int
	err = c.Reader().QueryRow(next, "SELECT COUNT(*) FROM tour_notes").Scan(&n)
	if err != nil {
		return err
	}
	printf("a resumed session sees all %d notes", n)
	//tour:hide
	if n < 3 {
		return fmt.Errorf("the resumed session saw %d notes, want at least 3", n)
	}
	return nil
}

// readsByHost runs 20 reads through the Reader and counts which server answered them.
func readsByHost(ctx context.Context, c *cluster.Cluster, name map[int]string) (string, error) {
	count := map[string]int{}
	for range 20 {
		var port int
		err := c.Reader().QueryRow(ctx, "SELECT @@port").Scan(&port)
		if err != nil {
			return "", err
		}
		count[name[port]]++
	}
	var out []string
	for _, host := range slices.Sorted(maps.Keys(count)) {
		out = append(out, fmt.Sprintf("%s %d", host, count[host]))
	}
	return strings.Join(out, ", "), nil
}

func (t *tour) clusterReplicaStopped() error {
	ctx, c, rep, name := t.ctx, t.cl.c, t.cl.rep, t.cl.name
	//tour:show
	before, err := readsByHost(ctx, c, name)
	if err != nil {
		return err
	}
	printf("20 reads before: %s", before)

	err = rep.StopReplica(ctx, 0) // replica 1
	if err != nil {
		return err
	}
	printf("STOP SLAVE on replica 1")
	err = c.Refresh(ctx) // check every host now, not at the next CheckPeriod (1s by default)
	if err != nil {
		return err
	}
	after, err := readsByHost(ctx, c, name)
	if err != nil {
		return err
	}
	printf("20 reads after:  %s", after)
	for _, h := range c.Stat().Hosts {
		printf("  Stat: %-11s role %-7s %s, lag %v (known: %v)", name[portOf(h.Addr)], h.Role,
			h.State, h.Lag, h.LagKnown)
	}

	err = rep.StartReplica(ctx, 0)
	if err != nil {
		return err
	}
	err = rep.WaitCaughtUp(ctx)
	if err != nil {
		return err
	}
	err = c.Refresh(ctx)
	if err != nil {
		return err
	}
	back, err := readsByHost(ctx, c, name)
	if err != nil {
		return err
	}
	printf("START SLAVE, caught up; 20 reads: %s", back)
	//tour:hide
	if strings.Contains(after, "replica 1") {
		return fmt.Errorf("reads still went to the stopped replica: %s", after)
	}
	if !strings.Contains(back, "replica 1") {
		return fmt.Errorf("no reads went to the restarted replica: %s", back)
	}
	return nil
}

func (t *tour) clusterClose() error {
	c, rep := t.cl.c, t.cl.rep
	//tour:show
	c.Close()
	start := time.Now()
	err := rep.Close()
	if err != nil {
		return err
	}
	printf("closed the cluster; stopped the three servers in %v",
		time.Since(start).Round(time.Millisecond))
	//tour:hide
	t.cl.c, t.cl.rep = nil, nil
	return nil
}

// closeCluster stops what the cluster chapter started, when a step failed before its end.
func (t *tour) closeCluster() {
	if t.cl.c != nil {
		t.cl.c.Close()
		t.cl.c = nil
	}
	if t.cl.rep != nil {
		t.cl.rep.Close()
		t.cl.rep = nil
	}
}

// portOf is the port of a "host:port" address.
func portOf(addr string) int {
	_, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	return n
}
