//go:build !unix

package otelmyx_test

import (
	"testing"
	"time"
)

// processCPU is not measured on this platform: the CPU metrics of BenchmarkPointInterleaved
// read 0.
func processCPU(*testing.B) time.Duration { return 0 }
