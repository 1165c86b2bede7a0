package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/myxdb/myx/sqlb"
)

// tourSchema is the tour's schema for the SQL expression layer: the user and jobs tables of
// the first chapter, described once as metadata with typed columns.
var (
	tourSchema = sqlb.NewMetaData()

	sqlbUser   = tourSchema.NewTable("user")
	sqlbUserID = sqlb.AddColumn(sqlbUser, "id", sqlb.Int(),
		sqlb.PrimaryKey(), sqlb.AutoIncrement())
	sqlbUserUsername = sqlb.AddColumn(sqlbUser, "username", sqlb.VarChar(50), sqlb.Unique())
	sqlbUserCreated  = sqlb.AddColumn(sqlbUser, "created", sqlb.DateTime(0))

	sqlbJobs   = tourSchema.NewTable("jobs")
	sqlbJobsID = sqlb.AddColumn(sqlbJobs, "id", sqlb.Int(),
		sqlb.PrimaryKey(), sqlb.AutoIncrement())
	sqlbJobsJobs   = sqlb.AddColumn(sqlbJobs, "jobs", sqlb.VarChar(100))
	sqlbJobsUserID = sqlb.AddColumn(sqlbJobs, "user_id", sqlb.Int(),
		sqlb.References(sqlbUserID, sqlb.OnDelete(sqlb.Cascade)))
)

// sqlbTourJob is a row of jobs, nested in sqlbTourUser.
type sqlbTourJob struct {
	ID     int64
	Jobs   string
	UserID int64
}

// sqlbTourUser is a user with all their jobs: what the join maps into.
type sqlbTourUser struct {
	ID       int64
	Username string
	Created  time.Time
	Jobs     []sqlbTourJob
}

// sqlbSteps is the tour's chapter on the SQL expression layer.
func (t *tour) sqlbSteps() []step {
	return []step{
		{title: "SQL expressions: the tables as metadata, created with CreateAll", run: t.sqlbCreate,
			also: []string{"tourSchema"},
			intro: "sqlb describes tables once, as Go values with typed columns. CreateAll " +
				"creates them in foreign-key order, compiled for the connected server; " +
				"CreateAllDDL gives the statements to look at first."},
		{title: "SQL expressions: inserting rows", run: t.sqlbInsert,
			intro: "InsertInto(table).Values(column.Set(value), ...) builds an INSERT; a " +
				"second Values makes it a multi-row INSERT. Set only accepts a value of the " +
				"column's Go type."},
		{title: "SQL expressions: a join with table_column labels", run: t.sqlbLabelledJoin,
			also: []string{"tourJoin"},
			intro: "Join finds the ON clause in the foreign key. LabelTablePlusColumn labels " +
				"every column <table>_<column>, so user.id and jobs.id stay apart. Get reads a " +
				"column by its column object, typed (no names, no casts); GetLabel by label."},
		{title: "SQL expressions: the same join into nested structs", run: t.sqlbNested,
			also: []string{"sqlbTourJob", "sqlbTourUser"},
			intro: "All maps a join into structs, grouping the rows by the primary key the " +
				"metadata knows: one User per user.id with its Jobs in a slice."},
		{title: "SQL expressions: reflecting the database", run: t.sqlbReflect,
			intro: "Reflect reads tables from the server into metadata: columns with their " +
				"types and Go types, and foreign keys."},
	}
}

func (t *tour) sqlbCreate() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	// The earlier chapters made user and jobs by hand; the metadata replaces them.
	err := tourSchema.DropAll(ctx, conn, sqlb.IfExists())
	if err != nil {
		return err
	}
	for _, stmt := range tourSchema.CreateAllDDL() {
		c, err := sqlb.CompileFor(ctx, conn, stmt)
		if err != nil {
			return err
		}
		printf("%s", c.SQL)
	}
	err = tourSchema.CreateAll(ctx, conn)
	if err != nil {
		return err
	}
	//tour:hide
	d, _, _ := sqlb.DialectOf(ctx, conn)
	printf("created, compiled for %s", d)
	return nil
}

func (t *tour) sqlbInsert() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	for _, u := range tourUsers {
		ins := sqlb.InsertInto(sqlbUser).
			Values(sqlbUserUsername.Set(u.name), sqlbUserCreated.Set(u.created))
		res, err := sqlb.Exec(ctx, conn, ins)
		if err != nil {
			return err
		}
		jobs := sqlb.InsertInto(sqlbJobs) // one multi-row INSERT for the user's jobs
		for _, j := range u.jobs {
			jobs = jobs.Values(sqlbJobsJobs.Set(j), sqlbJobsUserID.Set(int64(res.LastInsertID)))
		}
		_, err = sqlb.Exec(ctx, conn, jobs)
		if err != nil {
			return err
		}
		printf("user %-5s id %d, jobs %s", u.name, res.LastInsertID, strings.Join(u.jobs, ", "))
	}
	c, err := sqlb.CompileFor(ctx, conn, sqlb.InsertInto(sqlbUser).
		Values(sqlbUserUsername.Set("yang"), sqlbUserCreated.Set(tourUsers[0].created)))
	if err != nil {
		return err
	}
	printf("the first INSERT, compiled: %s  args %s", c.SQL, formatArgs(c.Args))
	//tour:hide
	return nil
}

// tourJoin is the tutorial's join: user and jobs, ON from the foreign key, every column
// labelled <table>_<column>, filtered by username.
func tourJoin() sqlb.SelectStmt {
	return sqlb.Select(sqlbUser, sqlbJobs).
		From(sqlbUser).
		Join(sqlbJobs).
		Where(sqlbUserUsername.In("yang", "wang")).
		OrderBy(sqlbJobsID).
		LabelStyle(sqlb.LabelTablePlusColumn)
}

func (t *tour) sqlbLabelledJoin() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	c, err := sqlb.CompileFor(ctx, conn, tourJoin())
	if err != nil {
		return err
	}
	printf("%s  args %s", c.SQL, formatArgs(c.Args))
	rows, err := sqlb.Query(ctx, conn, tourJoin())
	if err != nil {
		return err
	}
	defer rows.Close()
	printf("labels: %s", strings.Join(rows.Labels(), ", "))
	for rows.Next() {
		name, err := sqlb.Get(rows, sqlbUserUsername) // a string
		if err != nil {
			return err
		}
		userID, err := sqlb.Get(rows, sqlbUserID) // an int64
		if err != nil {
			return err
		}
		job, err := sqlb.GetLabel[string](rows, "jobs_jobs")
		if err != nil {
			return err
		}
		printf("user_id %d, user_username %q, jobs_jobs %q", userID, name, job)
	}
	err = rows.Err()
	//tour:hide
	return err
}

func (t *tour) sqlbNested() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	users, err := sqlb.All[sqlbTourUser](ctx, conn, tourJoin())
	if err != nil {
		return err
	}
	for _, u := range users {
		printf("User{ID:%d Username:%q Created:%s}", u.ID, u.Username,
			u.Created.Format(time.DateTime))
		for _, j := range u.Jobs {
			printf("    Job%+v", j)
		}
	}
	//tour:hide
	if len(users) != 2 || len(users[0].Jobs) != 2 || len(users[1].Jobs) != 2 {
		return fmt.Errorf("expected yang and wang with two jobs each, got %+v", users)
	}
	return nil
}

func (t *tour) sqlbReflect() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	md, err := sqlb.Reflect(ctx, conn, sqlb.ReflectTables("user", "jobs"))
	if err != nil {
		return err
	}
	for _, tb := range md.SortedTables() {
		var cols []string
		for _, c := range tb.Columns() {
			col := fmt.Sprintf("%s %s (%s)", c.Name(), c.Definition().Type, c.GoType())
			cols = append(cols, col)
		}
		printf("%s: %s", tb.Name(), strings.Join(cols, ", "))
		for _, fk := range tb.ForeignKeys() {
			printf("    foreign key %s -> %s, ON DELETE %s", fk.Name, fk.ReferencedTable().Name(),
				fk.OnDelete)
		}
	}
	//tour:hide
	printf("`myx gen -db NAME` writes the tables of a database as Go like the metadata above")
	return nil
}

func formatArgs(args []any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = formatValue(a)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func formatValue(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.Format(time.DateTime)
	case []byte:
		return fmt.Sprintf("%q", x)
	case string:
		return fmt.Sprintf("%q", x)
	case nil:
		return "NULL"
	}
	return fmt.Sprint(v)
}
