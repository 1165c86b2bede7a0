package sqlb

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/myxdb/myx"
)

// Database introspection: Reflect reads a schema from information_schema into a
// MetaData ("reflection" is SQLAlchemy's name for it, kept in the API; this file has
// nothing to do with Go's reflect package).

// ReflectOption adjusts Reflect.
type ReflectOption func(*reflectConfig)

type reflectConfig struct {
	database string
	tables   []string
}

// ReflectDatabase reflects the named database instead of the session's current one. Its
// tables are then defined InSchema(name), unless it is the current database.
func ReflectDatabase(name string) ReflectOption {
	return func(c *reflectConfig) { c.database = name }
}

// ReflectTables reflects only the named tables, and the tables they reference (so that
// every foreign key has its target).
func ReflectTables(names ...string) ReflectOption {
	return func(c *reflectConfig) { c.tables = append(c.tables, names...) }
}

// Reflect loads the base tables of a database from information_schema into a new
// MetaData: columns with their types, nullability, defaults, AUTO_INCREMENT, generated
// expressions, charsets, collations and comments; primary keys, unique keys and indexes
// (with prefix lengths); foreign keys with their actions; and the table options that
// differ from the database's defaults. It runs a fixed number of bulk queries whatever
// the number of tables, none per table.
//
// Columns get the Go types the type constructors give (int64, uint64 for UNSIGNED, bool
// for TINYINT(1), string, []byte, float64, time.Time, time.Duration); use Col to reach
// them typed:
//
//	md, err := sqlb.Reflect(ctx, conn)
//	users := md.Table("user")
//	name := sqlb.Col[string](users, "username")
//
// The differences between the servers are handled: MariaDB's JSON (a LONGTEXT checked by
// JSON_VALID) comes back as JSON; MariaDB's quoted and MySQL's raw COLUMN_DEFAULT both
// become literal values (numbers typed as the column, strings as strings, BIT as
// uint64), CURRENT_TIMESTAMP, or expressions (Text); display widths are ignored except
// for TINYINT(1). The index InnoDB creates for a foreign key without one, and RESTRICT
// and NO ACTION (the default) are not reported. FULLTEXT and SPATIAL indexes, functional
// index parts, CHECK constraints other than MariaDB's JSON check, partitioning and
// foreign keys to other databases are not represented.
func Reflect(ctx context.Context, ex Executor, opts ...ReflectOption) (*MetaData, error) {
	if isNilExecutor(ex) {
		return nil, errors.New("sqlb: Reflect with a nil Executor")
	}
	var cfg reflectConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	d, known, err := DialectOf(ctx, ex)
	if err != nil {
		return nil, err
	}
	if !known {
		if ex, err = Detect(ctx, ex); err != nil {
			return nil, err
		}
		if d, _, err = DialectOf(ctx, ex); err != nil {
			return nil, err
		}
	}
	cat, err := loadCatalog(ctx, ex, d, cfg.database)
	if err != nil {
		return nil, err
	}
	return buildMetaData(d, cat, cfg.tables)
}

// catalog is what information_schema says about one database.
type catalog struct {
	database  string
	qualify   bool // define the tables InSchema(database)
	collation string
	engine    string
	tables    []catTable
	columns   []catColumn
	indexes   []catIndexPart
	fks       []catFKPart
	checks    []catCheck
}

type catTable struct {
	TableName      string
	Engine         *string
	TableCollation *string
	TableComment   string
}

type catColumn struct {
	TableName            string
	ColumnName           string
	ColumnDefault        *string
	IsNullable           string
	DataType             string
	ColumnType           string
	CharacterSetName     *string
	CollationName        *string
	Extra                string
	ColumnComment        string
	GenerationExpression *string
}

type catIndexPart struct {
	TableName  string
	IndexName  string
	NonUnique  int64
	SeqInIndex int64
	ColumnName *string
	SubPart    *int64
	IndexType  string
}

type catFKPart struct {
	ConstraintName        string
	TableName             string
	ColumnName            string
	ReferencedTableSchema *string
	ReferencedTableName   *string
	ReferencedColumnName  *string
	UpdateRule            string
	DeleteRule            string
}

type catCheck struct {
	TableName      string
	ConstraintName string
	CheckClause    string
}

// loadCatalog reads the database's description in a fixed number of queries.
func loadCatalog(ctx context.Context, ex Executor, d Dialect, database string) (*catalog, error) {
	current, err := currentDatabase(ctx, ex)
	if err != nil {
		return nil, err
	}
	cat := &catalog{database: database}
	if database == "" {
		if current == "" {
			return nil, errors.New("sqlb: Reflect: the session has no current database; connect to one or pass ReflectDatabase")
		}
		cat.database = current
	}
	cat.qualify = cat.database != current
	type schemaRow struct {
		DefaultCollationName string
		Engine               string
	}
	info, err := One[schemaRow](ctx, ex, Select(isSchemataCollation, TextAs[string]("@@default_storage_engine").Label("engine")).
		Where(isSchemataName.Eq(cat.database)))
	if errors.Is(err, myx.ErrNoRows) {
		return nil, fmt.Errorf("sqlb: Reflect: there is no database %q", cat.database)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlb: Reflect: reading information_schema.SCHEMATA: %w", err)
	}
	cat.collation, cat.engine = info.DefaultCollationName, info.Engine
	db := cat.database
	if cat.tables, err = All[catTable](ctx, ex, Select(isTablesName, isTablesEngine, isTablesCollation, isTablesComment).
		Where(isTablesSchema.Eq(db), isTablesType.Eq("BASE TABLE")).OrderBy(isTablesName)); err != nil {
		return nil, fmt.Errorf("sqlb: Reflect: reading information_schema.TABLES: %w", err)
	}
	if cat.columns, err = All[catColumn](ctx, ex, Select(isColumnsTable, isColumnsName, isColumnsDefault, isColumnsNullable,
		isColumnsDataType, isColumnsColumnType, isColumnsCharset, isColumnsCollation, isColumnsExtra, isColumnsComment, isColumnsGeneration).
		Where(isColumnsSchema.Eq(db)).OrderBy(isColumnsTable, isColumnsPosition)); err != nil {
		return nil, fmt.Errorf("sqlb: Reflect: reading information_schema.COLUMNS: %w", err)
	}
	// Unordered: the servers list indexes as SHOW CREATE TABLE does.
	if cat.indexes, err = All[catIndexPart](ctx, ex, Select(isStatisticsTable, isStatisticsIndex, isStatisticsNonUnique,
		isStatisticsSeq, isStatisticsColumn, isStatisticsSubPart, isStatisticsIndexType).
		Where(isStatisticsSchema.Eq(db))); err != nil {
		return nil, fmt.Errorf("sqlb: Reflect: reading information_schema.STATISTICS: %w", err)
	}
	if cat.fks, err = All[catFKPart](ctx, ex, Select(isKeyColumnsName, isKeyColumnsTable, isKeyColumnsColumn,
		isKeyColumnsRefSchema, isKeyColumnsRefTable, isKeyColumnsRefColumn, isRefUpdateRule, isRefDeleteRule).
		From(isKeyColumns).
		Join(isRefConstraints, isRefSchema.EqExpr(isKeyColumnsSchema), isRefName.EqExpr(isKeyColumnsName), isRefTable.EqExpr(isKeyColumnsTable)).
		Where(isKeyColumnsSchema.Eq(db)).
		OrderBy(isKeyColumnsTable, isKeyColumnsName, isKeyColumnsPosition)); err != nil {
		return nil, fmt.Errorf("sqlb: Reflect: reading information_schema foreign keys: %w", err)
	}
	// information_schema.CHECK_CONSTRAINTS exists from MariaDB 10.2.22 and 10.3.10.
	if d.IsMariaDB() && (d.Version.AtLeast(10, 3, 10) || d.Version.Major == 10 && d.Version.Minor == 2 && d.Version.Patch >= 22) {
		if cat.checks, err = All[catCheck](ctx, ex, Select(isChecksTable, isChecksName, isChecksClause).
			Where(isChecksSchema.Eq(db), isChecksClause.Like("json\\_valid(%"))); err != nil {
			return nil, fmt.Errorf("sqlb: Reflect: reading information_schema.CHECK_CONSTRAINTS: %w", err)
		}
	}
	return cat, nil
}

// buildMetaData turns a catalog into metadata. only, when not empty, limits the tables
// to those named and the tables they reference.
func buildMetaData(d Dialect, cat *catalog, only []string) (*MetaData, error) {
	d = d.resolved()
	keep, err := selectTables(cat, only)
	if err != nil {
		return nil, err
	}
	md := NewMetaData()
	tables := map[string]*Table{}
	tableCollation := map[string]string{}
	for _, ct := range cat.tables {
		if !keep[ct.TableName] {
			continue
		}
		var opts []TableOption
		if cat.qualify {
			opts = append(opts, InSchema(cat.database))
		}
		if ct.Engine != nil && !strings.EqualFold(*ct.Engine, cat.engine) {
			opts = append(opts, Engine(*ct.Engine))
		}
		coll := cat.collation
		if ct.TableCollation != nil {
			coll = *ct.TableCollation
			if !strings.EqualFold(coll, cat.collation) {
				opts = append(opts, DefaultCharset(charsetOf(coll)), DefaultCollation(coll))
			}
		}
		if ct.TableComment != "" {
			opts = append(opts, TableComment(ct.TableComment))
		}
		tables[ct.TableName] = md.NewTable(ct.TableName, opts...)
		tableCollation[ct.TableName] = coll
	}
	json := map[[2]string]bool{}
	for _, c := range cat.checks {
		if col, ok := jsonValidColumn(c.CheckClause); ok {
			json[[2]string{c.TableName, col}] = true
		}
	}
	for _, c := range cat.columns {
		t := tables[c.TableName]
		if t == nil {
			continue
		}
		isJSON := json[[2]string{c.TableName, c.ColumnName}] && strings.EqualFold(c.DataType, "longtext")
		if err := addReflectedColumn(d, t, c, isJSON, tableCollation[c.TableName]); err != nil {
			return nil, fmt.Errorf("sqlb: Reflect: column %s.%s: %w", c.TableName, c.ColumnName, err)
		}
	}
	fkNames := map[[2]string][]string{} // table, constraint -> columns
	for _, p := range cat.fks {
		k := [2]string{p.TableName, p.ConstraintName}
		fkNames[k] = append(fkNames[k], p.ColumnName)
	}
	if err := addReflectedIndexes(tables, cat.indexes, fkNames); err != nil {
		return nil, err
	}
	addReflectedForeignKeys(cat, tables)
	if err := md.Err(); err != nil {
		return nil, fmt.Errorf("sqlb: Reflect: %w", err)
	}
	return md, nil
}

// selectTables returns the tables to reflect: all, or those named and the tables they
// reference, transitively.
func selectTables(cat *catalog, only []string) (map[string]bool, error) {
	keep := map[string]bool{}
	exists := map[string]bool{}
	for _, t := range cat.tables {
		exists[t.TableName] = true
		if len(only) == 0 {
			keep[t.TableName] = true
		}
	}
	if len(only) == 0 {
		return keep, nil
	}
	refs := map[string][]string{}
	for _, p := range cat.fks {
		if p.ReferencedTableName != nil && (p.ReferencedTableSchema == nil || *p.ReferencedTableSchema == cat.database) {
			refs[p.TableName] = append(refs[p.TableName], *p.ReferencedTableName)
		}
	}
	var visit func(name string)
	visit = func(name string) {
		if keep[name] || !exists[name] {
			return
		}
		keep[name] = true
		for _, r := range refs[name] {
			visit(r)
		}
	}
	for _, name := range only {
		if !exists[name] {
			return nil, fmt.Errorf("sqlb: Reflect: database %q has no table %q", cat.database, name)
		}
		visit(name)
	}
	return keep, nil
}

// charsetOf returns the character set of a collation: its name up to the first
// underscore ("binary" is its own).
func charsetOf(collation string) string {
	cs, _, _ := strings.Cut(collation, "_")
	return cs
}

var jsonValidRE = regexp.MustCompile("^(?i)json_valid\\(`((?:[^`]|``)+)`\\)$")

// jsonValidColumn returns the column a "json_valid(`col`)" check is about.
func jsonValidColumn(clause string) (string, bool) {
	m := jsonValidRE.FindStringSubmatch(strings.TrimSpace(clause))
	if m == nil {
		return "", false
	}
	return strings.ReplaceAll(m[1], "``", "`"), true
}

// goKind is the Go type of a reflected column.
type goKind int

const (
	kindInt goKind = iota
	kindUint
	kindBool
	kindFloat
	kindString
	kindBytes
	kindTime
	kindDuration
)

// reflectedType is a column type read from information_schema: the spec to render and
// the Go type of its values.
type reflectedType struct {
	kind goKind
	spec typeSpec
}

var typeArgsRE = regexp.MustCompile(`^[a-z ]+\(([0-9, ]+)\)`)

// parseColumnType maps DATA_TYPE and COLUMN_TYPE to a type.
// backslashes says whether the members of an ENUM or SET in columnType escape backslashes
// (MySQL and MariaDB write b\\s; TiDB writes b\s, doubling only quotes).
func parseColumnType(dataType, columnType string, charset *string, isJSON, backslashes bool) (reflectedType, error) {
	dt := strings.ToLower(dataType)
	ct := strings.ToLower(strings.TrimSpace(columnType))
	var args []int
	if m := typeArgsRE.FindStringSubmatch(ct); m != nil {
		for a := range strings.SplitSeq(m[1], ",") {
			n, err := strconv.Atoi(strings.TrimSpace(a))
			if err != nil {
				return reflectedType{}, fmt.Errorf("cannot read type %q", columnType)
			}
			args = append(args, n)
		}
	}
	unsigned := strings.Contains(ct, " unsigned")
	plain := func(kind goKind, name string, a ...int) (reflectedType, error) {
		return reflectedType{kind: kind, spec: typeSpec{name: name, args: a}}, nil
	}
	custom := func() (reflectedType, error) {
		kind := kindBytes
		switch {
		case charset != nil, dt == "uuid", dt == "inet4", dt == "inet6":
			kind = kindString
		case strings.HasPrefix(ct, "float"), strings.HasPrefix(ct, "double"), strings.HasPrefix(ct, "real"):
			kind = kindFloat
		case strings.Contains(ct, " unsigned"):
			kind = kindUint
		case strings.Contains(ct, "int"), strings.HasPrefix(ct, "decimal"):
			kind = kindInt
			if strings.HasPrefix(ct, "decimal") {
				kind = kindString
			}
		}
		name := columnType
		if !strings.ContainsAny(name, "'\"`") {
			name = strings.ToUpper(name)
		}
		return reflectedType{kind: kind, spec: typeSpec{name: name}}, nil
	}
	if strings.Contains(ct, "zerofill") {
		return custom()
	}
	switch dt {
	case "tinyint", "smallint", "mediumint", "int", "bigint":
		if dt == "tinyint" && !unsigned && ct == "tinyint(1)" {
			return plain(kindBool, "BOOLEAN")
		}
		if unsigned {
			return reflectedType{kind: kindUint, spec: typeSpec{name: strings.ToUpper(dt), unsigned: true}}, nil
		}
		return plain(kindInt, strings.ToUpper(dt))
	case "decimal", "numeric":
		if len(args) == 2 {
			return plain(kindString, "DECIMAL", args...)
		}
	case "float", "double":
		if len(args) == 0 && (ct == dt || ct == "double precision") {
			return plain(kindFloat, strings.ToUpper(dt))
		}
	case "char", "varchar", "binary", "varbinary":
		if len(args) == 1 {
			kind := kindString
			if dt == "binary" || dt == "varbinary" {
				kind = kindBytes
			}
			return plain(kind, strings.ToUpper(dt), args...)
		}
	case "tinytext", "text", "mediumtext", "longtext":
		if isJSON {
			return reflectedType{kind: kindString, spec: typeSpec{name: "JSON", feature: &featureJSONType}}, nil
		}
		return plain(kindString, strings.ToUpper(dt))
	case "json":
		return reflectedType{kind: kindString, spec: typeSpec{name: "JSON", feature: &featureJSONType}}, nil
	case "tinyblob", "blob", "mediumblob", "longblob":
		return plain(kindBytes, strings.ToUpper(dt))
	case "bit":
		if len(args) == 1 {
			return plain(kindUint, "BIT", args...)
		}
	case "date":
		return plain(kindTime, "DATE")
	case "datetime", "timestamp", "time":
		kind := kindTime
		if dt == "time" {
			kind = kindDuration
		}
		if len(args) == 1 && args[0] > 0 {
			return plain(kind, strings.ToUpper(dt), args...)
		}
		return plain(kind, strings.ToUpper(dt))
	case "year":
		return plain(kindInt, "YEAR")
	case "enum", "set":
		values, err := parseMembers(columnType, backslashes)
		if err != nil {
			return reflectedType{}, err
		}
		return reflectedType{kind: kindString, spec: typeSpec{name: strings.ToUpper(dt), values: values}}, nil
	}
	return custom()
}

// parseMembers reads the members of "enum('a','b')" or "set(...)", with backslash escapes
// in them when backslashes is true.
func parseMembers(columnType string, backslashes bool) ([]string, error) {
	open := strings.IndexByte(columnType, '(')
	if open < 0 {
		return nil, fmt.Errorf("cannot read the members of %q", columnType)
	}
	s := columnType[open+1:]
	var out []string
	for {
		v, rest, ok := unquoteSQLMode(s, backslashes)
		if !ok {
			return nil, fmt.Errorf("cannot read the members of %q", columnType)
		}
		out = append(out, v)
		rest = strings.TrimLeft(rest, " ")
		switch {
		case strings.HasPrefix(rest, ","):
			s = strings.TrimLeft(rest[1:], " ")
		case strings.HasPrefix(rest, ")"):
			return out, nil
		default:
			return nil, fmt.Errorf("cannot read the members of %q", columnType)
		}
	}
}

// unquoteSQL reads a quoted SQL string literal at the start of s, with doubled quotes
// and backslash escapes, and returns its value and what follows it.
func unquoteSQL(s string) (value, rest string, ok bool) { return unquoteSQLMode(s, true) }

// unquoteSQLMode is unquoteSQL, with backslash escapes only when backslashes is true.
func unquoteSQLMode(s string, backslashes bool) (value, rest string, ok bool) {
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", s, false
	}
	quote := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && backslashes && i+1 < len(s):
			i++
			switch e := s[i]; e {
			case '0':
				b.WriteByte(0)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'b':
				b.WriteByte('\b')
			case 'Z':
				b.WriteByte(0x1a)
			case '%', '_':
				b.WriteByte('\\')
				b.WriteByte(e)
			default:
				b.WriteByte(e)
			}
		case c == quote:
			if i+1 < len(s) && s[i+1] == quote {
				b.WriteByte(quote)
				i++
				continue
			}
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", s, false
}

var currentTimestampRE = regexp.MustCompile(`^(?i)(current_timestamp|now|localtimestamp|localtime)(\(\s*[0-9]?\s*\))?$`)

// addReflectedColumn adds a column described by information_schema to t.
func addReflectedColumn(d Dialect, t *Table, c catColumn, isJSON bool, tableCollation string) error {
	// TiDB's COLUMN_TYPE doubles the quotes of ENUM and SET members but leaves backslashes
	// as they are.
	rt, err := parseColumnType(c.DataType, c.ColumnType, c.CharacterSetName, isJSON, !d.IsTiDB())
	if err != nil {
		return err
	}
	extra := strings.ToLower(c.Extra)
	var opts []ColumnOption
	if strings.EqualFold(c.IsNullable, "YES") {
		opts = append(opts, Nullable())
	}
	if strings.Contains(extra, "auto_increment") {
		opts = append(opts, AutoIncrement())
	}
	generated := strings.Contains(extra, "virtual generated") || strings.Contains(extra, "stored generated") ||
		strings.Contains(extra, "persistent") || strings.TrimSpace(extra) == "virtual"
	switch {
	case generated:
		expr := ""
		if c.GenerationExpression != nil {
			expr = *c.GenerationExpression
		}
		if expr == "" {
			return errors.New("generated column without GENERATION_EXPRESSION")
		}
		if !d.IsMariaDB() {
			expr = unescapeMySQLExpression(expr)
		}
		if strings.Contains(extra, "stored") || strings.Contains(extra, "persistent") {
			opts = append(opts, GeneratedStored(rawSQL(expr)))
		} else {
			opts = append(opts, Generated(rawSQL(expr)))
		}
	default:
		opt, err := reflectedDefault(d, c, rt)
		if err != nil {
			return err
		}
		if opt != nil {
			opts = append(opts, opt)
		}
		if strings.Contains(extra, "on update current_timestamp") {
			opts = append(opts, OnUpdateCurrentTimestamp())
		}
	}
	if !isJSON && c.CollationName != nil && !strings.EqualFold(*c.CollationName, tableCollation) {
		if c.CharacterSetName != nil && !strings.EqualFold(*c.CharacterSetName, charsetOf(tableCollation)) {
			opts = append(opts, Charset(*c.CharacterSetName))
		}
		opts = append(opts, Collate(*c.CollationName))
	}
	if c.ColumnComment != "" {
		opts = append(opts, Comment(c.ColumnComment))
	}
	name := c.ColumnName
	switch rt.kind {
	case kindInt:
		AddColumn(t, name, Type[int64]{s: rt.spec}, opts...)
	case kindUint:
		AddColumn(t, name, Type[uint64]{s: rt.spec}, opts...)
	case kindBool:
		AddColumn(t, name, Type[bool]{s: rt.spec}, opts...)
	case kindFloat:
		AddColumn(t, name, Type[float64]{s: rt.spec}, opts...)
	case kindString:
		AddColumn(t, name, Type[string]{s: rt.spec}, opts...)
	case kindBytes:
		AddColumn(t, name, Type[[]byte]{s: rt.spec}, opts...)
	case kindTime:
		AddColumn(t, name, Type[time.Time]{s: rt.spec}, opts...)
	case kindDuration:
		AddColumn(t, name, Type[time.Duration]{s: rt.spec}, opts...)
	}
	return nil
}

// rawSQL is SQL text from the server (a default or generated expression), written as is.
func rawSQL(sql string) Expression { return wrap[any](&rawNode{sql: sql}) }

// rawNode is trusted SQL text without placeholders.
type rawNode struct{ sql string }

func (n *rawNode) writeSQL(c *compiler)        { c.write(n.sql) }
func (n *rawNode) precedence() int             { return precRaw }
func (n *rawNode) collectFroms(func(FromItem)) {}

// reflectedDefault returns the option for a column's COLUMN_DEFAULT, or nil. MariaDB
// 10.2.7+ writes it as SQL (quoted strings, NULL, expressions); MySQL and older MariaDB
// write the raw value and mark expressions with DEFAULT_GENERATED in EXTRA.
func reflectedDefault(d Dialect, c catColumn, rt reflectedType) (ColumnOption, error) {
	if c.ColumnDefault == nil {
		return nil, nil
	}
	raw := *c.ColumnDefault
	extra := strings.ToLower(c.Extra)
	temporal := rt.spec.name == "DATETIME" || rt.spec.name == "TIMESTAMP"
	quoted := d.IsMariaDB() && d.Version.AtLeast(10, 2, 7)
	switch {
	case quoted && raw == "NULL":
		// DEFAULT NULL, which a nullable column has anyway.
		return nil, nil
	case temporal && currentTimestampRE.MatchString(strings.TrimSpace(raw)):
		return DefaultCurrentTimestamp(), nil
	case quoted && strings.HasPrefix(raw, "'"):
		v, rest, ok := unquoteSQL(raw)
		if !ok || strings.TrimSpace(rest) != "" {
			return DefaultExpr(rawSQL(raw)), nil
		}
		return Default(v), nil
	case strings.Contains(extra, "default_generated"):
		return DefaultExpr(rawSQL(unescapeMySQLExpression(raw))), nil
	}
	if v, ok := literalDefault(raw, rt.kind); ok {
		return Default(v), nil
	}
	if quoted {
		return DefaultExpr(rawSQL(raw)), nil
	}
	// MySQL: the raw text of a literal default.
	return Default(raw), nil
}

// unescapeMySQLExpression undoes the escaping MySQL applies to the expressions it
// shows in COLUMN_DEFAULT (DEFAULT_GENERATED) and GENERATION_EXPRESSION, where
// _utf8mb4'a' reads _utf8mb4\'a\': \' and \\ stand for ' and \.
func unescapeMySQLExpression(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '\'' || s[i+1] == '\\') {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// literalDefault converts an unquoted default to the column's Go type: numbers, BIT's
// b'...', MySQL's 0x... for binary columns. DECIMAL stays text, to lose no digit.
func literalDefault(raw string, kind goKind) (any, bool) {
	if strings.HasPrefix(raw, "b'") && strings.HasSuffix(raw, "'") && len(raw) >= 3 {
		if v, err := strconv.ParseUint(raw[2:len(raw)-1], 2, 64); err == nil {
			return v, true
		}
	}
	switch kind {
	case kindInt:
		if v, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return v, true
		}
	case kindUint:
		if v, err := strconv.ParseUint(raw, 10, 64); err == nil {
			return v, true
		}
	case kindBool:
		switch raw {
		case "0":
			return false, true
		case "1":
			return true, true
		}
		if v, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return v, true
		}
	case kindFloat:
		if v, err := strconv.ParseFloat(raw, 64); err == nil {
			return v, true
		}
	case kindString:
		if _, err := strconv.ParseFloat(raw, 64); err == nil {
			return raw, true // DECIMAL: kept exact
		}
	case kindBytes:
		if strings.HasPrefix(raw, "0x") && len(raw)%2 == 0 {
			if b, err := hex.DecodeString(raw[2:]); err == nil {
				return b, true
			}
		}
	}
	return nil, false
}

// addReflectedIndexes sets the primary keys and adds the indexes, leaving out the index
// InnoDB made for a foreign key that had none.
func addReflectedIndexes(tables map[string]*Table, parts []catIndexPart, fkColumns map[[2]string][]string) error {
	type index struct {
		table  string
		name   string
		unique bool
		parts  []catIndexPart
		skip   bool
	}
	var order []*index
	byName := map[[2]string]*index{}
	for _, p := range parts {
		if tables[p.TableName] == nil {
			continue
		}
		k := [2]string{p.TableName, p.IndexName}
		ix := byName[k]
		if ix == nil {
			ix = &index{table: p.TableName, name: p.IndexName, unique: p.NonUnique == 0}
			byName[k] = ix
			order = append(order, ix)
		}
		if p.ColumnName == nil || p.IndexType == "FULLTEXT" || p.IndexType == "SPATIAL" {
			ix.skip = true
		}
		ix.parts = append(ix.parts, p)
	}
	for _, ix := range order {
		if ix.skip {
			continue
		}
		slices.SortFunc(ix.parts, func(a, b catIndexPart) int { return int(a.SeqInIndex - b.SeqInIndex) })
		t := tables[ix.table]
		if ix.name == "PRIMARY" {
			var cols []AnyColumn
			for _, p := range ix.parts {
				cols = append(cols, t.Column(*p.ColumnName))
			}
			t.SetPrimaryKey(cols...)
			continue
		}
		if fk, ok := fkColumns[[2]string{ix.table, ix.name}]; ok && !ix.unique && len(fk) == len(ix.parts) {
			implicit := true
			for i, p := range ix.parts {
				if p.SubPart != nil || !strings.EqualFold(*p.ColumnName, fk[i]) {
					implicit = false
				}
			}
			if implicit {
				continue
			}
		}
		var ps []IndexPart
		for _, p := range ix.parts {
			col := t.Column(*p.ColumnName)
			if col == nil {
				return fmt.Errorf("sqlb: Reflect: index %s.%s names an unknown column %q", ix.table, ix.name, *p.ColumnName)
			}
			if p.SubPart != nil {
				ps = append(ps, Prefix(col, int(*p.SubPart)))
			} else {
				ps = append(ps, col)
			}
		}
		if ix.unique {
			t.AddUniqueKey(ix.name, ps...)
		} else {
			t.AddIndex(ix.name, ps...)
		}
	}
	return nil
}

// addReflectedForeignKeys adds the foreign keys between reflected tables.
func addReflectedForeignKeys(cat *catalog, tables map[string]*Table) {
	type fk struct {
		table, name, refTable string
		cols, refs            []string
		update, delete        string
		foreign               bool
	}
	var order []*fk
	byName := map[[2]string]*fk{}
	for _, p := range cat.fks {
		if p.ReferencedTableName == nil || p.ReferencedColumnName == nil {
			continue
		}
		k := [2]string{p.TableName, p.ConstraintName}
		f := byName[k]
		if f == nil {
			f = &fk{table: p.TableName, name: p.ConstraintName, refTable: *p.ReferencedTableName, update: p.UpdateRule, delete: p.DeleteRule}
			f.foreign = p.ReferencedTableSchema != nil && *p.ReferencedTableSchema != cat.database
			byName[k] = f
			order = append(order, f)
		}
		f.cols = append(f.cols, p.ColumnName)
		f.refs = append(f.refs, *p.ReferencedColumnName)
	}
	for _, f := range order {
		t, target := tables[f.table], tables[f.refTable]
		if t == nil || target == nil || f.foreign {
			continue
		}
		var cols, refs []AnyColumn
		for i := range f.cols {
			cols = append(cols, t.Column(f.cols[i]))
			refs = append(refs, target.Column(f.refs[i]))
		}
		t.AddForeignKey(cols, refs, ConstraintName(f.name), OnDelete(referentialAction(f.delete)), OnUpdate(referentialAction(f.update)))
	}
}

// referentialAction reads UPDATE_RULE and DELETE_RULE; RESTRICT and NO ACTION, which
// InnoDB treats alike and uses by default, are the default.
func referentialAction(rule string) ReferentialAction {
	switch strings.ToUpper(rule) {
	case "CASCADE":
		return Cascade
	case "SET NULL":
		return SetNull
	case "SET DEFAULT":
		return SetDefault
	}
	return ActionDefault
}
