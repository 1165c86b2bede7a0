package sqltext

import (
	"math"
	"testing"
	"time"
)

func TestAppendTimeText(t *testing.T) {
	cases := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2012, 6, 14, 0, 0, 0, 0, time.UTC), "2012-06-14"},
		{time.Date(2011, 11, 20, 21, 27, 37, 0, time.UTC), "2011-11-20 21:27:37"},
		{time.Date(2011, 11, 20, 21, 27, 37, 123456789, time.UTC), "2011-11-20 21:27:37.123456789"},
		{time.Date(2011, 11, 20, 21, 27, 37, 500000000, time.UTC), "2011-11-20 21:27:37.5"},
		{time.Date(2011, 11, 20, 0, 0, 0, 1, time.UTC), "2011-11-20 00:00:00.000000001"},
		{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "0001-01-01"},
		{time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("X", 3600)), "9999-12-31 23:59:59.999999999"},
	}
	for _, c := range cases {
		got, ok := AppendTimeText([]byte("x"), c.t)
		if !ok || string(got) != "x"+c.want {
			t.Errorf("%v: %q %v, want %q", c.t, got, ok, c.want)
		}
	}
	for _, bad := range []time.Time{time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if got, ok := AppendTimeText([]byte("x"), bad); ok || string(got) != "x" {
			t.Errorf("%v: %q %v, want refused with nothing appended", bad, got, ok)
		}
	}
}

func TestAppendShortestFloat(t *testing.T) {
	cases := []struct {
		f    float64
		want string
	}{
		{0.1, "0.1"}, {1.5, "1.5"}, {-2, "-2"}, {1e21, "1e+21"}, {1e-7, "1e-07"},
		{float64(float32(0.1)), "0.10000000149011612"},
	}
	for _, c := range cases {
		if got, ok := AppendShortestFloat(nil, c.f); !ok || string(got) != c.want {
			t.Errorf("%v: %q %v, want %q", c.f, got, ok, c.want)
		}
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got, ok := AppendShortestFloat([]byte("x"), bad); ok || string(got) != "x" {
			t.Errorf("%v: %q %v, want refused", bad, got, ok)
		}
	}
}
