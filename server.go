package myx

import (
	"errors"
	"strconv"
	"strings"
)

// Flavor tells the servers of the MySQL family apart: MySQL (and servers that present
// themselves as it, such as Percona Server), MariaDB and TiDB.
type Flavor int

// Server flavours.
const (
	MySQL Flavor = iota
	MariaDB
	// TiDB is PingCAP's distributed SQL database, which speaks the MySQL protocol and
	// reports a MySQL version followed by its own ("8.0.11-TiDB-v8.5.0").
	TiDB
)

// String returns "MySQL", "MariaDB" or "TiDB".
func (f Flavor) String() string {
	switch f {
	case MariaDB:
		return "MariaDB"
	case TiDB:
		return "TiDB"
	}
	return "MySQL"
}

// Version is a server version number, major.minor.patch.
type Version struct {
	Major, Minor, Patch int
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

// String formats the version as major.minor.patch.
func (v Version) String() string {
	return strconv.Itoa(v.Major) + "." + strconv.Itoa(v.Minor) + "." + strconv.Itoa(v.Patch)
}

// ServerInfo describes the server a connection talks to.
type ServerInfo struct {
	Flavor Flavor
	// Major, Minor and Patch are the version of the flavour's own releases: for MariaDB
	// without the "5.5.5-" prefix older releases send, for TiDB its release ("8.5.0" of
	// "8.0.11-TiDB-v8.5.0"; 0.0.0 for a build whose release is not a version number).
	Major, Minor, Patch int
	// MySQLCompat is, for TiDB, the MySQL version it declares itself compatible with (8.0.11
	// of "8.0.11-TiDB-v8.5.0"); for MySQL it is the version, for MariaDB zero.
	MySQLCompat Version
	// Version is the version string as the server sent it.
	Version string
}

// AtLeast reports whether the server's own version (Major.Minor.Patch) is at least
// major.minor.patch. Compare it only once the flavour is known: MariaDB 10.5 and TiDB 8.5
// are not newer than MySQL 8.0.36 in any useful sense.
func (s ServerInfo) AtLeast(major, minor, patch int) bool {
	return s.Number().AtLeast(major, minor, patch)
}

// Number is Major.Minor.Patch as a Version.
func (s ServerInfo) Number() Version { return Version{s.Major, s.Minor, s.Patch} }

// String gives e.g. "MariaDB 10.11.6" or "TiDB 8.5.0".
func (s ServerInfo) String() string {
	return s.Flavor.String() + " " + s.Number().String()
}

// tidbSeparator separates the MySQL compatibility version from TiDB's own in the version
// TiDB reports; TiDB keeps it fixed because its tools split the version there.
const tidbSeparator = "-TiDB-"

// ParseServerVersion reads a version string as a server reports it, in its handshake or
// from SELECT VERSION(): "8.0.36", "8.4.0-commercial", "10.11.6-MariaDB-0+deb12u1",
// "5.5.5-10.11.6-MariaDB" (the prefix MariaDB sends to old clients), "5.7.25-TiDB-v6.5.0",
// "8.0.11-TiDB-v8.5.0". It fails when the string does not start with at least a
// major.minor version; a TiDB release that is not a version number (a build without
// release information) gives TiDB 0.0.0 with the MySQL compatibility version.
//
// A connection also learns the flavour from the handshake's capability flags (a MariaDB
// server that does not say "MariaDB" in its version); Conn.ServerInfo has that answer.
func ParseServerVersion(version string) (ServerInfo, error) {
	info := ServerInfo{Version: version}
	switch {
	case strings.Contains(version, tidbSeparator):
		info.Flavor = TiDB
		mysqlPart, release, _ := strings.Cut(version, tidbSeparator)
		compat, ok := parseVersionPrefix(mysqlPart)
		if !ok {
			return info, errors.New("myx: cannot parse server version " + strconv.Quote(version))
		}
		info.MySQLCompat = compat
		// "v8.5.0", "v7.5.0-alpha-12-gabcdef", "v9.0.0-beta.2.pre-196-g312226f869".
		if v, ok := parseVersionPrefix(strings.TrimPrefix(release, "v")); ok {
			info.Major, info.Minor, info.Patch = v.Major, v.Minor, v.Patch
		}
		return info, nil
	case strings.Contains(strings.ToLower(version), "mariadb"):
		info.Flavor = MariaDB
		version = strings.TrimPrefix(version, "5.5.5-")
	}
	v, ok := parseVersionPrefix(version)
	if !ok {
		return info, errors.New("myx: cannot parse server version " + strconv.Quote(info.Version))
	}
	info.Major, info.Minor, info.Patch = v.Major, v.Minor, v.Patch
	if info.Flavor == MySQL {
		info.MySQLCompat = v
	}
	return info, nil
}

// parseVersionPrefix reads the "major.minor[.patch]" s starts with; ok is false when it
// does not start with at least major.minor.
func parseVersionPrefix(s string) (v Version, ok bool) {
	var nums [3]int
	n := 0
	for n < len(nums) {
		j := 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == 0 || j > 9 {
			break
		}
		nums[n], _ = strconv.Atoi(s[:j])
		n++
		s = s[j:]
		if len(s) < 2 || s[0] != '.' || s[1] < '0' || s[1] > '9' {
			break
		}
		s = s[1:]
	}
	if n < 2 {
		return Version{}, false
	}
	return Version{nums[0], nums[1], nums[2]}, true
}

// parseServerInfo is ParseServerVersion for the handshake, where mariaDBCaps (the server
// cleared CLIENT_MYSQL to announce MariaDB's extended capabilities) also says MariaDB, and
// a version string it cannot read leaves the version zero rather than failing the
// connection.
func parseServerInfo(version string, mariaDBCaps bool) ServerInfo {
	info, _ := ParseServerVersion(version)
	if mariaDBCaps && info.Flavor == MySQL {
		info.Flavor = MariaDB
		info.MySQLCompat = Version{}
		if v, ok := parseVersionPrefix(strings.TrimPrefix(version, "5.5.5-")); ok {
			info.Major, info.Minor, info.Patch = v.Major, v.Minor, v.Patch
		}
	}
	return info
}
