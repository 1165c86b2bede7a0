package sqlb_test

import (
	"context"
	"os"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/testsupport"
	"github.com/myxdb/myx/sqlb"
)

// dsn is the server the examples run on, such as "mysql://root@127.0.0.1:3306/test". Here it
// is a database of the examples' own on the test server (MYSQL_TEST_DSN, else
// mysql://root@127.0.0.1:3306/test), made by TestMain and dropped after the examples ran, so
// that the tutorial's tables (user, jobs, page_views) can be made under their names.
var dsn string

func TestMain(m *testing.M) { os.Exit(testsupport.RunExamples(m, &dsn)) }

// tutorialDB connects to dsn and creates the tutorial's tables with user xxx holding two
// jobs and user yyy one; done drops the tables and closes the connection.
func tutorialDB(ctx context.Context) (conn *myx.Conn, done func(), err error) {
	conn, err = myx.Connect(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	done = func() {
		schema.DropAll(ctx, conn, sqlb.IfExists())
		conn.Close(ctx)
	}
	if err := schema.CreateAll(ctx, conn); err != nil {
		done()
		return nil, nil, err
	}
	for _, stmt := range []sqlb.Statement{
		sqlb.InsertInto(users).
			Values(userID.Set(1), userUsername.Set("xxx")).
			Values(userID.Set(2), userUsername.Set("yyy")),
		sqlb.InsertInto(jobs).
			Values(jobsJobs.Set("engineer"), jobsUserID.Set(1)).
			Values(jobsJobs.Set("teacher"), jobsUserID.Set(1)).
			Values(jobsJobs.Set("pilot"), jobsUserID.Set(2)),
	} {
		if _, err := sqlb.Exec(ctx, conn, stmt); err != nil {
			done()
			return nil, nil, err
		}
	}
	return conn, done, nil
}
