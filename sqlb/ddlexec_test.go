package sqlb

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/myxdb/myx"
)

// existingTables lists the base tables of the session's database.
func existingTables(t *testing.T, ctx context.Context, ex Executor) []string {
	t.Helper()
	return column[string](t, ctx, ex, Select(isTablesName).Where(isTablesSchema.EqExpr(Func[string]("DATABASE")), isTablesType.Eq("BASE TABLE")).OrderBy(isTablesName))
}

// foreignKeyNames lists the foreign keys of the session's database.
func foreignKeyNames(t *testing.T, ctx context.Context, ex Executor) []string {
	t.Helper()
	return column[string](t, ctx, ex, Select(isConstraintsName).Where(isConstraintsSchema.EqExpr(Func[string]("DATABASE")), isConstraintsType.Eq("FOREIGN KEY")).OrderBy(isConstraintsName))
}

func TestCreateAllDropAll(t *testing.T) {
	t.Parallel()
	conn, ctx := testDB(t)
	all := []string{"counter", "employee", "jobs", "order", "order_item", "product", "user"}
	mustCreate(t, ctx, conn, testMeta)
	check(t, "created", existingTables(t, ctx, conn), all)
	// Again: the tables exist.
	var me *myx.MySQLError
	if err := testMeta.CreateAll(ctx, conn); !errors.As(err, &me) || me.Number != 1050 {
		t.Fatalf("second CreateAll: %v", err)
	}
	// Only what is missing: a dropped table comes back, the others keep their rows.
	mustExec(t, ctx, conn, InsertInto(user).Values(userUsername.Set("ann")))
	mustExec(t, ctx, conn, DropTable(counter))
	if err := testMeta.CreateAll(ctx, conn, IfNotExists()); err != nil {
		t.Fatal(err)
	}
	check(t, "recreated", existingTables(t, ctx, conn), all)
	check(t, "rows kept", column[string](t, ctx, conn, Select(userUsername)), []string{"ann"})
	// DropAll in reverse foreign-key order (the references would stop any other order).
	if err := testMeta.DropAll(ctx, conn); err != nil {
		t.Fatal(err)
	}
	check(t, "dropped", existingTables(t, ctx, conn), []string{})
	if err := testMeta.DropAll(ctx, conn); !errors.As(err, &me) || me.Number != 1051 {
		t.Fatalf("second DropAll: %v", err)
	}
	if err := testMeta.DropAll(ctx, conn, IfExists()); err != nil {
		t.Fatal(err)
	}
}

// cyclicSchema has tables a and b referencing each other, and c referencing a.
func cyclicSchema() *MetaData {
	md := NewMetaData()
	a := md.NewTable("a")
	aID := AddColumn(a, "id", Int(), PrimaryKey())
	aB := AddColumn(a, "b_id", Int(), Nullable())
	b := md.NewTable("b")
	bID := AddColumn(b, "id", Int(), PrimaryKey())
	AddColumn(b, "a_id", Int(), Nullable(), References(aID, ConstraintName("fk_b_a")))
	a.AddForeignKey([]AnyColumn{aB}, []AnyColumn{bID}, ConstraintName("fk_a_b"))
	c := md.NewTable("c")
	AddColumn(c, "a_id", Int(), References(aID, ConstraintName("fk_c_a")))
	return md
}

// TestCreateAllCycles runs the only-missing paths: MariaDB's IF [NOT] EXISTS clauses,
// and (through a MySQL or older MariaDB dialect, whose SQL for these tables the test
// server also accepts) the information_schema look-ups that replace them.
func TestCreateAllCycles(t *testing.T) {
	t.Parallel()
	conn, ctx := testDB(t)
	md := cyclicSchema()
	for _, tc := range []struct {
		name string
		ex   Executor
	}{
		{"connection", conn},
		{"MySQL 8.0", WithDialect(conn, MySQL(8, 0, 36))},
		{"MariaDB 10.3", WithDialect(conn, MariaDB(10, 3, 0))},
	} {
		if strings.HasPrefix(tc.name, "MariaDB") && !DialectForServer(conn.ServerInfo()).IsMariaDB() {
			// Its ADD FOREIGN KEY IF NOT EXISTS is MariaDB's: TiDB parses the clause and
			// ignores it (error 1826 on the second run).
			t.Run(tc.name, func(t *testing.T) {
				t.Skipf("MariaDB SQL needs a MariaDB server, not %v", DialectForServer(conn.ServerInfo()))
			})
			continue
		}
		ex := tc.ex
		if err := md.CreateAll(ctx, ex); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		fks := []string{"fk_a_b", "fk_b_a", "fk_c_a"}
		check(t, tc.name+": foreign keys", foreignKeyNames(t, ctx, conn), fks)
		for range 2 {
			if err := md.CreateAll(ctx, ex, IfNotExists()); err != nil {
				t.Fatalf("%s: CreateAll(IfNotExists) with everything there: %v", tc.name, err)
			}
		}
		// A missing cycle key is added back, the rest left alone.
		if _, err := conn.Exec(ctx, "ALTER TABLE `a` DROP FOREIGN KEY `fk_a_b`"); err != nil {
			t.Fatal(err)
		}
		if err := md.CreateAll(ctx, ex, IfNotExists()); err != nil {
			t.Fatalf("%s: CreateAll(IfNotExists) with a key missing: %v", tc.name, err)
		}
		check(t, tc.name+": key restored", foreignKeyNames(t, ctx, conn), fks)
		// Drop only what exists: with one cycle key gone, then with nothing left.
		if _, err := conn.Exec(ctx, "ALTER TABLE `b` DROP FOREIGN KEY `fk_b_a`"); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := md.DropAll(ctx, ex, IfExists()); err != nil {
				t.Fatalf("%s: DropAll(IfExists): %v", tc.name, err)
			}
		}
		check(t, tc.name+": dropped", existingTables(t, ctx, conn), []string{})
	}
}

// A feature the server lacks is an error before anything is sent: CreateAll compiles
// every statement first.
func TestCreateAllUnsupportedSendsNothing(t *testing.T) {
	t.Parallel()
	conn, ctx := testDB(t)
	md := NewMetaData()
	AddColumn(md.NewTable("plain"), "id", Int(), PrimaryKey())
	AddColumn(md.NewTable("docs"), "doc", JSON())
	if err := md.CreateAll(ctx, WithDialect(conn, MariaDB(10, 1, 0))); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("JSON for MariaDB 10.1: %v", err)
	}
	gen := NewMetaData()
	AddColumn(gen.NewTable("plain"), "id", Int(), PrimaryKey())
	g := gen.NewTable("gen")
	x := AddColumn(g, "x", Int())
	AddColumn(g, "y", Int(), Generated(x.Mul(2))) // NOT NULL: MySQL only
	// Refused before anything is sent, so a MariaDB dialect over any server shows it.
	if err := gen.CreateAll(ctx, WithDialect(conn, MariaDB(10, 11, 0))); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "NOT NULL on a generated column") {
		t.Fatalf("NOT NULL generated column on MariaDB: %v", err)
	}
	check(t, "nothing created", existingTables(t, ctx, conn), []string{})
	// Nullable, it runs, and the server computes it.
	fixed := NewMetaData()
	f := fixed.NewTable("gen")
	fx := AddColumn(f, "x", Int())
	fy := AddColumn(f, "y", Int(), Nullable(), GeneratedStored(fx.Mul(2)))
	mustCreate(t, ctx, conn, fixed)
	mustExec(t, ctx, conn, InsertInto(f).Values(fx.Set(21)))
	check(t, "generated", column[int64](t, ctx, conn, Select(fy)), []int64{42})
}

// Literals in DDL follow the session's NO_BACKSLASH_ESCAPES mode, which CompileFor asks
// the server for.
func TestNoBackslashEscapes(t *testing.T) {
	t.Parallel()
	conn, ctx := testDB(t)
	const value = "a\\b'c\nd"
	md := NewMetaData()
	tb := md.NewTable("esc", TableComment(`back\slash`))
	id := AddColumn(tb, "id", Int(), PrimaryKey())
	v := AddColumn(tb, "v", VarChar(20), Default(value), Comment(`c\:`))
	e := AddColumn(tb, "e", Enum(`x\y`, "z"), Default(`x\y`))
	if c := mustCompile(t, CreateTable(tb), Dialect{}); !c.DependsOnSQLMode() {
		t.Fatal("DependsOnSQLMode is false for backslashes in literals")
	}
	for _, mode := range []string{"NO_BACKSLASH_ESCAPES", ""} {
		if _, err := conn.Exec(ctx, "SET SESSION sql_mode = ?", mode); err != nil {
			t.Fatal(err)
		}
		c, err := CompileFor(ctx, conn, CreateTable(tb))
		if err != nil {
			t.Fatal(err)
		}
		if c.Dialect().NoBackslashEscapes != (mode != "") {
			t.Fatalf("mode %q: compiled with NoBackslashEscapes %v", mode, c.Dialect().NoBackslashEscapes)
		}
		mustCreate(t, ctx, conn, md)
		mustExec(t, ctx, conn, InsertInto(tb).Values(id.Set(1)))
		type row struct{ V, E string }
		check(t, "mode "+mode+": defaults", mustAll[row](t, ctx, conn, Select(v, e)), []row{{value, `x\y`}})
		back, err := Reflect(ctx, conn)
		if err != nil {
			t.Fatal(err)
		}
		rt := back.Table("esc")
		if got := rt.Column("v").Definition(); got.Default != value || got.Comment != `c\:` {
			t.Errorf("mode %q: reflected default %q, comment %q", mode, got.Default, got.Comment)
		}
		if got := rt.Options().Comment; got != `back\slash` {
			t.Errorf("mode %q: reflected table comment %q", mode, got)
		}
		if err := md.DropAll(ctx, conn); err != nil {
			t.Fatal(err)
		}
	}
	// Detect reads the mode too.
	if _, err := conn.Exec(ctx, "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'"); err != nil {
		t.Fatal(err)
	}
	ex, err := Detect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if d, _, err := DialectOf(ctx, ex); err != nil || !d.NoBackslashEscapes || d.Flavor != DialectForServer(conn.ServerInfo()).Flavor {
		t.Fatalf("Detect: %+v", d)
	}
}

func TestGeneratedColumnDDL(t *testing.T) {
	md := NewMetaData()
	tb := md.NewTable("g")
	price := AddColumn(tb, "price", Decimal(10, 2))
	qty := AddColumn(tb, "qty", Int())
	AddColumn(tb, "total", Decimal(12, 2), Generated(price.MulExpr(Cast[string](qty, AsDecimal(10, 0)))), Comment("price x qty"))
	nullable := md.NewTable("n")
	a := AddColumn(nullable, "a", Int())
	AddColumn(nullable, "b", Int(), Nullable(), GeneratedStored(a.Add(1)))
	bad := md.NewTable("bad")
	x := AddColumn(bad, "x", Int())
	AddColumn(bad, "y", Int(), Nullable(), Default(1), Generated(x))
	runGolden(t, []golden{
		{name: "virtual not null", stmt: CreateTable(tb), dialects: []Dialect{mysql80},
			sql: "CREATE TABLE `g` (`price` DECIMAL(10,2) NOT NULL, `qty` INT NOT NULL, `total` DECIMAL(12,2) GENERATED ALWAYS AS (`price` * CAST(`qty` AS DECIMAL(10,0))) VIRTUAL NOT NULL COMMENT 'price x qty')"},
		{name: "not null on MariaDB", stmt: CreateTable(tb), dialects: []Dialect{maria1011}, err: "NOT NULL on a generated column"},
		{name: "stored nullable MySQL", stmt: CreateTable(nullable), dialects: []Dialect{mysql80},
			sql: "CREATE TABLE `n` (`a` INT NOT NULL, `b` INT GENERATED ALWAYS AS (`a` + 1) STORED NULL)"},
		{name: "stored nullable MariaDB", stmt: CreateTable(nullable), dialects: []Dialect{maria1011},
			sql: "CREATE TABLE `n` (`a` INT NOT NULL, `b` INT GENERATED ALWAYS AS (`a` + 1) STORED)"},
		{name: "old MariaDB", stmt: CreateTable(nullable), dialects: []Dialect{MariaDB(10, 1, 0)}, err: "generated columns"},
		{name: "default", stmt: CreateTable(bad), err: "cannot have a default"},
	})
}

// execRecorder is an Executor that records the statements it executes.
type execRecorder struct {
	Executor
	execs []string
}

func (r *execRecorder) Exec(ctx context.Context, query string, args ...any) (myx.Result, error) {
	r.execs = append(r.execs, query)
	return r.Executor.Exec(ctx, query, args...)
}

// CreateAll and DropAll execute the statements CreateAllDDL and DropAllDDL list, in
// their order; where the dialect has no IF [NOT] EXISTS for a foreign key, the statement
// loses the clause and runs only when information_schema says it must.
func TestCreateAllRunsCreateAllDDL(t *testing.T) {
	t.Parallel()
	conn, ctx := testDB(t)
	md := cyclicSchema()
	compiledSQL := func(d Dialect, stmts []Statement) []string {
		t.Helper()
		var out []string
		for _, c := range mustCompileAll(t, d, stmts) {
			out = append(out, c.SQL)
		}
		return out
	}
	d := DialectForServer(conn.ServerInfo())
	rec := &execRecorder{Executor: conn}
	ex := WithDialect(rec, d)
	if err := md.CreateAll(ctx, ex); err != nil {
		t.Fatal(err)
	}
	check(t, "CreateAll", rec.execs, compiledSQL(d, md.CreateAllDDL()))
	rec.execs = nil
	if err := md.DropAll(ctx, ex); err != nil {
		t.Fatal(err)
	}
	check(t, "DropAll", rec.execs, compiledSQL(d, md.DropAllDDL()))

	// MySQL 8.0 has no ADD FOREIGN KEY IF NOT EXISTS: with the tables and all keys there,
	// only the CREATE TABLE IF NOT EXISTS statements run.
	mysql := MySQL(8, 0, 36)
	if err := md.CreateAll(ctx, conn); err != nil {
		t.Fatal(err)
	}
	rec.execs = nil
	if err := md.CreateAll(ctx, WithDialect(rec, mysql), IfNotExists()); err != nil {
		t.Fatal(err)
	}
	var tablesOnly []Statement
	for _, s := range md.CreateAllDDL(IfNotExists()) {
		if _, ok := s.(CreateTableStmt); ok {
			tablesOnly = append(tablesOnly, s)
		}
	}
	check(t, "CreateAll(IfNotExists) on MySQL", rec.execs, compiledSQL(mysql, tablesOnly))
	if len(tablesOnly) == len(md.CreateAllDDL()) {
		t.Fatal("the schema has no foreign keys added after the tables")
	}
	if err := md.DropAll(ctx, conn); err != nil {
		t.Fatal(err)
	}
}

func mustCompileAll(t *testing.T, d Dialect, stmts []Statement) []Compiled {
	t.Helper()
	out, err := CompileAll(d, stmts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
