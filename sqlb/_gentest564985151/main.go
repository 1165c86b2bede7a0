package main

import (
	"fmt"

	"github.com/myxdb/myx/sqlb"
	defined "github.com/myxdb/myx/sqlb/_gentest564985151/defined/models"
	reflected "github.com/myxdb/myx/sqlb/_gentest564985151/reflected/models"
	odd "github.com/myxdb/myx/sqlb/_gentest564985151/odd/models"
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
	printDDL("defined", defined.Schema)
	printDDL("reflected", reflected.Schema)
	printDDL("odd", odd.Schema)
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
