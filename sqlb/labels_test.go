package sqlb

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// The tutorial: user and jobs selected joined with table-plus-column labels, filtered
// by username (what aiomysql.sa's use_labels=True example does).
func TestTutorialLabelledJoin(t *testing.T) {
	q := Select(user, jobs).From(user).Join(jobs).Where(userUsername.Eq("xxx")).LabelStyle(LabelTablePlusColumn)
	want := "SELECT `user`.`id` AS `user_id`, `user`.`username` AS `user_username`, `jobs`.`id` AS `jobs_id`, `jobs`.`jobs` AS `jobs_jobs`, `jobs`.`user_id` AS `jobs_user_id` FROM `user` INNER JOIN `jobs` ON `user`.`id` = `jobs`.`user_id` WHERE `user`.`username` = ?"
	runGolden(t, []golden{{name: "tutorial", stmt: q, sql: want, args: args("xxx")}})

	for _, d := range []Dialect{mysql80, maria1011} {
		c := mustCompile(t, q, d)
		var names []string
		for _, rc := range c.Columns {
			names = append(names, rc.Name)
		}
		wantNames := []string{"user_id", "user_username", "jobs_id", "jobs_jobs", "jobs_user_id"}
		if !reflect.DeepEqual(names, wantNames) {
			t.Fatalf("labels %v, want %v", names, wantNames)
		}
		wantCols := []AnyColumn{userID, userUsername, jobsID, jobsJobs, jobsUserID}
		for i, rc := range c.Columns {
			if rc.Column != wantCols[i] {
				t.Errorf("column %d maps to %v, want %s", i, rc.Column, wantCols[i].Name())
			}
		}
		if !c.ReturnsRows() {
			t.Error("a SELECT returns rows")
		}
	}
}

func TestLabelStyles(t *testing.T) {
	two := Select(user, jobs).From(user).Join(jobs)
	const from = " FROM `user` INNER JOIN `jobs` ON `user`.`id` = `jobs`.`user_id`"
	runGolden(t, []golden{
		{name: "disambiguate is the default", stmt: two,
			sql: "SELECT `user`.`id`, `user`.`username`, `jobs`.`id` AS `id_1`, `jobs`.`jobs`, `jobs`.`user_id`" + from},
		{name: "none", stmt: two.LabelStyle(LabelNone),
			sql: "SELECT `user`.`id`, `user`.`username`, `jobs`.`id`, `jobs`.`jobs`, `jobs`.`user_id`" + from},
		{name: "none keeps explicit labels", stmt: Select(userID.Label("uid"), CountAll()).GroupBy(userID).LabelStyle(LabelNone),
			sql: "SELECT `user`.`id` AS `uid`, COUNT(*) FROM `user` GROUP BY `user`.`id`"},
		{name: "disambiguate avoids explicit labels", stmt: Select(userUsername.Label("id"), userID, jobsID).From(user).Join(jobs),
			sql: "SELECT `user`.`username` AS `id`, `user`.`id` AS `id_1`, `jobs`.`id` AS `id_2`" + from},
		{name: "table plus column dedupes", stmt: Select(userID, userID).LabelStyle(LabelTablePlusColumn),
			sql: "SELECT `user`.`id` AS `user_id`, `user`.`id` AS `user_id_1` FROM `user`"},
		{name: "table plus column vs existing name", stmt: Select(jobsUserID, userID).From(jobs, user).LabelStyle(LabelTablePlusColumn),
			sql: "SELECT `jobs`.`user_id` AS `jobs_user_id`, `user`.`id` AS `user_id` FROM `jobs`, `user`"},
		{name: "case-insensitive collisions", stmt: Select(userID, Value[int64](1).Label("ID")),
			sql: "SELECT `user`.`id` AS `id_1`, ? AS `ID` FROM `user`", args: args(int64(1))},
		{name: "table plus column anonymous", stmt: Select(userID, CountAll()).GroupBy(userID).LabelStyle(LabelTablePlusColumn),
			sql: "SELECT `user`.`id` AS `user_id`, COUNT(*) AS `count_1` FROM `user` GROUP BY `user`.`id`"},
	})
}

func TestLongLabelsAreShortenedDeterministically(t *testing.T) {
	md := NewMetaData()
	long := strings.Repeat("t", 40)
	tbl := md.NewTable(long)
	colA := AddColumn(tbl, strings.Repeat("c", 30)+"_a", Int())
	colB := AddColumn(tbl, strings.Repeat("c", 30)+"_b", Int())
	q := Select(colA, colB).LabelStyle(LabelTablePlusColumn)
	c1 := mustCompile(t, q, mysql80)
	c2 := mustCompile(t, q, maria1011)
	if c1.SQL != c2.SQL {
		t.Fatalf("different SQL per dialect:\n%s\n%s", c1.SQL, c2.SQL)
	}
	a, b := c1.Columns[0].Name, c1.Columns[1].Name
	for _, name := range []string{a, b} {
		if n := utf8.RuneCountInString(name); n > MaxIdentifierLength {
			t.Errorf("label %q has %d characters", name, n)
		}
		if !strings.HasPrefix(name, long+"_ccc") {
			t.Errorf("label %q lost its prefix", name)
		}
		if !strings.Contains(c1.SQL, "AS `"+name+"`") {
			t.Errorf("label %q not in SQL %s", name, c1.SQL)
		}
	}
	if a == b {
		t.Fatalf("two long labels collide: %q", a)
	}
	// Same input, same label: the hash is of the full label, nothing random.
	if again := mustCompile(t, q, mysql80).Columns[0].Name; again != a {
		t.Fatalf("label changed between compilations: %q then %q", a, again)
	}
	want := shortenIdent(long+"_"+strings.Repeat("c", 30)+"_a", 64)
	if a != want || len(a) != 64 {
		t.Fatalf("label %q (%d), want %q", a, len(a), want)
	}
	// Multibyte names are measured in characters.
	wide := md.NewTable(strings.Repeat("é", 40))
	wideCol := AddColumn(wide, strings.Repeat("ü", 40), Int())
	label := mustCompile(t, Select(wideCol).LabelStyle(LabelTablePlusColumn), mysql80).Columns[0].Name
	if n := utf8.RuneCountInString(label); n != MaxIdentifierLength || !utf8.ValidString(label) {
		t.Fatalf("label %q has %d characters", label, n)
	}
}

func TestShortenIdent(t *testing.T) {
	if got := shortenIdent("short", 64); got != "short" {
		t.Fatal(got)
	}
	x := strings.Repeat("x", 100)
	got := shortenIdent(x, 64)
	if len(got) != 64 || !strings.HasPrefix(got, strings.Repeat("x", 55)+"_") {
		t.Fatalf("got %q", got)
	}
	if shortenIdent(x+"y", 64) == got {
		t.Fatal("different names shortened to the same label")
	}
	var names nameSet
	if a, b := names.unique(x), names.unique(x); a == b || len(a) > 64 || len(b) > 64 {
		t.Fatalf("unique gave %q and %q", a, b)
	}
}

func TestResultColumnsWithoutCompiling(t *testing.T) {
	cols := Select(user, CountAll()).GroupBy(userID).LabelStyle(LabelTablePlusColumn).ResultColumns()
	var names []string
	for _, c := range cols {
		names = append(names, c.Name)
	}
	if want := []string{"user_id", "user_username", "count_1"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("got %v want %v", names, want)
	}
	if cols[2].Column != nil || cols[2].Expr == nil {
		t.Fatalf("expression column: %+v", cols[2])
	}
}
