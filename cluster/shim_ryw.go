package cluster

// Temporary stand-ins for branch ryw's files (position.go, session.go, wait.go, galera.go),
// removed when it is merged.

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/myxdb/myx"
)

// Position stands in for ryw's Position.
type Position struct{ s string }

// IsZero stands in.
func (p Position) IsZero() bool { return p.s == "" }

// CoveredBy stands in.
func (p Position) CoveredBy(applied Position) bool { return p.s == "" || p.s == applied.s }

// Merge stands in.
func (p Position) Merge(q Position) Position {
	if p.s == "" {
		return q
	}
	return p
}

// String stands in.
func (p Position) String() string { return p.s }

// Session stands in for ryw's Session.
type Session struct {
	mu  sync.Mutex
	pos Position
}

// NewSession stands in.
func NewSession() *Session { return &Session{} }

// Observe stands in.
func (s *Session) Observe(gtid string) {
	if gtid == "" {
		return
	}
	s.mu.Lock()
	s.pos = Position{gtid}
	s.mu.Unlock()
}

// Position stands in.
func (s *Session) Position() Position {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pos
}

type sessionKey struct{}

// WithSession stands in.
func WithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionFrom stands in.
func SessionFrom(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}

func waitApplied(ctx context.Context, c *myx.Conn, pos Position, bound time.Duration) (bool, error) {
	return false, nil
}

func appliedPosition(ctx context.Context, c *myx.Conn) (Position, error) {
	return Position{}, nil
}

// GaleraState stands in.
type GaleraState struct {
	On      bool
	State   int
	Ready   bool
	Comment string
}

// Synced stands in.
func (g GaleraState) Synced() bool { return g.State == 4 }

func galeraState(ctx context.Context, c *myx.Conn) (GaleraState, error) {
	return GaleraState{}, nil
}

func notReady(err error) bool {
	var me *myx.MySQLError
	return errors.As(err, &me) && me.Number == 1047
}
