package myx

import (
	"strconv"
	"strings"
)

// Flavor tells MariaDB and MySQL apart.
type Flavor int

// Server flavours.
const (
	MySQL Flavor = iota
	MariaDB
)

func (f Flavor) String() string {
	if f == MariaDB {
		return "MariaDB"
	}
	return "MySQL"
}

// ServerInfo describes the server a connection talks to.
type ServerInfo struct {
	Flavor Flavor
	// Major, Minor and Patch are the numeric version (for MariaDB without the "5.5.5-" prefix
	// older releases send).
	Major, Minor, Patch int
	// Version is the version string as the server sent it.
	Version string
}

// AtLeast reports whether the server version is at least major.minor.patch.
func (s ServerInfo) AtLeast(major, minor, patch int) bool {
	if s.Major != major {
		return s.Major > major
	}
	if s.Minor != minor {
		return s.Minor > minor
	}
	return s.Patch >= patch
}

// String gives e.g. "MariaDB 10.11.6".
func (s ServerInfo) String() string {
	return s.Flavor.String() + " " + strconv.Itoa(s.Major) + "." + strconv.Itoa(s.Minor) + "." + strconv.Itoa(s.Patch)
}

func parseServerInfo(version string, mariaDBCaps bool) ServerInfo {
	info := ServerInfo{Version: version}
	v := version
	if strings.Contains(v, "MariaDB") || mariaDBCaps {
		info.Flavor = MariaDB
		v = strings.TrimPrefix(v, "5.5.5-")
	}
	nums := [3]int{}
	for i := range nums {
		j := 0
		for j < len(v) && v[j] >= '0' && v[j] <= '9' {
			j++
		}
		nums[i], _ = strconv.Atoi(v[:j])
		v = v[j:]
		if len(v) == 0 || v[0] != '.' {
			break
		}
		v = v[1:]
	}
	info.Major, info.Minor, info.Patch = nums[0], nums[1], nums[2]
	return info
}
