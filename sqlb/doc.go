// Package sqlb is the SQL expression layer of myx: SQLAlchemy Core for Go, for MySQL
// and MariaDB. It describes tables as Go values and builds statements from typed
// expressions, then compiles them to SQL text with ? placeholders and the arguments in
// order, and runs them through a connection, a transaction or a pool, reading the
// results back by column object or into (nested) structs. It also creates and drops
// schemas, reflects them from a live database, and writes them out as Go code.
//
// # Tables
//
// A MetaData holds tables; AddColumn gives each column a SQL type and, from it, a Go
// type:
//
//	var (
//		schema = sqlb.NewMetaData()
//
//		users        = schema.NewTable("user", sqlb.Engine("InnoDB"))
//		userID       = sqlb.AddColumn(users, "id", sqlb.Int(), sqlb.PrimaryKey(), sqlb.AutoIncrement())
//		userUsername = sqlb.AddColumn(users, "username", sqlb.VarChar(255), sqlb.Unique())
//
//		jobs       = schema.NewTable("jobs")
//		jobsID     = sqlb.AddColumn(jobs, "id", sqlb.Int(), sqlb.PrimaryKey(), sqlb.AutoIncrement())
//		jobsJobs   = sqlb.AddColumn(jobs, "jobs", sqlb.VarChar(255))
//		jobsUserID = sqlb.AddColumn(jobs, "user_id", sqlb.Int(), sqlb.References(userID))
//	)
//
// userID is a *Column[int64] and userUsername a *Column[string]: userID.Eq(5) compiles,
// userID.Eq("5") does not. Cast (SQL CAST) and Coerce (Go type only) cross types on
// purpose. Columns are NOT NULL unless Nullable. Definition mistakes are recorded, not
// panicked: MetaData.Err reports them, and so does compiling a statement that uses the
// table.
//
// # Queries
//
// Statements are immutable values; each method returns a new one, so a base query can
// be shared and refined, also from several goroutines:
//
//	q := sqlb.Select(users, jobs).
//		From(users).
//		Join(jobs). // ON `user`.`id` = `jobs`.`user_id`, from the foreign key
//		Where(userUsername.Eq("xxx")).
//		LabelStyle(sqlb.LabelTablePlusColumn)
//	c, err := q.Compile(sqlb.MariaDB(10, 11, 0))
//	// c.SQL:  SELECT `user`.`id` AS `user_id`, `user`.`username` AS `user_username`,
//	//         `jobs`.`id` AS `jobs_id`, ... FROM `user` INNER JOIN `jobs`
//	//         ON `user`.`id` = `jobs`.`user_id` WHERE `user`.`username` = ?
//	// c.Args: ["xxx"]
//	// c.Columns: user_id (userID), user_username (userUsername), jobs_id, ...
//
// Where called again ANDs. A nil Condition is no condition, and WhereIf adds one only
// when asked, so optional filters need no branching of the query. Every value is a
// bound parameter; identifiers are always quoted with backticks. Raw SQL goes through
// Text, with its own arguments.
//
// Join infers the ON clause from the one foreign key between the joined table and the
// tables before it; with none or several, Compile says so and a condition must be
// given. Table.As makes aliases (for self-joins), SelectStmt.Subquery derived tables,
// SelectStmt.CTE common table expressions (recursive ones with CTE.UnionAll), and
// Column.Of or Col reach their columns. Scalar, Exists and Expr.InSelect use queries
// as values; Union, Intersect and Except combine them; Over makes window functions.
//
// # Labels
//
// The label style decides the result column names: LabelDisambiguate (default: column
// names, with _1, _2... for repeats), LabelTablePlusColumn (<table>_<column>, like
// SQLAlchemy's use_labels=True) or LabelNone. Generated labels never exceed the
// servers' 64-character identifier limit: a long one keeps a prefix and ends in a hash
// of the full name, so it stays unique and the same on every compilation. Compiled
// Columns tell which label belongs to which column, so rows can be mapped back.
//
// # Writing
//
//	sqlb.InsertInto(users).Values(userUsername.Set("ann")).Values(userUsername.Set("bob"))
//	sqlb.InsertInto(pageViews).
//		Values(path.Set("/"), hits.Set(1)).
//		OnDuplicateKeyUpdate(hits.SetExpr(hits.AddExpr(sqlb.Inserted(hits))))
//	sqlb.Update(jobs).Join(users).Set(jobsJobs.Set("none")).Where(userUsername.Eq("ann"))
//	sqlb.DeleteFrom(jobs).Where(jobsUserID.Eq(7)).OrderBy(jobsID).Limit(10)
//
// Inserted renders as the row alias `new`.`col` on MySQL 8.0.19+ and as VALUES(`col`)
// on MariaDB and older MySQL. INSERT IGNORE, REPLACE, INSERT ... SELECT and RETURNING
// (MariaDB) are there too.
//
// # Dialects
//
// A Dialect is a flavour (MySQL, MariaDB or TiDB) and a server version (TiDB's own
// release for TiDB); the zero Dialect is DefaultDialect (MySQL 8.0). ParseServerVersion
// reads the version a server reports. The output follows the target: FOR SHARE or LOCK
// IN SHARE MODE, the upsert syntax, and features a server lacks (RETURNING on MySQL and
// TiDB, SKIP LOCKED before MariaDB 10.6 and on TiDB, window functions before MySQL
// 8.0.2...) are errors matching ErrUnsupported, reported by Compile before anything is
// sent.
//
// # Executing
//
// Exec, Query, All and One take an Executor, the small interface that *myx.Conn,
// myx.Tx and *pool.Pool share, and compile the statement for the server behind it:
// DialectOf asks the executor (a connection reports its server, a transaction its
// connection's, a pool the server its connections found), WithDialect and Detect supply
// it for those that cannot tell. A feature that server lacks is an error before
// anything is sent. Literals that DDL must write into the text follow the session's
// NO_BACKSLASH_ESCAPES mode (CompileFor).
//
//	res, err := sqlb.Exec(ctx, conn, sqlb.InsertInto(users).Values(userUsername.Set("ann")))
//	rows, err := sqlb.Query(ctx, tx, q)
//
// # Results
//
// Rows know the statement's columns. Get reads a value by the column or expression that
// was selected, typed by it, and GetLabel by label:
//
//	for rows.Next() {
//		name, err := sqlb.Get(rows, userUsername)          // a string
//		job, err := sqlb.GetLabel[string](rows, "jobs_jobs") // by label
//	}
//
// All, One, Collect and Rows.ScanStruct map rows to structs, joined rows to nested
// structs (one-to-one and one-to-many) grouped by the primary keys the metadata knows:
//
//	type Job struct{ ID, UserID int64; Jobs string }
//	type User struct {
//		ID       int64
//		Username string
//		Jobs     []Job // the rows of table "jobs"
//	}
//	list, err := sqlb.All[User](ctx, conn, sqlb.Select(users, jobs).From(users).Join(jobs))
//
// A field without a column, a column without a field, a NULL or a value that does not
// fit its field is an error naming the column, never a silent zero; see Collect.
//
// # Schema
//
// CreateTable, DropTable, CreateIndex and the foreign-key statements build DDL from the
// metadata, with column types rendered for both flavours. MetaData.CreateAllDDL lists
// the statements that create every table in foreign-key order (cycles broken by adding
// those keys with ALTER TABLE afterwards) and DropAllDDL those that drop them in
// reverse; IfNotExists and IfExists restrict them to what is missing or present.
// MetaData.CreateAll and DropAll execute them, checking information_schema where the
// server has no IF [NOT] EXISTS for foreign keys.
//
// # Reflection and code generation
//
// Reflect loads a database's tables, columns, keys and foreign keys from
// information_schema, in a few bulk queries, into a MetaData. The package
// github.com/myxdb/myx/sqlb/codegen writes metadata out as Go source with a typed
// struct of columns per table, which is what the command `myx gen` does for a live
// database:
//
//	name, err := sqlb.Get(rows, models.User.C.Username)
//
// # Debugging
//
// Compiled.DebugSQL writes the arguments inline as escaped literals, for logs only.
package sqlb
