package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

func TestGen(t *testing.T) {
	dsn := mysqltest.Require(t)
	ctx := context.Background() // no deadline: go test's -timeout catches a hang
	var b [4]byte
	rand.Read(b[:])
	db := "myxgen_" + hex.EncodeToString(b[:])
	conn, err := myx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		"CREATE DATABASE " + db,
		"CREATE TABLE " + db + ".user (id INT AUTO_INCREMENT PRIMARY KEY, username VARCHAR(50) NOT NULL UNIQUE)",
		"CREATE TABLE " + db + ".jobs (id INT AUTO_INCREMENT PRIMARY KEY, jobs VARCHAR(100) NOT NULL, user_id INT NOT NULL, FOREIGN KEY (user_id) REFERENCES user (id))",
		"CREATE TABLE " + db + ".other (id INT PRIMARY KEY)",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	defer conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db)
	out := filepath.Join(t.TempDir(), "models.go")
	if err := runGen(ctx, []string{"-dsn", dsn, "-db", db, "-pkg", "shop", "-o", out, "-tables", "jobs"}); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), out, src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name.Name != "shop" {
		t.Fatalf("package %s", f.Name.Name)
	}
	text := string(src)
	for _, want := range []string{"var User = newUserTable(Schema)", "var Jobs = newJobsTable(Schema, User)", "Username *sqlb.Column[string]", "sqlb.ConstraintName("} {
		if !strings.Contains(text, want) {
			t.Errorf("generated code lacks %q:\n%s", want, text)
		}
	}
	// No database name baked in; only the requested table and what it references.
	if strings.Contains(text, db) || strings.Contains(text, "InSchema") || strings.Contains(text, "Other") {
		t.Errorf("generated code names the database or an unrequested table:\n%s", text)
	}
	if err := runGen(ctx, []string{"-dsn", dsn, "-db", db, "-pkg", "func"}); err == nil {
		t.Fatal("a keyword package name was accepted")
	}
	if err := runGen(ctx, []string{"-dsn", dsn, "-db", db + "_missing"}); err == nil {
		t.Fatal("a missing database was accepted")
	}
}
