package sqlb

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/myxdb/myx"
)

// sqlb's struct mapping and myx's collectors read struct tags through one walker: for the
// same result and struct, they fill the same fields or fail on the same fields.

type agreeBase struct {
	ID   int64
	Note string
}

type AgreeAudit struct{ Who string }

type agreeRow struct {
	agreeBase          // flattened
	*AgreeAudit        // flattened through a pointer, allocated
	Name        string `db:",omitempty"` // the option changes nothing; the Go name stays
	Skip        string `db:"-"`
	Alias       string `db:"tag_label"`
}

type agreeLeft struct{ ID int64 }

type agreeRight struct{ ID int64 }

type agreeTaggedRight struct {
	ID int64 `db:"id"`
}

type agreeConflict struct {
	agreeLeft
	agreeRight
}

type agreeTaggedWins struct {
	agreeLeft
	agreeTaggedRight
}

type agreeOuterWins struct {
	agreeBase
	ID int64
}

type col struct {
	label string
	v     any
}

// bothMap maps the one row of SELECT cols with myx.RowToStructByName and with sqlb.One.
func bothMap[T any](t *testing.T, ctx context.Context, conn *myx.Conn, cols ...col) (viaMyx, viaSqlb T, myxErr, sqlbErr error) {
	t.Helper()
	var text []string
	var args []any
	var items []SelectItem
	for _, c := range cols {
		text = append(text, "? AS `"+c.label+"`")
		args = append(args, c.v)
		items = append(items, Value(c.v).Label(c.label))
	}
	rows, err := conn.Query(ctx, "SELECT "+strings.Join(text, ", "), args...)
	if err != nil {
		t.Fatal(err)
	}
	viaMyx, myxErr = myx.CollectOneRow(rows, myx.RowToStructByName[T])
	viaSqlb, sqlbErr = One[T](ctx, conn, Select(items...))
	return viaMyx, viaSqlb, myxErr, sqlbErr
}

func TestMappingAgreesWithCollectors(t *testing.T) {
	t.Parallel()
	conn, ctx := testDB(t)
	full := []col{{"id", int64(7)}, {"note", "n"}, {"who", "ann"}, {"name", "x"}, {"tag_label", "l"}}

	a, b, errA, errB := bothMap[agreeRow](t, ctx, conn, full...)
	if errA != nil || errB != nil {
		t.Fatalf("myx: %v; sqlb: %v", errA, errB)
	}
	want := agreeRow{agreeBase: agreeBase{7, "n"}, AgreeAudit: &AgreeAudit{"ann"}, Name: "x", Alias: "l"}
	if !reflect.DeepEqual(a, want) || !reflect.DeepEqual(b, want) {
		t.Fatalf("myx %+v (%+v)\nsqlb %+v (%+v)\nwant %+v", a, a.AgreeAudit, b, b.AgreeAudit, want)
	}

	// The same failures, naming the same fields and columns.
	for _, tc := range []struct {
		name  string
		cols  []col
		parts []string
	}{
		{"a field of an embedded pointer without its column", full[:2:2], []string{"AgreeAudit.Who"}},
		{"a column for a skipped field", append(full, col{"skip", "s"}), []string{`"skip"`}},
		{"an option is not part of the name", append(full[:3:3], col{"tag_label", "l"}, col{"omitempty", "x"}), []string{"omitempty"}},
	} {
		_, _, errA, errB := bothMap[agreeRow](t, ctx, conn, tc.cols...)
		for side, err := range map[string]error{"myx": errA, "sqlb": errB} {
			if err == nil {
				t.Errorf("%s: %s accepted it", tc.name, side)
				continue
			}
			for _, p := range tc.parts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("%s: %s says %q, which does not mention %s", tc.name, side, err, p)
				}
			}
		}
	}

	// Conflicts: equally deep untagged fields make the name ambiguous, for both.
	_, _, errA, errB = bothMap[agreeConflict](t, ctx, conn, col{"id", int64(1)})
	for side, err := range map[string]error{"myx": errA, "sqlb": errB} {
		if err == nil || !strings.Contains(err.Error(), "agreeLeft.ID and agreeRight.ID") {
			t.Errorf("ambiguous id, %s: %v", side, err)
		}
	}
	// A tagged field beats an equally deep untagged one.
	tw, tw2, errA, errB := bothMap[agreeTaggedWins](t, ctx, conn, col{"id", int64(2)})
	if errA != nil || errB != nil || tw.agreeTaggedRight.ID != 2 || tw.agreeLeft.ID != 0 || tw != tw2 {
		t.Errorf("tagged wins: myx %+v %v, sqlb %+v %v", tw, errA, tw2, errB)
	}
	// The shallower field beats the embedded one.
	ow, ow2, errA, errB := bothMap[agreeOuterWins](t, ctx, conn, col{"id", int64(3)}, col{"note", "n"})
	if errA != nil || errB != nil || ow.ID != 3 || ow.agreeBase.ID != 0 || ow.Note != "n" || ow != ow2 {
		t.Errorf("outer wins: myx %+v %v, sqlb %+v %v", ow, errA, ow2, errB)
	}
}

type agreeUserJob struct {
	ID     int64
	Jobs   string
	UserID int64
}

// The same rules for structs with relations: a struct maps the columns of its own table.
type agreeNestedUser struct {
	*AgreeNestedBase                // flattened through a pointer: the user's columns
	Jobs             []agreeUserJob // a relation
}

type AgreeNestedBase struct {
	ID       int64
	Username string
}

type agreeNestedAmbiguous struct {
	agreeLeft
	agreeRight
	Username string
	Jobs     []agreeUserJob
}

func TestMappingTagsWithRelations(t *testing.T) {
	t.Parallel()
	conn, ctx := seedShop(t)
	q := Select(userID, userUsername, jobsID, jobsJobs, jobsUserID).From(user).Join(jobs).Where(userID.Eq(2)).OrderBy(jobsID)
	got := mustAll[agreeNestedUser](t, ctx, conn, q)
	if len(got) != 1 || got[0].AgreeNestedBase == nil || got[0].ID != 2 || got[0].Username != "bob" || len(got[0].Jobs) == 0 {
		t.Fatalf("nested through an embedded pointer: %+v", got)
	}
	// The key column of an ambiguous name is not silently left out.
	_, err := All[agreeNestedAmbiguous](ctx, conn, q)
	wantErr(t, err, "agreeLeft.ID and agreeRight.ID")
}
