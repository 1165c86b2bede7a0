package myx_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

// TestExecManyRowAliasUpsert: INSERT ... VALUES (?, ?) AS new ON DUPLICATE KEY UPDATE ..., the
// form sqlb writes for MySQL 8.0.19+, is rewritten into multi-row statements with the alias
// after the whole VALUES list: 3,000 rows in a few statements, not 3,000. Servers without row
// aliases (MariaDB) reject the statement; the text sent is checked on the wire either way.
func TestExecManyRowAliasUpsert(t *testing.T) {
	t.Parallel()
	cfg, px := proxiedConfig(t)
	var mu sync.Mutex
	var prepared []string
	px.OnClientData(func(_ int, chunk []byte) mysqltest.Action {
		if len(chunk) > 5 && chunk[4] == 0x16 { // COM_STMT_PREPARE
			mu.Lock()
			prepared = append(prepared, string(chunk[5:]))
			mu.Unlock()
		}
		return mysqltest.Forward
	})
	c, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctxT(t))
	myx.DisableBulkForTest(c)
	ctx := ctxT(t)
	tbl := newTable(t, c, "id INT PRIMARY KEY, v INT")
	const n = 3000
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{i % 1500, i}
	}
	query := "INSERT INTO " + tbl + " (id, v) VALUES (?, ?) AS new ON DUPLICATE KEY UPDATE v = new.v"
	_, err = c.ExecMany(ctx, query, rows)
	mu.Lock()
	sent := append([]string(nil), prepared...)
	mu.Unlock()
	var multi []string
	for _, q := range sent {
		if strings.Contains(q, tbl) {
			multi = append(multi, q)
		}
	}
	if len(multi) == 0 {
		t.Fatal("no statement prepared")
	}
	first := multi[0]
	if !strings.HasPrefix(first, "INSERT INTO "+tbl+" (id, v) VALUES (?, ?),(?, ?),") || !strings.HasSuffix(first, "(?, ?) AS new ON DUPLICATE KEY UPDATE v = new.v") {
		t.Fatalf("rewritten statement: %.120s ... %.80s", first, first[max(0, len(first)-80):])
	}
	var me *myx.MySQLError
	if errors.As(err, &me) && me.Number == 1064 {
		t.Skipf("the server has no row aliases (%s); rewrite checked on the wire", c.ServerInfo())
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(multi) > 3 {
		t.Errorf("%d statements for %d rows", len(multi), n)
	}
	var cnt, sum int
	if err := c.QueryRow(ctx, "SELECT COUNT(*), SUM(v) FROM "+tbl).Scan(&cnt, &sum); err != nil {
		t.Fatal(err)
	}
	if want := (1500 + 2999) * 1500 / 2; cnt != 1500 || sum != want {
		t.Errorf("count %d sum %d, want 1500 and %d (the later row of each pair wins)", cnt, sum, want)
	}
}
