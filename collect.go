package myx

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// CollectableRow is the view of the current row that row functions get. *Rows implements it.
type CollectableRow interface {
	Columns() []Column
	Scan(dest ...any) error
	Values() ([]any, error)
}

// RowToFunc turns the current row into a T.
type RowToFunc[T any] func(row CollectableRow) (T, error)

// CollectRows reads every row with fn and closes rows. It returns the rows collected and the
// first error (from fn or from the query); on error the slice is nil.
func CollectRows[T any](rows *Rows, fn RowToFunc[T]) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := fn(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	return out, nil
}

// AppendRows is CollectRows appending to an existing slice.
func AppendRows[T any, S ~[]T](s S, rows *Rows, fn RowToFunc[T]) (S, error) {
	defer rows.Close()
	for rows.Next() {
		v, err := fn(rows)
		if err != nil {
			return nil, err
		}
		s = append(s, v)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	return s, nil
}

// CollectOneRow reads the first row with fn and closes rows; ErrNoRows when there is none.
// Further rows are discarded.
func CollectOneRow[T any](rows *Rows, fn RowToFunc[T]) (T, error) {
	return collectFirst(rows, fn, false)
}

// CollectExactlyOneRow is CollectOneRow that also fails with ErrTooManyRows when a second row
// exists.
func CollectExactlyOneRow[T any](rows *Rows, fn RowToFunc[T]) (T, error) {
	return collectFirst(rows, fn, true)
}

func collectFirst[T any](rows *Rows, fn RowToFunc[T], exactlyOne bool) (T, error) {
	defer rows.Close()
	var zero T
	if !rows.Next() {
		if err := rows.Close(); err != nil {
			return zero, err
		}
		return zero, ErrNoRows
	}
	v, err := fn(rows)
	if err != nil {
		return zero, err
	}
	if exactlyOne && rows.Next() {
		return zero, ErrTooManyRows
	}
	if err := rows.Close(); err != nil {
		return zero, err
	}
	return v, nil
}

// RowTo scans a one-column row into a T.
func RowTo[T any](row CollectableRow) (T, error) {
	var v T
	err := row.Scan(&v)
	return v, err
}

// RowToMap returns the row as a map from column label to value (the types Values gives): the
// DictCursor. When two columns share a label the later one wins; give them distinct labels
// (AS, or sqlb's label styles).
func RowToMap(row CollectableRow) (map[string]any, error) {
	vals, err := row.Values()
	if err != nil {
		return nil, err
	}
	cols := row.Columns()
	m := make(map[string]any, len(cols))
	for i := range cols {
		m[cols[i].Name] = vals[i]
	}
	return m, nil
}

// RowToStructByName scans the row into a new T, a struct, matching columns to exported fields
// by name: the `db:"name"` tag when present (`db:"-"` skips the field), otherwise the field
// name compared case-insensitively, with underscores ignored (user_id matches UserID).
// Embedded structs are flattened. Every column must have a field and every field a column;
// RowToStructByNameLax allows fields without columns.
func RowToStructByName[T any](row CollectableRow) (T, error) {
	var v T
	err := scanStruct(row, &v, false)
	return v, err
}

// RowToStructByNameLax is RowToStructByName that leaves fields without a column untouched.
func RowToStructByNameLax[T any](row CollectableRow) (T, error) {
	var v T
	err := scanStruct(row, &v, true)
	return v, err
}

// RowToAddrOfStructByName is RowToStructByName returning a pointer.
func RowToAddrOfStructByName[T any](row CollectableRow) (*T, error) {
	v := new(T)
	err := scanStruct(row, v, false)
	return v, err
}

type structField struct {
	name  string // normalised
	index []int
}

var structFieldsCache sync.Map // reflect.Type -> []structField

func normaliseName(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "_", ""))
}

func structFields(t reflect.Type) []structField {
	if v, ok := structFieldsCache.Load(t); ok {
		return v.([]structField)
	}
	var fields []structField
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag, hasTag := f.Tag.Lookup("db")
			if tag == "-" {
				continue
			}
			idx := append(append([]int(nil), index...), i)
			if f.Anonymous && !hasTag {
				ft := f.Type
				if ft.Kind() == reflect.Struct {
					walk(ft, idx)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if hasTag {
				name, _, _ = strings.Cut(tag, ",")
			}
			fields = append(fields, structField{name: normaliseName(name), index: idx})
		}
	}
	walk(t, nil)
	structFieldsCache.Store(t, fields)
	return fields
}

// structPlan maps column i to a field index path.
type structPlan struct {
	typ   reflect.Type
	cols  *Column // identity of the column slice the plan was made for
	paths [][]int
}

func makeStructPlan(t reflect.Type, cols []Column, lax bool) (*structPlan, error) {
	fields := structFields(t)
	byName := make(map[string][]int, len(fields))
	for _, f := range fields {
		byName[f.name] = f.index
	}
	plan := &structPlan{typ: t, paths: make([][]int, len(cols))}
	if len(cols) > 0 {
		plan.cols = &cols[0]
	}
	used := make(map[string]bool, len(cols))
	for i := range cols {
		n := normaliseName(cols[i].Name)
		path, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("myx: column %q has no matching field in %s", cols[i].Name, t)
		}
		plan.paths[i] = path
		used[n] = true
	}
	if !lax {
		for _, f := range fields {
			if !used[f.name] {
				return nil, fmt.Errorf("myx: field %s.%s has no matching column in the result", t, t.FieldByIndex(f.index).Name)
			}
		}
	}
	return plan, nil
}

func scanStruct(row CollectableRow, dst any, lax bool) error {
	v := reflect.ValueOf(dst).Elem()
	if v.Kind() != reflect.Struct {
		return fmt.Errorf("myx: %s is not a struct", v.Type())
	}
	cols := row.Columns()
	var plan *structPlan
	rows, isRows := row.(*Rows)
	if isRows && rows.plan != nil && rows.plan.typ == v.Type() && len(cols) > 0 && rows.plan.cols == &cols[0] && rows.planLax == lax {
		plan = rows.plan
	} else {
		var err error
		if plan, err = makeStructPlan(v.Type(), cols, lax); err != nil {
			return err
		}
		if isRows {
			rows.plan, rows.planLax = plan, lax
		}
	}
	dest := make([]any, len(plan.paths))
	if isRows && cap(rows.planDest) >= len(dest) {
		dest = rows.planDest[:len(dest)]
	} else if isRows {
		rows.planDest = dest
	}
	for i, path := range plan.paths {
		f := v
		for _, x := range path {
			if f.Kind() == reflect.Pointer {
				if f.IsNil() {
					f.Set(reflect.New(f.Type().Elem()))
				}
				f = f.Elem()
			}
			f = f.Field(x)
		}
		dest[i] = f.Addr().Interface()
	}
	err := row.Scan(dest...)
	clear(dest)
	return err
}
