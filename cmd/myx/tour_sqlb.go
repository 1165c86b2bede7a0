package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/myxdb/myx/sqlb"
)

// The tour's schema for the SQL expression layer: the user and jobs tables of the
// earlier chapters, now described once as metadata with typed columns.
var (
	tourSchema = sqlb.NewMetaData()

	sqlbUser         = tourSchema.NewTable("user")
	sqlbUserID       = sqlb.AddColumn(sqlbUser, "id", sqlb.Int(), sqlb.PrimaryKey(), sqlb.AutoIncrement())
	sqlbUserUsername = sqlb.AddColumn(sqlbUser, "username", sqlb.VarChar(50), sqlb.Unique())
	sqlbUserCreated  = sqlb.AddColumn(sqlbUser, "created", sqlb.DateTime(0))

	sqlbJobs       = tourSchema.NewTable("jobs")
	sqlbJobsID     = sqlb.AddColumn(sqlbJobs, "id", sqlb.Int(), sqlb.PrimaryKey(), sqlb.AutoIncrement())
	sqlbJobsJobs   = sqlb.AddColumn(sqlbJobs, "jobs", sqlb.VarChar(100))
	sqlbJobsUserID = sqlb.AddColumn(sqlbJobs, "user_id", sqlb.Int(), sqlb.References(sqlbUserID, sqlb.OnDelete(sqlb.Cascade)))
)

// The structs the join maps into: a user with all their jobs.
type sqlbTourJob struct {
	ID     int64
	Jobs   string
	UserID int64
}

type sqlbTourUser struct {
	ID       int64
	Username string
	Created  time.Time
	Jobs     []sqlbTourJob
}

// sqlbSteps is the tour's chapter on the SQL expression layer.
func (t *tour) sqlbSteps() []func() error {
	return []func() error{t.sqlbCreate, t.sqlbInsert, t.sqlbLabelledJoin, t.sqlbNested, t.sqlbReflect}
}

func (t *tour) sqlbCreate() error {
	t.section("SQL expressions: the tables as metadata, created with CreateAll")
	d, _, _ := sqlb.DialectOf(t.ctx, t.conn)
	say("statements compile for %s, the connected server", d)
	// The earlier chapters made user and jobs by hand; the metadata replaces them.
	if err := tourSchema.DropAll(t.ctx, t.conn, sqlb.IfExists()); err != nil {
		return err
	}
	for _, stmt := range tourSchema.CreateAllDDL() {
		c, err := sqlb.CompileFor(t.ctx, t.conn, stmt)
		if err != nil {
			return err
		}
		say("%s", c.SQL)
	}
	if err := tourSchema.CreateAll(t.ctx, t.conn); err != nil {
		return err
	}
	say("dropped the hand-made tables and created these, in foreign-key order")
	return nil
}

func (t *tour) sqlbInsert() error {
	t.section("SQL expressions: inserting rows")
	for i, u := range tourUsers {
		ins := sqlb.InsertInto(sqlbUser).Values(sqlbUserUsername.Set(u.name), sqlbUserCreated.Set(u.created))
		if i == 0 {
			c, err := sqlb.CompileFor(t.ctx, t.conn, ins)
			if err != nil {
				return err
			}
			say("%s  %v", c.SQL, formatArgs(c.Args))
		}
		res, err := sqlb.Exec(t.ctx, t.conn, ins)
		if err != nil {
			return err
		}
		// One multi-row INSERT for the user's jobs.
		jobs := sqlb.InsertInto(sqlbJobs)
		for _, j := range u.jobs {
			jobs = jobs.Values(sqlbJobsJobs.Set(j), sqlbJobsUserID.Set(int64(res.LastInsertID)))
		}
		if _, err := sqlb.Exec(t.ctx, t.conn, jobs); err != nil {
			return err
		}
		say("user %-5s id %d, jobs %s", u.name, res.LastInsertID, strings.Join(u.jobs, ", "))
	}
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
	t.section("SQL expressions: a join with table_column labels")
	c, err := sqlb.CompileFor(t.ctx, t.conn, tourJoin())
	if err != nil {
		return err
	}
	say("%s", c.SQL)
	say("args %v", formatArgs(c.Args))
	rows, err := sqlb.Query(t.ctx, t.conn, tourJoin())
	if err != nil {
		return err
	}
	defer rows.Close()
	labels := rows.Labels()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = labels[i] + "=" + formatValue(v)
		}
		say("%s", strings.Join(parts, " "))
		// The same values, read by column object (typed: no names, no casts) and by label.
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
		jobID, err := sqlb.GetLabel[int64](rows, "jobs_id")
		if err != nil {
			return err
		}
		say("  -> user_username %q, jobs_jobs %q, user_id %d, jobs_id %d", name, job, userID, jobID)
	}
	return rows.Err()
}

func (t *tour) sqlbNested() error {
	t.section("SQL expressions: the same join into nested structs")
	users, err := sqlb.All[sqlbTourUser](t.ctx, t.conn, tourJoin())
	if err != nil {
		return err
	}
	say("grouped by user.id (the primary key the metadata knows): %d users from one query", len(users))
	for _, u := range users {
		var jobs []string
		for _, j := range u.Jobs {
			jobs = append(jobs, fmt.Sprintf("{ID:%d Jobs:%q UserID:%d}", j.ID, j.Jobs, j.UserID))
		}
		say("User{ID:%d Username:%q Created:%s Jobs:[%s]}", u.ID, u.Username, u.Created.Format(time.DateTime), strings.Join(jobs, " "))
	}
	if len(users) != 2 || len(users[0].Jobs) != 2 || len(users[1].Jobs) != 2 {
		return fmt.Errorf("expected yang and wang with two jobs each, got %+v", users)
	}
	return nil
}

func (t *tour) sqlbReflect() error {
	t.section("SQL expressions: reflecting the database")
	md, err := sqlb.Reflect(t.ctx, t.conn, sqlb.ReflectTables("user", "jobs"))
	if err != nil {
		return err
	}
	for _, tb := range md.SortedTables() {
		var cols []string
		for _, c := range tb.Columns() {
			cols = append(cols, fmt.Sprintf("%s %s (%s)", c.Name(), c.Definition().Type, c.GoType()))
		}
		say("%s: %s", tb.Name(), strings.Join(cols, ", "))
		for _, fk := range tb.ForeignKeys() {
			say("  foreign key %s -> %s, ON DELETE %s", fk.Name, fk.ReferencedTable().Name(), fk.OnDelete)
		}
	}
	say("`myx gen -db %s` writes these as Go: typed columns such as User.C.Username", t.db)
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
