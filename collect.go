package myx

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/myxdb/myx/internal/structtag"
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

// RowToStructByName scans the row into a new T, a struct, matching columns to its fields by
// name. Every column must have a field and every field a column (RowToStructByNameLax allows
// fields without a column); a column that no field takes, a field without a column, two
// columns for one field and an ambiguous name (below) are errors naming them, never a
// silent zero.
//
// # Struct tags
//
// These rules are the only ones: sqlb's struct mapping (sqlb.All, sqlb.Collect...) follows
// them too.
//
//   - A field's name is its tag's name, `db:"user_id"`, or, without a tag or with an empty
//     name in it (`db:",omitempty"`), the Go field name. Names are compared
//     case-insensitively with underscores ignored: the column user_id matches UserID,
//     User_ID and a field tagged `db:"USERID"`.
//   - `db:"-"` skips a field (`db:"-,"` names it "-"). Unexported fields are skipped.
//   - Options after a comma, such as omitempty, are accepted, so that structs tagged for
//     sqlx or for writing map unchanged, and change nothing when reading.
//   - An embedded struct, or pointer to a struct, without a tag name is flattened: its
//     fields are matched as if they were the outer struct's. An embedded pointer is
//     allocated when a column goes to one of its fields and stays nil otherwise; an embedded
//     pointer to an unexported struct type cannot be allocated and is skipped. A struct
//     type read from one column (time.Time, an sql.Scanner such as sql.NullString) is not
//     flattened: embedded, it is a field named after its type. An embedded struct with a
//     tag name is one field of that name (in sqlb, a relation).
//   - When fields share a name, Go's rules for promoted fields decide, as in encoding/json:
//     the least deeply embedded wins; among equally deep ones a field named by its tag wins;
//     otherwise the name is ambiguous: no field takes it and a column of that name is an
//     error naming the fields (tag or rename one, or skip the others with `db:"-"`).
//
// The analysis of a struct type is done once and cached.
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

// structPlan maps column i to a field index path.
type structPlan struct {
	typ   reflect.Type
	cols  *Column // identity of the column slice the plan was made for
	paths [][]int
}

func makeStructPlan(t reflect.Type, cols []Column, lax bool) (*structPlan, error) {
	st := structtag.Of(t)
	plan := &structPlan{typ: t, paths: make([][]int, len(cols))}
	if len(cols) > 0 {
		plan.cols = &cols[0]
	}
	taken := make(map[*structtag.Field]int, len(cols)) // field -> column
	for i := range cols {
		f, ok := st.Lookup(cols[i].Name)
		if !ok {
			if fields := st.Ambiguous(cols[i].Name); fields != nil {
				return nil, fmt.Errorf("myx: column %q matches %s, equally deep in %s: tag one of them or skip the others (db:\"-\")", cols[i].Name, strings.Join(fields, " and "), t)
			}
			return nil, fmt.Errorf("myx: column %q has no matching field in %s", cols[i].Name, t)
		}
		if j, dup := taken[f]; dup {
			return nil, fmt.Errorf("myx: columns %q (%d) and %q (%d) both match field %s; label them distinctly", cols[j].Name, j, cols[i].Name, i, f.Label)
		}
		taken[f] = i
		plan.paths[i] = f.Index
	}
	if !lax {
		for i := range st.Fields {
			if _, ok := taken[&st.Fields[i]]; !ok {
				return nil, fmt.Errorf("myx: field %s of %s has no matching column in the result", st.Fields[i].Label, t)
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
		dest[i] = structtag.FieldByIndex(v, path).Addr().Interface()
	}
	err := row.Scan(dest...)
	clear(dest)
	return err
}
