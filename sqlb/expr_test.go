package sqlb

import (
	"strings"
	"testing"
	"time"
)

// where compiles cond as the WHERE clause of a SELECT of user.id.
func where(cond Condition) SelectStmt { return Select(userID).Where(cond) }

const selectUserID = "SELECT `user`.`id` FROM `user`"

func TestComparisons(t *testing.T) {
	runGolden(t, []golden{
		{name: "eq", stmt: where(userID.Eq(5)), sql: selectUserID + " WHERE `user`.`id` = ?", args: args(int64(5))},
		{name: "ne", stmt: where(userID.Ne(5)), sql: selectUserID + " WHERE `user`.`id` <> ?", args: args(int64(5))},
		{name: "lt", stmt: where(userID.Lt(5)), sql: selectUserID + " WHERE `user`.`id` < ?", args: args(int64(5))},
		{name: "le", stmt: where(userID.Le(5)), sql: selectUserID + " WHERE `user`.`id` <= ?", args: args(int64(5))},
		{name: "gt", stmt: where(userID.Gt(5)), sql: selectUserID + " WHERE `user`.`id` > ?", args: args(int64(5))},
		{name: "ge", stmt: where(userID.Ge(5)), sql: selectUserID + " WHERE `user`.`id` >= ?", args: args(int64(5))},
		{name: "null-safe", stmt: where(userUsername.NullSafeEq("x")), sql: selectUserID + " WHERE `user`.`username` <=> ?", args: args("x")},
		{name: "column to column", stmt: Select(jobsID).From(jobs, user).Where(jobsUserID.EqExpr(userID)),
			sql: "SELECT `jobs`.`id` FROM `jobs`, `user` WHERE `jobs`.`user_id` = `user`.`id`"},
		{name: "expr variants", stmt: where(And(userID.NeExpr(jobsUserID), userID.LtExpr(jobsUserID), userID.LeExpr(jobsUserID), userID.GtExpr(jobsUserID), userID.GeExpr(jobsUserID), userID.NullSafeEqExpr(jobsUserID))).From(user, jobs),
			sql: "SELECT `user`.`id` FROM `user`, `jobs` WHERE `user`.`id` <> `jobs`.`user_id` AND `user`.`id` < `jobs`.`user_id` AND `user`.`id` <= `jobs`.`user_id` AND `user`.`id` > `jobs`.`user_id` AND `user`.`id` >= `jobs`.`user_id` AND `user`.`id` <=> `jobs`.`user_id`"},
		{name: "value expression", stmt: where(Value[int64](3).LtExpr(userID)), sql: selectUserID + " WHERE ? < `user`.`id`", args: args(int64(3))},
		{name: "time value", stmt: Select(orderID).Where(orderCreatedAt.Lt(testTime)), sql: "SELECT `order`.`id` FROM `order` WHERE `order`.`created_at` < ?", args: args(testTime)},
	})
}

func TestInBetweenLikeNull(t *testing.T) {
	runGolden(t, []golden{
		{name: "in", stmt: where(userID.In(1, 2, 3)), sql: selectUserID + " WHERE `user`.`id` IN (?, ?, ?)", args: args(int64(1), int64(2), int64(3))},
		{name: "not in", stmt: where(userUsername.NotIn("a", "b")), sql: selectUserID + " WHERE `user`.`username` NOT IN (?, ?)", args: args("a", "b")},
		{name: "empty in is false", stmt: where(userID.In()), sql: selectUserID + " WHERE FALSE"},
		{name: "empty not in is true", stmt: where(userID.NotIn()), sql: selectUserID + " WHERE TRUE"},
		{name: "empty in inside and", stmt: where(And(userID.Gt(1), userID.In())), sql: selectUserID + " WHERE `user`.`id` > ? AND FALSE", args: args(int64(1))},
		{name: "in slice", stmt: where(userID.In([]int64{7, 8}...)), sql: selectUserID + " WHERE `user`.`id` IN (?, ?)", args: args(int64(7), int64(8))},
		{name: "between", stmt: where(userID.Between(1, 10)), sql: selectUserID + " WHERE `user`.`id` BETWEEN ? AND ?", args: args(int64(1), int64(10))},
		{name: "not between", stmt: where(userID.NotBetween(1, 10)), sql: selectUserID + " WHERE `user`.`id` NOT BETWEEN ? AND ?", args: args(int64(1), int64(10))},
		{name: "between exprs", stmt: where(userID.BetweenExpr(Value[int64](1), userID.Add(1))), sql: selectUserID + " WHERE `user`.`id` BETWEEN ? AND `user`.`id` + ?", args: args(int64(1), int64(1))},
		{name: "like", stmt: where(userUsername.Like("a%")), sql: selectUserID + " WHERE `user`.`username` LIKE ?", args: args("a%")},
		{name: "not like", stmt: where(userUsername.NotLike("a%")), sql: selectUserID + " WHERE `user`.`username` NOT LIKE ?", args: args("a%")},
		{name: "like escape", stmt: where(userUsername.LikeEscape("50|%%", '|')), sql: selectUserID + " WHERE `user`.`username` LIKE ? ESCAPE '|'", args: args("50|%%")},
		{name: "contains", stmt: where(userUsername.Contains("50%_off!")), sql: selectUserID + " WHERE `user`.`username` LIKE ? ESCAPE '!'", args: args("%50!%!_off!!%")},
		{name: "has prefix", stmt: where(userUsername.HasPrefix("ad_")), sql: selectUserID + " WHERE `user`.`username` LIKE ? ESCAPE '!'", args: args("ad!_%")},
		{name: "has suffix", stmt: where(userUsername.HasSuffix("%")), sql: selectUserID + " WHERE `user`.`username` LIKE ? ESCAPE '!'", args: args("%!%")},
		{name: "is null", stmt: Select(employeeID).Where(employeeManagerID.IsNull()), sql: "SELECT `employee`.`id` FROM `employee` WHERE `employee`.`manager_id` IS NULL"},
		{name: "is not null", stmt: Select(employeeID).Where(employeeManagerID.IsNotNull()), sql: "SELECT `employee`.`id` FROM `employee` WHERE `employee`.`manager_id` IS NOT NULL"},
	})
}

func TestLogic(t *testing.T) {
	a, b, c := userID.Eq(1), userID.Eq(2), userUsername.Eq("x")
	var absent Condition
	runGolden(t, []golden{
		{name: "and", stmt: where(And(a, b)), sql: selectUserID + " WHERE `user`.`id` = ? AND `user`.`id` = ?", args: args(int64(1), int64(2))},
		{name: "or inside and", stmt: where(And(Or(a, b), c)), sql: selectUserID + " WHERE (`user`.`id` = ? OR `user`.`id` = ?) AND `user`.`username` = ?", args: args(int64(1), int64(2), "x")},
		{name: "and inside or", stmt: where(Or(And(a, b), c)), sql: selectUserID + " WHERE `user`.`id` = ? AND `user`.`id` = ? OR `user`.`username` = ?", args: args(int64(1), int64(2), "x")},
		{name: "nested and flattens", stmt: where(And(a, And(b, c))), sql: selectUserID + " WHERE `user`.`id` = ? AND `user`.`id` = ? AND `user`.`username` = ?", args: args(int64(1), int64(2), "x")},
		{name: "not", stmt: where(Not(a)), sql: selectUserID + " WHERE NOT (`user`.`id` = ?)", args: args(int64(1))},
		{name: "not of or", stmt: where(Not(Or(a, b))), sql: selectUserID + " WHERE NOT (`user`.`id` = ? OR `user`.`id` = ?)", args: args(int64(1), int64(2))},
		{name: "not exists", stmt: where(NotExists(Select(jobsID).Where(jobsUserID.EqExpr(userID)))), sql: selectUserID + " WHERE NOT EXISTS (SELECT `jobs`.`id` FROM `jobs` WHERE `jobs`.`user_id` = `user`.`id`)"},
		{name: "nil conditions are skipped", stmt: where(And(absent, a, nil)), sql: selectUserID + " WHERE `user`.`id` = ?", args: args(int64(1))},
		{name: "and of nothing is no filter", stmt: where(And(absent)), sql: selectUserID},
		{name: "or of nothing is no filter", stmt: where(Or(nil, absent)), sql: selectUserID},
		{name: "not of nil", stmt: where(Not(nil)), sql: selectUserID},
		{name: "if true", stmt: where(And(If(true, a), If(false, b))), sql: selectUserID + " WHERE `user`.`id` = ?", args: args(int64(1))},
		{name: "true false", stmt: where(Or(True(), False())), sql: selectUserID + " WHERE TRUE OR FALSE"},
		{name: "boolean column as condition", stmt: Select(userID).Where(AddColumnForTest()), sql: "SELECT `user`.`id` FROM `user`, `flags` WHERE `flags`.`active`"},
	})
}

var flagsTable = NewMetaData().NewTable("flags")
var flagsActive = AddColumn(flagsTable, "active", Boolean())

// AddColumnForTest returns a BOOLEAN column, which is a Condition by itself.
func AddColumnForTest() Condition { return flagsActive }

func TestArithmeticAndPrecedence(t *testing.T) {
	runGolden(t, []golden{
		{name: "add", stmt: Select(userID.Add(1)), sql: "SELECT `user`.`id` + ? AS `expr_1` FROM `user`", args: args(int64(1))},
		{name: "sub mul div mod", stmt: Select(userID.Sub(1).Label("a"), userID.Mul(2).Label("b"), userID.Div(3).Label("c"), userID.Mod(4).Label("d")),
			sql: "SELECT `user`.`id` - ? AS `a`, `user`.`id` * ? AS `b`, `user`.`id` / ? AS `c`, `user`.`id` % ? AS `d` FROM `user`", args: args(int64(1), int64(2), int64(3), int64(4))},
		{name: "left associative", stmt: Select(userID.Add(1).Add(2).Label("x")), sql: "SELECT `user`.`id` + ? + ? AS `x` FROM `user`", args: args(int64(1), int64(2))},
		{name: "right operand grouped", stmt: Select(userID.SubExpr(userID.Sub(1)).Label("x")), sql: "SELECT `user`.`id` - (`user`.`id` - ?) AS `x` FROM `user`", args: args(int64(1))},
		{name: "sum times", stmt: Select(userID.Add(1).Mul(2).Label("x")), sql: "SELECT (`user`.`id` + ?) * ? AS `x` FROM `user`", args: args(int64(1), int64(2))},
		{name: "times plus", stmt: Select(userID.Mul(2).Add(1).Label("x")), sql: "SELECT `user`.`id` * ? + ? AS `x` FROM `user`", args: args(int64(2), int64(1))},
		{name: "expr variants", stmt: Select(userID.AddExpr(userID).MulExpr(userID).DivExpr(userID).ModExpr(userID).Label("x")),
			sql: "SELECT (`user`.`id` + `user`.`id`) * `user`.`id` / `user`.`id` % `user`.`id` AS `x` FROM `user`"},
		{name: "comparison of sums", stmt: where(userID.Add(1).GtExpr(userID.Mul(2))), sql: selectUserID + " WHERE `user`.`id` + ? > `user`.`id` * ?", args: args(int64(1), int64(2))},
		{name: "comparison of comparison", stmt: Select(Coerce[bool](userID.Eq(1)).Eq(true).Label("x")), sql: "SELECT (`user`.`id` = ?) = ? AS `x` FROM `user`", args: args(int64(1), true)},
		{name: "in of sum", stmt: where(userID.Add(1).In(2)), sql: selectUserID + " WHERE `user`.`id` + ? IN (?)", args: args(int64(1), int64(2))},
	})
}

func TestFunctions(t *testing.T) {
	runGolden(t, []golden{
		{name: "count all", stmt: Select(CountAll()).From(user), sql: "SELECT COUNT(*) AS `count_1` FROM `user`"},
		{name: "count", stmt: Select(Count(jobsID).Label("n")), sql: "SELECT COUNT(`jobs`.`id`) AS `n` FROM `jobs`"},
		{name: "count distinct", stmt: Select(CountDistinct(jobsUserID, jobsJobs)), sql: "SELECT COUNT(DISTINCT `jobs`.`user_id`, `jobs`.`jobs`) AS `count_1` FROM `jobs`"},
		{name: "aggregates", stmt: Select(Sum(employeeSalary), Max(employeeSalary), Min(employeeSalary), Avg(employeeSalary), CountAll()),
			sql: "SELECT SUM(`employee`.`salary`) AS `sum_1`, MAX(`employee`.`salary`) AS `max_1`, MIN(`employee`.`salary`) AS `min_1`, AVG(`employee`.`salary`) AS `avg_1`, COUNT(*) AS `count_1` FROM `employee`"},
		{name: "two counts", stmt: Select(CountAll(), Count(userID)), sql: "SELECT COUNT(*) AS `count_1`, COUNT(`user`.`id`) AS `count_2` FROM `user`"},
		{name: "coalesce", stmt: Select(Coalesce(employeeManagerID, Value[int64](0)).Label("m")), sql: "SELECT COALESCE(`employee`.`manager_id`, ?) AS `m` FROM `employee`", args: args(int64(0))},
		{name: "now", stmt: Select(orderID).Where(orderCreatedAt.LtExpr(Now())), sql: "SELECT `order`.`id` FROM `order` WHERE `order`.`created_at` < NOW()"},
		{name: "generic func", stmt: Select(Func[string]("CONCAT", userUsername, "-", userID).Label("s")), sql: "SELECT CONCAT(`user`.`username`, ?, `user`.`id`) AS `s` FROM `user`", args: args("-")},
		{name: "generic func without args", stmt: Select(Func[int64]("CONNECTION_ID")), sql: "SELECT CONNECTION_ID() AS `connection_id_1`"},
		{name: "generic func nil arg", stmt: Select(Func[string]("IFNULL", employeeDept, nil).Label("d")), sql: "SELECT IFNULL(`employee`.`dept`, ?) AS `d` FROM `employee`", args: args(nil)},
		{name: "bad func name", stmt: Select(Func[int64]("SLEEP(1);--")), err: "is not a function name"},
	})
}

func TestCaseCastText(t *testing.T) {
	grade := Case[string]().When(employeeSalary.Gt("100000"), "high").When(employeeSalary.Gt("50000"), "mid").Else("low")
	runGolden(t, []golden{
		{name: "case", stmt: Select(grade.Label("grade")),
			sql:  "SELECT CASE WHEN `employee`.`salary` > ? THEN ? WHEN `employee`.`salary` > ? THEN ? ELSE ? END AS `grade` FROM `employee`",
			args: args("100000", "high", "50000", "mid", "low")},
		{name: "case expr result", stmt: Select(Case[string]().WhenExpr(employeeDept.IsNull(), Value("none")).ElseExpr(employeeDept).Label("d")),
			sql: "SELECT CASE WHEN `employee`.`dept` IS NULL THEN ? ELSE `employee`.`dept` END AS `d` FROM `employee`", args: args("none")},
		{name: "case in where", stmt: Select(employeeID).Where(grade.Eq("high")),
			sql:  "SELECT `employee`.`id` FROM `employee` WHERE CASE WHEN `employee`.`salary` > ? THEN ? WHEN `employee`.`salary` > ? THEN ? ELSE ? END = ?",
			args: args("100000", "high", "50000", "mid", "low", "high")},
		{name: "case without when", stmt: Select(Case[int64]()), err: "CASE needs at least one When"},
		{name: "cast to cross types", stmt: where(Cast[string](userID, AsChar(0)).EqExpr(userUsername)), sql: selectUserID + " WHERE CAST(`user`.`id` AS CHAR) = `user`.`username`"},
		{name: "casts", stmt: Select(Cast[int64](userUsername, AsSigned()).Label("a"), Cast[uint64](userID, AsUnsigned()).Label("b"), Cast[string](userID, AsChar(10)).Label("c"),
			Cast[time.Time](userUsername, AsDate()).Label("d"), Cast[time.Time](userUsername, AsDateTime(3)).Label("e"), Cast[time.Duration](userUsername, AsTime(0)).Label("f"),
			Cast[string](userID, AsDecimal(10, 2)).Label("g"), Cast[[]byte](userUsername, AsBinary(4)).Label("h")),
			sql: "SELECT CAST(`user`.`username` AS SIGNED) AS `a`, CAST(`user`.`id` AS UNSIGNED) AS `b`, CAST(`user`.`id` AS CHAR(10)) AS `c`, CAST(`user`.`username` AS DATE) AS `d`, CAST(`user`.`username` AS DATETIME(3)) AS `e`, CAST(`user`.`username` AS TIME) AS `f`, CAST(`user`.`id` AS DECIMAL(10,2)) AS `g`, CAST(`user`.`username` AS BINARY(4)) AS `h` FROM `user`"},
		{name: "cast double", stmt: Select(Cast[float64](userID, AsDouble()).Label("x")), dialects: []Dialect{mysql80, MariaDB(10, 4, 5)}, sql: "SELECT CAST(`user`.`id` AS DOUBLE) AS `x` FROM `user`"},
		{name: "cast double old mysql", stmt: Select(Cast[float64](userID, AsDouble())), dialects: []Dialect{mysql57, maria103}, err: "CAST(... AS DOUBLE) is not supported"},
		{name: "cast json", stmt: Select(Cast[string](userUsername, AsJSON()).Label("j")), dialects: []Dialect{mysql80}, sql: "SELECT CAST(`user`.`username` AS JSON) AS `j` FROM `user`"},
		{name: "cast json mariadb", stmt: Select(Cast[string](userUsername, AsJSON())), dialects: []Dialect{maria1011}, err: "CAST(... AS JSON) is not supported by MariaDB 10.11.0 (MySQL 5.7.8+, TiDB 2.1.0+)"},
		{name: "cast bad decimal", stmt: Select(Cast[string](userID, AsDecimal(2, 5))), err: "DECIMAL scale 5 larger than precision 2"},
		{name: "cast bad fsp", stmt: Select(Cast[time.Time](userID, AsDateTime(7))), err: "out of range 0-6"},
		{name: "coerce", stmt: where(Coerce[string](userID).Eq("7")), sql: selectUserID + " WHERE `user`.`id` = ?", args: args("7")},
		{name: "text condition", stmt: where(Text("`user`.`id` % ? = 0", 2)), sql: selectUserID + " WHERE `user`.`id` % ? = 0", args: args(2)},
		{name: "text parenthesized in and", stmt: where(And(Text("a = ? OR b = ?", 1, 2), userID.Eq(3))), sql: selectUserID + " WHERE (a = ? OR b = ?) AND `user`.`id` = ?", args: args(1, 2, int64(3))},
		{name: "text with expression args", stmt: Select(TextAs[int64]("GREATEST(?, ?)", userID, userID.Add(1)).Label("g")), sql: "SELECT GREATEST(`user`.`id`, (`user`.`id` + ?)) AS `g` FROM `user`", args: args(int64(1))},
		{name: "text ignores quoted question marks", stmt: where(Text("`a?` = '?' AND \"?\" = ? /* ? */ -- ?\n AND # ?\n x = ?", 1, 2)), sql: selectUserID + " WHERE `a?` = '?' AND \"?\" = ? /* ? */ -- ?\n AND # ?\n x = ?", args: args(1, 2)},
		{name: "text escaped quotes", stmt: where(Text(`'it''s \' ?' = ?`, 1)), sql: selectUserID + ` WHERE 'it''s \' ?' = ?`, args: args(1)},
		{name: "text placeholder count", stmt: where(Text("a = ? AND b = ?", 1)), err: "Text has 2 placeholders but 1 arguments"},
		{name: "text with subquery", stmt: where(Text("? > 0", Select(CountAll()).From(jobs))), sql: selectUserID + " WHERE (SELECT COUNT(*) AS `count_1` FROM `jobs`) > 0"},
		{name: "null and default values", stmt: Select(Null[int64]().Label("n")), sql: "SELECT NULL AS `n`"},
	})
}

func TestLabelsOnExpressions(t *testing.T) {
	runGolden(t, []golden{
		{name: "label", stmt: Select(userUsername.Label("name")), sql: "SELECT `user`.`username` AS `name` FROM `user`"},
		{name: "relabel", stmt: Select(userUsername.Label("a").Label("b")), sql: "SELECT `user`.`username` AS `b` FROM `user`"},
		{name: "label ignored in where", stmt: where(userID.Label("x").Gt(1)), sql: selectUserID + " WHERE `user`.`id` > ?", args: args(int64(1))},
		{name: "order by label", stmt: Select(CountAll().Label("n"), jobsUserID).GroupBy(jobsUserID).OrderBy(CountAll().Label("n").Desc()),
			sql: "SELECT COUNT(*) AS `n`, `jobs`.`user_id` FROM `jobs` GROUP BY `jobs`.`user_id` ORDER BY `n` DESC"},
		{name: "label too long", stmt: Select(userID.Label(strings.Repeat("x", 65))), err: "label name \"xxx"},
	})
}

// Every expression type has the operators of Expr[T], written once on Operators.
var (
	_ Expr[int64]  = (*Column[int64])(nil)
	_ Expr[string] = CaseExpr[string]{}
	_ Expr[int64]  = FuncExpr[int64](nil)
	_ Expr[bool]   = Condition(nil)
)

func TestOperatorsWrittenOnce(t *testing.T) {
	// A column, a CASE and a function call render the same operator the same way.
	for _, tc := range []struct {
		name string
		x    Expr[int64]
		sql  string
	}{
		{"column", userID, "`user`.`id`"},
		{"case", Case[int64]().When(userID.Gt(1), 2).Else(3), "CASE WHEN `user`.`id` > ? THEN ? ELSE ? END"},
		{"function", Max(userID), "MAX(`user`.`id`)"},
	} {
		c := mustCompile(t, Select(userID).Where(tc.x.Add(1).Lt(10), tc.x.In(4, 5)), MariaDB(10, 11, 0))
		want := selectUserID + " WHERE " + tc.sql + " + ? < ? AND " + tc.sql + " IN (?, ?)"
		if c.SQL != want {
			t.Errorf("%s:\n got: %s\nwant: %s", tc.name, c.SQL, want)
		}
	}
	// The zero values stand for no expression: an error when compiled, never a panic.
	for name, cond := range map[string]Condition{
		"zero Operators":      Operators[int64]{}.Eq(1),
		"zero CaseExpr":       CaseExpr[int64]{}.Eq(1),
		"zero CaseExpr label": Coerce[bool](CaseExpr[bool]{}.Label("x")),
	} {
		if _, err := Select(userID).Where(cond).Compile(MariaDB(10, 11, 0)); err == nil || !strings.Contains(err.Error(), "missing expression") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Select(CaseExpr[int64]{}).From(user).Compile(MariaDB(10, 11, 0)); err == nil {
		t.Error("a zero CaseExpr selected compiled")
	}
}
