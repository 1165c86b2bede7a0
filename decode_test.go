package myx_test

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/stdlib"
)

// decodeCase is one column of the decoding table test: its definition, the literal stored in
// it, and what each face must give.
type decodeCase struct {
	name, def, lit string
	native         any    // Values, Scan into *any
	driver         any    // a sql.Scanner, DriverValues, database/sql: ParseTime off
	parsed         any    // the same with ParseTime on (nil: as driver)
	text           string // Scan into *string (native)
}

// The location the tests read DATETIME values in: not UTC, so that a value read in the
// wrong location shows.
var decodeLoc = time.FixedZone("UTC+2", 2*3600)

func decodeCases() []decodeCase {
	at := func(y, mo, d, h, mi, s, us int) time.Time {
		return time.Date(y, time.Month(mo), d, h, mi, s, us*1000, decodeLoc)
	}
	// GEOMETRY values arrive in the server's internal form: a 4-byte SRID, then WKB.
	point := binary.LittleEndian.AppendUint32(nil, 0)
	point = append(point, 1)
	point = binary.LittleEndian.AppendUint32(point, 1)
	point = binary.LittleEndian.AppendUint64(point, math.Float64bits(1))
	point = binary.LittleEndian.AppendUint64(point, math.Float64bits(2))
	b := func(s string) []byte { return []byte(s) }
	return []decodeCase{
		{"ti", "TINYINT", "-5", int64(-5), int64(-5), nil, "-5"},
		{"tu", "TINYINT UNSIGNED", "255", int64(255), int64(255), nil, "255"},
		{"si", "SMALLINT", "-300", int64(-300), int64(-300), nil, "-300"},
		{"su", "SMALLINT UNSIGNED", "65535", int64(65535), int64(65535), nil, "65535"},
		{"mu", "MEDIUMINT UNSIGNED", "16777215", int64(16777215), int64(16777215), nil, "16777215"},
		{"i", "INT", "-2147483648", int64(math.MinInt32), int64(math.MinInt32), nil, "-2147483648"},
		{"iu", "INT UNSIGNED", "4294967295", int64(math.MaxUint32), int64(math.MaxUint32), nil, "4294967295"},
		{"bi", "BIGINT", "-9223372036854775808", int64(math.MinInt64), int64(math.MinInt64), nil, "-9223372036854775808"},
		{"bu", "BIGINT UNSIGNED", "7", uint64(7), int64(7), nil, "7"},
		{"bum", "BIGINT UNSIGNED", "9223372036854775807", uint64(math.MaxInt64), int64(math.MaxInt64), nil, "9223372036854775807"},
		{"bub", "BIGINT UNSIGNED", "18446744073709551615", uint64(math.MaxUint64), uint64(math.MaxUint64), nil, "18446744073709551615"},
		{"yr", "YEAR", "2024", int64(2024), int64(2024), nil, "2024"},
		{"bt", "BIT(8)", "b'101'", uint64(5), b("\x05"), nil, "\x05"},
		{"b64", "BIT(64)", "b'1000000000000000000000000000000000000000000000000000000000000001'",
			uint64(0x8000000000000001), b("\x80\x00\x00\x00\x00\x00\x00\x01"), nil, "\x80\x00\x00\x00\x00\x00\x00\x01"},
		{"f", "FLOAT", "1.5", float32(1.5), float32(1.5), nil, "1.5"},
		{"d", "DOUBLE", "-2.25", float64(-2.25), float64(-2.25), nil, "-2.25"},
		{"dc", "DECIMAL(10,3)", "-12.345", "-12.345", b("-12.345"), nil, "-12.345"},
		{"da", "DATE", "'2012-06-14'", at(2012, 6, 14, 0, 0, 0, 0), b("2012-06-14"), at(2012, 6, 14, 0, 0, 0, 0), "2012-06-14"},
		{"dt", "DATETIME", "'2011-11-20 21:27:37'", at(2011, 11, 20, 21, 27, 37, 0), b("2011-11-20 21:27:37"),
			at(2011, 11, 20, 21, 27, 37, 0), "2011-11-20 21:27:37"},
		{"dt6", "DATETIME(6)", "'2024-02-29 13:14:15.123456'", at(2024, 2, 29, 13, 14, 15, 123456),
			b("2024-02-29 13:14:15.123456"), at(2024, 2, 29, 13, 14, 15, 123456), "2024-02-29 13:14:15.123456"},
		{"dt2", "DATETIME(2)", "'2024-02-29 13:14:15'", at(2024, 2, 29, 13, 14, 15, 0),
			b("2024-02-29 13:14:15.00"), at(2024, 2, 29, 13, 14, 15, 0), "2024-02-29 13:14:15.00"},
		{"ts", "TIMESTAMP(3) NULL", "'2023-07-01 12:00:00.005'", at(2023, 7, 1, 12, 0, 0, 5000),
			b("2023-07-01 12:00:00.005"), at(2023, 7, 1, 12, 0, 0, 5000), "2023-07-01 12:00:00.005"},
		{"zda", "DATE", "'0000-00-00'", time.Time{}, b("0000-00-00"), time.Time{}, "0000-00-00"},
		{"zdt", "DATETIME", "'0000-00-00 00:00:00'", time.Time{}, b("0000-00-00 00:00:00"), time.Time{}, "0000-00-00 00:00:00"},
		{"zdt3", "DATETIME(3)", "'0000-00-00 00:00:00'", time.Time{}, b("0000-00-00 00:00:00.000"), time.Time{}, "0000-00-00 00:00:00.000"},
		{"tm", "TIME", "'-25:00:01'", -(25*time.Hour + time.Second), b("-25:00:01"), nil, "-25:00:01"},
		{"tm3", "TIME(3)", "'838:59:58.5'", 838*time.Hour + 59*time.Minute + 58500*time.Millisecond,
			b("838:59:58.500"), nil, "838:59:58.500"},
		{"tms", "TIME", "'01:02:03'", time.Hour + 2*time.Minute + 3*time.Second, b("01:02:03"), nil, "01:02:03"},
		{"tmz", "TIME", "'00:00:00'", time.Duration(0), b("00:00:00"), nil, "00:00:00"},
		{"js", "JSON", `'{"a": 1}'`, `{"a": 1}`, b(`{"a": 1}`), nil, `{"a": 1}`},
		{"en", "ENUM('a','b')", "'b'", "b", b("b"), nil, "b"},
		{"st", "SET('x','y')", "'x,y'", "x,y", b("x,y"), nil, "x,y"},
		{"vc", "VARCHAR(20)", "'héllo'", "héllo", b("héllo"), nil, "héllo"},
		{"ve", "VARCHAR(20)", "''", "", b(""), nil, ""},
		{"ch", "CHAR(3)", "'ab'", "ab", b("ab"), nil, "ab"},
		{"tx", "TEXT", "'wörd'", "wörd", b("wörd"), nil, "wörd"},
		{"bn", "BINARY(2)", "x'00ff'", b("\x00\xff"), b("\x00\xff"), nil, "\x00\xff"},
		{"vb", "VARBINARY(8)", "x'00ff'", b("\x00\xff"), b("\x00\xff"), nil, "\x00\xff"},
		{"bl", "BLOB", "x'0102'", b("\x01\x02"), b("\x01\x02"), nil, "\x01\x02"},
		{"g", "GEOMETRY", "ST_GeomFromText('POINT(1 2)')", point, point, nil, string(point)},
	}
}

// serverDecodeCases is decodeCases without the column types the test server lacks; each one
// left out shows as a skipped subtest of t with the reason.
func serverDecodeCases(t *testing.T) []decodeCase {
	info, err := mysqltest.ServerInfoFor(ctxT(t), mysqltest.DSN())
	if err != nil {
		t.Fatal(err)
	}
	var cases []decodeCase
	for _, dc := range decodeCases() {
		if dc.def == "GEOMETRY" {
			if ok, why := mysqltest.SpatialTypes.Has(info); !ok {
				t.Run(dc.def, func(t *testing.T) { t.Skipf("needs %s: %s", mysqltest.SpatialTypes.Name, why) })
				continue
			}
		}
		cases = append(cases, dc)
	}
	return cases
}

// recorder is a user's sql.Scanner: it keeps (a copy of) what it was given.
type recorder struct {
	v      any
	called bool
}

func (r *recorder) Scan(src any) error {
	r.called = true
	if b, ok := src.([]byte); ok {
		src = bytes.Clone(b)
	}
	r.v = src
	return nil
}

// sameDecoded compares decoded values: same type, equal bytes, equal times in the same
// location.
func sameDecoded(got, want any) bool {
	switch w := want.(type) {
	case []byte:
		g, ok := got.([]byte)
		return ok && bytes.Equal(g, w) && g != nil
	case time.Time:
		g, ok := got.(time.Time)
		if w.IsZero() {
			return ok && g.IsZero()
		}
		return ok && g.Equal(w) && g.Location().String() == w.Location().String()
	}
	return got == want
}

// decodeTable creates the table of every case with one row of values and one of NULLs.
func decodeTable(t *testing.T, cases []decodeCase) string {
	c := connect(t)
	defs := make([]string, len(cases))
	lits := make([]string, len(cases))
	nulls := make([]string, len(cases))
	for i, dc := range cases {
		defs[i] = dc.name + " " + dc.def
		lits[i] = dc.lit
		nulls[i] = "NULL"
	}
	tbl := newTable(t, c, "id INT PRIMARY KEY, "+strings.Join(defs, ", "))
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "SET SESSION sql_mode = ''"); err != nil { // zero dates
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (1, "+strings.Join(lits, ", ")+"), (2, "+
		strings.Join(nulls, ", ")+")"); err != nil {
		t.Fatal(err)
	}
	return tbl
}

// decodeVariants are the protocols and ParseTime settings every face is checked under.
var decodeVariants = []struct {
	name        string
	interpolate bool // the text protocol (a query with arguments, interpolated)
	parseTime   bool
}{
	{"binary", false, false},
	{"binary/parseTime", false, true},
	{"text", true, false},
	{"text/parseTime", true, true},
}

func decodeConfig(t *testing.T, interpolate, parseTime bool) *myx.Config {
	cfg := testConfig(t)
	cfg.Location = decodeLoc
	cfg.InterpolateParams = interpolate
	cfg.ParseTime = parseTime
	return cfg
}

// TestDecodingTable checks every column type through every face of the native API: Values,
// Scan into *any, Scan into a user's sql.Scanner, DriverValues and Scan into *string, in both
// protocols and with ParseTime on and off, and that NULL is nil everywhere.
func TestDecodingTable(t *testing.T) {
	t.Parallel()
	cases := serverDecodeCases(t)
	tbl := decodeTable(t, cases)
	q := "SELECT " + colNames(cases) + " FROM " + tbl + " WHERE id = ?"
	for _, v := range decodeVariants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			cfg := decodeConfig(t, v.interpolate, v.parseTime)
			c := connect(t, func(c *myx.Config) { *c = *cfg })
			ctx := ctxT(t)
			n := len(cases)
			read := func(id int, f func(rows *myx.Rows)) {
				t.Helper()
				rows, err := c.Query(ctx, q, id)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				if !rows.Next() {
					t.Fatal("no row", rows.Err())
				}
				f(rows)
				if err := rows.Close(); err != nil {
					t.Fatal(err)
				}
			}
			read(1, func(rows *myx.Rows) {
				vals, err := rows.Values()
				if err != nil {
					t.Fatal(err)
				}
				anys := make([]any, n)
				recs := make([]recorder, n)
				strs := make([]string, n)
				dest := make([]any, n)
				for i := range dest {
					dest[i] = &anys[i]
				}
				if err := rows.Scan(dest...); err != nil {
					t.Fatal(err)
				}
				for i := range dest {
					dest[i] = &recs[i]
				}
				if err := rows.Scan(dest...); err != nil {
					t.Fatal(err)
				}
				for i := range dest {
					dest[i] = &strs[i]
				}
				if err := rows.Scan(dest...); err != nil {
					t.Fatal(err)
				}
				dvs := make([]driver.Value, n)
				if _, err := rows.DriverValues(dvs, nil); err != nil {
					t.Fatal(err)
				}
				for i, dc := range cases {
					drv := dc.driver
					if v.parseTime && dc.parsed != nil {
						drv = dc.parsed
					}
					if !sameDecoded(vals[i], dc.native) {
						t.Errorf("%s %s: Values gives %T %#v, want %T %#v", dc.name, dc.def, vals[i], vals[i], dc.native, dc.native)
					}
					if !sameDecoded(anys[i], dc.native) {
						t.Errorf("%s %s: Scan into *any gives %T %#v, want %T %#v", dc.name, dc.def, anys[i], anys[i], dc.native, dc.native)
					}
					if !sameDecoded(recs[i].v, drv) {
						t.Errorf("%s %s: a sql.Scanner gets %T %#v, want %T %#v", dc.name, dc.def, recs[i].v, recs[i].v, drv, drv)
					}
					if !sameDecoded(dvs[i], drv) {
						t.Errorf("%s %s: DriverValues gives %T %#v, want %T %#v", dc.name, dc.def, dvs[i], dvs[i], drv, drv)
					}
					if strs[i] != dc.text {
						t.Errorf("%s %s: Scan into *string gives %q, want %q", dc.name, dc.def, strs[i], dc.text)
					}
					if got, want := rows.Columns()[i].ScanType(), reflect.TypeOf(dc.native); got != want {
						t.Errorf("%s %s: ScanType %v, want %v", dc.name, dc.def, got, want)
					}
				}
			})
			read(2, func(rows *myx.Rows) {
				vals, err := rows.Values()
				if err != nil {
					t.Fatal(err)
				}
				recs := make([]recorder, n)
				dest := make([]any, n)
				for i := range dest {
					recs[i].v = "not called"
					dest[i] = &recs[i]
				}
				if err := rows.Scan(dest...); err != nil {
					t.Fatal(err)
				}
				dvs := make([]driver.Value, n)
				if _, err := rows.DriverValues(dvs, nil); err != nil {
					t.Fatal(err)
				}
				for i, dc := range cases {
					if vals[i] != nil || dvs[i] != nil || !recs[i].called || recs[i].v != nil {
						t.Errorf("%s NULL: Values %#v, DriverValues %#v, Scanner %#v", dc.name, vals[i], dvs[i], recs[i].v)
					}
				}
			})
		})
	}
}

// TestDecodingTableDatabaseSQL checks the database/sql face against the same table: Scan into
// *any and into a user's sql.Scanner give the driver values, Scan into *string the MySQL text
// (with parseTime off; with it on, database/sql formats the time.Time itself, as under
// go-sql-driver), in both protocols and with parseTime on and off.
func TestDecodingTableDatabaseSQL(t *testing.T) {
	t.Parallel()
	cases := serverDecodeCases(t)
	tbl := decodeTable(t, cases)
	q := "SELECT " + colNames(cases) + " FROM " + tbl + " WHERE id = ?"
	for _, v := range decodeVariants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			db := stdlib.OpenDB(decodeConfig(t, v.interpolate, v.parseTime))
			t.Cleanup(func() { db.Close() })
			ctx := ctxT(t)
			n := len(cases)
			scan := func(id int, dest ...any) {
				t.Helper()
				if err := db.QueryRowContext(ctx, q, id).Scan(dest...); err != nil {
					t.Fatal(err)
				}
			}
			anys := make([]any, n)
			recs := make([]recorder, n)
			strs := make([]string, n)
			dest := make([]any, n)
			for i := range dest {
				dest[i] = &anys[i]
			}
			scan(1, dest...)
			for i := range dest {
				dest[i] = &recs[i]
			}
			scan(1, dest...)
			for i := range dest {
				dest[i] = &strs[i]
			}
			scan(1, dest...)
			for i, dc := range cases {
				drv := dc.driver
				if v.parseTime && dc.parsed != nil {
					drv = dc.parsed
				}
				if !sameDecoded(anys[i], drv) {
					t.Errorf("%s %s: Scan into *any gives %T %#v, want %T %#v", dc.name, dc.def, anys[i], anys[i], drv, drv)
				}
				if !sameDecoded(recs[i].v, drv) {
					t.Errorf("%s %s: a sql.Scanner gets %T %#v, want %T %#v", dc.name, dc.def, recs[i].v, recs[i].v, drv, drv)
				}
				want := dc.text
				if tm, ok := drv.(time.Time); ok {
					want = tm.Format(time.RFC3339Nano) // database/sql's conversion of a time.Time
				}
				if strs[i] != want {
					t.Errorf("%s %s: Scan into *string gives %q, want %q", dc.name, dc.def, strs[i], want)
				}
			}
			for i := range dest {
				recs[i] = recorder{v: "not called"}
				dest[i] = &recs[i]
			}
			scan(2, dest...)
			for i, dc := range cases {
				if !recs[i].called || recs[i].v != nil {
					t.Errorf("%s NULL: Scanner got %#v", dc.name, recs[i].v)
				}
			}
		})
	}
}

func colNames(cases []decodeCase) string {
	names := make([]string, len(cases))
	for i, dc := range cases {
		names[i] = dc.name
	}
	return strings.Join(names, ", ")
}

// TestParseTimeDestinations: whatever ParseTime says, the native API fills time.Time,
// sql.NullTime, sql.Null[time.Time], strings and TIME destinations the same way; through
// database/sql, parseTime=false makes a DATETIME unscannable into time.Time, as in
// go-sql-driver.
func TestParseTimeDestinations(t *testing.T) {
	t.Parallel()
	for _, parseTime := range []bool{false, true} {
		t.Run(fmt.Sprint("parseTime=", parseTime), func(t *testing.T) {
			t.Parallel()
			c := connect(t, func(c *myx.Config) { c.ParseTime = parseTime })
			var (
				tm  time.Time
				nt  sql.NullTime
				gt  sql.Null[time.Time]
				ns  sql.NullString
				gs  sql.Null[string]
				dur time.Duration
				raw sql.RawBytes
			)
			err := c.QueryRow(ctxT(t), "SELECT CAST('2011-11-20 21:27:37' AS DATETIME), CAST('2012-06-14' AS DATE), "+
				"CAST('2011-11-20 21:27:37.5' AS DATETIME(1)), CAST('2012-06-14' AS DATE), CAST('2012-06-14' AS DATE), "+
				"CAST('-25:00:01' AS TIME), CAST('2011-11-20 21:27:37' AS DATETIME) FROM DUAL WHERE ? = 1", 1).
				Scan(&tm, &nt, &gt, &ns, &gs, &dur, &raw)
			if err != nil {
				t.Fatal(err)
			}
			if want := time.Date(2011, 11, 20, 21, 27, 37, 0, time.UTC); !tm.Equal(want) {
				t.Errorf("time.Time: %v", tm)
			}
			if want := time.Date(2012, 6, 14, 0, 0, 0, 0, time.UTC); !nt.Valid || !nt.Time.Equal(want) {
				t.Errorf("sql.NullTime: %v", nt)
			}
			if want := time.Date(2011, 11, 20, 21, 27, 37, 5e8, time.UTC); !gt.Valid || !gt.V.Equal(want) {
				t.Errorf("sql.Null[time.Time]: %v", gt)
			}
			if ns.String != "2012-06-14" || gs.V != "2012-06-14" {
				t.Errorf("DATE into sql.NullString, sql.Null[string]: %q, %q", ns.String, gs.V)
			}
			if dur != -(25*time.Hour + time.Second) {
				t.Errorf("TIME into time.Duration: %v", dur)
			}
			// raw is not valid after Scan returned (QueryRow closed the rows), so it is not checked.
			_ = raw

			cfg := testConfig(t)
			cfg.ParseTime = parseTime
			db := stdlib.OpenDB(cfg)
			defer db.Close()
			var dt time.Time
			err = db.QueryRowContext(ctxT(t), "SELECT CAST('2011-11-20 21:27:37' AS DATETIME)").Scan(&dt)
			if parseTime != (err == nil) {
				t.Errorf("database/sql, DATETIME into time.Time: %v", err)
			}
		})
	}
}

// TestDecodingZeroMonth: a date a time.Time cannot hold fails natively and is text in the
// driver face, with and without ParseTime.
func TestDecodingZeroMonth(t *testing.T) {
	t.Parallel()
	c := connect(t)
	tbl := newTable(t, c, "d DATE, dt DATETIME(2)")
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "SET SESSION sql_mode = ''"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES ('2024-00-00', '2024-05-00 10:11:12.5')"); err != nil {
		t.Fatal(err)
	}
	for _, v := range decodeVariants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			cfg := decodeConfig(t, v.interpolate, v.parseTime)
			c := connect(t, func(c *myx.Config) { *c = *cfg })
			rows, err := c.Query(ctxT(t), "SELECT d, dt FROM "+tbl+" WHERE ? = 1", 1)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			if !rows.Next() {
				t.Fatal("no row", rows.Err())
			}
			var r1, r2 recorder
			if err := rows.Scan(&r1, &r2); err != nil {
				t.Fatal(err)
			}
			if !sameDecoded(r1.v, []byte("2024-00-00")) || !sameDecoded(r2.v, []byte("2024-05-00 10:11:12.50")) {
				t.Errorf("Scanner got %q, %q", r1.v, r2.v)
			}
			var s1, s2 string
			if err := rows.Scan(&s1, &s2); err != nil || s1 != "2024-00-00" || s2 != "2024-05-00 10:11:12.50" {
				t.Errorf("into strings: %q, %q, %v", s1, s2, err)
			}
			var tm time.Time
			var a any
			if err := rows.Scan(&tm, &a); err == nil {
				t.Error("a zero month scanned into time.Time")
			}
			if _, err := rows.Values(); err == nil {
				t.Error("Values gave a date with a zero month")
			}
		})
	}
}

func TestParseTimeParameter(t *testing.T) {
	t.Parallel()
	for dsn, want := range map[string]bool{
		"root@tcp(127.0.0.1:3306)/test":                    false, // go-sql-driver's default
		"root@tcp(127.0.0.1:3306)/test?parseTime=true":     true,
		"root@tcp(127.0.0.1:3306)/test?parseTime=false":    false,
		"mysql://root@127.0.0.1:3306/test?parse_time=1":    true,
		"mysql://root@127.0.0.1:3306/test?parseTime=0":     false,
		"mysql://root@127.0.0.1:3306/test?parseTime=maybe": false, // refused below
	} {
		cfg, err := myx.ParseConfig(dsn)
		if strings.HasSuffix(dsn, "maybe") {
			if err == nil {
				t.Errorf("%s: accepted", dsn)
			}
			continue
		}
		if err != nil || cfg.ParseTime != want {
			t.Errorf("%s: ParseTime %v, %v; want %v", dsn, cfg != nil && cfg.ParseTime, err, want)
		}
		if err == nil && len(cfg.SessionVars) != 0 {
			t.Errorf("%s: session variables %v", dsn, cfg.SessionVars)
		}
	}
}
