// Package dsnparam parses the values of DSN parameters the same way in every package that
// reads them (the root package, pool and cluster).
package dsnparam

import (
	"errors"
	"math"
	"strconv"
	"time"
)

// errDuration is what Duration reports for text that is neither form.
var errDuration = errors.New("not a duration (want e.g. 500ms, 90s, 1h or a number of seconds)")

// maxSeconds bounds a number of seconds so that converting it cannot overflow a Duration.
const maxSeconds = float64(1<<62) / float64(time.Second)

// Duration parses a duration written as Go does ("1.5s", "90s", "1h30m") or as a plain number
// of seconds ("30", "0.25"), as go-sql-driver's timeouts are. Out-of-range numbers and NaN are
// errors, never a wrapped-around value.
func Duration(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > maxSeconds {
		return 0, errDuration
	}
	return time.Duration(f * float64(time.Second)), nil
}
