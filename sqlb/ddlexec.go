package sqlb

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// CreateAll creates every table of m through ex, in foreign-key order, as the
// statements of CreateAllDDL, compiled for the executor's server (see CompileFor). All
// statements are compiled before the first is sent, so a definition mistake or a
// feature the server lacks changes nothing.
//
// With IfNotExists only what is missing is created: tables by CREATE TABLE IF NOT
// EXISTS, and the foreign keys of a cycle (added after the tables) by ADD FOREIGN KEY
// IF NOT EXISTS on MariaDB, or on MySQL, which has no such clause, after looking the
// existing ones up in information_schema.
//
// DDL statements commit implicitly: a failure part way leaves the tables created so far.
func (m *MetaData) CreateAll(ctx context.Context, ex Executor, opts ...CreateOption) error {
	if m == nil {
		return errors.New("sqlb: CreateAll on a nil MetaData")
	}
	if err := m.Err(); err != nil {
		return err
	}
	var o schemaOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	d, _, err := DialectOf(ctx, ex)
	if err != nil {
		return err
	}
	order, deferred := m.dependencyOrder()
	var tables []Statement
	for _, t := range order {
		stmt := CreateTable(t)
		for _, fk := range deferred[t] {
			stmt.omit = append(stmt.omit, fk.Name)
		}
		if o.conditional {
			stmt = stmt.IfNotExists()
		}
		tables = append(tables, stmt)
	}
	// The foreign keys of cycles, with the table each belongs to.
	var fks []Statement
	var owners []*Table
	var names []string
	lookUp := o.conditional && !d.supports(featureFKIfNotExists)
	for _, t := range order {
		for _, fk := range deferred[t] {
			add := AddForeignKey(t, fk)
			if o.conditional && !lookUp {
				add = add.IfNotExists()
			}
			fks = append(fks, add)
			owners = append(owners, t)
			names = append(names, fk.Name)
		}
	}
	compiled, err := compileForAll(ctx, ex, append(tables, fks...))
	if err != nil {
		return err
	}
	if err := execCompiled(ctx, ex, compiled[:len(tables)]); err != nil {
		return err
	}
	adds := compiled[len(tables):]
	if lookUp && len(adds) > 0 {
		existing, err := existingForeignKeys(ctx, ex, owners)
		if err != nil {
			return err
		}
		var missing []Compiled
		for i, c := range adds {
			if !existing.has(owners[i], names[i]) {
				missing = append(missing, c)
			}
		}
		adds = missing
	}
	return execCompiled(ctx, ex, adds)
}

// DropAll drops every table of m through ex, in reverse foreign-key order, as the
// statements of DropAllDDL, compiled for the executor's server; all are compiled before
// the first is sent.
//
// With IfExists only what exists is dropped: tables by DROP TABLE IF EXISTS, and the
// foreign keys of a cycle (dropped first) by ALTER TABLE IF EXISTS ... DROP FOREIGN KEY
// IF EXISTS on MariaDB 10.5.2+, or elsewhere after looking the existing ones up in
// information_schema.
func (m *MetaData) DropAll(ctx context.Context, ex Executor, opts ...DropOption) error {
	if m == nil {
		return errors.New("sqlb: DropAll on a nil MetaData")
	}
	var o schemaOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	d, _, err := DialectOf(ctx, ex)
	if err != nil {
		return err
	}
	order, deferred := m.dependencyOrder()
	lookUp := o.conditional && !(d.supports(featureFKIfExists) && d.supports(featureAlterIfExists))
	var fks []Statement
	var owners []*Table
	var names []string
	for _, t := range order {
		for _, fk := range deferred[t] {
			drop := DropForeignKey(t, fk.Name)
			if o.conditional && !lookUp {
				drop = drop.IfExists()
			}
			fks = append(fks, drop)
			owners = append(owners, t)
			names = append(names, fk.Name)
		}
	}
	var tables []Statement
	for i := len(order) - 1; i >= 0; i-- {
		drop := DropTable(order[i])
		if o.conditional {
			drop = drop.IfExists()
		}
		tables = append(tables, drop)
	}
	compiled, err := compileForAll(ctx, ex, append(fks, tables...))
	if err != nil {
		return err
	}
	drops := compiled[:len(fks)]
	if lookUp && len(drops) > 0 {
		existing, err := existingForeignKeys(ctx, ex, owners)
		if err != nil {
			return err
		}
		var present []Compiled
		for i, c := range drops {
			if existing.has(owners[i], names[i]) {
				present = append(present, c)
			}
		}
		drops = present
	}
	if err := execCompiled(ctx, ex, drops); err != nil {
		return err
	}
	return execCompiled(ctx, ex, compiled[len(fks):])
}

// compileAll compiles statements for ex, to find every error before anything changes.
func compileForAll(ctx context.Context, ex Executor, stmts []Statement) ([]Compiled, error) {
	out := make([]Compiled, len(stmts))
	for i, s := range stmts {
		c, err := CompileFor(ctx, ex, s)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// execCompiled executes compiled statements in order, stopping at the first error, which
// names the statement.
func execCompiled(ctx context.Context, ex Executor, stmts []Compiled) error {
	for _, c := range stmts {
		if _, err := ex.Exec(ctx, c.SQL, c.Args...); err != nil {
			return fmt.Errorf("sqlb: %s: %w", c.SQL, err)
		}
	}
	return nil
}

// currentDatabase returns the session's default database, "" when there is none.
func currentDatabase(ctx context.Context, ex Executor) (string, error) {
	rows, err := ex.Query(ctx, "SELECT DATABASE()")
	if err != nil {
		return "", err
	}
	var name *string
	if err := scanOne(rows, &name); err != nil {
		return "", err
	}
	if name == nil {
		return "", nil
	}
	return *name, nil
}

// foreignKeySet holds the foreign keys that exist, as schema, table and constraint name.
type foreignKeySet struct {
	current string // the session's database, for tables without a schema
	keys    map[[3]string]bool
}

func (s foreignKeySet) has(t *Table, name string) bool {
	schema := t.base().options.Schema
	if schema == "" {
		schema = s.current
	}
	return s.keys[[3]string{strings.ToLower(schema), strings.ToLower(t.base().name), strings.ToLower(name)}]
}

// existingForeignKeys looks up, in one query, the foreign keys of the given tables.
func existingForeignKeys(ctx context.Context, ex Executor, tables []*Table) (foreignKeySet, error) {
	set := foreignKeySet{keys: map[[3]string]bool{}}
	var err error
	if set.current, err = currentDatabase(ctx, ex); err != nil {
		return set, err
	}
	var schemas, names []string
	for _, t := range tables {
		schema := t.base().options.Schema
		if schema == "" {
			schema = set.current
		}
		schemas = append(schemas, schema)
		names = append(names, t.base().name)
	}
	q := Select(isConstraintsSchema, isConstraintsTable, isConstraintsName).
		Where(isConstraintsType.Eq("FOREIGN KEY"), isConstraintsSchema.In(schemas...), isConstraintsTable.In(names...))
	rows, err := Query(ctx, ex, q)
	if err != nil {
		return set, err
	}
	defer rows.Close()
	for rows.Next() {
		var schema, table, name string
		if err := rows.Scan(&schema, &table, &name); err != nil {
			return set, err
		}
		set.keys[[3]string{strings.ToLower(schema), strings.ToLower(table), strings.ToLower(name)}] = true
	}
	return set, rows.Close()
}
