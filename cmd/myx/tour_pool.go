package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/pool"
)

// poolSteps is the tour's chapter on the pool and resilience.
func (t *tour) poolSteps() []func() error {
	return []func() error{t.poolWorkers, t.poolRollback, t.poolReconnect}
}

// newTourPool opens a pool of size connections to the tour database.
func (t *tour) newTourPool(size int) (*pool.Pool, error) {
	return pool.NewWithConfig(t.ctx, &pool.Config{ConnConfig: t.cfg.Copy(), MaxConns: size})
}

func (t *tour) poolWorkers() error {
	t.section("A pool of 5 connections serving 20 concurrent workers")
	p, err := t.newTourPool(5)
	if err != nil {
		return err
	}
	defer p.Close()
	const workers, perWorker = 20, 3
	var mu sync.Mutex
	used := map[uint32]int{}
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				// Each query holds its connection for a moment, so the workers really overlap.
				var id uint32
				var n int
				if err := p.QueryRow(t.ctx, "SELECT CONNECTION_ID(), ? + SLEEP(0.01)", w*perWorker+i).Scan(&id, &n); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				used[id]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	ids := make([]uint32, 0, len(used))
	for id := range used {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var parts []string
	for _, id := range ids {
		parts = append(parts, fmt.Sprintf("%d (%d queries)", id, used[id]))
	}
	s := p.Stat()
	say("%d workers ran %d queries in %v on %d connections: %s", workers, workers*perWorker,
		time.Since(start).Round(time.Millisecond), len(ids), strings.Join(parts, ", "))
	say("pool: %d opened, %d acquires, %d of them waited (first come, first served) for %v in all",
		s.CreatedConns, s.AcquireCount, s.WaitCount, s.WaitDuration.Round(time.Millisecond))
	if len(ids) > 5 {
		return fmt.Errorf("the pool used %d connections, more than its 5", len(ids))
	}
	return nil
}

func (t *tour) poolRollback() error {
	t.section("A pooled transaction that rolls back on error")
	p, err := t.newTourPool(2)
	if err != nil {
		return err
	}
	defer p.Close()
	var before int
	if err := p.QueryRow(t.ctx, "SELECT COUNT(*) FROM user").Scan(&before); err != nil {
		return err
	}
	err = p.BeginFunc(t.ctx, func(tx myx.Tx) error {
		res, err := tx.Exec(t.ctx, "INSERT INTO user (username, created) VALUES (?, ?)", "zhou", time.Now())
		if err != nil {
			return err
		}
		say("inserted zhou (id %d) inside the transaction", res.LastInsertID)
		// A job for a user that does not exist violates the foreign key: everything is undone.
		_, err = tx.Exec(t.ctx, "INSERT INTO jobs (jobs, user_id) VALUES (?, ?)", "ghost", 999999)
		return err
	})
	var me *myx.MySQLError
	var te *myx.TxError
	if !errors.As(err, &me) || !errors.As(err, &te) {
		return fmt.Errorf("expected a foreign key error, got %v", err)
	}
	say("the job insert failed after %d attempt (not a deadlock, so not retried): error %d: %s", te.Attempts, me.Number, me.Message)
	var after int
	if err := p.QueryRow(t.ctx, "SELECT COUNT(*) FROM user").Scan(&after); err != nil {
		return err
	}
	say("rolled back: %d users before, %d after; the connection went back to the pool clean (in use: %d)", before, after, p.Stat().InUseConns)
	if before != after {
		return errors.New("the rollback did not undo the insert")
	}
	return nil
}

func (t *tour) poolReconnect() error {
	t.section("Reconnecting, built in: a connection killed under the pool")
	p, err := t.newTourPool(1)
	if err != nil {
		return err
	}
	defer p.Close()
	var victim uint32
	if err := p.QueryRow(t.ctx, "SELECT CONNECTION_ID()").Scan(&victim); err != nil {
		return err
	}
	say("the pool's only connection has id %d; it is idle in the pool now", victim)
	// A second session kills it, as a DBA, a failover or wait_timeout would.
	if _, err := t.conn.Exec(t.ctx, "KILL CONNECTION "+strconv.FormatUint(uint64(victim), 10)); err != nil {
		return err
	}
	say("a second session ran KILL CONNECTION %d", victim)
	if err := t.waitGone(victim); err != nil {
		return err
	}

	// What a bare connection would see: the same story, by hand.
	bare, err := myx.ConnectConfig(t.ctx, t.cfg)
	if err != nil {
		return err
	}
	if _, err := t.conn.Exec(t.ctx, "KILL CONNECTION "+strconv.FormatUint(uint64(bare.ConnID()), 10)); err != nil {
		return err
	}
	if err := t.waitGone(bare.ConnID()); err != nil {
		return err
	}
	cerr := bare.CheckConn()
	say("a bare connection killed the same way: CheckConn says %v; SafeToRetry=%v", cerr, myx.SafeToRetry(cerr))
	bare.Close(context.Background())

	start := time.Now()
	var n int
	var id uint32
	if err := p.QueryRow(t.ctx, "SELECT COUNT(*), CONNECTION_ID() FROM user").Scan(&n, &id); err != nil {
		return fmt.Errorf("the next query failed: %w", err)
	}
	s := p.Stat()
	say("the next query through the pool succeeded in %v: %d users, on connection %d", time.Since(start).Round(time.Microsecond), n, id)
	say("the pool found %d dead before sending anything, closed it and opened a new one (%d destroyed, %d opened); the caller saw no error",
		victim, s.DestroyedConns, s.CreatedConns)
	if id == victim {
		return errors.New("the killed connection was reused")
	}
	return nil
}

// waitGone waits until the server has finished killing connection id (KILL returns before the
// connection's thread has closed its socket).
func (t *tour) waitGone(id uint32) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		var n int
		if err := t.conn.QueryRow(t.ctx, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?", id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			time.Sleep(10 * time.Millisecond) // and its close reaches us
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("connection %d survived KILL CONNECTION", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
