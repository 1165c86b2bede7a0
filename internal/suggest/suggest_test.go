package suggest

import "testing"

func TestClosest(t *testing.T) {
	known := []string{"connect_timeout", "timeout", "tls", "readTimeout", "writeTimeout", "loc", "pool_max_conns"}
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"conect_timeout", "connect_timeout", true},
		{"tsl", "tls", true},
		{"readTimout", "readTimeout", true},
		{"read_timeout", "readTimeout", true},
		{"ReadTimeout", "readTimeout", true},
		{"writeTimeoutt", "writeTimeout", true},
		{"pool_max_con", "pool_max_conns", false}, // two edits
		{"pool_maxconns", "pool_max_conns", true},
		{"tls", "", false},          // known itself
		{"wait_timeout", "", false}, // a session variable, two edits from writeTimeout
		{"time_zone", "", false},    // a session variable
		{"sql_mode", "", false},     // a session variable
		{"lo", "loc", true},
		{"", "", false},
	} {
		got, ok := Closest(tc.name, known)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("Closest(%q) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{
		{"abc", "abc", 0}, {"abc", "abd", 1}, {"abc", "acb", 1}, {"abc", "ab", 1}, {"ab", "abc", 1},
		{"abc", "xbc", 1}, {"abc", "bca", 2}, {"abcd", "ab", 2}, {"", "a", 1}, {"a", "", 1}, {"ab", "ba", 1},
		{"waittimeout", "writetimeout", 2},
	} {
		if got := distance(tc.a, tc.b); got != tc.d {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
}
