package sqlb

import (
	"fmt"

	"github.com/myxdb/myx"
)

// Flavor is the family of the target server: MySQL, MariaDB or TiDB. They share most of
// their SQL but differ in locking clauses, RETURNING, upsert syntax, set operations and
// version numbers.
type Flavor int

const (
	// FlavorUnspecified is the zero Flavor; a Dialect with it compiles as DefaultDialect.
	FlavorUnspecified Flavor = iota
	// FlavorMySQL is Oracle MySQL (and compatible servers such as Percona Server).
	FlavorMySQL
	// FlavorMariaDB is MariaDB.
	FlavorMariaDB
	// FlavorTiDB is TiDB, versioned by its own releases (8.5.0 for a server reporting
	// "8.0.11-TiDB-v8.5.0"), with a feature table of its own.
	FlavorTiDB
)

// String returns "MySQL", "MariaDB", "TiDB" or "unspecified".
func (f Flavor) String() string {
	switch f {
	case FlavorMySQL:
		return "MySQL"
	case FlavorMariaDB:
		return "MariaDB"
	case FlavorTiDB:
		return "TiDB"
	}
	return "unspecified"
}

// Version is a server version, major.minor.patch: the root package's myx.Version, so
// that a server's version reads the same everywhere.
type Version = myx.Version

// Dialect is the target of compilation: a server flavour and version. Statements compile
// to the SQL that server accepts, and a feature it lacks is a compile-time error
// (see ErrUnsupported). The zero Dialect means DefaultDialect.
type Dialect struct {
	Flavor  Flavor
	Version Version
	// NoBackslashEscapes tells the compiler that the session runs with the
	// NO_BACKSLASH_ESCAPES SQL mode, so the few literals rendered into SQL text (DDL
	// defaults and comments, DebugSQL) must not escape with backslashes.
	NoBackslashEscapes bool
}

// DefaultDialect is used when a statement is compiled with the zero Dialect: MySQL 8.0.0,
// the most conservative MySQL 8 (it refers to inserted values with VALUES(col), which
// every MySQL 8 accepts). Pass the real server version to get the newest syntax.
var DefaultDialect = MySQL(8, 0, 0)

// MySQL returns the Dialect of a MySQL server of the given version.
func MySQL(major, minor, patch int) Dialect {
	return Dialect{Flavor: FlavorMySQL, Version: Version{Major: major, Minor: minor, Patch: patch}}
}

// MariaDB returns the Dialect of a MariaDB server of the given version.
func MariaDB(major, minor, patch int) Dialect {
	return Dialect{Flavor: FlavorMariaDB, Version: Version{Major: major, Minor: minor, Patch: patch}}
}

// TiDB returns the Dialect of a TiDB server of the given release (TiDB's own version,
// not the MySQL version it reports first).
func TiDB(major, minor, patch int) Dialect {
	return Dialect{Flavor: FlavorTiDB, Version: Version{Major: major, Minor: minor, Patch: patch}}
}

// String describes the dialect, for example "MariaDB 10.11.0".
func (d Dialect) String() string {
	d = d.resolved()
	return d.Flavor.String() + " " + d.Version.String()
}

// IsMariaDB reports whether the dialect targets MariaDB.
func (d Dialect) IsMariaDB() bool { return d.resolved().Flavor == FlavorMariaDB }

// IsMySQL reports whether the dialect targets MySQL.
func (d Dialect) IsMySQL() bool { return d.resolved().Flavor == FlavorMySQL }

// IsTiDB reports whether the dialect targets TiDB.
func (d Dialect) IsTiDB() bool { return d.resolved().Flavor == FlavorTiDB }

// resolved replaces an unspecified flavour by DefaultDialect.
func (d Dialect) resolved() Dialect {
	if d.Flavor == FlavorUnspecified {
		nbe := d.NoBackslashEscapes
		d = DefaultDialect
		d.NoBackslashEscapes = d.NoBackslashEscapes || nbe
	}
	return d
}

// ParseServerVersion builds a Dialect from the version string a server reports in its
// handshake or from SELECT VERSION(), for example "8.0.36", "8.4.0-commercial",
// "10.11.6-MariaDB-0+deb12u1", "5.5.5-10.11.6-MariaDB" (the prefix MariaDB sent to old
// replication clients) or "8.0.11-TiDB-v8.5.0" (TiDB 8.5.0). It reads the version as
// myx.ParseServerVersion does.
func ParseServerVersion(s string) (Dialect, error) {
	info, err := myx.ParseServerVersion(s)
	if err != nil {
		return Dialect{}, fmt.Errorf("sqlb: cannot parse server version %q", s)
	}
	return DialectForServer(info), nil
}
