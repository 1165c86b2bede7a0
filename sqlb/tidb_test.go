package sqlb

import (
	"testing"

	"github.com/myxdb/myx"
)

// TiDB has a feature table of its own, versioned by its releases: what it runs is
// compiled, what it lacks (or only parses) is an error before anything is sent.

func TestTiDBDialect(t *testing.T) {
	for _, tc := range []struct {
		info myx.ServerInfo
		want Dialect
	}{
		{myx.ServerInfo{Flavor: myx.TiDB, Major: 8, Minor: 5, Patch: 0, MySQLCompat: myx.Version{Major: 8, Minor: 0, Patch: 11}, Version: "8.0.11-TiDB-v8.5.0"}, tidb85},
		{myx.ServerInfo{Flavor: myx.MariaDB, Major: 10, Minor: 11, Version: "10.11.0-MariaDB"}, maria1011},
		{myx.ServerInfo{Flavor: myx.MySQL, Major: 8, Minor: 0, Patch: 36, Version: "8.0.36"}, mysql80},
	} {
		if got := DialectForServer(tc.info); got != tc.want {
			t.Errorf("DialectForServer(%s) = %v, want %v", tc.info.Version, got, tc.want)
		}
	}
	if !tidb85.IsTiDB() || tidb85.IsMySQL() || tidb85.IsMariaDB() || tidb85.String() != "TiDB 8.5.0" || FlavorTiDB.String() != "TiDB" {
		t.Errorf("flavour checks of %v", tidb85)
	}
	// A TiDB reporting MySQL 8.0.11 is not compiled as MySQL 8.0.11: the set operations it
	// has are there.
	d, err := ParseServerVersion("8.0.11-TiDB-v7.5.0")
	if err != nil || d != TiDB(7, 5, 0) || !d.supports(featureIntersectExcept) || MySQL(8, 0, 11).supports(featureIntersectExcept) {
		t.Errorf("8.0.11-TiDB-v7.5.0: %v, %v", d, err)
	}
}

func TestTiDBSelect(t *testing.T) {
	a := Select(userID, userUsername).Where(userID.Lt(10))
	b := Select(employeeID, employeeName)
	const sa = "SELECT `user`.`id`, `user`.`username` FROM `user` WHERE `user`.`id` < ?"
	const sb = "SELECT `employee`.`id`, `employee`.`name` FROM `employee`"
	ten := args(int64(10))
	q := Select(userID).Where(userID.Eq(1))
	const base = "SELECT `user`.`id` FROM `user` WHERE `user`.`id` = ?"
	one := args(int64(1))
	anchor := Select(employeeID, employeeManagerID).Where(employeeID.Eq(1))
	tree := anchor.CTE("tree")
	tree = tree.UnionAll(Select(employeeID, employeeManagerID).From(employee).Join(tree, employeeManagerID.EqExpr(employeeID.Of(tree))))
	runGolden(t, []golden{
		{name: "intersect", stmt: a.Intersect(b), dialects: []Dialect{TiDB(5, 0, 0), tidb65, tidb85}, sql: sa + " INTERSECT " + sb, args: ten},
		{name: "except", stmt: a.Except(b), dialects: []Dialect{tidb85}, sql: sa + " EXCEPT " + sb, args: ten},
		{name: "intersect before 5.0", stmt: a.Intersect(b), dialects: []Dialect{TiDB(4, 0, 16)},
			err: "INTERSECT and EXCEPT is not supported by TiDB 4.0.16 (MySQL 8.0.31+, MariaDB 10.3.0+, TiDB 5.0.0+)"},
		{name: "intersect all", stmt: IntersectAll(a, b), dialects: []Dialect{tidb85}, err: "INTERSECT ALL and EXCEPT ALL is not supported by TiDB 8.5.0 (MySQL 8.0.31+, MariaDB 10.5.0+)"},
		{name: "except all", stmt: ExceptAll(a, b), dialects: []Dialect{tidb85}, err: "INTERSECT ALL and EXCEPT ALL is not supported by TiDB 8.5.0"},
		{name: "union all", stmt: UnionAll(a, b), dialects: []Dialect{TiDB(4, 0, 0)}, sql: sa + " UNION ALL " + sb, args: ten},
		{name: "recursive cte", stmt: Select(employeeID.Of(tree)).From(tree), dialects: []Dialect{TiDB(5, 1, 0), tidb85},
			sql:  "WITH RECURSIVE `tree` AS (SELECT `employee`.`id`, `employee`.`manager_id` FROM `employee` WHERE `employee`.`id` = ? UNION ALL SELECT `employee`.`id`, `employee`.`manager_id` FROM `employee` INNER JOIN `tree` ON `employee`.`manager_id` = `tree`.`id`) SELECT `tree`.`id` FROM `tree`",
			args: one},
		{name: "cte before 5.1", stmt: Select(employeeID.Of(tree)).From(tree), dialects: []Dialect{TiDB(5, 0, 6)}, err: "is not supported by TiDB 5.0.6"},
		{name: "window", stmt: Select(RowNumber().Over(Window{}.OrderBy(userID)).Label("n")).From(user), dialects: []Dialect{tidb65},
			sql: "SELECT ROW_NUMBER() OVER (ORDER BY `user`.`id`) AS `n` FROM `user`"},
		// Locking reads: TiDB locks FOR UPDATE, with NOWAIT, WAIT n and OF tables; it parses
		// SKIP LOCKED and FOR SHARE but does not do them.
		{name: "for update", stmt: q.ForUpdate(), dialects: []Dialect{tidb65}, sql: base + " FOR UPDATE", args: one},
		{name: "nowait", stmt: q.ForUpdate(NoWait()), dialects: []Dialect{tidb65, tidb85}, sql: base + " FOR UPDATE NOWAIT", args: one},
		{name: "wait", stmt: q.ForUpdate(Wait(3)), dialects: []Dialect{tidb85}, sql: base + " FOR UPDATE WAIT 3", args: one},
		{name: "of tables", stmt: Select(userID).From(user).Join(jobs).ForUpdate(LockOf(user), NoWait()), dialects: []Dialect{tidb85},
			sql: "SELECT `user`.`id` FROM `user` INNER JOIN `jobs` ON `user`.`id` = `jobs`.`user_id` FOR UPDATE OF `user` NOWAIT"},
		{name: "of tables before 5.3", stmt: q.ForUpdate(LockOf(user)), dialects: []Dialect{TiDB(5, 2, 0)}, err: "OF tables in a locking clause is not supported by TiDB 5.2.0"},
		{name: "skip locked", stmt: q.ForUpdate(SkipLocked()), dialects: []Dialect{tidb85}, err: "SKIP LOCKED is not supported by TiDB 8.5.0 (MySQL 8.0.1+, MariaDB 10.6.0+)"},
		{name: "for share", stmt: q.ForShare(), dialects: []Dialect{tidb85},
			err: "a shared lock (FOR SHARE, LOCK IN SHARE MODE) is not supported by TiDB 8.5.0 (MySQL, MariaDB; TiDB runs it only as a no-op, with tidb_enable_noop_functions)"},
		{name: "share nowait", stmt: q.ForShare(NoWait()), dialects: []Dialect{tidb85}, err: "a shared lock"},
	})
}

func TestTiDBWrites(t *testing.T) {
	upsert := InsertInto(counter).
		Values(counterName.Set("home"), counterHits.Set(1)).
		OnDuplicateKeyUpdate(counterHits.SetExpr(counterHits.AddExpr(Inserted(counterHits))))
	runGolden(t, []golden{
		// TiDB has no row alias (INSERT ... AS new): VALUES(col), which it runs.
		{name: "upsert uses values()", stmt: upsert, dialects: []Dialect{tidb65, tidb85},
			sql:  "INSERT INTO `counter` (`name`, `hits`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `hits` = `counter`.`hits` + VALUES(`hits`)",
			args: args("home", int64(1))},
		{name: "insert returning", stmt: InsertInto(user).Values(userUsername.Set("a")).Returning(userID), dialects: []Dialect{tidb85},
			err: "RETURNING on INSERT and REPLACE is not supported by TiDB 8.5.0 (MariaDB 10.5.0+ only)"},
		{name: "delete returning", stmt: DeleteFrom(user).Where(userID.Eq(1)).Returning(userID), dialects: []Dialect{tidb85},
			err: "RETURNING on DELETE is not supported by TiDB 8.5.0"},
		// LIKE ... ESCAPE takes a literal, the only form TiDB parses.
		{name: "contains", stmt: Select(userID).Where(userUsername.Contains("5%")), dialects: []Dialect{tidb85},
			sql: "SELECT `user`.`id` FROM `user` WHERE `user`.`username` LIKE ? ESCAPE '!'", args: args("%5!%%")},
	})
}

func TestTiDBDDL(t *testing.T) {
	md := NewMetaData()
	tk := md.NewTable("tk")
	AddColumn(tk, "id", BigInt(), PrimaryKey())
	AddColumn(tk, "doc", JSON(), DefaultExpr(Func[string]("JSON_OBJECT")))
	ix := AddColumn(tk, "n", Int())
	parent := md.NewTable("tparent")
	pid := AddColumn(parent, "id", Int(), PrimaryKey())
	child := md.NewTable("tchild")
	AddColumn(child, "parent_id", Int(), Nullable(), References(pid, ConstraintName("tchild_parent")))
	if err := md.Err(); err != nil {
		t.Fatal(err)
	}
	fk := child.ForeignKeys()[0]
	runGolden(t, []golden{
		{name: "expression default", stmt: CreateTable(tk), dialects: []Dialect{TiDB(8, 0, 0), tidb85},
			sql: "CREATE TABLE `tk` (`id` BIGINT NOT NULL, `doc` JSON NOT NULL DEFAULT (JSON_OBJECT()), `n` INT NOT NULL, PRIMARY KEY (`id`))"},
		{name: "expression default before 8.0", stmt: CreateTable(tk), dialects: []Dialect{TiDB(7, 5, 0)},
			err: "an expression as a column DEFAULT is not supported by TiDB 7.5.0 (MySQL 8.0.13+, MariaDB 10.2.1+, TiDB 8.0.0+; TiDB accepts only the expressions its documentation lists)"},
		{name: "create index if not exists", stmt: CreateIndex(tk, Index{Name: "ix_n", Parts: []IndexPart{ix}}).IfNotExists(), dialects: []Dialect{tidb65},
			sql: "CREATE INDEX IF NOT EXISTS `ix_n` ON `tk` (`n`)"},
		// TiDB parses ADD FOREIGN KEY IF NOT EXISTS but ignores the condition.
		{name: "add foreign key if not exists", stmt: AddForeignKey(child, fk).IfNotExists(), dialects: []Dialect{tidb85}, err: "ADD FOREIGN KEY IF NOT EXISTS is not supported by TiDB 8.5.0 (MariaDB 10.0.2+ only)"},
		{name: "drop foreign key if exists", stmt: DropForeignKey(child, "tchild_parent").IfExists(), dialects: []Dialect{tidb85}, err: "ALTER TABLE IF EXISTS is not supported by TiDB 8.5.0"},
		{name: "drop foreign key", stmt: DropForeignKey(child, "tchild_parent"), dialects: []Dialect{tidb85}, sql: "ALTER TABLE `tchild` DROP FOREIGN KEY `tchild_parent`"},
	})
}

// The escape character of LIKE is a literal, written for the session's backslash mode.
func TestLikeEscapeLiteral(t *testing.T) {
	nbe := maria1011
	nbe.NoBackslashEscapes = true
	runGolden(t, []golden{
		{name: "backslash", stmt: Select(userID).Where(userUsername.LikeEscape(`a\%`, '\\')), dialects: []Dialect{mysql80, maria1011, tidb85},
			sql: "SELECT `user`.`id` FROM `user` WHERE `user`.`username` LIKE ? ESCAPE '\\\\'", args: args(`a\%`)},
		{name: "backslash without backslash escapes", stmt: Select(userID).Where(userUsername.LikeEscape(`a\%`, '\\')), dialects: []Dialect{nbe},
			sql: "SELECT `user`.`id` FROM `user` WHERE `user`.`username` LIKE ? ESCAPE '\\'", args: args(`a\%`)},
		{name: "quote", stmt: Select(userID).Where(userUsername.LikeEscape(`a'%`, '\'')), dialects: []Dialect{mysql80, nbe},
			sql: "SELECT `user`.`id` FROM `user` WHERE `user`.`username` LIKE ? ESCAPE ''''", args: args(`a'%`)},
		{name: "multibyte", stmt: Select(userID).Where(userUsername.LikeEscape("a§%", '§')), dialects: []Dialect{mysql80, maria1011},
			sql: "SELECT `user`.`id` FROM `user` WHERE `user`.`username` LIKE ? ESCAPE '§'", args: args("a§%")},
		{name: "multibyte on tidb", stmt: Select(userID).Where(userUsername.LikeEscape("a§%", '§')), dialects: []Dialect{tidb85},
			err: "a LIKE escape character outside ASCII is not supported by TiDB 8.5.0 (MySQL, MariaDB; TiDB takes a single byte)"},
		{name: "not like", stmt: Select(userID).Where(userUsername.NotLike("x%")), sql: "SELECT `user`.`id` FROM `user` WHERE `user`.`username` NOT LIKE ?", args: args("x%")},
	})
	// Only the backslash makes the statement depend on the session's mode.
	if c := mustCompile(t, Select(userID).Where(userUsername.LikeEscape(`a\%`, '\\')), maria1011); !c.DependsOnSQLMode() {
		t.Error("a backslash escape does not depend on the SQL mode")
	}
	if c := mustCompile(t, Select(userID).Where(userUsername.HasPrefix("a")), maria1011); c.DependsOnSQLMode() {
		t.Error("HasPrefix depends on the SQL mode")
	}
}
