package pool

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// TestLoadWithFaults: 64 goroutines share 8 connections to a throwaway server through a
// fault-injecting proxy, inserting rows by transaction and by plain Exec, with random context
// cancellations, connections reset at random and one server restart in the middle. Afterwards
// every insert reported as committed is in the table, every insert reported as failed is not,
// no insert is there twice, no goroutine is left behind, and the server's connection count is
// the pool's own.
func TestLoadWithFaults(t *testing.T) {
	noGoroutineLeak(t) // first, so that its check runs after every other cleanup
	srv := mysqltest.StartServerT(t, mysqltest.ServerOptions{})
	cc := connConfigFor(t, srv.DSN())
	table := newTable(t, cc, "id BIGINT AUTO_INCREMENT PRIMARY KEY, k BIGINT NOT NULL, via CHAR(2) NOT NULL, KEY (k)")
	px, pc := newProxy(t, cc)
	p := newPool(t, pc, func(c *Config) {
		c.MaxConns = 8
		c.PingTimeout = time.Second
		c.ReleaseTimeout = 2 * time.Second
	})

	const workers = 64
	const duration = 6 * time.Second
	start := time.Now()
	deadline := start.Add(duration)

	type result struct {
		k   int64
		o   outcome
		err error
	}
	results := make([][]result, workers)
	var nextK atomic.Int64
	var reads, readErrs atomic.Int64

	// Chaos: connections reset at random, and a server restart half way.
	chaosDone := make(chan struct{})
	var restarts, resets atomic.Int64
	go func() {
		defer close(chaosDone)
		rng := rand.New(rand.NewPCG(1, 2))
		restarted := false
		for time.Now().Before(deadline) {
			time.Sleep(time.Duration(50+rng.IntN(150)) * time.Millisecond)
			switch {
			case !restarted && time.Since(start) > duration/2:
				restarted = true
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				if err := srv.Restart(ctx); err != nil {
					t.Errorf("restart: %v", err)
				}
				cancel()
				restarts.Add(1)
			case rng.IntN(10) == 0:
				resets.Add(int64(px.ResetAll()))
			default:
				if ids := px.ConnIDs(); len(ids) > 0 {
					if px.ResetConn(ids[rng.IntN(len(ids))]) {
						resets.Add(1)
					}
				}
			}
		}
	}()

	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 99))
			for time.Now().Before(deadline) {
				timeout := 3 * time.Second
				if rng.IntN(5) == 0 {
					timeout = time.Duration(rng.IntN(3000)) * time.Microsecond // a random cancellation
				}
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				k := nextK.Add(1)
				var err error
				var o outcome
				switch op := rng.IntN(10); {
				case op < 6:
					err = p.BeginFunc(ctx, func(tx myx.Tx) error {
						if _, err := tx.Exec(ctx, "INSERT INTO "+table+" (k, via) VALUES (?, 'tx')", k); err != nil {
							return err
						}
						return tx.QueryRow(ctx, "SELECT COUNT(*) FROM "+table+" WHERE k = ?", k).Scan(new(int))
					})
					o = txOutcome(err)
				case op < 9:
					_, err = p.Exec(ctx, "INSERT INTO "+table+" (k, via) VALUES (?, 'ex')", k)
					o = execOutcome(err)
				default:
					err = p.Idempotent(ctx, func(c *myx.Conn) error {
						return c.QueryRow(ctx, "SELECT COUNT(*) FROM "+table+" WHERE k < ?", k).Scan(new(int))
					})
					reads.Add(1)
					if err != nil {
						readErrs.Add(1)
					}
					cancel()
					continue
				}
				cancel()
				results[g] = append(results[g], result{k, o, err})
				if err != nil {
					time.Sleep(time.Duration(1+rng.IntN(10)) * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	<-chaosDone
	elapsed := time.Since(start)
	if elapsed > duration+20*time.Second {
		t.Errorf("the load took %v: something waited far beyond its context", elapsed)
	}

	// The pool settles with nothing in use, and every connection it keeps is one the server
	// has (the proxy reset some that were idle: the health check finds and drops them).
	settled(t, p)
	obs := direct(t, cc)
	var serverConns int
	if !eventually(10*time.Second, func() bool {
		p.healthCheck()
		if err := obs.QueryRow(context.Background(), "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND NOT IN ('Daemon', 'Binlog Dump')").Scan(&serverConns); err != nil {
			t.Fatalf("processlist: %v", err)
		}
		return serverConns == p.Stat().TotalConns
	}) {
		t.Errorf("the server has %d connections, the pool %+v", serverConns, p.Stat())
	}

	// What is in the table agrees with what callers were told.
	present := map[int64]int{}
	rows, err := obs.Query(context.Background(), "SELECT k, COUNT(*) FROM "+table+" GROUP BY k")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k int64
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		present[k] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var tally [3]int
	for _, rs := range results {
		for _, r := range rs {
			tally[r.o]++
			n := present[r.k]
			if n > 1 {
				t.Errorf("k=%d is in the table %d times (outcome %v, err %v)", r.k, n, r.o, r.err)
			}
			switch {
			case r.o == applied && n != 1:
				t.Errorf("k=%d reported committed but missing (err %v)", r.k, r.err)
			case r.o == notApplied && n != 0:
				t.Errorf("k=%d reported failed but present (err %v)", r.k, r.err)
			}
		}
	}
	s := p.Stat()
	t.Logf("%v: %d committed, %d failed, %d unknown; %d reads (%d failed); %d resets, %d restart(s); pool %+v",
		elapsed.Round(time.Millisecond), tally[applied], tally[notApplied], tally[unknown], reads.Load(), readErrs.Load(),
		resets.Load(), restarts.Load(), s)
	if tally[applied] < 100 || tally[notApplied] == 0 || restarts.Load() != 1 || resets.Load() == 0 {
		t.Errorf("the load did not exercise the faults it should have")
	}
}
