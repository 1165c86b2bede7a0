package compat_test

import (
	"database/sql"
	"testing"

	"github.com/myxdb/myx/mysqltest"
)

// TestThrowawayServer runs the cases that need server-wide settings the shared server must not
// get: a read-only server (--read-only) with a user who may write but for it, users of this
// test's own for authentication parameters, and performance_schema for connection attributes.
func TestThrowawayServer(t *testing.T) {
	mysqltest.Require(t) // the shared server's absence fails here first under CI
	srv := mysqltest.StartServerT(t, mysqltest.ServerOptions{
		Flags: []string{"--read-only", "--performance-schema=ON", "--local-infile=ON"},
	})
	root := serverDSN(srv, "root", "")
	admin := adminDB(t, root)
	t.Cleanup(func() { admin.Close() })
	// root has READ ONLY ADMIN (or SUPER) and may write on a read-only server.
	mustExec(t, admin,
		"CREATE TABLE test.ro (id INT PRIMARY KEY)",
		"CREATE USER 'writer'@'%' IDENTIFIED BY 'pw'",
		"GRANT ALL ON test.* TO 'writer'@'%'",
		"CREATE USER 'reader'@'%' IDENTIFIED BY 'pw'",
		"GRANT SELECT ON test.* TO 'reader'@'%'",
	)
	writer := serverDSN(srv, "writer", "pw")
	reader := serverDSN(srv, "reader", "pw")
	write := func(o *obs, db *sql.DB) {
		exec(o, "INSERT", db, "INSERT INTO ro VALUES (1)")
		exec(o, "INSERT with args", db, "INSERT INTO ro VALUES (?)", 2)
		o.Add("open connections after", "%d", db.Stats().OpenConnections)
		scalar(o, "SELECT after", db, "SELECT COUNT(*) FROM ro")
	}
	cases := []dbCase{
		{name: "read-only server", dsn: writer, check: expect(map[string]string{"INSERT": "server error 1290 (HY000): The MariaDB server is running with the --read-only option so it cannot execute this statement"}), run: func(t *testing.T, o *obs, db *sql.DB) { write(o, db) }},
		{name: "read-only server, rejectReadOnly=true", dsn: writer, params: "rejectReadOnly=true",
			check: expect(map[string]string{"INSERT": "driver.ErrBadConn (identical)"}), run: func(t *testing.T, o *obs, db *sql.DB) { write(o, db) }},
		{name: "read-only server, rejectReadOnly=true, interpolateParams=true", dsn: writer,
			params: "rejectReadOnly=true&interpolateParams=true",
			run:    func(t *testing.T, o *obs, db *sql.DB) { write(o, db) }},
		{name: "read-only server, rejectReadOnly=true, in a transaction", dsn: writer, params: "rejectReadOnly=true",
			run: func(t *testing.T, o *obs, db *sql.DB) {
				tx, err := db.Begin()
				o.Err("Begin", err)
				if err != nil {
					return
				}
				exec(o, "INSERT", tx, "INSERT INTO ro VALUES (3)")
				o.Err("Rollback", tx.Rollback())
				o.Add("open connections after", "%d", db.Stats().OpenConnections)
			}},
		{name: "READ ONLY transaction, rejectReadOnly=true", dsn: root, params: "rejectReadOnly=true",
			check: expect(map[string]string{"INSERT": "driver.ErrBadConn (identical)"}), run: func(t *testing.T, o *obs, db *sql.DB) {
				tx, err := db.BeginTx(t.Context(), &sql.TxOptions{ReadOnly: true})
				o.Err("BeginTx", err)
				if err != nil {
					return
				}
				exec(o, "INSERT", tx, "INSERT INTO ro VALUES (4)")
				o.Err("Rollback", tx.Rollback())
				o.Add("open connections after", "%d", db.Stats().OpenConnections)
				scalar(o, "SELECT after", db, "SELECT COUNT(*) FROM ro WHERE id = 4")
			}},
		{name: "session read only, rejectReadOnly=true", dsn: root, params: "rejectReadOnly=true", maxOpen: 1,
			run: func(t *testing.T, o *obs, db *sql.DB) {
				exec(o, "SET SESSION TRANSACTION READ ONLY", db, "SET SESSION TRANSACTION READ ONLY")
				exec(o, "INSERT", db, "INSERT INTO ro VALUES (5)")
				o.Add("open connections after", "%d", db.Stats().OpenConnections)
				sessionVars(o, db, "transaction_read_only")
				exec(o, "INSERT on the new connection", db, "INSERT INTO ro VALUES (5)")
				exec(o, "DELETE", db, "DELETE FROM ro WHERE id = 5")
			}},
		{name: "password", dsn: reader, run: func(t *testing.T, o *obs, db *sql.DB) {
			basic(o, db)
			scalar(o, "CURRENT_USER", db, "SELECT CURRENT_USER()")
		}},
		{name: "wrong password", dsn: serverDSN(srv, "reader", "wrong"), run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "unknown user", dsn: serverDSN(srv, "nobody", ""), run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "allowNativePasswords=false", dsn: reader, params: "allowNativePasswords=false",
			run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "no privilege", dsn: reader, run: func(t *testing.T, o *obs, db *sql.DB) {
			exec(o, "CREATE TABLE", db, "CREATE TABLE test.denied (id INT)")
			scalar(o, "SELECT other database", db, "SELECT COUNT(*) FROM mysql.user")
		}},
		{name: "unknown database", dsn: driverDSN("tcp", srv.Addr(), "root", "", "compat_nosuchdb"),
			run: func(t *testing.T, o *obs, db *sql.DB) { basic(o, db) }},
		{name: "connectionAttributes", dsn: root, params: "connectionAttributes=program_name:compat,team:eco",
			run: func(t *testing.T, o *obs, db *sql.DB) {
				query(o, "attrs", db, "SELECT ATTR_NAME, ATTR_VALUE FROM performance_schema.session_connect_attrs "+
					"WHERE PROCESSLIST_ID = CONNECTION_ID() AND ATTR_NAME IN ('program_name', 'team') ORDER BY ATTR_NAME")
			}},
	}
	runCases(t, "server", cases)
}
