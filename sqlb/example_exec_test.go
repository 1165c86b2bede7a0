package sqlb_test

import (
	"context"
	"fmt"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/sqlb"
)

// The tutorial's join, executed: values read by column object (typed) and by label.
func ExampleGet() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, "mysql://root@127.0.0.1:3306/test")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)
	q := sqlb.Select(users, jobs).From(users).Join(jobs).
		Where(userUsername.Eq("xxx")).
		LabelStyle(sqlb.LabelTablePlusColumn)
	rows, err := sqlb.Query(ctx, conn, q) // compiled for the connection's server
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		name, _ := sqlb.Get(rows, userUsername) // a string
		id, _ := sqlb.Get(rows, userID)         // an int64
		job, _ := sqlb.GetLabel[string](rows, "jobs_jobs")
		jobID, _ := sqlb.GetLabel[int64](rows, "jobs_id")
		fmt.Println(name, id, job, jobID)
	}
	if err := rows.Err(); err != nil {
		fmt.Println(err)
	}
}

// The same join mapped into nested structs: one User per user.id, with its jobs.
func ExampleAll() {
	type Job struct {
		ID     int64
		Jobs   string
		UserID int64
	}
	type User struct {
		ID       int64
		Username string
		Jobs     []Job // the rows of table "jobs"
	}
	ctx := context.Background()
	conn, err := myx.Connect(ctx, "mysql://root@127.0.0.1:3306/test")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)
	list, err := sqlb.All[User](ctx, conn, sqlb.Select(users, jobs).From(users).Join(jobs).Where(userUsername.Eq("xxx")))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range list {
		fmt.Println(u.Username, len(u.Jobs))
	}
}

// CreateAll and DropAll run the DDL lists on a server; Reflect reads a schema back.
func ExampleMetaData_CreateAll() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, "mysql://root@127.0.0.1:3306/test")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)
	if err := schema.CreateAll(ctx, conn, sqlb.IfNotExists()); err != nil {
		fmt.Println(err)
		return
	}
	md, err := sqlb.Reflect(ctx, conn, sqlb.ReflectTables("jobs"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range md.SortedTables() {
		fmt.Println(t.Name(), len(t.Columns()))
	}
}
