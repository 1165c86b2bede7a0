package myx_test

// Tests of result sets the real server rarely sends: an error after some rows.

import (
	"context"
	"errors"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
	"github.com/myxdb/myx/mysqltest/proto"
)

func TestFakeRowsErrorAfterRows(t *testing.T) {
	t.Parallel()
	cols := []mysqltest.ColumnDef{{Name: "n", Type: proto.TypeLong, Length: 11}}
	fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{}, mysqltest.Auth{},
		mysqltest.Queries(map[string]mysqltest.Result{
			"SELECT n": {Columns: cols, Rows: [][]any{{1}, {2}},
				RowsErr: &mysqltest.ServerError{Code: 1242, SQLState: "21000", Message: "Subquery returns more than 1 row"}},
		}), nil))
	c, err := myx.ConnectConfig(ctxT(t), fakeConfig(t, fs, "u", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	rows, err := c.Query(ctxT(t), "SELECT n")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	var me *myx.MySQLError
	if n != 2 || !errors.As(rows.Err(), &me) || me.Number != 1242 {
		t.Fatalf("rows %d, err %v", n, rows.Err())
	}
	if c.IsClosed() {
		t.Fatal("a server error in a result closed the connection")
	}
}
