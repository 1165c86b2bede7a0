package myx

import (
	"testing"
	"time"
)

func TestPollGroupEnter(t *testing.T) {
	g := newPollGroup(2, 100)
	var a, b, c uint32
	if !g.enter(&a) || !g.enter(&b) {
		t.Fatal("a wait within the limit was sent to the runtime's poller")
	}
	if g.enter(&c) {
		t.Fatal("a wait beyond the limit may take a thread")
	}
	if g.crowdedAt.Load() == 0 {
		t.Fatal("crowding not recorded")
	}
	g.waiting.Add(-3)
	// Less than calmAfter after a crowding (a stamp not yet in the past stands for that),
	// waits stay in the runtime's poller even within the limit.
	g.crowdedAt.Store(time.Now().Add(time.Minute).UnixNano())
	if g.enter(&a) {
		t.Error("a wait took a thread in a group crowded a moment ago")
	}
	g.waiting.Add(-1)
	g.crowdedAt.Store(time.Now().Add(-2 * calmAfter).UnixNano())
	if !g.enter(&a) {
		t.Error("a wait of a group calm again was sent to the runtime's poller")
	}
	if n := g.waiting.Load(); n != 1 {
		t.Errorf("waiting = %d, want 1", n)
	}
}

// TestPollGroupActive: a group in which more than activeLimit connections waited in the last
// window sends its waits to the runtime's poller even when few are waiting at the moment,
// and counts each connection once per window.
func TestPollGroupActive(t *testing.T) {
	g := newPollGroup(2, 2)
	seen := make([]uint32, 3)
	// Window 1: three connections wait, one at a time (never more than the limit at once).
	g.windowAt.Store(time.Now().Add(time.Minute).UnixNano()) // the window does not end now
	for i := range seen {
		g.enter(&seen[i])
		g.enter(&seen[i]) // counted once
		g.waiting.Add(-2)
	}
	if n := g.active.Load(); n != 3 {
		t.Fatalf("active = %d, want 3 (each connection once)", n)
	}
	// The window ends: the next wait sees three connections active in the last one.
	g.windowAt.Store(time.Now().Add(-2 * activeWindow).UnixNano())
	if g.enter(&seen[0]) {
		t.Error("a wait took a thread in a group with more active connections than activeLimit")
	}
	g.waiting.Add(-1)
	if n := g.lastActive.Load(); n != 3 {
		t.Errorf("lastActive = %d, want 3", n)
	}
	// Calm again: a window with one active connection, and no crowding for calmAfter.
	g.windowAt.Store(time.Now().Add(-2 * activeWindow).UnixNano())
	g.crowdedAt.Store(time.Now().Add(-2 * calmAfter).UnixNano())
	if !g.enter(&seen[0]) {
		t.Error("a wait of a calm group with one active connection was sent to the runtime's poller")
	}
}
