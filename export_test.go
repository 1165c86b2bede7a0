package myx

// DisableBulkForTest makes ExecMany behave as on a server without COM_STMT_BULK_EXECUTE, so
// the MySQL code path can be tested against MariaDB.
func DisableBulkForTest(c *Conn) { c.noBulk = true }
