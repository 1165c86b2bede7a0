package compat_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// basic pings and runs a query, the first things a program does with a DSN.
func basic(o *obs, db *sql.DB) {
	o.Err("ping", db.Ping())
	scalar(o, "SELECT 1", db, "SELECT 1")
}

// sessionVars records session variables as the server reports them.
func sessionVars(o *obs, db *sql.DB, names ...string) {
	for _, n := range names {
		var s sql.NullString
		err := db.QueryRow("SELECT @@SESSION." + n).Scan(&s)
		if err != nil {
			o.Err("@@"+n, err)
		} else {
			o.Add("@@"+n, "%q valid=%v", s.String, s.Valid)
		}
	}
}

// TestDSNParameters opens both drivers with each of go-sql-driver's DSN parameters and
// compares what a program sees.
func TestDSNParameters(t *testing.T) {
	tb := table("dsn")
	dropAfter(t, tb)
	fresh := func(t *testing.T, admin *sql.DB) {
		mustExec(t, admin, "DROP TABLE IF EXISTS "+tb,
			"CREATE TABLE "+tb+" (id INT PRIMARY KEY, v VARCHAR(20), t DATETIME(6))",
			"INSERT INTO "+tb+" VALUES (1, 'a', NULL), (2, 'b', NULL)")
	}
	dir := t.TempDir()
	infile := filepath.Join(dir, "rows.tsv")
	if err := os.WriteFile(infile, []byte("10\tx\n11\ty\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	loadData := func(o *obs, db *sql.DB) {
		exec(o, "LOAD DATA LOCAL INFILE", db, "LOAD DATA LOCAL INFILE '"+infile+"' INTO TABLE "+tb+" (id, v)")
		scalar(o, "rows after", db, "SELECT COUNT(*) FROM "+tb)
		basic(o, db)
	}
	sleepy := func(o *obs, db *sql.DB) {
		scalar(o, "SELECT SLEEP(2)", db, "SELECT SLEEP(2)")
		basic(o, db)
	}
	charset := func(o *obs, db *sql.DB) {
		basic(o, db)
		sessionVars(o, db, "character_set_client", "character_set_results", "collation_connection")
		scalar(o, "round trip é", db, "SELECT ?", "é")
		scalar(o, "literal é", db, "SELECT 'é'")
	}
	bigArg := func(o *obs, db *sql.DB) {
		scalar(o, "SELECT LENGTH(?) 2000", db, "SELECT LENGTH(?)", strings.Repeat("x", 2000))
		scalar(o, "SELECT LENGTH(?) 100", db, "SELECT LENGTH(?)", strings.Repeat("x", 100))
		basic(o, db)
	}
	nanos := time.Date(2020, 1, 2, 3, 4, 5, 678901234, time.UTC)
	timeArg := func(o *obs, db *sql.DB) {
		exec(o, "UPDATE t", db, "UPDATE "+tb+" SET t = ? WHERE id = 1", nanos)
		var s string
		err := db.QueryRow("SELECT CAST(t AS CHAR) FROM " + tb + " WHERE id = 1").Scan(&s)
		o.Err("read back error", err)
		o.Add("read back", "%q", s)
		scalar(o, "SELECT CAST(? AS CHAR)", db, "SELECT CAST(? AS CHAR)", nanos)
	}
	cases := []dbCase{
		{name: "none", check: expect(map[string]string{"ping": "no error", "SELECT 1": "int64(1)"}), run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "readTimeout=200ms", params: "readTimeout=200ms", check: expect(map[string]string{"SELECT SLEEP(2)": "client error", "SELECT 1": "int64(1)"}), run: func(t *testing.T, o *obs, db *sql.DB) { sleepy(o, db) }},
		{name: "readTimeout=1m", params: "readTimeout=1m", run: func(t *testing.T, o *obs, db *sql.DB) {
			scalar(o, "SELECT SLEEP(0.1)", db, "SELECT SLEEP(0.1)")
		}},
		{name: "writeTimeout=1m", params: "writeTimeout=1m", run: func(t *testing.T, o *obs, db *sql.DB) { bigArg(o, db) }},
		{name: "readTimeout=10s&writeTimeout=10s&timeout=5s", params: "readTimeout=10s&writeTimeout=10s&timeout=5s",
			run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "compress=false", params: "compress=false", run: func(t *testing.T, o *obs, db *sql.DB) {
			basic(o, db)
			query(o, "SHOW STATUS Compression", db, "SHOW SESSION STATUS LIKE 'Compression'")
		}},
		{name: "compress=true", params: "compress=true", run: func(t *testing.T, o *obs, db *sql.DB) {
			basic(o, db)
			query(o, "SHOW STATUS Compression", db, "SHOW SESSION STATUS LIKE 'Compression'")
			scalar(o, "SELECT LENGTH(REPEAT)", db, "SELECT LENGTH(REPEAT('ab', 100000))")
			var s string
			o.Err("REPEAT error", db.QueryRow("SELECT REPEAT('ab', ?)", 100000).Scan(&s))
			o.Add("REPEAT", "%d %q", len(s), s[:min(len(s), 6)])
		}},
		{name: "compress=bogus", params: "compress=bogus", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "maxAllowedPacket=0", params: "maxAllowedPacket=0", run: func(t *testing.T, o *obs, db *sql.DB) { bigArg(o, db) }},
		{name: "maxAllowedPacket=1024", params: "maxAllowedPacket=1024", run: func(t *testing.T, o *obs, db *sql.DB) { bigArg(o, db) }},
		{name: "maxAllowedPacket=1024&interpolateParams=true", params: "maxAllowedPacket=1024&interpolateParams=true",
			run: func(t *testing.T, o *obs, db *sql.DB) { bigArg(o, db) }},
		{name: "connectionAttributes", params: "connectionAttributes=program_name:compat,team:eco",
			run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "allowAllFiles=true", params: "allowAllFiles=true", setup: fresh,
			check: expect(map[string]string{"rows after": "int64(4)"}), run: func(t *testing.T, o *obs, db *sql.DB) { loadData(o, db) }},
		{name: "allowAllFiles=false", params: "allowAllFiles=false", setup: fresh,
			run: func(t *testing.T, o *obs, db *sql.DB) { loadData(o, db) }},
		{name: "timeTruncate=1s", params: "timeTruncate=1s", setup: fresh,
			run: func(t *testing.T, o *obs, db *sql.DB) { timeArg(o, db) }},
		{name: "timeTruncate=1s&interpolateParams=true", params: "timeTruncate=1s&interpolateParams=true", setup: fresh,
			run: func(t *testing.T, o *obs, db *sql.DB) { timeArg(o, db) }},
		{name: "no timeTruncate", setup: fresh, run: func(t *testing.T, o *obs, db *sql.DB) { timeArg(o, db) }},
		{name: "timeTruncate=bogus", params: "timeTruncate=bogus", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "tls=false", params: "tls=false", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "tls=preferred", params: "tls=preferred", run: func(t *testing.T, o *obs, db *sql.DB) {
			basic(o, db)
			query(o, "Ssl_cipher", db, "SHOW SESSION STATUS LIKE 'Ssl_cipher'")
		}},
		{name: "tls=true", params: "tls=true", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "tls=skip-verify", params: "tls=skip-verify", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "tls=true&allowFallbackToPlaintext=true", params: "tls=true&allowFallbackToPlaintext=true",
			run: func(t *testing.T, o *obs, db *sql.DB) {
				basic(o, db)
				query(o, "Ssl_cipher", db, "SHOW SESSION STATUS LIKE 'Ssl_cipher'")
			}},
		{name: "allowFallbackToPlaintext=false", params: "allowFallbackToPlaintext=false",
			run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "loc=Local", params: "loc=Local&parseTime=true", run: func(t *testing.T, o *obs, db *sql.DB) {
			scalar(o, "DATETIME", db, "SELECT CAST('2011-11-20 21:27:37' AS DATETIME)")
		}},
		{name: "loc=America/New_York", params: "loc=America%2FNew_York&parseTime=true", run: func(t *testing.T, o *obs, db *sql.DB) {
			scalar(o, "DATETIME", db, "SELECT CAST('2011-11-20 21:27:37' AS DATETIME)")
			scalar(o, "DATETIME arg", db, "SELECT CAST(? AS CHAR)", time.Date(2011, 11, 20, 21, 27, 37, 0, time.UTC))
		}},
		{name: "loc=bogus", params: "loc=Nowhere%2FBogus", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "parseTime=bogus", params: "parseTime=bogus", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "columnsWithAlias=false", setup: fresh, run: func(t *testing.T, o *obs, db *sql.DB) {
			query(o, "join", db, "SELECT a.id, b.id, a.v AS x, 1 FROM "+tb+" a JOIN "+tb+" b ON a.id = b.id ORDER BY a.id")
		}},
		{name: "columnsWithAlias=true", params: "columnsWithAlias=true", setup: fresh, run: func(t *testing.T, o *obs, db *sql.DB) {
			query(o, "join", db, "SELECT a.id, b.id, a.v AS x, 1 FROM "+tb+" a JOIN "+tb+" b ON a.id = b.id ORDER BY a.id")
			query(o, "join with args", db, "SELECT a.id, b.v FROM "+tb+" a JOIN "+tb+" b ON a.id = b.id WHERE a.id = ?", 1)
		}},
		{name: "clientFoundRows=false", setup: fresh, check: expect(map[string]string{"UPDATE unchanged RowsAffected": "0"}), run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "UPDATE unchanged", db, "UPDATE "+tb+" SET v = 'a' WHERE id = 1")
			exec(o, "UPDATE unchanged with args", db, "UPDATE "+tb+" SET v = ? WHERE id = ?", "a", 1)
			exec(o, "UPDATE changed", db, "UPDATE "+tb+" SET v = 'z' WHERE id = 1")
		}},
		{name: "clientFoundRows=true", params: "clientFoundRows=true", setup: fresh, check: expect(map[string]string{"UPDATE unchanged RowsAffected": "1"}), run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "UPDATE unchanged", db, "UPDATE "+tb+" SET v = 'a' WHERE id = 1")
			exec(o, "UPDATE unchanged with args", db, "UPDATE "+tb+" SET v = ? WHERE id = ?", "a", 1)
			exec(o, "UPDATE changed", db, "UPDATE "+tb+" SET v = 'z' WHERE id = 1")
		}},
		{name: "charset=utf8mb4", params: "charset=utf8mb4", run: func(t *testing.T, o *obs, db *sql.DB) { charset(o, db) }},
		{name: "charset=latin1", params: "charset=latin1", run: func(t *testing.T, o *obs, db *sql.DB) { charset(o, db) }},
		{name: "charset=utf8mb4,utf8", params: "charset=utf8mb4,utf8", run: func(t *testing.T, o *obs, db *sql.DB) { charset(o, db) }},
		{name: "charset=nosuch,latin1", params: "charset=nosuch,latin1", run: func(t *testing.T, o *obs, db *sql.DB) { charset(o, db) }},
		{name: "charset=nosuch", params: "charset=nosuch", run: func(t *testing.T, o *obs, db *sql.DB) { charset(o, db) }},
		{name: "collation=utf8mb4_unicode_ci", params: "collation=utf8mb4_unicode_ci", run: func(t *testing.T, o *obs, db *sql.DB) { charset(o, db) }},
		{name: "collation=latin1_swedish_ci", params: "collation=latin1_swedish_ci", run: func(t *testing.T, o *obs, db *sql.DB) { charset(o, db) }},
		{name: "charset=latin1&collation=utf8mb4_bin", params: "charset=latin1&collation=utf8mb4_bin", run: func(t *testing.T, o *obs, db *sql.DB) { charset(o, db) }},
		{name: "timeout=5s", params: "timeout=5s", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "timeout=bogus", params: "timeout=bogus", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "checkConnLiveness=false", params: "checkConnLiveness=false", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "allowNativePasswords=true", params: "allowNativePasswords=true", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "allowCleartextPasswords=true", params: "allowCleartextPasswords=true", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "allowOldPasswords=true", params: "allowOldPasswords=true", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "allowOldPasswords=false", params: "allowOldPasswords=false", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "serverPubKey=unregistered", params: "serverPubKey=compat_unregistered", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "rejectReadOnly=true on a writable server", params: "rejectReadOnly=true", setup: fresh, run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "INSERT", db, "INSERT INTO "+tb+" (id, v) VALUES (3, 'c')")
		}},
		{name: "multiStatements=false", run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "two statements", db, "SELECT 1; SELECT 2")
		}},
		{name: "interpolateParams=true", params: "interpolateParams=true", run: func(t *testing.T, o *obs, db *sql.DB) {
			scalar(o, "SELECT ?", db, "SELECT ?", "it's")
			scalar(o, "two args", db, "SELECT CONCAT(?, ?)", "a", 1)
		}},
		{name: "interpolateParams=bogus", params: "interpolateParams=bogus", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "session variable sql_mode", params: "sql_mode=%27ANSI_QUOTES%27", run: func(t *testing.T, o *obs, db *sql.DB) {
			basic(o, db)
			sessionVars(o, db, "sql_mode")
		}},
		{name: "session variables autocommit and wait_timeout", params: "autocommit=0&wait_timeout=1234", run: func(t *testing.T, o *obs, db *sql.DB) {
			basic(o, db)
			sessionVars(o, db, "autocommit", "wait_timeout")
		}},
		{name: "session variable time_zone", params: "time_zone=%27%2B05%3A00%27", run: func(t *testing.T, o *obs, db *sql.DB) {
			sessionVars(o, db, "time_zone")
		}},
		{name: "unknown session variable", params: "compat_nosuchvar=1", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "near-miss readTimout=1s", params: "readTimout=1s", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "near-miss tsl=true", params: "tsl=true", run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "production DSN", params: "charset=utf8mb4&collation=utf8mb4_unicode_ci&parseTime=true&loc=Local&readTimeout=30s&writeTimeout=30s&timeout=10s&interpolateParams=true",
			run: func(t *testing.T, o *obs, db *sql.DB) {
				charset(o, db)
				scalar(o, "DATETIME", db, "SELECT CAST(? AS DATETIME)", "2011-11-20 21:27:37")
			}},
	}
	runCases(t, "dsn", cases)
}
