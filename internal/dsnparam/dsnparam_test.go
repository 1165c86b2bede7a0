package dsnparam

import (
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	good := map[string]time.Duration{
		"90s": 90 * time.Second, "1h30m": 90 * time.Minute, "500ms": 500 * time.Millisecond,
		"30": 30 * time.Second, "0.25": 250 * time.Millisecond, "0": 0, "-1": -time.Second,
	}
	for in, want := range good {
		if got, err := Duration(in); err != nil || got != want {
			t.Errorf("Duration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "NaN", "1e30", "-1e30", "5 s"} {
		if got, err := Duration(in); err == nil {
			t.Errorf("Duration(%q) = %v, want an error", in, got)
		}
	}
}
