package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// defaultDSN is where the tool looks for a server when given none (a variable for tests).
var defaultDSN = "mysql://root@127.0.0.1:3306/test"

// findServer returns a DSN that answers: the flag, $MYSQL_DSN, the local default, or (when
// allowed) a throwaway server it starts; cleanup stops that server.
func findServer(ctx context.Context, flagDSN string, allowThrowaway bool, say func(string, ...any)) (dsn string, cleanup func(), err error) {
	cleanup = func() {}
	if flagDSN != "" {
		return flagDSN, cleanup, nil
	}
	if env := os.Getenv("MYSQL_DSN"); env != "" {
		say("using $MYSQL_DSN")
		return env, cleanup, nil
	}
	probe, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c, perr := myx.Connect(probe, defaultDSN)
	if perr == nil {
		c.Close(ctx)
		say("using the server at %s", defaultDSN)
		return defaultDSN, cleanup, nil
	}
	if !allowThrowaway {
		return "", cleanup, fmt.Errorf("no server at %s (%v); pass -dsn or set MYSQL_DSN", defaultDSN, perr)
	}
	say("no server at %s (%v); starting a throwaway one from the installed binaries...", defaultDSN, perr)
	if _, lerr := mysqltest.LookupServerBinaries(); lerr != nil {
		return "", cleanup, errors.New("no MySQL or MariaDB server could be reached or started.\n" +
			"  Install one, e.g. on Debian/Ubuntu:  sudo apt-get install -y mariadb-server\n" +
			"  (or run one in Docker: docker run -d -p 3306:3306 -e MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 -e MARIADB_DATABASE=test mariadb:11)\n" +
			"  or point MYSQL_DSN at an existing server: MYSQL_DSN='mysql://user:pass@host:3306/test'\n" +
			"  (" + lerr.Error() + ")")
	}
	start := time.Now()
	srv, serr := mysqltest.StartServer(ctx, mysqltest.ServerOptions{})
	if serr != nil {
		return "", cleanup, fmt.Errorf("starting a throwaway server: %w", serr)
	}
	say("throwaway server ready at %s in %v", srv.Addr(), time.Since(start).Round(time.Millisecond))
	return srv.DSN(), func() { srv.Close() }, nil
}
