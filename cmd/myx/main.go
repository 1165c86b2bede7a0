// Command myx is the myx toolkit's command-line tool.
//
//	myx tour                 run the tutorial end to end against a server
//	myx query [flags] SQL [ARGS...]
//	                         run statements and print their rows or results
//	myx gen [flags]          write sqlb table definitions as Go for a live database
//	myx bench [flags]        run the side-by-side benchmarks (needs the source tree)
//	myx version              print the module version and the Go version
//	myx help [COMMAND]       print the usage of myx or of one command
//
// Every command takes -h (or --help) for its own usage, which exits 0. Exit codes: 0 success,
// 1 a failure, 2 a usage error (unknown command or flag), 130 interrupted (Ctrl-C).
//
// The server is found as the tour describes: -dsn, else $MYSQL_DSN, else 127.0.0.1:3306, else
// (tour only) a throwaway server started from the installed MariaDB or MySQL binaries.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
)

// command is one of myx's subcommands.
type command struct {
	name     string
	synopsis string // the usage line after "myx "
	summary  string // what it does, for the command list and the top of its usage
	run      func(ctx context.Context, args []string) error
}

// commands lists the subcommands in the order "myx help" shows them ("help" itself is handled
// in run). It is filled in init: the commands' usage reads it.
var commands []command

func init() {
	commands = []command{
		{"tour", "tour [-dsn DSN] [-database NAME] [-trace] [-cluster=false]",
			"run the tutorial end to end, showing the Go code of each step: connect, autocommit,\n" +
				"tables, inserts, queries, joins, executemany, dictionary rows, transactions, foreign\n" +
				"keys kept in application code, pool, reconnect, SQL expressions, and a cluster (a\n" +
				"primary and two replicas it starts: replica reads, read-your-writes, a replica stopped)",
			runTour},
		{"query", "query [flags] [SQL [ARGS...]]",
			"run statements and print their rows (or their summaries) as the mariadb client does;\n" +
				"SQL from standard input when none is given", runQuery},
		{"gen", "gen [-dsn DSN] [-db NAME] [-pkg NAME] [-o FILE] [-tables a,b]",
			"write sqlb table definitions as Go for the tables of a live database", runGen},
		{"bench", "bench [-quick] [-rounds N] [-only a,b]",
			"run the benchmarks side by side with go-sql-driver/mysql (from the source tree)", runBench},
		{"version", "version", "print myx's module version (and VCS revision) and the Go version", runVersion},
	}
}

func lookupCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		// After the first Ctrl-C the statement is being cancelled; a second one ends the
		// process the default way.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches one command line and returns the process exit code.
func run(ctx context.Context, args []string) int {
	if len(args) < 1 {
		usage(os.Stderr)
		return 2
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) == 0 {
			usage(os.Stdout)
			return 0
		}
		if lookupCommand(rest[0]) == nil {
			return unknownCommand(rest[0])
		}
		// "myx help CMD" is "myx CMD -h".
		name, rest = rest[0], []string{"-h"}
	}
	cmd := lookupCommand(name)
	if cmd == nil {
		return unknownCommand(name)
	}
	err := cmd.run(ctx, rest)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		if !ue.printed {
			fmt.Fprintf(os.Stderr, "myx %s: %v\n", name, ue.err)
		}
		return 2
	case ctx.Err() != nil:
		fmt.Fprintf(os.Stderr, "myx %s: %s\n", name, errorText(err))
		return 130
	}
	fmt.Fprintf(os.Stderr, "myx %s: %s\n", name, errorText(err))
	return 1
}

// errorText is err's message without the library's own "myx: " prefix, which the command's
// "myx NAME: " already gives.
func errorText(err error) string {
	return strings.TrimPrefix(err.Error(), "myx: ")
}

func unknownCommand(name string) int {
	fmt.Fprintf(os.Stderr, "myx: unknown command %q (the commands: %s)\n\n", name, commandNames())
	usage(os.Stderr)
	return 2
}

func commandNames() string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return strings.Join(append(names, "help"), ", ")
}

// usage prints the top-level usage: every command with its summary.
func usage(w io.Writer) {
	fmt.Fprint(w, "usage: myx <command> [flags] [arguments]\n\ncommands:\n")
	for _, c := range commands {
		lines := strings.Split(c.summary, "\n")
		fmt.Fprintf(w, "  %-9s%s\n", c.name, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "  %-9s%s\n", "", l)
		}
	}
	fmt.Fprintf(w, "  %-9s%s\n", "help", "print this list, or a command's usage: myx help query")
	fmt.Fprint(w, `
Every command takes -h for its usage. The server: -dsn, else $MYSQL_DSN,
else mysql://root@127.0.0.1:3306/test.
`)
}

// usageError is a command line that cannot be run: wrong flags or arguments. It exits 2.
type usageError struct {
	err     error
	printed bool // the message (and usage) went to standard error already
}

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError for main to print.
func usagef(format string, args ...any) error {
	return usageError{err: fmt.Errorf(format, args...)}
}

// newFlagSet returns the flag set of the named command, whose usage is the command's synopsis,
// summary and flags.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() { commandUsage(fs, "") }
	return fs
}

// commandUsage prints a command's usage to fs's output, with extra text after the flags.
func commandUsage(fs *flag.FlagSet, extra string) {
	w := fs.Output()
	if c := lookupCommand(fs.Name()); c != nil {
		fmt.Fprintf(w, "usage: myx %s\n\n%s\n", c.synopsis, c.summary)
	} else {
		fmt.Fprintf(w, "usage: myx %s [flags]\n", fs.Name())
	}
	var hasFlags bool
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprint(w, "\nflags:\n")
		fs.PrintDefaults()
	}
	fmt.Fprint(w, extra)
}

// parseFlags parses args into fs. -h, -help and --help print fs's usage on standard output and
// return flag.ErrHelp (main exits 0); a malformed flag prints the error and the synopsis on
// standard error and returns a usageError (main exits 2).
func parseFlags(fs *flag.FlagSet, args []string) error {
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	err := fs.Parse(args)
	fs.SetOutput(os.Stderr)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		os.Stdout.Write(buf.Bytes())
		return flag.ErrHelp
	}
	// The flag package's message, then the synopsis only: the whole usage is for -h.
	msg, _, _ := strings.Cut(buf.String(), "\n")
	synopsis := fs.Name() + " [flags]"
	if c := lookupCommand(fs.Name()); c != nil {
		synopsis = c.synopsis
	}
	fmt.Fprintf(os.Stderr, "%s\nusage: myx %s\n(myx %s -h prints the flags)\n", msg, synopsis, fs.Name())
	return usageError{err: err, printed: true}
}

func dsnFlag(fs *flag.FlagSet) *string {
	return fs.String("dsn", "", "server DSN (mysql://user:pass@host:3306/db or user:pass@tcp(host:3306)/db)")
}

// runVersion prints the module version, the VCS revision the binary was built from (when the
// build recorded one) and the Go version.
func runVersion(ctx context.Context, args []string) error {
	fs := newFlagSet("version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	fmt.Print(versionText())
	return nil
}

func versionText() string {
	var b strings.Builder
	path, version := "github.com/myxdb/myx", "(unknown)"
	var rev, when string
	var modified bool
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path != "" {
			path = bi.Main.Path
		}
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	fmt.Fprintf(&b, "myx %s (%s)\n", version, path)
	if rev != "" {
		fmt.Fprintf(&b, "revision %s", rev)
		if when != "" {
			fmt.Fprintf(&b, " of %s", when)
		}
		if modified {
			b.WriteString(", with uncommitted changes")
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "built with %s for %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return b.String()
}
