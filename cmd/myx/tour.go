package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/myxdb/myx"
)

// tour is the state shared by the tour's steps.
type tour struct {
	ctx  context.Context
	dsn  string
	cfg  *myx.Config // the tour database's configuration
	conn *myx.Conn
	db   string // the database the tour works in
	step int
}

func (t *tour) section(title string) {
	t.step++
	fmt.Printf("\n== %d. %s ==\n", t.step, title)
}

func say(format string, args ...any) { fmt.Printf("   "+format+"\n", args...) }

// runTour runs the tutorial end to end and prints what each step shows.
func runTour(ctx context.Context, args []string) error {
	fs := newFlagSet("tour")
	dsnF := dsnFlag(fs)
	dbF := fs.String("database", "myx_tour", "the database the tour creates and works in (its user and jobs tables are replaced)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !isPlainName(*dbF) {
		return fmt.Errorf("-database %q: use letters, digits and underscores", *dbF)
	}
	fmt.Println("myx tour: the aiomysql tutorial, natively in Go")
	dsn, cleanup, err := findServer(ctx, *dsnF, true, say)
	if err != nil {
		return err
	}
	defer cleanup()
	t := &tour{ctx: ctx, dsn: dsn, db: *dbF}
	steps := []func() error{
		t.connect, t.createTables, t.insertWithCommit, t.parameterizedSelect, t.injectionAttempt,
		t.multiParameter, t.innerJoin, t.executeMany, t.dictRows, t.rollbackOnError,
	}
	steps = append(steps, t.poolSteps()...)
	steps = append(steps, t.sqlbSteps()...)
	for _, s := range steps {
		if err := s(); err != nil {
			return fmt.Errorf("step %d: %w", t.step, err)
		}
	}
	if t.conn != nil {
		t.conn.Close(ctx)
	}
	fmt.Println("\nThe tour is complete.")
	return nil
}

// isPlainName reports whether s can be used as a database name without quoting.
func isPlainName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func (t *tour) connect() error {
	t.section("Connect")
	cfg, err := myx.ParseConfig(t.dsn)
	if err != nil {
		return err
	}
	c, err := myx.ConnectConfig(t.ctx, cfg)
	if err != nil {
		return err
	}
	say("connected to %s as %q, connection id %d", c.ServerInfo(), cfg.User, c.ConnID())
	// The tour works in its own database so it never touches your tables.
	if _, err := c.Exec(t.ctx, "CREATE DATABASE IF NOT EXISTS "+t.db); err != nil {
		return err
	}
	c.Close(t.ctx)
	cfg.Database = t.db
	if t.conn, err = myx.ConnectConfig(t.ctx, cfg); err != nil {
		return err
	}
	t.cfg = cfg
	say("using database %s (created if missing)", t.db)
	return nil
}

func (t *tour) exec(q string, args ...any) (myx.Result, error) { return t.conn.Exec(t.ctx, q, args...) }

func (t *tour) createTables() error {
	t.section("Create the user and jobs tables")
	for _, q := range []string{
		"DROP TABLE IF EXISTS jobs",
		"DROP TABLE IF EXISTS user",
		`CREATE TABLE user (
			id INT AUTO_INCREMENT PRIMARY KEY,
			username VARCHAR(50) NOT NULL UNIQUE,
			created DATETIME NOT NULL)`,
		`CREATE TABLE jobs (
			id INT AUTO_INCREMENT PRIMARY KEY,
			jobs VARCHAR(100) NOT NULL,
			user_id INT NOT NULL,
			FOREIGN KEY (user_id) REFERENCES user (id) ON DELETE CASCADE)`,
	} {
		if _, err := t.exec(q); err != nil {
			return err
		}
	}
	say("created user (id, username, created) and jobs (id, jobs, user_id -> user.id)")
	return nil
}

var tourUsers = []struct {
	name    string
	created time.Time
	jobs    []string
}{
	{"yang", time.Date(2024, 1, 5, 9, 0, 0, 0, time.UTC), []string{"developer", "writer"}},
	{"li", time.Date(2024, 2, 10, 14, 30, 0, 0, time.UTC), []string{"designer"}},
	{"wang", time.Date(2024, 3, 15, 8, 15, 0, 0, time.UTC), []string{"tester", "operator"}},
	{"zhang", time.Date(2024, 4, 20, 17, 45, 0, 0, time.UTC), []string{"manager"}},
}

func (t *tour) insertWithCommit() error {
	t.section("Insert with commit")
	tx, err := t.conn.Begin(t.ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(t.ctx)
	for _, u := range tourUsers {
		res, err := tx.Exec(t.ctx, "INSERT INTO user (username, created) VALUES (?, ?)", u.name, u.created)
		if err != nil {
			return err
		}
		for _, j := range u.jobs {
			if _, err := tx.Exec(t.ctx, "INSERT INTO jobs (jobs, user_id) VALUES (?, ?)", j, res.LastInsertID); err != nil {
				return err
			}
		}
		say("inserted user %-6s id %d with %d job(s)", u.name, res.LastInsertID, len(u.jobs))
	}
	if err := tx.Commit(t.ctx); err != nil {
		return err
	}
	var n int
	t.conn.QueryRow(t.ctx, "SELECT COUNT(*) FROM user").Scan(&n)
	say("committed: %d users visible", n)
	return nil
}

type tourUser struct {
	ID       int
	Username string
	Created  time.Time
}

func (t *tour) parameterizedSelect() error {
	t.section("A parameterized select")
	rows, err := t.conn.Query(t.ctx, "SELECT id, username, created FROM user WHERE username = ?", "yang")
	if err != nil {
		return err
	}
	users, err := myx.CollectRows(rows, myx.RowToStructByName[tourUser])
	if err != nil {
		return err
	}
	for _, u := range users {
		say("WHERE username = ? with \"yang\" -> id=%d username=%s created=%s", u.ID, u.Username, u.Created.Format(time.DateTime))
	}
	return nil
}

func (t *tour) injectionAttempt() error {
	t.section("An SQL-injection attempt finds nothing")
	attack := "yang' OR '1'='1"
	rows, err := t.conn.Query(t.ctx, "SELECT id, username FROM user WHERE username = ?", attack)
	if err != nil {
		return err
	}
	found, err := myx.CollectRows(rows, myx.RowToMap)
	if err != nil {
		return err
	}
	say("username = %q matched %d rows: the value is sent as data, never as SQL", attack, len(found))
	if len(found) != 0 {
		return errors.New("the injection attempt found rows")
	}
	return nil
}

func (t *tour) multiParameter() error {
	t.section("Multi-parameter and date-range queries")
	rows, err := t.conn.Query(t.ctx, "SELECT id, username, created FROM user WHERE id > ? AND username <> ? ORDER BY id", 1, "wang")
	if err != nil {
		return err
	}
	users, err := myx.CollectRows(rows, myx.RowToStructByName[tourUser])
	if err != nil {
		return err
	}
	say("id > 1 AND username <> 'wang': %s", names(users))
	from, to := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 31, 23, 59, 59, 0, time.UTC)
	rows, err = t.conn.Query(t.ctx, "SELECT id, username, created FROM user WHERE created BETWEEN ? AND ? ORDER BY created", from, to)
	if err != nil {
		return err
	}
	if users, err = myx.CollectRows(rows, myx.RowToStructByName[tourUser]); err != nil {
		return err
	}
	say("created between %s and %s: %s", from.Format(time.DateOnly), to.Format(time.DateOnly), names(users))
	return nil
}

func names(users []tourUser) string {
	var s []string
	for _, u := range users {
		s = append(s, u.Username)
	}
	return strings.Join(s, ", ")
}

func (t *tour) innerJoin() error {
	t.section("An inner join of user and jobs")
	rows, err := t.conn.Query(t.ctx, `SELECT u.id AS user_id, u.username, j.id AS jobs_id, j.jobs
		FROM user u JOIN jobs j ON j.user_id = u.id WHERE u.username IN (?, ?) ORDER BY j.id`, "yang", "wang")
	if err != nil {
		return err
	}
	for rows.Next() {
		var uid, jid int
		var name, job string
		if err := rows.Scan(&uid, &name, &jid, &job); err != nil {
			return err
		}
		say("user %d %-5s  job %d %s", uid, name, jid, job)
	}
	return rows.Err()
}

func (t *tour) executeMany() error {
	t.section("executemany: 1,000 rows in one call")
	var uid uint64
	if err := t.conn.QueryRow(t.ctx, "SELECT id FROM user WHERE username = ?", "li").Scan(&uid); err != nil {
		return err
	}
	batch := make([][]any, 1000)
	for i := range batch {
		batch[i] = []any{fmt.Sprintf("task-%04d", i), uid}
	}
	start := time.Now()
	res, err := t.conn.ExecMany(t.ctx, "INSERT INTO jobs (jobs, user_id) VALUES (?, ?)", batch)
	if err != nil {
		return err
	}
	how := "multi-row INSERT"
	if t.conn.ServerInfo().Flavor == myx.MariaDB {
		how = "COM_STMT_BULK_EXECUTE"
	}
	say("inserted %d rows in %v (%s, parameters sent as binary values)", res.RowsAffected, time.Since(start).Round(time.Microsecond), how)
	var n int
	t.conn.QueryRow(t.ctx, "SELECT COUNT(*) FROM jobs WHERE user_id = ?", uid).Scan(&n)
	say("li now has %d jobs", n)
	return nil
}

func (t *tour) dictRows() error {
	t.section("Dictionary rows (the DictCursor)")
	rows, err := t.conn.Query(t.ctx, "SELECT id, username, created FROM user ORDER BY id LIMIT ?", 2)
	if err != nil {
		return err
	}
	maps, err := myx.CollectRows(rows, myx.RowToMap)
	if err != nil {
		return err
	}
	for _, m := range maps {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			v := m[k]
			if tm, ok := v.(time.Time); ok {
				v = tm.Format(time.DateTime)
			}
			parts = append(parts, fmt.Sprintf("%q: %v", k, v))
		}
		say("{%s}", strings.Join(parts, ", "))
	}
	return nil
}

func (t *tour) rollbackOnError() error {
	t.section("A transaction that rolls back on error")
	var before int
	t.conn.QueryRow(t.ctx, "SELECT COUNT(*) FROM user").Scan(&before)
	err := myx.BeginFunc(t.ctx, t.conn, func(tx myx.Tx) error {
		if _, err := tx.Exec(t.ctx, "INSERT INTO user (username, created) VALUES (?, ?)", "zhao", time.Now()); err != nil {
			return err
		}
		say("inserted zhao inside the transaction")
		// A duplicate username violates the UNIQUE key: the whole transaction is undone.
		_, err := tx.Exec(t.ctx, "INSERT INTO user (username, created) VALUES (?, ?)", "yang", time.Now())
		return err
	})
	var me *myx.MySQLError
	if !errors.As(err, &me) {
		return fmt.Errorf("expected a duplicate-key error, got %v", err)
	}
	say("the second insert failed: %v", me)
	var after int
	t.conn.QueryRow(t.ctx, "SELECT COUNT(*) FROM user").Scan(&after)
	say("rolled back: %d users before, %d after (zhao is gone too)", before, after)
	if before != after {
		return errors.New("the rollback did not undo the first insert")
	}
	return nil
}
