package myx

import "testing"

func TestParseServerVersion(t *testing.T) {
	cases := []struct {
		in     string
		flavor Flavor
		v      Version
		compat Version
	}{
		{"8.0.36", MySQL, Version{8, 0, 36}, Version{8, 0, 36}},
		{"8.4.0-commercial", MySQL, Version{8, 4, 0}, Version{8, 4, 0}},
		{"5.7", MySQL, Version{5, 7, 0}, Version{5, 7, 0}},
		{"10.11.6-MariaDB-0+deb12u1", MariaDB, Version{10, 11, 6}, Version{}},
		{"5.5.5-10.11.6-MariaDB", MariaDB, Version{10, 11, 6}, Version{}},
		{"11.4.2-mariadb-log", MariaDB, Version{11, 4, 2}, Version{}},
		// TiDB: its MySQL compatibility version, then its own release.
		{"5.7.25-TiDB-v6.5.0", TiDB, Version{6, 5, 0}, Version{5, 7, 25}},
		{"8.0.11-TiDB-v7.5.1", TiDB, Version{7, 5, 1}, Version{8, 0, 11}},
		{"8.0.11-TiDB-v8.5.0", TiDB, Version{8, 5, 0}, Version{8, 0, 11}},
		{"8.0.11-TiDB-v7.5.0-alpha-12-gabcdef0", TiDB, Version{7, 5, 0}, Version{8, 0, 11}},
		{"8.0.11-TiDB-v9.0.0-beta.2.pre-196-g312226f869", TiDB, Version{9, 0, 0}, Version{8, 0, 11}},
		// A source build's placeholder release, and a build with no release at all.
		{"8.0.11-TiDB-v8.4.0-this-is-a-placeholder", TiDB, Version{8, 4, 0}, Version{8, 0, 11}},
		{"8.0.11-TiDB-None", TiDB, Version{}, Version{8, 0, 11}},
	}
	for _, tc := range cases {
		got, err := ParseServerVersion(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got.Flavor != tc.flavor || got.Number() != tc.v || got.MySQLCompat != tc.compat || got.Version != tc.in {
			t.Errorf("%q: got %v %v compat %v, want %v %v compat %v", tc.in, got.Flavor, got.Number(), got.MySQLCompat, tc.flavor, tc.v, tc.compat)
		}
	}
	for _, bad := range []string{"", "MariaDB", "8", "8.", "v8.0.1", "x-TiDB-v8.5.0", "1234567890.1"} {
		if got, err := ParseServerVersion(bad); err == nil {
			t.Errorf("%q: accepted as %+v", bad, got)
		}
	}
}

func TestParseServerInfoHandshake(t *testing.T) {
	// MariaDB announced by its capabilities, without "MariaDB" in the version.
	if got := parseServerInfo("5.5.5-10.6.12", true); got.Flavor != MariaDB || got.Number() != (Version{10, 6, 12}) {
		t.Errorf("MariaDB by capabilities: %+v", got)
	}
	// TiDB keeps CLIENT_MYSQL, but its version string is what tells it anyway.
	if got := parseServerInfo("8.0.11-TiDB-v8.5.0", false); got.Flavor != TiDB || got.String() != "TiDB 8.5.0" {
		t.Errorf("TiDB: %+v (%s)", got, got)
	}
	// An unreadable version does not fail the connection: the version is zero.
	if got := parseServerInfo("garbage", false); got.Flavor != MySQL || got.Number() != (Version{}) || got.Version != "garbage" {
		t.Errorf("garbage: %+v", got)
	}
	if !(ServerInfo{Major: 10, Minor: 11}).AtLeast(10, 5, 0) || (ServerInfo{Major: 8}).AtLeast(8, 0, 1) {
		t.Error("AtLeast")
	}
	for f, want := range map[Flavor]string{MySQL: "MySQL", MariaDB: "MariaDB", TiDB: "TiDB"} {
		if f.String() != want {
			t.Errorf("%d.String() = %q", f, f.String())
		}
	}
}
