package stdlib_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/stdlib"
)

// TiDB reports an unknown prepared statement (1243) wrapped in ER_UNKNOWN_ERROR (1105); a
// prepared statement whose server side is gone is prepared again all the same.
func TestWrappedUnknownStatementReprepared(t *testing.T) {
	t.Parallel()
	var executes, prepares atomic.Int32
	h := func(q mysqltest.Query) []mysqltest.Result {
		if !strings.HasPrefix(q.SQL, "UPDATE") {
			return nil
		}
		switch q.Stage {
		case mysqltest.Prepare:
			prepares.Add(1)
		case mysqltest.Execute:
			if executes.Add(1) == 1 {
				return []mysqltest.Result{{Err: &mysqltest.ServerError{Code: 1105, SQLState: "HY000",
					Message: "ERROR 1243 (HY000): Unknown prepared statement handler (1) given to mysqld_stmt_execute"}}}
			}
		}
		return []mysqltest.Result{{AffectedRows: 1}}
	}
	fs := mysqltest.NewFakeServer(t, func(c *mysqltest.FakeConn) {
		if _, err := c.Login(mysqltest.HandshakeOptions{ServerVersion: "8.0.11-TiDB-v8.5.0"}, mysqltest.Auth{}); err != nil {
			return
		}
		c.ServeQueries(h)
	})
	cfg, err := myx.ParseConfig(fs.DSN("u", ""))
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLSMode = myx.TLSDisabled
	cfg.ConnectTimeout = 5 * time.Second
	db := stdlib.OpenDB(cfg)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := db.PrepareContext(ctx, "UPDATE t SET n = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := st.ExecContext(ctx, 1)
	if err != nil {
		t.Fatalf("exec after a wrapped 1243: %v", err)
	}
	if n, _ := res.RowsAffected(); n != 1 || executes.Load() != 2 || prepares.Load() != 2 {
		t.Fatalf("affected %d, %d executes, %d prepares", n, executes.Load(), prepares.Load())
	}
}
