// Package structtag is the one reader of `db` struct tags: it walks a struct type and tells
// which field a column name goes to. The root package's collectors (RowToStructByName and
// the rest) and sqlb's struct mapping (All, One, Collect, ScanStruct) both use it, so they
// agree on every rule.
//
// The rules are written once, for users, in the "Struct tags" section of
// myx.RowToStructByName's documentation: the name from the tag or the Go field name, matched
// by Key; `db:"-"`; options accepted and ignored; unexported fields skipped; embedded structs
// and pointers to structs flattened unless tagged with a name (pointers allocated by
// FieldByIndex; pointers to unexported types skipped; value types such as time.Time and
// sql.Scanners not flattened, see IsValue); name conflicts decided as Go promotes fields
// (shallowest, then tagged, else ambiguous: see Struct.Ambiguous). Each rule has a test
// here. The walk of a type is cached.
package structtag

import (
	"database/sql"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Field is a struct field that takes a column.
type Field struct {
	// Name is the tag's name or the Go field name; Key is Name normalised for matching.
	Name, Key string
	// Index is the path from the outer struct, for FieldByIndex.
	Index []int
	// Type is the field's type.
	Type reflect.Type
	// Label is the declaring struct's name and the Go field name ("base.ID"), for messages.
	Label string
	// Tagged reports whether Name comes from the tag.
	Tagged bool
	// Options are the tag's comma-separated options after the name.
	Options []string

	depth int
}

// HasOption reports whether the field's tag lists the option.
func (f *Field) HasOption(opt string) bool {
	for _, o := range f.Options {
		if o == opt {
			return true
		}
	}
	return false
}

// Struct is the outcome of walking a struct type. It is shared and must not be modified.
type Struct struct {
	// Fields are the fields that take a name, in declaration order (embedded structs' fields
	// where the embedded field is).
	Fields    []Field
	byKey     map[string]int
	ambiguous map[string][]string
}

// Lookup returns the field a column name goes to.
func (s *Struct) Lookup(name string) (*Field, bool) {
	i, ok := s.byKey[Key(name)]
	if !ok {
		return nil, false
	}
	return &s.Fields[i], true
}

// Ambiguous returns the labels of the fields that share the column name at the same depth
// (so that none takes it), or nil when the name is not ambiguous.
func (s *Struct) Ambiguous(name string) []string {
	return s.ambiguous[Key(name)]
}

// Key normalises a name for matching: lower case, underscores removed.
func Key(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", ""))
}

var (
	scannerType = reflect.TypeFor[sql.Scanner]()
	timeType    = reflect.TypeFor[time.Time]()
)

// IsValue reports whether a struct type is scanned from one column (time.Time, and types
// whose value or pointer implements sql.Scanner, such as sql.Null[T]) rather than mapped
// field by field.
func IsValue(t reflect.Type) bool {
	return t == timeType || t.Implements(scannerType) || reflect.PointerTo(t).Implements(scannerType)
}

var cache sync.Map // reflect.Type -> *Struct

// Of walks the struct type t (cached). t must be a struct type.
func Of(t reflect.Type) *Struct {
	if v, ok := cache.Load(t); ok {
		return v.(*Struct)
	}
	var all []Field
	walk(t, nil, 0, map[reflect.Type]bool{t: true}, &all)
	s := resolve(all)
	v, _ := cache.LoadOrStore(t, s)
	return v.(*Struct)
}

// parseTag splits a db tag into its name and options.
func parseTag(tag string) (name string, opts []string) {
	name, rest, found := strings.Cut(tag, ",")
	if found {
		for _, o := range strings.Split(rest, ",") {
			if o = strings.TrimSpace(o); o != "" {
				opts = append(opts, o)
			}
		}
	}
	return name, opts
}

// walk appends the candidate fields of t, depth first; onPath guards against embedding
// cycles through pointers.
func walk(t reflect.Type, index []int, depth int, onPath map[reflect.Type]bool, out *[]Field) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _ := f.Tag.Lookup("db")
		if tag == "-" {
			continue
		}
		name, opts := parseTag(tag)
		idx := append(append(make([]int, 0, len(index)+1), index...), i)
		if f.Anonymous && name == "" {
			ft, ptr := f.Type, false
			if ft.Kind() == reflect.Pointer {
				ft, ptr = ft.Elem(), true
			}
			if ft.Kind() == reflect.Struct && !IsValue(ft) {
				if (ptr && !f.IsExported()) || onPath[ft] {
					continue
				}
				onPath[ft] = true
				walk(ft, idx, depth+1, onPath, out)
				delete(onPath, ft)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		field := Field{Name: name, Index: idx, Type: f.Type, Label: typeName(t) + "." + f.Name,
			Tagged: name != "", Options: opts, depth: depth}
		if name == "" {
			field.Name = f.Name
		}
		field.Key = Key(field.Name)
		*out = append(*out, field)
	}
}

// resolve applies the dominance rules to the candidates.
func resolve(all []Field) *Struct {
	groups := map[string][]int{}
	for i := range all {
		groups[all[i].Key] = append(groups[all[i].Key], i)
	}
	s := &Struct{byKey: map[string]int{}}
	keep := make([]bool, len(all))
	for key, idx := range groups {
		if len(idx) == 1 {
			keep[idx[0]] = true
			continue
		}
		minDepth := all[idx[0]].depth
		for _, i := range idx {
			minDepth = min(minDepth, all[i].depth)
		}
		var shallow, tagged []int
		for _, i := range idx {
			if all[i].depth == minDepth {
				shallow = append(shallow, i)
				if all[i].Tagged {
					tagged = append(tagged, i)
				}
			}
		}
		switch {
		case len(shallow) == 1:
			keep[shallow[0]] = true
		case len(tagged) == 1:
			keep[tagged[0]] = true
		default:
			if s.ambiguous == nil {
				s.ambiguous = map[string][]string{}
			}
			for _, i := range shallow {
				s.ambiguous[key] = append(s.ambiguous[key], all[i].Label)
			}
		}
	}
	for i := range all {
		if keep[i] {
			s.byKey[all[i].Key] = len(s.Fields)
			s.Fields = append(s.Fields, all[i])
		}
	}
	return s
}

// typeName names a struct type in messages: its name, or its literal when anonymous.
func typeName(t reflect.Type) string {
	if t.Name() != "" {
		return t.Name()
	}
	return t.String()
}

// FieldByIndex returns the field of the struct v at index, allocating the embedded pointers
// on the way that are nil. v must be addressable.
func FieldByIndex(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}
