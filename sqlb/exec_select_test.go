package sqlb

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/myxdb/myx"
)

// Execution tests of queries: each construct runs on the server and its result is
// checked.

// seedShop creates the fixture schema in the test's database and fills it:
//
//	user:     1 ann, 2 bob, 3 cid, 4 dan (dan has no jobs)
//	jobs:     ann dev, ann ops, bob qa, cid dev, cid pm, cid ux
//	employee: 1 boss (exec 300) <- 2 alice (eng 200), 3 carl (sales 150); alice <- 4 dora (eng 120), 5 emil (eng 110)
//	product:  1 pen 1.50, 2 book 12.00, 3 lamp 30.00
//	order:    1 and 2 of ann, 3 of bob; items (1: 2 pens, 1 book), (2: 1 lamp), (3: 10 pens)
func seedShop(t *testing.T) (*myx.Conn, context.Context) {
	t.Helper()
	conn, ctx := testDB(t)
	mustCreate(t, ctx, conn, testMeta)
	ins := InsertInto(user)
	for i, name := range []string{"ann", "bob", "cid", "dan"} {
		ins = ins.Values(userID.Set(int64(i+1)), userUsername.Set(name))
	}
	mustExec(t, ctx, conn, ins)
	jobsIns := InsertInto(jobs)
	for _, j := range []struct {
		job  string
		user int64
	}{{"dev", 1}, {"ops", 1}, {"qa", 2}, {"dev", 3}, {"pm", 3}, {"ux", 3}} {
		jobsIns = jobsIns.Values(jobsJobs.Set(j.job), jobsUserID.Set(j.user))
	}
	mustExec(t, ctx, conn, jobsIns)
	mustExec(t, ctx, conn, InsertInto(employee).Values(employeeID.Set(1), employeeName.Set("boss"), employeeManagerID.SetExpr(Null[int64]()), employeeSalary.Set("300.00"), employeeDept.Set("exec")))
	empIns := InsertInto(employee)
	for _, e := range []struct {
		id, mgr      int64
		name, salary string
		dept         string
	}{{2, 1, "alice", "200.00", "eng"}, {3, 1, "carl", "150.00", "sales"}, {4, 2, "dora", "120.00", "eng"}, {5, 2, "emil", "110.00", "eng"}} {
		empIns = empIns.Values(employeeID.Set(e.id), employeeName.Set(e.name), employeeManagerID.Set(e.mgr), employeeSalary.Set(e.salary), employeeDept.Set(e.dept))
	}
	mustExec(t, ctx, conn, empIns)
	mustExec(t, ctx, conn, InsertInto(product).
		Values(productID.Set(1), productName.Set("pen"), productPrice.Set("1.50")).
		Values(productID.Set(2), productName.Set("book"), productPrice.Set("12.00")).
		Values(productID.Set(3), productName.Set("lamp"), productPrice.Set("30.00")))
	mustExec(t, ctx, conn, InsertInto(order).Values(orderID.Set(1), orderUserID.Set(1)).Values(orderID.Set(2), orderUserID.Set(1)).Values(orderID.Set(3), orderUserID.Set(2)))
	mustExec(t, ctx, conn, InsertInto(orderItem).
		Values(orderItemOrderID.Set(1), orderItemProductID.Set(1), orderItemQuantity.Set(2)).
		Values(orderItemOrderID.Set(1), orderItemProductID.Set(2), orderItemQuantity.Set(1)).
		Values(orderItemOrderID.Set(2), orderItemProductID.Set(3), orderItemQuantity.Set(1)).
		Values(orderItemOrderID.Set(3), orderItemProductID.Set(1), orderItemQuantity.Set(10)))
	return conn, ctx
}

// column reads one column of every row as T.
func column[T any](t *testing.T, ctx context.Context, ex Executor, q Statement) []T {
	t.Helper()
	return mustAll[T](t, ctx, ex, q)
}

func check[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func TestExecSelectClauses(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	check(t, "where and/or/in/like/between",
		column[string](t, ctx, conn, Select(userUsername).Where(Or(userUsername.In("ann", "dan"), And(userID.Between(2, 3), userUsername.HasPrefix("b")))).OrderBy(userID)),
		[]string{"ann", "bob", "dan"})
	check(t, "not, not in, like with wildcards escaped",
		column[string](t, ctx, conn, Select(userUsername).Where(Not(userUsername.In("ann")), userUsername.NotLike("%o%"), userUsername.Contains("_")).OrderBy(userID)),
		[]string{})
	check(t, "is null",
		column[string](t, ctx, conn, Select(employeeName).Where(employeeManagerID.IsNull())),
		[]string{"boss"})
	check(t, "distinct, order by desc, limit, offset",
		column[string](t, ctx, conn, Select(jobsJobs).Distinct().OrderBy(jobsJobs.Desc()).Limit(3).Offset(1)),
		[]string{"qa", "pm", "ops"})
	check(t, "offset without limit",
		column[int64](t, ctx, conn, Select(userID).OrderBy(userID).Offset(2)),
		[]int64{3, 4})

	// Join, group by, having, order by an aggregate's label.
	n := CountAll().Label("n")
	type perUser struct {
		Username string
		N        int64
	}
	check(t, "join group by having",
		mustAll[perUser](t, ctx, conn, Select(userUsername, n).From(user).Join(jobs).GroupBy(userUsername).Having(CountAll().Ge(2)).OrderBy(n.Desc(), userUsername)),
		[]perUser{{"cid", 3}, {"ann", 2}})
	// LEFT JOIN: dan has no job, so his jobs.id is NULL.
	rows, err := Query(ctx, conn, Select(userUsername, jobsID).From(user).LeftJoin(jobs).Where(userUsername.Eq("dan")))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		id, err := GetNull(rows, jobsID)
		if err != nil || id.Valid {
			t.Fatalf("left join: jobs.id = %+v, %v; want NULL", id, err)
		}
		if _, err := Get(rows, jobsID); err == nil {
			t.Fatal("Get of NULL into int64 succeeded")
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	// RIGHT JOIN and CROSS JOIN.
	check(t, "right join", column[int64](t, ctx, conn, Select(CountAll()).From(jobs).RightJoin(user)), []int64{7})
	check(t, "cross join", column[int64](t, ctx, conn, Select(CountAll()).From(user).CrossJoin(product)), []int64{12})
	// Three tables, ON inferred from each foreign key; arithmetic on decimals.
	total := Sum(Cast[string](Func[string]("ROUND", orderItemQuantity, 0), AsDecimal(10, 0))).Label("total")
	type spent struct {
		Username string
		Total    string
	}
	check(t, "three-way join with sum",
		mustAll[spent](t, ctx, conn, Select(userUsername, total).From(user).Join(order).Join(orderItem).GroupBy(userUsername).OrderBy(userUsername)),
		[]spent{{"ann", "4"}, {"bob", "10"}})
	// Self-join through an alias.
	mgr := employee.As("mgr")
	type pair struct {
		Name    string
		Manager string
	}
	check(t, "self join",
		mustAll[pair](t, ctx, conn, Select(employeeName, employeeName.Of(mgr).Label("manager")).From(employee).Join(mgr, employeeManagerID.EqExpr(employeeID.Of(mgr))).Where(employeeDept.Eq("eng")).OrderBy(employeeID)),
		[]pair{{"alice", "boss"}, {"dora", "alice"}, {"emil", "alice"}})
	// CASE, COALESCE, functions.
	level := Case[string]().When(employeeSalary.Ge("200"), "high").When(employeeSalary.Ge("120"), "mid").Else("low").Label("level")
	check(t, "case", column[string](t, ctx, conn, Select(level).OrderBy(employeeID)), []string{"high", "high", "mid", "mid", "low"})
	check(t, "coalesce", column[int64](t, ctx, conn, Select(Coalesce(employeeManagerID, Value[int64](0))).OrderBy(employeeID)), []int64{0, 1, 1, 2, 2})
	// Text as an escape hatch, with a bound argument.
	check(t, "text", column[string](t, ctx, conn, Select(userUsername).Where(Text("CHAR_LENGTH(?) = ?", userUsername, 3), userID.Lt(3)).OrderBy(userID)), []string{"ann", "bob"})
}

func TestExecSubqueries(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	// IN (subquery) and NOT IN.
	withJobs := Select(jobsUserID).Where(jobsJobs.Eq("dev"))
	check(t, "in subquery", column[string](t, ctx, conn, Select(userUsername).Where(userID.InSelect(withJobs)).OrderBy(userID)), []string{"ann", "cid"})
	check(t, "not in subquery", column[string](t, ctx, conn, Select(userUsername).Where(userID.NotInSelect(Select(jobsUserID))).OrderBy(userID)), []string{"dan"})
	// Correlated EXISTS: the subquery refers to the outer user.
	check(t, "exists", column[string](t, ctx, conn, Select(userUsername).Where(Exists(Select(jobsID).Where(jobsUserID.EqExpr(userID), jobsJobs.Eq("ops")))).OrderBy(userID)), []string{"ann"})
	check(t, "not exists", column[string](t, ctx, conn, Select(userUsername).Where(NotExists(Select(jobsID).Where(jobsUserID.EqExpr(userID)))).OrderBy(userID)), []string{"dan"})
	// A correlated scalar subquery in the select list.
	jobCount := Scalar[int64](Select(CountAll()).From(jobs).Where(jobsUserID.EqExpr(userID))).Label("jobs")
	type counted struct {
		Username string
		Jobs     int64
	}
	check(t, "scalar subquery", mustAll[counted](t, ctx, conn, Select(userUsername, jobCount).OrderBy(userID)),
		[]counted{{"ann", 2}, {"bob", 1}, {"cid", 3}, {"dan", 0}})
	// A derived table joined back, its columns typed.
	perUser := Select(jobsUserID, CountAll().Label("total")).GroupBy(jobsUserID).Subquery("per_user")
	totalCol := Col[int64](perUser, "total")
	rows, err := Query(ctx, conn, Select(userUsername, totalCol).From(user).Join(perUser, jobsUserID.Of(perUser).EqExpr(userID)).Where(totalCol.Gt(1)).OrderBy(userID))
	if err != nil {
		t.Fatal(err)
	}
	var got []counted
	for rows.Next() {
		name, err1 := Get(rows, userUsername)
		total, err2 := Get(rows, totalCol)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		got = append(got, counted{name, total})
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, "derived table", got, []counted{{"ann", 2}, {"cid", 3}})
}

func TestExecCTE(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	// A plain CTE, used twice under aliases.
	eng := Select(employeeID, employeeName, employeeSalary).Where(employeeDept.Eq("eng")).CTE("eng")
	a, b := eng.As("a"), eng.As("b")
	type pair struct{ A, B string }
	check(t, "cte twice",
		mustAll[pair](t, ctx, conn, Select(Col[string](a, "name").Label("a"), Col[string](b, "name").Label("b")).From(a).Join(b, Col[int64](a, "id").LtExpr(Col[int64](b, "id"))).OrderBy(Col[int64](a, "id"), Col[int64](b, "id"))),
		[]pair{{"alice", "dora"}, {"alice", "emil"}, {"dora", "emil"}})
	// A recursive CTE: everyone under alice, with their depth.
	anchor := Select(employeeID, employeeName, Value[int64](0).Label("depth")).Where(employeeName.Eq("alice"))
	tree := anchor.CTE("tree")
	treeID, treeDepth := Col[int64](tree, "id"), Col[int64](tree, "depth")
	tree = tree.UnionAll(Select(employeeID, employeeName, treeDepth.Add(1)).From(employee).Join(tree, employeeManagerID.EqExpr(treeID)))
	type node struct {
		Name  string
		Depth int64
	}
	check(t, "recursive cte",
		mustAll[node](t, ctx, conn, Select(Col[string](tree, "name"), Col[int64](tree, "depth")).From(tree).OrderBy(Col[int64](tree, "depth"), Col[string](tree, "name"))),
		[]node{{"alice", 0}, {"dora", 1}, {"emil", 1}})
	// A recursive counter without tables.
	n := Select(Value[int64](1).Label("n")).CTE("seq")
	nCol := Col[int64](n, "n")
	n = n.UnionAll(Select(nCol.Add(1)).From(n).Where(nCol.Lt(5)))
	check(t, "counting", column[int64](t, ctx, conn, Select(Col[int64](n, "n")).From(n)), []int64{1, 2, 3, 4, 5})
}

func TestExecCompound(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	a := Select(jobsJobs).Where(jobsUserID.Eq(1))
	c := Select(jobsJobs).Where(jobsUserID.Eq(3))
	check(t, "union", column[string](t, ctx, conn, Union(a, c).OrderBy(jobsJobs)), []string{"dev", "ops", "pm", "ux"})
	check(t, "union all", column[string](t, ctx, conn, a.UnionAll(c).OrderBy(jobsJobs).Limit(3)), []string{"dev", "dev", "ops"})
	check(t, "intersect", column[string](t, ctx, conn, Intersect(a, c)), []string{"dev"})
	check(t, "except", column[string](t, ctx, conn, Except(a, c)), []string{"ops"})
	check(t, "mixed", column[string](t, ctx, conn, a.Union(c).Except(Select(jobsJobs).Where(jobsJobs.Eq("ux"))).OrderBy(jobsJobs)), []string{"dev", "ops", "pm"})
	// A member with its own ORDER BY and LIMIT is parenthesized.
	top := Select(userUsername).OrderBy(userID.Desc()).Limit(1)
	check(t, "parenthesized members", column[string](t, ctx, conn, Select(userUsername).Where(userID.Eq(1)).UnionAll(top).OrderBy(userUsername)), []string{"ann", "dan"})
}

func TestExecWindowFunctions(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	byDept := PartitionBy(employeeDept).OrderBy(employeeSalary.Desc())
	type ranked struct {
		Name    string
		Rank    int64
		Running string
		Prev    *string
	}
	rank := RowNumber().Over(byDept).Label("rank")
	running := Sum(employeeSalary).Over(byDept.Rows(UnboundedPreceding, CurrentRow)).Label("running")
	prev := Lag(employeeName, 1).Over(byDept).Label("prev")
	got := mustAll[ranked](t, ctx, conn, Select(employeeName, rank, running, prev).Where(employeeDept.Eq("eng")).OrderBy(rank))
	alice := "alice"
	dora := "dora"
	check(t, "window", got, []ranked{{"alice", 1, "200.00", nil}, {"dora", 2, "320.00", &alice}, {"emil", 3, "430.00", &dora}})
	check(t, "ntile and dense rank",
		column[int64](t, ctx, conn, Select(DenseRank().Over(Window{}.OrderBy(employeeDept))).OrderBy(employeeID)),
		[]int64{2, 1, 3, 1, 1})
}

func TestExecLocking(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	other, err := myx.ConnectConfig(ctx, conn.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	// The transaction's dialect comes from its connection.
	if d, ok, err := DialectOf(ctx, tx); err != nil || !ok || d != DialectForServer(conn.ServerInfo()) {
		t.Fatalf("DialectOf(tx) = %v, %v, %v", d, ok, err)
	}
	check(t, "for update", column[string](t, ctx, tx, Select(userUsername).Where(userID.Eq(1)).ForUpdate()), []string{"ann"})
	tx2, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx2.Rollback(ctx)
	d := DialectForServer(conn.ServerInfo())
	// refused checks that a locking clause the server's dialect lacks is an error before
	// anything is sent (TiDB: SKIP LOCKED, shared locks).
	refused := func(what string, q SelectStmt) {
		t.Helper()
		if _, err := All[string](ctx, tx2, q); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s on %v: %v, want ErrUnsupported", what, d, err)
		}
	}
	// SKIP LOCKED (MariaDB 10.6+) passes over ann's locked row.
	if d.supports(featureSkipLocked) {
		check(t, "skip locked", column[string](t, ctx, tx2, Select(userUsername).OrderBy(userID).ForUpdate(SkipLocked())), []string{"bob", "cid", "dan"})
	} else {
		refused("SKIP LOCKED", Select(userUsername).OrderBy(userID).ForUpdate(SkipLocked()))
	}
	// NOWAIT fails at once on it.
	if _, err := All[string](ctx, tx2, Select(userUsername).Where(userID.Eq(1)).ForUpdate(NoWait())); err == nil {
		t.Fatal("FOR UPDATE NOWAIT on a locked row succeeded")
	}
	if !d.supports(featureShareLock) {
		refused("a shared lock", Select(userUsername).Where(userID.Eq(2)).ForShare())
		if _, err := All[string](ctx, tx2, Select(userUsername).Where(userID.Eq(1)).ForUpdate(Wait(0))); err == nil {
			t.Fatal("FOR UPDATE WAIT 0 on a locked row succeeded")
		}
		return
	}
	tx2.Rollback(ctx)
	// A shared lock (LOCK IN SHARE MODE on MariaDB) and WAIT n.
	tx3, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx3.Rollback(ctx)
	check(t, "for share", column[string](t, ctx, tx3, Select(userUsername).Where(userID.Eq(2)).ForShare()), []string{"bob"})
	if _, err := All[string](ctx, tx3, Select(userUsername).Where(userID.Eq(1)).ForUpdate(Wait(0))); err == nil {
		t.Fatal("FOR UPDATE WAIT 0 on a locked row succeeded")
	}
}
