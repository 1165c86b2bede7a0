package mysqltest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"github.com/myxdb/myx/mysqltest/proto"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

// loginAndServe is a script that logs in with o and a and then serves h,
// reporting unexpected failures. resps receives the handshake response.
func loginAndServe(o HandshakeOptions, a Auth, h QueryHandler, resps chan<- *HandshakeResponse) func(*FakeConn) {
	return func(c *FakeConn) {
		resp, err := c.Login(o, a)
		if resps != nil {
			resps <- resp
		}
		if err != nil {
			var se *ServerError
			if !errors.As(err, &se) {
				c.Errorf("login: %v", err)
			}
			return
		}
		if h == nil {
			h = Queries(nil)
		}
		if err := c.ServeQueries(h); err != nil {
			c.Errorf("serve: %v", err)
		}
	}
}

var sampleColumns = []ColumnDef{
	{Schema: "test", Table: "t", OrgTable: "t", Name: "id", OrgName: "id", Type: proto.TypeLong, Length: 11, Flags: proto.FlagNotNull | proto.FlagPriKey | proto.FlagNum},
	{Schema: "test", Table: "t", OrgTable: "t", Name: "name", OrgName: "name", Type: proto.TypeVarString, Length: 80},
	{Name: "price", Type: proto.TypeNewDecimal, Length: 10, Decimals: 2, Charset: 63},
	{Name: "doc", Type: proto.TypeBlob, Length: 1 << 24, Flags: proto.FlagBlob, ExtendedFormat: "json"},
}

var sampleRows = [][]any{
	{1, "alpha", "9.99", `{"a":1}`},
	{2, "", nil, []byte(nil)},
	{3, strings.Repeat("x", 300), "0.00", "[]"},
}

func TestFakeServerHandshakeAndQuery(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    HandshakeOptions
		caps uint64
	}{
		{"mysql8", HandshakeOptions{}, 0},
		{"mysql8 no deprecate eof", HandshakeOptions{}, rawDefaultCaps &^ proto.ClientDeprecateEOF},
		{"mysql8 session track", HandshakeOptions{}, rawDefaultCaps | proto.ClientSessionTrack},
		{"mariadb", HandshakeOptions{ServerVersion: "5.5.5-10.11.6-MariaDB"}, 0},
		{"mariadb extended metadata", HandshakeOptions{MariaDB: true}, rawDefaultCaps | proto.MariaDBClientExtendedMetadata | proto.MariaDBClientCacheMetadata},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resps := make(chan *HandshakeResponse, 1)
			fs := NewFakeServer(t, loginAndServe(tc.o, Auth{}, Queries(map[string]Result{
				"SELECT * FROM t":          {Columns: sampleColumns, Rows: sampleRows, Warnings: 1},
				"INSERT INTO t VALUES (4)": {AffectedRows: 1, LastInsertID: 4, Info: "inserted"},
			}), resps))
			c, err := rawDial("tcp", fs.Addr(), rawOptions{user: "alice", db: "shop", caps: tc.caps, attrs: [][2]string{{"_client_name", "raw"}, {"program", "mysqltest"}}})
			if err != nil {
				t.Fatal(err)
			}
			defer c.quit()
			resp := <-resps
			if resp.User != "alice" || resp.Database != "shop" || resp.Attributes["program"] != "mysqltest" || resp.Attributes["_client_name"] != "raw" {
				t.Errorf("handshake response = %+v", resp)
			}
			mariadb := tc.o.MariaDB || strings.Contains(tc.o.ServerVersion, "MariaDB")
			if c.info.MariaDB != mariadb {
				t.Errorf("client sees MariaDB = %v, want %v", c.info.MariaDB, mariadb)
			}
			wantPlugin := proto.PluginCachingSHA2Password
			if mariadb {
				wantPlugin = proto.PluginNativePassword
			}
			if c.info.AuthPlugin != wantPlugin || resp.AuthPlugin != wantPlugin {
				t.Errorf("plugin: handshake %q, response %q; want %q", c.info.AuthPlugin, resp.AuthPlugin, wantPlugin)
			}
			if len(c.info.Scramble) != 20 || bytes.IndexByte(c.info.Scramble, 0) >= 0 {
				t.Errorf("scramble %q: want 20 bytes without NUL", c.info.Scramble)
			}
			if mariadb && c.info.Capabilities&proto.MariaDBClientExtendedMetadata == 0 {
				t.Errorf("MariaDB handshake caps %#x lack the extended capabilities", c.info.Capabilities)
			}
			wantCaps := tc.caps
			if wantCaps == 0 {
				wantCaps = rawDefaultCaps
			}
			if mariadb {
				wantCaps &^= proto.ClientMySQL
			}
			if resp.Capabilities != wantCaps {
				t.Errorf("server parsed client caps %#x, client sent %#x", resp.Capabilities, wantCaps)
			}

			r, err := c.query("SELECT * FROM t")
			if err != nil {
				t.Fatal(err)
			}
			if len(r.columns) != len(sampleColumns) {
				t.Fatalf("%d columns, want %d", len(r.columns), len(sampleColumns))
			}
			for i, col := range r.columns {
				want := sampleColumns[i]
				if col.name != want.Name || col.table != want.Table || col.orgTable != want.OrgTable || col.schema != want.Schema ||
					col.orgName != want.OrgName || col.typ != want.Type || col.flags != want.Flags || col.length != want.Length || col.decimals != want.Decimals {
					t.Errorf("column %d = %+v, want %+v", i, col, want)
				}
			}
			if got := r.columns[0].charset; got != 63 {
				t.Errorf("INT column charset %d, want 63 (binary)", got)
			}
			wantText := uint16(proto.CollationUTF8MB40900AICI)
			if mariadb {
				wantText = uint16(proto.CollationUTF8MB4GeneralCI)
			}
			if got := r.columns[1].charset; got != wantText {
				t.Errorf("VARCHAR column charset %d, want %d", got, wantText)
			}
			if c.caps&proto.MariaDBClientExtendedMetadata != 0 {
				if want := "\x01\x04json"; string(r.columns[3].extended) != want {
					t.Errorf("extended metadata %q, want %q", r.columns[3].extended, want)
				}
			}
			want := [][]string{
				{"1", "alpha", "9.99", `{"a":1}`},
				{"2", "", "NULL", "NULL"},
				{"3", strings.Repeat("x", 300), "0.00", "[]"},
			}
			if len(r.rows) != len(want) {
				t.Fatalf("%d rows, want %d", len(r.rows), len(want))
			}
			for i := range want {
				for j := range want[i] {
					if got := r.value(i, j); got != want[i][j] {
						t.Errorf("row %d col %d = %q, want %q", i, j, got, want[i][j])
					}
				}
			}
			if r.warnings != 1 || r.status != proto.StatusAutocommit {
				t.Errorf("end of result: warnings %d status %#x", r.warnings, r.status)
			}

			ok, err := c.query("INSERT INTO t VALUES (4)")
			if err != nil {
				t.Fatal(err)
			}
			if ok.affected != 1 || ok.lastInsertID != 4 || ok.info != "inserted" || ok.status != proto.StatusAutocommit {
				t.Errorf("OK = %+v", ok)
			}
			_, err = c.query("SELECT nonsense")
			var se *ServerError
			if !errors.As(err, &se) || se.Code != 1064 || se.SQLState != "42000" || !strings.Contains(se.Message, "SELECT nonsense") {
				t.Errorf("unknown query: %v", err)
			}
			// Other commands.
			if err := c.command(proto.ComPing, nil); err != nil {
				t.Fatal(err)
			}
			if p, err := c.readPacket(); err != nil || p[0] != 0 {
				t.Errorf("COM_PING answer %x, %v", p, err)
			}
			c.command(proto.ComStmtPrepare, []byte("SELECT 1"))
			if p, err := c.readPacket(); err != nil || p[0] != 0xff {
				t.Errorf("COM_STMT_PREPARE answer %x, %v; want ERR", p, err)
			}
		})
	}
}

func TestFakeServerNativePassword(t *testing.T) {
	fs := NewFakeServer(t, loginAndServe(HandshakeOptions{MariaDB: true}, Auth{Verify: true, User: "bob", Password: "s3cret"}, nil, nil))
	c, err := rawDial("tcp", fs.Addr(), rawOptions{user: "bob", password: "s3cret"})
	if err != nil {
		t.Fatalf("right password: %v", err)
	}
	c.quit()
	for _, o := range []rawOptions{
		{user: "bob", password: "wrong"},
		{user: "bob"},
		{user: "eve", password: "s3cret"},
	} {
		_, err := rawDial("tcp", fs.Addr(), o)
		var se *ServerError
		if !errors.As(err, &se) || se.Code != 1045 || se.SQLState != "28000" {
			t.Errorf("login %+v: %v, want ERR 1045", o, err)
		}
	}
}

func TestFakeServerClientWithoutPluginAuth(t *testing.T) {
	fs := NewFakeServer(t, loginAndServe(HandshakeOptions{MariaDB: true}, Auth{Verify: true, Password: "pw"}, nil, nil))
	c, err := rawDial("tcp", fs.Addr(), rawOptions{user: "old", password: "pw", plugin: proto.PluginNativePassword, caps: rawDefaultCaps &^ proto.ClientPluginAuth})
	if err != nil {
		t.Fatalf("4.1 client without CLIENT_PLUGIN_AUTH: %v", err)
	}
	c.quit()
}

func TestFakeServerCachingSHA2Fast(t *testing.T) {
	fs := NewFakeServer(t, loginAndServe(HandshakeOptions{}, Auth{Verify: true, Password: "pw"}, nil, nil))
	c, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u", password: "pw"})
	if err != nil {
		t.Fatalf("fast auth: %v", err)
	}
	c.quit()
	if _, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u", password: "nope"}); err == nil {
		t.Error("wrong password accepted")
	}
	if _, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u"}); err == nil {
		t.Error("empty password accepted")
	}
}

func TestFakeServerCachingSHA2FullAuth(t *testing.T) {
	serverTLS, clientTLS, err := TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("tls", func(t *testing.T) {
		resps := make(chan *HandshakeResponse, 1)
		fs := NewFakeServer(t, loginAndServe(HandshakeOptions{TLS: serverTLS}, Auth{Verify: true, Password: "pw", FullAuth: true}, nil, resps))
		c, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u", password: "pw", tls: clientTLS})
		if err != nil {
			t.Fatalf("full auth over TLS: %v", err)
		}
		defer c.quit()
		if resp := <-resps; resp.Password != "pw" {
			t.Errorf("server saw password %q", resp.Password)
		}
		if r, err := c.query("SELECT 1"); err == nil {
			t.Errorf("query over TLS got %v, want the fake's ERR", r)
		}
	})
	t.Run("rsa", func(t *testing.T) {
		resps := make(chan *HandshakeResponse, 1)
		fs := NewFakeServer(t, loginAndServe(HandshakeOptions{}, Auth{Verify: true, Password: "pässwörd", FullAuth: true}, nil, resps))
		c, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u", password: "pässwörd"})
		if err != nil {
			t.Fatalf("full auth with RSA: %v", err)
		}
		c.quit()
		if resp := <-resps; resp.Password != "pässwörd" {
			t.Errorf("server decrypted password %q", resp.Password)
		}
		if _, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u", password: "other"}); err == nil {
			t.Error("wrong password accepted in full auth")
		}
		<-resps
	})
	t.Run("ssl without tls config", func(t *testing.T) {
		fs := NewFakeServer(t, func(c *FakeConn) {
			if _, err := c.Login(HandshakeOptions{Capabilities: DefaultCapabilities | proto.ClientSSL}, Auth{}); err == nil || !strings.Contains(err.Error(), "SSLRequest") {
				c.Errorf("Login = %v, want an SSLRequest error", err)
			}
		})
		if _, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u", tls: clientTLS}); err == nil {
			t.Error("TLS login succeeded against a server without TLS")
		}
	})
}

func TestFakeServerAuthSwitch(t *testing.T) {
	resps := make(chan *HandshakeResponse, 2)
	// The handshake offers caching_sha2_password; the account uses
	// mysql_native_password, so Login switches.
	fs := NewFakeServer(t, loginAndServe(HandshakeOptions{}, Auth{Verify: true, Password: "pw", Plugin: proto.PluginNativePassword}, nil, resps))
	c, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u", password: "pw"})
	if err != nil {
		t.Fatalf("login with auth switch: %v", err)
	}
	if c.plugin != proto.PluginNativePassword {
		t.Errorf("client ended on plugin %q", c.plugin)
	}
	if resp := <-resps; resp.AuthPlugin != proto.PluginCachingSHA2Password {
		t.Errorf("first response plugin %q", resp.AuthPlugin)
	}
	c.quit()

	// A hand-written script: switch to mysql_clear_password.
	fs2 := NewFakeServer(t, func(c *FakeConn) {
		c.WriteHandshake(HandshakeOptions{})
		if _, err := c.ReadHandshakeResponse(); err != nil {
			c.Errorf("%v", err)
			return
		}
		c.WriteAuthSwitch(proto.PluginClearPassword, nil)
		p, err := c.ReadPacket()
		if err != nil {
			c.Errorf("%v", err)
			return
		}
		if string(p) != "clear\x00" {
			c.Errorf("clear password %q", p)
		}
		c.WriteOK(OKOptions{})
	})
	c, err = rawDial("tcp", fs2.Addr(), rawOptions{user: "u", password: "clear"})
	if err != nil {
		t.Fatal(err)
	}
	c.close()
}

// TestFakeServerMalformed checks that deliberately broken output reaches the
// client as written.
func TestFakeServerMalformed(t *testing.T) {
	t.Run("truncated handshake", func(t *testing.T) {
		fs := NewFakeServer(t, func(c *FakeConn) {
			c.WriteRaw([]byte{50, 0, 0, 0, 10, '8', '.', '0'}) // header promises 50 bytes
		})
		_, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u"})
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("truncated handshake: %v, want unexpected EOF", err)
		}
	})
	t.Run("wrong sequence id", func(t *testing.T) {
		fs := NewFakeServer(t, func(c *FakeConn) {
			c.WriteHandshake(HandshakeOptions{})
			c.ReadHandshakeResponse()
			c.SetSeq(7)
			c.WriteOK(OKOptions{})
		})
		_, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u"})
		if err == nil || !strings.Contains(err.Error(), "sequence id 7") {
			t.Errorf("out-of-sequence OK: %v", err)
		}
	})
	t.Run("client sequence checked", func(t *testing.T) {
		errs := make(chan error, 1)
		fs := NewFakeServer(t, func(c *FakeConn) {
			c.WriteHandshake(HandshakeOptions{})
			c.SetSeq(5) // expect the response with id 5; the client sends 1
			_, err := c.ReadHandshakeResponse()
			errs <- err
		})
		rawDial("tcp", fs.Addr(), rawOptions{user: "u"})
		if err := <-errs; err == nil || !strings.Contains(err.Error(), "sequence id 1, want 5") {
			t.Errorf("ReadHandshakeResponse = %v, want a sequence error", err)
		}
	})
	t.Run("error instead of handshake", func(t *testing.T) {
		fs := NewFakeServer(t, func(c *FakeConn) {
			c.WriteERR(1040, "08004", "Too many connections")
		})
		_, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u"})
		var se *ServerError
		if !errors.As(err, &se) || se.Code != 1040 || se.SQLState != "" || se.Message != "Too many connections" {
			t.Errorf("ERR instead of handshake: %#v; want 1040 without SQLSTATE", err)
		}
	})
}

func TestFakeServerLocalInfile(t *testing.T) {
	got := make(chan []byte, 1)
	fs := NewFakeServer(t, func(c *FakeConn) {
		if _, err := c.Login(HandshakeOptions{}, Auth{}); err != nil {
			c.Errorf("%v", err)
			return
		}
		// The client asked for nothing of the sort.
		if _, _, err := c.ReadCommand(); err != nil {
			return
		}
		c.WriteLocalInfileRequest("/etc/passwd")
		data, err := c.ReadLocalInfileData()
		if err != nil {
			c.Errorf("reading file data: %v", err)
			return
		}
		got <- data
		c.WriteOK(OKOptions{AffectedRows: 2})
	})
	c, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	_, err = c.query("SELECT 1")
	if err == nil || !strings.Contains(err.Error(), `LOCAL INFILE "/etc/passwd"`) {
		t.Fatalf("query = %v, want the LOCAL INFILE request", err)
	}
	// This raw client complies (a real one must not): two data packets and
	// the empty terminator.
	c.writePacket([]byte("a,b\n"))
	c.writePacket([]byte("c,d\n"))
	c.writePacket(nil)
	if d := <-got; string(d) != "a,b\nc,d\n" {
		t.Errorf("server read %q", d)
	}
	if r, err := c.readResult(); err != nil || r.affected != 2 {
		t.Errorf("final OK %+v, %v", r, err)
	}
}

func TestFakeServerVanishMidResult(t *testing.T) {
	fs := NewFakeServer(t, loginAndServe(HandshakeOptions{}, Auth{}, func(q Query) []Result {
		return []Result{{Custom: func(c *FakeConn) error {
			c.WriteColumnCount(1)
			c.WriteColumnDef(ColumnDef{Name: "x", Type: proto.TypeLongLong})
			c.WriteTextRow(TextValues(1))
			c.WriteRaw([]byte{10, 0, 0, c.Seq(), 9}) // half a row
			c.Abort()
			return nil
		}}}
	}, nil))
	c, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	_, err = c.query("SELECT x FROM big")
	if !isReset(err) && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("server vanished mid-result: %v, want reset or unexpected EOF", err)
	}
}

func TestFakeServerMultiResultAndRowsErr(t *testing.T) {
	fs := NewFakeServer(t, loginAndServe(HandshakeOptions{}, Auth{}, func(q Query) []Result {
		switch q.SQL {
		case "CALL p()":
			return []Result{
				{Columns: []ColumnDef{{Name: "a", Type: proto.TypeLong}}, Rows: [][]any{{1}, {2}}},
				{Columns: []ColumnDef{{Name: "b", Type: proto.TypeVarString}}, Rows: [][]any{{"x"}}},
				{AffectedRows: 0},
			}
		case "SELECT slow":
			return []Result{{
				Columns: []ColumnDef{{Name: "a", Type: proto.TypeLong}},
				Rows:    [][]any{{1}},
				RowsErr: &ServerError{Code: 1317, SQLState: "70100", Message: "Query execution was interrupted"},
			}}
		case "BEGIN":
			return []Result{{Status: proto.StatusAutocommit | proto.StatusInTrans}}
		}
		return nil
	}, nil))
	for _, caps := range []uint64{rawDefaultCaps, rawDefaultCaps &^ proto.ClientDeprecateEOF} {
		c, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u", caps: caps})
		if err != nil {
			t.Fatal(err)
		}
		r1, err := c.query("CALL p()")
		if err != nil || len(r1.rows) != 2 || r1.status&proto.StatusMoreResultsExist == 0 {
			t.Fatalf("first result %+v, %v", r1, err)
		}
		r2, err := c.readResult()
		if err != nil || r2.value(0, 0) != "x" || r2.status&proto.StatusMoreResultsExist == 0 {
			t.Fatalf("second result %+v, %v", r2, err)
		}
		r3, err := c.readResult()
		if err != nil || r3.status&proto.StatusMoreResultsExist != 0 {
			t.Fatalf("final OK %+v, %v", r3, err)
		}
		r, err := c.query("SELECT slow")
		var se *ServerError
		if !errors.As(err, &se) || se.Code != 1317 || r == nil || len(r.rows) != 1 {
			t.Errorf("error after rows: %+v, %v", r, err)
		}
		if r, err := c.query("BEGIN"); err != nil || r.status != proto.StatusAutocommit|proto.StatusInTrans {
			t.Errorf("BEGIN: %+v, %v", r, err)
		}
		if r, err := c.query("ANYTHING"); err != nil || r.affected != 0 {
			t.Errorf("no results means OK: %+v, %v", r, err)
		}
		c.quit()
	}
}

func TestFakeServerOKPacketSessionTrack(t *testing.T) {
	// Encode directly and check the layout byte by byte.
	c := newFakeConn(t, 1, nil, nil)
	c.SetCapabilities(DefaultCapabilities)
	state := append(TrackSchema("shop"), TrackSystemVariable("autocommit", "OFF")...)
	got := c.okPayload(OKOptions{AffectedRows: 300, LastInsertID: 1, Info: "hi", SessionState: state})
	want := []byte{0x00, 0xfc, 0x2c, 0x01, 0x01, 0x02, 0x40, 0x00, 0x00, 2, 'h', 'i'}
	want = append(want, byte(len(state)))
	want = append(want, state...)
	if !bytes.Equal(got, want) {
		t.Errorf("OK payload\n got %x\nwant %x", got, want)
	}
	wantState := []byte{1, 5, 4, 's', 'h', 'o', 'p', 0, 15, 10, 'a', 'u', 't', 'o', 'c', 'o', 'm', 'm', 'i', 't', 3, 'O', 'F', 'F'}
	if !bytes.Equal(state, wantState) {
		t.Errorf("session state\n got %x\nwant %x", state, wantState)
	}
	// Without session tracking the info is the rest of the packet, and an
	// OK without info or state ends after the warnings.
	c.SetCapabilities(DefaultCapabilities &^ proto.ClientSessionTrack)
	if got := c.okPayload(OKOptions{Info: "hi"}); !bytes.Equal(got, []byte{0, 0, 0, 2, 0, 0, 0, 'h', 'i'}) {
		t.Errorf("OK without session track: %x", got)
	}
	c.SetCapabilities(DefaultCapabilities)
	if got := c.okPayload(OKOptions{Header: 0xfe}); !bytes.Equal(got, []byte{0xfe, 0, 0, 2, 0, 0, 0}) {
		t.Errorf("bare OK: %x", got)
	}
}

func TestFakeServerLargePacket(t *testing.T) {
	big := bytes.Repeat([]byte("y"), maxPayload+10)
	got := make(chan int, 1)
	fs := NewFakeServer(t, func(c *FakeConn) {
		if _, err := c.Login(HandshakeOptions{}, Auth{}); err != nil {
			return
		}
		_, payload, err := c.ReadCommand()
		if err != nil {
			c.Errorf("%v", err)
			return
		}
		got <- len(payload)
		c.WriteResult(Result{Columns: []ColumnDef{{Name: "b", Type: proto.TypeLongBlob}}, Rows: [][]any{{big}}}, false)
	})
	c, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.quit()
	c.conn.SetDeadline(time.Now().Add(time.Minute))
	r, err := c.query(string(big))
	if n := <-got; n != len(big) {
		t.Errorf("server read a %d-byte query, want %d", n, len(big))
	}
	if err != nil || len(r.rows) != 1 || len(*r.rows[0][0]) != len(big) {
		t.Errorf("big row: %v", err)
	}
}

// TestFakeServerClose checks that Close ends scripts blocked on the client
// and leaves no goroutines behind, and that a panicking script is reported.
func TestFakeServerClose(t *testing.T) {
	base := runtime.NumGoroutine()
	blocked := make(chan struct{})
	tb := &fakeTB{}
	fs := NewFakeServer(tb, func(c *FakeConn) {
		if c.ID() == 2 {
			panic("script bug")
		}
		close(blocked)
		_, err := c.ReadPacket() // the client never writes
		if err == nil || c.Err() == nil {
			c.Errorf("ReadPacket after Close = %v", err)
		}
	})
	conn1, err := net.Dial("tcp", fs.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn1.Close()
	<-blocked
	conn2, err := net.Dial("tcp", fs.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	conn2.SetReadDeadline(time.Now().Add(5 * time.Second))
	io.ReadAll(conn2) // the panicking script's connection is closed
	done := make(chan struct{})
	go func() { fs.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	if fs.Accepted() != 2 {
		t.Errorf("Accepted() = %d", fs.Accepted())
	}
	tb.mu.Lock()
	errs := tb.errors
	tb.mu.Unlock()
	if len(errs) != 1 || !strings.Contains(errs[0], "script bug") {
		t.Errorf("reported errors %q, want one about the panic", errs)
	}
	conn1.Close()
	conn2.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFakeServerDSN(t *testing.T) {
	fs := NewFakeServer(t, func(c *FakeConn) {})
	if got, want := fs.DSN("root", ""), "mysql://root@"+fs.Addr()+"/test"; got != want {
		t.Errorf("DSN = %q, want %q", got, want)
	}
	dsn := fs.DSN("u", "p@ss:w/rd")
	network, addr, err := Addr(dsn)
	if err != nil || network != "tcp" || addr != fs.Addr() {
		t.Errorf("Addr(%q) = %q, %q, %v", dsn, network, addr, err)
	}
	if !strings.Contains(dsn, "p%40ss") {
		t.Errorf("password not escaped in %q", dsn)
	}
}

func TestHandshakeResponseParseErrors(t *testing.T) {
	base := make([]byte, 32)
	binary.LittleEndian.PutUint32(base, uint32(proto.ClientProtocol41|proto.ClientSecureConnection))
	for name, p := range map[string][]byte{
		"short":          {1, 2},
		"pre-4.1":        {0, 0, 0, 0},
		"no user NUL":    append(append([]byte{}, base...), 'u', 's'),
		"auth too long":  append(append([]byte{}, base...), 'u', 0, 20, 1, 2),
		"trailing bytes": append(append([]byte{}, base...), 'u', 0, 0, 'x'),
		"ssl w/o flag":   base,
	} {
		if _, err := parseHandshakeResponse(p, DefaultCapabilities); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
	ok := append(append([]byte{}, base...), 'u', 0, 0)
	if r, err := parseHandshakeResponse(ok, DefaultCapabilities); err != nil || r.User != "u" {
		t.Errorf("minimal response: %+v, %v", r, err)
	}
}

func TestFakeServerFatalfAndNilScript(t *testing.T) {
	tb := &fakeTB{}
	reached := make(chan bool, 1)
	fs := NewFakeServer(tb, func(c *FakeConn) {
		c.Fatalf("giving up on %d", c.ID())
		reached <- true
	})
	conn, err := net.Dial("tcp", fs.Addr())
	if err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, err := io.ReadAll(conn); err != nil || len(b) != 0 {
		t.Errorf("after Fatalf the connection should close: %q, %v", b, err)
	}
	conn.Close()
	fs.Close()
	select {
	case <-reached:
		t.Error("script continued after Fatalf")
	default:
	}
	if len(tb.errors) != 1 || !strings.Contains(tb.errors[0], "giving up on 1") {
		t.Errorf("errors %q", tb.errors)
	}

	hangUp := NewFakeServer(t, nil)
	if _, err := rawDial("tcp", hangUp.Addr(), rawOptions{user: "u"}); !errors.Is(err, io.EOF) {
		t.Errorf("nil script: %v, want EOF before the handshake", err)
	}
}
