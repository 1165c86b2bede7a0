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
	conn, done, err := tutorialDB(ctx) // user xxx with jobs engineer and teacher, user yyy
	if err != nil {
		fmt.Println(err)
		return
	}
	defer done()
	q := sqlb.Select(users, jobs).From(users).Join(jobs).
		Where(userUsername.Eq("xxx")).
		OrderBy(jobsID).
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
	// Output:
	// xxx 1 engineer 1
	// xxx 1 teacher 2
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
	conn, done, err := tutorialDB(ctx) // user xxx with jobs engineer and teacher, user yyy
	if err != nil {
		fmt.Println(err)
		return
	}
	defer done()
	list, err := sqlb.All[User](ctx, conn, sqlb.Select(users, jobs).From(users).Join(jobs).OrderBy(userID, jobsID))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range list {
		fmt.Println(u.ID, u.Username, len(u.Jobs), u.Jobs[0].Jobs)
	}
	// Output:
	// 1 xxx 2 engineer
	// 2 yyy 1 pilot
}

// CreateAll and DropAll run the DDL lists on a server (tables in foreign-key order, and the
// reverse); Reflect reads a schema back from information_schema.
func ExampleMetaData_CreateAll() {
	ctx := context.Background()
	conn, err := myx.Connect(ctx, dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)
	if err := schema.CreateAll(ctx, conn, sqlb.IfNotExists()); err != nil {
		fmt.Println(err)
		return
	}
	defer schema.DropAll(ctx, conn)
	md, err := sqlb.Reflect(ctx, conn, sqlb.ReflectTables("user", "jobs"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range md.SortedTables() {
		fmt.Println(t.Name(), len(t.Columns()))
	}
	// Output:
	// user 2
	// jobs 3
}
