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
// # Column types
//
// Each result column is decoded through one plan, chosen once when its definition arrives and
// shared by every way of reading it, in the text and the binary protocol alike. Rows.Values and
// Scan into *any give the native column below; a sql.Scanner passed to Rows.Scan, and
// database/sql through package stdlib (Rows.DriverValues), get the driver column, which is what
// go-sql-driver/mysql hands database/sql, so a Scanner sees the same value through either API.
// Config.ParseTime (DSN parseTime, off by default as in go-sql-driver) changes only the driver
// column of DATE, DATETIME and TIMESTAMP.
//
//	column                              native          driver             driver, ParseTime
//	TINYINT..INT (either sign), BIGINT  int64           int64              int64
//	BIGINT UNSIGNED                     uint64          int64 (uint64      as without
//	                                                    above MaxInt64)
//	YEAR                                int64           int64              int64
//	BIT                                 uint64          []byte (bits)      []byte (bits)
//	FLOAT, DOUBLE                       float32, 64     float32, 64        float32, 64
//	DECIMAL                             string          []byte             []byte
//	DATE                                time.Time       []byte 2012-06-14  time.Time
//	DATETIME, TIMESTAMP                 time.Time       []byte (text)      time.Time
//	TIME                                time.Duration   []byte -25:00:01   []byte
//	JSON, CHAR, VARCHAR, TEXT,          string          []byte             []byte
//	ENUM, SET
//	BINARY, VARBINARY, BLOB, GEOMETRY   []byte          []byte             []byte
//	NULL                                nil             nil                nil
//
// Temporal text is MySQL's ("2011-11-20 21:27:37", with as many fractional digits as the column
// declares), and Scan into a string or []byte gives it, natively and through database/sql
// without parseTime (with it, database/sql formats the time.Time itself, in RFC 3339, as under
// go-sql-driver). time.Time values are in
// Config.Location; the zero date is the zero time.Time; a date with a zero month or day
// (2024-00-00) cannot be a time.Time: it fails natively and is text in the driver column. Typed
// destinations (*int32, *uint64, *float32, *string, *time.Time, *time.Duration, sql.NullTime,
// ...) convert from the same decoded value and refuse what does not fit (*ScanError).
//
// # Where things are
//
// A [Config] comes from [ParseConfig] (a URL or a go-sql-driver/mysql DSN) and describes one
// connection; [Connect] and [ConnectConfig] open a [Conn]. On a Conn, [Conn.Exec] gives a
// [Result], [Conn.Query] streaming [Rows], [Conn.QueryRow] a [Row], and [Conn.Prepare] a [Stmt]
// (Query, and Exec with arguments, prepare and cache their statements themselves). A Config may
// list several hosts ([Config.Addrs], [ClusterMode]): a connect goes to one of them
// ([Conn.Addr]), or fails with a [*HostsError] naming each.
// [Conn.Begin] and [Conn.BeginTx] start a [Tx]; [BeginFunc] runs a function in one, retried
// after a deadlock or lock wait timeout.
// For throughput, a [Batch] sent with [Conn.SendBatch] pipelines statements ([BatchResults]),
// [Conn.ExecMany] runs one statement for many argument rows and [Conn.CopyFrom] loads rows from
// a [CopyFromSource]. The collectors ([CollectRows], [CollectOneRow], [RowTo],
// [RowToStructByName], [RowToMap]) turn Rows into Go values. Failures are typed:
// [*MySQLError] from the server, [*ConnError] for the network, [*InterruptedError] when a
// context ended, [*ConfigError] for a DSN; [SafeToRetry] and [IsConnLost] classify them. The
// examples show each of these at work.
//
// A Conn is for one goroutine at a time; package pool shares connections between goroutines,
// package stdlib is the database/sql driver, package sqlb builds statements from table
// metadata (SQLAlchemy Core for Go), and package mysqltest finds or starts servers and fakes
// protocol exchanges for tests.
package myx
