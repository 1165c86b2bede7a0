package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/myxdb/myx"
)

// fkSteps is the tour's chapter on foreign keys kept in application code.
func (t *tour) fkSteps() []step {
	return []step{
		{title: "Foreign keys in application code: tables without constraints", run: t.fkTables,
			intro: "Many teams leave FOREIGN KEY constraints out of the database: online " +
				"schema-change tools such as gh-ost refuse tables that have them, sharded " +
				"systems such as Vitess cannot check them across shards, and cascades change " +
				"rows the application never sees. The application then keeps the rule itself, " +
				"in the transaction that writes, with locking reads. Here orders.customer_id " +
				"has an index but no constraint."},
		{title: "Placing an order: a locking read of the customer", run: t.fkPlaceOrder,
			also: []string{"shareLock", "errNoCustomer", "placeOrder"},
			intro: "The order is inserted only after a share-locking read has found its " +
				"customer. The lock keeps the customer from being deleted until the " +
				"transaction ends; a plain SELECT would lock nothing."},
		{title: "Deleting a customer: FOR UPDATE, refused while orders exist", run: t.fkDelete,
			also: []string{"errHasOrders", "deleteCustomer"},
			intro: "The application's ON DELETE RESTRICT: lock the customer row exclusively, " +
				"count its orders with a locking read (it sees the latest committed rows, not " +
				"the transaction's snapshot), and delete only when there are none. Deleting " +
				"the orders first, in the same transaction, would be the cascade."},
		{title: "Two sessions at once: the locks put them in order", run: t.fkConcurrent,
			intro: "Session A places an order for cy and has not committed yet; session B " +
				"wants to delete cy. With NOWAIT, B learns at once that the row is locked " +
				"(MariaDB reports it as a lock wait timeout, 1205, after no wait at all). " +
				"Without it, B's FOR UPDATE waits for A; once A commits, B counts A's order " +
				"and refuses. Without the locks, B could count no orders and delete cy while " +
				"A's order goes in: an order without a customer."},
	}
}

func (t *tour) fkTables() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	for _, q := range []string{
		"DROP TABLE IF EXISTS orders, customers",
		`CREATE TABLE customers (
			id INT AUTO_INCREMENT PRIMARY KEY,
			name VARCHAR(50) NOT NULL)`,
		`CREATE TABLE orders (
			id INT AUTO_INCREMENT PRIMARY KEY,
			customer_id INT NOT NULL,
			item VARCHAR(100) NOT NULL,
			KEY (customer_id))`, // an index for the checks, no FOREIGN KEY
		"INSERT INTO customers (name) VALUES ('ana'), ('ben'), ('cy')",
	} {
		_, err := conn.Exec(ctx, q)
		if err != nil {
			return err
		}
	}
	printf("created customers (ana 1, ben 2, cy 3) and orders (id, customer_id, item)")
	//tour:hide
	shareLock = "LOCK IN SHARE MODE"
	if conn.ServerInfo().Flavor == myx.TiDB {
		shareLock = "FOR UPDATE"
	}
	return nil
}

// shareLock ends a share-locking read: LOCK IN SHARE MODE on MariaDB and MySQL (MySQL 8 also
// spells it FOR SHARE, MariaDB 10.11 does not). TiDB has no share locks: FOR UPDATE there.
var shareLock = "LOCK IN SHARE MODE"

// errNoCustomer is the application's answer to an order for a customer who does not exist.
var errNoCustomer = errors.New("no such customer")

// placeOrder inserts an order once a locking read in the same transaction has found the
// customer; the share lock holds off a delete of the customer until the transaction ends.
func placeOrder(ctx context.Context, tx myx.Tx, customerID int, item string) (uint64, error) {
	var id int
	err := tx.QueryRow(ctx, "SELECT id FROM customers WHERE id = ? "+shareLock,
		customerID).Scan(&id)
	if errors.Is(err, myx.ErrNoRows) {
		return 0, fmt.Errorf("customer %d: %w", customerID, errNoCustomer)
	}
	if err != nil {
		return 0, err
	}
	res, err := tx.Exec(ctx, "INSERT INTO orders (customer_id, item) VALUES (?, ?)",
		customerID, item)
	return res.LastInsertID, err
}

func (t *tour) fkPlaceOrder() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	err := myx.BeginFunc(ctx, conn, func(tx myx.Tx) error {
		id, err := placeOrder(ctx, tx, 1, "teapot")
		printf("ana's teapot: order %d", id)
		return err
	})
	if err != nil {
		return err
	}
	err = myx.BeginFunc(ctx, conn, func(tx myx.Tx) error {
		_, err := placeOrder(ctx, tx, 99, "kettle")
		return err
	})
	printf("a kettle for customer 99: %v; errors.Is(err, errNoCustomer) = %v", err,
		errors.Is(err, errNoCustomer))
	//tour:hide
	if !errors.Is(err, errNoCustomer) {
		return fmt.Errorf("an order for a missing customer: %v", err)
	}
	return nil
}

// errHasOrders is the application's answer to deleting a customer who still has orders.
var errHasOrders = errors.New("the customer has orders")

// deleteCustomer deletes a customer who has no orders. FOR UPDATE locks the customer row, so
// that no order can be placed for it (placeOrder's share lock waits) until the end of tx.
func deleteCustomer(ctx context.Context, tx myx.Tx, customerID int) error {
	var id, orders int
	err := tx.QueryRow(ctx, "SELECT id FROM customers WHERE id = ? FOR UPDATE",
		customerID).Scan(&id)
	if errors.Is(err, myx.ErrNoRows) {
		return fmt.Errorf("customer %d: %w", customerID, errNoCustomer)
	}
	if err != nil {
		return err
	}
	err = tx.QueryRow(ctx, "SELECT COUNT(*) FROM orders WHERE customer_id = ? "+shareLock,
		customerID).Scan(&orders)
	if err != nil {
		return err
	}
	if orders > 0 {
		return fmt.Errorf("customer %d: %w (%d)", customerID, errHasOrders, orders)
	}
	_, err = tx.Exec(ctx, "DELETE FROM customers WHERE id = ?", customerID)
	return err
}

func (t *tour) fkDelete() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	err := myx.BeginFunc(ctx, conn, func(tx myx.Tx) error {
		return deleteCustomer(ctx, tx, 1)
	})
	printf("deleting ana: %v", err)
	//tour:hide
	if !errors.Is(err, errHasOrders) {
		return fmt.Errorf("deleting a customer with an order: %v", err)
	}
	//tour:show
	err = myx.BeginFunc(ctx, conn, func(tx myx.Tx) error {
		return deleteCustomer(ctx, tx, 2)
	})
	if err != nil {
		return err
	}
	printf("deleting ben, who has no orders: done")
	//tour:hide
	return nil
}

func (t *tour) fkConcurrent() error {
	ctx, cfg, conn := t.ctx, t.cfg, t.conn
	//tour:show
	a, err := conn.Begin(ctx) // session A
	if err != nil {
		return err
	}
	defer a.Rollback(ctx)
	id, err := placeOrder(ctx, a, 3, "kettle")
	if err != nil {
		return err
	}
	printf("A: placed order %d for cy, not committed yet: cy's row is locked", id)

	other, err := myx.ConnectConfig(ctx, cfg) // session B
	if err != nil {
		return err
	}
	defer other.Close(ctx)
	b, err := other.Begin(ctx)
	if err != nil {
		return err
	}
	err = b.QueryRow(ctx, "SELECT id FROM customers WHERE id = ? FOR UPDATE NOWAIT", 3).Scan(&id)
	printf("B: FOR UPDATE NOWAIT: %v", err)
	b.Rollback(ctx)
	//tour:hide
	var me *myx.MySQLError
	if !errors.As(err, &me) {
		return fmt.Errorf("B's NOWAIT read of the row A has locked: %v, want a lock error", err)
	}
	//tour:show

	done := make(chan error, 1)
	go func() {
		done <- myx.BeginFunc(ctx, other, func(tx myx.Tx) error {
			return deleteCustomer(ctx, tx, 3) // waits for A's lock
		})
	}()
	//tour:hide
	received := false
	defer func() {
		if !received { // B still runs on other: let it finish before other closes
			a.Rollback(ctx)
			<-done
		}
	}()
	//tour:show
	seen, err := lockWaitSeen(ctx, conn, other.ConnID(), done) // watches information_schema
	if err != nil {
		return err
	}
	//tour:hide
	if seen {
		printf("B: deleting cy; its FOR UPDATE waits for A's lock (information_schema " +
			"shows B waiting)")
	} else {
		printf("B: deleting cy (the server's list of transactions, which needs the PROCESS " +
			"privilege, does not show whether B waits)")
	}
	//tour:show
	err = a.Commit(ctx)
	if err != nil {
		return err
	}
	printf("A: committed")
	err = <-done
	//tour:hide
	received = true
	//tour:show
	printf("B: got the lock after A's commit, counted A's order: %v", err)
	//tour:hide
	if !errors.Is(err, errHasOrders) {
		return fmt.Errorf("deleting cy while A placed an order: %v", err)
	}
	//tour:show
	var orphans int
	err = conn.QueryRow(ctx, "SELECT COUNT(*) FROM orders o LEFT JOIN customers c "+
		"ON c.id = o.customer_id WHERE c.id IS NULL").Scan(&orphans)
	if err != nil {
		return err
	}
	printf("orders without a customer: %d", orphans)
	//tour:hide
	if orphans != 0 {
		return fmt.Errorf("%d orders without a customer", orphans)
	}
	return nil
}

// lockWaitSeen waits until session id is waiting for a lock, as information_schema.INNODB_TRX
// shows it to conn, and reports whether it saw that. It gives up, reporting false, when conn's
// own transaction does not show up there either (INNODB_TRX needs the PROCESS privilege), and
// when the session's work ends first (its result is then put back into done).
func lockWaitSeen(ctx context.Context, conn *myx.Conn, id uint32, done chan error) (bool, error) {
	q := "SELECT COUNT(CASE WHEN trx_mysql_thread_id = ? THEN 1 END), " +
		"COUNT(CASE WHEN trx_mysql_thread_id = ? AND trx_state = 'LOCK WAIT' THEN 1 END) " +
		"FROM information_schema.INNODB_TRX"
	if conn.ServerInfo().Flavor == myx.TiDB {
		q = "SELECT COUNT(CASE WHEN SESSION_ID = ? THEN 1 END), " +
			"COUNT(CASE WHEN SESSION_ID = ? AND STATE = 'LockWaiting' THEN 1 END) " +
			"FROM information_schema.TIDB_TRX"
	}
	for polls := 1; ; polls++ {
		var mine, waiting int
		if err := conn.QueryRow(ctx, q, conn.ConnID(), id).Scan(&mine, &waiting); err != nil {
			return false, err
		}
		if waiting > 0 {
			return true, nil
		}
		if mine == 0 && polls >= 20 {
			return false, nil
		}
		select {
		case err := <-done:
			done <- err
			return false, nil
		case <-ctx.Done():
			return false, ctx.Err()
		// InnoDB refreshes what INNODB_TRX shows only when it has not been read for 100 ms.
		case <-time.After(150 * time.Millisecond):
		}
	}
}
