package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/myxdb/myx"
)

// runQuery runs one statement given on the command line, with '?' arguments after it.
func runQuery(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("query", flag.ContinueOnError)
	dsnF := dsnFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		return errors.New("usage: myx query [-dsn DSN] SQL [ARGS...]")
	}
	dsn, cleanup, err := findServer(ctx, *dsnF, false, func(string, ...any) {})
	if err != nil {
		return err
	}
	defer cleanup()
	c, err := myx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	qargs := make([]any, 0, fs.NArg()-1)
	for _, a := range fs.Args()[1:] {
		qargs = append(qargs, a)
	}
	rows, err := c.Query(ctx, fs.Arg(0), qargs...)
	if err != nil {
		return err
	}
	defer rows.Close()
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	for set := 0; ; set++ {
		if cols := rows.ColumnNames(); len(cols) > 0 {
			if set > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintln(w, strings.Join(cols, "\t"))
			n := 0
			for rows.Next() {
				vals, err := rows.Values()
				if err != nil {
					return err
				}
				cells := make([]string, len(vals))
				for i, v := range vals {
					cells[i] = format(v)
				}
				fmt.Fprintln(w, strings.Join(cells, "\t"))
				n++
			}
			fmt.Fprintf(w, "(%d rows)\n", n)
		}
		if !rows.NextResultSet() {
			break
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	w.Flush()
	if res := rows.Result(); res.RowsAffected > 0 || res.LastInsertID > 0 {
		fmt.Printf("rows affected: %d, last insert id: %d\n", res.RowsAffected, res.LastInsertID)
	}
	return nil
}

func format(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return fmt.Sprintf("%q", v)
	default:
		return fmt.Sprint(v)
	}
}
