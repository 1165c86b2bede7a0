package cluster

// Read-your-writes: the Session, which gathers the positions of a client's own commits, and
// the context that carries it to the reads.

import (
	"context"
	"sync"
)

// Session is the read-your-writes state of one client (a user, a web session, a job): the
// Position that covers every commit the client has made or been told about. A read made
// with a Session in its context (WithSession) and routed to a replica first waits until the
// replica has applied the Session's position, within Config.ReadYourWritesWait, and goes to
// the primary when the replica does not get there in time; a read without one reads
// whatever the replica has.
//
// The Cluster adds the position of every commit made with the Session in its context (its
// connections report their commits' GTIDs, Conn.LastGTID); Observe adds one by hand, for
// writes made outside the Cluster. A Session only grows. It is safe for concurrent use.
//
// A Session lives in one process. To carry it across requests (the next page of a web
// application must show what the last one wrote, whichever process serves it), keep its
// Position's text in the client's session:
//
//	// at the end of a request that wrote
//	http.SetCookie(w, &http.Cookie{Name: "pos", Value: s.Position().String(), Path: "/"})
//
//	// at the start of the next one
//	s := cluster.NewSession()
//	if c, err := r.Cookie("pos"); err == nil {
//		if p, err := cluster.ParsePosition(c.Value); err == nil {
//			s = cluster.ResumeSession(p)
//		}
//	}
//	ctx := cluster.WithSession(r.Context(), s)
//
// A cookie that does not parse is best dropped (a new Session): the worst a lost position
// does is let a read miss the client's latest writes.
type Session struct {
	mu  sync.Mutex
	pos Position
}

// NewSession returns a Session with the zero Position: its reads wait for nothing until it
// observes a commit.
func NewSession() *Session { return &Session{} }

// ResumeSession returns a Session that starts at pos, typically a position an earlier
// request kept (see Session).
func ResumeSession(pos Position) *Session { return &Session{pos: pos} }

// Position returns the position covering everything the Session has observed so far.
func (s *Session) Position() Position {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pos
}

// Observe adds a GTID (or GTID list, or GTID set: anything ParsePosition reads) to the
// Session, typically Conn.LastGTID after a commit. The empty string adds nothing. Text that
// does not parse leaves the Session unchanged and returns a *PositionError.
func (s *Session) Observe(gtid string) error {
	if gtid == "" {
		return nil
	}
	p, err := ParsePosition(gtid)
	if err != nil {
		return err
	}
	s.ObservePosition(p)
	return nil
}

// ObservePosition merges p into the Session's position (see Position.Merge).
func (s *Session) ObservePosition(p Position) {
	if p.IsZero() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pos = s.pos.Merge(p)
}

type sessionKey struct{}

// WithSession returns a context carrying s: reads made with it (and with contexts derived from
// it) read the Session's writes, and commits made with it are added to it. A nil s returns a
// context in which SessionFrom reports no Session, undoing an outer WithSession.
func WithSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// SessionFrom returns the Session WithSession put in ctx, or nil.
func SessionFrom(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}
