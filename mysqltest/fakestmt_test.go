package mysqltest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/myxdb/myx/mysqltest/proto"
	"math"
	"reflect"
	"sync"
	"testing"
	"time"
)

var binaryColumns = []ColumnDef{
	{Name: "i", Type: proto.TypeLong},
	{Name: "u", Type: proto.TypeLongLong, Flags: proto.FlagUnsigned},
	{Name: "t", Type: proto.TypeTiny},
	{Name: "s", Type: proto.TypeVarString},
	{Name: "f", Type: proto.TypeFloat},
	{Name: "d", Type: proto.TypeDouble},
	{Name: "dt", Type: proto.TypeDateTime},
	{Name: "day", Type: proto.TypeDate},
	{Name: "tm", Type: proto.TypeTime},
	{Name: "dec", Type: proto.TypeNewDecimal},
	{Name: "n", Type: proto.TypeLong},
}

var binaryRow = []any{
	-7, uint64(math.MaxUint64), "-3", "héllo", float32(1.5), 2.25,
	time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC), "2024-03-01", -(26*time.Hour + 3*time.Minute + 4*time.Second + 5*time.Microsecond),
	"12.50", nil,
}

var binaryRowDecoded = []any{
	int64(-7), uint64(math.MaxUint64), int64(-3), []byte("héllo"), float32(1.5), 2.25,
	time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC), time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), -(26*time.Hour + 3*time.Minute + 4*time.Second + 5*time.Microsecond),
	[]byte("12.50"), nil,
}

func TestFakeServerPreparedStatements(t *testing.T) {
	var mu sync.Mutex
	var seen []Query
	handler := func(q Query) []Result {
		mu.Lock()
		seen = append(seen, q)
		mu.Unlock()
		switch q.SQL {
		case "SELECT * FROM t WHERE id = ? AND name <> '?' -- ?":
			return []Result{{Columns: binaryColumns, Rows: [][]any{binaryRow, binaryRow}}}
		case "UPDATE t SET a = ?, b = ?, c = ?":
			return []Result{{AffectedRows: 3}}
		case "BROKEN ?":
			return []Result{{Err: &ServerError{Code: 1064, SQLState: "42000", Message: "syntax"}}}
		}
		return nil
	}
	for _, tc := range []struct {
		name string
		o    HandshakeOptions
		caps uint64
	}{
		{"mysql", HandshakeOptions{}, 0},
		{"mysql eof", HandshakeOptions{}, rawDefaultCaps &^ proto.ClientDeprecateEOF},
		{"mariadb", HandshakeOptions{MariaDB: true}, rawDefaultCaps | proto.MariaDBClientCacheMetadata},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			seen = nil
			mu.Unlock()
			fs := NewFakeServer(t, loginAndServe(tc.o, Auth{}, handler, nil))
			c, err := rawDial("tcp", fs.Addr(), rawOptions{user: "u", caps: tc.caps})
			if err != nil {
				t.Fatal(err)
			}
			defer c.quit()

			st, err := c.prepare("SELECT * FROM t WHERE id = ? AND name <> '?' -- ?")
			if err != nil {
				t.Fatal(err)
			}
			if st.params != 1 || len(st.columns) != len(binaryColumns) {
				t.Fatalf("prepared: %d params, %d columns", st.params, len(st.columns))
			}
			if err := c.sendExecute(st.id, []any{int64(42)}, true); err != nil {
				t.Fatal(err)
			}
			r, err := c.readBinaryResult()
			if err != nil {
				t.Fatal(err)
			}
			if len(r.rows) != 2 {
				t.Fatalf("%d rows", len(r.rows))
			}
			for i, want := range binaryRowDecoded {
				if got := r.rows[1][i]; !reflect.DeepEqual(got, want) {
					t.Errorf("column %s = %#v, want %#v", binaryColumns[i].Name, got, want)
				}
			}
			// Again, without re-sending the types.
			if err := c.sendExecute(st.id, []any{int64(43)}, false); err != nil {
				t.Fatal(err)
			}
			if _, err := c.readBinaryResult(); err != nil {
				t.Fatalf("execute without types: %v", err)
			}

			// Arguments of every kind, one of them sent as long data.
			up, err := c.prepare("UPDATE t SET a = ?, b = ?, c = ?")
			if err != nil {
				t.Fatal(err)
			}
			c.command(proto.ComStmtSendLongData, append(append(leUint32(up.id), 2, 0), "long "...))
			c.command(proto.ComStmtSendLongData, append(append(leUint32(up.id), 2, 0), "data"...))
			when := time.Date(2001, 2, 3, 4, 5, 6, 7000, time.UTC)
			if err := c.sendExecute(up.id, []any{when, nil, rawLongData{}}, true); err != nil {
				t.Fatal(err)
			}
			if r, err := c.readBinaryResult(); err != nil || r.ok == nil || r.ok.affected != 3 {
				t.Fatalf("UPDATE: %+v, %v", r, err)
			}
			for _, args := range [][]any{
				{int64(-1), uint64(1 << 63), 0.5},
				{"text", time.Duration(-90 * time.Second), time.Duration(0)},
			} {
				if err := c.sendExecute(up.id, args, true); err != nil {
					t.Fatal(err)
				}
				if _, err := c.readBinaryResult(); err != nil {
					t.Fatal(err)
				}
			}

			// A failing prepare, and MariaDB-style pipelining: prepare and
			// execute sent together, the execute naming the last prepared
			// statement.
			if _, err := c.prepare("BROKEN ?"); err == nil {
				t.Error("prepare of a failing statement succeeded")
			}
			c.sendPrepare("SELECT * FROM t WHERE id = ? AND name <> '?' -- ?")
			seqAfterPrepare := c.seq
			c.sendExecute(proto.LastPreparedStmt, []any{int64(7)}, true)
			c.seq = seqAfterPrepare - 1
			c.seq = 1
			st2, err := c.readPrepare()
			if err != nil {
				t.Fatal(err)
			}
			c.seq = 1
			if r, err := c.readBinaryResult(); err != nil || len(r.rows) != 2 {
				t.Fatalf("pipelined execute: %+v, %v", r, err)
			}
			c.sendPrepare("BROKEN ?")
			c.sendExecute(proto.LastPreparedStmt, []any{int64(7)}, true)
			c.seq = 1
			if _, err := c.readPrepare(); err == nil {
				t.Error("pipelined failing prepare succeeded")
			}
			c.seq = 1
			var se *ServerError
			if _, err := c.readBinaryResult(); !errors.As(err, &se) || se.Code != 1243 {
				t.Errorf("execute after a failed prepare: %v, want ERR 1243", err)
			}

			// Reset, close, then execute the closed statement.
			c.command(proto.ComStmtReset, leUint32(st2.id))
			if p, err := c.readPacket(); err != nil || p[0] != 0 {
				t.Errorf("COM_STMT_RESET: %x, %v", p, err)
			}
			c.command(proto.ComStmtClose, leUint32(st2.id))
			c.sendExecute(st2.id, []any{int64(1)}, true)
			if _, err := c.readBinaryResult(); !errors.As(err, &se) || se.Code != 1243 {
				t.Errorf("execute of a closed statement: %v, want ERR 1243", err)
			}

			mu.Lock()
			defer mu.Unlock()
			var got []string
			for _, q := range seen {
				got = append(got, fmt.Sprintf("%s %v", q.Stage, q.Args))
			}
			want := []string{
				"prepare []", "execute [42]", "execute [43]",
				"prepare []", "execute [2001-02-03 04:05:06.000007 +0000 UTC <nil> [108 111 110 103 32 100 97 116 97]]",
				"execute [-1 9223372036854775808 0.5]", "execute [[116 101 120 116] -1m30s 0s]",
				"prepare []",
				"prepare []", "execute [7]",
				"prepare []",
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("handler saw\n%q\nwant\n%q", got, want)
			}
		})
	}
}

func leUint32(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }

func TestBinaryRowErrors(t *testing.T) {
	for _, tc := range []struct {
		col ColumnDef
		v   any
	}{
		{ColumnDef{Type: proto.TypeTiny}, 300},
		{ColumnDef{Type: proto.TypeTiny, Flags: proto.FlagUnsigned}, -1},
		{ColumnDef{Type: proto.TypeLong}, "twelve"},
		{ColumnDef{Type: proto.TypeLong}, 1.5},
		{ColumnDef{Type: proto.TypeDateTime}, "yesterday"},
		{ColumnDef{Type: proto.TypeTime}, "25"},
		{ColumnDef{Type: proto.TypeDouble}, struct{}{}},
	} {
		if _, err := binaryRowPayload([]ColumnDef{tc.col}, []any{tc.v}); err == nil {
			t.Errorf("type %d value %#v: no error", tc.col.Type, tc.v)
		}
	}
	if _, err := binaryRowPayload(binaryColumns, []any{1}); err == nil {
		t.Error("short row: no error")
	}
	// Zero date and NULL bitmap positions.
	got, err := binaryRowPayload([]ColumnDef{{Type: proto.TypeDate}, {Type: proto.TypeLong}, {Type: proto.TypeDateTime}}, []any{"0000-00-00", nil, time.Time{}})
	if err != nil || !bytes.Equal(got, []byte{0, 0x08, 0, 0}) {
		t.Errorf("zero dates and NULL: %x, %v", got, err)
	}
}

func TestCountPlaceholders(t *testing.T) {
	for q, want := range map[string]int{
		"SELECT 1":                             0,
		"SELECT ?, ?":                          2,
		"SELECT '?', \"?\", `?`, ?":            1,
		"SELECT 'it''s ?', ?":                  1,
		`SELECT 'a\'?', ?`:                     1,
		"SELECT ? -- ?\n, ?":                   2,
		"SELECT ? # ?\n, ?":                    2,
		"SELECT ? /* ? */ , ?":                 2,
		"SELECT 5--?":                          1,
		"INSERT INTO t VALUES (?,?,?),(?,?,?)": 6,
	} {
		if got := countPlaceholders(q); got != want {
			t.Errorf("countPlaceholders(%q) = %d, want %d", q, got, want)
		}
	}
}

// TestCrossCheckBinaryProtocol prepares and executes a statement on the real
// server and checks the fake server's encoders reproduce its answers, and
// that its decoder reads the raw client's COM_STMT_EXECUTE as the real
// server did.
func TestCrossCheckBinaryProtocol(t *testing.T) {
	dsn, target := requireTCP(t)
	info, err := ServerInfoFor(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	tidb := info.TiDB()
	admin := sharedClient(t, dsn)
	table := scratchTable(t, admin)
	for _, q := range []string{
		// A zero date is inserted below; TiDB's default sql_mode refuses it.
		"SET SESSION sql_mode = REPLACE(REPLACE(@@SESSION.sql_mode, 'NO_ZERO_IN_DATE', ''), 'NO_ZERO_DATE', '')",
		"ALTER TABLE " + table + " ADD COLUMN u BIGINT UNSIGNED, ADD COLUMN tn TINYINT, ADD COLUMN v VARCHAR(20), " +
			"ADD COLUMN f FLOAT, ADD COLUMN d DOUBLE, ADD COLUMN dt DATETIME(6), ADD COLUMN dy DATE, ADD COLUMN tm TIME(6), " +
			"ADD COLUMN dc DECIMAL(8,3), ADD COLUMN ts TIMESTAMP NULL, ADD COLUMN yr YEAR",
		"INSERT INTO " + table + " VALUES " +
			"(1, 18446744073709551615, -5, 'x', 1.5, -2.25, '2024-02-29 13:14:15.123456', '2024-03-01', '-26:03:04.000005', 12.5, '2020-01-01 00:00:00', 2024), " +
			"(2, 0, 0, '', 0, 0, '2024-01-01 00:00:00', '0000-00-00', '00:00:00', 0, NULL, NULL), " +
			"(3, NULL, NULL, NULL, NULL, NULL, '2024-01-01 10:00:00', NULL, '838:59:59', NULL, NULL, NULL)",
	} {
		if err := admin.exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, caps := range []uint64{rawDefaultCaps, rawDefaultCaps &^ proto.ClientDeprecateEOF} {
		t.Run(fmt.Sprintf("caps %#x", caps), func(t *testing.T) {
			p := newTestProxy(t, target)
			var mu sync.Mutex
			var sent [][]byte
			p.OnClientData(func(conn int, chunk []byte) Action {
				mu.Lock()
				sent = append(sent, append([]byte{}, chunk...))
				mu.Unlock()
				return Forward
			})
			pdsn, _ := p.DSN(dsn)
			c, err := rawDialDSN(pdsn, rawOptions{user: "root", db: "test", caps: caps})
			if err != nil {
				t.Fatal(err)
			}
			defer c.quit()
			var packets [][]byte
			c.onRead = func(p []byte) { packets = append(packets, append([]byte{}, p...)) }
			query := "SELECT id, u, tn, v, f, d, dt, dy, tm, dc, ts, yr, NULL AS n FROM " + table + " WHERE id >= ? OR v = ? ORDER BY id"
			st, err := c.prepare(query)
			if err != nil {
				t.Fatal(err)
			}
			// The fake's PREPARE_OK and definitions for the same statement.
			var cols []ColumnDef
			for _, p := range packets[1+st.params+boolInt(st.params > 0 && caps&proto.ClientDeprecateEOF == 0):] {
				if p[0] == 0xfe && len(p) == 5 {
					continue
				}
				col, err := parseColumnDefForTest(p, c.caps)
				if err != nil {
					t.Fatal(err)
				}
				cols = append(cols, col)
			}
			params := make([]ColumnDef, st.params)
			for i := range params {
				if params[i], err = parseColumnDefForTest(packets[1+i], c.caps); err != nil {
					t.Fatal(err)
				}
			}
			if tidb {
				// ParamDef models MySQL and MariaDB; TiDB describes a parameter as a
				// nameless type 252 (BLOB) column in collation 46.
				t.Logf("TiDB parameter definition %+v, not compared with ParamDef()", params[0])
			} else if !reflect.DeepEqual(params[0], ParamDef()) {
				t.Errorf("real parameter definition %+v, ParamDef() %+v", params[0], ParamDef())
			}
			fc, buf := recordingFakeConn(t, c)
			fc.SetStatus(proto.StatusAutocommit)
			fc.WritePrepareOK(st.id, params, cols, 0)
			if got, want := splitPackets(buf.Bytes()), packets; !reflect.DeepEqual(got, want) {
				t.Errorf("prepare answer differs:\n fake %x\n real %x", got, want)
			}

			args := []any{int64(1), "0"}
			mu.Lock()
			sent = nil
			mu.Unlock()
			packets = nil
			if err := c.sendExecute(st.id, args, true); err != nil {
				t.Fatal(err)
			}
			r, err := c.readBinaryResult()
			if err != nil {
				t.Fatal(err)
			}
			if len(r.rows) != 3 {
				t.Fatalf("%d rows", len(r.rows))
			}
			// The real server's rows, decoded and re-encoded by the fake.
			rows := packets[1+len(cols)+boolInt(caps&proto.ClientDeprecateEOF == 0) : len(packets)-1]
			for i, rp := range rows {
				want := r.rows[i]
				got, err := binaryRowPayload(cols, want)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, rp) {
					t.Errorf("row %d:\n fake %x\n real %x\n values %v", i, got, rp, want)
				}
			}
			// The execute the raw client sent (and the server accepted),
			// decoded by the fake server.
			mu.Lock()
			exec := sent[0]
			mu.Unlock()
			d := &decoder{buf: exec, pos: 4 + 1 + 4}
			decoded, err := decodeExecute(d, &fakeStmt{params: st.params, longData: map[int][]byte{}})
			if err != nil || !reflect.DeepEqual(decoded, []any{int64(1), []byte("0")}) {
				t.Errorf("decoded execute %#v, %v", decoded, err)
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// recordingFakeConn returns a FakeConn with the raw client's negotiated
// capabilities whose writes land in the returned buffer.
func recordingFakeConn(t *testing.T, c *rawClient) (*FakeConn, *bytes.Buffer) {
	var buf bytes.Buffer
	rc := &recordConn{w: &buf}
	fc := newFakeConn(t, 1, rc, nil)
	fc.SetCapabilities(c.caps)
	fc.SetStatus(0)
	fc.mariadb = c.info.MariaDB
	fc.seq = 1
	return fc, &buf
}

// splitPackets splits a byte stream into packet payloads.
func splitPackets(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 4 {
		n := int(b[0]) | int(b[1])<<8 | int(b[2])<<16
		out = append(out, b[4:4+n])
		b = b[4+n:]
	}
	return out
}
