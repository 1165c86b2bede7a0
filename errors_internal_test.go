package myx

import (
	"errors"
	"fmt"
	"testing"
)

// TiDB passes on errors raised outside its error registry as ER_UNKNOWN_ERROR (1105) with
// the original error's text; myx acts on the wrapped number.
func TestEffectiveNumber(t *testing.T) {
	cases := []struct {
		number uint16
		msg    string
		want   uint16
	}{
		// TiDB's mysql.SQLError text, as COM_STMT_EXECUTE of an unknown statement sends it.
		{1105, "ERROR 1243 (HY000): Unknown prepared statement handler (5) given to mysqld_stmt_execute", 1243},
		// TiDB's terror.Error text.
		{1105, "[planner:1243]Unknown prepared statement handler (7) given to mysqld_stmt_fetch", 1243},
		{1105, "[tikv:1205]Lock wait timeout exceeded; try restarting transaction", 1205},
		{1105, "[executor:1213]Deadlock found when trying to get lock; try restarting transaction", 1213},
		// Wrapped twice.
		{1105, "ERROR 1105 (HY000): ERROR 1213 (40001): Deadlock found", 1213},
		{1105, "[kv:1105]ERROR 1290 (HY000): The MySQL server is running with the --read-only option", 1290},
		// Not wrapped: the number stands.
		{1105, "Unknown error", 1105},
		{1105, "ERROR 1243: no SQLSTATE", 1105},
		{1105, "ERROR 1243 (HY00): short SQLSTATE", 1105},
		{1105, "ERROR 99999 (HY000): too large", 1105},
		{1105, "ERROR 0 (HY000): zero", 1105},
		{1105, "[planner 1243]no colon", 1105},
		{1105, "[planner:1243 no bracket", 1105},
		{1105, "[:1243]no class", 1105},
		{1105, "", 1105},
		{1105, "ERROR ", 1105},
		{1105, "[", 1105},
		// Only ER_UNKNOWN_ERROR wraps: other errors whose text looks like one are themselves.
		{1062, "ERROR 1213 (40001): Duplicate entry 'ERROR 1213 (40001): ' for key 'k'", 1062},
		{1243, "Unknown prepared statement handler (5) given to mysqld_stmt_execute", 1243},
		{1213, "Deadlock found when trying to get lock; try restarting transaction", 1213},
	}
	for _, tc := range cases {
		e := &MySQLError{Number: tc.number, SQLState: "HY000", Message: tc.msg}
		if got := e.EffectiveNumber(); got != tc.want {
			t.Errorf("%d %q: EffectiveNumber %d, want %d", tc.number, tc.msg, got, tc.want)
		}
		if !errors.Is(e, &MySQLError{Number: tc.want}) || !errors.Is(e, &MySQLError{Number: tc.number}) {
			t.Errorf("%d %q: errors.Is does not match %d and %d", tc.number, tc.msg, tc.want, tc.number)
		}
	}
	// A long chain of wrappers is peeled, boundedly, and never panics.
	msg := "ERROR 1213 (40001): Deadlock"
	for range 20 {
		msg = "ERROR 1105 (HY000): " + msg
	}
	if got := (&MySQLError{Number: 1105, Message: msg}).EffectiveNumber(); got != 1105 {
		t.Errorf("20 wrappers: %d (the peeling is bounded, so the innermost is not reached)", got)
	}
	if errors.Is(&MySQLError{Number: 1105, Message: "Unknown error"}, &MySQLError{Number: 1213}) {
		t.Error("an unwrapped 1105 matched 1213")
	}
}

// Every decision myx takes on an error number sees through the wrapping.
func TestWrappedErrorsDecide(t *testing.T) {
	wrapped := func(n uint16, text string) error {
		return fmt.Errorf("in a transaction: %w", &MySQLError{Number: 1105, SQLState: "HY000", Message: fmt.Sprintf("ERROR %d (HY000): %s", n, text)})
	}
	if !isRetryableTxError(wrapped(ErLockDeadlock, "Deadlock found")) || !RetryableTx(wrapped(ErLockWaitTimeout, "Lock wait timeout exceeded")) {
		t.Error("a wrapped deadlock or lock wait timeout is not retryable")
	}
	if RetryableTx(wrapped(ErDupEntry, "Duplicate entry")) || RetryableTx(&MySQLError{Number: 1105, Message: "Unknown error"}) {
		t.Error("a wrapped duplicate key or a plain 1105 is retryable")
	}
	if n, ok := serverErrorNumber(wrapped(ErUnknownStmtHandler, "Unknown prepared statement handler (1) given to mysqld_stmt_execute")); !ok || n != ErUnknownStmtHandler {
		t.Errorf("serverErrorNumber: %d, %v", n, ok)
	}
	if _, ok := serverErrorNumber(errors.New("not a server error")); ok {
		t.Error("serverErrorNumber accepted a non-server error")
	}
}

func FuzzEffectiveNumber(f *testing.F) {
	f.Add(uint16(1105), "ERROR 1243 (HY000): Unknown prepared statement handler")
	f.Add(uint16(1105), "[planner:1243]Unknown")
	f.Add(uint16(1105), "ERROR 1105 (HY000): [tikv:1205]x")
	f.Fuzz(func(t *testing.T, n uint16, msg string) {
		got := (&MySQLError{Number: n, Message: msg}).EffectiveNumber()
		if n != erUnknownError && got != n {
			t.Fatalf("%d %q: %d", n, msg, got)
		}
		if got == 0 && n != 0 {
			t.Fatalf("%d %q: zero", n, msg)
		}
	})
}
