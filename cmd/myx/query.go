package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/sqltext"
)

// queryHelp follows the flags in "myx query -h".
const queryHelp = `
SQL is one statement or several separated by ';' (the text is split on the semicolons that
end statements; -no-split sends it whole, as a procedure body needs). Without SQL, or with
'-', the SQL is read from standard input. ARGS fill the '?' placeholders in order, across
the statements, as strings (the server converts them where it needs numbers; LIMIT takes
only literals); an argument equal to the -null-arg token (default \N) is passed as NULL.
Flags may come before or after the SQL; '--' ends them (as do arguments such as -5, which
are taken as numbers).

Output formats (-format):
  table     the mariadb client's table: widths from the first -sample rows (beyond them,
            numbers and times take their column's width, and a wider string is printed
            whole); numbers right-aligned; NULL is NULL, while a string that reads NULL
            or starts with ' is shown as an SQL literal ('NULL'); tab, newline, CR, NUL,
            backslash and other control characters are escaped (\t \n \r \0 \\ \x1b);
            binary data that is not UTF-8 text, and BIT values, as 0x hex
  vertical  one "name: value" line per column, as the client's \G (also -G, -vertical)
  tsv       LOAD DATA's default format: tab-separated, \N for NULL, backslash escapes,
            the exact bytes otherwise
  csv       RFC 4180: quoted where needed; NULL is an empty field, '' is ""; BIT values
            and binary data that is not UTF-8 as 0x hex
  json      one JSON object per row (JSON lines), keys in column order, NULL as null,
            numbers as numbers, JSON columns embedded, BIT and non-UTF-8 data as "0x.."
  jsonarray one JSON array of objects per result set
Values are the server's text: DATETIME 2024-01-05 09:00:00[.ffffff], DATE 2024-01-05,
TIME -25:00:01, DECIMAL exactly as stored.

After each statement: "N rows in set (T sec)", "Empty set", or "Query OK, N rows affected"
with the server's info ("Rows matched: 1  Changed: 1  Warnings: 0"), then the statement's
warnings (SHOW WARNINGS). In table and vertical format they go to standard output as the
client prints them, in the other formats to standard error; -quiet leaves out the summaries.
Ctrl-C cancels the running statement (the server is sent KILL QUERY).

LOAD DATA LOCAL INFILE reads only the files named with -local-infile, by the name the
statement gives (the tsv format above is LOAD DATA's default):
  myx query -local-infile users.tsv "LOAD DATA LOCAL INFILE 'users.tsv' INTO TABLE users"

example:
  myx query 'SELECT id, name FROM users WHERE id > ? AND note <=> ?' 10 '\N'
`

// queryOptions are the flags of myx query.
type queryOptions struct {
	dsn      string
	format   string
	nullArg  string
	sample   int
	header   bool
	quiet    bool
	noSplit  bool
	files    []string // -local-infile
	warnings bool
	trace    bool
}

func queryFlags(o *queryOptions) *flag.FlagSet {
	fs := newFlagSet("query")
	fs.Usage = func() { commandUsage(fs, queryHelp) }
	fs.StringVar(&o.dsn, "dsn", "", "server DSN (mysql://user:pass@host:3306/db or user:pass@tcp(host:3306)/db)")
	fs.StringVar(&o.format, "format", "table", "output format: table, vertical, tsv, csv, json or jsonarray")
	vertical := func(v string) error {
		on, err := strconv.ParseBool(v)
		if on {
			o.format = "vertical"
		}
		return err
	}
	fs.BoolFunc("vertical", "vertical output, one line per column (as -format vertical)", vertical)
	fs.BoolFunc("G", "short for -vertical", vertical)
	fs.StringVar(&o.nullArg, "null-arg", `\N`, "an argument equal to this is passed as NULL (empty: none is)")
	fs.IntVar(&o.sample, "sample", 1000, "table format: the rows whose widths decide the column widths")
	fs.BoolVar(&o.header, "header", true, "tsv and csv: print the column names first")
	fs.BoolVar(&o.quiet, "quiet", false, "no summaries (row counts, Query OK, timing); warnings are still printed")
	fs.BoolVar(&o.noSplit, "no-split", false, "send the SQL as one text (multi-statements on), not split at ';'")
	fs.BoolVar(&o.warnings, "warnings", true, "print each statement's warnings (SHOW WARNINGS) after it")
	fs.BoolVar(&o.trace, "trace", false, traceFlagUsage)
	fs.Func("local-infile", "a file LOAD DATA LOCAL INFILE may read, named as the statement names it (repeatable)",
		func(v string) error { o.files = append(o.files, v); return nil })
	return fs
}

// parseQueryArgs parses flags wherever they are on the command line and returns the
// positional arguments (the SQL and its arguments).
func parseQueryArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			return append(pos, args[1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' || looksNumeric(a) {
			pos = append(pos, a)
			args = args[1:]
			continue
		}
		// One flag, with its value when it takes one and has no "=value".
		name := strings.TrimLeft(a, "-")
		n := 1
		if i := strings.IndexByte(name, '='); i < 0 {
			if f := fs.Lookup(name); f != nil && !isBoolFlag(f) && len(args) > 1 {
				n = 2
			}
		}
		if err := parseFlags(fs, args[:n]); err != nil {
			return nil, err
		}
		args = args[n:]
	}
	return pos, nil
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// looksNumeric reports whether a starts like a negative number ("-5", "-.5"), which is an
// argument, not a flag.
func looksNumeric(a string) bool {
	return len(a) > 1 && a[0] == '-' && (a[1] >= '0' && a[1] <= '9' || a[1] == '.')
}

// runQuery runs the statements given on the command line (or standard input) with '?'
// arguments after them, printing what each returns.
func runQuery(ctx context.Context, args []string) error {
	var o queryOptions
	fs := queryFlags(&o)
	pos, err := parseQueryArgs(fs, args)
	if err != nil {
		return err
	}
	switch o.format {
	case "table", "vertical", "tsv", "csv", "json", "jsonarray":
	default:
		return usagef("-format %q: use table, vertical, tsv, csv, json or jsonarray", o.format)
	}
	if o.sample < 1 {
		return usagef("-sample %d: give at least 1", o.sample)
	}
	var text string
	switch {
	case len(pos) == 0 && isTerminal(os.Stdin):
		return usagef("no SQL: give it as an argument or on standard input (myx query -h)")
	case len(pos) == 0 || pos[0] == "-":
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return fmt.Errorf("reading the SQL from standard input: %w", err)
		}
		text = string(b)
		if len(pos) > 0 {
			pos = pos[1:]
		}
	default:
		text, pos = pos[0], pos[1:]
	}
	qargs := make([]any, len(pos))
	for i, a := range pos {
		if o.nullArg != "" && a == o.nullArg {
			qargs[i] = nil
		} else {
			qargs[i] = a
		}
	}
	// The text is split (and its placeholders counted) as the session reads it, which
	// depends on NO_BACKSLASH_ESCAPES. A text that fits neither reading is a usage error
	// before connecting.
	if _, _, err := planStatements(text, 0, qargs, o.noSplit); err != nil {
		if _, _, err2 := planStatements(text, sqltext.NoBackslashEscapes, qargs, o.noSplit); err2 != nil {
			return err
		}
	}

	for _, name := range o.files {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("-local-infile: %w", err)
		}
		f.Close()
	}

	dsn, cleanup, err := findServer(ctx, o.dsn, false, func(string, ...any) {})
	if err != nil {
		return err
	}
	defer cleanup()
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		return err
	}
	// Arguments are interpolated into the text, so every result comes back in the text
	// protocol: the values are the server's own text.
	cfg.InterpolateParams = true
	cfg.MultiStatements = o.noSplit
	if o.trace {
		cfg.Tracer = newTracer(os.Stderr)
	}
	c, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close(context.WithoutCancel(ctx))
	var mode sqltext.Mode
	if c.NoBackslashEscapes() {
		mode = sqltext.NoBackslashEscapes
	}
	stmts, argsOf, err := planStatements(text, mode, qargs, o.noSplit)
	if err != nil {
		return err
	}

	q := newQueryPrinter(&o, os.Stdout, os.Stderr)
	defer q.flush()
	for i, s := range stmts {
		if err := q.statement(ctx, c, s, withLocalFiles(argsOf[i], o.files)); err != nil {
			q.flush()
			if len(stmts) > 1 {
				return fmt.Errorf("statement %d of %d: %w", i+1, len(stmts), err)
			}
			return err
		}
	}
	return nil
}

// planStatements splits text into statements (unless whole) as the lexer reads it under
// mode, and gives each statement the arguments of its placeholders, in order.
func planStatements(text string, mode sqltext.Mode, args []any, whole bool) ([]string, [][]any, error) {
	stmts := []string{strings.TrimSpace(text)}
	if !whole {
		stmts = sqltext.SplitStatements(text, mode)
	}
	if len(stmts) == 0 || stmts[0] == "" {
		return nil, nil, usagef("the SQL text holds no statement")
	}
	counts := make([]int, len(stmts))
	total := 0
	for i, s := range stmts {
		counts[i] = sqltext.Scan(s, mode, nil).Placeholders
		total += counts[i]
	}
	if total != len(args) {
		return nil, nil, usagef("%s but %s given", plural(uint64(total), "placeholder"), plural(uint64(len(args)), "argument"))
	}
	argsOf := make([][]any, len(stmts))
	next := 0
	for i, n := range counts {
		argsOf[i], next = args[next:next+n], next+n
	}
	return stmts, argsOf, nil
}

// withLocalFiles adds to a statement's arguments the files LOAD DATA LOCAL INFILE may read
// (they bind to no placeholder). Each is opened when the server asks for it.
func withLocalFiles(args []any, files []string) []any {
	if len(files) == 0 {
		return args
	}
	out := append(make([]any, 0, len(args)+len(files)), args...)
	for _, name := range files {
		out = append(out, &myx.LocalFile{Name: name, Reader: &lazyFile{name: name}})
	}
	return out
}

// lazyFile reads a file it opens on the first Read and closes at its end.
type lazyFile struct {
	name string
	f    *os.File
	err  error
}

func (l *lazyFile) Read(p []byte) (int, error) {
	if l.f == nil && l.err == nil {
		l.f, l.err = os.Open(l.name)
	}
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.f.Read(p)
	if err != nil {
		l.f.Close()
		l.err = err
	}
	return n, err
}

// isTerminal reports whether f is a character device (a terminal, not a pipe or file).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// queryPrinter runs statements and prints their results in one format.
type queryPrinter struct {
	o    *queryOptions
	out  *bufio.Writer // rows
	info *bufio.Writer // summaries and warnings: out, or standard error for machine formats
	dest []any         // *sql.RawBytes, one per column
	vals []sql.RawBytes
}

func newQueryPrinter(o *queryOptions, stdout, stderr io.Writer) *queryPrinter {
	q := &queryPrinter{o: o, out: bufio.NewWriterSize(stdout, 64<<10)}
	q.info = q.out
	if o.format != "table" && o.format != "vertical" {
		q.info = bufio.NewWriterSize(stderr, 4<<10)
	}
	return q
}

func (q *queryPrinter) flush() {
	q.out.Flush()
	if q.info != q.out {
		q.info.Flush()
	}
}

// summary prints one line to the info stream; rows printed so far go first, and on standard
// error the line goes out at once, so that a terminal shows both in order.
func (q *queryPrinter) summary(format string, args ...any) {
	if q.info != q.out {
		q.out.Flush()
		defer q.info.Flush()
	}
	fmt.Fprintf(q.info, format, args...)
}

func (q *queryPrinter) newSink() sink {
	switch q.o.format {
	case "vertical":
		return &verticalSink{w: q.out}
	case "tsv":
		return &tsvSink{w: q.out, header: q.o.header}
	case "csv":
		return &csvSink{w: q.out, header: q.o.header}
	case "json":
		return &jsonSink{w: q.out}
	case "jsonarray":
		return &jsonSink{w: q.out, array: true}
	}
	return &tableSink{w: q.out, sample: q.o.sample}
}

// statement runs one statement and prints its result sets, summaries and warnings.
func (q *queryPrinter) statement(ctx context.Context, c *myx.Conn, query string, args []any) error {
	start := time.Now()
	rows, err := c.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var affected uint64 // the rows affected reported so far
	var warnings uint16
	for results := 0; ; results++ {
		if results > 0 && !q.o.quiet && q.info == q.out {
			q.out.WriteByte('\n') // between the results of a CALL or a multi-statement text
		}
		if cols := rows.Columns(); len(cols) > 0 {
			n, err := q.resultSet(rows, cols)
			if err != nil {
				return err
			}
			warnings = rows.Result().Warnings
			if !q.o.quiet {
				if n == 0 {
					q.summary("Empty set%s (%s)\n", warningsNote(warnings), elapsed(start))
				} else {
					q.summary("%s in set%s (%s)\n", plural(uint64(n), "row"), warningsNote(warnings), elapsed(start))
				}
			}
		} else {
			res := rows.Result()
			warnings = res.Warnings
			if !q.o.quiet {
				q.summary("Query OK, %s affected%s (%s)\n", plural(res.RowsAffected-affected, "row"),
					warningsNote(warnings), elapsed(start))
				if res.Info != "" {
					q.summary("%s\n", res.Info)
				}
			}
			affected = res.RowsAffected
		}
		if !rows.NextResultSet() {
			break
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if !q.o.quiet && q.info == q.out {
		q.out.WriteByte('\n')
	}
	if warnings > 0 && q.o.warnings {
		return q.showWarnings(ctx, c)
	}
	return nil
}

// resultSet streams the rows of the current result set through the format's sink and returns
// how many there were.
func (q *queryPrinter) resultSet(rows *myx.Rows, cols []myx.Column) (int, error) {
	if cap(q.vals) < len(cols) {
		q.vals = make([]sql.RawBytes, len(cols))
		q.dest = make([]any, len(cols))
	}
	q.vals, q.dest = q.vals[:len(cols)], q.dest[:len(cols)]
	for i := range q.vals {
		q.dest[i] = &q.vals[i]
	}
	s := q.newSink()
	s.begin(cols)
	n := 0
	for rows.Next() {
		if err := rows.Scan(q.dest...); err != nil {
			return n, err
		}
		if err := s.row(q.vals); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		s.abort()
		return n, err
	}
	return n, s.end()
}

// showWarnings prints the last statement's warnings as the mariadb client does with
// --show-warnings.
func (q *queryPrinter) showWarnings(ctx context.Context, c *myx.Conn) error {
	rows, err := c.Query(ctx, "SHOW WARNINGS")
	if err != nil {
		return fmt.Errorf("SHOW WARNINGS: %w", err)
	}
	defer rows.Close()
	if q.info != q.out {
		q.out.Flush()
	}
	for rows.Next() {
		var level, msg string
		var code int
		if err := rows.Scan(&level, &code, &msg); err != nil {
			return fmt.Errorf("SHOW WARNINGS: %w", err)
		}
		q.summary("%s (Code %d): %s\n", level, code, msg)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("SHOW WARNINGS: %w", err)
	}
	if q.info == q.out {
		q.out.WriteByte('\n')
	}
	return nil
}

func plural(n uint64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func warningsNote(n uint16) string {
	if n == 0 {
		return ""
	}
	return ", " + plural(uint64(n), "warning")
}

// elapsed formats the time since start as the mariadb client does: "0.002 sec",
// "1 min 2.50 sec", "1 hour 2 min 3.00 sec".
func elapsed(start time.Time) string { return formatElapsed(time.Since(start)) }

func formatElapsed(d time.Duration) string {
	s := d.Seconds()
	if s < 60 {
		return fmt.Sprintf("%.3f sec", s)
	}
	var b strings.Builder
	if h := int(s / 3600); h > 0 {
		fmt.Fprintf(&b, "%s ", plural(uint64(h), "hour"))
		s -= float64(h) * 3600
	}
	m := int(s / 60)
	s -= float64(m) * 60
	fmt.Fprintf(&b, "%d min %.2f sec", m, s)
	return b.String()
}
