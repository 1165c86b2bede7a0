package sqltext

import "testing"

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		q         string
		op, table string
	}{
		// Simple one-table statements.
		{"SELECT * FROM users WHERE id = ?", "SELECT", "users"},
		{"select id from users", "SELECT", "users"},
		{"SELECT a, b FROM `my table` u WHERE u.a = 1", "SELECT", "my table"},
		{"SELECT a FROM shop.users AS u ORDER BY a LIMIT 1", "SELECT", "shop.users"},
		{"SELECT a FROM `shop`.`users` FOR UPDATE", "SELECT", "shop.users"},
		{"SELECT COUNT(*) FROM t GROUP BY x HAVING COUNT(*) > 1", "SELECT", "t"},
		{"SELECT (a + 1) FROM t;", "SELECT", "t"},
		{"SELECT `a``b` FROM `x``y`", "SELECT", "x`y"},
		{"/* hello */ SELECT a FROM t -- trailing\n", "SELECT", "t"},
		{"INSERT INTO users (id, name) VALUES (?, ?)", "INSERT", "users"},
		{"insert ignore into users values (1)", "INSERT", "users"},
		{"INSERT users SET id = 1", "INSERT", "users"},
		{"INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE v = v + 1", "INSERT", "t"},
		{"REPLACE INTO t (a) VALUES (?)", "REPLACE", "t"},
		{"UPDATE users SET name = ? WHERE id = ?", "UPDATE", "users"},
		{"UPDATE LOW_PRIORITY users u SET u.name = ?", "UPDATE", "users"},
		{"DELETE FROM users WHERE id = ?", "DELETE", "users"},
		{"DELETE QUICK FROM users", "DELETE", "users"},
		// Operation only: nothing the lexer is sure of about tables.
		{"SELECT 1", "SELECT", ""},
		{"SELECT 1 FROM DUAL", "SELECT", ""},
		{"SELECT * FROM a JOIN b ON a.id = b.id", "SELECT", ""},
		{"SELECT * FROM a, b", "SELECT", ""},
		{"SELECT * FROM a LEFT OUTER JOIN b USING (id)", "SELECT", ""},
		{"SELECT * FROM a STRAIGHT_JOIN b", "SELECT", ""},
		{"SELECT * FROM (SELECT 1) AS d", "SELECT", ""},
		{"SELECT * FROM t WHERE id IN (SELECT id FROM u)", "SELECT", ""},
		{"SELECT 1 FROM t UNION SELECT 2 FROM u", "SELECT", ""},
		{"SELECT a FROM t INTO OUTFILE '/tmp/x'", "SELECT", ""},
		{"SELECT a INTO @x FROM t", "SELECT", ""},
		{"SELECT * FROM \"t\"", "SELECT", ""},
		{"SELECT * FROM t FORCE INDEX (i)", "SELECT", ""},
		{"SELECT * FROM t WHERE a = 'x\\'y'", "SELECT", ""},
		{"SELECT * FROM t /*!99999 JOIN u */", "SELECT", ""},
		{"INSERT INTO t SELECT * FROM u", "INSERT", ""},
		{"INSERT INTO t (a) SELECT a FROM u", "INSERT", ""},
		{"INSERT INTO t TABLE u", "INSERT", ""},
		{"UPDATE a, b SET a.x = b.x", "UPDATE", ""},
		{"UPDATE a JOIN b ON a.id = b.id SET a.x = 1", "UPDATE", ""},
		{"UPDATE t SET a = (SELECT MAX(a) FROM u)", "UPDATE", ""},
		{"DELETE a FROM a JOIN b ON a.id = b.id", "DELETE", ""},
		{"DELETE FROM a USING a, b WHERE a.id = b.id", "DELETE", ""},
		{"WITH c AS (SELECT 1) SELECT * FROM c", "WITH", ""},
		{"(SELECT 1)", "", ""},
		{"CREATE TABLE t (a INT)", "CREATE", ""},
		{"set names utf8mb4", "SET", ""},
		{"CALL p(?)", "CALL", ""},
		// Not a known verb, nothing, or several statements: nothing at all.
		{"FROBNICATE t", "", ""},
		{"", "", ""},
		{"   -- only a comment", "", ""},
		{"/*!40101 SET NAMES utf8 */", "", ""},
		{"SELECT 1 FROM t; SELECT 2 FROM t", "", ""},
		{"DELETE FROM t; DROP TABLE t", "", ""},
	} {
		d := Describe(tc.q)
		if d.Operation != tc.op || d.Table != tc.table {
			t.Errorf("Describe(%q) = %+v, want operation %q, table %q", tc.q, d, tc.op, tc.table)
		}
	}
}

func BenchmarkDescribe(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		Describe("SELECT id, name, score, created FROM bench_rows WHERE id = ?")
	}
}
