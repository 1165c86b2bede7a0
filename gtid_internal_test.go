package myx

import (
	"testing"

	"github.com/myxdb/myx/internal/wire"
)

// sessionEntry encodes one session-state entry: kind, then its data as a length-encoded
// string (all test data is shorter than 251 bytes).
func sessionEntry(kind byte, data []byte) []byte {
	return append([]byte{kind, byte(len(data))}, data...)
}

func lenenc(s string) []byte { return append([]byte{byte(len(s))}, s...) }

// noteOK reads the GTID of a commit from MariaDB's last_gtid system variable and from MySQL's
// SESSION_TRACK_GTIDS entry (one byte of encoding, 0, then the GTID set as a length-encoded
// string), and an OK that carries nothing else does not make the session changed.
func TestNoteOKReadsGTIDs(t *testing.T) {
	const mysqlGTID = "3e11fa47-71ca-11e1-9e33-c80aa9429562:23"
	for _, tc := range []struct {
		name    string
		state   []byte
		want    string
		changed bool
	}{
		{"MariaDB last_gtid", sessionEntry(wire.SessionTrackSystemVariables, append(lenenc("last_gtid"), lenenc("0-1-42")...)), "0-1-42", false},
		{"MySQL OWN_GTID", sessionEntry(wire.SessionTrackGTIDs, append([]byte{0}, lenenc(mysqlGTID)...)), mysqlGTID, false},
		{"GTID and a state change", append(
			sessionEntry(wire.SessionTrackSystemVariables, append(lenenc("last_gtid"), lenenc("0-1-43")...)),
			sessionEntry(wire.SessionTrackStateChange, lenenc("1"))...), "0-1-43", true},
		{"GTID and a variable", append(
			sessionEntry(wire.SessionTrackGTIDs, append([]byte{0}, lenenc(mysqlGTID)...)),
			sessionEntry(wire.SessionTrackSystemVariables, append(lenenc("autocommit"), lenenc("OFF")...))...), mysqlGTID, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Conn{cfg: &Config{}, gtidTracking: true}
			c.noteOK(&wire.OK{Status: wire.StatusSessionStateChange, SessionState: tc.state})
			if c.LastGTID() != tc.want || c.SessionChanged() != tc.changed {
				t.Errorf("LastGTID %q changed %v, want %q %v", c.LastGTID(), c.SessionChanged(), tc.want, tc.changed)
			}
			// Without tracking asked for, the entries are session changes like any other.
			c = &Conn{cfg: &Config{}}
			c.noteOK(&wire.OK{Status: wire.StatusSessionStateChange, SessionState: tc.state})
			if c.LastGTID() != "" || !c.SessionChanged() {
				t.Errorf("untracked: LastGTID %q changed %v", c.LastGTID(), c.SessionChanged())
			}
		})
	}
}

// noteOK costs no allocation when the GTID reported is the one already known.
func TestNoteOKSameGTIDNoAlloc(t *testing.T) {
	c := &Conn{cfg: &Config{}, gtidTracking: true}
	ok := &wire.OK{Status: wire.StatusSessionStateChange,
		SessionState: sessionEntry(wire.SessionTrackSystemVariables, append(lenenc("last_gtid"), lenenc("0-1-42")...))}
	c.noteOK(ok)
	if n := testing.AllocsPerRun(100, func() { c.noteOK(ok) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
