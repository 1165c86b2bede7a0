package cluster_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/cluster"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/sqlb"
)

// What a *Cluster promises to be.
var (
	_ sqlb.Executor     = (*cluster.Cluster)(nil)
	_ myx.TxBeginner    = (*cluster.Cluster)(nil)
	_ myx.TxRetrier     = (*cluster.Cluster)(nil)
	_ myx.TxRetryTracer = (*cluster.Cluster)(nil)
)

// shared is the replication cluster (a primary, two replicas) that the tests which leave its
// topology as they found it share: started by the first test that needs it, closed by
// TestMain.
var shared struct {
	once sync.Once
	r    *mysqltest.Replication
	err  error
	skip bool
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.r != nil {
		shared.r.Close()
	}
	os.Exit(code)
}

// sharedReplication returns the shared replication cluster, starting it on first use. Tests
// using it must not run in parallel with each other (some stop replicas) and must leave every
// replica running and caught up.
func sharedReplication(t testing.TB) *mysqltest.Replication {
	t.Helper()
	shared.once.Do(func() {
		if _, err := mysqltest.LookupServerBinaries(); err != nil {
			shared.err, shared.skip = err, true
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		shared.r, shared.err = mysqltest.StartReplication(ctx, mysqltest.ReplicationOptions{})
	})
	if shared.skip {
		if os.Getenv(mysqltest.EnvCI) == "true" {
			t.Fatalf("%v\n%s=true: a missing server binary is a failure, not a skip", shared.err, mysqltest.EnvCI)
		}
		t.Skip(shared.err)
	}
	if shared.err != nil {
		t.Fatalf("starting the replication cluster: %v", shared.err)
	}
	return shared.r
}

// newCluster opens a cluster on dsn (extra parameters appended), closed when the test ends.
func newCluster(t *testing.T, dsn string, cfgFn func(*cluster.Config)) *cluster.Cluster {
	t.Helper()
	cfg, err := cluster.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Pool.MaxConns == 0 {
		cfg.Pool.MaxConns = 3
	}
	if cfgFn != nil {
		cfgFn(cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := cluster.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cl.CloseContext(context.Background()); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return cl
}

// serverIDs maps each server's @@server_id to its address.
func serverIDs(t *testing.T, servers []*mysqltest.Server) map[int64]string {
	t.Helper()
	ids := map[int64]string{}
	for _, s := range servers {
		ctx := context.Background()
		c, err := myx.Connect(ctx, s.DSN())
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		err = c.QueryRow(ctx, "SELECT @@server_id").Scan(&id)
		c.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ids[id] = s.Addr()
	}
	return ids
}

// recorder is a HostTracer that keeps every change.
type recorder struct {
	mu     sync.Mutex
	events []cluster.HostChangeData
}

func (r *recorder) TraceHostChange(_ context.Context, d cluster.HostChangeData) {
	r.mu.Lock()
	r.events = append(r.events, d)
	r.mu.Unlock()
}

func (r *recorder) all() []cluster.HostChangeData {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]cluster.HostChangeData(nil), r.events...)
}

// BenchmarkReaderQueryRow measures a point read routed to a replica: the routing's cost in
// allocations shows in -benchmem (the times on this shared machine are noise).
func BenchmarkReaderQueryRow(b *testing.B) {
	r := sharedReplication(b)
	cfg, err := cluster.ParseConfig(r.DSN())
	if err != nil {
		b.Fatal(err)
	}
	cfg.Pool.MaxConns = 2
	ctx := context.Background()
	cl, err := cluster.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	rd := cl.Reader()
	b.ReportAllocs()
	for b.Loop() {
		var n int
		if err := rd.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil {
			b.Fatal(err)
		}
	}
}
