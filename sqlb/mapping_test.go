package sqlb

import (
	"database/sql"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// Struct mapping against the server: flat, nested one-to-one and one-to-many, and the
// errors that stand in for silent zeros.

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not mention %q", err, p)
		}
	}
}

func TestMapFlat(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	type base struct {
		ID int64
	}
	type emp struct {
		base               // embedded: flattened
		Name      string   `db:"name"`
		Manager   *int64   `db:"manager_id"`
		Salary    string   // DECIMAL as text
		Ignored   struct{} `db:"-"`
		unexposed int
	}
	got := mustAll[emp](t, ctx, conn, Select(employeeID, employeeName, employeeManagerID, employeeSalary).Where(employeeID.Le(2)).OrderBy(employeeID))
	one := int64(1)
	want := []emp{{base: base{1}, Name: "boss", Salary: "300.00"}, {base: base{2}, Name: "alice", Manager: &one, Salary: "200.00"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	// Labels decide in flat structs: table_column labels match UserUsername.
	type labelled struct {
		UserID       int64
		UserUsername string
		JobsJobs     string
	}
	l := mustAll[labelled](t, ctx, conn, Select(userID, userUsername, jobsJobs).From(user).Join(jobs).Where(jobsID.Eq(3)).LabelStyle(LabelTablePlusColumn))
	check(t, "labelled", l, []labelled{{2, "bob", "qa"}})
	// A single value per row, and pointers to structs.
	check(t, "values", column[time.Duration](t, ctx, conn, Select(Cast[time.Duration](Value("01:02:03"), AsTime(0)))), []time.Duration{time.Hour + 2*time.Minute + 3*time.Second})
	ptrs := mustAll[*emp](t, ctx, conn, Select(employeeID, employeeName, employeeManagerID, employeeSalary).Where(employeeID.Eq(1)))
	if len(ptrs) != 1 || ptrs[0].Name != "boss" {
		t.Fatalf("pointers: %+v", ptrs)
	}
	// ScanStruct, row by row.
	rows, err := Query(ctx, conn, Select(employeeID, employeeName, employeeManagerID, employeeSalary).OrderBy(employeeID))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var e emp
		if err := rows.ScanStruct(&e); err != nil {
			t.Fatal(err)
		}
		names = append(names, e.Name)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	check(t, "ScanStruct", names, []string{"boss", "alice", "carl", "dora", "emil"})
}

func TestMapErrors(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	type named struct {
		ID       int64
		Username string
	}
	// A field without a column: never a silent zero.
	_, err := All[named](ctx, conn, Select(userID))
	wantErr(t, err, "field named.Username", "no column")
	// A column without a field, unless allowed.
	_, err = All[named](ctx, conn, Select(userID, userUsername, Value(1).Label("extra")))
	wantErr(t, err, `column "extra"`, "no field")
	got, err := All[named](ctx, conn, Select(userID, userUsername, Value(1).Label("extra")).Where(userID.Eq(1)), SkipUnmappedColumns())
	if err != nil || len(got) != 1 || got[0].Username != "ann" {
		t.Fatalf("SkipUnmappedColumns: %+v, %v", got, err)
	}
	// NULL into a non-pointer field: an error naming the column and the field.
	type mgr struct {
		Name      string
		ManagerID int64
	}
	_, err = All[mgr](ctx, conn, Select(employeeName, employeeManagerID).OrderBy(employeeID))
	var se *myx.ScanError
	if !errors.As(err, &se) || se.Column != "manager_id" || !errors.Is(err, myx.ErrNullValue) || !strings.Contains(err.Error(), "mgr.ManagerID") {
		t.Fatalf("NULL into int64: %v", err)
	}
	// A value that does not fit.
	type small struct {
		Hits int8
	}
	_, err = All[small](ctx, conn, Select(Value[int64](1000).Label("hits")))
	if !errors.As(err, &se) {
		t.Fatalf("overflow: %v", err)
	}
	// A non-struct type takes exactly one column.
	_, err = All[int64](ctx, conn, Select(userID, userUsername))
	wantErr(t, err, "2 columns")
	// Two columns for one field.
	type twice struct{ ID int64 }
	_, err = All[twice](ctx, conn, Select(userID, jobsID).From(user).Join(jobs))
	wantErr(t, err, `column "id_1"`, "no field")
	_, err = All[twice](ctx, conn, Select(userID, jobsID).From(user).Join(jobs).LabelStyle(LabelNone))
	wantErr(t, err, "matches 2 columns")
	// ScanStruct needs a pointer to a struct.
	rows, err := Query(ctx, conn, Select(userID))
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	var n int64
	wantErr(t, rows.ScanStruct(&n), "pointer to a struct")
	wantErr(t, rows.ScanStruct(named{}), "pointer")
	rows.Close()
}

// The nested structs of the shop: orders with their items and each item's product.
type shopProduct struct {
	ID    uint64
	Name  string
	Price string
}

type shopItem struct {
	OrderID   uint64
	ProductID uint64
	Quantity  int64
	Product   shopProduct `db:"product"` // one-to-one, must be there
}

type shopOrder struct {
	ID        uint64
	UserID    int64
	CreatedAt time.Time
	Items     []*shopItem `db:"order_item"` // one-to-many, pointers
}

type shopUser struct {
	ID       int64
	Username string
	Orders   []shopOrder `db:"order"`
	Jobs     []struct {
		ID     int64
		Jobs   string
		UserID int64
	}
}

func TestMapNested(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	q := Select(user, order, orderItem, product, jobs).
		From(user).
		LeftJoin(order).LeftJoin(orderItem).LeftJoin(product).LeftJoin(jobs).
		OrderBy(userID, orderID, orderItemProductID, jobsID)
	users := mustAll[shopUser](t, ctx, conn, q)
	if len(users) != 4 {
		t.Fatalf("%d users, want 4 (grouped by user.id): %+v", len(users), users)
	}
	ann, bob, dan := users[0], users[1], users[3]
	// Two orders and two jobs: the joins multiply rows (3 items x 2 jobs), grouping by
	// the primary keys gives each once.
	if ann.Username != "ann" || len(ann.Orders) != 2 || len(ann.Jobs) != 2 {
		t.Fatalf("ann: %+v", ann)
	}
	first := ann.Orders[0]
	if first.ID != 1 || len(first.Items) != 2 || first.Items[0].Product.Name != "pen" || first.Items[0].Quantity != 2 || first.Items[1].Product.Price != "12.00" {
		t.Fatalf("ann's first order: %+v", first)
	}
	if first.CreatedAt.IsZero() {
		t.Fatal("created_at not mapped")
	}
	if len(bob.Orders) != 1 || bob.Orders[0].Items[0].Quantity != 10 || len(bob.Jobs) != 1 || bob.Jobs[0].Jobs != "qa" {
		t.Fatalf("bob: %+v", bob)
	}
	// dan has nothing: the LEFT JOIN's NULL keys make no elements.
	if dan.Username != "dan" || len(dan.Orders) != 0 || dan.Orders == nil || len(dan.Jobs) != 0 {
		t.Fatalf("dan: %+v", dan)
	}
	// The plan is made once per shape and type, then reused.
	rows, err := Query(ctx, conn, q)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Collect[shopUser](rows); err != nil {
		t.Fatal(err)
	}
	rows2, err := Query(ctx, conn, q)
	if err != nil {
		t.Fatal(err)
	}
	p1, err := rows2.planFor(reflect.TypeFor[shopUser](), mapConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if p1 != rows.plan {
		t.Fatal("the plan was made again for the same shape")
	}
	rows2.Close()
}

func TestMapOneToOne(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	// Each employee with an optional manager, through an alias: the relation field names
	// the alias.
	type person struct {
		ID   int64
		Name string
	}
	type emp struct {
		ID      int64
		Name    string
		Manager *person `db:"mgr"`
	}
	mgr := employee.As("mgr")
	q := Select(employeeID, employeeName, employeeID.Of(mgr), employeeName.Of(mgr)).
		From(employee).LeftJoin(mgr, employeeManagerID.EqExpr(employeeID.Of(mgr))).
		OrderBy(employeeID)
	got := mustAll[emp](t, ctx, conn, q)
	if len(got) != 5 || got[0].Manager != nil || got[1].Manager == nil || got[1].Manager.Name != "boss" || got[4].Manager.Name != "alice" {
		t.Fatalf("got %+v", got)
	}
	// ScanStruct fills one-to-one relations too.
	rows, err := Query(ctx, conn, q.Where(employeeID.Eq(4)))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e emp
		if err := rows.ScanStruct(&e); err != nil {
			t.Fatal(err)
		}
		if e.Manager == nil || e.Manager.Name != "alice" {
			t.Fatalf("ScanStruct: %+v", e)
		}
	}
	rows.Close()
	// A required (non-pointer) relation without a row is an error naming its columns.
	type strict struct {
		ID      int64
		Name    string
		Manager person `db:"mgr"`
	}
	_, err = All[strict](ctx, conn, q)
	wantErr(t, err, "strict.Manager", "id_1")
	// ScanStruct refuses one-to-many relations.
	rows, err = Query(ctx, conn, Select(user, jobs).From(user).Join(jobs))
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	var u tutorialUser
	wantErr(t, rows.ScanStruct(&u), "one-to-many", "Collect")
	rows.Close()
}

func TestMapNestedErrors(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	// Grouping needs the primary keys.
	type noID struct {
		Username string
		Jobs     []tutorialJob
	}
	_, err := All[noID](ctx, conn, Select(userUsername, jobsID, jobsJobs, jobsUserID).From(user).Join(jobs))
	wantErr(t, err, "cannot group", "`user`.`id`", "not selected")
	type jobNoID struct {
		Jobs   string
		UserID int64
	}
	type userJobs struct {
		ID       int64
		Username string
		Jobs     []jobNoID
	}
	_, err = All[userJobs](ctx, conn, Select(userID, userUsername, jobsJobs, jobsUserID).From(user).Join(jobs))
	wantErr(t, err, "cannot group", "userJobs.Jobs", "`jobs`.`id`")
	// A relation field must name a table of the result.
	type wrong struct {
		ID       int64
		Username string
		Tasks    []tutorialJob
	}
	_, err = All[wrong](ctx, conn, Select(user, jobs).From(user).Join(jobs))
	wantErr(t, err, "wrong.Tasks", `"Tasks"`, "user, jobs")
	// A derived table has no primary key to group by.
	sub := Select(jobsID, jobsJobs, jobsUserID).Subquery("jobs")
	_, err = All[tutorialUser](ctx, conn, Select(userID, userUsername, Col[int64](sub, "id"), Col[string](sub, "jobs"), Col[int64](sub, "user_id")).From(user).Join(sub, Col[int64](sub, "user_id").EqExpr(userID)))
	wantErr(t, err, "derived table", "no primary key")
	// Values that cannot be stored are errors naming the column, in nested structs too.
	type badJob struct {
		ID     int64
		Jobs   int64 // text into an integer
		UserID int64
	}
	type badUser struct {
		ID       int64
		Username string
		Jobs     []badJob
	}
	_, err = All[badUser](ctx, conn, Select(user, jobs).From(user).Join(jobs))
	var se *myx.ScanError
	if !errors.As(err, &se) || se.Column != "jobs" || !strings.Contains(err.Error(), "badJob.Jobs") {
		t.Fatalf("text into int64: %v", err)
	}
}

func TestResultLookups(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	// A labelled expression is found by its value, the label's inner expression too.
	n := CountAll()
	total := n.Label("total")
	rows, err := Query(ctx, conn, Select(userUsername, total).From(user).Join(jobs).GroupBy(userUsername).OrderBy(userUsername).Limit(1))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		a, err1 := Get(rows, total)
		b, err2 := Get(rows, Expr[int64](n))
		c, err3 := GetLabel[int64](rows, "TOTAL") // case-insensitive
		if err1 != nil || err2 != nil || err3 != nil || a != 2 || b != 2 || c != 2 {
			t.Fatalf("total: %d %d %d, %v %v %v", a, b, c, err1, err2, err3)
		}
		// What was not selected is an error.
		_, err := Get(rows, userID)
		wantErr(t, err, "`user`.`id`", "not in the result")
		_, err = Get(rows, CountAll())
		wantErr(t, err, "not in the result")
		_, err = GetLabel[string](rows, "nope")
		wantErr(t, err, `"nope"`, "username, total")
	}
	rows.Close()
	// A table column found through the one alias that selected it; twice is ambiguous.
	a, b := user.As("a"), user.As("b")
	rows, err = Query(ctx, conn, Select(userID.Of(a), userID.Of(b)).From(a).Join(b, userID.Of(a).LtExpr(userID.Of(b))).OrderBy(userID.Of(a), userID.Of(b)).Limit(1).LabelStyle(LabelNone))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		if v, err := Get(rows, userID.Of(b)); err != nil || v != 2 {
			t.Fatalf("Of(b): %d, %v", v, err)
		}
		_, err := Get(rows, userID)
		wantErr(t, err, "2 times", "Column.Of")
		if _, err := GetLabel[int64](rows, "id"); err == nil {
			t.Fatal("an ambiguous label was read")
		}
	}
	rows.Close()
	rows, err = Query(ctx, conn, Select(userID.Of(a)).From(a).Where(userID.Of(a).Eq(3)))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		if v, err := Get(rows, userID); err != nil || v != 3 {
			t.Fatalf("table column through its one alias: %d, %v", v, err)
		}
	}
	rows.Close()
	// Raw SQL that selects several columns: read by label only.
	rows, err = Query(ctx, conn, Select(Text("*")).From(user).Where(userID.Eq(1)).LabelStyle(LabelNone))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		if v, err := GetLabel[string](rows, "username"); err != nil || v != "ann" {
			t.Fatalf("by label: %q, %v", v, err)
		}
		_, err := Get(rows, userUsername)
		wantErr(t, err, "not those the statement selects")
		var nu sql.Null[string]
		if err := rows.Raw().ScanColumn(1, &nu); err != nil || nu.V != "ann" {
			t.Fatalf("raw: %+v, %v", nu, err)
		}
	}
	rows.Close()
}
