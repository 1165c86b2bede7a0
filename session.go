package myx

// The session core: setting the session up after login (tracking, character set, session
// variables, init commands) and resetting it (COM_RESET_CONNECTION).

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/myxdb/myx/internal/wire"
)

// initSession sets the session up as configured, after login and after a reset: a collation
// the handshake could not name, session state tracking (so that SessionChanged can tell when a
// session needs resetting), Config.Charsets, session variables and init commands.
func (c *Conn) initSession() error {
	// A collation the handshake cannot name (an id above 255) is set with SET NAMES.
	if _, setNames := handshakeCollation(c.cfg.collation()); setNames != "" {
		if _, err := c.execText("SET NAMES " + charsetOf(setNames) + " COLLATE " + setNames); err != nil {
			return err
		}
	}
	if c.caps&wire.ClientSessionTrack != 0 {
		// GTID tracking (Config.TrackGTID) goes in the same SET; a server that refuses it
		// gets the SET again without it.
		q := "SET SESSION session_track_state_change = ON"
		gtids := c.gtidTrackingSet()
		if gtids != "" {
			q += ", " + gtids
		}
		_, err := c.execText(q)
		var me *MySQLError
		if gtids != "" && errors.As(err, &me) {
			_, err = c.execText("SET SESSION session_track_state_change = ON")
			gtids = ""
		}
		c.tracking = err == nil
		c.gtidTracking = err == nil && gtids != ""
		if err != nil && !errors.As(err, &me) {
			return err
		}
	}
	if err := c.setCharsets(); err != nil {
		return err
	}
	if len(c.cfg.SessionVars) > 0 {
		var b strings.Builder
		b.WriteString("SET ")
		for i, kv := range c.cfg.SessionVars {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(kv[0])
			b.WriteByte('=')
			b.WriteString(kv[1])
		}
		if _, err := c.execText(b.String()); err != nil {
			return wrapErr("setting session variables", err)
		}
	}
	for _, cmd := range c.cfg.InitCommands {
		if _, err := c.execText(cmd); err != nil {
			return wrapErr("init command", err)
		}
	}
	c.sessionChanged, c.clientChanged = false, false
	return nil
}

// SessionChanged reports whether the session may differ from the state the connection was set
// up with (user variables, session variables, temporary tables, current database, SQL-level
// prepared statements, locks...) since connect or the last ResetSession: the server flagged a
// change, or, on a server that cannot flag changes (no session tracking, or tracking switched
// off by a statement naming a session_track_* variable), the client sent a statement that may
// change session state (SET, USE, CREATE TEMPORARY TABLE, LOCK TABLES, PREPARE, CALL, DO,
// GET_LOCK, a user variable assignment, any statement it does not know, on every path: Exec,
// Query, Batch, ExecMany, prepared statements). Side effects hidden in stored functions and
// triggers are not seen by the client; pools where those matter should reset always. An open
// transaction is reported by InTransaction, not here. A pool uses this to reset only sessions
// that need it.
func (c *Conn) SessionChanged() bool {
	return c.sessionChanged || !c.tracking && c.clientChanged
}

// ResetSession runs COM_RESET_CONNECTION: the server rolls back any transaction, drops
// temporary tables, user variables and prepared statements, and restores session variables to
// their global values; the connection's configured session settings are then applied again.
// The statement cache is emptied (the server has forgotten the statements).
func (c *Conn) ResetSession(ctx context.Context) error {
	if t := c.tr.reset; t != nil {
		tctx := t.TraceResetStart(ctx, c)
		if tctx == nil {
			tctx = ctx
		}
		began := time.Now()
		err := c.resetSession(tctx)
		t.TraceResetEnd(tctx, c, TraceResetEndData{Err: err, Duration: time.Since(began)})
		return err
	}
	return c.resetSession(ctx)
}

func (c *Conn) resetSession(ctx context.Context) error {
	if err := c.start(ctx); err != nil {
		return err
	}
	err := c.simpleCommand(wire.ComResetConnection)
	if err == nil {
		c.stmts.forget()
		c.lastGTID = ""
		c.charset = charsetOf(c.cfg.collation())
		c.charsetKnown, c.learned = false, -1
		err = c.initSession()
	}
	if err = c.end(ctx, err); err == nil {
		c.stats.Resets++
	}
	return err
}

// setCharsets applies Config.Charsets: SET NAMES with each character set in turn until the
// server accepts one (go-sql-driver's charset=a,b fallback). A charset the server does not
// know (errors 1115 and 1273) moves on to the next; any other failure, or a list the server
// knows none of, fails the connection.
func (c *Conn) setCharsets() error {
	if len(c.cfg.Charsets) == 0 {
		return nil
	}
	var last error
	for _, cs := range c.cfg.Charsets {
		q := "SET NAMES " + cs
		if charsetOf(c.cfg.collation()) == cs {
			q += " COLLATE " + c.cfg.collation()
		}
		_, err := c.execText(q)
		if err == nil {
			c.charset = cs
			return nil
		}
		var me *MySQLError
		if !errors.As(err, &me) || me.Number != 1115 && me.Number != 1273 {
			return wrapErr("setting the character set", err)
		}
		last = err
	}
	return wrapErr("the server knows none of the character sets "+strings.Join(c.cfg.Charsets, ", "), last)
}
