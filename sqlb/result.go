package sqlb

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/myxdb/myx"
)

// Rows is the result of Query: the rows of a *myx.Rows together with the compiled
// statement's columns, so that values can be read by the column objects and expressions
// that were selected (Get), by label (GetLabel), positionally (Scan), or mapped to
// structs (Collect, ScanStruct). Like *myx.Rows it streams, holds its connection busy
// until closed or read to the end, and is not safe for concurrent use.
type Rows struct {
	raw      *myx.Rows
	compiled Compiled
	// resultCols describes the server's columns with what the statement selected for
	// them; matchErr says why they could not be matched (the Column fields are then nil).
	resultCols []planColumn
	matchErr   error
	byNode     map[node]int
	byLabel    map[string]int // lower-cased label -> index, -1 when ambiguous

	plan     *mapPlan // the last struct plan used, with its type and options
	planType reflect.Type
	planCfg  mapConfig
}

// planColumn is one column of a result: its label as the server sent it and, when the
// result matches the compiled statement, the column and expression selected for it.
type planColumn struct {
	label string
	col   AnyColumn
	expr  Expression
}

func newRows(raw *myx.Rows, c Compiled) *Rows {
	r := &Rows{raw: raw, compiled: c}
	server := raw.Columns()
	r.resultCols = make([]planColumn, len(server))
	r.byLabel = make(map[string]int, len(server))
	for i := range server {
		r.resultCols[i].label = server[i].Name
		key := strings.ToLower(server[i].Name)
		if _, dup := r.byLabel[key]; dup {
			r.byLabel[key] = -1
		} else {
			r.byLabel[key] = i
		}
	}
	r.matchErr = checkShape(server, c.Columns)
	if r.matchErr != nil {
		return r
	}
	r.byNode = make(map[node]int, 2*len(server))
	for i, rc := range c.Columns {
		r.resultCols[i].col = rc.Column
		r.resultCols[i].expr = rc.Expr
		if rc.Expr == nil {
			continue
		}
		n := rc.Expr.sqlNode()
		r.addNode(n, i)
		if l, ok := n.(*labelNode); ok {
			r.addNode(l.x, i)
		}
	}
	return r
}

// addNode indexes the result column of an expression by its node's identity; only
// pointer nodes have one (and only they are safe as map keys).
func (r *Rows) addNode(n node, i int) {
	if !isPointerNode(n) {
		return
	}
	if _, dup := r.byNode[n]; !dup {
		r.byNode[n] = i
	}
}

func isPointerNode(n node) bool {
	return n != nil && reflect.TypeOf(n).Kind() == reflect.Pointer
}

// checkShape reports why the server's columns are not those the statement compiled to.
func checkShape(server []myx.Column, compiled []ResultColumn) error {
	mismatch := len(server) != len(compiled)
	for i := 0; !mismatch && i < len(server); i++ {
		if name := compiled[i].Name; name != "" && !strings.EqualFold(name, server[i].Name) {
			mismatch = true
		}
	}
	if !mismatch {
		return nil
	}
	got := make([]string, len(server))
	for i := range server {
		got[i] = server[i].Name
	}
	want := make([]string, len(compiled))
	for i := range compiled {
		want[i] = compiled[i].Name
	}
	return fmt.Errorf("sqlb: the result's columns %q are not those the statement selects %q (raw SQL selecting several columns?); read them by label", got, want)
}

// Next prepares the next row; it returns false at the end or on an error (see Err).
func (r *Rows) Next() bool { return r.raw.Next() }

// Err returns the error that ended the rows, if any.
func (r *Rows) Err() error { return r.raw.Err() }

// Close releases the rows and their connection; it returns the error that ended them.
// Closing twice is harmless.
func (r *Rows) Close() error { return r.raw.Close() }

// Scan copies the current row's columns into dest, one per column, with the
// destinations and checks of (*myx.Rows).Scan.
func (r *Rows) Scan(dest ...any) error { return r.raw.Scan(dest...) }

// Values returns the current row's values, as (*myx.Rows).Values.
func (r *Rows) Values() ([]any, error) { return r.raw.Values() }

// Columns describes the columns the statement selects (its Compiled.Columns).
func (r *Rows) Columns() []ResultColumn { return append([]ResultColumn(nil), r.compiled.Columns...) }

// Labels returns the columns' names as the server sent them.
func (r *Rows) Labels() []string {
	out := make([]string, len(r.resultCols))
	for i, c := range r.resultCols {
		out[i] = c.label
	}
	return out
}

// Compiled is the statement as it was sent.
func (r *Rows) Compiled() Compiled { return r.compiled }

// Raw returns the underlying *myx.Rows.
func (r *Rows) Raw() *myx.Rows { return r.raw }

// Index returns the position of e in the result. e is found when it is the very
// expression or column that was selected (a labelled expression keeps its identity, so
// keep the value passed to Select), or a column of a table that the result selected
// once, directly or through one alias, derived table or CTE.
func (r *Rows) Index(e Expression) (int, error) {
	if e == nil {
		return -1, errors.New("sqlb: Index of a nil expression")
	}
	if r.matchErr != nil {
		return -1, r.matchErr
	}
	n := e.sqlNode()
	if isPointerNode(n) {
		if i, ok := r.byNode[n]; ok {
			return i, nil
		}
	}
	col, ok := e.(AnyColumn)
	if !ok {
		if l, isLabel := n.(*labelNode); isLabel {
			return r.IndexLabel(l.name)
		}
		return -1, errors.New("sqlb: the expression is not in the result (select it, and pass the same value: a labelled expression keeps its identity)")
	}
	var matches []int
	for i, rc := range r.resultCols {
		if rc.col != nil && sameColumn(rc.col, col) {
			return i, nil
		}
		if rc.col != nil && (sameBaseColumn(rc.col, col) || derivesFrom(rc.col, col)) {
			matches = append(matches, i)
		}
	}
	switch len(matches) {
	case 0:
		return -1, fmt.Errorf("sqlb: column %s is not in the result", describeColumn(col))
	case 1:
		return matches[0], nil
	}
	var labels []string
	for _, i := range matches {
		labels = append(labels, r.resultCols[i].label)
	}
	return -1, fmt.Errorf("sqlb: column %s is in the result %d times (%s); pass it as seen through its alias (Column.Of)", describeColumn(col), len(matches), strings.Join(labels, ", "))
}

// IndexLabel returns the position of the column labelled label in the result (compared
// case-insensitively, as the server compares column names).
func (r *Rows) IndexLabel(label string) (int, error) {
	i, ok := r.byLabel[strings.ToLower(label)]
	switch {
	case !ok:
		return -1, fmt.Errorf("sqlb: no column labelled %q in the result (it has %s)", label, strings.Join(r.Labels(), ", "))
	case i < 0:
		return -1, fmt.Errorf("sqlb: several columns are labelled %q in the result; give them distinct labels", label)
	}
	return i, nil
}

func describeColumn(col AnyColumn) string {
	if f := col.From(); !isNilFrom(f) {
		return fmt.Sprintf("`%s`.`%s`", f.fromName(), col.Name())
	}
	return fmt.Sprintf("`%s`", col.Name())
}

// Get reads the value of e, a column or expression the statement selected, from the
// current row, as e's Go type:
//
//	name, err := sqlb.Get(rows, userUsername) // a string
//
// A NULL, or a value that does not fit T, is an error naming the column (a
// *myx.ScanError); read nullable columns with GetNull.
func Get[T any](r *Rows, e Expr[T]) (T, error) {
	var v T
	if r == nil {
		return v, errors.New("sqlb: Get on nil Rows")
	}
	i, err := r.Index(e)
	if err != nil {
		return v, err
	}
	err = r.raw.ScanColumn(i, &v)
	return v, err
}

// GetNull is Get for a column or expression that may be NULL: a NULL gives a
// sql.Null[T] whose Valid is false.
func GetNull[T any](r *Rows, e Expr[T]) (sql.Null[T], error) {
	if r == nil {
		return sql.Null[T]{}, errors.New("sqlb: GetNull on nil Rows")
	}
	i, err := r.Index(e)
	if err != nil {
		return sql.Null[T]{}, err
	}
	return scanNull[T](r.raw, i)
}

// GetLabel reads the column labelled label (compared case-insensitively) from the
// current row as a T, with the checks of Get: a NULL or a value that does not fit is an
// error naming the column. T may be a pointer or sql.Null[...] to allow NULL.
func GetLabel[T any](r *Rows, label string) (T, error) {
	var v T
	if r == nil {
		return v, errors.New("sqlb: GetLabel on nil Rows")
	}
	i, err := r.IndexLabel(label)
	if err != nil {
		return v, err
	}
	err = r.raw.ScanColumn(i, &v)
	return v, err
}

// scanNull reads column i into a sql.Null[T] with the conversions and checks of
// (*myx.Rows).ScanColumn for T.
func scanNull[T any](raw *myx.Rows, i int) (sql.Null[T], error) {
	var p *T
	if err := raw.ScanColumn(i, &p); err != nil {
		return sql.Null[T]{}, err
	}
	if p == nil {
		return sql.Null[T]{}, nil
	}
	return sql.Null[T]{V: *p, Valid: true}, nil
}
