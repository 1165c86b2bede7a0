// Command withtidb starts a throwaway TiDB (mysqltest.StartTiDB), runs a command with
// MYSQL_TEST_DSN pointing at it, stops TiDB and exits with the command's exit status. CI uses it
// to run the integration suites against TiDB:
//
//	go run ./internal/tools/withtidb -- go test -count=1 ./...
//
// The tidb-server binary is found as mysqltest.LookupTiDBServer finds it ($MYX_TIDB_SERVER, else
// the cache path internal/tools/tidb/build.sh builds into). With no command it prints the DSN
// and waits for SIGINT or SIGTERM, for manual testing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/myxdb/myx/mysqltest"
)

func main() {
	os.Exit(run())
}

func run() int {
	noTLS := flag.Bool("notls", false, "start TiDB without auto-TLS (by default it offers TLS with a self-signed certificate)")
	timeout := flag.Duration("start-timeout", mysqltest.DefaultTiDBStartTimeout, "how long to wait for TiDB to accept connections")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: withtidb [flags] [--] [command [args...]]\n")
		flag.PrintDefaults()
	}
	flag.Parse()

	started := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	srv, err := mysqltest.StartTiDB(ctx, mysqltest.TiDBOptions{NoTLS: *noTLS, StartTimeout: *timeout})
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "withtidb: %v\n", err)
		return 1
	}
	defer func() {
		if err := srv.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "withtidb: %v\n", err)
		}
	}()
	version := "unknown version"
	if info, err := mysqltest.Probe(context.Background(), srv.DSN()); err == nil {
		version = info.Version
	}
	fmt.Fprintf(os.Stderr, "withtidb: TiDB %s (%s) ready at %s in %s\n", version, srv.Binary(), srv.DSN(), time.Since(started).Round(time.Millisecond))

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	args := flag.Args()
	if len(args) == 0 {
		fmt.Println(srv.DSN())
		<-sigs
		return 0
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), mysqltest.EnvDSN+"="+srv.DSN())
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "withtidb: %v\n", err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-sigs:
			cmd.Process.Signal(sig)
		case err := <-done:
			if err == nil {
				return 0
			}
			var exit *exec.ExitError
			if errors.As(err, &exit) && exit.ExitCode() > 0 {
				return exit.ExitCode()
			}
			fmt.Fprintf(os.Stderr, "withtidb: %s: %v\n", args[0], err)
			return 1
		}
	}
}
