package myx_test

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// modes runs f once per way of sending a statement and reading its rows: text protocol without
// arguments, binary protocol through prepared statements, and client-side interpolation.
func modes(t *testing.T, f func(t *testing.T, c *myx.Conn, withArgs bool)) {
	t.Run("text", func(t *testing.T) { t.Parallel(); f(t, connect(t), false) })
	t.Run("binary", func(t *testing.T) { t.Parallel(); f(t, connect(t), true) })
	t.Run("interpolated", func(t *testing.T) {
		t.Parallel()
		f(t, connect(t, func(c *myx.Config) { c.InterpolateParams = true }), true)
	})
}

// query runs "SELECT cols FROM table" either without arguments or with a no-op argument, so
// that the same result comes back through the text or the binary protocol.
func query(t *testing.T, c *myx.Conn, withArgs bool, q string) *myx.Rows {
	t.Helper()
	var rows *myx.Rows
	var err error
	if withArgs {
		rows, err = c.Query(ctxT(t), q+" WHERE ? = 1", 1)
	} else {
		rows, err = c.Query(ctxT(t), q)
	}
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestIntegersRoundTrip(t *testing.T) {
	t.Parallel()
	modes(t, func(t *testing.T, c *myx.Conn, withArgs bool) {
		ctx := ctxT(t)
		tbl := newTable(t, c, `ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED,
			mi MEDIUMINT, mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED, yr YEAR, b BIT(64)`)
		_, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
			int8(math.MinInt8), uint8(math.MaxUint8), int16(math.MinInt16), uint16(math.MaxUint16),
			-8388608, 16777215, int32(math.MinInt32), uint32(math.MaxUint32),
			int64(math.MinInt64), uint64(math.MaxUint64), 2024, uint64(0x8000000000000001))
		if err != nil {
			t.Fatal(err)
		}
		rows := query(t, c, withArgs, "SELECT * FROM "+tbl)
		defer rows.Close()
		if !rows.Next() {
			t.Fatal("no row", rows.Err())
		}
		var ti int8
		var tu uint8
		var si int16
		var su uint16
		var mi, mu int32
		var i int32
		var iu uint32
		var bi int64
		var bu uint64
		var yr int
		var b uint64
		if err := rows.Scan(&ti, &tu, &si, &su, &mi, &mu, &i, &iu, &bi, &bu, &yr, &b); err != nil {
			t.Fatal(err)
		}
		if ti != math.MinInt8 || tu != math.MaxUint8 || si != math.MinInt16 || su != math.MaxUint16 ||
			mi != -8388608 || mu != 16777215 || i != math.MinInt32 || iu != math.MaxUint32 ||
			bi != math.MinInt64 || bu != math.MaxUint64 || yr != 2024 || b != 0x8000000000000001 {
			t.Errorf("got %v %v %v %v %v %v %v %v %v %v %v %x", ti, tu, si, su, mi, mu, i, iu, bi, bu, yr, b)
		}
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		if vals[9] != uint64(math.MaxUint64) || vals[8] != int64(math.MinInt64) || vals[0] != int64(-128) {
			t.Errorf("Values: %#v", vals)
		}
		// Values that do not fit are errors, never truncated.
		var small int8
		var u32 uint32
		err = rows.ScanColumn(1, &small) // 255 into int8
		var se *myx.ScanError
		if !errors.As(err, &se) || se.Column != "tu" {
			t.Errorf("255 into int8: %v", err)
		}
		if err := rows.ScanColumn(0, &u32); err == nil {
			t.Error("-128 into uint32 succeeded")
		}
		if err := rows.ScanColumn(9, &bi); err == nil {
			t.Error("MaxUint64 into int64 succeeded")
		}
		var s string
		if err := rows.ScanColumn(9, &s); err != nil || s != "18446744073709551615" {
			t.Errorf("bigint unsigned as string: %q %v", s, err)
		}
		var f float64
		if err := rows.ScanColumn(6, &f); err != nil || f != math.MinInt32 {
			t.Errorf("int into float64: %v %v", f, err)
		}
	})
}

func TestFloatsAndDecimals(t *testing.T) {
	t.Parallel()
	modes(t, func(t *testing.T, c *myx.Conn, withArgs bool) {
		ctx := ctxT(t)
		tbl := newTable(t, c, "f FLOAT, d DOUBLE, dec1 DECIMAL(65,30), dec2 DECIMAL(10,2)")
		big := "12345678901234567890123456789012345.123456789012345678901234567890"
		if _, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (?,?,?,?)", float32(1.5), math.Pi, big, "42.00"); err != nil {
			t.Fatal(err)
		}
		rows := query(t, c, withArgs, "SELECT * FROM "+tbl)
		defer rows.Close()
		if !rows.Next() {
			t.Fatal(rows.Err())
		}
		var f float32
		var d float64
		var dec string
		var whole int
		if err := rows.Scan(&f, &d, &dec, &whole); err != nil {
			t.Fatal(err)
		}
		if f != 1.5 || d != math.Pi || dec != big || whole != 42 {
			t.Errorf("got %v %v %q %v", f, d, dec, whole)
		}
		var frac int
		if err := rows.ScanColumn(2, &frac); err == nil {
			t.Error("DECIMAL with fraction into int succeeded")
		}
		var ns sql.NullString
		if err := rows.ScanColumn(2, &ns); err != nil || ns.String != big {
			t.Errorf("DECIMAL into sql.NullString: %v %v", ns, err)
		}
	})
}

func TestTemporalTypes(t *testing.T) {
	t.Parallel()
	modes(t, func(t *testing.T, c *myx.Conn, withArgs bool) {
		ctx := ctxT(t)
		tbl := newTable(t, c, "dt DATETIME(6), d DATE, ts TIMESTAMP(3) NULL, tm TIME(6), tm2 TIME, z DATETIME")
		when := time.Date(2024, 2, 29, 23, 59, 58, 123456000, time.UTC)
		if _, err := c.Exec(ctx, "SET SESSION sql_mode = ''"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (?,?,?,?,?,?)", when, when, when,
			-(838*time.Hour + 59*time.Minute + 59*time.Second), 49*time.Hour+time.Second, "0000-00-00 00:00:00"); err != nil {
			t.Fatal(err)
		}
		rows := query(t, c, withArgs, "SELECT * FROM "+tbl)
		defer rows.Close()
		if !rows.Next() {
			t.Fatal(rows.Err())
		}
		var dt, d, ts, z time.Time
		var tm, tm2 time.Duration
		if err := rows.Scan(&dt, &d, &ts, &tm, &tm2, &z); err != nil {
			t.Fatal(err)
		}
		if !dt.Equal(when) || !d.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("dt %v d %v", dt, d)
		}
		if !ts.Equal(when.Truncate(time.Millisecond)) && ts.IsZero() {
			t.Errorf("ts %v", ts)
		}
		if tm != -(838*time.Hour+59*time.Minute+59*time.Second) || tm2 != 49*time.Hour+time.Second {
			t.Errorf("tm %v tm2 %v", tm, tm2)
		}
		if !z.IsZero() {
			t.Errorf("zero date gave %v", z)
		}
		var s string
		if err := rows.ScanColumn(0, &s); err != nil || s != "2024-02-29 23:59:58.123456" {
			t.Errorf("DATETIME(6) as string: %q %v", s, err)
		}
		if err := rows.ScanColumn(3, &s); err != nil || s != "-838:59:59.000000" {
			t.Errorf("TIME(6) as string: %q %v", s, err)
		}
		var wrong time.Time
		if err := rows.ScanColumn(3, &wrong); err == nil {
			t.Error("TIME into time.Time succeeded")
		}
	})
}

func TestLocation(t *testing.T) {
	t.Parallel()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no tzdata")
	}
	c := connect(t, func(cfg *myx.Config) { cfg.Location = tokyo })
	ctx := ctxT(t)
	when := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) // 09:00 in Tokyo
	var s string
	var back time.Time
	if err := c.QueryRow(ctx, "SELECT CAST(? AS CHAR), ?", when, when).Scan(&s, &back); err != nil {
		t.Fatal(err)
	}
	if s != "2024-01-01 09:00:00" || !back.Equal(when) || back.Location() != tokyo {
		t.Errorf("got %q and %v", s, back)
	}
}

func TestStringsBlobsJSONEnumSet(t *testing.T) {
	t.Parallel()
	modes(t, func(t *testing.T, c *myx.Conn, withArgs bool) {
		ctx := ctxT(t)
		tbl := newTable(t, c, `s VARCHAR(50), txt TEXT, bin VARBINARY(10), bl BLOB, j JSON,
			e ENUM('a','b'), st SET('x','y','z'), ch CHAR(3)`)
		blob := []byte{0, 1, 2, 0xff, '\'', '\\'}
		if _, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (?,?,?,?,?,?,?,?)", "héllo '\"\\ wörld", "long text",
			[]byte("bin\x00"), blob, json.RawMessage(`{"k": [1, 2]}`), "b", "x,z", "abc"); err != nil {
			t.Fatal(err)
		}
		rows := query(t, c, withArgs, "SELECT * FROM "+tbl)
		defer rows.Close()
		if !rows.Next() {
			t.Fatal(rows.Err())
		}
		var s, txt, j, e, st, ch string
		var bin, bl []byte
		if err := rows.Scan(&s, &txt, &bin, &bl, &j, &e, &st, &ch); err != nil {
			t.Fatal(err)
		}
		if s != "héllo '\"\\ wörld" || txt != "long text" || string(bin) != "bin\x00" || string(bl) != string(blob) ||
			e != "b" || st != "x,z" || ch != "abc" {
			t.Errorf("got %q %q %q %q %q %q %q", s, txt, bin, bl, e, st, ch)
		}
		var parsed map[string][]int
		if err := json.Unmarshal([]byte(j), &parsed); err != nil || len(parsed["k"]) != 2 {
			t.Errorf("json %q: %v", j, err)
		}
		var raw json.RawMessage
		if err := rows.ScanColumn(4, &raw); err != nil || len(raw) == 0 {
			t.Errorf("json into RawMessage: %v", err)
		}
		vals, _ := rows.Values()
		if _, ok := vals[2].([]byte); !ok {
			t.Errorf("VARBINARY value is %T, want []byte", vals[2])
		}
		if _, ok := vals[0].(string); !ok {
			t.Errorf("VARCHAR value is %T, want string", vals[0])
		}
	})
}

func TestNulls(t *testing.T) {
	t.Parallel()
	modes(t, func(t *testing.T, c *myx.Conn, withArgs bool) {
		ctx := ctxT(t)
		tbl := newTable(t, c, "a INT NULL, b VARCHAR(5) NULL, c DATETIME NULL, d TIME NULL")
		var nilPtr *int
		if _, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (?,?,?,?)", nil, nilPtr, sql.NullTime{}, sql.Null[time.Duration]{}); err != nil {
			t.Fatal(err)
		}
		rows := query(t, c, withArgs, "SELECT * FROM "+tbl)
		defer rows.Close()
		if !rows.Next() {
			t.Fatal(rows.Err())
		}
		var a *int
		var b sql.NullString
		var cc sql.Null[time.Time]
		var d sql.Null[time.Duration]
		if err := rows.Scan(&a, &b, &cc, &d); err != nil {
			t.Fatal(err)
		}
		if a != nil || b.Valid || cc.Valid || d.Valid {
			t.Errorf("NULLs: %v %v %v %v", a, b, cc, d)
		}
		var plain int
		err := rows.ScanColumn(0, &plain)
		if !errors.Is(err, myx.ErrNullValue) {
			t.Errorf("NULL into int: %v", err)
		}
		var anyv any = 5
		if err := rows.ScanColumn(1, &anyv); err != nil || anyv != nil {
			t.Errorf("NULL into any: %v %v", anyv, err)
		}
	})
}

type status string

type valuer struct{ v string }

func (v valuer) Value() (driver.Value, error) { return "valuer:" + v.v, nil }

type scanner struct{ got string }

func (s *scanner) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		s.got = string(v)
	case int64:
		s.got = "int"
	default:
		s.got = "other"
	}
	return nil
}

func TestNamedTypesValuersScanners(t *testing.T) {
	t.Parallel()
	modes(t, func(t *testing.T, c *myx.Conn, withArgs bool) {
		ctx := ctxT(t)
		var st status
		var sc scanner
		var pp **int
		var n *int64
		q := "SELECT CAST(? AS CHAR), CAST(? AS CHAR), 7, 8"
		var err error
		if withArgs {
			err = c.QueryRow(ctx, q, status("active"), valuer{"x"}).Scan(&st, &sc, &pp, &n)
		} else {
			err = c.QueryRow(ctx, "SELECT 'active', 'valuer:x', 7, 8").Scan(&st, &sc, &pp, &n)
		}
		if err != nil {
			t.Fatal(err)
		}
		if st != "active" || sc.got != "valuer:x" || pp == nil || **pp != 7 || *n != 8 {
			t.Errorf("got %q %q %v %v", st, sc.got, pp, n)
		}
	})
}

func TestUnsupportedArgumentIsErrorBeforeSending(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	_, err := c.Exec(ctx, "SELECT ?", struct{ A int }{1})
	var ae *myx.ArgError
	if !errors.As(err, &ae) || ae.Index != 0 {
		t.Fatalf("got %v", err)
	}
	_, err = c.Exec(ctx, "SELECT ?, ?", 1)
	var ce *myx.ArgCountError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v", err)
	}
	if _, err := c.Exec(ctx, "DO 1"); err != nil {
		t.Fatal(err)
	}
}

func TestJSONColumnType(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	tbl := newTable(t, c, "j JSON")
	rows, err := c.Query(ctx, "SELECT j FROM "+tbl)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	col := rows.Columns()[0]
	if col.Type != myx.TypeJSON && col.ExtType != "json" {
		t.Errorf("JSON column: type %v, ext %q", col.Type, col.ExtType)
	}
	if got := col.DatabaseTypeName(); got != "JSON" {
		t.Errorf("DatabaseTypeName %q", got)
	}
}
