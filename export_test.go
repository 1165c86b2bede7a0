package myx

import "errors"

// DisableBulkForTest makes ExecMany behave as on a server without COM_STMT_BULK_EXECUTE, so
// the MySQL code path can be tested against MariaDB.
func DisableBulkForTest(c *Conn) { c.noBulk = true }

// NewSafeConnErrorForTest returns a ConnError for a failure before anything was sent.
func NewSafeConnErrorForTest() error { return &ConnError{Op: "write", Err: errTest, safe: true} }

var errTest = errors.New("test failure")

// CheckTypoForTest exposes the DSN parameter typo check.
func CheckTypoForTest(name string) error { return checkTypo(name) }
