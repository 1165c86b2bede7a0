package myx

import (
	"context"
	"errors"
	"testing"
)

func TestCommitOutcome(t *testing.T) {
	lost := &ConnError{Op: "read", Err: errors.New("reset")}
	notSent := &ConnError{Op: "write", Err: errors.New("stale"), safe: true}
	server := &MySQLError{Number: 1180, Message: "Got error during COMMIT"}
	cases := []struct {
		name    string
		err     error
		unknown bool
		nilErr  bool
	}{
		{"ok", nil, false, true},
		{"lost after sending", lost, true, false},
		{"nothing sent", notSent, false, false},
		{"server refused", server, false, false},
		{"interrupted, server finished", &InterruptedError{Cause: context.Canceled, Completed: true}, false, true},
		{"interrupted, connection closed", &InterruptedError{Cause: context.Canceled, ConnClosed: true}, true, false},
		{"interrupted, server error", &InterruptedError{Cause: context.Canceled, Server: &MySQLError{Number: ErQueryInterrupted}}, true, false},
		{"context ended before sending", &InterruptedError{Cause: context.Canceled}, false, false},
	}
	for _, c := range cases {
		got := commitOutcome(c.err)
		if c.nilErr != (got == nil) {
			t.Errorf("%s: got %v", c.name, got)
			continue
		}
		if errors.Is(got, ErrCommitUnknown) != c.unknown {
			t.Errorf("%s: unknown=%v, got %v", c.name, !c.unknown, got)
		}
		if got != nil && c.err != nil && !errors.Is(got, c.err) {
			t.Errorf("%s: %v does not wrap %v", c.name, got, c.err)
		}
	}
}

func TestSentBefore(t *testing.T) {
	safe := &ConnError{Op: "write", Err: errors.New("x"), safe: true}
	if SafeToRetry(sentBefore(safe)) {
		t.Fatal("sentBefore must clear the safe mark")
	}
	if !SafeToRetry(safe) {
		t.Fatal("sentBefore must not modify its argument")
	}
	other := errors.New("y")
	if sentBefore(other) != other {
		t.Fatal("other errors pass through")
	}
}
