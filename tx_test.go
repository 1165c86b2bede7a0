package myx_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

func count(t *testing.T, c *myx.Conn, tbl string) int {
	t.Helper()
	var n int
	if err := c.QueryRow(ctxT(t), "SELECT COUNT(*) FROM "+tbl).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCommitRollbackAndSavepoints(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY") + " "

	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !c.InTransaction() {
		t.Error("InTransaction false after Begin")
	}
	tx.Exec(ctx, "INSERT INTO "+tbl+"VALUES (1)")
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); !errors.Is(err, myx.ErrTxClosed) {
		t.Errorf("Rollback after Commit: %v", err)
	}
	if _, err := tx.Exec(ctx, "DO 1"); !errors.Is(err, myx.ErrTxClosed) {
		t.Errorf("Exec after Commit: %v", err)
	}

	tx, _ = c.Begin(ctx)
	tx.Exec(ctx, "INSERT INTO "+tbl+"VALUES (2)")
	nested, err := tx.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nested.Exec(ctx, "INSERT INTO "+tbl+"VALUES (3)")
	if err := nested.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	nested2, _ := tx.Begin(ctx)
	nested2.Exec(ctx, "INSERT INTO "+tbl+"VALUES (4)")
	if err := nested2.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	rows, _ := c.Query(ctx, "SELECT id FROM "+tbl+"ORDER BY id")
	ids, _ := myx.CollectRows(rows, myx.RowTo[int])
	if fmt.Sprint(ids) != "[1 2 4]" {
		t.Errorf("ids %v, want [1 2 4]", ids)
	}

	tx, _ = c.Begin(ctx)
	tx.Exec(ctx, "INSERT INTO "+tbl+"VALUES (5)")
	tx.Rollback(ctx)
	if n := count(t, c, tbl); n != 3 {
		t.Errorf("rollback kept the row: %d rows", n)
	}
}

func TestBeginTxOptions(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.AllIsolationLevels, mysqltest.ReadOnlyTransactions)
	c := connect(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT")
	tx, err := c.BeginTx(ctx, myx.TxOptions{IsoLevel: myx.Serializable, ReadOnly: true, ConsistentSnapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	_, werr := tx.Exec(ctx, "INSERT INTO "+tbl+" VALUES (1)")
	tx.Rollback(ctx)
	var me *myx.MySQLError
	if !errors.As(werr, &me) || me.Number != 1792 {
		t.Errorf("write in READ ONLY transaction: %v", werr)
	}
	if _, err := c.BeginTx(ctx, myx.TxOptions{IsoLevel: "CHAOS"}); err == nil {
		t.Error("bad isolation level accepted")
	}
}

func TestBeginFuncCommitsRollsBackAndRepanics(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY")
	if err := myx.BeginFunc(ctx, c, func(tx myx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO "+tbl+" VALUES (1)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := myx.BeginFunc(ctx, c, func(tx myx.Tx) error {
		tx.Exec(ctx, "INSERT INTO "+tbl+" VALUES (2)")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic swallowed")
			}
		}()
		myx.BeginFunc(ctx, c, func(tx myx.Tx) error {
			tx.Exec(ctx, "INSERT INTO "+tbl+" VALUES (3)")
			panic("oops")
		})
	}()
	if n := count(t, c, tbl); n != 1 {
		t.Errorf("%d rows, want 1", n)
	}
	if c.InTransaction() {
		t.Error("transaction left open")
	}
}

// TestBeginFuncRetriesDeadlock makes two transactions deadlock and checks that the victim is
// retried and both commit.
func TestBeginFuncRetriesDeadlock(t *testing.T) {
	t.Parallel()
	c1 := connect(t)
	c2 := connect(t)
	ctx := ctxT(t)
	tbl := newTable(t, c1, "id INT PRIMARY KEY, v INT")
	c1.Exec(ctx, "INSERT INTO "+tbl+" VALUES (1, 0), (2, 0)")

	var wg sync.WaitGroup
	var attempts [2]atomic.Int32
	start := make(chan struct{})
	gate := make(chan struct{}, 2)
	run := func(i int, c *myx.Conn, first, second int) error {
		return myx.BeginTxFunc(ctx, c, myx.TxOptions{MaxAttempts: 5}, func(tx myx.Tx) error {
			n := attempts[i].Add(1)
			if _, err := tx.Exec(ctx, "UPDATE "+tbl+" SET v = v + 1 WHERE id = ?", first); err != nil {
				return err
			}
			if n == 1 {
				gate <- struct{}{}
				<-start // both hold their first lock
			}
			_, err := tx.Exec(ctx, "UPDATE "+tbl+" SET v = v + 1 WHERE id = ?", second)
			return err
		})
	}
	errs := make([]error, 2)
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = run(0, c1, 1, 2) }()
	go func() { defer wg.Done(); errs[1] = run(1, c2, 2, 1) }()
	<-gate
	<-gate
	close(start)
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("errors: %v / %v", errs[0], errs[1])
	}
	if attempts[0].Load()+attempts[1].Load() < 3 {
		t.Errorf("no retry happened: attempts %d and %d", attempts[0].Load(), attempts[1].Load())
	}
	var sum int
	c1.QueryRow(ctx, "SELECT SUM(v) FROM "+tbl).Scan(&sum)
	if sum != 4 {
		t.Errorf("sum %d, want 4 (each transaction applied exactly once)", sum)
	}
}

func TestBeginFuncReportsAttempts(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	n := 0
	err := myx.BeginTxFunc(ctx, c, myx.TxOptions{MaxAttempts: 3}, func(tx myx.Tx) error {
		n++
		return &myx.MySQLError{Number: myx.ErLockDeadlock, Message: "simulated"}
	})
	var te *myx.TxError
	if !errors.As(err, &te) || te.Attempts != 3 || n != 3 {
		t.Fatalf("got %v (%d runs)", err, n)
	}
}
