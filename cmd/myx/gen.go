package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/sqlb"
	"github.com/myxdb/myx/sqlb/codegen"
)

// runGen writes Go table definitions (sqlb metadata with typed columns) for the tables of
// a live database.
func runGen(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	dsnF := dsnFlag(fs)
	db := fs.String("db", "", "the database to read (default: the DSN's)")
	pkg := fs.String("pkg", "models", "the package name of the generated code")
	out := fs.String("o", "", "the file to write (default: standard output)")
	tables := fs.String("tables", "", "comma-separated tables to generate, with the tables they reference (default: all)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: myx gen [-dsn DSN] [-db NAME] [-pkg NAME] [-o FILE] [-tables a,b]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("gen: unexpected arguments %q", fs.Args())
	}
	dsn, cleanup, err := findServer(ctx, *dsnF, false, func(string, ...any) {})
	if err != nil {
		return err
	}
	defer cleanup()
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		return err
	}
	if *db != "" {
		cfg.Database = *db
	}
	if cfg.Database == "" {
		return errors.New("gen: no database: pass -db or name one in the DSN")
	}
	conn, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var opts []sqlb.ReflectOption
	if *tables != "" {
		var names []string
		for n := range strings.SplitSeq(*tables, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
		opts = append(opts, sqlb.ReflectTables(names...))
	}
	// The connection's own database: the tables come back unqualified, so the generated
	// code names no database.
	md, err := sqlb.Reflect(ctx, conn, opts...)
	if err != nil {
		return err
	}
	src, err := codegen.GenerateGo(md, *pkg)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = os.Stdout.Write(src)
		return err
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "myx gen: %d tables of %s written to %s (package %s)\n", len(md.Tables()), cfg.Database, *out, *pkg)
	return nil
}
