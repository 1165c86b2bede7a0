package myx

import (
	"testing"
	"time"
)

func TestPollGroupEnter(t *testing.T) {
	g := &pollGroup{limit: 2}
	if !g.enter() || !g.enter() {
		t.Fatal("a wait within the limit was sent to the runtime's poller")
	}
	if g.enter() {
		t.Fatal("a wait beyond the limit may take a thread")
	}
	if g.crowdedAt.Load() == 0 {
		t.Fatal("crowding not recorded")
	}
	g.waiting.Add(-3)
	// Less than calmAfter after a crowding (a stamp not yet in the past stands for that),
	// waits stay in the runtime's poller even within the limit.
	g.crowdedAt.Store(time.Now().Add(time.Minute).UnixNano())
	if g.enter() {
		t.Error("a wait took a thread in a group crowded a moment ago")
	}
	g.waiting.Add(-1)
	g.crowdedAt.Store(time.Now().Add(-2 * calmAfter).UnixNano())
	if !g.enter() {
		t.Error("a wait of a group calm again was sent to the runtime's poller")
	}
	if n := g.waiting.Load(); n != 1 {
		t.Errorf("waiting = %d, want 1", n)
	}
}
