package sqlb

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// CreateAll creates every table of m through ex, in foreign-key order: it executes the
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
	d, _, err := DialectOf(ctx, ex)
	if err != nil {
		return err
	}
	stmts := m.CreateAllDDL(opts...)
	lookUp := make([]bool, len(stmts))
	for i, s := range stmts {
		if add, ok := s.(AddForeignKeyStmt); ok && add.ifNotExists && !d.supports(featureFKIfNotExists) {
			add.ifNotExists = false
			stmts[i], lookUp[i] = add, true
		}
	}
	return execSchema(ctx, ex, stmts, lookUp, false)
}

// DropAll drops every table of m through ex, in reverse foreign-key order: it executes
// the statements of DropAllDDL, compiled for the executor's server; all are compiled
// before the first is sent.
//
// With IfExists only what exists is dropped: tables by DROP TABLE IF EXISTS, and the
// foreign keys of a cycle (dropped first) by ALTER TABLE IF EXISTS ... DROP FOREIGN KEY
// IF EXISTS on MariaDB 10.5.2+, or elsewhere after looking the existing ones up in
// information_schema.
func (m *MetaData) DropAll(ctx context.Context, ex Executor, opts ...DropOption) error {
	if m == nil {
		return errors.New("sqlb: DropAll on a nil MetaData")
	}
	d, _, err := DialectOf(ctx, ex)
	if err != nil {
		return err
	}
	stmts := m.DropAllDDL(opts...)
	lookUp := make([]bool, len(stmts))
	for i, s := range stmts {
		if drop, ok := s.(DropForeignKeyStmt); ok && drop.ifExists && !(d.supports(featureFKIfExists) && d.supports(featureAlterIfExists)) {
			drop.ifExists = false
			stmts[i], lookUp[i] = drop, true
		}
	}
	return execSchema(ctx, ex, stmts, lookUp, true)
}

// execSchema compiles the statements of CreateAll or DropAll for ex, all before the
// first is sent, then executes them in order. The foreign-key statements marked in
// lookUp stand for an IF [NOT] EXISTS the server lacks: they run only when
// information_schema lists the key (ifPresent) or does not (!ifPresent), looked up in
// one query when the first of them is reached.
func execSchema(ctx context.Context, ex Executor, stmts []Statement, lookUp []bool, ifPresent bool) error {
	compiled, err := compileForAll(ctx, ex, stmts)
	if err != nil {
		return err
	}
	var owners []*Table
	for i, s := range stmts {
		if lookUp[i] {
			t, _ := foreignKeyOf(s)
			owners = append(owners, t)
		}
	}
	var existing *foreignKeySet
	for i, c := range compiled {
		if lookUp[i] {
			if existing == nil {
				set, err := existingForeignKeys(ctx, ex, owners)
				if err != nil {
					return err
				}
				existing = &set
			}
			if existing.has(foreignKeyOf(stmts[i])) != ifPresent {
				continue
			}
		}
		if _, err := ex.Exec(ctx, c.SQL, c.Args...); err != nil {
			return fmt.Errorf("sqlb: %s: %w", c.SQL, err)
		}
	}
	return nil
}

// foreignKeyOf returns the table and constraint name of a statement that adds or drops
// a foreign key.
func foreignKeyOf(s Statement) (*Table, string) {
	switch s := s.(type) {
	case AddForeignKeyStmt:
		return s.table, s.fk.Name
	case DropForeignKeyStmt:
		return s.table, s.name
	}
	return nil, ""
}

// compileForAll compiles statements for ex, to find every error before anything changes.
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
