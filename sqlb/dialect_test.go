package sqlb

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/myxdb/myx"
)

// The version string is read by myx.ParseServerVersion (tested there); a dialect is the
// flavour and the flavour's own version of the myx.ServerInfo it gives.
func TestParseServerVersion(t *testing.T) {
	for in, want := range map[string]Dialect{
		"8.0.36":                     MySQL(8, 0, 36),
		"5.5.5-10.11.6-MariaDB":      MariaDB(10, 11, 6),
		"10.11.19-MariaDB-0+deb12u1": MariaDB(10, 11, 19),
		"8.0.11-TiDB-v8.5.0":         TiDB(8, 5, 0),
	} {
		got, err := ParseServerVersion(in)
		if err != nil || got != want {
			t.Errorf("%q: got %v, %v; want %v", in, got, err, want)
		}
		info, err := myx.ParseServerVersion(in)
		if err != nil || DialectForServer(info) != want {
			t.Errorf("%q: DialectForServer(%v) = %v, want %v", in, info, DialectForServer(info), want)
		}
	}
	for _, bad := range []string{"", "MariaDB", "8"} {
		if got, err := ParseServerVersion(bad); err == nil {
			t.Errorf("%q: no error, got %v", bad, got)
		}
	}
	// The handshake's answer, where the version string may not name MariaDB.
	info := myx.ServerInfo{Flavor: myx.MariaDB, Major: 10, Minor: 6, Patch: 12, Version: "5.5.5-10.6.12"}
	if got := DialectForServer(info); got != MariaDB(10, 6, 12) {
		t.Errorf("DialectForServer(%v) = %v", info, got)
	}
}

func TestDialectDefaults(t *testing.T) {
	if got := (Dialect{}).String(); got != "MySQL 8.0.0" {
		t.Errorf("zero dialect is %q", got)
	}
	if !(Dialect{}).IsMySQL() || (Dialect{}).IsMariaDB() || !maria1011.IsMariaDB() {
		t.Error("flavour checks")
	}
	if Flavor(9).String() != "unspecified" {
		t.Error("unknown flavour")
	}
	v := Version{Major: 10, Minor: 6}
	for _, tc := range []struct {
		a, b, c int
		want    bool
	}{{10, 6, 0, true}, {10, 5, 99, true}, {10, 6, 1, false}, {11, 0, 0, false}, {9, 9, 9, true}} {
		if got := v.AtLeast(tc.a, tc.b, tc.c); got != tc.want {
			t.Errorf("%v.AtLeast(%d,%d,%d) = %v", v, tc.a, tc.b, tc.c, got)
		}
	}
	// The zero dialect compiles as DefaultDialect, keeping NoBackslashEscapes.
	a := mustCompile(t, InsertInto(counter).Values(counterName.Set("x")).OnDuplicateKeyUpdateInserted(counterHits), Dialect{})
	b := mustCompile(t, InsertInto(counter).Values(counterName.Set("x")).OnDuplicateKeyUpdateInserted(counterHits), DefaultDialect)
	if a.SQL != b.SQL || a.Dialect() != DefaultDialect {
		t.Errorf("zero dialect: %s vs %s", a.SQL, b.SQL)
	}
	if (Dialect{NoBackslashEscapes: true}).resolved().NoBackslashEscapes != true {
		t.Error("NoBackslashEscapes lost")
	}
}

type status string

type valuer struct{ v any }

func (v valuer) Value() (driver.Value, error) { return v.v, nil }

type badValuer struct{}

func (badValuer) Value() (driver.Value, error) { return nil, errors.New("no") }

func TestDebugSQL(t *testing.T) {
	n := 7
	var nilPtr *int
	stmt := Select(userID).Where(userUsername.In("it's", `back\slash`, "line\nbreak\x00\r\x1a")).
		Where(Text("? ? ? ? ? ? ? ? ? ? ? ? ? ? ? ?", nil, true, false, int8(-8), uint16(16), 1.5, float32(0.25), []byte("\x01\xff"), testTime,
			90*time.Minute+1500*time.Microsecond, -time.Hour, status("named"), &n, nilPtr, sql.NullString{String: "v", Valid: true}, valuer{int64(3)}))
	c := mustCompile(t, stmt, mysql80)
	want := "SELECT `user`.`id` FROM `user` WHERE `user`.`username` IN ('it''s', 'back\\\\slash', 'line\\nbreak\\0\\r\\Z') AND (NULL TRUE FALSE -8 16 1.5e+00 2.5e-01 X'01ff' '2024-05-06 07:08:09' '01:30:00.001500' '-01:00:00' 'named' 7 NULL 'v' 3)"
	if got := c.DebugSQL(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// SQL and Args are untouched.
	if strings.Contains(c.SQL, "'") || len(c.Args) != 19 {
		t.Errorf("SQL %s args %d", c.SQL, len(c.Args))
	}
	// NO_BACKSLASH_ESCAPES only doubles quotes.
	nbe := mysql80
	nbe.NoBackslashEscapes = true
	c = mustCompile(t, Select(userID).Where(userUsername.Eq(`a'b\c`)), nbe)
	if got := c.DebugSQL(); got != "SELECT `user`.`id` FROM `user` WHERE `user`.`username` = 'a''b\\c'" {
		t.Errorf("got %s", got)
	}
	// Question marks in identifiers and raw text are not placeholders.
	md := NewMetaData()
	odd := md.NewTable("what?")
	col := AddColumn(odd, "why?", Int())
	c = mustCompile(t, Select(col).Where(col.Eq(1), Text("'?' = ?", "?")), mysql80)
	if got := c.DebugSQL(); got != "SELECT `what?`.`why?` FROM `what?` WHERE `what?`.`why?` = 1 AND ('?' = '?')" {
		t.Errorf("got %s", got)
	}
	// Values without a literal form are marked, not guessed.
	c = mustCompile(t, Select(userID).Where(Text("? ? ?", math.NaN(), badValuer{}, struct{}{})), mysql80)
	if got := c.DebugSQL(); got != "SELECT `user`.`id` FROM `user` WHERE /* unprintable */ ? /* unprintable */ ? /* unprintable */ ?" {
		t.Errorf("got %s", got)
	}
}

func TestIdentifierQuoting(t *testing.T) {
	md := NewMetaData()
	weird := md.NewTable("we`ird")
	col := AddColumn(weird, "co`l", Int())
	c := mustCompile(t, Select(col), mysql80)
	if c.SQL != "SELECT `we``ird`.`co``l` FROM `we``ird`" {
		t.Errorf("got %s", c.SQL)
	}
	for _, bad := range []string{"", "a\x00b", "trailing ", "emoji\U0001F600", string([]byte{0xff})} {
		if err := checkIdent("table", bad, 64); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A base query shared by goroutines that each refine it: run with -race.
func TestConcurrentUseOfSharedStatements(t *testing.T) {
	base := Select(user, jobs).From(user).Join(jobs).Where(userID.Gt(0)).LabelStyle(LabelTablePlusColumn)
	want := mustCompile(t, base, mysql80).SQL
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := base.Where(userUsername.Eq("u")).OrderBy(jobsID).Limit(int64(i))
			alias := user.As("u")
			q2 := base.Where(userID.Of(alias).Eq(int64(i))).Join(alias, userID.Of(alias).EqExpr(jobsUserID))
			for _, d := range []Dialect{mysql80, maria1011} {
				if _, err := q.Compile(d); err != nil {
					errs <- err
				}
				if _, err := q2.Compile(d); err != nil {
					errs <- err
				}
			}
			if got := mustCompileErr(base, mysql80); got != want {
				errs <- errors.New("base changed: " + got)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func mustCompileErr(s Statement, d Dialect) string {
	c, err := s.Compile(d)
	if err != nil {
		return err.Error()
	}
	return c.SQL
}
