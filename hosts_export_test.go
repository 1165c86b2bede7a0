package myx

import "time"

// SetHostClockForTest makes the deny list of cfg read the time from now. Call it before the
// first connect with cfg.
func SetHostClockForTest(cfg *Config, now func() time.Time) { cfg.hostList().now = now }
