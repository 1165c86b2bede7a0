package sqlb

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The schema the tests share: the tutorial's user and jobs, plus tables that exercise
// self-references, composite keys and many column types.

var (
	testMeta = NewMetaData()

	// user: the tutorial's table (its name is a reserved word).
	user         = testMeta.NewTable("user")
	userID       = AddColumn(user, "id", Int(), PrimaryKey(), AutoIncrement())
	userUsername = AddColumn(user, "username", VarChar(255), Unique())

	// jobs: the tutorial's second table, referencing user.
	jobs       = testMeta.NewTable("jobs")
	jobsID     = AddColumn(jobs, "id", Int(), PrimaryKey(), AutoIncrement())
	jobsJobs   = AddColumn(jobs, "jobs", VarChar(255))
	jobsUserID = AddColumn(jobs, "user_id", Int(), References(userID))

	// employee references itself (manager_id).
	employee          = testMeta.NewTable("employee")
	employeeID        = AddColumn(employee, "id", BigInt(), PrimaryKey(), AutoIncrement())
	employeeName      = AddColumn(employee, "name", VarChar(100))
	employeeManagerID = AddColumn(employee, "manager_id", BigInt(), Nullable(), References(employeeID, OnDelete(SetNull)))
	employeeSalary    = AddColumn(employee, "salary", Decimal(10, 2))
	employeeDept      = AddColumn(employee, "dept", VarChar(50))

	// order is a reserved word too; order_item has a composite key and two foreign keys.
	order          = testMeta.NewTable("order")
	orderID        = AddColumn(order, "id", Unsigned(BigInt()), PrimaryKey(), AutoIncrement())
	orderUserID    = AddColumn(order, "user_id", Int(), References(userID, OnDelete(Cascade)))
	orderCreatedAt = AddColumn(order, "created_at", DateTime(6), DefaultCurrentTimestamp())

	product      = testMeta.NewTable("product")
	productID    = AddColumn(product, "id", Unsigned(BigInt()), PrimaryKey())
	productName  = AddColumn(product, "name", VarChar(100))
	productPrice = AddColumn(product, "price", Decimal(10, 2))

	orderItem          = testMeta.NewTable("order_item")
	orderItemOrderID   = AddColumn(orderItem, "order_id", Unsigned(BigInt()), PrimaryKey(), References(orderID, OnDelete(Cascade)))
	orderItemProductID = AddColumn(orderItem, "product_id", Unsigned(BigInt()), PrimaryKey(), References(productID))
	orderItemQuantity  = AddColumn(orderItem, "quantity", Int(), Default(1))

	// counter is the upsert target.
	counter      = testMeta.NewTable("counter")
	counterName  = AddColumn(counter, "name", VarChar(64), PrimaryKey())
	counterHits  = AddColumn(counter, "hits", BigInt(), Default(0))
	counterNotes = AddColumn(counter, "notes", TextType(), Nullable())
)

// golden is one compilation and its expected result.
type golden struct {
	name string
	stmt Statement
	// dialects to compile for; when empty, MySQL 8.0.36 and MariaDB 10.11.0, which
	// must give the same result.
	dialects []Dialect
	sql      string
	args     []any
	err      string // when set, compilation must fail with an error containing it
}

var (
	mysql57   = MySQL(5, 7, 44)
	mysql80   = MySQL(8, 0, 36)
	mysql8018 = MySQL(8, 0, 18)
	mysql84   = MySQL(8, 4, 0)
	maria103  = MariaDB(10, 3, 0)
	maria104  = MariaDB(10, 4, 0)
	maria1011 = MariaDB(10, 11, 0)
	maria105  = MariaDB(10, 5, 0)
	tidb85    = TiDB(8, 5, 0)
	tidb65    = TiDB(6, 5, 0)
	// everyFlavor is the dialects a golden without its own list is checked for.
	everyFlavor = []Dialect{mysql80, maria1011, tidb85}
)

func runGolden(t *testing.T, cases []golden) {
	t.Helper()
	for _, tc := range cases {
		dialects := tc.dialects
		if len(dialects) == 0 {
			dialects = everyFlavor
		}
		for _, d := range dialects {
			t.Run(tc.name+"/"+strings.ReplaceAll(d.String(), " ", "_"), func(t *testing.T) {
				got, err := tc.stmt.Compile(d)
				if tc.err != "" {
					if err == nil {
						t.Fatalf("compiled without error:\n%s", got.SQL)
					}
					if !strings.Contains(err.Error(), tc.err) {
						t.Fatalf("error %q does not contain %q", err, tc.err)
					}
					return
				}
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if got.SQL != tc.sql {
					t.Errorf("SQL mismatch\n got: %s\nwant: %s", got.SQL, tc.sql)
				}
				if !argsEqual(got.Args, tc.args) {
					t.Errorf("args mismatch\n got: %#v\nwant: %#v", got.Args, tc.args)
				}
				if n := strings.Count(got.SQL, "?"); n != len(got.Args) && !strings.Contains(got.SQL, "'") {
					t.Errorf("%d placeholders but %d args", n, len(got.Args))
				}
			})
		}
	}
}

func argsEqual(got, want []any) bool {
	if len(got) == 0 && len(want) == 0 {
		return true
	}
	return reflect.DeepEqual(got, want)
}

// args builds an argument list; it reads better than []any{...} in the tables.
func args(a ...any) []any { return a }

func mustCompile(t *testing.T, s Statement, d Dialect) Compiled {
	t.Helper()
	c, err := s.Compile(d)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return c
}

func TestFixtureIsValid(t *testing.T) {
	if err := testMeta.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestUnsupportedErrorsMatchErrUnsupported(t *testing.T) {
	_, err := Select(userID).ForUpdate(SkipLocked()).Compile(mysql57)
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("errors.Is(%v, ErrUnsupported) = false", err)
	}
	var ue *UnsupportedError
	if !errors.As(err, &ue) || ue.Feature != "SKIP LOCKED" || ue.Dialect != mysql57 {
		t.Fatalf("got %#v", ue)
	}
	if want := "sqlb: SKIP LOCKED is not supported by MySQL 5.7.44 (MySQL 8.0.1+, MariaDB 10.6.0+)"; err.Error() != want {
		t.Fatalf("message %q, want %q", err, want)
	}
}

var testTime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
