package compat_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // loc=Asia/Shanghai without the system's zoneinfo
)

// column is one column of the types table: its SQL type and the literal it holds in each
// row that sets it (rows not listed hold the column's default, NULL where it is nullable).
type column struct {
	sqlType string
	vals    map[string]string
}

// rowLabels are the rows of the types table, by id.
var rowLabels = []string{"typical", "null", "extreme", "partial"}

var typeColumns = []column{
	{"TINYINT", map[string]string{"typical": "-5", "extreme": "-128"}},
	{"TINYINT UNSIGNED", map[string]string{"typical": "200", "extreme": "255"}},
	{"BOOL", map[string]string{"typical": "1", "extreme": "0"}},
	{"SMALLINT", map[string]string{"typical": "-300", "extreme": "-32768"}},
	{"SMALLINT UNSIGNED", map[string]string{"typical": "60000", "extreme": "65535"}},
	{"MEDIUMINT", map[string]string{"typical": "-70000", "extreme": "-8388608"}},
	{"MEDIUMINT UNSIGNED", map[string]string{"typical": "16000000", "extreme": "16777215"}},
	{"INT", map[string]string{"typical": "-2000000000", "extreme": "-2147483648"}},
	{"INT UNSIGNED", map[string]string{"typical": "4000000000", "extreme": "4294967295"}},
	{"INT NOT NULL DEFAULT 7", map[string]string{"typical": "1"}},
	{"BIGINT", map[string]string{"typical": "-9000000000000000000", "extreme": "-9223372036854775808"}},
	{"BIGINT UNSIGNED", map[string]string{"typical": "42", "extreme": "18446744073709551615"}},
	{"BIGINT UNSIGNED NOT NULL DEFAULT 0", map[string]string{"typical": "9223372036854775807", "extreme": "9223372036854775808"}},
	{"FLOAT", map[string]string{"typical": "0.1", "extreme": "-3.40282e38"}},
	{"DOUBLE", map[string]string{"typical": "0.1", "extreme": "1.7976931348623157e308"}},
	{"DECIMAL(10,2)", map[string]string{"typical": "12345.67", "extreme": "-99999999.99"}},
	{"DECIMAL(65,30)", map[string]string{"typical": "1.5", "extreme": "0"}},
	{"BIT(1)", map[string]string{"typical": "b'1'", "extreme": "b'0'"}},
	{"BIT(8)", map[string]string{"typical": "5", "extreme": "255"}},
	{"BIT(64)", map[string]string{"typical": "258", "extreme": "18446744073709551615"}},
	{"YEAR", map[string]string{"typical": "2024", "extreme": "0"}},
	{"DATE", map[string]string{"typical": "'2012-06-14'", "extreme": "'0000-00-00'", "partial": "'2012-06-00'"}},
	{"DATETIME", map[string]string{"typical": "'2011-11-20 21:27:37'", "extreme": "'0000-00-00 00:00:00'", "partial": "'2012-00-14 10:00:00'"}},
	{"DATETIME(3)", map[string]string{"typical": "'2011-11-20 21:27:37.123'", "extreme": "'9999-12-31 23:59:59.999'"}},
	{"DATETIME(6)", map[string]string{"typical": "'2011-11-20 21:27:37.123456'", "extreme": "'1000-01-01 00:00:00.000001'"}},
	{"DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00'", map[string]string{"typical": "'2011-11-20 21:27:37'"}},
	{"TIMESTAMP NULL DEFAULT NULL", map[string]string{"typical": "'2011-11-20 21:27:37'", "extreme": "'2000-01-01 00:00:00'"}},
	{"TIMESTAMP(6) NULL DEFAULT NULL", map[string]string{"typical": "'2011-11-20 21:27:37.5'", "extreme": "'0000-00-00 00:00:00'"}},
	{"TIME", map[string]string{"typical": "'-25:00:01'", "extreme": "'838:59:59'"}},
	{"TIME(3)", map[string]string{"typical": "'12:34:56.789'", "extreme": "'-838:59:59.000'"}},
	{"CHAR(5)", map[string]string{"typical": "'ab'", "extreme": "''"}},
	{"CHAR(5) CHARACTER SET latin1", map[string]string{"typical": "'é'", "extreme": "''"}},
	{"VARCHAR(20)", map[string]string{"typical": "'héllo'", "extreme": "''"}},
	{"VARCHAR(20) NOT NULL DEFAULT ''", map[string]string{"typical": "'x'"}},
	{"BINARY(4)", map[string]string{"typical": "X'0102'", "extreme": "X''"}},
	{"VARBINARY(20)", map[string]string{"typical": "X'00ff'", "extreme": "X''"}},
	{"TINYTEXT", map[string]string{"typical": "'tiny'", "extreme": "''"}},
	{"TEXT", map[string]string{"typical": "'text'", "extreme": "''"}},
	{"MEDIUMTEXT", map[string]string{"typical": "'medium'", "extreme": "''"}},
	{"LONGTEXT", map[string]string{"typical": "'long'", "extreme": "''"}},
	{"TINYBLOB", map[string]string{"typical": "X'de'", "extreme": "X''"}},
	{"BLOB", map[string]string{"typical": "X'deadbeef'", "extreme": "X''"}},
	{"MEDIUMBLOB", map[string]string{"typical": "X'beef'", "extreme": "X''"}},
	{"LONGBLOB", map[string]string{"typical": "X'cafe'", "extreme": "X''"}},
	{"ENUM('a','b')", map[string]string{"typical": "'b'", "extreme": "''"}},
	{"SET('a','b','c')", map[string]string{"typical": "'a,c'", "extreme": "''"}},
	{"JSON", map[string]string{"typical": `'{"a": 1}'`, "extreme": "'[]'"}},
	{"GEOMETRY", map[string]string{"typical": "POINT(1, 2)"}},
	{"UUID", map[string]string{"typical": "'123e4567-e89b-12d3-a456-426614174000'", "extreme": "'00000000-0000-0000-0000-000000000000'"}},
	{"INET6", map[string]string{"typical": "'::1'", "extreme": "'::'"}},
}

// typeModes are the ways the types table is read: the text protocol (no arguments), the
// binary protocol (an argument, or an explicit prepared statement), and interpolateParams.
var typeModes = []struct {
	name, params, query string
	args                []any
	prepare             bool
}{
	{name: "text", query: "SELECT %s FROM %s ORDER BY id"},
	{name: "args", query: "SELECT %s FROM %s WHERE id > ? ORDER BY id", args: []any{0}},
	{name: "prepared", query: "SELECT %s FROM %s ORDER BY id", prepare: true},
	{name: "interpolate", params: "interpolateParams=true", query: "SELECT %s FROM %s WHERE id > ? ORDER BY id", args: []any{0}},
}

// timeSettings are the parseTime/loc combinations.
var timeSettings = []string{"parseTime=false", "parseTime=true", "parseTime=true&loc=Asia%2FShanghai"}

func colName(i int) string { return fmt.Sprintf("c%02d", i) }

// TestTypes reads one column of every type in every row under every mode and time setting,
// and compares per value: the driver value (Scan into *any), the value scanned into
// sql.NullString, the value scanned into a new value of the column's ScanType (as GORM
// does), and the column's ColumnType.
func TestTypes(t *testing.T) {
	base := baseDSN(t)
	admin := adminDB(t, base)
	tb := table("types")
	dropAfter(t, tb)
	var defs []string
	for i, c := range typeColumns {
		defs = append(defs, colName(i)+" "+c.sqlType)
	}
	conn, err := admin.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Zero and partial dates need a permissive sql_mode; TIMESTAMP literals a fixed zone.
	mustExecConn(t, conn, "SET SESSION sql_mode = ''", "SET SESSION time_zone = '+00:00'",
		"CREATE TABLE "+tb+" (id INT PRIMARY KEY, "+strings.Join(defs, ", ")+")")
	for id, label := range rowLabels {
		cols, vals := []string{"id"}, []string{fmt.Sprint(id + 1)}
		for i, c := range typeColumns {
			if v, ok := c.vals[label]; ok {
				cols = append(cols, colName(i))
				vals = append(vals, v)
			}
		}
		mustExecConn(t, conn, "INSERT INTO "+tb+" ("+strings.Join(cols, ", ")+") VALUES ("+strings.Join(vals, ", ")+")")
	}
	conn.Close()

	var names []string
	for i := range typeColumns {
		names = append(names, colName(i))
	}
	var cases []dbCase
	for _, ts := range timeSettings {
		for _, m := range typeModes {
			m := m
			cases = append(cases, dbCase{
				name:    ts + "/" + m.name,
				params:  joinParams(ts, m.params, "time_zone=%27%2B00%3A00%27"),
				maxOpen: 1,
				run: func(t *testing.T, o *obs, db *sql.DB) {
					q := fmt.Sprintf(m.query, strings.Join(names, ", "), tb)
					rows, err := openRows(db, q, m.prepare, m.args...)
					if err != nil {
						o.Err("query", err)
						return
					}
					recordTypedRows(o, rows, func(i int) string { return typeColumns[i].sqlType })
				},
				check: checkTypeAnchors(ts),
			})
		}
	}
	runCases(t, "types", cases)
}

// checkTypeAnchors checks a few of go-sql-driver's observations against known values, so
// that a harness that observes nothing cannot pass.
func checkTypeAnchors(ts string) func(t *testing.T, ref *obs) {
	want := map[string]string{
		"INT/any@typical":            "int64(-2000000000)",
		"INT/string@typical":         `"-2000000000"`,
		"VARCHAR(20)/string@typical": `"héllo"`,
		"VARCHAR(20)/any@null":       "nil",
		"DATE/string@typical":        `"2012-06-14"`,
		"DATE/any@typical":           `[]byte("2012-06-14")`,
	}
	if ts != "parseTime=false" {
		want["DATE/string@typical"] = `"2012-06-14T00:00:00Z"`
		want["DATE/any@typical"] = "time.Time(2012-06-14 00:00:00 +00:00 UTC)"
		if strings.Contains(ts, "Shanghai") {
			want["DATE/string@typical"] = `"2012-06-14T00:00:00+08:00"`
			want["DATE/any@typical"] = "time.Time(2012-06-14 00:00:00 +08:00 Asia/Shanghai)"
		}
	}
	return func(t *testing.T, ref *obs) {
		t.Helper()
		for k, v := range want {
			if ref.values[k] != v {
				t.Errorf("go-sql-driver's %s = %s, want %s: the harness is not observing what it should", k, ref.values[k], v)
			}
		}
	}
}

// openRows runs q directly or through an explicit prepared statement.
func openRows(db *sql.DB, q string, prepare bool, args ...any) (*sql.Rows, error) {
	if !prepare {
		return db.Query(q, args...)
	}
	st, err := db.Prepare(q)
	if err != nil {
		return nil, err
	}
	// The rows keep the statement's connection; closing the statement after the rows is
	// what database/sql does for QueryRow too.
	rows, err := st.Query(args...)
	st.Close()
	return rows, err
}

// recordTypedRows records the column types and, per row and column, the value three ways.
func recordTypedRows(o *obs, rows *sql.Rows, label func(int) string) {
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		o.Err("ColumnTypes", err)
		return
	}
	for i, ct := range cts {
		o.Add(label(i)+"/columntype", "%s", describeColumnType(ct))
	}
	n := 0
	for rows.Next() {
		row := fmt.Sprint(n)
		if n < len(rowLabels) {
			row = rowLabels[n]
		}
		n++
		anys := make([]any, len(cts))
		ptrs := make([]any, len(cts))
		for i := range anys {
			ptrs[i] = &anys[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			o.Err("scan any@"+row, err)
			continue
		}
		for i := range cts {
			o.Val(label(i)+"/any@"+row, anys[i])
		}
		// Each column into sql.NullString, then into its ScanType, one Scan per column so
		// that one error does not hide the others (database/sql lets a row be scanned
		// again).
		for i, ct := range cts {
			dest := make([]any, len(cts))
			for j := range dest {
				dest[j] = new(any)
			}
			var s sql.NullString
			dest[i] = &s
			if err := rows.Scan(dest...); err != nil {
				o.Err(label(i)+"/string@"+row, err)
			} else if !s.Valid {
				o.Add(label(i)+"/string@"+row, "NULL")
			} else {
				o.Add(label(i)+"/string@"+row, "%q", s.String)
			}
			st := ct.ScanType()
			if st == nil {
				o.Add(label(i)+"/scantype@"+row, "no ScanType")
				continue
			}
			p := reflect.New(st)
			dest[i] = p.Interface()
			if err := rows.Scan(dest...); err != nil {
				o.Err(label(i)+"/scantype@"+row, err)
			} else {
				o.Val(label(i)+"/scantype@"+row, p.Elem().Interface())
			}
		}
	}
	o.Err("rows.Err", rows.Err())
	o.Add("rows", "%d", n)
}

// describeColumnType renders everything ColumnType reports.
func describeColumnType(ct *sql.ColumnType) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name=%q type=%q", ct.Name(), ct.DatabaseTypeName())
	if p, s, ok := ct.DecimalSize(); ok {
		fmt.Fprintf(&b, " decimal=(%d,%d)", p, s)
	} else {
		b.WriteString(" decimal=none")
	}
	if l, ok := ct.Length(); ok {
		fmt.Fprintf(&b, " length=%d", l)
	} else {
		b.WriteString(" length=none")
	}
	if n, ok := ct.Nullable(); ok {
		fmt.Fprintf(&b, " nullable=%v", n)
	} else {
		b.WriteString(" nullable=unknown")
	}
	if st := ct.ScanType(); st != nil {
		fmt.Fprintf(&b, " scantype=%s", st)
	} else {
		b.WriteString(" scantype=nil")
	}
	return b.String()
}

func joinParams(ps ...string) string {
	var out []string
	for _, p := range ps {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "&")
}

func mustExecConn(t testing.TB, c *sql.Conn, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := c.ExecContext(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// exprs are column expressions without a table, read without and with arguments.
var exprs = []string{
	"1", "-1", "1.5", "1e0", "'abc'", "NULL", "X'0102'", "1 = 1",
	"CAST(1 AS UNSIGNED)", "CAST(18446744073709551615 AS UNSIGNED)", "CAST(-1 AS SIGNED)",
	"CAST('2012-06-14' AS DATE)", "CAST('2011-11-20 21:27:37.5' AS DATETIME(6))",
	"CAST('-25:00:01' AS TIME)", "TIMESTAMP'2011-11-20 21:27:37'", "CAST(1.5 AS FLOAT)",
	"CAST(1.5 AS DOUBLE)", "CAST(1.5 AS DECIMAL(5,2))", "COUNT(*)", "SUM(2)",
	"CONVERT('é' USING latin1)", "JSON_OBJECT('a', 1)", "YEAR('2012-06-14')",
	"CAST('x' AS BINARY)", "CHAR(65)", "b'101'",
}

// TestExpressions reads expressions under every time setting and protocol.
func TestExpressions(t *testing.T) {
	var cases []dbCase
	for _, ts := range timeSettings {
		for _, m := range typeModes {
			m := m
			cases = append(cases, dbCase{
				name:   ts + "/" + m.name,
				params: joinParams(ts, m.params),
				run: func(t *testing.T, o *obs, db *sql.DB) {
					q := "SELECT " + strings.Join(exprs, ", ")
					if len(m.args) > 0 {
						q += " FROM DUAL WHERE ? = 0"
					}
					rows, err := openRows(db, q, m.prepare, m.args...)
					if err != nil {
						o.Err("query", err)
						return
					}
					recordTypedRows(o, rows, func(i int) string { return exprs[i] })
				},
			})
		}
	}
	runCases(t, "expr", cases)
}

// argValues are Go values sent as arguments (SELECT ?) and read back.
var argValues = []struct {
	name string
	v    any
}{
	{"int", 42},
	{"int8", int8(-8)},
	{"int64 min", int64(-9223372036854775808)},
	{"uint64 max", uint64(18446744073709551615)},
	{"uint32", uint32(4000000000)},
	{"float32", float32(1.5)},
	{"float64", 0.1},
	{"bool true", true},
	{"bool false", false},
	{"string", "héllo"},
	{"string with quote", `it's "q" \ back`},
	{"[]byte", []byte{0, 1, 0xff}},
	{"empty []byte", []byte{}},
	{"nil []byte", []byte(nil)},
	{"nil", nil},
	{"time UTC", time.Date(2011, 11, 20, 21, 27, 37, 0, time.UTC)},
	{"time micro", time.Date(2011, 11, 20, 21, 27, 37, 123456789, time.UTC)},
	{"time offset", time.Date(2011, 11, 20, 21, 27, 37, 0, time.FixedZone("X", 3600))},
	{"time zero", time.Time{}},
	{"date only", time.Date(2012, 6, 14, 0, 0, 0, 0, time.UTC)},
	{"json.RawMessage", json.RawMessage(`{"a":1}`)},
	{"sql.NullInt64 null", sql.NullInt64{}},
	{"sql.NullString", sql.NullString{String: "s", Valid: true}},
	{"*int nil", (*int)(nil)},
	{"named string", namedString("named")},
	{"time.Duration", 90 * time.Second},
}

type namedString string

// TestArguments sends each argument under each protocol and time setting and reads it back
// from SELECT ?, and also stores it in a VARCHAR and a DATETIME(6) column.
func TestArguments(t *testing.T) {
	var cases []dbCase
	for _, ts := range timeSettings {
		for _, mode := range []struct{ name, params string }{{"binary", ""}, {"interpolate", "interpolateParams=true"}} {
			for _, a := range argValues {
				a := a
				cases = append(cases, dbCase{
					name:   ts + "/" + mode.name + "/" + a.name,
					params: joinParams(ts, mode.params, "time_zone=%27%2B00%3A00%27"),
					run: func(t *testing.T, o *obs, db *sql.DB) {
						rows, err := db.Query("SELECT ?", a.v)
						if err != nil {
							o.Err("SELECT ?", err)
						} else {
							recordTypedRows(o, rows, func(int) string { return "SELECT ?" })
						}
						scalar(o, "CONCAT(?)", db, "SELECT CONCAT(?)", a.v)
						scalar(o, "CAST(? AS DATETIME(6))", db, "SELECT CAST(? AS DATETIME(6))", a.v)
					},
				})
			}
		}
	}
	runCases(t, "args", cases)
}
