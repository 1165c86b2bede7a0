package sqlb

import (
	"testing"
)

func TestInsert(t *testing.T) {
	one := InsertInto(user).Values(userUsername.Set("ann"))
	two := InsertInto(user).Values(userUsername.Set("ann"), userID.Set(1)).Values(userID.Set(2), userUsername.Set("bob"))
	runGolden(t, []golden{
		{name: "single row", stmt: one, sql: "INSERT INTO `user` (`username`) VALUES (?)", args: args("ann")},
		{name: "multi row in first row's column order", stmt: two,
			sql: "INSERT INTO `user` (`username`, `id`) VALUES (?, ?), (?, ?)", args: args("ann", int64(1), "bob", int64(2))},
		{name: "defaults", stmt: InsertInto(user).Values(), sql: "INSERT INTO `user` () VALUES ()"},
		{name: "expressions and default keyword", stmt: InsertInto(counter).Values(counterName.SetExpr(Func[string]("UUID")), counterHits.SetExpr(DefaultValue[int64]()), counterNotes.SetExpr(Null[string]())),
			sql: "INSERT INTO `counter` (`name`, `hits`, `notes`) VALUES (UUID(), DEFAULT, NULL)"},
		{name: "ignore", stmt: one.Ignore(), sql: "INSERT IGNORE INTO `user` (`username`) VALUES (?)", args: args("ann")},
		{name: "replace", stmt: ReplaceInto(user).Values(userID.Set(1), userUsername.Set("ann")),
			sql: "REPLACE INTO `user` (`id`, `username`) VALUES (?, ?)", args: args(int64(1), "ann")},
		{name: "from select with columns", stmt: InsertInto(jobs).FromSelect(Select(userID, userUsername).Where(userID.Gt(10)), jobsUserID, jobsJobs),
			sql: "INSERT INTO `jobs` (`user_id`, `jobs`) SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`id` > ?", args: args(int64(10))},
		{name: "from select all columns", stmt: InsertInto(user).FromSelect(Select(employeeID, employeeName)),
			sql: "INSERT INTO `user` SELECT `employee`.`id`, `employee`.`name` FROM `employee`"},
		{name: "from union", stmt: InsertInto(user).FromSelect(Select(employeeID, employeeName).UnionAll(Select(userID, userUsername))),
			sql: "INSERT INTO `user` SELECT `employee`.`id`, `employee`.`name` FROM `employee` UNION ALL SELECT `user`.`id`, `user`.`username` FROM `user`"},
		{name: "from select width", stmt: InsertInto(user).FromSelect(Select(employeeID)), err: "insert into \"user\" expects 2 columns but the query selects 1"},
		{name: "rows differ", stmt: InsertInto(user).Values(userID.Set(1)).Values(userUsername.Set("x")), err: "row 2 of the insert assigns column \"username\", which the first row does not"},
		{name: "rows differ in width", stmt: InsertInto(user).Values(userID.Set(1)).Values(userUsername.Set("x"), userID.Set(2)), err: "row 2 of the insert assigns 2 columns, the first row 1"},
		{name: "column twice", stmt: InsertInto(user).Values(userID.Set(1), userUsername.Set("a")).Values(userID.Set(1), userID.Set(2)), err: "assigns column \"id\" twice"},
		{name: "column of another table", stmt: InsertInto(user).Values(jobsJobs.Set("x")), err: "names a column of another table"},
		{name: "no values", stmt: InsertInto(user), err: "INSERT without Values or FromSelect"},
		{name: "values and select", stmt: one.FromSelect(Select(userID)), err: "both Values and FromSelect"},
		{name: "into alias", stmt: InsertInto(user.As("u")).Values(), err: "INSERT into alias \"u\""},
		{name: "replace ignore", stmt: ReplaceInto(user).Values().Ignore(), err: "REPLACE has no IGNORE"},
	})
}

func TestOnDuplicateKeyUpdate(t *testing.T) {
	upsert := InsertInto(counter).
		Values(counterName.Set("home"), counterHits.Set(1)).
		OnDuplicateKeyUpdate(counterHits.SetExpr(counterHits.AddExpr(Inserted(counterHits))))
	const values = "INSERT INTO `counter` (`name`, `hits`) VALUES (?, ?)"
	hit := args("home", int64(1))
	runGolden(t, []golden{
		{name: "row alias on mysql 8.0.19+", stmt: upsert, dialects: []Dialect{MySQL(8, 0, 19), mysql80, mysql84},
			sql: values + " AS `new` ON DUPLICATE KEY UPDATE `hits` = `counter`.`hits` + `new`.`hits`", args: hit},
		{name: "values() on older mysql", stmt: upsert, dialects: []Dialect{mysql8018, mysql57, DefaultDialect},
			sql: values + " ON DUPLICATE KEY UPDATE `hits` = `counter`.`hits` + VALUES(`hits`)", args: hit},
		{name: "values() on mariadb", stmt: upsert, dialects: []Dialect{maria1011, maria103},
			sql: values + " ON DUPLICATE KEY UPDATE `hits` = `counter`.`hits` + VALUES(`hits`)", args: hit},
		{name: "no alias when not referenced", stmt: InsertInto(counter).Values(counterName.Set("a")).OnDuplicateKeyUpdate(counterHits.Set(0)), dialects: []Dialect{mysql80, maria1011},
			sql: "INSERT INTO `counter` (`name`) VALUES (?) ON DUPLICATE KEY UPDATE `hits` = ?", args: args("a", int64(0))},
		{name: "inserted columns mysql", stmt: InsertInto(counter).Values(counterName.Set("a"), counterHits.Set(2), counterNotes.Set("n")).OnDuplicateKeyUpdateInserted(counterHits, counterNotes), dialects: []Dialect{mysql80},
			sql: "INSERT INTO `counter` (`name`, `hits`, `notes`) VALUES (?, ?, ?) AS `new` ON DUPLICATE KEY UPDATE `hits` = `new`.`hits`, `notes` = `new`.`notes`", args: args("a", int64(2), "n")},
		{name: "inserted columns mariadb", stmt: InsertInto(counter).Values(counterName.Set("a"), counterHits.Set(2), counterNotes.Set("n")).OnDuplicateKeyUpdateInserted(counterHits, counterNotes), dialects: []Dialect{maria1011},
			sql: "INSERT INTO `counter` (`name`, `hits`, `notes`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `hits` = VALUES(`hits`), `notes` = VALUES(`notes`)", args: args("a", int64(2), "n")},
		{name: "multi row upsert", stmt: InsertInto(counter).Values(counterName.Set("a"), counterHits.Set(1)).Values(counterName.Set("b"), counterHits.Set(2)).OnDuplicateKeyUpdateInserted(counterHits), dialects: []Dialect{mysql80},
			sql: "INSERT INTO `counter` (`name`, `hits`) VALUES (?, ?), (?, ?) AS `new` ON DUPLICATE KEY UPDATE `hits` = `new`.`hits`", args: args("a", int64(1), "b", int64(2))},
		{name: "insert select uses values()", stmt: InsertInto(counter).FromSelect(Select(userUsername, Value[int64](1).Label("one")), counterName, counterHits).OnDuplicateKeyUpdateInserted(counterHits), dialects: []Dialect{mysql80, maria1011},
			sql: "INSERT INTO `counter` (`name`, `hits`) SELECT `user`.`username`, ? AS `one` FROM `user` ON DUPLICATE KEY UPDATE `hits` = VALUES(`hits`)", args: args(int64(1))},
		{name: "ignore with upsert", stmt: InsertInto(counter).Ignore().Values(counterName.Set("a")).OnDuplicateKeyUpdate(counterHits.Set(0)),
			sql: "INSERT IGNORE INTO `counter` (`name`) VALUES (?) ON DUPLICATE KEY UPDATE `hits` = ?", args: args("a", int64(0))},
		{name: "inserted outside upsert", stmt: Update(counter).Set(counterHits.SetExpr(Inserted(counterHits))), err: "Inserted is only valid in ON DUPLICATE KEY UPDATE"},
		{name: "inserted of another table", stmt: InsertInto(counter).Values(counterName.Set("a")).OnDuplicateKeyUpdate(counterHits.SetExpr(Inserted(jobsUserID))), err: "Inserted refers to a column that is not in table \"counter\""},
		{name: "assignment to another table", stmt: InsertInto(counter).Values(counterName.Set("a")).OnDuplicateKeyUpdate(jobsJobs.Set("x")), err: "assignment to column \"jobs\", which is not in table \"counter\""},
		{name: "replace with upsert", stmt: ReplaceInto(counter).Values(counterName.Set("a")).OnDuplicateKeyUpdate(counterHits.Set(0)), err: "REPLACE has no ON DUPLICATE KEY UPDATE"},
	})

	// A table named "new" gets another row alias.
	md := NewMetaData()
	newTable := md.NewTable("new")
	k := AddColumn(newTable, "k", Int(), PrimaryKey())
	v := AddColumn(newTable, "v", Int())
	runGolden(t, []golden{
		{name: "row alias avoids the table name", stmt: InsertInto(newTable).Values(k.Set(1), v.Set(2)).OnDuplicateKeyUpdateInserted(v), dialects: []Dialect{mysql80},
			sql: "INSERT INTO `new` (`k`, `v`) VALUES (?, ?) AS `new_1` ON DUPLICATE KEY UPDATE `v` = `new_1`.`v`", args: args(int64(1), int64(2))},
	})
}

func TestReturning(t *testing.T) {
	ins := InsertInto(user).Values(userUsername.Set("ann")).Returning(userID, userUsername.Label("name"))
	del := DeleteFrom(user).Where(userID.Eq(1)).Returning(user)
	runGolden(t, []golden{
		{name: "insert returning", stmt: ins, dialects: []Dialect{maria105, maria1011},
			sql: "INSERT INTO `user` (`username`) VALUES (?) RETURNING `id`, `username` AS `name`", args: args("ann")},
		{name: "replace returning", stmt: ReplaceInto(user).Values(userID.Set(1), userUsername.Set("a")).Returning(userID), dialects: []Dialect{maria105},
			sql: "REPLACE INTO `user` (`id`, `username`) VALUES (?, ?) RETURNING `id`", args: args(int64(1), "a")},
		{name: "insert returning old mariadb", stmt: ins, dialects: []Dialect{maria104}, err: "RETURNING on INSERT and REPLACE is not supported by MariaDB 10.4.0 (MariaDB 10.5.0+ only)"},
		{name: "insert returning mysql", stmt: ins, dialects: []Dialect{mysql80, mysql84}, err: "RETURNING on INSERT and REPLACE is not supported by MySQL"},
		{name: "delete returning", stmt: del, dialects: []Dialect{MariaDB(10, 0, 5), maria1011},
			sql: "DELETE FROM `user` WHERE `user`.`id` = ? RETURNING `id`, `username`", args: args(int64(1))},
		{name: "delete returning too old", stmt: del, dialects: []Dialect{MariaDB(10, 0, 4)}, err: "RETURNING on DELETE is not supported by MariaDB 10.0.4 (MariaDB 10.0.5+ only)"},
		{name: "delete returning mysql", stmt: del, dialects: []Dialect{mysql80}, err: "RETURNING on DELETE is not supported by MySQL 8.0.36"},
		{name: "delete returning multi-table", stmt: DeleteFrom(user).Join(jobs).Returning(userID), dialects: []Dialect{maria1011}, err: "RETURNING in a multiple-table DELETE"},
		{name: "upsert returning", stmt: InsertInto(counter).Values(counterName.Set("a")).OnDuplicateKeyUpdate(counterHits.SetExpr(counterHits.Add(1))).Returning(counterHits), dialects: []Dialect{maria1011},
			sql: "INSERT INTO `counter` (`name`) VALUES (?) ON DUPLICATE KEY UPDATE `hits` = `counter`.`hits` + ? RETURNING `hits`", args: args("a", int64(1))},
	})
	c := mustCompile(t, ins, maria1011)
	if len(c.Columns) != 2 || c.Columns[0].Name != "id" || c.Columns[0].Column != userID || c.Columns[1].Name != "name" {
		t.Fatalf("RETURNING columns %+v", c.Columns)
	}
	if plain := mustCompile(t, InsertInto(user).Values(), maria1011); plain.ReturnsRows() {
		t.Fatal("an INSERT without RETURNING returns no rows")
	}
}

func TestUpdate(t *testing.T) {
	runGolden(t, []golden{
		{name: "single table", stmt: Update(user).Set(userUsername.Set("ann")).Where(userID.Eq(1)),
			sql: "UPDATE `user` SET `username` = ? WHERE `user`.`id` = ?", args: args("ann", int64(1))},
		{name: "expression", stmt: Update(counter).Set(counterHits.SetExpr(counterHits.Add(1)), counterNotes.SetExpr(Null[string]())).Where(counterName.Eq("a")),
			sql: "UPDATE `counter` SET `hits` = `counter`.`hits` + ?, `notes` = NULL WHERE `counter`.`name` = ?", args: args(int64(1), "a")},
		{name: "where twice, order, limit", stmt: Update(counter).Set(counterHits.Set(0)).Where(counterHits.Gt(10)).Where(counterNotes.IsNull()).OrderBy(counterHits.Desc()).Limit(5),
			sql: "UPDATE `counter` SET `hits` = ? WHERE `counter`.`hits` > ? AND `counter`.`notes` IS NULL ORDER BY `counter`.`hits` DESC LIMIT ?", args: args(int64(0), int64(10), int64(5))},
		{name: "ignore", stmt: Update(user).Ignore().Set(userUsername.Set("x")), sql: "UPDATE IGNORE `user` SET `username` = ?", args: args("x")},
		{name: "join inferred", stmt: Update(jobs).Join(user).Set(jobsJobs.Set("gone")).Where(userUsername.Eq("ann")),
			sql: "UPDATE `jobs` INNER JOIN `user` ON `jobs`.`user_id` = `user`.`id` SET `jobs`.`jobs` = ? WHERE `user`.`username` = ?", args: args("gone", "ann")},
		{name: "join sets both tables", stmt: Update(jobs).LeftJoin(user, userID.EqExpr(jobsUserID)).Set(jobsJobs.SetExpr(userUsername), userUsername.Set("x")),
			sql: "UPDATE `jobs` LEFT JOIN `user` ON `user`.`id` = `jobs`.`user_id` SET `jobs`.`jobs` = `user`.`username`, `user`.`username` = ?", args: args("x")},
		{name: "alias", stmt: Update(user.As("u")).Set(userUsername.Of(user.As("u")).Set("x")).Where(userID.Of(user.As("u")).Eq(1)),
			sql: "UPDATE `user` AS `u` SET `username` = ? WHERE `u`.`id` = ?", args: args("x", int64(1))},
		{name: "correlated subquery", stmt: Update(user).Set(userUsername.Set("idle")).Where(NotExists(Select(jobsID).Where(jobsUserID.EqExpr(userID)))),
			sql: "UPDATE `user` SET `username` = ? WHERE NOT EXISTS (SELECT `jobs`.`id` FROM `jobs` WHERE `jobs`.`user_id` = `user`.`id`)", args: args("idle")},
		{name: "multi-table order by", stmt: Update(jobs).Join(user).Set(jobsJobs.Set("x")).OrderBy(jobsID), err: "ORDER BY and LIMIT in a multiple-table UPDATE is not supported"},
		{name: "multi-table limit", stmt: Update(jobs).Join(user).Set(jobsJobs.Set("x")).Limit(1), err: "ORDER BY and LIMIT in a multiple-table UPDATE"},
		{name: "no set", stmt: Update(user), err: "UPDATE without Set"},
		{name: "set column of another table", stmt: Update(user).Set(jobsJobs.Set("x")), err: "assignment to column \"jobs\", which is not in table \"user\""},
		{name: "multi-table set of unnamed table", stmt: Update(jobs).Join(user).Set(productName.Set("x")), err: "UPDATE assigns column \"name\" of a table the statement does not name"},
	})
}

func TestDelete(t *testing.T) {
	runGolden(t, []golden{
		{name: "single table", stmt: DeleteFrom(user).Where(userID.Eq(1)), sql: "DELETE FROM `user` WHERE `user`.`id` = ?", args: args(int64(1))},
		{name: "everything", stmt: DeleteFrom(jobs), sql: "DELETE FROM `jobs`"},
		{name: "order by limit", stmt: DeleteFrom(jobs).Where(jobsJobs.Eq("x")).OrderBy(jobsID).Limit(10),
			sql: "DELETE FROM `jobs` WHERE `jobs`.`jobs` = ? ORDER BY `jobs`.`id` LIMIT ?", args: args("x", int64(10))},
		{name: "ignore", stmt: DeleteFrom(jobs).Ignore(), sql: "DELETE IGNORE FROM `jobs`"},
		{name: "join", stmt: DeleteFrom(jobs).Join(user).Where(userUsername.Eq("ann")),
			sql: "DELETE `jobs` FROM `jobs` INNER JOIN `user` ON `jobs`.`user_id` = `user`.`id` WHERE `user`.`username` = ?", args: args("ann")},
		{name: "alias", stmt: DeleteFrom(jobs.As("j")).Where(jobsID.Of(jobs.As("j")).Eq(3)),
			sql: "DELETE `j` FROM `jobs` AS `j` WHERE `j`.`id` = ?", args: args(int64(3))},
		{name: "where if", stmt: DeleteFrom(jobs).WhereIf(false, jobsID.Eq(1)).WhereIf(true, jobsID.Eq(2)), sql: "DELETE FROM `jobs` WHERE `jobs`.`id` = ?", args: args(int64(2))},
		{name: "in subquery", stmt: DeleteFrom(jobs).Where(jobsUserID.InSelect(Select(userID).Where(userUsername.HasPrefix("tmp")))),
			sql: "DELETE FROM `jobs` WHERE `jobs`.`user_id` IN (SELECT `user`.`id` FROM `user` WHERE `user`.`username` LIKE ? ESCAPE '!')", args: args("tmp%")},
		{name: "multi-table limit", stmt: DeleteFrom(jobs).Join(user).Limit(1), err: "ORDER BY and LIMIT in a multiple-table DELETE"},
		{name: "alias limit", stmt: DeleteFrom(jobs.As("j")).Limit(1), err: "ORDER BY and LIMIT in a multiple-table DELETE (joins or an aliased table) is not supported"},
	})
}
