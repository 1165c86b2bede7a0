package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// queryTable creates a table of the test's own from ddl (with %s for its name), fills it with
// the rows statements (also with %s), and drops it when the test ends.
func queryTable(t *testing.T, dsn, ddl string, rows ...string) string {
	t.Helper()
	ctx := context.Background()
	var b [4]byte
	rand.Read(b[:])
	name := "myxq_" + hex.EncodeToString(b[:])
	c, err := myx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for _, q := range append([]string{ddl}, rows...) {
		if _, err := c.Exec(ctx, fmt.Sprintf(q, name)); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		if c, err := myx.Connect(ctx, dsn); err == nil {
			c.Exec(ctx, "DROP TABLE IF EXISTS "+name)
			c.Close(ctx)
		}
	})
	return name
}

var timing = regexp.MustCompile(`\(\d+\.\d{3} sec\)`)

// query runs myx query with the DSN and returns its outputs with the timings replaced by
// "(T sec)".
func query(t *testing.T, dsn, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	out, errOut, code := runMyx(t, context.Background(), stdin, append([]string{"query", "-dsn", dsn}, args...)...)
	return timing.ReplaceAllString(out, "(T sec)"), timing.ReplaceAllString(errOut, "(T sec)"), code
}

func expect(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\ngot:\n%s\nwant:\n%s", what, got, want)
	}
}

// typesTable holds one row of each kind of value whose text myx query must print as the
// server does, and one of NULLs.
const typesDDL = `CREATE TABLE %s (id INT PRIMARY KEY, dt DATETIME, dt6 DATETIME(6), d DATE, tm TIME,
	s VARCHAR(20), dec2 DECIMAL(10,2), b BIT(8), j JSON, bin VARBINARY(4))`

func typesTableRows() []string {
	return []string{
		`INSERT INTO %s VALUES (1, '2024-01-05 09:00:00', '2024-01-05 09:00:00.123456', '2024-01-05',
			'-25:00:01', 'NULL', 1.50, b'101', '{"a": [1, "x"]}', x'00ff0a41')`,
		`INSERT INTO %s VALUES (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
		`INSERT INTO %s (id, s) VALUES (3, 'a\tb\nc\\d'), (4, ''), (5, '''q'), (6, '日本')`,
	}
}

func TestQueryTable(t *testing.T) {
	dsn := mysqltest.Require(t)
	tbl := queryTable(t, dsn, typesDDL, typesTableRows()...)
	out, errOut, code := query(t, dsn, "", "SELECT * FROM "+tbl+" ORDER BY id")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := `+----+---------------------+----------------------------+------------+-----------+------------+------+------+-----------------+------------+
| id | dt                  | dt6                        | d          | tm        | s          | dec2 | b    | j               | bin        |
+----+---------------------+----------------------------+------------+-----------+------------+------+------+-----------------+------------+
|  1 | 2024-01-05 09:00:00 | 2024-01-05 09:00:00.123456 | 2024-01-05 | -25:00:01 | 'NULL'     | 1.50 | 0x05 | {"a": [1, "x"]} | 0x00ff0a41 |
|  2 | NULL                | NULL                       | NULL       | NULL      | NULL       | NULL | NULL | NULL            | NULL       |
|  3 | NULL                | NULL                       | NULL       | NULL      | a\tb\nc\\d | NULL | NULL | NULL            | NULL       |
|  4 | NULL                | NULL                       | NULL       | NULL      |            | NULL | NULL | NULL            | NULL       |
|  5 | NULL                | NULL                       | NULL       | NULL      | '''q'      | NULL | NULL | NULL            | NULL       |
|  6 | NULL                | NULL                       | NULL       | NULL      | 日本       | NULL | NULL | NULL            | NULL       |
+----+---------------------+----------------------------+------------+-----------+------------+------+------+-----------------+------------+
6 rows in set (T sec)

`
	expect(t, "table", out, want)
	if errOut != "" {
		t.Errorf("standard error: %s", errOut)
	}
}

func TestQueryVertical(t *testing.T) {
	dsn := mysqltest.Require(t)
	tbl := queryTable(t, dsn, typesDDL, typesTableRows()...)
	for _, flag := range []string{"-G", "-vertical", "-format=vertical"} {
		out, _, code := query(t, dsn, "", "SELECT id, dt, tm, s, dec2 FROM "+tbl+" WHERE id IN (1, 3) ORDER BY id", flag)
		if code != 0 {
			t.Fatalf("%s: exit %d", flag, code)
		}
		want := `*************************** 1. row ***************************
  id: 1
  dt: 2024-01-05 09:00:00
  tm: -25:00:01
   s: 'NULL'
dec2: 1.50
*************************** 2. row ***************************
  id: 3
  dt: NULL
  tm: NULL
   s: a\tb\nc\\d
dec2: NULL
2 rows in set (T sec)

`
		expect(t, flag, out, want)
	}
}

func TestQueryMachineFormats(t *testing.T) {
	dsn := mysqltest.Require(t)
	tbl := queryTable(t, dsn, typesDDL, typesTableRows()...)
	sel := "SELECT id, dt6, d, tm, s, dec2, b, j FROM " + tbl + " WHERE id <= 4 ORDER BY id"
	for _, c := range []struct{ format, want string }{
		{"tsv", "id\tdt6\td\ttm\ts\tdec2\tb\tj\n" +
			"1\t2024-01-05 09:00:00.123456\t2024-01-05\t-25:00:01\tNULL\t1.50\t\x05\t{\"a\": [1, \"x\"]}\n" +
			"2\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n" +
			"3\t\\N\t\\N\t\\N\ta\\tb\\nc\\\\d\t\\N\t\\N\t\\N\n" +
			"4\t\\N\t\\N\t\\N\t\t\\N\t\\N\t\\N\n"},
		{"csv", "id,dt6,d,tm,s,dec2,b,j\n" +
			"1,2024-01-05 09:00:00.123456,2024-01-05,-25:00:01,NULL,1.50,0x05,\"{\"\"a\"\": [1, \"\"x\"\"]}\"\n" +
			"2,,,,,,,\n" +
			"3,,,,\"a\tb\nc\\d\",,,\n" +
			"4,,,,\"\",,,\n"},
		{"json", `{"id":1,"dt6":"2024-01-05 09:00:00.123456","d":"2024-01-05","tm":"-25:00:01","s":"NULL","dec2":1.50,"b":"0x05","j":{"a": [1, "x"]}}
{"id":2,"dt6":null,"d":null,"tm":null,"s":null,"dec2":null,"b":null,"j":null}
{"id":3,"dt6":null,"d":null,"tm":null,"s":"a\tb\nc\\d","dec2":null,"b":null,"j":null}
{"id":4,"dt6":null,"d":null,"tm":null,"s":"","dec2":null,"b":null,"j":null}
`},
	} {
		out, errOut, code := query(t, dsn, "", sel, "-format", c.format)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.format, code, errOut)
		}
		expect(t, c.format, out, c.want)
		// The summary goes to standard error, keeping standard output to the data.
		expect(t, c.format+" standard error", errOut, "4 rows in set (T sec)\n")
		if c.format == "json" {
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if !json.Valid([]byte(line)) {
					t.Errorf("json: not valid JSON: %s", line)
				}
			}
		}
	}
	out, errOut, code := query(t, dsn, "", sel+" LIMIT 2", "-format", "jsonarray", "-quiet")
	if code != 0 || errOut != "" {
		t.Fatalf("jsonarray: exit %d: %s", code, errOut)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("jsonarray: %v\n%s", err, out)
	}
	if len(rows) != 2 || rows[0]["dec2"] != 1.5 || rows[1]["s"] != nil || rows[0]["s"] != "NULL" {
		t.Errorf("jsonarray: %v", rows)
	}
	out, _, _ = query(t, dsn, "", "SELECT 1 FROM "+tbl+" WHERE 0", "-format", "jsonarray")
	expect(t, "empty jsonarray", out, "[]\n")
	out, _, _ = query(t, dsn, "", "SELECT id FROM "+tbl+" WHERE id = 1", "-format", "csv", "-header=false")
	expect(t, "csv without header", out, "1\n")
}

func TestQueryStatementSummaries(t *testing.T) {
	dsn := mysqltest.Require(t)
	tbl := queryTable(t, dsn, "CREATE TABLE %s (id INT PRIMARY KEY, n INT NOT NULL)")
	out, errOut, code := query(t, dsn, "",
		"INSERT INTO "+tbl+" VALUES (1, 10), (2, 20); UPDATE "+tbl+" SET n = 10 WHERE id <= 2; "+
			"DELETE FROM "+tbl+" WHERE id = 2; SELECT * FROM "+tbl+" WHERE id = 99; CREATE TABLE "+tbl+"_x (a INT); "+
			"DROP TABLE "+tbl+"_x")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := `Query OK, 2 rows affected (T sec)
Records: 2  Duplicates: 0  Warnings: 0

Query OK, 1 row affected (T sec)
Rows matched: 2  Changed: 1  Warnings: 0

Query OK, 1 row affected (T sec)

Empty set (T sec)

Query OK, 0 rows affected (T sec)

Query OK, 0 rows affected (T sec)

`
	expect(t, "summaries", out, want)

	// -quiet leaves them out.
	out, _, code = query(t, dsn, "", "UPDATE "+tbl+" SET n = n + 1", "-quiet")
	expect(t, "quiet", out, "")
	if code != 0 {
		t.Errorf("quiet: exit %d", code)
	}
}

func TestQueryWarnings(t *testing.T) {
	dsn := mysqltest.Require(t)
	tbl := queryTable(t, dsn, "CREATE TABLE %s (id INT PRIMARY KEY, d DATE)")
	out, _, code := query(t, dsn, "", "SELECT 1/0 AS z")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	want := `+------+
| z    |
+------+
| NULL |
+------+
1 row in set, 1 warning (T sec)

Warning (Code 1365): Division by 0

`
	expect(t, "select warning", out, want)

	// TiDB stores the date without the note MariaDB and MySQL give (1265).
	if info, err := mysqltest.ServerInfoFor(context.Background(), dsn); err != nil || !info.TiDB() {
		out, _, _ = query(t, dsn, "", "INSERT INTO "+tbl+" VALUES (1, '2024-01-05 10:11:12')")
		want = `Query OK, 1 row affected, 1 warning (T sec)

Note (Code 1265): Data truncated for column 'd' at row 1

`
		expect(t, "insert note", out, want)
	}

	// In machine formats the warnings go to standard error, with the summary.
	out, errOut, _ := query(t, dsn, "", "SELECT 1/0 AS z", "-format", "csv")
	expect(t, "csv data", out, "z\n\n")
	expect(t, "csv warnings", errOut, "1 row in set, 1 warning (T sec)\nWarning (Code 1365): Division by 0\n")

	out, _, _ = query(t, dsn, "", "SELECT 1/0 AS z", "-warnings=false", "-format", "tsv", "-header=false")
	expect(t, "no warnings", out, "\\N\n")
}

func TestQueryArguments(t *testing.T) {
	dsn := mysqltest.Require(t)
	sel := "SELECT ? IS NULL AS a_null, ? AS b, ? AS c"
	for _, c := range []struct {
		args []string
		want string
	}{
		// \N is NULL; the string NULL is a string.
		{[]string{`\N`, "NULL", "x"}, "1\tNULL\tx\n"},
		// Flags after the SQL and among the arguments are flags.
		{[]string{"y", "-format", "tsv", "NULL", "-quiet", "z"}, "0\tNULL\tz\n"},
		// A negative number is an argument; after "--" everything is.
		{[]string{"-5", "--", "-quiet", "-x"}, "0\t-quiet\t-x\n"},
		// -null-arg names another token.
		{[]string{"-null-arg", "NULL", "NULL", `\N`, ""}, "1\t\\\\N\t\n"},
	} {
		args := append([]string{sel, "-format=tsv", "-header=false", "-quiet"}, c.args...)
		out, errOut, code := query(t, dsn, "", args...)
		if code != 0 {
			t.Errorf("%q: exit %d: %s", c.args, code, errOut)
			continue
		}
		expect(t, fmt.Sprintf("%q", c.args), out, c.want)
	}
	_, errOut, code := query(t, dsn, "", "SELECT ?, ?", "1")
	if code != 2 || !strings.Contains(errOut, "2 placeholders but 1 argument") {
		t.Errorf("too few arguments: exit %d: %s", code, errOut)
	}
	_, errOut, code = query(t, dsn, "", "SELECT 1", "extra")
	if code != 2 || !strings.Contains(errOut, "0 placeholders but 1 argument") {
		t.Errorf("too many arguments: exit %d: %s", code, errOut)
	}
	// Placeholders are filled across statements in order; a '?' in a string is no placeholder.
	out, _, _ := query(t, dsn, "", "SELECT ? AS a, '?' AS q; SELECT ? AS b", "1", "2", "-format", "tsv", "-quiet")
	expect(t, "across statements", out, "a\tq\n1\t?\nb\n2\n")
}

func TestQueryStdin(t *testing.T) {
	dsn := mysqltest.Require(t)
	stdin := "SELECT 'a;b' AS x;\n-- a comment; with a semicolon\nSELECT 7 AS y;\n"
	out, errOut, code := query(t, dsn, stdin, "-format", "tsv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	expect(t, "stdin", out, "x\na;b\ny\n7\n")
	expect(t, "summaries", errOut, "1 row in set (T sec)\n1 row in set (T sec)\n")
	// "-" reads the SQL from standard input and leaves the arguments after it.
	out, errOut, code = query(t, dsn, "SELECT ? AS y", "-format", "tsv", "-", "8")
	if code != 0 {
		t.Fatalf("-: exit %d: %s", code, errOut)
	}
	expect(t, "stdin with -", out, "y\n8\n")
	// -no-split sends the text whole, as a multi-statement query.
	out, _, code = query(t, dsn, "", "SELECT 1 AS a; SELECT 2 AS b", "-no-split", "-format", "tsv", "-quiet")
	if code != 0 {
		t.Fatalf("no-split: exit %d", code)
	}
	expect(t, "no-split", out, "a\n1\nb\n2\n")
	_, errOut, code = query(t, dsn, "-- nothing\n;")
	if code != 2 || !strings.Contains(errOut, "holds no statement") {
		t.Errorf("empty text: exit %d: %s", code, errOut)
	}
}

func TestQueryErrors(t *testing.T) {
	dsn := mysqltest.Require(t)
	out, errOut, code := query(t, dsn, "", "SELECT 1 AS one; SELECT * FROM myxq_no_such_table; SELECT 3")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	expect(t, "output before the error", out, "+-----+\n| one |\n+-----+\n|   1 |\n+-----+\n1 row in set (T sec)\n\n")
	if !strings.Contains(errOut, "statement 2 of 3") || !strings.Contains(errOut, "1146") ||
		strings.Contains(errOut, "myx: myx:") {
		t.Errorf("standard error: %s", errOut)
	}
	// An error in the middle of the rows prints the error, no summary.
	mysqltest.SkipUnless(t, dsn, mysqltest.SequenceEngine)
	for _, format := range []string{"table", "csv"} {
		out, errOut, code = query(t, dsn, "", "-format", format,
			"SELECT seq, IF(seq = 1500, (SELECT 1 UNION SELECT 2), seq) AS v FROM seq_1_to_2000")
		if code != 1 || !strings.Contains(errOut, "1242") {
			t.Errorf("%s: error amid rows: exit %d: %s", format, code, errOut)
		}
		if strings.Contains(out+errOut, "in set") {
			t.Errorf("%s: error amid rows printed a summary:\n%s", format, errOut)
		}
	}
}

// TestQueryWidthSample checks that rows after the width sample that are wider than their
// column are printed whole.
func TestQueryWidthSample(t *testing.T) {
	dsn := mysqltest.Require(t)
	mysqltest.SkipUnless(t, dsn, mysqltest.SequenceEngine)
	out, _, code := query(t, dsn, "", "SELECT seq AS n, REPEAT('x', seq) AS s FROM seq_1_to_4", "-sample", "2")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	// seq is a BIGINT UNSIGNED: 20 wide once the result outgrows the sample.
	want := `+----------------------+----+
| n                    | s  |
+----------------------+----+
|                    1 | x  |
|                    2 | xx |
|                    3 | xxx |
|                    4 | xxxx |
+----------------------+----+
4 rows in set (T sec)

`
	expect(t, "sample", out, want)
	// A result within the sample takes the widths of its values.
	out, _, _ = query(t, dsn, "", "SELECT seq AS n FROM seq_1_to_2", "-sample", "2", "-quiet")
	expect(t, "within the sample", out, "+---+\n| n |\n+---+\n| 1 |\n| 2 |\n+---+\n")
}

// TestQueryCancel checks that cancelling the context (Ctrl-C) stops the statement on the
// server and prints only the error.
func TestQueryCancel(t *testing.T) {
	dsn := mysqltest.Require(t)
	mysqltest.SkipUnless(t, dsn, mysqltest.SequenceEngine)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var b [4]byte
	rand.Read(b[:])
	marker := "myxq_cancel_" + hex.EncodeToString(b[:])
	done := make(chan struct{})
	var out, errOut string
	var code int
	go func() {
		defer close(done)
		out, errOut, code = runMyx(t, ctx, "", "query", "-dsn", dsn,
			"SELECT seq, SLEEP(0.05) AS '"+marker+"' FROM seq_1_to_100000")
	}()
	// Wait until the statement runs on the server, then cancel.
	c, err := myx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	for {
		var n int
		err := c.QueryRow(context.Background(),
			"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND INFO NOT LIKE '%PROCESSLIST%'",
			"%"+marker+"%").Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		select {
		case <-done:
			t.Fatalf("myx query ended before it was cancelled: exit %d\n%s%s", code, out, errOut)
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	<-done
	if code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	if out != "" {
		t.Errorf("standard output after cancel:\n%s", out)
	}
	if errOut == "" || strings.Contains(errOut, "rows in set") || strings.Contains(errOut, "Empty set") {
		t.Errorf("standard error: %q", errOut)
	}
	// The server stopped the statement (KILL QUERY): it leaves the process list.
	for {
		var n int
		if err := c.QueryRow(context.Background(),
			"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND INFO NOT LIKE '%PROCESSLIST%'",
			"%"+marker+"%").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAppendDisplay(t *testing.T) {
	text := &myx.Column{Type: myx.TypeVarString, Collation: 45}
	bin := &myx.Column{Type: myx.TypeVarString, Collation: 63}
	bit := &myx.Column{Type: myx.TypeBit, Collation: 63}
	for _, c := range []struct {
		col   *myx.Column
		in    []byte
		want  string
		width int
	}{
		{text, nil, "NULL", 4},
		{text, []byte("NULL"), "'NULL'", 6},
		{text, []byte("null"), "null", 4},
		{text, []byte("'NULL'"), "'''NULL'''", 10},
		{text, []byte(""), "", 0},
		{text, []byte("a\tb\nc\r\x00\\\x1b\x7f"), `a\tb\nc\r\0\\\x1b\x7f`, 21},
		{text, []byte("héllo"), "héllo", 5},
		{text, []byte("日本"), "日本", 4},
		{text, []byte("e\u0301"), "e\u0301", 1},
		{text, []byte("\u0085"), `\u0085`, 6},
		{text, []byte("a\xffb"), `a\xffb`, 6},
		{bin, []byte("abc"), "abc", 3},
		{bin, []byte{0, 0xff}, "0x00ff", 6},
		{bit, []byte{'A'}, "0x41", 4},
	} {
		got, w := appendDisplay(nil, c.in, c.col)
		if string(got) != c.want || w != c.width {
			t.Errorf("appendDisplay(%q) = %q, width %d; want %q, width %d", c.in, got, w, c.want, c.width)
		}
	}
}

func TestJSONHelpers(t *testing.T) {
	for in, want := range map[string]bool{
		"0": true, "-1": true, "1.50": true, "1e20": true, "-2.5E-3": true, "": false, "01": false,
		"1.": false, ".5": false, "1e": false, "inf": false, "1 ": false,
	} {
		if got := isJSONNumber([]byte(in)); got != want {
			t.Errorf("isJSONNumber(%q) = %v", in, got)
		}
	}
	for in, want := range map[string]string{
		"a\"b\\c\n\t\x01": `"a\"b\\c\n\t\u0001"`, "日本": `"日本"`, "a\xffb": `"a\ufffdb"`,
	} {
		if got := string(appendJSONString(nil, []byte(in))); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestFormatElapsed(t *testing.T) {
	for d, want := range map[time.Duration]string{
		1500 * time.Microsecond:                 "0.002 sec",
		59*time.Second + 990*time.Millisecond:   "59.990 sec",
		62500 * time.Millisecond:                "1 min 2.50 sec",
		time.Hour + 2*time.Minute + time.Second: "1 hour 2 min 1.00 sec",
	} {
		if got := formatElapsed(d); got != want {
			t.Errorf("formatElapsed(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestQueryCall checks the results of a stored procedure: each result set, then the CALL's
// own status, separated as the mariadb client separates them.
func TestQueryCall(t *testing.T) {
	dsn := mysqltest.Require(t)
	mysqltest.SkipUnless(t, dsn, mysqltest.StoredProcedures)
	var b [4]byte
	rand.Read(b[:])
	proc := "myxq_proc_" + hex.EncodeToString(b[:])
	_, errOut, code := query(t, dsn, "", "-no-split", "-quiet",
		"CREATE PROCEDURE "+proc+"() BEGIN SELECT 1 AS a; SELECT 2 AS b, 'x' AS c; END")
	if code != 0 {
		t.Fatalf("create procedure: exit %d: %s", code, errOut)
	}
	defer query(t, dsn, "", "-quiet", "DROP PROCEDURE "+proc)
	out, errOut, code := query(t, dsn, "", "CALL "+proc+"()")
	if code != 0 {
		t.Fatalf("call: exit %d: %s", code, errOut)
	}
	want := `+---+
| a |
+---+
| 1 |
+---+
1 row in set (T sec)

+---+---+
| b | c |
+---+---+
| 2 | x |
+---+---+
1 row in set (T sec)

Query OK, 0 rows affected (T sec)

`
	expect(t, "call", out, want)
}

// TestQueryNoBackslashEscapes checks that the text is split as the session reads it: under
// NO_BACKSLASH_ESCAPES a backslash ends no string early.
func TestQueryNoBackslashEscapes(t *testing.T) {
	dsn := mysqltest.Require(t)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	out, errOut, code := query(t, dsn+sep+"sql_mode=NO_BACKSLASH_ESCAPES", "",
		`SELECT 'a\' AS x, ? AS y; SELECT 2 AS z`, "1", "-format", "tsv", "-quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	expect(t, "no backslash escapes", out, "x\ty\na\\\\\t1\nz\n2\n")
}

// TestQueryTSVRoundTrip checks that the tsv format is LOAD DATA's: a table written as tsv and
// loaded back with -local-infile holds the same values.
func TestQueryTSVRoundTrip(t *testing.T) {
	dsn := mysqltest.Require(t)
	src := queryTable(t, dsn, typesDDL, typesTableRows()...)
	dst := queryTable(t, dsn, strings.Replace(typesDDL, "%s", "%s_copy", 1))
	dst += "_copy"
	defer query(t, dsn, "", "-quiet", "DROP TABLE IF EXISTS "+dst)
	tsv, errOut, code := query(t, dsn, "", "-format", "tsv", "-header=false", "-quiet", "SELECT * FROM "+src)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "rows.tsv")
	if err := os.WriteFile(file, []byte(tsv), 0o600); err != nil {
		t.Fatal(err)
	}
	load := fmt.Sprintf("LOAD DATA LOCAL INFILE '%s' INTO TABLE %s", file, dst)
	if _, errOut, code := query(t, dsn, "", "-quiet", load); code == 0 || !strings.Contains(errOut, "local file") {
		t.Errorf("LOAD DATA without -local-infile: exit %d: %s", code, errOut)
	}
	out, errOut, code := query(t, dsn, "", "-local-infile", file, load)
	if code != 0 {
		t.Fatalf("load: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "Query OK, 6 rows affected") || !strings.Contains(out, "Warnings: 0") {
		t.Errorf("load:\n%s", out)
	}
	a, _, _ := query(t, dsn, "", "-format", "json", "-quiet", "SELECT * FROM "+src+" ORDER BY id")
	b, _, _ := query(t, dsn, "", "-format", "json", "-quiet", "SELECT * FROM "+dst+" ORDER BY id")
	if a == "" || a != b {
		t.Errorf("the copy differs:\n%s\nfrom the original:\n%s", b, a)
	}
}
