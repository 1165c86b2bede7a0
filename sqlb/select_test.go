package sqlb

import (
	"testing"
)

func TestSelectClauses(t *testing.T) {
	base := Select(userID, userUsername)
	var noFilter Condition
	runGolden(t, []golden{
		{name: "columns", stmt: base, sql: "SELECT `user`.`id`, `user`.`username` FROM `user`"},
		{name: "table expands to columns", stmt: Select(user), sql: "SELECT `user`.`id`, `user`.`username` FROM `user`"},
		{name: "no from", stmt: Select(Value[int64](1).Label("one")), sql: "SELECT ? AS `one`", args: args(int64(1))},
		{name: "explicit from", stmt: Select(CountAll().Label("n")).From(user), sql: "SELECT COUNT(*) AS `n` FROM `user`"},
		{name: "where twice ands", stmt: base.Where(userID.Gt(1)).Where(userUsername.Ne("root")),
			sql: "SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`id` > ? AND `user`.`username` <> ?", args: args(int64(1), "root")},
		{name: "where with or twice", stmt: base.Where(Or(userID.Eq(1), userID.Eq(2))).Where(Or(userUsername.Eq("a"), userUsername.Eq("b"))),
			sql:  "SELECT `user`.`id`, `user`.`username` FROM `user` WHERE (`user`.`id` = ? OR `user`.`id` = ?) AND (`user`.`username` = ? OR `user`.`username` = ?)",
			args: args(int64(1), int64(2), "a", "b")},
		{name: "where if", stmt: base.WhereIf(false, userID.Eq(1)).WhereIf(true, userUsername.Eq("x")),
			sql: "SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`username` = ?", args: args("x")},
		{name: "nil condition drops out", stmt: base.Where(noFilter), sql: "SELECT `user`.`id`, `user`.`username` FROM `user`"},
		{name: "distinct", stmt: Select(jobsUserID).Distinct(), sql: "SELECT DISTINCT `jobs`.`user_id` FROM `jobs`"},
		{name: "add columns", stmt: Select(userID).AddColumns(userUsername), sql: "SELECT `user`.`id`, `user`.`username` FROM `user`"},
		{name: "group by having", stmt: Select(jobsUserID, CountAll().Label("n")).GroupBy(jobsUserID).Having(CountAll().Gt(2)).Having(Max(jobsID).Lt(100)),
			sql:  "SELECT `jobs`.`user_id`, COUNT(*) AS `n` FROM `jobs` GROUP BY `jobs`.`user_id` HAVING COUNT(*) > ? AND MAX(`jobs`.`id`) < ?",
			args: args(int64(2), int64(100))},
		{name: "order by", stmt: base.OrderBy(userUsername.Desc(), userID).OrderBy(userID.Asc()),
			sql: "SELECT `user`.`id`, `user`.`username` FROM `user` ORDER BY `user`.`username` DESC, `user`.`id`, `user`.`id` ASC"},
		{name: "limit offset", stmt: base.Limit(10).Offset(20), sql: "SELECT `user`.`id`, `user`.`username` FROM `user` LIMIT ? OFFSET ?", args: args(int64(10), int64(20))},
		{name: "limit replaced", stmt: base.Limit(10).Limit(5), sql: "SELECT `user`.`id`, `user`.`username` FROM `user` LIMIT ?", args: args(int64(5))},
		{name: "offset without limit", stmt: base.Offset(20), sql: "SELECT `user`.`id`, `user`.`username` FROM `user` LIMIT 18446744073709551615 OFFSET ?", args: args(int64(20))},
		{name: "negative limit", stmt: base.Limit(-1), err: "negative LIMIT -1"},
		{name: "no columns", stmt: Select(), err: "SELECT without columns"},
		{name: "nil item", stmt: Select(nil), err: "missing expression"},
		{name: "reserved words quoted", stmt: Select(orderID).Where(orderUserID.Eq(1)), sql: "SELECT `order`.`id` FROM `order` WHERE `order`.`user_id` = ?", args: args(int64(1))},
		{name: "from inferred from where", stmt: Select(CountAll().Label("n")).Where(jobsUserID.Eq(3)), sql: "SELECT COUNT(*) AS `n` FROM `jobs` WHERE `jobs`.`user_id` = ?", args: args(int64(3))},
		{name: "from inferred in order of use", stmt: Select(jobsJobs, userUsername).Where(jobsUserID.EqExpr(userID)),
			sql: "SELECT `jobs`.`jobs`, `user`.`username` FROM `jobs`, `user` WHERE `jobs`.`user_id` = `user`.`id`"},
	})
}

var (
	messages        = NewMetaData()
	message         = messages.NewTable("message")
	messageSenderID = AddColumn(message, "sender_id", Int(), References(userID))
	_               = AddColumn(message, "recipient_id", Int(), References(userID))
	messageBody     = AddColumn(message, "body", TextType())

	shipment   = messages.NewTable("shipment")
	shipmentID = AddColumn(shipment, "id", BigInt(), PrimaryKey())
	_          = shipmentRefs()
)

func shipmentRefs() bool {
	o := AddColumn(shipment, "order_id", Unsigned(BigInt()))
	p := AddColumn(shipment, "product_id", Unsigned(BigInt()))
	shipment.AddForeignKey([]AnyColumn{o, p}, []AnyColumn{orderItemOrderID, orderItemProductID})
	return true
}

func TestSchemaQualifiedTable(t *testing.T) {
	md := NewMetaData()
	logs := md.NewTable("logs", InSchema("audit"))
	id := AddColumn(logs, "id", BigInt(), PrimaryKey())
	runGolden(t, []golden{
		{name: "schema", stmt: Select(id).Where(id.Gt(1)), sql: "SELECT `audit`.`logs`.`id` FROM `audit`.`logs` WHERE `audit`.`logs`.`id` > ?", args: args(int64(1))},
		{name: "schema alias", stmt: Select(id.Of(logs.As("l"))), sql: "SELECT `l`.`id` FROM `audit`.`logs` AS `l`"},
	})
}

func TestJoins(t *testing.T) {
	mgr := employee.As("mgr")
	runGolden(t, []golden{
		{name: "inner inferred", stmt: Select(userUsername, jobsJobs).From(user).Join(jobs),
			sql: "SELECT `user`.`username`, `jobs`.`jobs` FROM `user` INNER JOIN `jobs` ON `user`.`id` = `jobs`.`user_id`"},
		{name: "inferred other direction", stmt: Select(userUsername, jobsJobs).From(jobs).Join(user),
			sql: "SELECT `user`.`username`, `jobs`.`jobs` FROM `jobs` INNER JOIN `user` ON `jobs`.`user_id` = `user`.`id`"},
		{name: "join without from", stmt: Select(userUsername, jobsJobs).Join(jobs),
			sql: "SELECT `user`.`username`, `jobs`.`jobs` FROM `user` INNER JOIN `jobs` ON `user`.`id` = `jobs`.`user_id`"},
		{name: "left", stmt: Select(userUsername, Count(jobsID).Label("n")).From(user).LeftJoin(jobs).GroupBy(userID),
			sql: "SELECT `user`.`username`, COUNT(`jobs`.`id`) AS `n` FROM `user` LEFT JOIN `jobs` ON `user`.`id` = `jobs`.`user_id` GROUP BY `user`.`id`"},
		{name: "right", stmt: Select(userUsername).From(jobs).RightJoin(user),
			sql: "SELECT `user`.`username` FROM `jobs` RIGHT JOIN `user` ON `jobs`.`user_id` = `user`.`id`"},
		{name: "cross", stmt: Select(userID, productID).From(user).CrossJoin(product),
			sql: "SELECT `user`.`id`, `product`.`id` AS `id_1` FROM `user` CROSS JOIN `product`"},
		{name: "explicit on", stmt: Select(userID).From(user).Join(jobs, jobsUserID.EqExpr(userID), jobsJobs.Ne("")),
			sql: "SELECT `user`.`id` FROM `user` INNER JOIN `jobs` ON `jobs`.`user_id` = `user`.`id` AND `jobs`.`jobs` <> ?", args: args("")},
		{name: "chain infers against all tables so far", stmt: Select(productName).From(user).Join(order).Join(orderItem).Join(product),
			sql: "SELECT `product`.`name` FROM `user` INNER JOIN `order` ON `user`.`id` = `order`.`user_id` INNER JOIN `order_item` ON `order`.`id` = `order_item`.`order_id` INNER JOIN `product` ON `order_item`.`product_id` = `product`.`id`"},
		{name: "comma list before a join is parenthesized", stmt: Select(userID).From(product, user).Join(jobs),
			sql: "SELECT `user`.`id` FROM (`product`, `user`) INNER JOIN `jobs` ON `user`.`id` = `jobs`.`user_id`"},
		{name: "self join through alias", stmt: Select(employeeName, employeeName.Of(mgr).Label("manager")).From(employee).LeftJoin(mgr, employeeManagerID.EqExpr(employeeID.Of(mgr))),
			sql: "SELECT `employee`.`name`, `mgr`.`name` AS `manager` FROM `employee` LEFT JOIN `employee` AS `mgr` ON `employee`.`manager_id` = `mgr`.`id`"},
		{name: "self join inference is ambiguous", stmt: Select(employeeName).From(employee).Join(mgr),
			err: "cannot infer the ON clause: 2 foreign keys link alias \"mgr\" of table \"employee\" with table \"employee\" (fk_employee_manager_id, fk_employee_manager_id); pass a condition"},
		{name: "no foreign key", stmt: Select(userID).From(user).Join(product),
			err: "cannot infer the ON clause: no foreign key links table \"product\" with table \"user\"; pass a condition"},
		{name: "separately made aliases of one name", stmt: Select(userUsername.Of(user.As("u")), jobsJobs.Of(jobs.As("j"))).From(user.As("u")).Join(jobs.As("j")),
			sql: "SELECT `u`.`username`, `j`.`jobs` FROM `user` AS `u` INNER JOIN `jobs` AS `j` ON `u`.`id` = `j`.`user_id`"},
		{name: "same table twice", stmt: Select(userID).From(user).Join(user), err: "table \"user\" appears twice in FROM; use an alias"},
		{name: "only nil conditions", stmt: Select(userID).From(user).Join(jobs, nil), err: "was given only nil conditions"},
		{name: "derived table needs condition", stmt: Select(userID).From(user).Join(Select(jobsUserID).Subquery("j")), err: "cannot infer the ON clause for derived table \"j\""},
		{name: "second join sees every table before it", stmt: Select(userID).From(user).Join(jobs).Join(order),
			sql: "SELECT `user`.`id` FROM `user` INNER JOIN `jobs` ON `user`.`id` = `jobs`.`user_id` INNER JOIN `order` ON `user`.`id` = `order`.`user_id`"},
		{name: "two foreign keys to one table", stmt: Select(messageBody).From(user).Join(message),
			err: "2 foreign keys link table \"message\" with table \"user\" (fk_message_sender_id, fk_message_recipient_id); pass a condition"},
		{name: "two foreign keys resolved by a condition", stmt: Select(messageBody).From(user).Join(message, messageSenderID.EqExpr(userID)),
			sql: "SELECT `message`.`body` FROM `user` INNER JOIN `message` ON `message`.`sender_id` = `user`.`id`"},
		{name: "composite foreign key", stmt: Select(shipmentID).From(orderItem).Join(shipment),
			sql: "SELECT `shipment`.`id` FROM `order_item` INNER JOIN `shipment` ON `order_item`.`order_id` = `shipment`.`order_id` AND `order_item`.`product_id` = `shipment`.`product_id`"},
	})
}

func TestAliasesInference(t *testing.T) {
	u, j := user.As("u"), jobs.As("j")
	runGolden(t, []golden{
		{name: "aliases infer on", stmt: Select(userUsername.Of(u), jobsJobs.Of(j)).From(u).Join(j),
			sql: "SELECT `u`.`username`, `j`.`jobs` FROM `user` AS `u` INNER JOIN `jobs` AS `j` ON `u`.`id` = `j`.`user_id`"},
		{name: "alias with table plus column labels", stmt: Select(u).LabelStyle(LabelTablePlusColumn),
			sql: "SELECT `u`.`id` AS `u_id`, `u`.`username` AS `u_username` FROM `user` AS `u`"},
		{name: "column not in alias", stmt: Select(jobsJobs.Of(u)), err: "column \"jobs\" is not in alias \"u\" of table \"user\""},
		{name: "of nil", stmt: Select(jobsJobs.Of(nil)), err: "Of(nil)"},
		{name: "col by name", stmt: Select(Col[string](u, "USERNAME")), sql: "SELECT `u`.`username` FROM `user` AS `u`"},
		{name: "col wrong type", stmt: Select(Col[int64](u, "username")), err: "column \"username\" of alias \"u\" of table \"user\" has Go type string, not int64"},
		{name: "col missing", stmt: Select(Col[int64](u, "nope")), err: "no column \"nope\" in alias \"u\""},
	})
}

func TestSubqueries(t *testing.T) {
	jobCount := Select(CountAll()).From(jobs).Where(jobsUserID.EqExpr(userID))
	perUser := Select(jobsUserID, CountAll().Label("total")).GroupBy(jobsUserID).Subquery("per_user")
	runGolden(t, []golden{
		{name: "scalar correlated", stmt: Select(userUsername, Scalar[int64](jobCount).Label("jobs")),
			sql: "SELECT `user`.`username`, (SELECT COUNT(*) AS `count_1` FROM `jobs` WHERE `jobs`.`user_id` = `user`.`id`) AS `jobs` FROM `user`"},
		{name: "correlated from inference", stmt: Select(userUsername).Where(Scalar[int64](Select(CountAll()).Where(jobsUserID.EqExpr(userID))).Gt(1)),
			sql: "SELECT `user`.`username` FROM `user` WHERE (SELECT COUNT(*) AS `count_1` FROM `jobs` WHERE `jobs`.`user_id` = `user`.`id`) > ?", args: args(int64(1))},
		{name: "in select", stmt: Select(userUsername).Where(userID.InSelect(Select(jobsUserID).Where(jobsJobs.Eq("dev")))),
			sql: "SELECT `user`.`username` FROM `user` WHERE `user`.`id` IN (SELECT `jobs`.`user_id` FROM `jobs` WHERE `jobs`.`jobs` = ?)", args: args("dev")},
		{name: "not in select", stmt: Select(userUsername).Where(userID.NotInSelect(Select(jobsUserID))),
			sql: "SELECT `user`.`username` FROM `user` WHERE `user`.`id` NOT IN (SELECT `jobs`.`user_id` FROM `jobs`)"},
		{name: "in select needs one column", stmt: Select(userUsername).Where(userID.InSelect(Select(jobsUserID, jobsID))), err: "exactly one column"},
		{name: "exists", stmt: Select(userUsername).Where(Exists(Select(jobsID).Where(jobsUserID.EqExpr(userID)))),
			sql: "SELECT `user`.`username` FROM `user` WHERE EXISTS (SELECT `jobs`.`id` FROM `jobs` WHERE `jobs`.`user_id` = `user`.`id`)"},
		{name: "derived table", stmt: Select(userUsername, Col[int64](perUser, "total")).From(user).Join(perUser, jobsUserID.Of(perUser).EqExpr(userID)),
			sql: "SELECT `user`.`username`, `per_user`.`total` FROM `user` INNER JOIN (SELECT `jobs`.`user_id`, COUNT(*) AS `total` FROM `jobs` GROUP BY `jobs`.`user_id`) AS `per_user` ON `per_user`.`user_id` = `user`.`id`"},
		{name: "select whole derived table", stmt: Select(perUser).Where(Col[int64](perUser, "total").Gt(3)),
			sql: "SELECT `per_user`.`user_id`, `per_user`.`total` FROM (SELECT `jobs`.`user_id`, COUNT(*) AS `total` FROM `jobs` GROUP BY `jobs`.`user_id`) AS `per_user` WHERE `per_user`.`total` > ?", args: args(int64(3))},
		{name: "derived table of derived table", stmt: Select(jobsUserID.Of(Select(perUser).Subquery("outer"))),
			sql: "SELECT `outer`.`user_id` FROM (SELECT `per_user`.`user_id`, `per_user`.`total` FROM (SELECT `jobs`.`user_id`, COUNT(*) AS `total` FROM `jobs` GROUP BY `jobs`.`user_id`) AS `per_user`) AS `outer`"},
		{name: "derived table uses labels", stmt: Select(Col[int64](Select(user).LabelStyle(LabelTablePlusColumn).Subquery("s"), "user_id")),
			sql: "SELECT `s`.`user_id` FROM (SELECT `user`.`id` AS `user_id`, `user`.`username` AS `user_username` FROM `user`) AS `s`"},
		{name: "unnamed derived column", stmt: Select(Select(Count(userID)).LabelStyle(LabelNone).Subquery("s")), err: "column 1 of derived table \"s\" has no name"},
		{name: "derived table is not correlated", stmt: Select(userID).From(user).Join(Select(jobsUserID).Where(jobsJobs.Eq("x")).Subquery("s"), userID.EqExpr(jobsUserID.Of(Select(jobsUserID).Subquery("s")))),
			sql: "SELECT `user`.`id` FROM `user` INNER JOIN (SELECT `jobs`.`user_id` FROM `jobs` WHERE `jobs`.`jobs` = ?) AS `s` ON `user`.`id` = `s`.`user_id`", args: args("x")},
	})
}

func TestCTEs(t *testing.T) {
	active := Select(jobsUserID).Where(jobsJobs.Ne("")).CTE("active")
	// A tree walk: the anchor is the employee 1, the recursive part adds reports.
	anchor := Select(employeeID, employeeManagerID, Value[int64](0).Label("depth")).Where(employeeID.Eq(1))
	tree := anchor.CTE("tree")
	tree = tree.UnionAll(Select(employeeID, employeeManagerID, Col[int64](tree, "depth").Add(1)).From(employee).Join(tree, employeeManagerID.EqExpr(employeeID.Of(tree))))
	runGolden(t, []golden{
		{name: "cte used in from", stmt: Select(userUsername).From(user).Join(active, userID.EqExpr(jobsUserID.Of(active))),
			sql: "WITH `active` AS (SELECT `jobs`.`user_id` FROM `jobs` WHERE `jobs`.`jobs` <> ?) SELECT `user`.`username` FROM `user` INNER JOIN `active` ON `user`.`id` = `active`.`user_id`", args: args("")},
		{name: "cte used in subquery goes to the top", stmt: Select(userUsername).Where(userID.InSelect(Select(jobsUserID.Of(active)))),
			sql: "WITH `active` AS (SELECT `jobs`.`user_id` FROM `jobs` WHERE `jobs`.`jobs` <> ?) SELECT `user`.`username` FROM `user` WHERE `user`.`id` IN (SELECT `active`.`user_id` FROM `active`)", args: args("")},
		{name: "explicit with on subquery", stmt: Select(userUsername).Where(userID.InSelect(Select(jobsUserID.Of(active)).With(active))),
			sql: "SELECT `user`.`username` FROM `user` WHERE `user`.`id` IN (WITH `active` AS (SELECT `jobs`.`user_id` FROM `jobs` WHERE `jobs`.`jobs` <> ?) SELECT `active`.`user_id` FROM `active`)", args: args("")},
		{name: "cte twice through alias", stmt: Select(jobsUserID.Of(active)).From(active).Join(active.As("a2"), jobsUserID.Of(active).EqExpr(jobsUserID.Of(active.As("a2")))),
			sql: "WITH `active` AS (SELECT `jobs`.`user_id` FROM `jobs` WHERE `jobs`.`jobs` <> ?) SELECT `active`.`user_id` FROM `active` INNER JOIN `active` AS `a2` ON `active`.`user_id` = `a2`.`user_id`", args: args("")},
		{name: "cte depending on cte", stmt: Select(Select(jobsUserID.Of(active)).CTE("again")),
			sql: "WITH `active` AS (SELECT `jobs`.`user_id` FROM `jobs` WHERE `jobs`.`jobs` <> ?), `again` AS (SELECT `active`.`user_id` FROM `active`) SELECT `again`.`user_id` FROM `again`", args: args("")},
		{name: "recursive", stmt: Select(tree).OrderBy(Col[int64](tree, "depth")),
			sql:  "WITH RECURSIVE `tree` AS (SELECT `employee`.`id`, `employee`.`manager_id`, ? AS `depth` FROM `employee` WHERE `employee`.`id` = ? UNION ALL SELECT `employee`.`id`, `employee`.`manager_id`, `tree`.`depth` + ? AS `expr_1` FROM `employee` INNER JOIN `tree` ON `employee`.`manager_id` = `tree`.`id`) SELECT `tree`.`id`, `tree`.`manager_id`, `tree`.`depth` FROM `tree` ORDER BY `tree`.`depth`",
			args: args(int64(0), int64(1), int64(1))},
		{name: "cte needs mysql 8", stmt: Select(jobsUserID.Of(active)), dialects: []Dialect{mysql57, MariaDB(10, 1, 0)}, err: "WITH (common table expressions) is not supported"},
		{name: "recursive needs 10.2.2", stmt: Select(tree), dialects: []Dialect{MariaDB(10, 2, 1)}, err: "WITH RECURSIVE is not supported by MariaDB 10.2.1 (MySQL 8.0.1+, MariaDB 10.2.2+, TiDB 5.1.0+)"},
		{name: "cte in insert select", stmt: InsertInto(counter).FromSelect(Select(Cast[string](jobsUserID.Of(active), AsChar(0))), counterName),
			sql: "INSERT INTO `counter` (`name`) WITH `active` AS (SELECT `jobs`.`user_id` FROM `jobs` WHERE `jobs`.`jobs` <> ?) SELECT CAST(`active`.`user_id` AS CHAR) AS `expr_1` FROM `active`", args: args("")},
		{name: "cte in update table", stmt: Update(user).Join(active, userID.EqExpr(jobsUserID.Of(active))).Set(userUsername.Set("x")), err: "CTE \"active\" is used where no query can carry its WITH clause"},
		{name: "two ctes with one name", stmt: Select(jobsUserID.Of(active), Col[int64](Select(userID).CTE("active"), "id")), err: "two different CTEs are named \"active\""},
	})
}

func TestCompound(t *testing.T) {
	a := Select(userID, userUsername).Where(userID.Lt(10))
	b := Select(employeeID, employeeName)
	runGolden(t, []golden{
		{name: "union", stmt: a.Union(b), sql: "SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`id` < ? UNION SELECT `employee`.`id`, `employee`.`name` FROM `employee`", args: args(int64(10))},
		{name: "union all chain", stmt: a.UnionAll(b).UnionAll(b), sql: "SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`id` < ? UNION ALL SELECT `employee`.`id`, `employee`.`name` FROM `employee` UNION ALL SELECT `employee`.`id`, `employee`.`name` FROM `employee`", args: args(int64(10))},
		{name: "union function", stmt: UnionAll(b, b), sql: "SELECT `employee`.`id`, `employee`.`name` FROM `employee` UNION ALL SELECT `employee`.`id`, `employee`.`name` FROM `employee`"},
		{name: "order by result names and limit", stmt: a.Union(b).OrderBy(userUsername.Desc()).Limit(5),
			sql: "SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`id` < ? UNION SELECT `employee`.`id`, `employee`.`name` FROM `employee` ORDER BY `username` DESC LIMIT ?", args: args(int64(10), int64(5))},
		{name: "members with limit are parenthesized", stmt: a.OrderBy(userID).Limit(1).Union(b),
			sql: "(SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`id` < ? ORDER BY `user`.`id` LIMIT ?) UNION SELECT `employee`.`id`, `employee`.`name` FROM `employee`", args: args(int64(10), int64(1))},
		{name: "mixed operators nest", stmt: a.Union(b).Intersect(b), dialects: []Dialect{MySQL(8, 0, 31), maria1011},
			sql: "(SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`id` < ? UNION SELECT `employee`.`id`, `employee`.`name` FROM `employee`) INTERSECT SELECT `employee`.`id`, `employee`.`name` FROM `employee`", args: args(int64(10))},
		{name: "except", stmt: a.Except(b), dialects: []Dialect{MySQL(8, 0, 31), maria103},
			sql: "SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`id` < ? EXCEPT SELECT `employee`.`id`, `employee`.`name` FROM `employee`", args: args(int64(10))},
		{name: "intersect needs 8.0.31", stmt: a.Intersect(b), dialects: []Dialect{MySQL(8, 0, 30), MariaDB(10, 2, 0)}, err: "INTERSECT and EXCEPT is not supported"},
		{name: "intersect all needs 10.5", stmt: IntersectAll(a, b), dialects: []Dialect{maria104}, err: "INTERSECT ALL and EXCEPT ALL is not supported by MariaDB 10.4.0"},
		{name: "except all", stmt: ExceptAll(a, b), dialects: []Dialect{maria105}, sql: "SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`id` < ? EXCEPT ALL SELECT `employee`.`id`, `employee`.`name` FROM `employee`", args: args(int64(10))},
		{name: "column count mismatch", stmt: a.Union(Select(userID)), err: "select different numbers of columns (2 and 1)"},
		{name: "one query", stmt: Union(a), err: "UNION needs at least two queries"},
		{name: "union as derived table", stmt: Select(Col[int64](a.UnionAll(b).Subquery("u"), "id")),
			sql: "SELECT `u`.`id` FROM (SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`id` < ? UNION ALL SELECT `employee`.`id`, `employee`.`name` FROM `employee`) AS `u`", args: args(int64(10))},
	})
}

func TestWindowFunctions(t *testing.T) {
	byDept := PartitionBy(employeeDept).OrderBy(employeeSalary.Desc())
	runGolden(t, []golden{
		{name: "labels are not used in windows", stmt: Select(employeeName.Label("n"), RowNumber().Over(Window{}.OrderBy(employeeName.Label("n"))).Label("rn")).OrderBy(employeeName.Label("n")),
			sql: "SELECT `employee`.`name` AS `n`, ROW_NUMBER() OVER (ORDER BY `employee`.`name`) AS `rn` FROM `employee` ORDER BY `n`"},
		{name: "row number", stmt: Select(employeeName, RowNumber().Over(byDept).Label("rn")),
			sql: "SELECT `employee`.`name`, ROW_NUMBER() OVER (PARTITION BY `employee`.`dept` ORDER BY `employee`.`salary` DESC) AS `rn` FROM `employee`"},
		{name: "empty window", stmt: Select(Sum(employeeSalary).Over(Window{}).Label("total")), sql: "SELECT SUM(`employee`.`salary`) OVER () AS `total` FROM `employee`"},
		{name: "ranks", stmt: Select(Rank().Over(byDept).Label("r"), DenseRank().Over(byDept).Label("d"), PercentRank().Over(byDept).Label("p"), CumeDist().Over(byDept).Label("c"), NTile(4).Over(byDept).Label("q")),
			sql: "SELECT RANK() OVER (PARTITION BY `employee`.`dept` ORDER BY `employee`.`salary` DESC) AS `r`, DENSE_RANK() OVER (PARTITION BY `employee`.`dept` ORDER BY `employee`.`salary` DESC) AS `d`, PERCENT_RANK() OVER (PARTITION BY `employee`.`dept` ORDER BY `employee`.`salary` DESC) AS `p`, CUME_DIST() OVER (PARTITION BY `employee`.`dept` ORDER BY `employee`.`salary` DESC) AS `c`, NTILE(4) OVER (PARTITION BY `employee`.`dept` ORDER BY `employee`.`salary` DESC) AS `q` FROM `employee`"},
		{name: "values", stmt: Select(Lag(employeeSalary, 1).Over(byDept).Label("prev"), Lead(employeeSalary, 2).Over(byDept).Label("next"), FirstValue(employeeName).Over(byDept).Label("first"), LastValue(employeeName).Over(byDept).Label("last"), NthValue(employeeName, 2).Over(byDept).Label("second")),
			sql: "SELECT LAG(`employee`.`salary`, 1) OVER (PARTITION BY `employee`.`dept` ORDER BY `employee`.`salary` DESC) AS `prev`, LEAD(`employee`.`salary`, 2) OVER (PARTITION BY `employee`.`dept` ORDER BY `employee`.`salary` DESC) AS `next`, FIRST_VALUE(`employee`.`name`) OVER (PARTITION BY `employee`.`dept` ORDER BY `employee`.`salary` DESC) AS `first`, LAST_VALUE(`employee`.`name`) OVER (PARTITION BY `employee`.`dept` ORDER BY `employee`.`salary` DESC) AS `last`, NTH_VALUE(`employee`.`name`, 2) OVER (PARTITION BY `employee`.`dept` ORDER BY `employee`.`salary` DESC) AS `second` FROM `employee`"},
		{name: "frames", stmt: Select(Sum(employeeSalary).Over(Window{}.OrderBy(employeeID).Rows(Preceding(2), CurrentRow)).Label("a"), Sum(employeeSalary).Over(Window{}.OrderBy(employeeID).Range(UnboundedPreceding, Following(1))).Label("b"), Count(employeeID).Over(PartitionBy(employeeDept).Rows(CurrentRow, UnboundedFollowing)).Label("c")),
			sql: "SELECT SUM(`employee`.`salary`) OVER (ORDER BY `employee`.`id` ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS `a`, SUM(`employee`.`salary`) OVER (ORDER BY `employee`.`id` RANGE BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING) AS `b`, COUNT(`employee`.`id`) OVER (PARTITION BY `employee`.`dept` ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS `c` FROM `employee`"},
		{name: "window function needs over", stmt: Select(RowNumber()), err: "ROW_NUMBER is a window function and needs Over"},
		{name: "negative frame", stmt: Select(Sum(employeeSalary).Over(Window{}.Rows(Preceding(-1), CurrentRow))), err: "negative window frame offset"},
		{name: "needs 8.0.2", stmt: Select(RowNumber().Over(byDept)), dialects: []Dialect{mysql57, MariaDB(10, 1, 0)}, err: "window functions (OVER) is not supported"},
	})
}

func TestLocking(t *testing.T) {
	q := Select(userID).Where(userID.Eq(1))
	const base = "SELECT `user`.`id` FROM `user` WHERE `user`.`id` = ?"
	one := args(int64(1))
	runGolden(t, []golden{
		{name: "for update", stmt: q.ForUpdate(), dialects: []Dialect{mysql57, mysql80, maria1011}, sql: base + " FOR UPDATE", args: one},
		{name: "for share mysql 8", stmt: q.ForShare(), dialects: []Dialect{mysql80, mysql84}, sql: base + " FOR SHARE", args: one},
		{name: "for share mysql 5.7", stmt: q.ForShare(), dialects: []Dialect{mysql57}, sql: base + " LOCK IN SHARE MODE", args: one},
		{name: "for share mariadb", stmt: q.ForShare(), dialects: []Dialect{maria1011}, sql: base + " LOCK IN SHARE MODE", args: one},
		{name: "skip locked", stmt: q.ForUpdate(SkipLocked()), dialects: []Dialect{mysql80, MariaDB(10, 6, 0)}, sql: base + " FOR UPDATE SKIP LOCKED", args: one},
		{name: "skip locked old mariadb", stmt: q.ForUpdate(SkipLocked()), dialects: []Dialect{MariaDB(10, 5, 20)}, err: "SKIP LOCKED is not supported by MariaDB 10.5.20 (MySQL 8.0.1+, MariaDB 10.6.0+)"},
		{name: "skip locked mysql 5.7", stmt: q.ForUpdate(SkipLocked()), dialects: []Dialect{mysql57}, err: "SKIP LOCKED is not supported by MySQL 5.7.44"},
		{name: "nowait", stmt: q.ForUpdate(NoWait()), dialects: []Dialect{mysql80, maria103}, sql: base + " FOR UPDATE NOWAIT", args: one},
		{name: "nowait old", stmt: q.ForUpdate(NoWait()), dialects: []Dialect{mysql57, MariaDB(10, 2, 0)}, err: "NOWAIT is not supported"},
		{name: "share skip locked mariadb", stmt: q.ForShare(SkipLocked()), dialects: []Dialect{maria1011}, sql: base + " LOCK IN SHARE MODE SKIP LOCKED", args: one},
		{name: "share nowait mysql", stmt: q.ForShare(NoWait()), dialects: []Dialect{mysql80}, sql: base + " FOR SHARE NOWAIT", args: one},
		{name: "wait mariadb", stmt: q.ForUpdate(Wait(5)), dialects: []Dialect{maria1011}, sql: base + " FOR UPDATE WAIT 5", args: one},
		{name: "wait mysql", stmt: q.ForUpdate(Wait(5)), dialects: []Dialect{mysql80}, err: "WAIT n in a locking clause is not supported by MySQL 8.0.36 (MariaDB 10.3.0+, TiDB 5.0.0+)"},
		{name: "of tables mysql", stmt: Select(userID).From(user).Join(jobs).ForUpdate(LockOf(user), SkipLocked()), dialects: []Dialect{mysql80},
			sql: "SELECT `user`.`id` FROM `user` INNER JOIN `jobs` ON `user`.`id` = `jobs`.`user_id` FOR UPDATE OF `user` SKIP LOCKED"},
		{name: "of tables mariadb", stmt: q.ForUpdate(LockOf(user)), dialects: []Dialect{maria1011}, err: "OF tables in a locking clause is not supported by MariaDB 10.11.0 (MySQL 8.0.1+, TiDB 5.3.0+)"},
		{name: "nowait and skip locked", stmt: q.ForUpdate(NoWait(), SkipLocked()), err: "exclude each other"},
		{name: "lock after limit", stmt: q.Limit(1).ForUpdate(), sql: base + " LIMIT ? FOR UPDATE", args: args(int64(1), int64(1))},
	})
}

func TestStatementsAreImmutable(t *testing.T) {
	base := Select(userID).Where(userID.Gt(0))
	a := base.Where(userUsername.Eq("a")).OrderBy(userID)
	b := base.Where(userUsername.Eq("b")).Limit(3)
	c := base.Join(jobs)
	for _, tc := range []struct {
		stmt Statement
		sql  string
	}{
		{base, "SELECT `user`.`id` FROM `user` WHERE `user`.`id` > ?"},
		{a, "SELECT `user`.`id` FROM `user` WHERE `user`.`id` > ? AND `user`.`username` = ? ORDER BY `user`.`id`"},
		{b, "SELECT `user`.`id` FROM `user` WHERE `user`.`id` > ? AND `user`.`username` = ? LIMIT ?"},
		{c, "SELECT `user`.`id` FROM `user` INNER JOIN `jobs` ON `user`.`id` = `jobs`.`user_id` WHERE `user`.`id` > ?"},
	} {
		if got := mustCompile(t, tc.stmt, mysql80).SQL; got != tc.sql {
			t.Errorf("got  %s\nwant %s", got, tc.sql)
		}
	}
}

func TestSelectWithoutTables(t *testing.T) {
	runGolden(t, []golden{
		{name: "plain", stmt: Select(Now().Label("now")), sql: "SELECT NOW() AS `now`"},
		{name: "where needs dual", stmt: Select(Value[int64](1).Label("one")).Where(Text("@@read_only = 0")),
			dialects: []Dialect{mysql57, mysql80, maria1011}, sql: "SELECT ? AS `one` FROM DUAL WHERE @@read_only = 0", args: args(int64(1))},
	})
}

func TestMixedUnions(t *testing.T) {
	a, b, c := Select(userID), Select(jobsID), Select(employeeID)
	runGolden(t, []golden{
		{name: "union then union all is flat", stmt: a.Union(b).UnionAll(c), dialects: []Dialect{mysql57, mysql80, maria1011},
			sql: "SELECT `user`.`id` FROM `user` UNION SELECT `jobs`.`id` FROM `jobs` UNION ALL SELECT `employee`.`id` FROM `employee`"},
		{name: "ordered compound nests", stmt: a.Union(b).Limit(1).UnionAll(c),
			sql: "(SELECT `user`.`id` FROM `user` UNION SELECT `jobs`.`id` FROM `jobs` LIMIT ?) UNION ALL SELECT `employee`.`id` FROM `employee`", args: args(int64(1))},
		{name: "compound as a later member nests", stmt: a.Union(b.UnionAll(c)),
			sql: "SELECT `user`.`id` FROM `user` UNION (SELECT `jobs`.`id` FROM `jobs` UNION ALL SELECT `employee`.`id` FROM `employee`)"},
	})
}
