package mysqltest

// Cross-checks against the real server: packets a real MariaDB/MySQL server
// sends are decoded and re-encoded with the fake server's encoders, which must
// reproduce them byte for byte, and the handshake response the raw test
// client sends to the real server (which accepts it) is parsed by the fake
// server's parser.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"github.com/myxdb/myx/mysqltest/proto"
	"net"
	"sync"
	"testing"
)

func TestCrossCheckHandshakeResponse(t *testing.T) {
	dsn, target := requireTCP(t)
	p := newTestProxy(t, target)
	var mu sync.Mutex
	var chunks [][]byte
	p.OnClientData(func(conn int, chunk []byte) Action {
		mu.Lock()
		chunks = append(chunks, append([]byte{}, chunk...))
		mu.Unlock()
		return Forward
	})
	pdsn, _ := p.DSN(dsn)
	attrs := [][2]string{{"_client_name", "mysqltest-raw"}, {"_pid", "42"}}
	caps := rawDefaultCaps | proto.ClientSessionTrack | proto.MariaDBClientExtendedMetadata
	c, err := rawDialDSN(pdsn, rawOptions{user: "root", db: "test", caps: caps, attrs: attrs})
	if err != nil {
		t.Fatalf("real server rejected the raw client: %v", err)
	}
	defer c.quit()
	mu.Lock()
	first := chunks[0]
	mu.Unlock()
	if n := int(first[0]) | int(first[1])<<8 | int(first[2])<<16; n != len(first)-4 || first[3] != 1 {
		t.Fatalf("first client chunk is not exactly one packet with sequence id 1: %x", first[:4])
	}
	resp, err := parseHandshakeResponse(first[4:], c.info.Capabilities)
	if err != nil {
		t.Fatalf("fake server cannot parse what the real server accepted: %v", err)
	}
	wantCaps := caps
	if c.info.MariaDB {
		wantCaps &^= proto.ClientMySQL
	} else {
		wantCaps &= 0xffffffff
	}
	if resp.User != "root" || resp.Database != "test" || resp.AuthPlugin != c.info.AuthPlugin ||
		resp.Attributes["_client_name"] != "mysqltest-raw" || resp.Attributes["_pid"] != "42" || resp.Capabilities != wantCaps {
		t.Errorf("parsed %+v (caps %#x, want %#x)", resp, resp.Capabilities, wantCaps)
	}
}

// parseColumnDefForTest decodes a column definition packet into a ColumnDef.
func parseColumnDefForTest(p []byte, caps uint64) (ColumnDef, error) {
	d := &decoder{buf: p}
	var col ColumnDef
	col.Catalog = string(d.lenEncBytes("catalog"))
	col.Schema = string(d.lenEncBytes("schema"))
	col.Table = string(d.lenEncBytes("table"))
	col.OrgTable = string(d.lenEncBytes("org table"))
	col.Name = string(d.lenEncBytes("name"))
	col.OrgName = string(d.lenEncBytes("org name"))
	if caps&proto.MariaDBClientExtendedMetadata != 0 {
		ext := &decoder{buf: d.lenEncBytes("extended metadata")}
		for ext.remaining() > 0 && ext.err == nil {
			switch kind := ext.byte1("kind"); kind {
			case 0:
				col.ExtendedType = string(ext.lenEncBytes("type"))
			case 1:
				col.ExtendedFormat = string(ext.lenEncBytes("format"))
			default:
				return col, fmt.Errorf("unknown extended metadata kind %d", kind)
			}
		}
		if ext.err != nil {
			return col, ext.err
		}
	}
	d.lenEncInt("fixed length")
	col.Charset = d.uint16("charset")
	col.Length = d.uint32("length")
	col.Type = d.byte1("type")
	col.Flags = d.uint16("flags")
	col.Decimals = d.byte1("decimals")
	d.bytes(2, "filler")
	return col, d.err
}

func parseOKForTest(p []byte, caps uint64) (OKOptions, error) {
	d := &decoder{buf: p}
	var o OKOptions
	o.Header = d.byte1("header")
	o.AffectedRows = d.lenEncInt("affected rows")
	o.LastInsertID = d.lenEncInt("last insert id")
	o.Status = d.uint16("status")
	o.Warnings = d.uint16("warnings")
	if caps&proto.ClientSessionTrack != 0 {
		if d.remaining() > 0 {
			o.Info = string(d.lenEncBytes("info"))
			if o.Status&proto.StatusSessionStateChange != 0 {
				o.SessionState = d.lenEncBytes("session state")
			}
		}
	} else {
		o.Info = string(d.rest())
	}
	if d.err == nil && d.remaining() != 0 {
		return o, fmt.Errorf("%d trailing bytes in OK", d.remaining())
	}
	return o, d.err
}

func parseTextRowForTest(p []byte) ([][]byte, error) {
	d := &decoder{buf: p}
	var vals [][]byte
	for d.remaining() > 0 && d.err == nil {
		if d.buf[d.pos] == 0xfb {
			d.pos++
			vals = append(vals, nil)
			continue
		}
		vals = append(vals, append([]byte{}, d.lenEncBytes("value")...))
	}
	return vals, d.err
}

// TestCrossCheckResultEncoding runs real queries and checks that the fake
// server's encoders reproduce every packet of the answers.
func TestCrossCheckResultEncoding(t *testing.T) {
	dsn := Require(t)
	admin := sharedClient(t, dsn)
	table := scratchTable(t, admin)
	for _, q := range []string{
		"ALTER TABLE " + table + " ADD COLUMN v VARCHAR(20), ADD COLUMN d DECIMAL(10,2) NOT NULL DEFAULT 0, ADD COLUMN j JSON, ADD COLUMN b BLOB, ADD COLUMN ts TIMESTAMP NULL",
		"INSERT INTO " + table + " VALUES (1, 'a', 1.5, '{\"k\":1}', NULL, '2024-01-02 03:04:05'), (2, '', 0, '[]', 'bin', NULL)",
	} {
		if err := admin.exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	base := rawDefaultCaps
	for _, tc := range []struct {
		name string
		caps uint64
	}{
		{"deprecate eof", base},
		{"eof packets", base &^ proto.ClientDeprecateEOF},
		{"session track", base | proto.ClientSessionTrack},
		{"mariadb metadata", base | proto.ClientSessionTrack | proto.MariaDBClientExtendedMetadata | proto.MariaDBClientCacheMetadata},
		{"no protocol extras", base &^ (proto.ClientDeprecateEOF | proto.ClientPluginAuthLenencClientData)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := rawDialDSN(dsn, rawOptions{user: "root", db: "test", caps: tc.caps})
			if err != nil {
				t.Fatal(err)
			}
			defer c.quit()
			fc := newFakeConn(t, 1, nil, nil)
			fc.SetCapabilities(c.caps)
			fc.SetStatus(0)
			fc.mariadb = c.info.MariaDB
			var packets [][]byte
			c.onRead = func(p []byte) { packets = append(packets, append([]byte{}, p...)) }
			check := func(what string, got, want []byte) {
				t.Helper()
				if !bytes.Equal(got, want) {
					t.Errorf("%s:\n fake %x\n real %x", what, got, want)
				}
			}
			checkOK := func(what string, p []byte) {
				t.Helper()
				o, err := parseOKForTest(p, c.caps)
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				check(what, fc.okPayload(o), p)
			}

			r, err := c.query("SELECT id, v, d, j, b, ts, 1+1 AS two, NULL AS n, 'lit' AS s FROM " + table + " ORDER BY id")
			if err != nil {
				t.Fatal(err)
			}
			if len(packets) == 0 {
				t.Fatal("no packets recorded")
			}
			ncol := len(r.columns)
			i := 0
			check("column count", fc.columnCountPayload(ncol), packets[i])
			i++
			for k := 0; k < ncol; k++ {
				col, err := parseColumnDefForTest(packets[i], c.caps)
				if err != nil {
					t.Fatal(err)
				}
				check("column "+col.Name, fc.columnDefPayload(col), packets[i])
				if col.Name == "j" && c.caps&proto.MariaDBClientExtendedMetadata != 0 && c.info.MariaDB && col.ExtendedFormat != "json" {
					t.Errorf("JSON column extended format %q, want json", col.ExtendedFormat)
				}
				i++
			}
			if c.caps&proto.ClientDeprecateEOF == 0 {
				w, s := binary.LittleEndian.Uint16(packets[i][1:]), binary.LittleEndian.Uint16(packets[i][3:])
				check("EOF after columns", fc.eofPayload(w, s), packets[i])
				i++
			}
			for ; i < len(packets)-1; i++ {
				vals, err := parseTextRowForTest(packets[i])
				if err != nil {
					t.Fatal(err)
				}
				check("row", textRowPayload(vals), packets[i])
			}
			last := packets[i]
			if c.caps&proto.ClientDeprecateEOF != 0 {
				checkOK("final OK", last)
			} else {
				w, s := binary.LittleEndian.Uint16(last[1:]), binary.LittleEndian.Uint16(last[3:])
				check("final EOF", fc.eofPayload(w, s), last)
			}

			// OK packets: plain, with an insert id, with info, and with
			// session state changes.
			for _, q := range []string{
				"DO 1",
				"INSERT INTO " + table + " (id, v) VALUES (100, 'x') ON DUPLICATE KEY UPDATE v = 'y'",
				"UPDATE " + table + " SET v = 'z' WHERE id >= 1",
				"SET autocommit = 0",
				"USE test",
				"SET autocommit = 1",
				"DELETE FROM " + table + " WHERE id = 100",
			} {
				packets = nil
				if _, err := c.query(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if len(packets) != 1 {
					t.Fatalf("%s: %d packets", q, len(packets))
				}
				checkOK(q, packets[0])
			}

			// An error.
			packets = nil
			if _, err := c.query("SELECT * FROM no_such_table_mysqltest"); err == nil {
				t.Fatal("no error for a missing table")
			}
			e := parseErrPacket(packets[0])
			var buf bytes.Buffer
			fc.conn = &recordConn{w: &buf}
			fc.raw = fc.conn
			fc.ResetSeq()
			fc.WriteError(e)
			check("ERR", buf.Bytes()[4:], packets[0])
		})
	}
}

// recordConn is a net.Conn that records writes.
type recordConn struct {
	net.Conn
	w *bytes.Buffer
}

func (r *recordConn) Write(p []byte) (int, error) { return r.w.Write(p) }
