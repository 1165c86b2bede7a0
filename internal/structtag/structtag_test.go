package structtag

import (
	"database/sql"
	"reflect"
	"slices"
	"testing"
	"time"
)

// names lists the fields' names and labels in order.
func names(s *Struct) []string {
	var out []string
	for _, f := range s.Fields {
		out = append(out, f.Name+"="+f.Label)
	}
	return out
}

func want(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func TestNamesAndTags(t *testing.T) {
	type row struct {
		UserID    int
		Name      string `db:"user_name"`
		Email     string `db:",omitempty"`
		Nick      string `db:"nick,omitempty,other"`
		Skipped   int    `db:"-"`
		Dash      int    `db:"-,"`
		hidden    int
		hiddenTag int `db:"hidden"`
	}
	s := Of(reflect.TypeFor[row]())
	want(t, "fields", names(s), []string{"UserID=row.UserID", "user_name=row.Name", "Email=row.Email", "nick=row.Nick", "-=row.Dash"})
	for _, col := range []string{"user_id", "USERID", "UserId", "u_s_e_r_i_d"} {
		if f, ok := s.Lookup(col); !ok || f.Name != "UserID" {
			t.Errorf("column %s: %+v %v", col, f, ok)
		}
	}
	if f, ok := s.Lookup("UserName"); !ok || f.Name != "user_name" || !f.Tagged {
		t.Errorf("tagged name: %+v %v", f, ok)
	}
	if _, ok := s.Lookup("name"); ok {
		t.Error("a tagged field still answers to its Go name")
	}
	if f, _ := s.Lookup("email"); f.Tagged || !f.HasOption("omitempty") {
		t.Errorf(`db:",omitempty": %+v`, f)
	}
	if f, _ := s.Lookup("nick"); !slices.Equal(f.Options, []string{"omitempty", "other"}) || f.HasOption("x") {
		t.Errorf("options %q", f.Options)
	}
	for _, col := range []string{"skipped", "hidden", "hiddentag"} {
		if _, ok := s.Lookup(col); ok {
			t.Errorf("%s is mapped", col)
		}
	}
	if f, ok := s.Lookup("-"); !ok || f.Name != "-" {
		t.Errorf(`db:"-,": %+v %v`, f, ok)
	}
	if Of(reflect.TypeFor[row]()) != s {
		t.Error("the walk is not cached")
	}
}

type base struct {
	ID      int64
	Created time.Time
}

type Audit struct {
	By string
	At time.Time
}

type hiddenAudit struct{ Who string }

type Profile struct{ Bio string }

func TestEmbedding(t *testing.T) {
	type row struct {
		base                          // unexported type: its exported fields are promoted
		*Audit                        // pointer: flattened, allocated on use
		*hiddenAudit                  // pointer to an unexported type: cannot be allocated, skipped
		sql.NullString                // a value type: one field named after its type
		time.Time                     // likewise
		Profile        `db:"profile"` // named: one field, not flattened
		Name           string
	}
	s := Of(reflect.TypeFor[row]())
	want(t, "fields", names(s), []string{"ID=base.ID", "Created=base.Created", "By=Audit.By", "At=Audit.At",
		"NullString=row.NullString", "Time=row.Time", "profile=row.Profile", "Name=row.Name"})
	if _, ok := s.Lookup("who"); ok {
		t.Error("a field of an embedded pointer to an unexported struct is mapped")
	}
	if f, _ := s.Lookup("profile"); f.Type != reflect.TypeFor[Profile]() {
		t.Errorf("named embedded struct: %+v", f)
	}

	var r row
	v := reflect.ValueOf(&r).Elem()
	f, _ := s.Lookup("id")
	FieldByIndex(v, f.Index).SetInt(7)
	if r.ID != 7 || r.Audit != nil {
		t.Fatalf("value embedding: %+v", r)
	}
	f, _ = s.Lookup("by")
	FieldByIndex(v, f.Index).SetString("ann")
	if r.Audit == nil || r.By != "ann" {
		t.Fatalf("pointer embedding not allocated: %+v", r)
	}
	keep := r.Audit
	FieldByIndex(v, f.Index).SetString("bob")
	if r.Audit != keep || r.By != "bob" {
		t.Fatal("an allocated embedded pointer is replaced")
	}
}

type Left struct {
	ID   int
	Note string
	Deep struct{ X int }
}

type Right struct {
	ID   int
	Note string `db:"note"`
}

type Inner struct{ Kind string }

type Outer struct {
	Inner
	Kind string // shallower than Inner.Kind
}

type Node struct {
	*Node
	Name string
}

func TestConflicts(t *testing.T) {
	type row struct {
		Left
		Right
		Outer
	}
	s := Of(reflect.TypeFor[row]())
	// ID: two at depth 1, neither tagged: ambiguous. Note: Right's is tagged and wins.
	if _, ok := s.Lookup("id"); ok {
		t.Error("an ambiguous name is taken")
	}
	want(t, "ambiguous id", s.Ambiguous("ID"), []string{"Left.ID", "Right.ID"})
	if f, ok := s.Lookup("note"); !ok || f.Label != "Right.Note" {
		t.Errorf("tagged field at the same depth: %+v", f)
	}
	if s.Ambiguous("note") != nil {
		t.Error("note reported ambiguous")
	}
	// Outer.Kind (depth 1) beats Outer.Inner.Kind (depth 2).
	if f, ok := s.Lookup("kind"); !ok || f.Label != "Outer.Kind" || len(f.Index) != 2 {
		t.Errorf("shallower field: %+v", f)
	}
	// Names that differ only in case or underscores collide too.
	type spelled struct {
		UserID  int
		User_ID int
	}
	want(t, "normalised collision", Of(reflect.TypeFor[spelled]()).Ambiguous("userid"), []string{"spelled.UserID", "spelled.User_ID"})
	// A field at the outer level always beats embedded ones.
	type outerWins struct {
		Left
		Right
		ID string
	}
	if f, ok := Of(reflect.TypeFor[outerWins]()).Lookup("id"); !ok || f.Label != "outerWins.ID" {
		t.Errorf("outer field: %+v", f)
	}
	// An embedding cycle through a pointer ends.
	want(t, "cycle", names(Of(reflect.TypeFor[Node]())), []string{"Name=Node.Name"})
}

func TestKeyAndIsValue(t *testing.T) {
	for in, out := range map[string]string{"user_id": "userid", "UserID": "userid", "x": "x", "": "", "ÉTÉ_x": "étéx"} {
		if got := Key(in); got != out {
			t.Errorf("Key(%q) = %q, want %q", in, got, out)
		}
	}
	for typ, value := range map[reflect.Type]bool{
		reflect.TypeFor[time.Time]():        true,
		reflect.TypeFor[sql.NullInt64]():    true,
		reflect.TypeFor[sql.Null[string]](): true,
		reflect.TypeFor[base]():             false,
		reflect.TypeFor[struct{ A int }]():  false,
		reflect.TypeFor[sql.RawBytes]():     false,
	} {
		if IsValue(typ) != value {
			t.Errorf("IsValue(%s) = %v", typ, !value)
		}
	}
}
