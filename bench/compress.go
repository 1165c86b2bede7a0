package bench

import (
	"context"
	"database/sql"
	"strings"

	"github.com/myxdb/myx"
)

// The compression workloads are the scan and bulk workloads over protocol compression
// (zlib: myx compress=true, go-sql-driver compress=true), to compare with the same workloads
// uncompressed in the same run.

// withParam adds a parameter to a DSN.
func withParam(dsn, kv string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + kv
	}
	return dsn + "?" + kv
}

// MyxConnectCompressed opens a myx connection with compress=true (zlib).
func MyxConnectCompressed(ctx context.Context) (*myx.Conn, error) {
	return myx.Connect(ctx, withParam(DSN(), "compress=true"))
}

// OpenDriverCompressed opens go-sql-driver with interpolateParams=true, compress=true and at
// most conns connections.
func OpenDriverCompressed(conns int) (*sql.DB, error) {
	return openDriver("interpolateParams=true&compress=true", conns)
}
