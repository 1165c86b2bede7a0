package main

import (
	"strings"
	"testing"
)

func TestPrintSpeed(t *testing.T) {
	for _, tc := range []struct {
		name          string
		before, after machineSpeed
		want          string
	}{
		{"measured", machineSpeed{rate: 20317.4}, machineSpeed{rate: 18407}, "did 20317 point queries/s before the run and 18407 after"},
		{"no sysbench", machineSpeed{why: "needs sysbench"}, machineSpeed{why: "needs sysbench"}, "not measured (needs sysbench)"},
		{"failed after", machineSpeed{rate: 1000}, machineSpeed{why: "sysbench: exit status 1"}, "not measured (sysbench: exit status 1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			printSpeed(&b, tc.before, tc.after)
			if got := b.String(); !strings.Contains(got, tc.want) || !strings.HasPrefix(got, "machine speed: ") {
				t.Errorf("printSpeed = %q, want it to contain %q", got, tc.want)
			}
		})
	}
}
