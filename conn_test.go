package myx_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/mysqltest"
)

func TestConnectPingAndServerInfo(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	var id uint32
	if err := c.QueryRow(ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		t.Fatal(err)
	}
	if id != c.ConnID() {
		t.Errorf("ConnID() = %d, CONNECTION_ID() = %d", c.ConnID(), id)
	}
	var version string
	if err := c.QueryRow(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	info := c.ServerInfo()
	if !strings.HasPrefix(version, strings.TrimPrefix(info.Version, "5.5.5-")[:4]) {
		t.Errorf("version %q vs ServerInfo %+v", version, info)
	}
	if strings.Contains(version, "MariaDB") != (info.Flavor == myx.MariaDB) {
		t.Errorf("flavour %v for version %q", info.Flavor, version)
	}
	if info.Major < 5 {
		t.Errorf("bad major version in %+v", info)
	}
}

func TestWrongPasswordIsMySQLErrorWithoutPassword(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.User = "root"
	cfg.Password = "definitely-not-the-password-xyzzy"
	_, err := myx.ConnectConfig(ctxT(t), cfg)
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != 1045 {
		t.Fatalf("got %v, want access denied (1045)", err)
	}
	if strings.Contains(err.Error(), cfg.Password) {
		t.Fatalf("error contains the password: %v", err)
	}
}

func TestConnectRefusedIsSafeToRetry(t *testing.T) {
	t.Parallel()
	_, err := myx.Connect(ctxT(t), "mysql://root@127.0.0.1:1/test?connect_timeout=2s")
	if err == nil {
		t.Fatal("connected to port 1")
	}
	if !myx.SafeToRetry(err) || !myx.IsConnLost(err) {
		t.Errorf("dial failure should be a safe ConnError: %v", err)
	}
}

func TestUnknownDatabase(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.Database = "no_such_db_myx"
	_, err := myx.ConnectConfig(ctxT(t), cfg)
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != 1049 {
		t.Fatalf("got %v, want unknown database (1049)", err)
	}
}

func TestSessionVarsAndInitCommands(t *testing.T) {
	t.Parallel()
	c := connect(t, func(cfg *myx.Config) {
		cfg.SessionVars = append(cfg.SessionVars, [2]string{"sql_mode", "'ANSI_QUOTES'"})
		cfg.InitCommands = []string{"SET @myx_init = 42"}
	})
	ctx := ctxT(t)
	var mode string
	var init int
	if err := c.QueryRow(ctx, "SELECT @@sql_mode, @myx_init").Scan(&mode, &init); err != nil {
		t.Fatal(err)
	}
	if mode != "ANSI_QUOTES" || init != 42 {
		t.Errorf("sql_mode %q, @myx_init %d", mode, init)
	}
}

func TestUnixSocket(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	c := connect(t)
	var sock string
	if err := c.QueryRow(ctxT(t), "SELECT @@socket").Scan(&sock); err != nil {
		t.Fatal(err)
	}
	cfg.Network, cfg.Addr = "unix", sock
	uc, err := myx.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		if strings.Contains(err.Error(), "no such file") || strings.Contains(err.Error(), "permission denied") {
			t.Skipf("server socket %s not reachable from here: %v", sock, err)
		}
		t.Fatal(err)
	}
	defer uc.Close(context.Background())
	var n int
	if err := uc.QueryRow(ctxT(t), "SELECT 7").Scan(&n); err != nil || n != 7 {
		t.Fatalf("over unix socket: %v %d", err, n)
	}
}

func TestCloseIsIdempotentAndLaterCallsFail(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "DO 1"); !errors.Is(err, myx.ErrConnClosed) {
		t.Fatalf("Exec after Close: %v", err)
	}
}

func TestBusyWhileRowsOpen(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	rows, err := c.Query(ctx, "SELECT 1 UNION ALL SELECT 2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "DO 1"); !errors.Is(err, myx.ErrConnBusy) {
		t.Fatalf("want ErrConnBusy, got %v", err)
	}
	rows.Close()
	if _, err := c.Exec(ctx, "DO 1"); err != nil {
		t.Fatalf("after Close: %v", err)
	}
}

func TestServerErrorKeepsConnectionUsable(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	_, err := c.Exec(ctx, "SELECT * FROM no_such_table_myx")
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != myx.ErNoSuchTable || me.SQLState != "42S02" {
		t.Fatalf("got %v", err)
	}
	if !errors.Is(err, &myx.MySQLError{Number: myx.ErNoSuchTable}) {
		t.Error("errors.Is by number failed")
	}
	_, err = c.Query(ctx, "SELECT * FROM no_such_table_myx WHERE id = ?", 1)
	if !errors.As(err, &me) {
		t.Fatalf("prepared: got %v", err)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT 5").Scan(&n); err != nil || n != 5 {
		t.Fatalf("connection not usable after error: %v", err)
	}
}

func TestErrorInsideResultSet(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	// The error arrives after rows have been sent.
	skipUnless(t, mysqltest.SequenceEngine)
	rows, err := c.Query(ctx, "SELECT IF(seq < 3, seq, JSON_EXTRACT('[', '$')) FROM seq_1_to_5")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if rows.Err() == nil {
		t.Logf("server returned %d rows without error (warning instead); fine", n)
	}
	if _, err := c.Exec(ctx, "DO 1"); err != nil {
		t.Fatal(err)
	}
}

func TestSessionChangedAndReset(t *testing.T) {
	t.Parallel()
	c := connect(t, func(cfg *myx.Config) {
		cfg.SessionVars = append(cfg.SessionVars, [2]string{"time_zone", "'+02:00'"})
	})
	ctx := ctxT(t)
	if c.SessionChanged() {
		t.Fatal("fresh connection reports a changed session")
	}
	var n int
	c.QueryRow(ctx, "SELECT ? + 1", 1).Scan(&n)
	c.Exec(ctx, "DO 1")
	if c.SessionChanged() {
		t.Fatal("plain statements marked the session changed")
	}
	c.Exec(ctx, "SET @v = 5")
	c.Exec(ctx, "SET time_zone = '+05:00'")
	if !c.SessionChanged() {
		t.Fatal("SET @v was not noticed")
	}
	if err := c.ResetSession(ctx); err != nil {
		t.Fatal(err)
	}
	var v *int
	var tz string
	if err := c.QueryRow(ctx, "SELECT @v, @@time_zone").Scan(&v, &tz); err != nil {
		t.Fatal(err)
	}
	if v != nil || tz != "+02:00" {
		t.Errorf("after reset: @v=%v time_zone=%q (configured settings must be applied again)", v, tz)
	}
	if c.SessionChanged() {
		t.Error("still changed after reset")
	}
	// Statements cached before the reset were dropped by the server and must be re-prepared.
	if err := c.QueryRow(ctx, "SELECT ? + 1", 1).Scan(&n); err != nil || n != 2 {
		t.Fatalf("cached statement after reset: %v", err)
	}
	if err := c.CheckConn(); err != nil {
		t.Fatalf("CheckConn on a healthy idle connection: %v", err)
	}
}

// TestConnectTimeout: a server that accepts the TCP connection and never answers (a black
// hole) makes Connect fail once ConnectTimeout has passed, without sending credentials.
func TestConnectTimeout(t *testing.T) {
	t.Parallel()
	cfg, proxy := proxiedConfig(t)
	proxy.BlackHole(true)
	cfg.ConnectTimeout = 300 * time.Millisecond
	start := time.Now()
	_, err := myx.ConnectConfig(context.Background(), cfg)
	if err == nil {
		t.Fatal("connected through a black hole")
	}
	if !errors.Is(err, context.DeadlineExceeded) || !myx.SafeToRetry(err) {
		t.Errorf("want a safe-to-retry deadline error, got %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("connect gave up after %v", d)
	}
}
