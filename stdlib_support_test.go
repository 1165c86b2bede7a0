package myx_test

import (
	"bytes"
	"database/sql/driver"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

func TestDriverValues(t *testing.T) {
	t.Parallel()
	modes(t, func(t *testing.T, c *myx.Conn, withArgs bool) {
		ctx := ctxT(t)
		tbl := newTable(t, c, `ti TINYINT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED, bs BIGINT UNSIGNED,
			yr YEAR, f FLOAT, d DOUBLE, dc DECIMAL(10,3), dt DATETIME(6), da DATE, tm TIME(3), ntm TIME,
			zd DATE, vc VARCHAR(20), vb VARBINARY(20), e VARCHAR(10), bt BIT(16), n INT`)
		_, err := c.Exec(ctx, "SET SESSION sql_mode = ''")
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Exec(ctx, "INSERT INTO "+tbl+` VALUES (-5, 4000000000, -9000000000, 7, 18446744073709551615,
			2024, 1.5, 2.25, -12.345, '2024-02-29 13:14:15.123456', '2024-03-01', '-838:59:58.5', '25:00:01',
			'0000-00-00', 'héllo', x'00ff', '', b'1000000000000001', NULL)`)
		if err != nil {
			t.Fatal(err)
		}
		rows := query(t, c, withArgs, "SELECT * FROM "+tbl)
		defer rows.Close()
		if !rows.Next() {
			t.Fatal("no row", rows.Err())
		}
		dest := make([]driver.Value, len(rows.Columns()))
		scratch, err := rows.DriverValues(dest, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Without Config.ParseTime (go-sql-driver's default) dates are their text.
		want := []driver.Value{int64(-5), int64(4000000000), int64(-9000000000), int64(7),
			uint64(math.MaxUint64), int64(2024), float32(1.5), float64(2.25), []byte("-12.345"),
			[]byte("2024-02-29 13:14:15.123456"), []byte("2024-03-01"),
			[]byte("-838:59:58.500"), []byte("25:00:01"), []byte("0000-00-00"), []byte("héllo"), []byte{0, 0xff},
			[]byte{}, []byte{0x80, 0x01}, nil}
		for i, w := range want {
			if !sameValue(dest[i], w) {
				t.Errorf("column %d (%s): got %T %v, want %T %v", i, rows.Columns()[i].Name, dest[i], dest[i], w, w)
			}
		}
		if b, ok := dest[16].([]byte); !ok || b == nil {
			t.Errorf("empty string: got %#v, want a non-nil empty []byte", dest[16])
		}
		// The scratch buffer is handed back for reuse.
		if withArgs && !c.Config().InterpolateParams && cap(scratch) == 0 {
			t.Error("binary TIME and DATE values were not formatted into scratch")
		}
		if _, err := rows.DriverValues(dest[:3], scratch); err == nil {
			t.Error("DriverValues accepted too few destinations")
		}
		if rows.Next() {
			t.Fatal("second row")
		}
		if _, err := rows.DriverValues(dest, scratch); err == nil {
			t.Error("DriverValues without a current row succeeded")
		}
	})
}

func sameValue(got, want driver.Value) bool {
	switch w := want.(type) {
	case []byte:
		g, ok := got.([]byte)
		return ok && bytes.Equal(g, w)
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w) && g.Location() == w.Location()
	}
	return got == want
}

func TestDriverValuesZeroMonth(t *testing.T) {
	t.Parallel()
	modes(t, func(t *testing.T, c *myx.Conn, withArgs bool) {
		ctx := ctxT(t)
		tbl := newTable(t, c, "d DATE, dt DATETIME")
		if _, err := c.Exec(ctx, "SET SESSION sql_mode = ''"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES ('2024-00-00', '2024-05-00 10:11:12')"); err != nil {
			t.Fatal(err)
		}
		rows := query(t, c, withArgs, "SELECT * FROM "+tbl)
		defer rows.Close()
		if !rows.Next() {
			t.Fatal("no row", rows.Err())
		}
		dest := make([]driver.Value, 2)
		if _, err := rows.DriverValues(dest, nil); err != nil {
			t.Fatal(err)
		}
		if !sameValue(dest[0], []byte("2024-00-00")) || !sameValue(dest[1], []byte("2024-05-00 10:11:12")) {
			t.Errorf("got %q %q", dest[0], dest[1])
		}
	})
}

func TestHasNextResultSet(t *testing.T) {
	t.Parallel()
	c := connect(t, func(cfg *myx.Config) { cfg.MultiStatements = true })
	ctx := ctxT(t)
	rows, err := c.Query(ctx, "SELECT 1; SELECT 2, 3")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.HasNextResultSet() {
		t.Error("before reading: HasNextResultSet false")
	}
	for rows.Next() {
	}
	if !rows.HasNextResultSet() {
		t.Error("after the first result: HasNextResultSet false")
	}
	if !rows.NextResultSet() || len(rows.Columns()) != 2 {
		t.Fatal("NextResultSet", rows.Err())
	}
	for rows.Next() {
	}
	if rows.HasNextResultSet() {
		t.Error("after the last result: HasNextResultSet true")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	one, err := c.Query(ctx, "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	for one.Next() {
	}
	if one.HasNextResultSet() {
		t.Error("single result: HasNextResultSet true")
	}
}

func TestColumnCharset(t *testing.T) {
	t.Parallel()
	c := connect(t)
	tbl := newTable(t, c, "a VARCHAR(10) CHARACTER SET utf8mb4, b VARCHAR(10) CHARACTER SET latin1, c VARBINARY(10), d INT")
	rows, err := c.Query(ctxT(t), "SELECT * FROM "+tbl)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := []string{"utf8mb4", "utf8mb4", "binary", "binary"} // text is converted to the connection's character set
	for i, col := range rows.Columns() {
		if got := col.Charset(); got != want[i] {
			t.Errorf("column %s: Charset %q, want %q", col.Name, got, want[i])
		}
	}
	unknown := myx.Column{Collation: 4000}
	if got := unknown.Charset(); got != "" {
		t.Errorf("unknown collation: %q", got)
	}
	if err := rows.Close(); err != nil && !errors.Is(err, myx.ErrNoRows) {
		t.Fatal(err)
	}
}

func TestDriverValuesLocation(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("UTC+1", 3600)
	c := connect(t, func(cfg *myx.Config) { cfg.Location, cfg.ParseTime = loc, true })
	for _, args := range [][]any{nil, {1}} {
		q := "SELECT CAST('2024-01-02 03:04:05' AS DATETIME)"
		if args != nil {
			q += " FROM DUAL WHERE ? = 1"
		}
		rows, err := c.Query(ctxT(t), q, args...)
		if err != nil {
			t.Fatal(err)
		}
		if !rows.Next() {
			t.Fatal("no row", rows.Err())
		}
		dest := make([]driver.Value, 1)
		if _, err := rows.DriverValues(dest, nil); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if want := time.Date(2024, 1, 2, 3, 4, 5, 0, loc); !sameValue(dest[0], want) {
			t.Errorf("args %v: got %v, want %v", args, dest[0], want)
		}
	}
}
