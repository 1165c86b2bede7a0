package myx

// GTID tracking (Config.TrackGTID): the session asks the server to report the GTID of each of
// its own commits in the OK packet, read by noteOK into Conn.LastGTID.

import "github.com/myxdb/myx/internal/wire"

// LastGTID returns the GTID of this session's last commit as the server reported it (with
// Config.TrackGTID): on MariaDB its last_gtid, "domain-server-sequence" (0-1-42); on MySQL
// the GTID set of session_track_gtids=OWN_GTID (uuid:n). It is "" until the session commits
// a transaction that gets a GTID (the binary log is on), after ResetSession, without
// TrackGTID, and on servers that cannot report it (TracksGTID false). A value is never
// reported twice: it changes with each commit the server reports.
func (c *Conn) LastGTID() string { return c.lastGTID }

// TracksGTID reports whether the server accepted to report the session's GTIDs
// (Config.TrackGTID): when false, LastGTID stays empty.
func (c *Conn) TracksGTID() bool { return c.gtidTracking }

// gtidTrackingSet is the assignment, for the SET that switches session tracking on, that
// makes the server report the session's GTIDs; "" when not asked for or not possible.
func (c *Conn) gtidTrackingSet() string {
	if !c.cfg.TrackGTID || c.caps&wire.ClientSessionTrack == 0 {
		return ""
	}
	switch c.server.Flavor {
	case MariaDB:
		// Added to what the session tracks already (its global value, after a reset).
		return "session_track_system_variables = CONCAT_WS(',', NULLIF(@@session.session_track_system_variables, ''), 'last_gtid')"
	case MySQL:
		return "session_track_gtids = OWN_GTID"
	}
	return "" // TiDB has no GTIDs
}

// noteGTID reads a session-state entry that reports the session's GTID.
func (c *Conn) noteGTID(kind byte, name, value []byte) bool {
	switch {
	case kind == wire.SessionTrackSystemVariables && string(name) == "last_gtid":
		if string(value) != c.lastGTID {
			c.lastGTID = string(value)
		}
		return true
	case kind == wire.SessionTrackGTIDs:
		if string(name) != c.lastGTID {
			c.lastGTID = string(name)
		}
		return true
	}
	return false
}
