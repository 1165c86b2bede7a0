// Command myx is the myx toolkit's command-line tool.
//
//	myx tour                 run the tutorial end to end against a server
//	myx query [-dsn DSN] SQL [ARGS...]
//	                         run one statement and print its rows or result
//	myx bench                run the side-by-side benchmarks (needs the source tree)
//
// The server is found as the tour describes: -dsn, else $MYSQL_DSN, else 127.0.0.1:3306, else
// (tour only) a throwaway server started from the installed MariaDB or MySQL binaries.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "tour":
		err = runTour(ctx, args)
	case "query":
		err = runQuery(ctx, args)
	case "bench":
		err = runBench(ctx, args)
	case "gen":
		err = runGen(ctx, args)
	case "help", "-h", "--help":
		usage()
		return
	default:
		fmt.Fprintf(os.Stderr, "myx: unknown command %q\n\n", cmd)
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "myx:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: myx <command> [flags]

commands:
  tour     run the tutorial end to end: connect, tables, inserts, queries, joins,
           executemany, dictionary rows, transactions, pool, reconnect, SQL expressions
  query    run one statement: myx query [-dsn DSN] 'SELECT ... WHERE id = ?' 42
  bench    run the benchmarks side by side with go-sql-driver/mysql (from the source tree)
  gen      write sqlb table definitions as Go: myx gen [-dsn DSN] [-db NAME] [-pkg NAME] [-o FILE]

The server: -dsn, else $MYSQL_DSN, else mysql://root@127.0.0.1:3306/test.
`)
}

func dsnFlag(fs *flag.FlagSet) *string {
	return fs.String("dsn", "", "server DSN (mysql://user:pass@host:3306/db or user:pass@tcp(host:3306)/db)")
}
