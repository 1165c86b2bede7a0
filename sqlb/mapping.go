package sqlb

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/internal/structtag"
)

// Rows map to structs with Collect, All, One and ScanStruct.
//
// A struct field is either a value (any type a column scans into: numbers, strings,
// []byte, time.Time, sql.Null[T], pointers, sql.Scanner...) or a relation:
//
//   - a struct (one-to-one, the row must be there) or a pointer to a struct (optional:
//     nil when the joined row is missing, as with a LEFT JOIN);
//   - a slice of structs or of pointers to structs (one-to-many).
//
// A field's name comes from the struct tag rules documented at [myx.RowToStructByName],
// the one place they are written and the one implementation both packages use: the
// `db:"name"` tag, else the Go field name, compared case-insensitively with underscores
// ignored (user_id matches UserID); `db:"-"` skips a field; tag options such as omitempty
// change nothing; embedded structs and pointers to structs without a tag name are
// flattened (a pointer is allocated when a column goes into it); a name several fields
// share is decided by Go's promotion rules (the shallowest, then the tagged one) or is an
// error when ambiguous. An embedded struct with a tag name is a relation of that name.
//
// Without relations, fields match the result's labels, as in myx.RowToStructByName.
//
// With relations the struct is mapped to the table of the first selected column (the
// root), and each relation field to the table, alias, derived table or CTE named by its
// tag or field name (Jobs []Job maps the table "jobs"). A struct's value fields match
// the columns of its own table by column name, whatever the labels; a field that no
// column of its table matches may match an unclaimed label (a labelled expression such
// as COUNT(*) AS total). Rows are grouped: the root by its table's primary key, which
// must be selected, and the elements of a slice by their table's primary key within
// their parent, so that a join of users and jobs gives each user once with all their
// jobs, in the order the rows came. A joined row whose key columns are all NULL (no
// match in a LEFT JOIN) adds no element and leaves a pointer nil; a struct (not pointer)
// relation without a row is an error.
//
// Every field must get a column, and every column must go to a field (or serve as a
// grouping key) unless SkipUnmappedColumns is given: a mismatch is an error naming the
// field or column, never a silent zero. So is a value that cannot be stored in its field
// (a *myx.ScanError for the column, wrapped with the field's name). The column-to-field
// plan is computed once per result shape and struct type, and reused.

// MapOption adjusts how rows are mapped to structs.
type MapOption func(*mapConfig)

type mapConfig struct {
	skipUnmapped bool
}

// SkipUnmappedColumns lets the result have columns that no field takes; they are not
// read. Fields without a column remain an error.
func SkipUnmappedColumns() MapOption { return func(c *mapConfig) { c.skipUnmapped = true } }

func newMapConfig(opts []MapOption) mapConfig {
	var c mapConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// All executes q through ex and maps every row to a T (see Collect).
func All[T any](ctx context.Context, ex Executor, q Statement, opts ...MapOption) ([]T, error) {
	rows, err := Query(ctx, ex, q)
	if err != nil {
		return nil, err
	}
	return Collect[T](rows, opts...)
}

// One executes q through ex and maps its result to exactly one T: myx.ErrNoRows when
// there is none, myx.ErrTooManyRows when there are several (for structs with
// relations, several root objects after grouping).
func One[T any](ctx context.Context, ex Executor, q Statement, opts ...MapOption) (T, error) {
	var zero T
	all, err := All[T](ctx, ex, q, opts...)
	switch {
	case err != nil:
		return zero, err
	case len(all) == 0:
		return zero, myx.ErrNoRows
	case len(all) > 1:
		return zero, myx.ErrTooManyRows
	}
	return all[0], nil
}

// Collect reads the remaining rows, maps them to values of T and closes the rows. T is
// a struct or a pointer to one (mapped as described above), or any other type a column
// scans into, for a result of one column. The slice is non-nil when there is no error.
func Collect[T any](rows *Rows, opts ...MapOption) ([]T, error) {
	if rows == nil {
		return nil, errors.New("sqlb: Collect on nil Rows")
	}
	defer rows.Close()
	cfg := newMapConfig(opts)
	t := reflect.TypeFor[T]()
	out := []T{}
	if st, ptr := structTarget(t); st == nil {
		if n := len(rows.resultCols); n != 1 {
			return nil, fmt.Errorf("sqlb: cannot collect %s from a result of %d columns (a non-struct type takes one column)", t, n)
		}
		for rows.Next() {
			var v T
			if err := rows.raw.ScanColumn(0, &v); err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	} else {
		plan, err := rows.planFor(st, cfg)
		if err != nil {
			return nil, err
		}
		m := newMapper(rows, plan)
		if len(plan.root.rels) == 0 {
			// Flat: each row straight into its element.
			var zero T
			for rows.Next() {
				out = append(out, zero)
				v := reflect.ValueOf(&out[len(out)-1]).Elem()
				if ptr {
					v.Set(reflect.New(st))
					v = v.Elem()
				}
				if err := m.fillValue(v, plan.root); err != nil {
					return nil, err
				}
			}
			if err := rows.Close(); err != nil {
				return nil, err
			}
			return out, nil
		}
		for rows.Next() {
			if err := m.row(); err != nil {
				return nil, err
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		for _, inst := range m.roots {
			if err := m.assemble(inst, plan.root); err != nil {
				return nil, err
			}
			v := inst.ptr
			if !ptr {
				v = v.Elem()
			}
			out = append(out, v.Interface().(T))
		}
		return out, nil
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	return out, nil
}

// ScanStruct maps the current row into the struct dst points to. One-to-one relations
// (struct and pointer fields) are filled from the row; one-to-many relations need all
// the rows of a parent and are an error here (use Collect).
func (r *Rows) ScanStruct(dst any, opts ...MapOption) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("sqlb: ScanStruct needs a non-nil pointer to a struct, not %T", dst)
	}
	st, _ := structTarget(v.Type().Elem())
	if st == nil || st != v.Type().Elem() {
		return fmt.Errorf("sqlb: ScanStruct needs a pointer to a struct, not %T", dst)
	}
	plan, err := r.planFor(st, newMapConfig(opts))
	if err != nil {
		return err
	}
	if plan.grouped {
		return fmt.Errorf("sqlb: %s has one-to-many relations, which need all the rows of a parent: use Collect or All", st)
	}
	m := newMapper(r, plan)
	inst := &instance{ptr: v}
	if err := m.fill(inst, plan.root); err != nil {
		return err
	}
	if err := m.visit(inst, plan.root); err != nil {
		return err
	}
	return m.assemble(inst, plan.root)
}

// structTarget returns the struct type a T maps to and whether T is a pointer to it, or
// nil when T is a value type (scanned from one column).
func structTarget(t reflect.Type) (reflect.Type, bool) {
	ptr := false
	if t.Kind() == reflect.Pointer {
		t, ptr = t.Elem(), true
	}
	if t.Kind() != reflect.Struct || structtag.IsValue(t) {
		return nil, false
	}
	return t, ptr
}

// relKind is the kind of a relation field.
type relKind int

const (
	relOne      relKind = iota // S: exactly one joined row
	relOptional                // *S: nil without a joined row
	relMany                    // []S
	relManyPtr                 // []*S
)

// relationKind classifies a field type as a relation, or returns ok false for a value.
func relationKind(t reflect.Type) (kind relKind, elem reflect.Type, ok bool) {
	isStruct := func(t reflect.Type) bool { return t.Kind() == reflect.Struct && !structtag.IsValue(t) }
	switch {
	case isStruct(t):
		return relOne, t, true
	case t.Kind() == reflect.Pointer && isStruct(t.Elem()):
		return relOptional, t.Elem(), true
	case t.Kind() == reflect.Slice && isStruct(t.Elem()):
		return relMany, t.Elem(), true
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Pointer && isStruct(t.Elem().Elem()):
		return relManyPtr, t.Elem().Elem(), true
	}
	return 0, nil, false
}

// mapPlan is how the columns of one result shape fill one struct type.
type mapPlan struct {
	root    *nodePlan
	grouped bool // some relation is one-to-many: rows are grouped by keys
}

// nodePlan maps the columns of one FROM item (nil: the whole result, by label) to one
// struct type.
type nodePlan struct {
	typ    reflect.Type
	from   FromItem
	fields []fieldPlan
	rels   []relPlan
	// key are the columns identifying an instance (the table's primary key); presence
	// those whose being all NULL means there is no row (key, or else all field columns).
	key      []int
	presence []int
}

type fieldPlan struct {
	index []int
	col   int
	name  string // Type.Field, for errors
}

type relPlan struct {
	index []int
	kind  relKind
	node  *nodePlan
	name  string
}

// hasRelations reports whether a struct type has relation fields.
func hasRelations(t reflect.Type) bool {
	for _, f := range structtag.Of(t).Fields {
		if _, _, ok := relationKind(f.Type); ok {
			return true
		}
	}
	return false
}

// planCache remembers plans per struct type and result shape.
var planCache sync.Map // reflect.Type -> *typePlans

type typePlans struct {
	mu      sync.Mutex
	entries []cachedPlan
}

type cachedPlan struct {
	cfg  mapConfig
	cols []planColumn
	plan *mapPlan
}

const plansPerType = 16

// planFor returns the plan mapping r's columns to t, from the rows, the cache or made.
func (r *Rows) planFor(t reflect.Type, cfg mapConfig) (*mapPlan, error) {
	if r.plan != nil && r.planType == t && r.planCfg == cfg {
		return r.plan, nil
	}
	v, _ := planCache.LoadOrStore(t, &typePlans{})
	tp := v.(*typePlans)
	tp.mu.Lock()
	var plan *mapPlan
	for _, e := range tp.entries {
		if e.cfg == cfg && sameShape(e.cols, r.resultCols) {
			plan = e.plan
			break
		}
	}
	tp.mu.Unlock()
	if plan == nil {
		var err error
		if plan, err = makePlan(t, r.resultCols, r.matchErr, cfg); err != nil {
			return nil, err
		}
		tp.mu.Lock()
		if len(tp.entries) == plansPerType {
			tp.entries = tp.entries[1:]
		}
		tp.entries = append(tp.entries, cachedPlan{cfg: cfg, cols: r.resultCols, plan: plan})
		tp.mu.Unlock()
	}
	r.plan, r.planType, r.planCfg = plan, t, cfg
	return plan, nil
}

func sameShape(a, b []planColumn) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].label != b[i].label || a[i].col != b[i].col {
			return false
		}
	}
	return true
}

// planner builds a mapPlan.
type planner struct {
	cols    []planColumn
	claimed []bool
	cfg     mapConfig
	// pending are the value fields not matched by column name, for the label pass.
	pending []pendingField
	grouped bool
	mapped  map[FromItem]string // FROM items taken by a struct, and by which field
}

type pendingField struct {
	node *nodePlan
	f    structtag.Field
}

func makePlan(t reflect.Type, cols []planColumn, matchErr error, cfg mapConfig) (*mapPlan, error) {
	p := &planner{cols: cols, claimed: make([]bool, len(cols)), cfg: cfg, mapped: map[FromItem]string{}}
	var root *nodePlan
	if !hasRelations(t) {
		root = &nodePlan{typ: t}
		for _, f := range structtag.Of(t).Fields {
			p.pending = append(p.pending, pendingField{node: root, f: f})
		}
	} else {
		if matchErr != nil {
			return nil, fmt.Errorf("sqlb: cannot map relations of %s: %w", t, matchErr)
		}
		var from FromItem
		for _, c := range cols {
			if c.col != nil && !isNilFrom(c.col.From()) {
				from = c.col.From()
				break
			}
		}
		if from == nil {
			return nil, fmt.Errorf("sqlb: cannot map %s, which has relations: the result selects no table column to root it in", t)
		}
		var err error
		if root, err = p.node(t, from, "", relOne); err != nil {
			return nil, err
		}
	}
	if err := p.matchLabels(); err != nil {
		return nil, err
	}
	// Before the keys claim their columns: a key column whose name is ambiguous is an error
	// too, not silently left out of the struct.
	if err := p.ambiguities(root); err != nil {
		return nil, err
	}
	if p.grouped {
		if err := p.keys(root, "", true); err != nil {
			return nil, err
		}
	} else if err := p.keys(root, "", false); err != nil {
		return nil, err
	}
	if !cfg.skipUnmapped {
		for i, c := range cols {
			if !p.claimed[i] {
				return nil, fmt.Errorf("sqlb: column %q (result column %d) has no field in %s (map it, or use SkipUnmappedColumns)", c.label, i, t)
			}
		}
	}
	return &mapPlan{root: root, grouped: p.grouped}, nil
}

// node plans struct type t for the columns of from, matching value fields by column name
// and planning relation fields recursively.
func (p *planner) node(t reflect.Type, from FromItem, via string, kind relKind) (*nodePlan, error) {
	if by, taken := p.mapped[from]; taken {
		return nil, fmt.Errorf("sqlb: %s maps %s, which %s already maps", via, describeFrom(from), by)
	}
	p.mapped[from] = orDefault(via, t.String())
	n := &nodePlan{typ: t, from: from}
	if kind == relMany || kind == relManyPtr {
		p.grouped = true
	}
	for _, f := range structtag.Of(t).Fields {
		if rk, elem, ok := relationKind(f.Type); ok {
			target, err := p.findFrom(f)
			if err != nil {
				return nil, err
			}
			child, err := p.node(elem, target, f.Label, rk)
			if err != nil {
				return nil, err
			}
			n.rels = append(n.rels, relPlan{index: f.Index, kind: rk, node: child, name: f.Label})
			continue
		}
		var found []int
		for i, c := range p.cols {
			if !p.claimed[i] && c.col != nil && c.col.From() == from && structtag.Key(c.col.Name()) == f.Key {
				found = append(found, i)
			}
		}
		switch len(found) {
		case 0:
			p.pending = append(p.pending, pendingField{node: n, f: f})
		case 1:
			p.claim(n, f, found[0])
		default:
			return nil, fmt.Errorf("sqlb: field %s matches %d columns of %s (%s)", f.Label, len(found), describeFrom(from), p.labels(found))
		}
	}
	return n, nil
}

// ambiguities reports an unclaimed column whose name several fields of n's struct (or of its
// relations' structs) share at the same depth, which no field takes.
func (p *planner) ambiguities(n *nodePlan) error {
	st := structtag.Of(n.typ)
	for i, c := range p.cols {
		if p.claimed[i] {
			continue
		}
		// The names a field of n could have taken the column by: any label for a flat
		// struct; for a table's struct, the column name of its own columns and the label of
		// an expression.
		name := c.label
		switch {
		case n.from == nil:
		case c.col != nil && c.col.From() == n.from:
			name = c.col.Name()
		case c.col != nil && !isNilFrom(c.col.From()):
			continue
		}
		if fields := st.Ambiguous(name); fields != nil {
			return fmt.Errorf("sqlb: column %q matches %s, equally deep in %s: tag one of them or skip the others (db:\"-\")", c.label, strings.Join(fields, " and "), n.typ)
		}
	}
	for _, r := range n.rels {
		if err := p.ambiguities(r.node); err != nil {
			return err
		}
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (p *planner) claim(n *nodePlan, f structtag.Field, i int) {
	p.claimed[i] = true
	n.fields = append(n.fields, fieldPlan{index: f.Index, col: i, name: f.Label})
}

func (p *planner) labels(idx []int) string {
	var s []string
	for _, i := range idx {
		s = append(s, p.cols[i].label)
	}
	return strings.Join(s, ", ")
}

// findFrom finds the FROM item a relation field maps: the one in the result whose name
// matches the field's tag or name.
func (p *planner) findFrom(f structtag.Field) (FromItem, error) {
	var names []string
	seen := map[FromItem]bool{}
	for _, c := range p.cols {
		if c.col == nil || isNilFrom(c.col.From()) || seen[c.col.From()] {
			continue
		}
		from := c.col.From()
		seen[from] = true
		if structtag.Key(from.fromName()) == f.Key {
			return from, nil
		}
		names = append(names, from.fromName())
	}
	return nil, fmt.Errorf("sqlb: relation field %s maps no table of the result: none is named %q (the result has %s; name the table with a db tag)", f.Label, f.Name, strings.Join(names, ", "))
}

// matchLabels matches the fields left over by name against the labels of unclaimed
// columns.
func (p *planner) matchLabels() error {
	for _, pf := range p.pending {
		var found []int
		for i, c := range p.cols {
			if !p.claimed[i] && structtag.Key(c.label) == pf.f.Key {
				found = append(found, i)
			}
		}
		switch len(found) {
		case 0:
			where := "the result"
			if pf.node.from != nil {
				where = describeFrom(pf.node.from) + " or the result's labels"
			}
			return fmt.Errorf("sqlb: field %s has no column in %s (the columns are %s)", pf.f.Label, where, p.labels(allIndexes(len(p.cols))))
		case 1:
			p.claim(pf.node, pf.f, found[0])
		default:
			return fmt.Errorf("sqlb: field %s matches %d columns (%s); label them distinctly", pf.f.Label, len(found), p.labels(found))
		}
	}
	return nil
}

func allIndexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// keys sets the key and presence columns of n and its relations. A grouped root and the
// elements of slices need their table's primary key in the result.
func (p *planner) keys(n *nodePlan, via string, needKey bool) error {
	if n.from != nil {
		key, missing := p.primaryKey(n.from)
		switch {
		case missing != "" && needKey:
			what := "rows into " + n.typ.String()
			if via != "" {
				what = "the rows of " + via
			}
			return fmt.Errorf("sqlb: cannot group %s: %s", what, missing)
		case missing == "":
			n.key = key
			for _, i := range key {
				p.claimed[i] = true
			}
		}
	}
	n.presence = n.key
	if n.presence == nil {
		for _, f := range n.fields {
			n.presence = append(n.presence, f.col)
		}
	}
	for _, r := range n.rels {
		if err := p.keys(r.node, r.name, r.kind == relMany || r.kind == relManyPtr); err != nil {
			return err
		}
	}
	return nil
}

// primaryKey returns the result columns of from's primary key, or why there are none.
func (p *planner) primaryKey(from FromItem) ([]int, string) {
	t, ok := from.(*Table)
	if !ok {
		return nil, fmt.Sprintf("%s has no primary key", describeFrom(from))
	}
	pk := t.PrimaryKey()
	if len(pk) == 0 {
		return nil, fmt.Sprintf("%s has no primary key", describeFrom(from))
	}
	var out []int
	for _, k := range pk {
		at := -1
		for i, c := range p.cols {
			if c.col != nil && sameColumn(c.col, k) {
				at = i
				break
			}
		}
		if at < 0 {
			return nil, fmt.Sprintf("its primary key column %s is not selected", describeColumn(k))
		}
		out = append(out, at)
	}
	return out, ""
}

// mapper applies a plan to rows.
type mapper struct {
	rows      *Rows
	plan      *mapPlan
	roots     []*instance
	rootIndex map[string]*instance
	key       []byte
	raw       sql.RawBytes
}

// instance is one struct being filled, with the instances of its relations.
type instance struct {
	ptr  reflect.Value // *S
	rels [][]*instance
	seen []map[string]*instance // per relation: key -> element, for slices
}

func newMapper(r *Rows, plan *mapPlan) *mapper {
	return &mapper{rows: r, plan: plan, rootIndex: map[string]*instance{}}
}

// row maps the current row.
func (m *mapper) row() error {
	root := m.plan.root
	if !m.plan.grouped {
		inst := &instance{ptr: reflect.New(root.typ)}
		if err := m.fill(inst, root); err != nil {
			return err
		}
		m.roots = append(m.roots, inst)
		return m.visit(inst, root)
	}
	key, null, err := m.readKey(root.key)
	if err != nil {
		return err
	}
	if null {
		return fmt.Errorf("sqlb: a row of %s has a NULL primary key (%s); the root table of the result cannot be the optional side of a join", describeFrom(root.from), m.rows.resultCols[root.key[0]].label)
	}
	inst, ok := m.rootIndex[string(key)]
	if !ok {
		inst = &instance{ptr: reflect.New(root.typ)}
		if err := m.fill(inst, root); err != nil {
			return err
		}
		m.rootIndex[string(key)] = inst
		m.roots = append(m.roots, inst)
	}
	return m.visit(inst, root)
}

// fill scans n's value fields from the current row into inst.
func (m *mapper) fill(inst *instance, n *nodePlan) error {
	if err := m.fillValue(inst.ptr.Elem(), n); err != nil {
		return err
	}
	inst.rels = make([][]*instance, len(n.rels))
	inst.seen = make([]map[string]*instance, len(n.rels))
	return nil
}

// fillValue scans n's value fields from the current row into the struct v.
func (m *mapper) fillValue(v reflect.Value, n *nodePlan) error {
	for _, f := range n.fields {
		dst := structtag.FieldByIndex(v, f.index).Addr().Interface()
		if err := m.rows.raw.ScanColumn(f.col, dst); err != nil {
			return fmt.Errorf("sqlb: field %s: %w", f.name, err)
		}
	}
	return nil
}

// visit adds the current row's related rows to inst.
func (m *mapper) visit(inst *instance, n *nodePlan) error {
	for ri, r := range n.rels {
		child := r.node
		if m.allNull(child.presence) {
			continue
		}
		switch r.kind {
		case relOne, relOptional:
			if len(inst.rels[ri]) == 0 {
				c := &instance{ptr: reflect.New(child.typ)}
				if err := m.fill(c, child); err != nil {
					return err
				}
				inst.rels[ri] = append(inst.rels[ri], c)
			}
			if err := m.visit(inst.rels[ri][0], child); err != nil {
				return err
			}
		default:
			key, _, err := m.readKey(child.key)
			if err != nil {
				return err
			}
			if inst.seen[ri] == nil {
				inst.seen[ri] = map[string]*instance{}
			}
			c, ok := inst.seen[ri][string(key)]
			if !ok {
				c = &instance{ptr: reflect.New(child.typ)}
				if err := m.fill(c, child); err != nil {
					return err
				}
				inst.seen[ri][string(key)] = c
				inst.rels[ri] = append(inst.rels[ri], c)
			}
			if err := m.visit(c, child); err != nil {
				return err
			}
		}
	}
	return nil
}

// assemble sets the relation fields of inst (and, first, of its related instances).
func (m *mapper) assemble(inst *instance, n *nodePlan) error {
	v := inst.ptr.Elem()
	for ri, r := range n.rels {
		children := inst.rels[ri]
		for _, c := range children {
			if err := m.assemble(c, r.node); err != nil {
				return err
			}
		}
		field := structtag.FieldByIndex(v, r.index)
		switch r.kind {
		case relOne:
			if len(children) == 0 {
				return fmt.Errorf("sqlb: field %s: no row of %s joined (its columns %s are NULL); make the field a pointer for an optional relation", r.name, describeFrom(r.node.from), m.presenceLabels(r.node))
			}
			field.Set(children[0].ptr.Elem())
		case relOptional:
			if len(children) > 0 {
				field.Set(children[0].ptr)
			} else {
				field.SetZero()
			}
		case relMany, relManyPtr:
			s := reflect.MakeSlice(field.Type(), 0, len(children))
			for _, c := range children {
				if r.kind == relMany {
					s = reflect.Append(s, c.ptr.Elem())
				} else {
					s = reflect.Append(s, c.ptr)
				}
			}
			field.Set(s)
		}
	}
	return nil
}

func (m *mapper) presenceLabels(n *nodePlan) string {
	var s []string
	for _, i := range n.presence {
		s = append(s, m.rows.resultCols[i].label)
	}
	return strings.Join(s, ", ")
}

// allNull reports whether all the columns are NULL in the current row (false for none).
func (m *mapper) allNull(cols []int) bool {
	if len(cols) == 0 {
		return false
	}
	for _, i := range cols {
		if err := m.rows.raw.ScanColumn(i, &m.raw); err != nil || m.raw != nil {
			return false
		}
	}
	return true
}

// readKey encodes the values of cols in the current row as a map key (valid until the
// next call); null reports whether they were all NULL.
func (m *mapper) readKey(cols []int) (key []byte, null bool, err error) {
	m.key = m.key[:0]
	null = true
	for _, i := range cols {
		if err := m.rows.raw.ScanColumn(i, &m.raw); err != nil {
			return nil, false, err
		}
		if m.raw == nil {
			m.key = append(m.key, 0)
			continue
		}
		null = false
		m.key = append(m.key, 1)
		m.key = binary.AppendUvarint(m.key, uint64(len(m.raw)))
		m.key = append(m.key, m.raw...)
	}
	return m.key, null, nil
}
