package wire

import (
	"testing"
	"time"
)

// DateTime.Time in UTC computes what time.Date does, across the calendar's corners: year 0,
// leap days, century years, days past the end of a month, and the end of year 9999.
func TestDateTimeTimeMatchesTimeDate(t *testing.T) {
	years := []int{0, 1, 3, 4, 99, 100, 399, 400, 1600, 1899, 1900, 1969, 1970, 1971, 1999, 2000,
		2001, 2023, 2024, 2100, 2400, 9998, 9999}
	other := time.FixedZone("UTC+3", 3*3600)
	for _, y := range years {
		for m := 1; m <= 12; m++ {
			for _, day := range []int{0, 1, 2, 15, 28, 29, 30, 31} {
				for _, tm := range [][4]int{{0, 0, 0, 0}, {23, 59, 59, 999999}, {12, 34, 56, 1}} {
					d := DateTime{Year: y, Month: m, Day: day, Hour: tm[0], Minute: tm[1], Second: tm[2], Micros: tm[3]}
					for _, loc := range []*time.Location{time.UTC, other} {
						want := time.Date(y, time.Month(m), day, tm[0], tm[1], tm[2], tm[3]*1000, loc)
						if got := d.Time(loc); got != want {
							t.Fatalf("%+v in %v: got %v, want %v", d, loc, got, want)
						}
					}
				}
			}
		}
	}
}
