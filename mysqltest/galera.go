package mysqltest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultGaleraNodes is the number of nodes StartGalera starts when
// GaleraOptions.Nodes is zero.
const DefaultGaleraNodes = 3

// EnvGaleraProvider is the environment variable LookupGaleraProvider
// consults first: the path of the Galera library (libgalera_smm.so).
const EnvGaleraProvider = "MYSQLTEST_GALERA"

// galeraSearch are the usual places of the Galera 4 library.
var galeraSearch = []string{
	"/usr/lib/galera/libgalera_smm.so",   // Debian, Ubuntu (galera-4)
	"/usr/lib/galera-4/libgalera_smm.so", // older Debian packaging
	"/usr/lib64/galera-4/libgalera_smm.so",
	"/usr/lib64/galera/libgalera_smm.so", // Fedora, RHEL
	"/usr/lib/libgalera_smm.so",
	"/usr/local/lib/libgalera_smm.so",
	"/opt/homebrew/lib/libgalera_smm.so",
}

// LookupGaleraProvider returns the path of the Galera library StartGalera
// loads: $MYSQLTEST_GALERA if set, else the first of the usual install
// paths (Debian's galera-4 package puts it in /usr/lib/galera). The error
// says what to install.
func LookupGaleraProvider() (string, error) {
	if p := os.Getenv(EnvGaleraProvider); p != "" {
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			return "", fmt.Errorf("mysqltest: %s=%s is not a file", EnvGaleraProvider, p)
		}
		return p, nil
	}
	for _, p := range galeraSearch {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("mysqltest: no Galera library (libgalera_smm.so) in %s: install galera-4 (Debian/Ubuntu: apt-get install galera-4 rsync) or set %s to its path",
		strings.Join(galeraSearch, ", "), EnvGaleraProvider)
}

// GaleraOptions configures StartGalera.
type GaleraOptions struct {
	// Nodes is the number of nodes; zero means DefaultGaleraNodes.
	Nodes int
	// Provider is the path of the Galera library; empty means
	// LookupGaleraProvider.
	Provider string
	// ServerOptions apply to every node. Its Flags come after the Galera
	// settings StartGalera adds, so they can override them. An empty User
	// means "mysql" when the test runs as root (the rsync state transfer
	// fails as root). A zero StartTimeout means three minutes per node start,
	// state transfer included.
	ServerOptions
}

// Galera is a throwaway Galera cluster (MariaDB Galera Cluster) started by
// StartGalera: nodes that are throwaway *Server values, each with its own
// MySQL, group communication (gcomm), IST and SST ports on 127.0.0.1,
// state transfers by rsync. User root connects to each node without a
// password; database test exists and is replicated like everything else.
//
// Its methods may be called from any goroutine; StartNode and StopNode are
// serialized.
type Galera struct {
	provider string
	name     string // wsrep_cluster_name
	servers  []*Server

	mu sync.Mutex // serializes StartNode and StopNode

	portsMu sync.Mutex // guards nodes' ports and bootstrap flags
	nodes   []galeraNode
}

// galeraNode is what a node's command line needs beyond a Server's.
type galeraNode struct {
	gcomm, ist, sst int
	bootstrap       bool // the next start begins a new cluster
}

// StartGalera starts a Galera cluster of opts.Nodes nodes (default 3): the
// first bootstraps the cluster, the others join it one after the other by
// state transfer. It returns when every node is Synced (wsrep_local_state
// 4) and ready (wsrep_ready ON) in a cluster of all of them. It needs a
// MariaDB server, the Galera 4 library (see LookupGaleraProvider) and
// rsync. The caller must call Close. ctx bounds the whole start.
func StartGalera(ctx context.Context, opts GaleraOptions) (*Galera, error) {
	n := opts.Nodes
	if n == 0 {
		n = DefaultGaleraNodes
	}
	if n < 1 {
		return nil, fmt.Errorf("mysqltest: GaleraOptions.Nodes is %d; want at least 1 (0 means %d)", n, DefaultGaleraNodes)
	}
	if err := galeraPrerequisites(&opts); err != nil {
		return nil, err
	}
	so := opts.ServerOptions
	if so.User == "" && os.Geteuid() == 0 {
		so.User = "mysql"
	}
	if so.StartTimeout <= 0 {
		so.StartTimeout = 3 * time.Minute
	}
	g := &Galera{
		provider: opts.Provider,
		// Galera's handshake fails, saying little, on a group name longer
		// than about 32 bytes.
		name:    fmt.Sprintf("myx-%x", time.Now().UnixNano()&0xffffffffff),
		servers: make([]*Server, n),
		nodes:   make([]galeraNode, n),
	}
	// Without a template cache, the nodes join by full state transfer.
	tpl, err := galeraTemplate(ctx, so, g.provider)
	if err != nil && !errors.Is(err, errNoCache) {
		return nil, err
	}
	err = parallel(n, func(i int) (err error) {
		g.servers[i], err = newServer(ctx, so, tpl)
		return err
	})
	if err != nil {
		g.Close()
		return nil, err
	}
	for i, s := range g.servers {
		s.extraArgs = func() []string { return g.args(i) }
	}
	g.nodes[0].bootstrap = true
	// One after the other: joining together, the later nodes wait in a
	// non-primary view for the first join to end, which gains nothing.
	for i := 0; i < n && err == nil; i++ {
		err = g.firstStart(ctx, i)
	}
	if err != nil {
		g.Close()
		return nil, err
	}
	if err := g.WaitSynced(ctx); err != nil {
		g.Close()
		return nil, err
	}
	return g, nil
}

// galeraPrerequisites fills in opts.Binaries and opts.Provider and checks
// that what a Galera node needs is installed.
func galeraPrerequisites(opts *GaleraOptions) error {
	if opts.Binaries == nil {
		bins, err := LookupServerBinaries()
		if err != nil {
			return err
		}
		opts.Binaries = bins
	}
	if !opts.Binaries.MariaDB {
		return fmt.Errorf("mysqltest: StartGalera needs MariaDB; %s is not (%s)", opts.Binaries.Server, opts.Binaries.Version)
	}
	if opts.Provider == "" {
		p, err := LookupGaleraProvider()
		if err != nil {
			return err
		}
		opts.Provider = p
	}
	if _, err := exec.LookPath("rsync"); err != nil {
		return fmt.Errorf("mysqltest: StartGalera needs rsync for state transfers: install it (Debian/Ubuntu: apt-get install rsync): %w", err)
	}
	return nil
}

// StartGaleraT is StartGalera for tests: it starts the cluster with a
// timeout of five minutes and registers t.Cleanup to close it. If no server
// binaries, Galera library or rsync are installed it skips the test, or
// fails it when the CI environment variable is "true"; any other failure to
// start fails the test.
func StartGaleraT(t testing.TB, opts GaleraOptions) *Galera {
	t.Helper()
	if !lookupForT(t, &opts.ServerOptions) {
		return nil
	}
	if err := galeraPrerequisites(&opts); err != nil {
		if isCI() {
			t.Fatalf("%v\n%s=true: a missing Galera prerequisite is a failure, not a skip", err, EnvCI)
			return nil
		}
		t.Skip(err)
		return nil
	}
	return startT(t, "Galera cluster", 5*time.Minute, func(ctx context.Context) (*Galera, error) {
		return StartGalera(ctx, opts)
	})
}

// galeraTemplateMu serializes building Galera templates in this process.
var galeraTemplateMu sync.Mutex

// galeraTemplate returns the data directory of the cached Galera template
// for so and provider (creating it if needed): a data directory on which a
// one-node cluster was bootstrapped and then shut down cleanly, so that it
// holds a cluster position (grastate.dat and InnoDB's agree). Nodes copied
// from it join a cluster bootstrapped from another copy by IST of the few
// configuration changes in between, without the full state transfer (rsync
// of the data directory, run by shell scripts) that a fresh data directory
// needs. It fails with errNoCache when there is no template cache (or
// so.NoCache is set).
func galeraTemplate(ctx context.Context, so ServerOptions, provider string) (string, error) {
	if so.NoCache {
		return "", errNoCache
	}
	h := sha256.New()
	fmt.Fprintf(h, "mysqltest-galera-v1\x00%s\x00%s", templateKey(so.Binaries, so.InitFlags), provider)
	if fi, err := os.Stat(provider); err == nil {
		fmt.Fprintf(h, "\x00%d\x00%d", fi.Size(), fi.ModTime().UnixNano())
	}
	key := "galera-" + hex.EncodeToString(h.Sum(nil))[:24]
	return cachedTemplate(&galeraTemplateMu, key, func(work string) (string, error) {
		s, err := newServer(ctx, so, "")
		if err != nil {
			return "", err
		}
		defer s.Close()
		g := &Galera{provider: provider, name: "myx-template", servers: []*Server{s}, nodes: make([]galeraNode, 1)}
		g.nodes[0].bootstrap = true
		s.extraArgs = func() []string { return g.args(0) }
		if err := g.firstStart(ctx, 0); err != nil {
			return "", err
		}
		if err := s.Stop(ctx); err != nil {
			return "", err
		}
		// The write-set cache is large and rebuilt at start; the saved
		// primary component would make a copy try to restore it.
		if err := copyTree(s.dataDir, filepath.Join(work, "data"), "galera.cache", "gvwstate.dat"); err != nil {
			return "", fmt.Errorf("mysqltest: copying the Galera template: %w", err)
		}
		return fmt.Sprintf("galera template\nserver: %s\nversion: %s\nprovider: %s\nflags: %q\n",
			so.Binaries.Server, so.Binaries.Version, provider, so.InitFlags), nil
	})
}

// firstStart starts node i on free ports and waits until it is Synced.
func (g *Galera) firstStart(ctx context.Context, i int) error {
	s := g.servers[i]
	err := s.startOnFreePorts(ctx, func() error { return g.choosePorts(i) })
	if err != nil {
		return err
	}
	g.portsMu.Lock()
	g.nodes[i].bootstrap = false
	g.portsMu.Unlock()
	return g.waitNodeSynced(ctx, i, 0)
}

// choosePorts picks free ports for node i: its MySQL port and its gcomm,
// IST and SST ports, none of them used by another node of the cluster (IST
// and SST ports are only bound during a state transfer).
func (g *Galera) choosePorts(i int) error {
	g.portsMu.Lock()
	defer g.portsMu.Unlock()
	taken := map[int]bool{}
	for j, nd := range g.nodes {
		if j != i {
			taken[nd.gcomm], taken[nd.ist], taken[nd.sst] = true, true, true
			taken[g.servers[j].port] = true
		}
	}
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for len(ports) < 4 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("mysqltest: finding a free port: %w", err)
		}
		lns = append(lns, ln) // held open so that the next ones differ
		if p := ln.Addr().(*net.TCPAddr).Port; !taken[p] {
			ports = append(ports, p)
		}
	}
	// The server's port is set under its own process mutex, which the
	// caller (startOnFreePorts, before start) does not hold.
	g.servers[i].port = ports[0]
	g.nodes[i].gcomm, g.nodes[i].ist, g.nodes[i].sst = ports[1], ports[2], ports[3]
	return nil
}

// args are the Galera flags of node i for its next start.
func (g *Galera) args(i int) []string {
	g.portsMu.Lock()
	defer g.portsMu.Unlock()
	nd := g.nodes[i]
	var peers []string
	for _, o := range g.nodes {
		if o.gcomm != 0 {
			peers = append(peers, "127.0.0.1:"+strconv.Itoa(o.gcomm))
		}
	}
	gcomm := strconv.Itoa(nd.gcomm)
	a := []string{
		"--wsrep-on=ON",
		"--wsrep-provider=" + g.provider,
		"--wsrep-cluster-name=" + g.name,
		"--wsrep-cluster-address=gcomm://" + strings.Join(peers, ","),
		"--wsrep-node-name=node" + strconv.Itoa(i),
		"--wsrep-node-address=127.0.0.1:" + gcomm,
		"--wsrep-provider-options=base_port=" + gcomm +
			";gmcast.listen_addr=tcp://127.0.0.1:" + gcomm +
			";ist.recv_addr=127.0.0.1:" + strconv.Itoa(nd.ist) +
			// A small write-set cache: it is written in full at start.
			";gcache.size=16M" +
			// Membership forms faster when join messages are resent and
			// peers checked more often than each second (the timeouts
			// that declare a peer dead stay the defaults): in interleaved
			// rounds here, about 6 s to Synced instead of 8 to 9.
			";evs.join_retrans_period=PT0.2S;evs.inactive_check_period=PT0.2S",
		"--wsrep-sst-receive-address=127.0.0.1:" + strconv.Itoa(nd.sst),
		"--wsrep-sst-method=rsync",
		"--binlog-format=ROW",
		"--innodb-autoinc-lock-mode=2",
	}
	if nd.bootstrap {
		a = append(a, "--wsrep-new-cluster")
	}
	return a
}

// Nodes returns the cluster's nodes, in order (node 0 bootstrapped it).
func (g *Galera) Nodes() []*Server { return append([]*Server(nil), g.servers...) }

// Addrs returns the TCP addresses (127.0.0.1:PORT) of the nodes, in order.
func (g *Galera) Addrs() []string {
	addrs := make([]string, len(g.servers))
	for i, s := range g.servers {
		addrs[i] = s.Addr()
	}
	return addrs
}

// DSN returns a multi-host URL DSN for user root without a password naming
// every node, in load-balance mode:
// mysql://root@127.0.0.1:P1,127.0.0.1:P2,.../test?cluster_mode=load-balance.
func (g *Galera) DSN() string {
	return "mysql://root@" + strings.Join(g.Addrs(), ",") + "/test?cluster_mode=load-balance"
}

func (g *Galera) node(i int) (*Server, error) {
	if i < 0 || i >= len(g.servers) {
		return nil, fmt.Errorf("mysqltest: node index %d out of range (%d nodes)", i, len(g.servers))
	}
	return g.servers[i], nil
}

// StopNode shuts node i down cleanly: it leaves the cluster, which goes on
// without it. Stopping a stopped node is not an error. To make a node
// vanish without leaving, Kill it (Nodes()[i].Kill()).
func (g *Galera) StopNode(ctx context.Context, i int) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, err := g.node(i)
	if err != nil {
		return err
	}
	return s.Stop(ctx)
}

// StartNode starts node i again (stopped or killed) and returns when it has
// rejoined the cluster (by IST from a node's write-set cache when it can,
// else by full state transfer) and is Synced. If no other node runs, node
// i bootstraps a new cluster from its own data; Galera allows that only on
// the node that stopped last.
func (g *Galera) StartNode(ctx context.Context, i int) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, err := g.node(i)
	if err != nil {
		return err
	}
	alone := true
	for j, o := range g.servers {
		if j != i && o.Running() {
			alone = false
		}
	}
	g.portsMu.Lock()
	g.nodes[i].bootstrap = alone
	g.portsMu.Unlock()
	err = s.Start(ctx)
	g.portsMu.Lock()
	g.nodes[i].bootstrap = false
	g.portsMu.Unlock()
	if err != nil {
		return err
	}
	return g.waitNodeSynced(ctx, i, 0)
}

// WaitSynced returns when every running node is Synced and ready and sees
// a cluster of all the running nodes (so a killed node has been noticed
// gone), or ctx is done.
func (g *Galera) WaitSynced(ctx context.Context) error {
	var running []int
	for i, s := range g.servers {
		if s.Running() {
			running = append(running, i)
		}
	}
	return parallel(len(running), func(k int) error {
		return g.waitNodeSynced(ctx, running[k], len(running))
	})
}

// galeraStatus is what waitNodeSynced reads of a node.
type galeraStatus struct {
	state, ready, comment string
	size                  int
}

func readGaleraStatus(ctx context.Context, c *adminConn) (galeraStatus, error) {
	var st galeraStatus
	res, err := c.query(ctx, "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state', 'wsrep_ready', 'wsrep_cluster_size', 'wsrep_local_state_comment')")
	if err != nil {
		return st, err
	}
	for i := range res.rows {
		value := res.value(i, 1)
		switch strings.ToLower(res.value(i, 0)) {
		case "wsrep_local_state":
			st.state = value
		case "wsrep_ready":
			st.ready = value
		case "wsrep_local_state_comment":
			st.comment = value
		case "wsrep_cluster_size":
			st.size, _ = strconv.Atoi(value)
		}
	}
	return st, nil
}

// waitNodeSynced returns when node i is Synced (wsrep_local_state 4) and
// ready, in a cluster of size nodes if size > 0, failing if its process
// exits.
func (g *Galera) waitNodeSynced(ctx context.Context, i, size int) error {
	s := g.servers[i]
	var c *adminConn
	defer func() {
		if c != nil {
			c.close()
		}
	}()
	var last galeraStatus
	var lastErr error
	err := poll(ctx, func() (bool, error) {
		if !s.Running() {
			return false, fmt.Errorf("mysqltest: Galera node %d (%s) is not running\nfrom %s:\n%s", i, s.Addr(), s.errLog, serverLog.excerpt(s.errLog, 0))
		}
		if c == nil {
			var err error
			if c, err = dialAdmin(ctx, s); err != nil {
				c, lastErr = nil, err
				return false, nil
			}
		}
		st, err := readGaleraStatus(ctx, c)
		if err != nil {
			c.close()
			c, lastErr = nil, err
			return false, nil
		}
		last, lastErr = st, nil
		return st.state == "4" && st.ready == "ON" && (size <= 0 || st.size == size), nil
	})
	if err != nil && ctx.Err() != nil {
		what := fmt.Sprintf("state %q (%s), ready %q, cluster size %d", last.state, last.comment, last.ready, last.size)
		if lastErr != nil {
			what = lastErr.Error()
		}
		return fmt.Errorf("mysqltest: Galera node %d (%s) not Synced (want cluster size %d): %s: %w", i, s.Addr(), size, what, err)
	}
	return err
}

// Close stops every node and removes their directories, returning the
// errors met. It is idempotent.
func (g *Galera) Close() error { return closeAll(g.servers) }
