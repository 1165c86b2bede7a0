package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// tour is the state shared by the tour's steps.
type tour struct {
	ctx     context.Context
	dsn     string
	cfg     *myx.Config // the tour database's configuration
	conn    *myx.Conn
	db      string // the database the tour works in
	made    bool   // the tour created db (and drops it at the end)
	step    int
	listing *listings
	tracer  any // -trace: the Config.Tracer of the tour's connections (nil without)
	// noCluster is -cluster=false: the cluster chapter is left out.
	noCluster bool
	cl        clusterTour
}

// A step is one stop of the tour: a heading, a few sentences, the code it runs and its output.
type step struct {
	title string
	intro string
	run   func() error
	// also names functions and variables listed in full before the step's own code (the
	// step's code is the part of its function between //tour:show and //tour:hide).
	also []string
	// skip, when set and returning a reason, skips the step on the connected server.
	skip func() string
}

// maxWidth bounds every line the tour prints.
const maxWidth = 100

// printf prints a line of a step's output (wrapped to the tour's width). The listings call it
// where a program of one's own would call fmt.Printf.
func printf(format string, args ...any) {
	for _, l := range wrap(fmt.Sprintf(format, args...), maxWidth-4, "  > ", "    ") {
		fmt.Println(l)
	}
}

// wrap breaks each line of s that is longer than width at spaces, into lines that start with
// first (the first line) or rest (the others); a word longer than a line stays whole. Lines
// that fit are kept as they are, spacing included.
func wrap(s string, width int, first, rest string) []string {
	var out []string
	prefix := first
	for para := range strings.SplitSeq(s, "\n") {
		indent := len(para) - len(strings.TrimLeft(para, " "))
		for len(para) > width {
			cut := strings.LastIndexByte(para[:width+1], ' ')
			if cut <= indent {
				cut = strings.IndexByte(para[indent:], ' ')
				if cut < 0 {
					break
				}
				cut += indent
			}
			out = append(out, prefix+para[:cut])
			para, prefix, indent = strings.TrimLeft(para[cut:], " "), rest, 0
		}
		out = append(out, prefix+para)
		prefix = rest
	}
	return out
}

// runTour runs the tutorial end to end and prints what each step shows.
func runTour(ctx context.Context, args []string) error {
	fs := newFlagSet("tour")
	dsnF := dsnFlag(fs)
	dbF := fs.String("database", "myx_tour",
		"the database the tour works in, created if missing")
	traceF := fs.Bool("trace", false, traceFlagUsage)
	clusterF := fs.Bool("cluster", true, "run the cluster chapter (it starts a primary and two "+
		"replicas from the installed server binaries)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("tour: unexpected argument %q (flags: -dsn, -database, -trace, -cluster)", fs.Arg(0))
	}
	if !isPlainName(*dbF) {
		return fmt.Errorf("-database %q: use letters, digits and underscores", *dbF)
	}
	ls, err := loadListings()
	if err != nil {
		return err
	}
	fmt.Println("myx tour: the aiomysql tutorial, natively in Go")
	dsn, cleanup, err := findServer(ctx, *dsnF, true, say)
	if err != nil {
		return err
	}
	defer cleanup()
	t := &tour{ctx: ctx, dsn: dsn, db: *dbF, listing: ls, noCluster: !*clusterF}
	if _, err := mysqltest.LookupServerBinaries(); err != nil && *clusterF {
		t.cl.skip = fmt.Sprintf("no server binaries to start a cluster from (%v)", err)
	}
	if *traceF {
		t.tracer = newTracer(os.Stderr)
	}
	defer t.cleanup()
	for _, s := range t.steps() {
		if err := t.runStep(s); err != nil {
			return fmt.Errorf("step %d (%s): %w", t.step, s.title, err)
		}
	}
	t.cleanup()
	if t.noCluster {
		fmt.Println("\n(The cluster chapter was left out: -cluster=false.)")
	}
	fmt.Println("\nThe tour is complete.")
	return nil
}

// say prints a line of the tour's own narration.
func say(format string, args ...any) {
	for _, l := range wrap(fmt.Sprintf(format, args...), maxWidth-3, "   ", "   ") {
		fmt.Println(l)
	}
}

// steps lists the tour, chapter by chapter.
func (t *tour) steps() []step {
	s := t.basicSteps()
	s = append(s, t.poolSteps()...)
	s = append(s, t.fkSteps()...)
	s = append(s, t.sqlbSteps()...)
	if t.noCluster {
		return s
	}
	return append(s, t.clusterSteps()...)
}

func (t *tour) runStep(s step) error {
	t.step++
	code, err := t.listing.step(s)
	if err != nil {
		return err
	}
	fmt.Printf("\n== %d. %s ==\n", t.step, s.title)
	for _, l := range wrap(s.intro, maxWidth, "", "") {
		fmt.Println(l)
	}
	fmt.Println()
	for _, l := range code {
		fmt.Println(strings.TrimRight("    "+l, " "))
	}
	fmt.Println()
	if s.skip != nil {
		if why := s.skip(); why != "" {
			printf("skipped: %s", why)
			return nil
		}
	}
	return s.run()
}

// cleanup drops what the tour created: its database when the tour made it, else its tables.
func (t *tour) cleanup() {
	t.closeCluster()
	if t.conn == nil {
		return
	}
	ctx := context.Background() // also after Ctrl-C
	defer func() {
		t.conn.Close(ctx)
		t.conn = nil
	}()
	if t.conn.IsClosed() {
		return
	}
	if t.made {
		if _, err := t.conn.Exec(ctx, "DROP DATABASE IF EXISTS "+t.db); err != nil {
			fmt.Fprintf(os.Stderr, "myx tour: dropping database %s: %v\n", t.db, err)
			return
		}
		fmt.Printf("\nDropped the database %s and its tables.\n", t.db)
		return
	}
	if _, err := t.conn.Exec(ctx, "DROP TABLE IF EXISTS jobs, user, orders, customers"); err != nil {
		fmt.Fprintf(os.Stderr, "myx tour: dropping the tour's tables: %v\n", err)
		return
	}
	fmt.Printf("\nDropped the tour's tables (user, jobs, customers, orders) in %s.\n", t.db)
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

// basicSteps is the tour's first chapter: the aiomysql tutorial on one connection.
func (t *tour) basicSteps() []step {
	return []step{
		{title: "Connect", run: t.connect, intro: "ParseConfig reads a DSN (the URL form or " +
			"go-sql-driver's user:pass@tcp(host:3306)/db); ConnectConfig dials, logs in and " +
			"returns a *myx.Conn: one session, used by one goroutine at a time. The listings " +
			"leave out the `if err != nil { return err }` after each call; printf prints a " +
			"line of output."},
		{title: "Create the user and jobs tables", run: t.createTables, intro: "Exec runs a " +
			"statement that returns no rows. jobs.user_id references user.id with a FOREIGN " +
			"KEY that cascades deletes, as in the tutorial (chapter 3 does without one)."},
		{title: "Autocommit, and a transaction rolled back", run: t.autocommit, intro: "A " +
			"myx session runs in autocommit, the server's default: each statement commits on " +
			"its own, and there is no commit() to call. (aiomysql turns autocommit off, which " +
			"is why its users call conn.commit().) To make several statements one unit, Begin " +
			"a transaction: Commit keeps its work, Rollback undoes it."},
		{title: "Insert in a transaction, then Commit", run: t.insertWithCommit, also: []string{"tourUsers"},
			intro: "Exec's Result carries LastInsertID and RowsAffected. Arguments travel " +
				"separately from the SQL text, one per ?, so values never need quoting. " +
				"Nothing is visible to other sessions until Commit. (The ids start at 2: the " +
				"rolled-back insert took 1, and AUTO_INCREMENT does not give numbers back.)"},
		{title: "A parameterized select into structs", run: t.parameterizedSelect, also: []string{"tourUser"},
			intro: "Query returns *myx.Rows; CollectRows reads them all with a row function. " +
				"RowToStructByName matches columns to fields by name (created -> Created)."},
		{title: "An SQL-injection attempt finds nothing", run: t.injectionAttempt, intro: "The " +
			"classic attack string, passed as an argument, is compared as data: it matches no " +
			"username."},
		{title: "Several parameters, and a date range", run: t.multiParameter, intro: "A " +
			"time.Time argument is sent as a DATETIME; a DATETIME column scans into a time.Time."},
		{title: "An inner join, read row by row", run: t.innerJoin, intro: "Next advances to " +
			"the next row and Scan copies its columns, in order, into Go variables. Check Err " +
			"after the loop: it tells a complete result from one cut short."},
		{title: "executemany: 1,000 rows in one call", run: t.executeMany, intro: "ExecMany runs " +
			"one statement for many argument rows: on MariaDB as one COM_STMT_BULK_EXECUTE, " +
			"elsewhere as multi-row INSERTs, instead of 1,000 round trips."},
		{title: "Dictionary rows (the DictCursor)", run: t.dictRows, intro: "RowToMap gives each " +
			"row as a map[string]any from column name to value. A Go map has no order, so " +
			"print in the order of rows.ColumnNames()."},
		{title: "A transaction that rolls back on error", run: t.rollbackOnError, intro: "BeginFunc " +
			"runs a function in a transaction: it commits when the function returns nil and " +
			"rolls back when it returns an error (or panics). Here the second insert breaks " +
			"the UNIQUE key on username, so the first is undone too."},
	}
}

func (t *tour) connect() error {
	ctx, dsn, db := t.ctx, t.dsn, t.db
	//tour:show
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		return err
	}
	//tour:hide
	cfg.Tracer = t.tracer // -trace; the tour's pools and connections are made from cfg
	//tour:show
	conn, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	printf("connected to %s as %q, connection id %d", conn.ServerInfo(), cfg.User, conn.ConnID())
	//tour:hide
	var exists int
	err = conn.QueryRow(ctx, "SELECT COUNT(*) FROM information_schema.SCHEMATA "+
		"WHERE SCHEMA_NAME = ?", db).Scan(&exists)
	if err != nil {
		conn.Close(ctx)
		return err
	}
	t.made = exists == 0
	//tour:show
	_, err = conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+db)
	conn.Close(ctx)
	if err != nil {
		return err
	}
	cfg.Database = db // the tour's tables live there
	conn, err = myx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	//tour:hide
	t.conn, t.cfg = conn, cfg
	if t.made {
		printf("created the database %s; the tour drops it at the end", db)
	} else {
		printf("working in the database %s; the tour drops its tables there at the end", db)
	}
	return nil
}

func (t *tour) createTables() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	for _, q := range []string{
		"DROP TABLE IF EXISTS jobs, user",
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
		_, err := conn.Exec(ctx, q)
		if err != nil {
			return err
		}
	}
	printf("created user (id, username, created) and jobs (id, jobs, user_id -> user.id)")
	//tour:hide
	return nil
}

func (t *tour) autocommit() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	var on, n int
	err := conn.QueryRow(ctx, "SELECT @@autocommit").Scan(&on)
	if err != nil {
		return err
	}
	printf("@@autocommit = %d: every statement outside a transaction commits by itself", on)

	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) // a no-op once the transaction has ended
	_, err = tx.Exec(ctx, "INSERT INTO user (username, created) VALUES (?, NOW())", "zhao")
	if err != nil {
		return err
	}
	err = tx.QueryRow(ctx, "SELECT COUNT(*) FROM user").Scan(&n)
	if err != nil {
		return err
	}
	printf("inside the transaction: %d user (zhao)", n)
	err = tx.Rollback(ctx)
	if err != nil {
		return err
	}
	err = conn.QueryRow(ctx, "SELECT COUNT(*) FROM user").Scan(&n)
	if err != nil {
		return err
	}
	printf("after Rollback: %d users; zhao was never committed", n)
	//tour:hide
	if on != 1 || n != 0 {
		return fmt.Errorf("autocommit %d and %d users after the rollback, want 1 and 0", on, n)
	}
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
	ctx, conn := t.ctx, t.conn
	//tour:show
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	for _, u := range tourUsers {
		res, err := tx.Exec(ctx, "INSERT INTO user (username, created) VALUES (?, ?)",
			u.name, u.created)
		if err != nil {
			return err
		}
		for _, job := range u.jobs {
			_, err := tx.Exec(ctx, "INSERT INTO jobs (jobs, user_id) VALUES (?, ?)",
				job, res.LastInsertID)
			if err != nil {
				return err
			}
		}
		printf("inserted user %-5s id %d with %d job(s)", u.name, res.LastInsertID, len(u.jobs))
	}
	err = tx.Commit(ctx)
	if err != nil {
		return err
	}
	//tour:hide
	var n int
	if err := conn.QueryRow(ctx, "SELECT COUNT(*) FROM user").Scan(&n); err != nil {
		return err
	}
	printf("committed: %d users visible", n)
	return nil
}

// tourUser is a row of user as a struct.
type tourUser struct {
	ID       int
	Username string
	Created  time.Time
}

func (t *tour) parameterizedSelect() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	rows, err := conn.Query(ctx, "SELECT id, username, created FROM user WHERE username = ?",
		"yang")
	if err != nil {
		return err
	}
	users, err := myx.CollectRows(rows, myx.RowToStructByName[tourUser])
	if err != nil {
		return err
	}
	for _, u := range users {
		printf("%+v", u)
	}
	//tour:hide
	if len(users) != 1 {
		return fmt.Errorf("%d users named yang", len(users))
	}
	return nil
}

func (t *tour) injectionAttempt() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	attack := "yang' OR '1'='1"
	rows, err := conn.Query(ctx, "SELECT id, username FROM user WHERE username = ?", attack)
	if err != nil {
		return err
	}
	found, err := myx.CollectRows(rows, myx.RowToMap)
	if err != nil {
		return err
	}
	printf("username = %q matched %d rows: the value is sent as data, never as SQL",
		attack, len(found))
	//tour:hide
	if len(found) != 0 {
		return errors.New("the injection attempt found rows")
	}
	return nil
}

func (t *tour) multiParameter() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	rows, err := conn.Query(ctx, "SELECT id, username, created FROM user "+
		"WHERE id > ? AND username <> ? ORDER BY id", 1, "wang")
	if err != nil {
		return err
	}
	users, err := myx.CollectRows(rows, myx.RowToStructByName[tourUser])
	if err != nil {
		return err
	}
	printf("id > 1 AND username <> 'wang': %s", names(users))

	from := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2024, 3, 31, 23, 59, 59, 0, time.UTC)
	rows, err = conn.Query(ctx, "SELECT id, username, created FROM user "+
		"WHERE created BETWEEN ? AND ? ORDER BY created", from, to)
	if err != nil {
		return err
	}
	users, err = myx.CollectRows(rows, myx.RowToStructByName[tourUser])
	if err != nil {
		return err
	}
	printf("created between %s and %s: %s", from.Format(time.DateOnly), to.Format(time.DateOnly),
		names(users))
	//tour:hide
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
	ctx, conn := t.ctx, t.conn
	//tour:show
	rows, err := conn.Query(ctx, `SELECT u.id, u.username, j.id, j.jobs
		FROM user u JOIN jobs j ON j.user_id = u.id
		WHERE u.username IN (?, ?) ORDER BY j.id`, "yang", "wang")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var userID, jobID int
		var name, job string
		err := rows.Scan(&userID, &name, &jobID, &job)
		if err != nil {
			return err
		}
		printf("user %d %-5s  job %d %s", userID, name, jobID, job)
	}
	err = rows.Err()
	//tour:hide
	return err
}

func (t *tour) executeMany() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	var li uint64
	err := conn.QueryRow(ctx, "SELECT id FROM user WHERE username = ?", "li").Scan(&li)
	if err != nil {
		return err
	}
	batch := make([][]any, 1000)
	for i := range batch {
		batch[i] = []any{fmt.Sprintf("task-%04d", i), li}
	}
	start := time.Now()
	res, err := conn.ExecMany(ctx, "INSERT INTO jobs (jobs, user_id) VALUES (?, ?)", batch)
	if err != nil {
		return err
	}
	printf("inserted %d rows in %v", res.RowsAffected, time.Since(start).Round(time.Microsecond))
	//tour:hide
	var n int
	if err := conn.QueryRow(ctx, "SELECT COUNT(*) FROM jobs WHERE user_id = ?", li).Scan(&n); err != nil {
		return err
	}
	how := "as multi-row INSERTs"
	if conn.ServerInfo().Flavor == myx.MariaDB {
		how = "as one COM_STMT_BULK_EXECUTE"
	}
	printf("sent %s; li now has %d jobs", how, n)
	return nil
}

func (t *tour) dictRows() error {
	ctx, conn := t.ctx, t.conn
	//tour:show
	rows, err := conn.Query(ctx, "SELECT id, username, created FROM user ORDER BY id LIMIT ?", 2)
	if err != nil {
		return err
	}
	columns := rows.ColumnNames() // id, username, created
	dicts, err := myx.CollectRows(rows, myx.RowToMap)
	if err != nil {
		return err
	}
	for _, d := range dicts {
		var fields []string
		for _, c := range columns {
			fields = append(fields, fmt.Sprintf("%q: %s", c, formatValue(d[c])))
		}
		printf("{%s}", strings.Join(fields, ", "))
	}
	//tour:hide
	return nil
}

func (t *tour) rollbackOnError() error {
	ctx, conn := t.ctx, t.conn
	var before int
	if err := conn.QueryRow(ctx, "SELECT COUNT(*) FROM user").Scan(&before); err != nil {
		return err
	}
	//tour:show
	err := myx.BeginFunc(ctx, conn, func(tx myx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO user (username, created) VALUES (?, NOW())", "zhao")
		if err != nil {
			return err
		}
		printf("inserted zhao inside the transaction")
		// yang exists: the UNIQUE key refuses a second one.
		_, err = tx.Exec(ctx, "INSERT INTO user (username, created) VALUES (?, NOW())", "yang")
		return err
	})
	var me *myx.MySQLError
	if errors.As(err, &me) {
		printf("the second insert failed with error %d: %s", me.Number, me.Message)
	}
	//tour:hide
	if me == nil {
		return fmt.Errorf("expected a duplicate-key error, got %v", err)
	}
	var after int
	if err := conn.QueryRow(ctx, "SELECT COUNT(*) FROM user").Scan(&after); err != nil {
		return err
	}
	printf("rolled back: %d users before, %d after (zhao is gone too)", before, after)
	if before != after {
		return errors.New("the rollback did not undo the first insert")
	}
	return nil
}
