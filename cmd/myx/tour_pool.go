package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/pool"
)

// poolSteps is the tour's chapter on the pool and resilience.
func (t *tour) poolSteps() []step {
	return []step{
		{title: "A pool of 5 connections serving 20 concurrent workers", run: t.poolWorkers,
			intro: "A *pool.Pool is safe for concurrent use. Its Exec, Query and QueryRow take " +
				"a connection, run the statement and give the connection back (QueryRow: " +
				"once Scan has read the row). It opens connections on demand, up to MaxConns; " +
				"when all are busy, callers wait their turn, first come, first served."},
		{title: "A pooled transaction that rolls back on error", run: t.poolRollback,
			intro: "Pool.BeginFunc is BeginFunc on a pooled connection, held for the whole " +
				"transaction. It runs the function again after a deadlock or a lock wait " +
				"timeout, since those succeed when retried; other errors end it at once."},
		{title: "Reconnecting, built in: a connection killed under the pool", run: t.poolReconnect,
			skip: t.skipOnTiDB("TiDB does not close a killed idle connection promptly"),
			intro: "A DBA's KILL, a failover or wait_timeout can close an idle connection. " +
				"Before handing a connection out, the pool checks, without a round trip, " +
				"whether the server has closed it; a dead one is replaced and the caller never " +
				"sees it."},
	}
}

func (t *tour) poolWorkers() error {
	ctx, cfg := t.ctx, t.cfg
	//tour:show
	p, err := pool.NewWithConfig(ctx, &pool.Config{ConnConfig: cfg, MaxConns: 5})
	if err != nil {
		return err
	}
	defer p.Close()
	var mu sync.Mutex
	queries := map[uint32]int{} // connection id -> queries it ran
	var wg sync.WaitGroup
	var firstErr error
	start := time.Now()
	for w := range 20 {
		wg.Go(func() {
			for i := range 3 {
				var id uint32
				var n int
				// SLEEP(0.01) holds the connection a moment, so that the workers overlap.
				err := p.QueryRow(ctx, "SELECT CONNECTION_ID(), ? + SLEEP(0.01)", w*3+i).
					Scan(&id, &n)
				mu.Lock()
				queries[id]++
				firstErr = cmp.Or(firstErr, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	elapsed := time.Since(start)
	s := p.Stat()
	//tour:hide
	ids := slices.Sorted(maps.Keys(queries))
	var counts []string
	for _, id := range ids {
		counts = append(counts, strconv.Itoa(queries[id]))
	}
	printf("20 workers ran 60 queries in %v on %d connections; queries per connection: %s",
		elapsed.Round(time.Millisecond), len(ids), strings.Join(counts, ", "))
	printf("p.Stat(): opened %d connections; of %d acquires, %d waited for a connection being "+
		"opened (%v on average), %d for a busy one to be released (%v on average)",
		s.CreatedConns, s.AcquireCount, s.OpenWaitCount, average(s.OpenWaitDuration, s.OpenWaitCount),
		s.WaitCount, average(s.WaitDuration, s.WaitCount))
	if len(ids) > 5 {
		return fmt.Errorf("the pool used %d connections, more than its 5", len(ids))
	}
	return nil
}

// skipOnTiDB returns a step's skip function: the reason on TiDB, nothing elsewhere.
func (t *tour) skipOnTiDB(reason string) func() string {
	return func() string {
		if t.conn.ServerInfo().Flavor == myx.TiDB {
			return reason + ", so this step needs MariaDB or MySQL"
		}
		return ""
	}
}

// average is d/n, rounded for printing.
func average(d time.Duration, n int64) time.Duration {
	if n == 0 {
		return 0
	}
	return (d / time.Duration(n)).Round(100 * time.Microsecond)
}

func (t *tour) poolRollback() error {
	ctx, cfg := t.ctx, t.cfg
	//tour:show
	p, err := pool.NewWithConfig(ctx, &pool.Config{ConnConfig: cfg, MaxConns: 2})
	if err != nil {
		return err
	}
	defer p.Close()
	//tour:hide
	var before int
	if err := p.QueryRow(ctx, "SELECT COUNT(*) FROM user").Scan(&before); err != nil {
		return err
	}
	//tour:show
	err = p.BeginFunc(ctx, func(tx myx.Tx) error {
		res, err := tx.Exec(ctx, "INSERT INTO user (username, created) VALUES (?, NOW())", "zhou")
		if err != nil {
			return err
		}
		printf("inserted zhou (id %d) inside the transaction", res.LastInsertID)
		// No user 999999: the foreign key refuses the job, and everything is undone.
		_, err = tx.Exec(ctx, "INSERT INTO jobs (jobs, user_id) VALUES (?, ?)", "ghost", 999999)
		return err
	})
	var me *myx.MySQLError
	var te *myx.TxError
	if errors.As(err, &me) && errors.As(err, &te) {
		printf("failed after %d attempt with error %d: %s", te.Attempts, me.Number, me.Message)
	}
	//tour:hide
	if me == nil || te == nil {
		return fmt.Errorf("expected a foreign key error, got %v", err)
	}
	var after int
	if err := p.QueryRow(ctx, "SELECT COUNT(*) FROM user").Scan(&after); err != nil {
		return err
	}
	printf("rolled back: %d users before, %d after; the connection went back to the pool "+
		"(connections in use now: %d)", before, after, p.Stat().InUseConns)
	if before != after {
		return errors.New("the rollback did not undo the insert")
	}
	return nil
}

func (t *tour) poolReconnect() error {
	ctx, cfg, conn := t.ctx, t.cfg, t.conn
	//tour:show
	p, err := pool.NewWithConfig(ctx, &pool.Config{ConnConfig: cfg, MaxConns: 1})
	if err != nil {
		return err
	}
	defer p.Close()
	var victim uint32
	err = p.QueryRow(ctx, "SELECT CONNECTION_ID()").Scan(&victim)
	if err != nil {
		return err
	}
	err = killConn(ctx, conn, victim) // as a DBA, a failover or wait_timeout would
	if err != nil {
		return err
	}
	printf("another session ran KILL CONNECTION %d, the pool's only connection, idle now", victim)

	var n int
	var id uint32
	err = p.QueryRow(ctx, "SELECT COUNT(*), CONNECTION_ID() FROM user").Scan(&n, &id)
	if err != nil {
		return err
	}
	s := p.Stat()
	printf("the next query through the pool ran on connection %d and found %d users", id, n)
	printf("the pool found %d closed, replaced it (destroyed %d, opened %d in all); "+
		"the caller saw no error", victim, s.DestroyedConns, s.CreatedConns)
	//tour:hide
	if id == victim {
		return errors.New("the killed connection was reused")
	}

	//tour:show

	// Without a pool: a bare *myx.Conn, killed the same way, answers with a typed error.
	bare, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer bare.Close(ctx)
	err = killConn(ctx, conn, bare.ConnID())
	if err != nil {
		return err
	}
	err = bare.CheckConn() // looks at the socket, no round trip
	//tour:hide
	// The close can reach this machine a moment after the server has dropped the session
	// from its process list: give it that moment.
	for deadline := time.Now().Add(5 * time.Second); err == nil && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		err = bare.CheckConn()
	}
	//tour:show
	printf("bare.CheckConn(): %v", err)
	printf("myx.IsConnLost(err) = %v: the server has closed the connection (errors.Is(err, "+
		"io.EOF) = %v)", myx.IsConnLost(err), errors.Is(err, io.EOF))
	printf("myx.SafeToRetry(err) = %v: nothing was sent, so the statement can run elsewhere",
		myx.SafeToRetry(err))
	//tour:hide
	if err == nil {
		return errors.New("CheckConn found nothing wrong with a killed connection")
	}
	return nil
}

// killConn kills connection id from conn, and returns once the server has closed it.
func killConn(ctx context.Context, conn *myx.Conn, id uint32) error {
	_, err := conn.Exec(ctx, "KILL CONNECTION "+strconv.FormatUint(uint64(id), 10))
	if err != nil {
		return err
	}
	// KILL returns before the victim's thread has closed its socket: wait until it is gone.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		err := conn.QueryRow(ctx, "SELECT COUNT(*) FROM information_schema.PROCESSLIST "+
			"WHERE ID = ?", id).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			time.Sleep(10 * time.Millisecond) // and for its close to reach this machine
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("connection %d survived KILL CONNECTION", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
