package cluster

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
)

func TestSessionObserve(t *testing.T) {
	s := NewSession()
	if !s.Position().IsZero() {
		t.Fatalf("new session at %q", s.Position())
	}
	if err := s.Observe(""); err != nil || !s.Position().IsZero() {
		t.Fatalf(`Observe(""): %v, at %q`, err, s.Position())
	}
	for _, g := range []string{"0-1-5", "0-1-3", "1-1-2", "0-2-7"} {
		if err := s.Observe(g); err != nil {
			t.Fatalf("Observe(%q): %v", g, err)
		}
	}
	if got, want := s.Position().String(), "0-2-7,1-1-2"; got != want {
		t.Errorf("position %q, want %q", got, want)
	}
	err := s.Observe("0-1")
	var pe *PositionError
	if !errors.As(err, &pe) {
		t.Errorf("Observe of a bad GTID: %v, want a *PositionError", err)
	}
	if got := s.Position().String(); got != "0-2-7,1-1-2" {
		t.Errorf("a bad GTID changed the session: %q", got)
	}
	s.ObservePosition(Position{})
	s.ObservePosition(mustParse(t, uuidA+":1-3"))
	if got, want := s.Position().String(), "0-2-7,1-1-2,"+uuidA+":1-3"; got != want {
		t.Errorf("position %q, want %q", got, want)
	}

	r := ResumeSession(s.Position())
	if r == s || r.Position() != s.Position() {
		t.Errorf("ResumeSession: %p at %q, from %p at %q", r, r.Position(), s, s.Position())
	}
	r.Observe("0-1-9")
	if s.Position().String() != "0-2-7,1-1-2,"+uuidA+":1-3" {
		t.Errorf("the resumed session shares state with the old one: %q", s.Position())
	}
}

func TestSessionConcurrent(t *testing.T) {
	s := NewSession()
	var wg sync.WaitGroup
	const workers, each = 8, 200
	for w := range workers {
		wg.Go(func() {
			for i := 1; i <= each; i++ {
				if err := s.Observe(strconv.Itoa(w) + "-1-" + strconv.Itoa(i)); err != nil {
					t.Error(err)
					return
				}
				_ = s.Position().String()
			}
		})
	}
	wg.Wait()
	want := ""
	for w := range workers {
		if w > 0 {
			want += ","
		}
		want += strconv.Itoa(w) + "-1-" + strconv.Itoa(each)
	}
	if got := s.Position().String(); got != want {
		t.Errorf("position %q, want %q", got, want)
	}
}

func TestSessionContext(t *testing.T) {
	ctx := context.Background()
	if SessionFrom(ctx) != nil {
		t.Fatal("a session in the background context")
	}
	s := NewSession()
	ctx = WithSession(ctx, s)
	child, cancel := context.WithCancel(ctx)
	defer cancel()
	if SessionFrom(ctx) != s || SessionFrom(child) != s {
		t.Errorf("SessionFrom did not find the session")
	}
	if SessionFrom(WithSession(child, nil)) != nil {
		t.Errorf("WithSession(ctx, nil) did not undo the outer session")
	}
}
