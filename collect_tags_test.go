package myx_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/myxdb/myx"
)

// The struct tag rules of RowToStructByName (see its doc), against the server.

type tagsBase struct {
	ID   int64
	Note string
}

type TagsAudit struct{ Who string }

type tagsRow struct {
	tagsBase                 // flattened
	*TagsAudit               // flattened through a pointer, allocated when a column goes into it
	Name       string        `db:",omitempty"` // the option changes nothing
	Skip       string        `db:"-"`
	Alias      string        `db:"tag_label"`
	Score      sql.NullInt64 // a value type: one column
	hidden     int           // unexported: skipped
}

type tagsOuterFirst struct {
	ID int64 // declared before the embedded struct, and shallower: it wins
	tagsBase
}

type tagsLeft struct{ ID int64 }
type tagsRight struct{ ID int64 }

type tagsConflict struct {
	tagsLeft
	tagsRight
	Note string
}

func collectOne[T any](t *testing.T, c *myx.Conn, fn myx.RowToFunc[T], query string) (T, error) {
	t.Helper()
	rows, err := c.Query(ctxT(t), query)
	if err != nil {
		t.Fatal(err)
	}
	return myx.CollectOneRow(rows, fn)
}

func TestStructTags(t *testing.T) {
	t.Parallel()
	c := connect(t)
	r, err := collectOne(t, c, myx.RowToStructByName[tagsRow],
		"SELECT 7 AS id, 'n' AS note, 'ann' AS who, 'x' AS name, 'l' AS tag_label, 5 AS score")
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != 7 || r.Note != "n" || r.TagsAudit == nil || r.Who != "ann" || r.Name != "x" || r.Alias != "l" || r.Score.Int64 != 5 || r.Skip != "" {
		t.Errorf("mapped %+v", r)
	}
	// Lax: the embedded pointer stays nil when no column goes into it.
	r, err = collectOne(t, c, myx.RowToStructByNameLax[tagsRow], "SELECT 7 AS ID, 'l' AS TagLabel")
	if err != nil || r.TagsAudit != nil || r.ID != 7 || r.Alias != "l" {
		t.Errorf("lax: %+v %v", r, err)
	}
	// The shallower field wins, whatever the declaration order.
	o, err := collectOne(t, c, myx.RowToStructByName[tagsOuterFirst], "SELECT 3 AS id, 'n' AS note")
	if err != nil || o.ID != 3 || o.tagsBase.ID != 0 {
		t.Errorf("outer field: %+v %v", o, err)
	}
	for _, tc := range []struct {
		query string
		parts []string
	}{
		{"SELECT 1 AS id, 'n' AS note", []string{"TagsAudit.Who", "no matching column"}},
		{"SELECT 1 AS id, 'n' AS note, 'a' AS who, 'x' AS name, 'l' AS tag_label, 5 AS score, 's' AS skip", []string{`column "skip"`}},
		{"SELECT 1 AS id, 'n' AS note, 'a' AS who, 'x' AS name, 'l' AS alias, 5 AS score", []string{`column "alias"`}},
		{"SELECT 1 AS id, 2 AS ID, 'n' AS note, 'a' AS who, 'x' AS name, 'l' AS tag_label, 5 AS score", []string{`"id"`, `"ID"`, "tagsBase.ID"}},
	} {
		_, err := collectOne(t, c, myx.RowToStructByName[tagsRow], tc.query)
		if err == nil {
			t.Errorf("%s: accepted", tc.query)
			continue
		}
		for _, p := range tc.parts {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("%s: %v does not mention %s", tc.query, err, p)
			}
		}
	}
	// Equally deep fields of one name: a column of that name is an error naming both; the
	// other fields still map.
	_, err = collectOne(t, c, myx.RowToStructByName[tagsConflict], "SELECT 1 AS id, 'n' AS note")
	if err == nil || !strings.Contains(err.Error(), "tagsLeft.ID and tagsRight.ID") {
		t.Errorf("ambiguous: %v", err)
	}
	k, err := collectOne(t, c, myx.RowToStructByName[tagsConflict], "SELECT 'n' AS note")
	if err != nil || k.Note != "n" {
		t.Errorf("without the ambiguous column: %+v %v", k, err)
	}
}
