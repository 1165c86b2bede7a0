package sqltext

import "testing"

func placeholders(q string, mode Mode) []int {
	var marks []int
	Scan(q, mode, &marks)
	return marks
}

func TestScanPlaceholders(t *testing.T) {
	cases := []struct {
		q    string
		mode Mode
		n    int
	}{
		{"SELECT ?", 0, 1},
		{"SELECT '?', \"?\", `?`, ?", 0, 1},
		{"SELECT 'it''s ?', ?", 0, 1},
		{`SELECT 'a\'?', ?`, 0, 1},
		{`SELECT 'a\', ?, '?'`, NoBackslashEscapes, 1},
		{`SELECT 'a\', ?, '?'`, 0, 1}, // 'a\', ?, ' is one string
		{"SELECT ? -- ?\n, ?", 0, 2},
		{"SELECT ? --?", 0, 2}, // "--" without a space is two minus signs
		{"SELECT 1 --", 0, 0},
		{"SELECT ? # ?\n, ?", 0, 2},
		{"SELECT ? /* ? */ , ?", 0, 2},
		{"SELECT ? /*+ BKA(t) ? */ , ?", 0, 2},
		{"SELECT `a``?` , ?", 0, 1},
		{`SELECT "a\"?", ?`, 0, 1},
		{`SELECT "a\", ?`, ANSIQuotes, 1},
		{"SELECT ?/* unterminated ?", 0, 1},
	}
	for _, c := range cases {
		if got := len(placeholders(c.q, c.mode)); got != c.n {
			t.Errorf("%q mode %d: %d placeholders, want %d", c.q, c.mode, got, c.n)
		}
	}
}

func TestScanFlags(t *testing.T) {
	cases := []struct {
		q     string
		plain bool  // PlainSelect
		want  Flags // flags that must be set
		not   Flags // flags that must not be set
	}{
		{"SELECT a FROM t WHERE id = ?", true, 0, MayChangeSession},
		{"  (SELECT 1) UNION (SELECT 2)", true, 0, MayChangeSession},
		{"WITH x AS (SELECT 1) SELECT * FROM x", true, 0, MayChangeSession},
		{"/* hi */ select 1", true, 0, MayChangeSession},
		{"SELECT * FROM t FOR UPDATE", false, Locking, MayChangeSession},
		{"SELECT * FROM t LOCK IN SHARE MODE", false, Locking, 0},
		{"SELECT 1 INTO @x", false, MayChangeSession, 0},
		{"SELECT @x := 1", false, MayChangeSession, 0},
		{"SELECT GET_LOCK('a', 0)", false, MayChangeSession, 0},
		{"select release_all_locks()", false, MayChangeSession, 0},
		{"SELECT NEXTVAL(s)", false, MayChangeSession, 0},
		{"SELECT 'GET_LOCK(', `get_lock`", true, 0, MayChangeSession},
		{"SELECT 1; SELECT 2", false, MultiStatement, MayChangeSession},
		{"SELECT 1;  ", true, 0, MultiStatement},
		{"SELECT 1; SET @a = 1", false, MultiStatement | MayChangeSession, 0},
		{"INSERT INTO t VALUES (?)", false, 0, MayChangeSession},
		{"UPDATE t SET a = ?", false, 0, MayChangeSession},
		{"DELETE FROM t", false, 0, MayChangeSession},
		{"CREATE TABLE t (a INT)", false, 0, MayChangeSession},
		{"CREATE TEMPORARY TABLE t (a INT)", false, MayChangeSession, 0},
		{"create or replace temporary table t (a int)", false, MayChangeSession, 0},
		{"DROP TEMPORARY TABLE t", false, MayChangeSession, 0},
		{"SET NAMES gbk", false, MayChangeSession, 0},
		{"set @a = 1", false, MayChangeSession, 0},
		{"SET SESSION sql_mode = 'ANSI'", false, MayChangeSession, 0},
		{"SET TRANSACTION ISOLATION LEVEL READ COMMITTED", false, MayChangeSession, 0},
		{"USE test", false, MayChangeSession, 0},
		{"LOCK TABLES t READ", false, MayChangeSession, 0},
		{"UNLOCK TABLES", false, MayChangeSession, 0},
		{"PREPARE s FROM 'SELECT 1'", false, MayChangeSession, 0},
		{"EXECUTE s", false, MayChangeSession, 0},
		{"DEALLOCATE PREPARE s", false, MayChangeSession, 0},
		{"CALL p()", false, MayChangeSession, 0},
		{"DO GET_LOCK('x', 1)", false, MayChangeSession, 0},
		{"DO 1", false, 0, MayChangeSession},
		{"DO ?", false, 0, MayChangeSession},
		{"DO @a := 1", false, MayChangeSession, 0},
		{"HANDLER t OPEN", false, MayChangeSession, 0},
		{"XA START 'x'", false, MayChangeSession, 0},
		{"FROBNICATE", false, MayChangeSession, 0},
		{"", false, 0, MayChangeSession},
		{"BEGIN", false, 0, MayChangeSession},
		{"START TRANSACTION", false, 0, MayChangeSession},
		{"COMMIT", false, 0, MayChangeSession},
		{"SHOW TABLES", false, 0, MayChangeSession},
		{"/*!40101 SET NAMES utf8mb4 */", false, MayChangeSession, 0},
		{"/*M!100100 SET @a = 1 */", false, MayChangeSession, 0},
		{"SELECT 1 /*!50000 , ? */", false, Ambiguous, 0},
		{"SELECT 1 /*!50000 , 'a' */", false, Ambiguous, 0},
		{"SELECT 1 /*!50000 , 2 */", true, 0, Ambiguous},
		{"SELECT 1 --\x01 ?", false, Ambiguous, 0},
		{"CREATE TABLE t (a INT PRIMARY KEY /*T![clustered_index] CLUSTERED */)", false, 0, Ambiguous | MayChangeSession},
		{"SELECT 1 /*T! , ? */", false, Ambiguous, 0},
		{"SELECT 1 /*!50000 /* nested */ */", false, Ambiguous, 0},
		{"SET SESSION session_track_state_change = OFF", false, MayChangeSession | SessionTracking, 0},
		{`SELECT 'a\\b'`, true, BackslashInString, BackslashInDoubleQuote},
		{`SELECT "a\\b"`, true, BackslashInString | BackslashInDoubleQuote, 0},
		{"SELECT '\x95\\'", true, HighBackslash, 0},
		{"SELECT '\x95', '\\'", true, BackslashInString, HighBackslash},
	}
	for _, c := range cases {
		info := Scan(c.q, 0, nil)
		if info.PlainSelect() != c.plain {
			t.Errorf("%q: PlainSelect %v, want %v (flags %b)", c.q, info.PlainSelect(), c.plain, info.Flags)
		}
		if info.Flags&c.want != c.want {
			t.Errorf("%q: flags %b lack %b", c.q, info.Flags, c.want)
		}
		if info.Flags&c.not != 0 {
			t.Errorf("%q: flags %b include %b", c.q, info.Flags, info.Flags&c.not)
		}
	}
}

func TestSplitInsert(t *testing.T) {
	cases := []struct {
		q                     string
		prefix, tuple, suffix string
		ok                    bool
	}{
		{"INSERT INTO t (a, b) VALUES (?, ?)", "INSERT INTO t (a, b) VALUES ", "(?, ?)", "", true},
		{"insert into t values(?, NOW(), '(')", "insert into t values", "(?, NOW(), '(')", "", true},
		{"REPLACE INTO t VALUE (?)", "REPLACE INTO t VALUE ", "(?)", "", true},
		{"INSERT INTO t (a, b) VALUES (?, ?) ON DUPLICATE KEY UPDATE b = VALUES(b)",
			"INSERT INTO t (a, b) VALUES ", "(?, ?)", " ON DUPLICATE KEY UPDATE b = VALUES(b)", true},
		{"INSERT INTO t (a, b) VALUES (?, ?) AS new ON DUPLICATE KEY UPDATE b = new.b",
			"INSERT INTO t (a, b) VALUES ", "(?, ?)", " AS new ON DUPLICATE KEY UPDATE b = new.b", true},
		{"INSERT INTO t (a, b) VALUES (?, ?) AS new (x, y) ON DUPLICATE KEY UPDATE b = y",
			"INSERT INTO t (a, b) VALUES ", "(?, ?)", " AS new (x, y) ON DUPLICATE KEY UPDATE b = y", true},
		{"INSERT INTO `values` (a) VALUES (?) AS `new`", "INSERT INTO `values` (a) VALUES ", "(?)", " AS `new`", true},
		{"INSERT INTO t (a) VALUES (?) ON DUPLICATE KEY UPDATE a = ?", "", "", "", false},
		{"INSERT INTO t (a) VALUES (?), (?)", "", "", "", false},
		{"INSERT INTO t (a) VALUES (?); DROP TABLE t", "", "", "", false},
		{"INSERT INTO t (a) VALUES (?) RETURNING id", "", "", "", false},
		{"INSERT INTO t (a) SELECT ?", "", "", "", false},
		{"INSERT INTO t SET a = ?", "", "", "", false},
		{"UPDATE t SET a = ?", "", "", "", false},
		{"INSERT INTO t (a) VALUES (? /*!50000 , ? */)", "", "", "", false},
		{"INSERT INTO t (a) VALUES (?", "", "", "", false},
	}
	for _, c := range cases {
		p, tu, s, ok := SplitInsert(c.q, 0)
		if ok != c.ok || p != c.prefix || tu != c.tuple || s != c.suffix {
			t.Errorf("%q: got %q %q %q %v", c.q, p, tu, s, ok)
		}
	}
}

func TestAppendString(t *testing.T) {
	cases := []struct {
		s    string
		mode Mode
		want string
	}{
		{"it's", 0, `'it''s'`},
		{`a\b`, 0, `'a\\b'`},
		{`a\b`, NoBackslashEscapes, `'a\b'`},
		{"a\nb\x00", 0, "'a\nb\x00'"},
		{"a\nb\x00\r\x1a", Readable, `'a\nb\0\r\Z'`},
		{"a\nb", Readable | NoBackslashEscapes, "'a\nb'"},
		{"\xbf'", 0, "'\xbf'''"},
	}
	for _, c := range cases {
		if got := string(AppendString(nil, c.s, c.mode)); got != c.want {
			t.Errorf("%q mode %d: %q, want %q", c.s, c.mode, got, c.want)
		}
	}
	if got := string(AppendHexString(nil, "a\\'", "gbk")); got != "_gbk X'615c27'" {
		t.Errorf("hex: %s", got)
	}
	if got := string(AppendIdent(nil, "a`b")); got != "`a``b`" {
		t.Errorf("ident: %s", got)
	}
	if got := string(AppendQualifiedIdent(nil, "d.t")); got != "`d`.`t`" {
		t.Errorf("qualified: %s", got)
	}
	if got := string(AppendLoadDataField(nil, "a\tb\nc\\d\x00")); got != `a\tb\nc\\d\0` {
		t.Errorf("load data: %s", got)
	}
}

// FuzzScan checks the lexer never panics, that its placeholders are real '?' bytes in
// increasing order, and that a literal written by AppendString for the same mode is one
// token: splicing one into a placeholder's place never adds or removes a placeholder.
func FuzzScan(f *testing.F) {
	for _, s := range []string{"SELECT ?", "SELECT '?' -- ?\n, ?", "/*!40101 SET NAMES x */ ?", "INSERT INTO t VALUES (?) AS n ON DUPLICATE KEY UPDATE a=n.a", `SELECT 'a\'', "b\"", ?`, "SELECT `x``?` #?"} {
		f.Add(s, uint8(0), "x' OR 1=1 -- ")
	}
	f.Fuzz(func(t *testing.T, q string, m uint8, arg string) {
		mode := Mode(m) & (NoBackslashEscapes | ANSIQuotes)
		var marks []int
		info := Scan(q, mode, &marks)
		if info.Placeholders != len(marks) {
			t.Fatalf("count %d, marks %d", info.Placeholders, len(marks))
		}
		last := -1
		for _, p := range marks {
			if p <= last || q[p] != '?' {
				t.Fatalf("bad mark %d in %q", p, q)
			}
			last = p
		}
		SplitInsert(q, mode)
		if len(marks) == 0 || info.Flags&Ambiguous != 0 {
			return
		}
		// Under the encoder's rules for a safe character set, splice the literal in.
		var b []byte
		prev := 0
		for _, p := range marks {
			b = append(b, q[prev:p]...)
			b = AppendString(b, arg, mode&NoBackslashEscapes)
			prev = p + 1
		}
		b = append(b, q[prev:]...)
		if got := Scan(string(b), mode, nil).Placeholders; got != 0 {
			t.Fatalf("%q with %q spliced in: %d placeholders remain", q, arg, got)
		}
	})
}

// FuzzSplitInsert checks that the multi-row form of a split statement keeps its shape: the
// tuple repeated has the tuple's placeholders times the rows.
func FuzzSplitInsert(f *testing.F) {
	f.Add("INSERT INTO t (a, b) VALUES (?, ?) AS new ON DUPLICATE KEY UPDATE b = new.b")
	f.Add("REPLACE t VALUE (?, '?)')")
	f.Fuzz(func(t *testing.T, q string) {
		p, tu, s, ok := SplitInsert(q, 0)
		if !ok {
			return
		}
		if p+tu+s != q {
			t.Fatalf("parts do not rebuild %q", q)
		}
		n := Scan(tu, 0, nil).Placeholders
		if Scan(p, 0, nil).Placeholders+Scan(s, 0, nil).Placeholders != 0 {
			t.Fatalf("placeholders outside the tuple in %q", q)
		}
		multi := p + tu + "," + tu + "," + tu + s
		if got := Scan(multi, 0, nil).Placeholders; got != 3*n {
			t.Fatalf("%q: multi-row form has %d placeholders, want %d", multi, got, 3*n)
		}
	})
}

func BenchmarkScan(b *testing.B) {
	var marks []int
	b.ReportAllocs()
	for b.Loop() {
		marks = marks[:0]
		Scan("select id, name, created from bench_point where id = ? and name = 'x' -- hi\n", 0, &marks)
	}
}
