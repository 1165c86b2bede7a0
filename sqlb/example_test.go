package sqlb_test

import (
	"fmt"

	"github.com/myxdb/myx/sqlb"
)

// The tutorial schema: users and the jobs they hold. Tables are defined once, in
// package variables, and only read afterwards.
var (
	schema = sqlb.NewMetaData()

	users        = schema.NewTable("user", sqlb.Engine("InnoDB"), sqlb.DefaultCharset("utf8mb4"))
	userID       = sqlb.AddColumn(users, "id", sqlb.Int(), sqlb.PrimaryKey(), sqlb.AutoIncrement())
	userUsername = sqlb.AddColumn(users, "username", sqlb.VarChar(255), sqlb.Unique())

	jobs       = schema.NewTable("jobs", sqlb.Engine("InnoDB"), sqlb.DefaultCharset("utf8mb4"))
	jobsID     = sqlb.AddColumn(jobs, "id", sqlb.Int(), sqlb.PrimaryKey(), sqlb.AutoIncrement())
	jobsJobs   = sqlb.AddColumn(jobs, "jobs", sqlb.VarChar(255))
	jobsUserID = sqlb.AddColumn(jobs, "user_id", sqlb.Int(), sqlb.References(userID, sqlb.OnDelete(sqlb.Cascade)))

	pageViews     = schema.NewTable("page_views")
	pageViewsPath = sqlb.AddColumn(pageViews, "path", sqlb.VarChar(255), sqlb.PrimaryKey())
	pageViewsHits = sqlb.AddColumn(pageViews, "hits", sqlb.BigInt(), sqlb.Default(0))
)

func printCompiled(stmt sqlb.Statement, d sqlb.Dialect) {
	c, err := stmt.Compile(d)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(c.SQL)
	if len(c.Args) > 0 {
		fmt.Println(c.Args)
	}
}

// Columns are typed: userID is a *Column[int64] and userUsername a *Column[string], so
// userID.Eq("x") does not compile. The metadata records definition mistakes.
func ExampleAddColumn() {
	fmt.Println(userID.GoType(), userID.Definition().Type, userID.Definition().PrimaryKey)
	fmt.Println(userUsername.GoType(), userUsername.Definition().Type)
	fmt.Println(jobsUserID.Table().ForeignKeys()[0].Name, "->", jobs.ForeignKeys()[0].ReferencedTable().Name())
	fmt.Println(schema.Err())
	// Output:
	// int64 INT true
	// string VARCHAR(255)
	// fk_jobs_user_id -> user
	// <nil>
}

// The tutorial query: user joined with jobs (the ON clause comes from the foreign key),
// every column labelled <table>_<column>, filtered by username.
func ExampleSelectStmt_Join() {
	q := sqlb.Select(users, jobs).
		From(users).
		Join(jobs).
		Where(userUsername.Eq("xxx")).
		LabelStyle(sqlb.LabelTablePlusColumn)
	c, err := q.Compile(sqlb.MariaDB(10, 11, 0))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.SQL)
	fmt.Println(c.Args)
	for _, col := range c.Columns {
		fmt.Printf("%s <- %s.%s\n", col.Name, col.Column.Table().Name(), col.Column.Name())
	}
	// Output:
	// SELECT `user`.`id` AS `user_id`, `user`.`username` AS `user_username`, `jobs`.`id` AS `jobs_id`, `jobs`.`jobs` AS `jobs_jobs`, `jobs`.`user_id` AS `jobs_user_id` FROM `user` INNER JOIN `jobs` ON `user`.`id` = `jobs`.`user_id` WHERE `user`.`username` = ?
	// [xxx]
	// user_id <- user.id
	// user_username <- user.username
	// jobs_id <- jobs.id
	// jobs_jobs <- jobs.jobs
	// jobs_user_id <- jobs.user_id
}

// Optional filters: Where ANDs, WhereIf and nil conditions drop out.
func ExampleSelectStmt_WhereIf() {
	search := func(name string, minID int64) sqlb.SelectStmt {
		var byID sqlb.Condition // nil: no filter
		if minID > 0 {
			byID = userID.Ge(minID)
		}
		return sqlb.Select(userID, userUsername).
			WhereIf(name != "", userUsername.HasPrefix(name)).
			Where(byID).
			OrderBy(userUsername)
	}
	printCompiled(search("", 0), sqlb.Dialect{})
	printCompiled(search("ann", 10), sqlb.Dialect{})
	// Output:
	// SELECT `user`.`id`, `user`.`username` FROM `user` ORDER BY `user`.`username`
	// SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`username` LIKE ? ESCAPE '!' AND `user`.`id` >= ? ORDER BY `user`.`username`
	// [ann% 10]
}

// An upsert that adds to a counter. Inserted refers to the value the statement tried to
// insert: a row alias on MySQL 8.0.19+, VALUES() on MariaDB and older MySQL.
func ExampleInsertStmt_OnDuplicateKeyUpdate() {
	hit := sqlb.InsertInto(pageViews).
		Values(pageViewsPath.Set("/home"), pageViewsHits.Set(1)).
		OnDuplicateKeyUpdate(pageViewsHits.SetExpr(pageViewsHits.AddExpr(sqlb.Inserted(pageViewsHits))))
	printCompiled(hit, sqlb.MySQL(8, 0, 36))
	printCompiled(hit, sqlb.MariaDB(10, 11, 0))
	// Output:
	// INSERT INTO `page_views` (`path`, `hits`) VALUES (?, ?) AS `new` ON DUPLICATE KEY UPDATE `hits` = `page_views`.`hits` + `new`.`hits`
	// [/home 1]
	// INSERT INTO `page_views` (`path`, `hits`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `hits` = `page_views`.`hits` + VALUES(`hits`)
	// [/home 1]
}

// RETURNING exists on MariaDB only; on MySQL it is an error before anything is sent.
func ExampleInsertStmt_Returning() {
	add := sqlb.InsertInto(users).Values(userUsername.Set("ann")).Returning(userID)
	printCompiled(add, sqlb.MariaDB(10, 11, 0))
	printCompiled(add, sqlb.MySQL(8, 4, 0))
	// Output:
	// INSERT INTO `user` (`username`) VALUES (?) RETURNING `id`
	// [ann]
	// error: sqlb: RETURNING on INSERT and REPLACE is not supported by MySQL 8.4.0 (MariaDB 10.5.0+ only)
}

// CreateAllDDL lists the CREATE TABLE statements in foreign-key order; DropAllDDL the
// DROP TABLE statements in reverse.
func ExampleMetaData_CreateAllDDL() {
	compiled, err := sqlb.CompileAll(sqlb.MariaDB(10, 11, 0), schema.CreateAllDDL(sqlb.IfNotExists()))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range compiled {
		fmt.Println(c.SQL)
	}
	drops, _ := sqlb.CompileAll(sqlb.MariaDB(10, 11, 0), schema.DropAllDDL())
	for _, c := range drops {
		fmt.Println(c.SQL)
	}
	// Output:
	// CREATE TABLE IF NOT EXISTS `user` (`id` INT NOT NULL AUTO_INCREMENT, `username` VARCHAR(255) NOT NULL, PRIMARY KEY (`id`), UNIQUE KEY `uq_user_username` (`username`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
	// CREATE TABLE IF NOT EXISTS `jobs` (`id` INT NOT NULL AUTO_INCREMENT, `jobs` VARCHAR(255) NOT NULL, `user_id` INT NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `fk_jobs_user_id` FOREIGN KEY (`user_id`) REFERENCES `user` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
	// CREATE TABLE IF NOT EXISTS `page_views` (`path` VARCHAR(255) NOT NULL, `hits` BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (`path`))
	// DROP TABLE `page_views`
	// DROP TABLE `jobs`
	// DROP TABLE `user`
}

// DebugSQL writes the arguments inline, for logs; statements run with SQL and Args.
func ExampleCompiled_DebugSQL() {
	c, _ := sqlb.Select(jobsJobs).Where(jobsUserID.In(1, 2), jobsJobs.Ne("it's")).Compile(sqlb.Dialect{})
	fmt.Println(c.DebugSQL())
	// Output:
	// SELECT `jobs`.`jobs` FROM `jobs` WHERE `jobs`.`user_id` IN (1, 2) AND `jobs`.`jobs` <> 'it''s'
}

// A self-join needs an alias; Of gives a column as seen through it.
func ExampleTable_As() {
	other := users.As("other")
	q := sqlb.Select(userUsername, userUsername.Of(other).Label("other_name")).
		From(users).
		Join(other, userID.LtExpr(userID.Of(other)))
	printCompiled(q, sqlb.Dialect{})
	// Output:
	// SELECT `user`.`username`, `other`.`username` AS `other_name` FROM `user` INNER JOIN `user` AS `other` ON `user`.`id` < `other`.`id`
}

// A derived table grouped per user, joined back to user.
func ExampleSelectStmt_Subquery() {
	perUser := sqlb.Select(jobsUserID, sqlb.CountAll().Label("total")).GroupBy(jobsUserID).Subquery("per_user")
	total := sqlb.Col[int64](perUser, "total")
	q := sqlb.Select(userUsername, total).
		From(users).
		Join(perUser, jobsUserID.Of(perUser).EqExpr(userID)).
		Where(total.Gt(2))
	printCompiled(q, sqlb.Dialect{})
	// Output:
	// SELECT `user`.`username`, `per_user`.`total` FROM `user` INNER JOIN (SELECT `jobs`.`user_id`, COUNT(*) AS `total` FROM `jobs` GROUP BY `jobs`.`user_id`) AS `per_user` ON `per_user`.`user_id` = `user`.`id` WHERE `per_user`.`total` > ?
	// [2]
}

// Locking clauses follow the server: FOR SHARE on MySQL 8, LOCK IN SHARE MODE on
// MariaDB, SKIP LOCKED where it exists.
func ExampleSelectStmt_ForShare() {
	q := sqlb.Select(jobsID).Where(jobsUserID.Eq(7)).ForShare(sqlb.SkipLocked())
	printCompiled(q, sqlb.MySQL(8, 0, 36))
	printCompiled(q, sqlb.MariaDB(10, 11, 0))
	printCompiled(q, sqlb.MariaDB(10, 5, 0))
	// Output:
	// SELECT `jobs`.`id` FROM `jobs` WHERE `jobs`.`user_id` = ? FOR SHARE SKIP LOCKED
	// [7]
	// SELECT `jobs`.`id` FROM `jobs` WHERE `jobs`.`user_id` = ? LOCK IN SHARE MODE SKIP LOCKED
	// [7]
	// error: sqlb: SKIP LOCKED is not supported by MariaDB 10.5.0 (MySQL 8.0.1+, MariaDB 10.6.0+)
}
