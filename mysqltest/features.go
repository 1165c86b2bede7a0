package mysqltest

import (
	"context"
	"fmt"
	"github.com/myxdb/myx/mysqltest/proto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TiDB reports whether the server is TiDB: its version string carries TiDB's
// "-TiDB-" separator, as in "8.0.11-TiDB-v8.4.0".
func (i *ServerInfo) TiDB() bool {
	return strings.Contains(i.Version, "-TiDB-")
}

// Flavor names the server family: "TiDB", "MariaDB" or "MySQL".
func (i *ServerInfo) Flavor() string {
	switch {
	case i.TiDB():
		return "TiDB"
	case i.MariaDB:
		return "MariaDB"
	}
	return "MySQL"
}

// versionNumbers returns the leading numeric version, without MariaDB's
// "5.5.5-" prefix: 10.11.6 from "5.5.5-10.11.6-MariaDB", 8.0.11 from
// "8.0.11-TiDB-v8.4.0".
func (i *ServerInfo) versionNumbers() (major, minor, patch int) {
	v := strings.TrimPrefix(i.Version, "5.5.5-")
	var n [3]int
	for k := range n {
		end := 0
		for end < len(v) && v[end] >= '0' && v[end] <= '9' {
			end++
		}
		n[k], _ = strconv.Atoi(v[:end])
		if end >= len(v) || v[end] != '.' {
			break
		}
		v = v[end+1:]
	}
	return n[0], n[1], n[2]
}

// Feature is a server capability that some tests need and some servers of
// the MySQL family lack. SkipUnless skips a test on servers without it.
type Feature struct {
	// Name says what the feature is, for skip messages.
	Name string
	// has reports whether the server has the feature and, when it does not,
	// why.
	has func(i *ServerInfo) (bool, string)
}

// Has reports whether the server described by i has f, and when it does not,
// the reason.
func (f Feature) Has(i *ServerInfo) (bool, string) { return f.has(i) }

func capFeature(name string, bit uint64, bitName string) Feature {
	return Feature{Name: name, has: func(i *ServerInfo) (bool, string) {
		if i.Capabilities&bit != 0 {
			return true, ""
		}
		return false, "the server does not announce " + bitName
	}}
}

func mariaDBFeature(name string, major, minor int) Feature {
	return Feature{Name: name, has: func(i *ServerInfo) (bool, string) {
		if !i.MariaDB {
			return false, fmt.Sprintf("MariaDB %d.%d+ only", major, minor)
		}
		ma, mi, _ := i.versionNumbers()
		if ma > major || ma == major && mi >= minor {
			return true, ""
		}
		return false, fmt.Sprintf("MariaDB %d.%d+ only", major, minor)
	}}
}

// notTiDB is a feature every server has except TiDB, for the reason given.
func notTiDB(name, reason string) Feature {
	return Feature{Name: name, has: func(i *ServerInfo) (bool, string) {
		if i.TiDB() {
			return false, reason
		}
		return true, ""
	}}
}

// The features tests check for.
var (
	// SessionTracking is CLIENT_SESSION_TRACK: OK packets report changed
	// system variables, the schema and state changes (MariaDB, MySQL 5.7+;
	// not TiDB).
	SessionTracking = capFeature("session tracking", proto.ClientSessionTrack, "CLIENT_SESSION_TRACK")
	// BulkExecute is MariaDB's COM_STMT_BULK_EXECUTE
	// (MARIADB_CLIENT_STMT_BULK_OPERATIONS).
	BulkExecute = capFeature("COM_STMT_BULK_EXECUTE", proto.MariaDBClientStmtBulkOperations, "MARIADB_CLIENT_STMT_BULK_OPERATIONS")
	// LocalInfile is LOAD DATA LOCAL INFILE as far as the handshake tells
	// (CLIENT_LOCAL_FILES); the server's local_infile setting may still
	// refuse it.
	LocalInfile = capFeature("LOAD DATA LOCAL INFILE", proto.ClientLocalFiles, "CLIENT_LOCAL_FILES")
	// SequenceEngine is MariaDB's SEQUENCE engine: tables seq_1_to_N exist
	// in every database.
	SequenceEngine = mariaDBFeature("the SEQUENCE engine (seq_1_to_N tables)", 10, 0)
	// Returning is INSERT/REPLACE/DELETE ... RETURNING (MariaDB 10.5+).
	Returning = mariaDBFeature("RETURNING", 10, 5)
	// UUIDType is MariaDB's UUID column type (10.7+).
	UUIDType = mariaDBFeature("the UUID column type", 10, 7)
	// StoredProcedures is CREATE PROCEDURE and CALL.
	StoredProcedures = notTiDB("stored procedures", "TiDB has no stored procedures")
	// AllIsolationLevels is SET TRANSACTION ISOLATION LEVEL with each of
	// the four levels.
	AllIsolationLevels = notTiDB("all four isolation levels",
		"TiDB refuses READ UNCOMMITTED and SERIALIZABLE (error 8048) unless tidb_skip_isolation_level_check=1")
	// ReadOnlyTransactions is START TRANSACTION READ ONLY and SET
	// TRANSACTION READ ONLY.
	ReadOnlyTransactions = notTiDB("READ ONLY transactions",
		"TiDB implements READ ONLY only as a no-op it refuses (error 1235) unless tidb_enable_noop_functions=1")
	// ZlibCompression is the zlib protocol compression of CLIENT_COMPRESS.
	ZlibCompression = capFeature("zlib protocol compression", proto.ClientCompress, "CLIENT_COMPRESS")
	// ZstdCompression is the zstd protocol compression of MySQL 8.0.18+ and
	// TiDB (CLIENT_ZSTD_COMPRESSION_ALGORITHM; not MariaDB).
	ZstdCompression = capFeature("zstd protocol compression", proto.ClientZstdCompression, "CLIENT_ZSTD_COMPRESSION_ALGORITHM")
	// GBKIntroducer is the _gbk character set introducer (_gbk X'...').
	GBKIntroducer = notTiDB("the _gbk introducer",
		"TiDB accepts SET NAMES gbk but refuses _gbk (error 1115, Unsupported character introducer)")
	// SpatialTypes is GEOMETRY and the other spatial column types.
	SpatialTypes = notTiDB("spatial column types (GEOMETRY)", "TiDB has no spatial types")
	// StatementCounters is information_schema.SESSION_STATUS with the
	// Com_stmt_* counters of the session.
	StatementCounters = notTiDB("Com_stmt_* counters in information_schema.SESSION_STATUS",
		"TiDB keeps no per-session Com_* counters")
)

// probeCache holds the handshakes SkipUnless has read, per DSN.
var probeCache sync.Map // dsn -> *ServerInfo

// ServerInfoFor returns what the server at dsn announced in its handshake,
// probing it the first time and remembering the answer for the rest of the
// process. The returned value must not be modified.
func ServerInfoFor(ctx context.Context, dsn string) (*ServerInfo, error) {
	if v, ok := probeCache.Load(dsn); ok {
		return v.(*ServerInfo), nil
	}
	info, err := Probe(ctx, dsn)
	if err != nil {
		return nil, err
	}
	probeCache.Store(dsn, info)
	return info, nil
}

// SkipUnless skips the test, naming the server and the reason, unless the
// server at dsn has every feature in fs. It fails the test if the server
// cannot be probed (Require, which runs first in tests that connect, decides
// between skipping and failing when no server answers).
func SkipUnless(t testing.TB, dsn string, fs ...Feature) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	info, err := ServerInfoFor(ctx, dsn)
	if err != nil {
		t.Fatalf("mysqltest: SkipUnless: %v", err)
		return
	}
	for _, f := range fs {
		if ok, why := f.has(info); !ok {
			t.Skipf("needs %s, which %s %s lacks: %s", f.Name, info.Flavor(), info.Version, why)
			return
		}
	}
}
