package sqlb

import (
	"database/sql"
	"errors"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/pool"
)

// Execution tests of INSERT, REPLACE, UPDATE and DELETE, each checked against the rows
// left behind.

func TestExecInsert(t *testing.T) {
	t.Parallel()
	conn, ctx := testDB(t)
	mustCreate(t, ctx, conn, testMeta)
	// Multi-row INSERT; the first generated id comes back.
	res := mustExec(t, ctx, conn, InsertInto(user).Values(userUsername.Set("ann")).Values(userUsername.Set("bob")).Values(userUsername.Set("cid")))
	if res.RowsAffected != 3 || res.LastInsertID != 1 {
		t.Fatalf("multi-row insert: %+v", res)
	}
	// INSERT ... SELECT: a job for everyone.
	res = mustExec(t, ctx, conn, InsertInto(jobs).FromSelect(Select(Value("starter"), userID).From(user), jobsJobs, jobsUserID))
	if res.RowsAffected != 3 {
		t.Fatalf("insert from select: %+v", res)
	}
	check(t, "inserted by select", column[string](t, ctx, conn, Select(jobsJobs).Where(jobsUserID.Eq(2))), []string{"starter"})
	// INSERT IGNORE skips the duplicate username and inserts the rest.
	res = mustExec(t, ctx, conn, InsertInto(user).Ignore().Values(userUsername.Set("ann")).Values(userUsername.Set("dan")))
	if res.RowsAffected != 1 || res.Warnings == 0 {
		t.Fatalf("insert ignore: %+v", res)
	}
	// Without IGNORE the duplicate is the server's error 1062.
	_, err := Exec(ctx, conn, InsertInto(user).Values(userUsername.Set("ann")))
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != 1062 {
		t.Fatalf("duplicate insert: %v", err)
	}
	// REPLACE deletes the old row and inserts the new one (2 rows affected).
	res = mustExec(t, ctx, conn, ReplaceInto(product).Values(productID.Set(1), productName.Set("pen"), productPrice.Set("1.00")))
	if res.RowsAffected != 1 {
		t.Fatalf("replace new: %+v", res)
	}
	res = mustExec(t, ctx, conn, ReplaceInto(product).Values(productID.Set(1), productName.Set("ink pen"), productPrice.Set("2.50")))
	if res.RowsAffected != 2 {
		t.Fatalf("replace existing: %+v", res)
	}
	check(t, "replaced", column[string](t, ctx, conn, Select(productName).Where(productID.Eq(1))), []string{"ink pen"})
	// ON DUPLICATE KEY UPDATE adding the inserted value.
	hit := func(name string, n int64) InsertStmt {
		return InsertInto(counter).Values(counterName.Set(name), counterHits.Set(n)).
			OnDuplicateKeyUpdate(counterHits.SetExpr(counterHits.AddExpr(Inserted(counterHits))))
	}
	mustExec(t, ctx, conn, hit("home", 1))
	mustExec(t, ctx, conn, hit("home", 5))
	mustExec(t, ctx, conn, hit("about", 2))
	type hits struct {
		Name string
		Hits int64
	}
	check(t, "upsert", mustAll[hits](t, ctx, conn, Select(counterName, counterHits).OrderBy(counterName)), []hits{{"about", 2}, {"home", 6}})
	// Overwrite with the inserted values, several rows at once.
	mustExec(t, ctx, conn, InsertInto(counter).
		Values(counterName.Set("home"), counterHits.Set(100), counterNotes.Set("reset")).
		Values(counterName.Set("new"), counterHits.Set(1), counterNotes.Set("fresh")).
		OnDuplicateKeyUpdateInserted(counterHits, counterNotes))
	type noted struct {
		Name  string
		Hits  int64
		Notes sql.Null[string]
	}
	check(t, "upsert inserted", mustAll[noted](t, ctx, conn, Select(counterName, counterHits, counterNotes).OrderBy(counterName)),
		[]noted{{"about", 2, sql.Null[string]{}}, {"home", 100, sql.Null[string]{V: "reset", Valid: true}}, {"new", 1, sql.Null[string]{V: "fresh", Valid: true}}})
	// Defaults: no values at all, and DEFAULT for a column.
	mustExec(t, ctx, conn, InsertInto(counter).Values(counterName.Set("defaults"), counterHits.SetExpr(DefaultValue[int64]())))
	check(t, "default", column[int64](t, ctx, conn, Select(counterHits).Where(counterName.Eq("defaults"))), []int64{0})
}

func TestExecReturning(t *testing.T) {
	t.Parallel()
	skipUnless(t, mysqltest.Returning)
	conn, ctx := testDB(t)
	mustCreate(t, ctx, conn, testMeta)
	// INSERT ... RETURNING (MariaDB 10.5+): the generated ids with the names.
	type row struct {
		ID       int64
		Username string
	}
	got := mustAll[row](t, ctx, conn, InsertInto(user).Values(userUsername.Set("ann")).Values(userUsername.Set("bob")).Returning(userID, userUsername))
	check(t, "insert returning", got, []row{{1, "ann"}, {2, "bob"}})
	// Get by the returned column object.
	rows, err := Query(ctx, conn, InsertInto(user).Values(userUsername.Set("cid")).Returning(userID))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		if id, err := Get(rows, userID); err != nil || id != 3 {
			t.Fatalf("returned id %d, %v", id, err)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	// DELETE ... RETURNING.
	check(t, "delete returning", column[string](t, ctx, conn, DeleteFrom(user).Where(userID.Ge(2)).Returning(userUsername)), []string{"bob", "cid"})
	check(t, "left", column[string](t, ctx, conn, Select(userUsername)), []string{"ann"})
	// On MySQL RETURNING is an error before anything is sent: nothing is inserted.
	asMySQL := WithDialect(conn, MySQL(8, 4, 0))
	if _, err := Query(ctx, asMySQL, InsertInto(user).Values(userUsername.Set("zed")).Returning(userID)); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("RETURNING for MySQL: %v", err)
	}
	check(t, "nothing sent", column[int64](t, ctx, conn, Select(CountAll()).From(user)), []int64{1})
}

func TestExecUpdateDelete(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	// Multiple-table UPDATE: rename cid's jobs.
	res := mustExec(t, ctx, conn, Update(jobs).Join(user).Set(jobsJobs.Set("lead")).Where(userUsername.Eq("cid")))
	if res.RowsAffected != 3 {
		t.Fatalf("update join: %+v", res)
	}
	check(t, "update join", column[string](t, ctx, conn, Select(jobsJobs).Where(jobsUserID.Eq(3)).OrderBy(jobsID)), []string{"lead", "lead", "lead"})
	// Single-table UPDATE with ORDER BY and LIMIT: the two best paid get a raise.
	res = mustExec(t, ctx, conn, Update(employee).Set(employeeSalary.SetExpr(Cast[string](employeeSalary.Add("10"), AsDecimal(10, 2)))).OrderBy(employeeSalary.Desc()).Limit(2))
	if res.RowsAffected != 2 {
		t.Fatalf("update order limit: %+v", res)
	}
	check(t, "raised", column[string](t, ctx, conn, Select(employeeSalary).OrderBy(employeeID)), []string{"310.00", "210.00", "150.00", "120.00", "110.00"})
	// UPDATE through an alias, with a subquery.
	e := employee.As("e")
	mustExec(t, ctx, conn, Update(e).Set(employeeDept.Of(e).Set("core")).Where(employeeID.Of(e).InSelect(Select(employeeManagerID).From(employee).Where(employeeManagerID.IsNotNull()))))
	check(t, "update alias", column[string](t, ctx, conn, Select(employeeName).Where(employeeDept.Eq("core")).OrderBy(employeeID)), []string{"boss", "alice"})
	// UPDATE IGNORE: a duplicate username is skipped, not an error.
	res = mustExec(t, ctx, conn, Update(user).Ignore().Set(userUsername.Set("ann")).Where(userID.Eq(2)))
	if res.RowsAffected != 0 {
		t.Fatalf("update ignore: %+v", res)
	}
	// Multiple-table DELETE: bob's jobs.
	res = mustExec(t, ctx, conn, DeleteFrom(jobs).Join(user).Where(userUsername.Eq("bob")))
	if res.RowsAffected != 1 {
		t.Fatalf("delete join: %+v", res)
	}
	// DELETE with ORDER BY and LIMIT: the newest job.
	mustExec(t, ctx, conn, DeleteFrom(jobs).OrderBy(jobsID.Desc()).Limit(1))
	check(t, "deleted", column[int64](t, ctx, conn, Select(jobsID).OrderBy(jobsID)), []int64{1, 2, 4, 5})
	// DELETE cascades through the foreign keys: ann's orders and their items go (her
	// jobs, whose key does not cascade, must go first).
	mustExec(t, ctx, conn, DeleteFrom(jobs).Where(jobsUserID.Eq(1)))
	mustExec(t, ctx, conn, DeleteFrom(user).Where(userUsername.Eq("ann")))
	check(t, "cascade", column[int64](t, ctx, conn, Select(CountAll()).From(orderItem)), []int64{1})
	// ORDER BY with a join is an error before anything is sent.
	if _, err := Exec(ctx, conn, DeleteFrom(jobs).Join(user).OrderBy(jobsID).Limit(1)); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("delete join with limit: %v", err)
	}
}

// Through a pool, statements compile for the pool's server: RETURNING runs where the
// server has it (MariaDB 10.5+), and is refused before anything is sent where it has not.
func TestExecReturningThroughPool(t *testing.T) {
	t.Parallel()
	conn, ctx := testDB(t)
	mustCreate(t, ctx, conn, testMeta)
	p, err := pool.NewWithConfig(ctx, &pool.Config{ConnConfig: conn.Config(), MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	d := DialectForServer(conn.ServerInfo())
	ins := InsertInto(user).Values(userUsername.Set("ann")).Values(userUsername.Set("bob")).Returning(userID, userUsername)
	type row struct {
		ID       int64
		Username string
	}
	if !d.supports(featureInsertReturning) {
		if _, err := Query(ctx, p, ins); !errors.Is(err, ErrUnsupported) {
			t.Fatalf("RETURNING through a pool on %s: %v", d, err)
		}
		check(t, "nothing sent", column[int64](t, ctx, conn, Select(CountAll()).From(user)), []int64{0})
		return
	}
	check(t, "insert returning through the pool", mustAll[row](t, ctx, p, ins), []row{{1, "ann"}, {2, "bob"}})
	// And in a pooled transaction.
	tx, err := p.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	check(t, "delete returning in a pooled transaction", column[string](t, ctx, tx, DeleteFrom(user).Where(userID.Eq(2)).Returning(userUsername)), []string{"bob"})
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	check(t, "left", column[string](t, ctx, conn, Select(userUsername)), []string{"ann"})
}
