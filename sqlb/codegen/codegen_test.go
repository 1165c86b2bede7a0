package codegen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/sqlb"
)

func TestGoIdentifier(t *testing.T) {
	for in, want := range map[string]string{
		"user": "User", "order_item": "OrderItem", "id": "ID", "user_id": "UserID", "userId": "UserID",
		"HTTPServer": "HTTPServer", "api_url": "APIURL", "1st": "T1st", "": "T", "a b-c": "ABC",
		"utf8mb4_col": "Utf8mb4Col", "näme": "Näme", "用户": "T用户",
	} {
		if got := goIdentifier(in, "T"); got != want {
			t.Errorf("goIdentifier(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"User": "user", "ID": "id", "URLPath": "urlPath", "OrderItem": "orderItem", "x": "x"} {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGenerateGoRejects(t *testing.T) {
	md := sqlb.NewMetaData()
	tb := md.NewTable("t")
	sqlb.AddColumn(tb, "doc", sqlb.TypeAs[json.RawMessage](sqlb.JSON()))
	if _, err := GenerateGo(md, "models"); err == nil || !strings.Contains(err.Error(), "json.RawMessage") {
		t.Fatalf("json.RawMessage column: %v", err)
	}
	ok := sqlb.NewMetaData()
	sqlb.AddColumn(ok.NewTable("t"), "id", sqlb.Int())
	for _, pkg := range []string{"func", "", "a-b", "1x"} {
		if _, err := GenerateGo(ok, pkg); err == nil {
			t.Errorf("package name %q accepted", pkg)
		}
	}
	bad := sqlb.NewMetaData()
	sqlb.AddColumn(bad.NewTable("x"), "a", sqlb.VarChar(0))
	if _, err := GenerateGo(bad, "models"); err == nil {
		t.Fatal("metadata with errors accepted")
	}
	if _, err := GenerateGo(nil, "models"); err == nil {
		t.Fatal("nil metadata accepted")
	}
	// A ? in a generated expression would come back as a placeholder of sqlb.Text.
	q := sqlb.NewMetaData()
	qt := q.NewTable("q")
	sqlb.AddColumn(qt, "a", sqlb.VarChar(10))
	sqlb.AddColumn(qt, "b", sqlb.VarChar(20), sqlb.Nullable(), sqlb.Generated(sqlb.Text("concat(`a`, '?')")))
	if _, err := GenerateGo(q, "models"); err != nil {
		t.Fatalf("a quoted ? is no placeholder: %v", err)
	}
}

// generationSchema is metadata that takes every path of the generator that a server
// can hold: each type constructor, Go types other than the natural ones, every kind of
// default, generated columns, charsets, comments, table options, composite and prefix
// keys, foreign keys with actions, a self reference and a cycle.
func generationSchema() *sqlb.MetaData {
	md := sqlb.NewMetaData()
	kind := md.NewTable("kind", sqlb.Engine("InnoDB"), sqlb.DefaultCharset("utf8mb4"),
		sqlb.DefaultCollation("utf8mb4_bin"), sqlb.TableComment("every type; it's all here"))
	kindID := sqlb.AddColumn(kind, "id", sqlb.Unsigned(sqlb.BigInt()), sqlb.PrimaryKey(), sqlb.AutoIncrement())
	sqlb.AddColumn(kind, "i8", sqlb.TinyInt(), sqlb.Default(-3))
	sqlb.AddColumn(kind, "u16", sqlb.Unsigned(sqlb.SmallInt()), sqlb.Default(uint64(7)))
	sqlb.AddColumn(kind, "i24", sqlb.MediumInt(), sqlb.Nullable())
	sqlb.AddColumn(kind, "i32", sqlb.TypeAs[int32](sqlb.Int()), sqlb.Nullable(), sqlb.Default(nil))
	sqlb.AddColumn(kind, "flag", sqlb.Boolean(), sqlb.Default(false))
	sqlb.AddColumn(kind, "amount", sqlb.Decimal(10, 2), sqlb.Default("1.50"))
	sqlb.AddColumn(kind, "f", sqlb.Float(), sqlb.Nullable())
	sqlb.AddColumn(kind, "d", sqlb.Double(), sqlb.Default(3.0))
	code := sqlb.AddColumn(kind, "code", sqlb.Char(4), sqlb.Charset("ascii"), sqlb.Collate("ascii_bin"))
	label := sqlb.AddColumn(kind, "label", sqlb.VarChar(80), sqlb.Default("a 'quoted' \\ label"), sqlb.Comment("what \"people\" see"))
	sqlb.AddColumn(kind, "tt", sqlb.TinyText(), sqlb.Nullable())
	body := sqlb.AddColumn(kind, "body", sqlb.TextType(), sqlb.Nullable())
	sqlb.AddColumn(kind, "mt", sqlb.MediumText(), sqlb.Nullable())
	sqlb.AddColumn(kind, "lt", sqlb.LongText(), sqlb.Nullable())
	sqlb.AddColumn(kind, "fixed", sqlb.Binary(4), sqlb.Default([]byte("ab\x00c")))
	sqlb.AddColumn(kind, "vb", sqlb.VarBinary(32), sqlb.Nullable())
	sqlb.AddColumn(kind, "tb", sqlb.TinyBlob(), sqlb.Nullable())
	sqlb.AddColumn(kind, "b", sqlb.Blob(), sqlb.Nullable())
	sqlb.AddColumn(kind, "mb", sqlb.MediumBlob(), sqlb.Nullable())
	sqlb.AddColumn(kind, "lb", sqlb.LongBlob(), sqlb.Nullable())
	sqlb.AddColumn(kind, "mask", sqlb.Bit(4), sqlb.Default(uint64(5)))
	sqlb.AddColumn(kind, "day", sqlb.Date(), sqlb.Default(time.Date(2021, 3, 4, 0, 0, 0, 0, time.UTC)))
	sqlb.AddColumn(kind, "at", sqlb.DateTime(0), sqlb.Default(time.Date(2022, 5, 6, 7, 8, 9, 0, time.UTC)))
	sqlb.AddColumn(kind, "at_ms", sqlb.DateTime(3), sqlb.DefaultCurrentTimestamp())
	sqlb.AddColumn(kind, "changed", sqlb.Timestamp(0), sqlb.DefaultCurrentTimestamp(), sqlb.OnUpdateCurrentTimestamp())
	sqlb.AddColumn(kind, "span", sqlb.Time(0), sqlb.Default(-25*time.Hour-time.Second))
	sqlb.AddColumn(kind, "span_us", sqlb.Time(6), sqlb.Nullable())
	sqlb.AddColumn(kind, "yr", sqlb.Year(), sqlb.Nullable())
	sqlb.AddColumn(kind, "doc", sqlb.JSON(), sqlb.Nullable())
	sqlb.AddColumn(kind, "state", sqlb.Enum("on", "o'ff"), sqlb.Default("on"))
	sqlb.AddColumn(kind, "perms", sqlb.SetOf("r", "w", "x"), sqlb.Default("r,w"))
	sqlb.AddColumn(kind, "token", sqlb.Char(36), sqlb.DefaultExpr(sqlb.Text("uuid()")))
	sqlb.AddColumn(kind, "code_len", sqlb.Int(), sqlb.Nullable(), sqlb.Generated(sqlb.Text("char_length(`code`)")))
	sqlb.AddColumn(kind, "label_up", sqlb.VarChar(80), sqlb.Nullable(), sqlb.GeneratedStored(sqlb.Text("ucase(`label`)")))
	kind.AddUniqueKey("uq_kind_code_label", code, label)
	kind.AddIndex("ix_kind_body", sqlb.Prefix(body, 12))

	node := md.NewTable("node")
	nodeID := sqlb.AddColumn(node, "id", sqlb.Int(), sqlb.PrimaryKey())
	sqlb.AddColumn(node, "parent", sqlb.Int(), sqlb.Nullable(), sqlb.References(nodeID, sqlb.ConstraintName("fk_node_parent"), sqlb.OnDelete(sqlb.SetNull)))
	sqlb.AddColumn(node, "kind_id", sqlb.Unsigned(sqlb.BigInt()), sqlb.References(kindID, sqlb.ConstraintName("fk_node_kind"), sqlb.OnDelete(sqlb.Cascade), sqlb.OnUpdate(sqlb.Restrict)))

	edge := md.NewTable("edge")
	from := sqlb.AddColumn(edge, "from_id", sqlb.Int(), sqlb.PrimaryKey())
	to := sqlb.AddColumn(edge, "to_id", sqlb.Int(), sqlb.PrimaryKey())
	edge.AddForeignKey([]sqlb.AnyColumn{from}, []sqlb.AnyColumn{nodeID}, sqlb.ConstraintName("fk_edge_from"), sqlb.OnDelete(sqlb.NoAction))
	edge.AddForeignKey([]sqlb.AnyColumn{to}, []sqlb.AnyColumn{nodeID}, sqlb.ConstraintName("fk_edge_to"))

	// A cycle: each of ping and pong references the other.
	ping := md.NewTable("ping")
	pingID := sqlb.AddColumn(ping, "id", sqlb.Int(), sqlb.PrimaryKey())
	pingPong := sqlb.AddColumn(ping, "pong_id", sqlb.Int(), sqlb.Nullable())
	pong := md.NewTable("pong")
	pongID := sqlb.AddColumn(pong, "id", sqlb.Int(), sqlb.PrimaryKey())
	sqlb.AddColumn(pong, "ping_id", sqlb.Int(), sqlb.Nullable(), sqlb.References(pingID, sqlb.ConstraintName("fk_pong_ping")))
	ping.AddForeignKey([]sqlb.AnyColumn{pingPong}, []sqlb.AnyColumn{pongID}, sqlb.ConstraintName("fk_ping_pong"))
	return md
}

// oddSchema has what only compiling needs to take: names that clash with keywords and
// with generated identifiers, a type only CustomType writes, a ? inside a string of a
// generated expression, a comment over lines.
func oddSchema() *sqlb.MetaData {
	odd := sqlb.NewMetaData()
	typ := odd.NewTable("type")
	typID := sqlb.AddColumn(typ, "id", sqlb.Int(), sqlb.PrimaryKey())
	sqlb.AddColumn(typ, "func", sqlb.VarChar(10), sqlb.Comment("a comment\nover lines"))
	sqlb.AddColumn(typ, "func_", sqlb.Int(), sqlb.Nullable())
	sqlb.AddColumn(typ, "when", sqlb.TypeAs[int32](sqlb.Int()), sqlb.Default(7))
	sqlb.AddColumn(typ, "shape", sqlb.CustomType[[]byte]("GEOMETRY"), sqlb.Nullable())
	typTable := odd.NewTable("type_table")
	sqlb.AddColumn(typTable, "type_id", sqlb.Int(), sqlb.PrimaryKey(), sqlb.References(typID))
	sqlb.AddColumn(typTable, "q", sqlb.VarChar(10), sqlb.Nullable(),
		sqlb.GeneratedStored(sqlb.Func[string]("CONCAT", sqlb.Col[int64](typTable, "type_id"), "?")))
	odd.NewTable("type_tableTable") // its Go names clash with those of type_table
	sqlb.AddColumn(odd.Table("type_tableTable"), "id", sqlb.Int())
	return odd
}

// TestGenerateGoCompiles generates code for schemas (as defined in Go, and as reflected
// from the server after creating them), builds it with a program that prints its DDL,
// and checks the DDL is that of the metadata it came from.
func TestGenerateGoCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code with the go command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	t.Parallel()
	conn, ctx := testDatabase(t)
	defined := generationSchema()
	if err := defined.CreateAll(ctx, conn); err != nil {
		t.Fatal(err)
	}
	reflected, err := sqlb.Reflect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}

	// Temporary packages inside the module (a leading underscore keeps ./... patterns
	// of other runs away from them), and one program using them all.
	dir, err := os.MkdirTemp(".", "_gentest")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	schemas := []struct {
		name string
		md   *sqlb.MetaData
	}{{"defined", defined}, {"reflected", reflected}, {"odd", oddSchema()}}
	var imports, body strings.Builder
	sources := map[string][]byte{}
	for _, s := range schemas {
		src, err := GenerateGo(s.md, "models")
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		sources[s.name] = src
		pkgDir := filepath.Join(dir, s.name, "models")
		if err := os.MkdirAll(pkgDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pkgDir, "models.go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&imports, "\t%s %q\n", s.name, "github.com/myxdb/myx/sqlb/codegen/"+filepath.ToSlash(filepath.Join(filepath.Base(dir), s.name, "models")))
		fmt.Fprintf(&body, "\tprintDDL(%q, %s.Schema)\n", s.name, s.name)
	}
	main := strings.Replace(genMainProgram, "IMPORTS\n", imports.String(), 1)
	main = strings.Replace(main, "BODY\n", body.String(), 1)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	pkg := "./" + filepath.Base(dir)
	vet := []string{"vet", pkg}
	for _, s := range schemas {
		vet = append(vet, pkg+"/"+s.name+"/models")
	}
	// The go command is given no deadline: building on a busy machine takes what it takes.
	if out, err := exec.Command(goTool, vet...).CombinedOutput(); err != nil {
		t.Fatalf("go vet: %v\n%s", err, out)
	}
	out, err := exec.Command(goTool, "run", pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	sections := map[string]string{}
	for _, part := range strings.Split(string(out), "== ")[1:] {
		name, text, _ := strings.Cut(part, "\n")
		sections[name] = text
	}
	for _, s := range schemas {
		compiled, err := sqlb.CompileAll(sqlb.MariaDB(10, 11, 0), s.md.CreateAllDDL())
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		for _, c := range compiled {
			want.WriteString(c.SQL + "\n")
		}
		if got := sections[s.name]; got != want.String() {
			t.Errorf("%s: the generated code's DDL differs\n got:\n%s\nwant:\n%s\nsource:\n%s", s.name, got, want.String(), sources[s.name])
		}
	}
	if got, want := sections["query"], "SELECT `n`.`id`, `kind`.`label` FROM `node` AS `n` INNER JOIN `kind` ON `n`.`kind_id` = `kind`.`id` WHERE `kind`.`id` = ?\n"; got != want {
		t.Errorf("typed query:\n got: %s\nwant: %s", got, want)
	}
}

// testDatabase creates a database of the test's own and returns a connection using it;
// both are gone when the test ends.
func testDatabase(t *testing.T) (*myx.Conn, context.Context) {
	t.Helper()
	ctx := context.Background() // no deadline: go test's -timeout catches a hang
	cfg, err := myx.ParseConfig(mysqltest.Require(t))
	if err != nil {
		t.Fatal(err)
	}
	var b [4]byte
	rand.Read(b[:])
	name := "codegen_" + hex.EncodeToString(b[:])
	admin, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP DATABASE IF EXISTS `"+name+"`")
		admin.Close(context.Background())
	})
	if _, err := admin.Exec(ctx, "CREATE DATABASE `"+name+"`"); err != nil {
		t.Fatal(err)
	}
	dbCfg := *cfg
	dbCfg.Database = name
	conn, err := myx.ConnectConfig(ctx, &dbCfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn, ctx
}

const genMainProgram = `package main

import (
	"fmt"

	"github.com/myxdb/myx/sqlb"
IMPORTS
)

func printDDL(name string, md *sqlb.MetaData) {
	fmt.Println("==", name)
	ddl, err := sqlb.CompileAll(sqlb.MariaDB(10, 11, 0), md.CreateAllDDL())
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, c := range ddl {
		fmt.Println(c.SQL)
	}
}

func main() {
BODY
	// The generated types are typed columns, aliases included.
	fmt.Println("== query")
	n := defined.Node.As("n")
	var id uint64 = 1
	var label sqlb.Expr[string] = defined.Kind.C.Label
	var when sqlb.Expr[int32] = odd.Type.C.When
	_ = when
	q, err := sqlb.Select(n.C.ID, label).From(n).Join(defined.Kind).Where(defined.Kind.C.ID.Eq(id)).Compile(sqlb.MariaDB(10, 11, 0))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(q.SQL)
}
`
