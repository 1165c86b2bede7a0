package main

import (
	"testing"
	"time"
)

func TestProgressEstimate(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{rounds: 5, total: 3}
	p.startWorkload(0, "point", true)
	p.wStart = start
	if _, ok := p.estimate(0, start); ok {
		t.Error("an estimate before anything was measured")
	}
	// Two rounds of the first workload took 4s: 3 more rounds (6s), then two workloads of
	// 10s each at this pace.
	if d, ok := p.estimate(2, start.Add(4*time.Second)); !ok || d != 26*time.Second {
		t.Errorf("estimate after 2 rounds = %v, %v; want 26s", d, ok)
	}
	// The first workload took 10s; the second starts: its own 10s and the third's.
	p.finished, p.done = 10*time.Second, 1
	p.startWorkload(1, "scan", false)
	p.wStart = start.Add(10 * time.Second)
	if d, ok := p.estimate(0, p.wStart); !ok || d != 20*time.Second {
		t.Errorf("estimate at the second workload = %v, %v; want 20s", d, ok)
	}
	// One round of it took 1s: 4s more, then the third at the average of those done (10s).
	if d, ok := p.estimate(1, p.wStart.Add(time.Second)); !ok || d != 14*time.Second {
		t.Errorf("estimate after its first round = %v, %v; want 14s", d, ok)
	}
}
