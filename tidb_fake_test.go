package myx_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// A server presenting itself as TiDB is TiDB, with its own release as the version.
func TestFakeTiDBHandshake(t *testing.T) {
	t.Parallel()
	fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{ServerVersion: "8.0.11-TiDB-v8.5.0"}, mysqltest.Auth{}, nil, nil))
	c, err := myx.ConnectConfig(ctxT(t), fakeConfig(t, fs, "u", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	info := c.ServerInfo()
	if info.Flavor != myx.TiDB || info.Number() != (myx.Version{Major: 8, Minor: 5}) || info.MySQLCompat != (myx.Version{Major: 8, Minor: 0, Patch: 11}) {
		t.Errorf("server info %+v from %q", info, info.Version)
	}
}

// TiDB passes some errors on wrapped in ER_UNKNOWN_ERROR (1105); a wrapped deadlock is a
// deadlock, and BeginFunc runs the transaction again.
func TestFakeWrappedDeadlockRetried(t *testing.T) {
	t.Parallel()
	var updates atomic.Int32
	h := func(q mysqltest.Query) []mysqltest.Result {
		if strings.HasPrefix(q.SQL, "UPDATE") && updates.Add(1) == 1 {
			return []mysqltest.Result{{Err: &mysqltest.ServerError{Code: 1105, SQLState: "HY000",
				Message: "ERROR 1213 (40001): Deadlock found when trying to get lock; try restarting transaction"}}}
		}
		return []mysqltest.Result{{AffectedRows: 1}}
	}
	fs := mysqltest.NewFakeServer(t, serve(mysqltest.HandshakeOptions{ServerVersion: "8.0.11-TiDB-v8.5.0"}, mysqltest.Auth{}, h, nil))
	c, err := myx.ConnectConfig(ctxT(t), fakeConfig(t, fs, "u", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	attempts := 0
	err = myx.BeginTxFunc(ctxT(t), c, myx.TxOptions{RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond}, func(tx myx.Tx) error {
		attempts++
		_, err := tx.Exec(ctxT(t), "UPDATE t SET n = n + 1")
		return err
	})
	if err != nil || attempts != 2 || updates.Load() != 2 {
		t.Fatalf("BeginFunc: %v after %d attempts, %d updates", err, attempts, updates.Load())
	}
	// The error itself still says what the server sent, and matches both numbers.
	_, err = c.Exec(ctxT(t), "UPDATE t SET n = 0")
	if err != nil {
		t.Fatal(err)
	}
	updates.Store(0)
	_, err = c.Exec(ctxT(t), "UPDATE t SET n = 0")
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != 1105 || me.EffectiveNumber() != 1213 ||
		!errors.Is(err, &myx.MySQLError{Number: 1213}) || !errors.Is(err, &myx.MySQLError{Number: 1105}) {
		t.Fatalf("wrapped deadlock: %v", err)
	}
}
