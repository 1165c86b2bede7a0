package wire

import "fmt"

// OK is a decoded OK packet (or the OK-style EOF that ends a result set under
// CLIENT_DEPRECATE_EOF). Byte slices point into the payload.
type OK struct {
	AffectedRows uint64
	LastInsertID uint64
	Status       uint16
	Warnings     uint16
	Info         []byte
	// SessionState is the raw session-state-change block (CLIENT_SESSION_TRACK), if any; see
	// ParseSessionState.
	SessionState []byte
}

// ParseOK decodes an OK packet payload starting with 0x00 or 0xfe.
func ParseOK(p []byte, caps uint64) (OK, error) {
	var ok OK
	c := cursor{b: p}
	if h := c.u8(); h != HeaderOK && h != HeaderEOF {
		return ok, malformed("not an OK packet")
	}
	ok.AffectedRows = c.lenInt()
	ok.LastInsertID = c.lenInt()
	ok.Status = c.u16()
	ok.Warnings = c.u16()
	if c.bad {
		return ok, malformed("truncated OK packet")
	}
	if caps&ClientSessionTrack != 0 {
		if c.remaining() > 0 {
			ok.Info = c.lenBytes()
			if ok.Status&StatusSessionStateChange != 0 && c.remaining() > 0 {
				ok.SessionState = c.lenBytes()
			}
		}
	} else {
		ok.Info = c.rest()
	}
	if c.bad {
		return ok, malformed("truncated OK packet")
	}
	return ok, nil
}

// Session state change kinds.
const (
	SessionTrackSystemVariables byte = 0
	SessionTrackSchema          byte = 1
	SessionTrackStateChange     byte = 2
	SessionTrackGTIDs           byte = 3
	SessionTrackTxCharacter     byte = 4
	SessionTrackTxState         byte = 5
)

// ParseSessionState walks a session-state block, calling fn for each entry. For system
// variables fn gets the name and value; for the schema, the name (value nil); for GTIDs
// (MySQL's session_track_gtids), the GTID set as text in name (value nil), when its encoding
// is the one MySQL defines (0, a length-encoded string), else the raw data; other kinds get
// their raw data as name.
func ParseSessionState(b []byte, fn func(kind byte, name, value []byte)) error {
	c := cursor{b: b}
	for c.remaining() > 0 && !c.bad {
		kind := c.u8()
		data := c.lenBytes()
		if c.bad {
			break
		}
		d := cursor{b: data}
		switch kind {
		case SessionTrackSystemVariables:
			name := d.lenBytes()
			value := d.lenBytes()
			if d.bad {
				return malformed("session state: system variable")
			}
			fn(kind, name, value)
		case SessionTrackSchema:
			name := d.lenBytes()
			if d.bad {
				return malformed("session state: schema")
			}
			fn(kind, name, nil)
		case SessionTrackGTIDs:
			// One byte of encoding specification; 0 is a length-encoded string.
			if len(data) > 0 && data[0] == 0 {
				d.skip(1)
				gtids := d.lenBytes()
				if d.bad {
					return malformed("session state: GTIDs")
				}
				fn(kind, gtids, nil)
			} else {
				fn(kind, data, nil)
			}
		default:
			fn(kind, data, nil)
		}
	}
	if c.bad {
		return malformed("session state")
	}
	return nil
}

// ERR is a decoded ERR packet.
type ERR struct {
	Number   uint16
	SQLState string
	Message  string
}

// ParseERR decodes an ERR packet payload starting with 0xff.
func ParseERR(p []byte) (ERR, error) {
	var e ERR
	c := cursor{b: p}
	if c.u8() != HeaderERR {
		return e, malformed("not an ERR packet")
	}
	e.Number = c.u16()
	if c.bad {
		return e, malformed("truncated ERR packet")
	}
	if c.remaining() > 0 && c.b[c.off] == '#' {
		c.skip(1)
		e.SQLState = string(c.bytes(5))
	}
	e.Message = string(c.rest())
	if c.bad {
		return e, malformed("truncated ERR packet")
	}
	return e, nil
}

// IsEOF reports whether p is a classic EOF packet (0xfe and shorter than 9 bytes).
func IsEOF(p []byte) bool { return len(p) > 0 && len(p) < 9 && p[0] == HeaderEOF }

// IsResultEnd reports whether p ends a result set: a classic EOF, or under CLIENT_DEPRECATE_EOF
// an OK packet with the 0xfe header (which can be longer than 9 bytes but never as long as the
// largest row that could start with 0xfe, a length-encoded 8-byte string prefix).
func IsResultEnd(p []byte, deprecateEOF bool) bool {
	if len(p) == 0 || p[0] != HeaderEOF {
		return false
	}
	if deprecateEOF {
		return len(p) < MaxPacketPayload
	}
	return len(p) < 9
}

// ParseEOF decodes a classic EOF packet.
func ParseEOF(p []byte) (warnings, status uint16, err error) {
	c := cursor{b: p}
	c.u8()
	if c.remaining() == 0 {
		return 0, 0, nil // 4.0-style EOF
	}
	warnings = c.u16()
	status = c.u16()
	if c.bad {
		return 0, 0, malformed("truncated EOF packet")
	}
	return warnings, status, nil
}

// ParseColumnCount decodes the first packet of a result set: the column count and, with
// MARIADB_CLIENT_CACHE_METADATA, whether column definitions follow.
func ParseColumnCount(p []byte, caps uint64) (n int, metadataFollows bool, err error) {
	c := cursor{b: p}
	v := c.lenInt()
	metadataFollows = true
	if caps&MariaDBClientCacheMetadata != 0 {
		metadataFollows = c.u8() != 0
	}
	if c.bad || c.remaining() != 0 {
		return 0, false, malformed("column count")
	}
	if v == 0 || v > MaxColumns {
		return 0, false, fmt.Errorf("%w: column count %d", ErrMalformed, v)
	}
	return int(v), metadataFollows, nil
}

// LocalInfileRequest returns the file name in a LOCAL INFILE request payload (0xfb + name).
func LocalInfileRequest(p []byte) (string, error) {
	if len(p) == 0 || p[0] != HeaderLocalInfile {
		return "", malformed("not a LOCAL INFILE request")
	}
	return string(p[1:]), nil
}

// MaxColumns bounds the column count accepted in a result set, so a hostile count cannot make
// the client allocate without limit.
const MaxColumns = 1 << 16
