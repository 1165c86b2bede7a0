package sqlb

import (
	"fmt"
	"strconv"
	"strings"
)

// Flavor is the family of the target server: MySQL or MariaDB. The two share most of
// their SQL but differ in locking clauses, RETURNING, upsert syntax and version numbers.
type Flavor int

const (
	// FlavorUnspecified is the zero Flavor; a Dialect with it compiles as DefaultDialect.
	FlavorUnspecified Flavor = iota
	// FlavorMySQL is Oracle MySQL (and compatible servers such as Percona Server).
	FlavorMySQL
	// FlavorMariaDB is MariaDB.
	FlavorMariaDB
)

// String returns "MySQL", "MariaDB" or "unspecified".
func (f Flavor) String() string {
	switch f {
	case FlavorMySQL:
		return "MySQL"
	case FlavorMariaDB:
		return "MariaDB"
	}
	return "unspecified"
}

// Version is a server version, major.minor.patch.
type Version struct {
	Major, Minor, Patch int
}

// String formats the version as major.minor.patch.
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// AtLeast reports whether v is major.minor.patch or newer.
func (v Version) AtLeast(major, minor, patch int) bool {
	if v.Major != major {
		return v.Major > major
	}
	if v.Minor != minor {
		return v.Minor > minor
	}
	return v.Patch >= patch
}

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
	return Dialect{Flavor: FlavorMySQL, Version: Version{major, minor, patch}}
}

// MariaDB returns the Dialect of a MariaDB server of the given version.
func MariaDB(major, minor, patch int) Dialect {
	return Dialect{Flavor: FlavorMariaDB, Version: Version{major, minor, patch}}
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
// "10.11.6-MariaDB-0+deb12u1" or "5.5.5-10.11.6-MariaDB" (the prefix MariaDB sent to old
// replication clients).
func ParseServerVersion(s string) (Dialect, error) {
	orig := s
	flavor := FlavorMySQL
	if strings.Contains(strings.ToLower(s), "mariadb") {
		flavor = FlavorMariaDB
		s = strings.TrimPrefix(s, "5.5.5-")
	}
	end := 0
	for end < len(s) && (s[end] == '.' || (s[end] >= '0' && s[end] <= '9')) {
		end++
	}
	parts := strings.Split(s[:end], ".")
	if end == 0 || len(parts) < 2 || len(parts) > 3 {
		return Dialect{}, fmt.Errorf("sqlb: cannot parse server version %q", orig)
	}
	var nums [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return Dialect{}, fmt.Errorf("sqlb: cannot parse server version %q", orig)
		}
		nums[i] = n
	}
	return Dialect{Flavor: flavor, Version: Version{nums[0], nums[1], nums[2]}}, nil
}
