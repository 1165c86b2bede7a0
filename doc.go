// Package myx is a MySQL and MariaDB client for Go with its own wire-protocol implementation
// and a native, context-first API.
//
// Connect, query, scan:
//
//	conn, err := myx.Connect(ctx, "mysql://root@127.0.0.1:3306/test")
//	if err != nil { ... }
//	defer conn.Close(ctx)
//
//	res, err := conn.Exec(ctx, "INSERT INTO user (username) VALUES (?)", "yang")
//	fmt.Println(res.RowsAffected, res.LastInsertID)
//
//	rows, err := conn.Query(ctx, "SELECT id, username FROM user WHERE id BETWEEN ? AND ?", 1, 10)
//	for rows.Next() {
//		var id int
//		var name string
//		err = rows.Scan(&id, &name)
//	}
//	err = rows.Err()
//
//	users, err := myx.CollectRows(rows, myx.RowToStructByName[User])
//	maps, err := myx.CollectRows(rows, myx.RowToMap) // the DictCursor
//
// Arguments are bound to '?' placeholders and sent as binary values through server-side
// prepared statements, which each connection caches (LRU), so a repeated statement costs one
// round trip. Rows always stream: nothing is buffered beyond the packet being read. Set
// Config.InterpolateParams to build statements on the client instead (charset-aware escaping;
// refused for character sets where escaping is unsafe).
//
// Every call that can block takes a context. When the context ends during a call, the server
// is told to stop (KILL QUERY over a side connection) and the connection is kept when it can be
// brought back to a known state, else closed; the error satisfies errors.Is(err,
// context.Canceled) or context.DeadlineExceeded.
//
// A Conn is for one goroutine at a time; package pool shares connections between goroutines,
// package sqlb builds statements from table metadata (SQLAlchemy Core for Go), and package
// mysqltest finds or starts servers and fakes protocol exchanges for tests.
package myx
