package sqlb

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
	md := NewMetaData()
	tb := md.NewTable("t")
	AddColumn(tb, "doc", TypeAs[json.RawMessage](JSON()))
	if _, err := GenerateGo(md, "models"); err == nil || !strings.Contains(err.Error(), "json.RawMessage") {
		t.Fatalf("json.RawMessage column: %v", err)
	}
	if _, err := GenerateGo(testMeta, "func"); err == nil {
		t.Fatal("keyword as package name accepted")
	}
	bad := NewMetaData()
	AddColumn(bad.NewTable("x"), "a", VarChar(0))
	if _, err := GenerateGo(bad, "models"); err == nil {
		t.Fatal("metadata with errors accepted")
	}
}

// TestGenerateGoCompiles generates code for the round-trip schema (as defined, and as
// reflected from the server), builds it with a program that prints its DDL, and checks
// the DDL is that of the metadata it came from.
func TestGenerateGoCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code with the go command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	t.Parallel()
	conn, ctx := testDB(t)
	orig := serverRoundTripSchema(t)
	mustCreate(t, ctx, conn, orig)
	reflected, err := Reflect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	// Tables named to stress the identifiers (keywords, clashes with generated names),
	// a ? in a generated expression's string literal, a comment over lines.
	odd := NewMetaData()
	typ := odd.NewTable("type")
	typID := AddColumn(typ, "id", Int(), PrimaryKey())
	AddColumn(typ, "func", VarChar(10), Comment("a comment\nover lines"))
	AddColumn(typ, "func_", Int(), Nullable())
	AddColumn(typ, "when", TypeAs[int32](Int()), Default(7))
	AddColumn(typ, "price", Double(), Default(2.0))
	AddColumn(typ, "at", DateTime(0), Default(testTime))
	typTable := odd.NewTable("type_table")
	AddColumn(typTable, "type_id", Int(), PrimaryKey(), References(typID))
	AddColumn(typTable, "q", VarChar(10), Nullable(), GeneratedStored(Func[string]("CONCAT", Col[int64](typTable, "type_id"), "?")))

	// Temporary packages inside the module (a leading underscore keeps ./... patterns
	// of other runs away from them), and one program using them all.
	dir, err := os.MkdirTemp(".", "_gentest")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	schemas := []struct {
		name string
		md   *MetaData
	}{{"defined", orig}, {"reflected", reflected}, {"odd", odd}}
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
		fmt.Fprintf(&imports, "\t%s %q\n", s.name, "github.com/myxdb/myx/sqlb/"+filepath.ToSlash(filepath.Join(filepath.Base(dir), s.name, "models")))
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
		compiled, err := CompileAll(MariaDB(10, 11, 0), s.md.CreateAllDDL())
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
	if got, want := sections["query"], "SELECT `o`.`id`, `customer`.`email` FROM `orders` AS `o` INNER JOIN `customer` ON `o`.`customer_id` = `customer`.`id` WHERE `customer`.`id` = ?\n"; got != want {
		t.Errorf("typed query:\n got: %s\nwant: %s", got, want)
	}
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
	o := defined.Orders.As("o")
	var id uint64 = 1
	var email sqlb.Expr[string] = defined.Customer.C.Email
	var when sqlb.Expr[int32] = odd.Type.C.When
	_ = when
	q, err := sqlb.Select(o.C.ID, email).From(o).Join(defined.Customer).Where(defined.Customer.C.ID.Eq(id)).Compile(sqlb.MariaDB(10, 11, 0))
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(q.SQL)
}
`
