package myx_test

import (
	"testing"

	"github.com/myxdb/myx"
)

// TestSessionChangedWithoutTracking: on a server that cannot flag session changes, the client
// classifies what it sends: statements that leave the session alone keep SessionChanged false
// (so a pool keeps the connection and its statement cache), and a statement that may change the
// session makes it true, on every path.
func TestSessionChangedWithoutTracking(t *testing.T) {
	t.Parallel()
	for _, interpolate := range []bool{false, true} {
		c := connect(t, func(cfg *myx.Config) {
			cfg.InterpolateParams = interpolate
			noTracking(cfg)
		})
		ctx := ctxT(t)
		tbl := newTable(t, c, "id INT PRIMARY KEY, v INT")
		if err := c.ResetSession(ctx); err != nil { // newTable's CREATE is harmless, but start clean
			t.Fatal(err)
		}
		if c.SessionChanged() {
			t.Fatalf("interpolate=%v: fresh session reported changed", interpolate)
		}
		var n int
		for i := range 3 {
			if err := c.QueryRow(ctx, "SELECT ? + 1", i).Scan(&n); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.QueryRow(ctx, "SELECT COUNT(*) FROM "+tbl).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, "INSERT INTO "+tbl+" VALUES (?, ?)", 1, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ExecMany(ctx, "INSERT INTO "+tbl+" VALUES (?, ?) ON DUPLICATE KEY UPDATE v = v + 1", [][]any{{2, 2}, {3, 3}}); err != nil {
			t.Fatal(err)
		}
		b := &myx.Batch{}
		b.Queue("SELECT ?", 1)
		b.Queue("UPDATE "+tbl+" SET v = ? WHERE id = 1", 5)
		if err := c.SendBatch(ctx, b).Close(); err != nil {
			t.Fatal(err)
		}
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx.Exec(ctx, "DELETE FROM "+tbl+" WHERE id = ?", 3)
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if c.SessionChanged() {
			t.Fatalf("interpolate=%v: statements that change nothing marked the session changed", interpolate)
		}

		changes := map[string]func() error{
			"text SET": func() error { _, err := c.Exec(ctx, "SET @a = 1"); return err },
			"SET with an argument": func() error {
				_, err := c.Exec(ctx, "SET @a = ?", 1)
				return err
			},
			"prepared statement": func() error {
				st, err := c.Prepare(ctx, "SET @b = ?")
				if err != nil {
					return err
				}
				c.ResetSession(ctx) // the prepare alone already counts; test the execute
				st, err = c.Prepare(ctx, "SELECT 1")
				if err != nil {
					return err
				}
				st.Close(ctx)
				if c.SessionChanged() {
					t.Errorf("preparing SELECT 1 marked the session changed")
				}
				st, err = c.Prepare(ctx, "SET @b = ?")
				if err != nil {
					return err
				}
				_, err = st.Exec(ctx, 2)
				return err
			},
			"GET_LOCK in a SELECT": func() error {
				return c.QueryRow(ctx, "SELECT GET_LOCK(?, 0)", t.Name()).Scan(&n)
			},
			"USE in a batch": func() error {
				b := &myx.Batch{}
				b.Queue("SELECT 1")
				b.Queue("USE " + c.Config().Database)
				return c.SendBatch(ctx, b).Close()
			},
			"ExecMany": func() error {
				_, err := c.ExecMany(ctx, "INSERT INTO "+tbl+" VALUES (?, RELEASE_LOCK('myx-session-test'))", [][]any{{10}, {11}})
				return err
			},
			"temporary table": func() error {
				_, err := c.Exec(ctx, "CREATE TEMPORARY TABLE tmp_session_test (a INT)")
				return err
			},
			"executable comment": func() error {
				_, err := c.Exec(ctx, "/*!40101 SET @d = 1 */")
				return err
			},
		}
		for name, run := range changes {
			if err := c.ResetSession(ctx); err != nil {
				t.Fatal(err)
			}
			if c.SessionChanged() {
				t.Fatalf("%s: changed right after a reset", name)
			}
			if err := run(); err != nil {
				t.Fatalf("interpolate=%v %s: %v", interpolate, name, err)
			}
			if !c.SessionChanged() {
				t.Errorf("interpolate=%v %s: not seen as a session change", interpolate, name)
			}
		}
	}
}

// TestSessionTrackingSwitchedOff: a statement that turns the server's change reporting off
// makes the client rely on its own classification from then on.
func TestSessionTrackingSwitchedOff(t *testing.T) {
	t.Parallel()
	c := connect(t)
	ctx := ctxT(t)
	if _, err := c.Exec(ctx, "SET SESSION session_track_state_change = OFF"); err != nil {
		t.Fatal(err)
	}
	if !c.SessionChanged() {
		t.Fatal("switching tracking off was not seen as a change")
	}
	if err := c.ResetSession(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "SET SESSION session_track_state_change = OFF"); err != nil {
		t.Fatal(err)
	}
	c.Exec(ctx, "SET @x = 1")
	if !c.SessionChanged() {
		t.Fatal("SET @x after tracking was switched off was not seen")
	}
}
