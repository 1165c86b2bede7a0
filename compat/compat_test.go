package compat_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	_ "github.com/myxdb/myx/stdlib"
)

// The two drivers under comparison: go-sql-driver is the reference.
const (
	refDriver = "mysql"
	myxDriver = "myx"
)

var drivers = []string{refDriver, myxDriver}

// deliberate lists the differences myx makes on purpose, by case name and observation key
// ("case/key"; * matches any run of characters, slashes included). README's database/sql
// section lists the same. A listed difference is still checked: myx's value must match the
// entry's pattern. With COMPAT_VERBOSE set, every observation is logged, and so is an entry
// whose difference is not observed.
var deliberate = map[string]difference{
	"dsn/allowOldPasswords=true/*": {
		reason: "myx cannot speak the pre-4.1 password protocol: it refuses the parameter with a " +
			"ConfigError instead of accepting and ignoring it",
		myx: `^client error$|^\(not observed\)$`,
	},
	"dsn/near-miss *": {
		reason: "a parameter a small edit away from a known one is a ConfigError at parse time " +
			"(go-sql-driver sends it as a session variable and the server refuses it at connect)",
		myx: `^client error$|^\(not observed\)$`,
	},
	"dsn/allowAllFiles=true/*": {
		reason: "myx never reads a file the server names (LOAD DATA LOCAL INFILE lets a server " +
			"ask for any file the client can read): it refuses the parameter with a ConfigError, " +
			"and a program passes the data as a *myx.LocalFile argument instead",
		myx: `^client error$|^\(not observed\)$`,
	},
	"dsn/charset=latin1&collation=utf8mb4_bin/*": {
		reason: "a collation that does not belong to the character set is a ConfigError when the " +
			"DSN is parsed (go-sql-driver opens, and every connection then fails with the " +
			"server's error 1253)",
		myx: `^client error$|^\(not observed\)$`,
	},
	"types/*/text/BIGINT UNSIGNED*/any@*":                          bigintText,
	"types/*/interpolate/BIGINT UNSIGNED*/any@*":                   bigintText,
	"expr/*/text/CAST(* AS UNSIGNED)/any@*":                        bigintText,
	"expr/*/interpolate/CAST(* AS UNSIGNED)/any@*":                 bigintText,
	"types/*/args/BIGINT UNSIGNED*/any@extreme":                    bigintAbove,
	"types/*/prepared/BIGINT UNSIGNED*/any@extreme":                bigintAbove,
	"expr/*/args/CAST(18446744073709551615 AS UNSIGNED)/any@*":     bigintAbove,
	"expr/*/prepared/CAST(18446744073709551615 AS UNSIGNED)/any@*": bigintAbove,
	"args/*/binary/uint64 max/SELECT ?/any@*":                      bigintAbove,
	"types/parseTime=true*/DATE/*@partial":                         partialDate,
	"types/parseTime=true*/DATETIME/*@partial":                     partialDate,
	"args/parseTime=true*/CAST(? AS DATETIME(6))":                  partialDateArg,
	"args/*/interpolate/*[]byte/SELECT ?/columntype":               hexBytes,
}

// difference is a deliberate difference: why, and what myx's value must look like (a
// regular expression).
type difference struct {
	reason, myx string
}

var (
	bigintText = difference{
		reason: "BIGINT UNSIGNED is int64 when it fits, in every protocol: myx reads rows in the " +
			"binary protocol with one decoding table (go-sql-driver's text protocol, used for " +
			"queries without arguments or with interpolateParams, gives uint64 for every value)",
		myx: `^int64\(\d+\)$|^uint64\(\d{19,20}\)$`,
	}
	partialDate = difference{
		reason: "with parseTime=true a date with a zero month or day (2012-06-00) arrives as its " +
			"text, since a time.Time cannot hold it; go-sql-driver normalizes it to another " +
			"date (2012-05-31)",
		myx: `^\[\]byte\("2012-|^"2012-|unsupported Scan, storing driver.Value type \[\]uint8 into type \*time.Time`,
	}
	// partialDateArg is partialDate for a number cast to DATETIME (0.1 gives
	// 0000-00-00 00:00:00.1, 90000000000 gives 2009-00-00).
	partialDateArg = difference{
		reason: partialDate.reason,
		myx:    `^\[\]byte\("\d{4}-(00-\d\d|\d\d-00) `,
	}
	hexBytes = difference{
		reason: "with interpolateParams a []byte is written as a hexadecimal literal (X'0001ff'), " +
			"which reads the same under every character set and SQL mode; go-sql-driver writes " +
			"_binary'...' with backslash escapes. The value and type (VARBINARY) are the same; " +
			"only the label of an unnamed column differs",
		myx: `^name="X'[0-9a-f]*'" type="VARBINARY" decimal=none length=none nullable=false scantype=\[\]uint8$`,
	}
	bigintAbove = difference{
		reason: "BIGINT UNSIGNED above the int64 range is uint64 (go-sql-driver's prepared " +
			"statements give its decimal text as []byte)",
		myx: `^uint64\(\d{19,20}\)$`,
	}
)

// allowed returns the deliberate difference matching key.
func allowed(key string) (difference, bool) {
	for pat, d := range deliberate {
		if globMatch(pat, key) {
			return d, true
		}
	}
	return difference{}, false
}

// globMatch matches key against pat, where * matches any run of characters (slashes too).
func globMatch(pat, key string) bool {
	parts := strings.Split(pat, "*")
	if len(parts) == 1 {
		return pat == key
	}
	if !strings.HasPrefix(key, parts[0]) {
		return false
	}
	key = key[len(parts[0]):]
	for i, p := range parts[1:] {
		last := i == len(parts)-2
		if last {
			return strings.HasSuffix(key, p)
		}
		j := strings.Index(key, p)
		if j < 0 {
			return false
		}
		key = key[j+len(p):]
	}
	return true
}

// obs is what one driver showed in one case: observations in order, each a key, a value that
// must be the same for both drivers, and a detail (such as a client error's message) shown
// when the values differ but not compared.
type obs struct {
	keys   []string
	values map[string]string
	detail map[string]string
}

func newObs() *obs {
	return &obs{values: map[string]string{}, detail: map[string]string{}}
}

// set records value under key; a repeated key gets a numbered suffix.
func (o *obs) set(key, value, detail string) {
	k := key
	for n := 2; ; n++ {
		if _, dup := o.values[k]; !dup {
			break
		}
		k = fmt.Sprintf("%s#%d", key, n)
	}
	o.keys = append(o.keys, k)
	o.values[k] = value
	o.detail[k] = detail
}

// Add records a formatted value.
func (o *obs) Add(key, format string, args ...any) { o.set(key, fmt.Sprintf(format, args...), "") }

// Val records a Go value with its type.
func (o *obs) Val(key string, v any) { o.set(key, render(v), "") }

// Err records an error as its category (see describeErr).
func (o *obs) Err(key string, err error) {
	v, d := describeErr(err)
	o.set(key, v, d)
}

// render shows a value with its dynamic type, so that int64(1) and uint64(1) differ.
func render(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case []byte:
		return fmt.Sprintf("[]byte(%q)", x)
	case sql.RawBytes:
		return fmt.Sprintf("sql.RawBytes(%q)", []byte(x))
	case string:
		return fmt.Sprintf("string(%q)", x)
	case time.Time:
		return "time.Time(" + renderTime(x) + ")"
	case *any:
		if x == nil {
			return "*any(nil)"
		}
		return "*" + render(*x)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return fmt.Sprintf("%T(nil)", v)
		}
		return "*" + render(rv.Elem().Interface())
	}
	switch x := v.(type) {
	case sql.NullTime:
		if !x.Valid {
			return "sql.NullTime(NULL)"
		}
		return "sql.NullTime(" + renderTime(x.Time) + ")"
	case sql.Null[time.Time]:
		if !x.Valid {
			return "sql.Null[time.Time](NULL)"
		}
		return "sql.Null[time.Time](" + renderTime(x.V) + ")"
	}
	return fmt.Sprintf("%T(%+v)", v, v)
}

func renderTime(t time.Time) string {
	return t.Format("2006-01-02 15:04:05.999999999 -07:00") + " " + t.Location().String()
}

// describeErr returns an error's category, which both drivers must agree on, and its message
// as a detail. Server errors are compared in full (number, SQLSTATE, message: the server's);
// the sentinel errors a program compares with == are named; errors of database/sql itself
// ("sql: ...") are compared by message; any other client-side error only as such, since the
// two drivers word theirs differently.
func describeErr(err error) (value, detail string) {
	if err == nil {
		return "no error", ""
	}
	detail = err.Error()
	for _, s := range []struct {
		err  error
		name string
	}{
		{context.Canceled, "context.Canceled"},
		{context.DeadlineExceeded, "context.DeadlineExceeded"},
		{driver.ErrBadConn, "driver.ErrBadConn"},
		{sql.ErrNoRows, "sql.ErrNoRows"},
		{sql.ErrTxDone, "sql.ErrTxDone"},
		{sql.ErrConnDone, "sql.ErrConnDone"},
		{io.EOF, "io.EOF"},
	} {
		if err == s.err {
			return s.name + " (identical)", ""
		}
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return fmt.Sprintf("server error %d (%s): %s", me.Number, strings.TrimRight(string(me.SQLState[:]), "\x00"), me.Message), detail
	}
	var xe *myx.MySQLError
	if errors.As(err, &xe) {
		return fmt.Sprintf("server error %d (%s): %s", xe.Number, xe.SQLState, xe.Message), detail
	}
	for _, s := range []struct {
		err  error
		name string
	}{
		{context.Canceled, "context.Canceled"},
		{context.DeadlineExceeded, "context.DeadlineExceeded"},
		{driver.ErrBadConn, "driver.ErrBadConn"},
	} {
		if errors.Is(err, s.err) {
			return "wraps " + s.name + " (not identical)", detail
		}
	}
	if strings.HasPrefix(detail, "sql: ") && !strings.Contains(detail, "converting") {
		return "database/sql: " + detail, detail
	}
	return "client error", detail
}

// A dbCase runs against a *sql.DB opened with each driver on the same DSN.
type dbCase struct {
	name string
	// params are DSN parameters added to the base DSN for both drivers ("a=1&b=2").
	params string
	// dsn, if set, replaces the base DSN (before params).
	dsn string
	// maxOpen limits the pool (SetMaxOpenConns) when not zero.
	maxOpen int
	// setup runs before run for each driver (for example to create a fresh table), through
	// the reference driver so that setup failures are not myx's.
	setup func(t *testing.T, admin *sql.DB)
	// run makes the observations.
	run func(t *testing.T, o *obs, db *sql.DB)
	// check, if set, checks go-sql-driver's observations against known values, so that a
	// case that observes nothing cannot pass.
	check func(t *testing.T, ref *obs)
}

// runCases runs each case per driver (as a subtest under prefix) and compares.
func runCases(t *testing.T, prefix string, cases []dbCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := prefix + "/" + c.name
			got := map[string]*obs{}
			for _, drv := range drivers {
				o := newObs()
				got[drv] = o
				base := c.dsn
				if base == "" {
					base = baseDSN(t)
				}
				if c.setup != nil {
					c.setup(t, adminDB(t, base))
				}
				db, err := sql.Open(drv, withParams(base, c.params))
				o.Err("open", err)
				if err != nil {
					continue
				}
				if c.maxOpen > 0 {
					db.SetMaxOpenConns(c.maxOpen)
				}
				c.run(t, o, db)
				db.Close()
			}
			if c.check != nil {
				c.check(t, got[refDriver])
			}
			compare(t, name, got[refDriver], got[myxDriver])
		})
	}
}

// expect returns a check that go-sql-driver observed these values, so that a case whose
// observations are empty or failed alike on both drivers cannot pass unnoticed.
func expect(want map[string]string) func(t *testing.T, ref *obs) {
	return func(t *testing.T, ref *obs) {
		t.Helper()
		for k, v := range want {
			if ref.values[k] != v {
				t.Errorf("go-sql-driver's %s = %q, want %q: the case does not observe what it should", k, ref.values[k], v)
			}
		}
	}
}

// compare reports every observation whose value differs between the drivers, unless the
// difference is deliberate; and reports deliberate differences that are no longer seen.
func compare(t reporter, name string, ref, mx *obs) {
	t.Helper()
	var keys []string
	seen := map[string]bool{}
	for _, k := range append(append([]string{}, ref.keys...), mx.keys...) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	var diffs []string
	verbose := os.Getenv("COMPAT_VERBOSE") != ""
	for _, k := range keys {
		rv, rok := ref.values[k]
		mv, mok := mx.values[k]
		if !rok {
			rv = "(not observed)"
		}
		if !mok {
			mv = "(not observed)"
		}
		full := name + "/" + k
		if verbose {
			t.Logf("%s\n  go-sql-driver: %s\n  myx:           %s", full, rv, mv)
		}
		dd, isAllowed := allowed(full)
		if rv == mv {
			if isAllowed && verbose {
				t.Logf("%s: deliberate difference not observed (both %s): %s", full, rv, dd.reason)
			}
			continue
		}
		if isAllowed && regexp.MustCompile(dd.myx).MatchString(mv) {
			t.Logf("deliberate difference %s:\n  go-sql-driver: %s\n  myx:           %s\n  reason: %s", full, rv, mv, dd.reason)
			continue
		}
		label := k
		if isAllowed {
			label += " (a deliberate difference, but myx's value does not match " + dd.myx + ")"
		}
		d := fmt.Sprintf("%s\n    go-sql-driver: %s", label, rv)
		if ref.detail[k] != "" && ref.detail[k] != rv {
			d += "  [" + ref.detail[k] + "]"
		}
		d += "\n    myx:           " + mv
		if mx.detail[k] != "" && mx.detail[k] != mv {
			d += "  [" + mx.detail[k] + "]"
		}
		diffs = append(diffs, d)
	}
	if len(diffs) > 0 {
		t.Errorf("%s: %d observation(s) differ:\n  %s", name, len(diffs), strings.Join(diffs, "\n  "))
	}
}

var (
	baseOnce sync.Once
	baseVal  string
	baseCfg  *myx.Config
	baseErr  error
)

// baseDSN returns the test server's address, user and database in go-sql-driver's DSN form,
// which both drivers accept.
func baseDSN(t testing.TB) string {
	t.Helper()
	dsn := mysqltest.Require(t)
	baseOnce.Do(func() {
		baseCfg, baseErr = myx.ParseConfig(dsn)
		if baseErr == nil {
			baseVal = driverDSN(baseCfg.Network, baseCfg.Addr, baseCfg.User, baseCfg.Password, baseCfg.Database)
		}
	})
	if baseErr != nil {
		t.Fatalf("parsing %s: %v", mysqltest.EnvDSN, baseErr)
	}
	return baseVal
}

// driverDSN builds a go-sql-driver-form DSN.
func driverDSN(network, addr, user, password, database string) string {
	cred := user
	if password != "" {
		cred += ":" + password
	}
	return fmt.Sprintf("%s@%s(%s)/%s", cred, network, addr, database)
}

// serverDSN returns a throwaway server's DSN in go-sql-driver's form.
func serverDSN(s *mysqltest.Server, user, password string) string {
	return driverDSN("tcp", s.Addr(), user, password, "test")
}

// withParams appends DSN parameters.
func withParams(dsn, params string) string {
	if params == "" {
		return dsn
	}
	if strings.Contains(dsn, "?") {
		return dsn + "&" + params
	}
	return dsn + "?" + params
}

var (
	adminMu  sync.Mutex
	adminDBs = map[string]*sql.DB{}
)

// adminDB returns a go-sql-driver pool on dsn for setting up and inspecting tables.
func adminDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	adminMu.Lock()
	defer adminMu.Unlock()
	if db, ok := adminDBs[dsn]; ok {
		return db
	}
	db, err := sql.Open(refDriver, withParams(dsn, "multiStatements=true"))
	if err != nil {
		t.Fatal(err)
	}
	adminDBs[dsn] = db
	return db
}

// mustExec runs statements through db and fails the test on error.
func mustExec(t testing.TB, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

var prefixOnce sync.Once
var prefixVal string

// table returns a table name unique to this test run.
func table(name string) string {
	prefixOnce.Do(func() {
		b := make([]byte, 4)
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		prefixVal = "compat_" + hex.EncodeToString(b) + "_"
	})
	return prefixVal + name
}

// dropAfter drops tables when the test ends.
func dropAfter(t *testing.T, tables ...string) {
	t.Cleanup(func() {
		db := adminDB(t, baseDSN(t))
		for _, tb := range tables {
			if _, err := db.Exec("DROP TABLE IF EXISTS " + tb); err != nil {
				t.Errorf("dropping %s: %v", tb, err)
			}
		}
	})
}

// query runs q and records the columns and every row, each value scanned into *any.
func query(o *obs, key string, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, q string, args ...any) {
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		o.Err(key, err)
		return
	}
	defer rows.Close()
	recordRows(o, key, rows)
}

func recordRows(o *obs, key string, rows *sql.Rows) {
	cols, err := rows.Columns()
	if err != nil {
		o.Err(key+" columns", err)
		return
	}
	o.Add(key+" columns", "%q", cols)
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			o.Err(fmt.Sprintf("%s row %d", key, n), err)
		} else {
			parts := make([]string, len(vals))
			for i, v := range vals {
				parts[i] = render(v)
			}
			o.Add(fmt.Sprintf("%s row %d", key, n), "%s", strings.Join(parts, ", "))
		}
		n++
	}
	o.Err(key+" rows.Err", rows.Err())
	o.Add(key+" rows", "%d", n)
}

// exec runs an Exec and records its error and result.
func exec(o *obs, key string, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, q string, args ...any) {
	res, err := db.ExecContext(context.Background(), q, args...)
	o.Err(key, err)
	if err != nil {
		return
	}
	n, err := res.RowsAffected()
	if err != nil {
		o.Err(key+" RowsAffected", err)
	} else {
		o.Add(key+" RowsAffected", "%d", n)
	}
	id, err := res.LastInsertId()
	if err != nil {
		o.Err(key+" LastInsertId", err)
	} else {
		o.Add(key+" LastInsertId", "%d", id)
	}
}

// scalar runs a one-value query and records the value (as *any) or the error.
func scalar(o *obs, key string, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, q string, args ...any) {
	var v any
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&v); err != nil {
		o.Err(key, err)
		return
	}
	o.Val(key, v)
}

// TestHarness checks the comparison itself: a difference is reported, equal observations
// are not, and the allow-list matches as documented.
func TestHarness(t *testing.T) {
	a, b := newObs(), newObs()
	a.Val("x", int64(1))
	b.Val("x", uint64(1))
	ft := &fakeT{}
	compareInto(ft, "h", a, b)
	if len(ft.errs) != 1 || !strings.Contains(ft.errs[0], "int64(1)") || !strings.Contains(ft.errs[0], "uint64(1)") {
		t.Errorf("a difference was reported as %q", ft.errs)
	}
	ft = &fakeT{}
	b = newObs()
	b.Val("x", int64(1))
	compareInto(ft, "h", a, b)
	if len(ft.errs) != 0 {
		t.Errorf("equal observations reported: %q", ft.errs)
	}
	// A deliberate difference passes only with the value its entry expects from myx.
	for _, c := range []struct {
		myx  any
		errs int
	}{{int64(42), 0}, {"42", 1}} {
		a, b = newObs(), newObs()
		a.Val("BIGINT UNSIGNED/any@typical", uint64(42))
		b.Val("BIGINT UNSIGNED/any@typical", c.myx)
		ft = &fakeT{}
		compareInto(ft, "types/parseTime=false/text", a, b)
		if len(ft.errs) != c.errs {
			t.Errorf("allow-listed difference with myx %s: %d errors, want %d: %q", render(c.myx), len(ft.errs), c.errs, ft.errs)
		}
	}
	for pat, keys := range map[string][2]string{
		"a/*/c":   {"a/b/x/c", "a/b/x/d"},
		"a/b":     {"a/b", "a/bc"},
		"a/*/c*d": {"a/x/c/y/d", "a/x/d"},
	} {
		if !globMatch(pat, keys[0]) || globMatch(pat, keys[1]) {
			t.Errorf("globMatch(%q): %q should match, %q should not", pat, keys[0], keys[1])
		}
	}
	if v, _ := describeErr(context.Canceled); v != "context.Canceled (identical)" {
		t.Errorf("describeErr(context.Canceled) = %q", v)
	}
	if v, _ := describeErr(fmt.Errorf("x: %w", context.Canceled)); v != "wraps context.Canceled (not identical)" {
		t.Errorf("describeErr(wrapped Canceled) = %q", v)
	}
	v1, _ := describeErr(&mysql.MySQLError{Number: 1062, SQLState: [5]byte{'2', '3', '0', '0', '0'}, Message: "dup"})
	v2, _ := describeErr(&myx.MySQLError{Number: 1062, SQLState: "23000", Message: "dup"})
	if v1 != v2 {
		t.Errorf("server errors of the two drivers render differently: %q vs %q", v1, v2)
	}
}

// fakeT collects Errorf calls for TestHarness.
type fakeT struct{ errs []string }

func (f *fakeT) Helper()                         {}
func (f *fakeT) Logf(format string, args ...any) {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

// reporter is the part of testing.T compare uses.
type reporter interface {
	Helper()
	Logf(string, ...any)
	Errorf(string, ...any)
}

func compareInto(r reporter, name string, ref, mx *obs) { compare(r, name, ref, mx) }

func TestMain(m *testing.M) {
	// go-sql-driver logs some errors it also returns; the comparison reports them.
	mysql.SetLogger(log.New(io.Discard, "", 0))
	os.Exit(m.Run())
}
