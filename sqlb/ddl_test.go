package sqlb

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// typesTable has a column of every type constructor.
func typesTable() (*MetaData, *Table) {
	md := NewMetaData()
	t := md.NewTable("all_types", Engine("InnoDB"), DefaultCharset("utf8mb4"), DefaultCollation("utf8mb4_unicode_ci"), TableComment("every type, it's here"))
	AddColumn(t, "id", Unsigned(BigInt()), PrimaryKey(), AutoIncrement())
	AddColumn(t, "tiny", TinyInt(), Default(-1))
	AddColumn(t, "small", Unsigned(SmallInt()))
	AddColumn(t, "medium", MediumInt(), Nullable())
	AddColumn(t, "int32", TypeAs[int32](Int()), Comment("a Go int32"))
	AddColumn(t, "flag", Boolean(), Default(true))
	AddColumn(t, "amount", Decimal(12, 4), Default("0.0000"))
	AddColumn(t, "ratio", Float())
	AddColumn(t, "score", Double(), Default(1.5))
	AddColumn(t, "code", Char(2), Charset("ascii"), Collate("ascii_bin"))
	AddColumn(t, "name", VarChar(100), Default("it's \"quoted\" \\ here"))
	AddColumn(t, "tiny_text", TinyText(), Nullable())
	AddColumn(t, "body", TextType(), Nullable())
	AddColumn(t, "medium_text", MediumText(), Nullable())
	AddColumn(t, "long_text", LongText(), Nullable())
	AddColumn(t, "hash", Binary(16))
	AddColumn(t, "token", VarBinary(64), Nullable(), Default(nil))
	AddColumn(t, "tiny_blob", TinyBlob(), Nullable())
	AddColumn(t, "blob", Blob(), Nullable())
	AddColumn(t, "medium_blob", MediumBlob(), Nullable())
	AddColumn(t, "long_blob", LongBlob(), Nullable())
	AddColumn(t, "bits", Bit(8), Default(uint64(3)))
	AddColumn(t, "day", Date(), Default(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)))
	AddColumn(t, "created", DateTime(0), DefaultCurrentTimestamp())
	AddColumn(t, "updated", Timestamp(3), DefaultCurrentTimestamp(), OnUpdateCurrentTimestamp())
	AddColumn(t, "duration", Time(0), Default(90*time.Minute))
	AddColumn(t, "year", Year(), Nullable())
	AddColumn(t, "doc", TypeAs[json.RawMessage](JSON()), Nullable())
	AddColumn(t, "status", Enum("new", "o'k", "done"), Default("new"))
	AddColumn(t, "tags", SetOf("a", "b"), Default("a,b"))
	AddColumn(t, "shape", CustomType[[]byte]("GEOMETRY"), Nullable())
	AddColumn(t, "uuid", Char(36), DefaultExpr(Func[string]("UUID")))
	return md, t
}

const allTypesDDL = "CREATE TABLE `all_types` (" +
	"`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, " +
	"`tiny` TINYINT NOT NULL DEFAULT -1, " +
	"`small` SMALLINT UNSIGNED NOT NULL, " +
	"`medium` MEDIUMINT NULL, " +
	"`int32` INT NOT NULL COMMENT 'a Go int32', " +
	"`flag` BOOLEAN NOT NULL DEFAULT TRUE, " +
	"`amount` DECIMAL(12,4) NOT NULL DEFAULT '0.0000', " +
	"`ratio` FLOAT NOT NULL, " +
	"`score` DOUBLE NOT NULL DEFAULT 1.5e+00, " +
	"`code` CHAR(2) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, " +
	"`name` VARCHAR(100) NOT NULL DEFAULT 'it''s \"quoted\" \\\\ here', " +
	"`tiny_text` TINYTEXT NULL, " +
	"`body` TEXT NULL, " +
	"`medium_text` MEDIUMTEXT NULL, " +
	"`long_text` LONGTEXT NULL, " +
	"`hash` BINARY(16) NOT NULL, " +
	"`token` VARBINARY(64) NULL DEFAULT NULL, " +
	"`tiny_blob` TINYBLOB NULL, " +
	"`blob` BLOB NULL, " +
	"`medium_blob` MEDIUMBLOB NULL, " +
	"`long_blob` LONGBLOB NULL, " +
	"`bits` BIT(8) NOT NULL DEFAULT 3, " +
	"`day` DATE NOT NULL DEFAULT '2000-01-01', " +
	"`created` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, " +
	"`updated` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), " +
	"`duration` TIME NOT NULL DEFAULT '01:30:00', " +
	"`year` YEAR NULL, " +
	"`doc` JSON NULL, " +
	"`status` ENUM('new','o''k','done') NOT NULL DEFAULT 'new', " +
	"`tags` SET('a','b') NOT NULL DEFAULT 'a,b', " +
	"`shape` GEOMETRY NULL, " +
	"`uuid` CHAR(36) NOT NULL DEFAULT (UUID()), " +
	"PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='every type, it''s here'"

func TestCreateTableTypes(t *testing.T) {
	md, tbl := typesTable()
	if err := md.Err(); err != nil {
		t.Fatal(err)
	}
	noBackslash := mysql80
	noBackslash.NoBackslashEscapes = true
	runGolden(t, []golden{
		{name: "all types", stmt: CreateTable(tbl), dialects: []Dialect{mysql80, maria1011}, sql: allTypesDDL},
		{name: "no backslash escapes", stmt: CreateTable(tbl), dialects: []Dialect{noBackslash},
			sql: strings.Replace(allTypesDDL, `\\ here`, `\ here`, 1)},
		{name: "expression default needs 8.0.13", stmt: CreateTable(tbl), dialects: []Dialect{MySQL(8, 0, 12)}, err: "an expression as a column DEFAULT is not supported by MySQL 8.0.12 (MySQL 8.0.13+, MariaDB 10.2.1+, TiDB 8.0.0+; TiDB accepts only the expressions its documentation lists)"},
		{name: "json needs 5.7.8 or 10.2.7", stmt: CreateTable(tbl), dialects: []Dialect{MySQL(5, 7, 7), MariaDB(10, 2, 6)}, err: "the JSON column type is not supported"},
	})
}

func TestCreateTableKeysAndOptions(t *testing.T) {
	md := NewMetaData()
	doc := md.NewTable("doc", Engine("InnoDB"))
	id := AddColumn(doc, "id", Int(), PrimaryKey())
	rev := AddColumn(doc, "rev", Int(), PrimaryKey())
	title := AddColumn(doc, "title", VarChar(200), Indexed())
	body := AddColumn(doc, "body", TextType())
	slug := AddColumn(doc, "slug", VarChar(100), Unique())
	doc.AddIndex("ix_title_body", title, Prefix(body, 20))
	doc.AddUniqueKey("", id, slug)
	link := md.NewTable("link")
	lid := AddColumn(link, "doc_id", Int())
	lrev := AddColumn(link, "doc_rev", Int(), Nullable())
	link.AddForeignKey([]AnyColumn{lid, lrev}, []AnyColumn{id, rev}, OnDelete(SetNull), OnUpdate(Cascade), ConstraintName("link_doc"))
	if err := md.Err(); err != nil {
		t.Fatal(err)
	}
	runGolden(t, []golden{
		{name: "keys", stmt: CreateTable(doc).IfNotExists(),
			sql: "CREATE TABLE IF NOT EXISTS `doc` (`id` INT NOT NULL, `rev` INT NOT NULL, `title` VARCHAR(200) NOT NULL, `body` TEXT NOT NULL, `slug` VARCHAR(100) NOT NULL, PRIMARY KEY (`id`, `rev`), KEY `ix_doc_title` (`title`), UNIQUE KEY `uq_doc_slug` (`slug`), KEY `ix_title_body` (`title`, `body`(20)), UNIQUE KEY `uq_doc_id_slug` (`id`, `slug`)) ENGINE=InnoDB"},
		{name: "composite foreign key with actions", stmt: CreateTable(link),
			err: "foreign key link_doc sets NULL in NOT NULL column link.doc_id"},
		{name: "create index", stmt: CreateIndex(doc, Index{Name: "ix_late", Parts: []IndexPart{rev, title}}),
			sql: "CREATE INDEX `ix_late` ON `doc` (`rev`, `title`)"},
		{name: "create unique index if not exists mariadb", stmt: CreateIndex(doc, Index{Name: "uq_late", Unique: true, Parts: []IndexPart{Prefix(body, 10)}}).IfNotExists(), dialects: []Dialect{maria1011},
			sql: "CREATE UNIQUE INDEX IF NOT EXISTS `uq_late` ON `doc` (`body`(10))"},
		{name: "create index if not exists mysql", stmt: CreateIndex(doc, Index{Name: "ix", Parts: []IndexPart{rev}}).IfNotExists(), dialects: []Dialect{mysql80}, err: "CREATE INDEX IF NOT EXISTS is not supported by MySQL 8.0.36 (MariaDB 10.1.4+, TiDB 3.0.0+)"},
		{name: "create index of another table", stmt: CreateIndex(doc, Index{Name: "ix", Parts: []IndexPart{lid}}), err: "names a column that is not in table \"doc\""},
		{name: "drop table", stmt: DropTable(link, doc), sql: "DROP TABLE `link`, `doc`"},
		{name: "drop table if exists", stmt: DropTable(doc).IfExists(), sql: "DROP TABLE IF EXISTS `doc`"},
		{name: "add foreign key", stmt: AddForeignKey(link, link.ForeignKeys()[0]),
			err: "sets NULL in NOT NULL column"},
	})

	// With the referencing columns nullable the key is valid.
	md2 := NewMetaData()
	parent := md2.NewTable("parent")
	pid := AddColumn(parent, "id", Int(), PrimaryKey())
	child := md2.NewTable("child")
	AddColumn(child, "parent_id", Int(), Nullable(), References(pid, OnDelete(SetNull), OnUpdate(Cascade), ConstraintName("child_parent")))
	fk := child.ForeignKeys()[0]
	runGolden(t, []golden{
		{name: "foreign key with actions", stmt: CreateTable(child),
			sql: "CREATE TABLE `child` (`parent_id` INT NULL, CONSTRAINT `child_parent` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`id`) ON DELETE SET NULL ON UPDATE CASCADE)"},
		{name: "alter add foreign key", stmt: AddForeignKey(child, fk),
			sql: "ALTER TABLE `child` ADD CONSTRAINT `child_parent` FOREIGN KEY (`parent_id`) REFERENCES `parent` (`id`) ON DELETE SET NULL ON UPDATE CASCADE"},
		{name: "alter add foreign key if not exists", stmt: AddForeignKey(child, fk).IfNotExists(), dialects: []Dialect{maria1011},
			sql: "ALTER TABLE `child` ADD CONSTRAINT `child_parent` FOREIGN KEY IF NOT EXISTS (`parent_id`) REFERENCES `parent` (`id`) ON DELETE SET NULL ON UPDATE CASCADE"},
		{name: "alter add foreign key if not exists mysql", stmt: AddForeignKey(child, fk).IfNotExists(), dialects: []Dialect{mysql80}, err: "ADD FOREIGN KEY IF NOT EXISTS is not supported by MySQL"},
		{name: "drop foreign key", stmt: DropForeignKey(child, "child_parent"), sql: "ALTER TABLE `child` DROP FOREIGN KEY `child_parent`"},
		{name: "drop foreign key if exists", stmt: DropForeignKey(child, "child_parent").IfExists(), dialects: []Dialect{MariaDB(10, 5, 2)},
			sql: "ALTER TABLE IF EXISTS `child` DROP FOREIGN KEY IF EXISTS `child_parent`"},
		{name: "drop foreign key if exists mysql", stmt: DropForeignKey(child, "child_parent").IfExists(), dialects: []Dialect{mysql80, MariaDB(10, 5, 1)}, err: "ALTER TABLE IF EXISTS is not supported"},
	})
}

func TestDefinitionErrors(t *testing.T) {
	md := NewMetaData()
	a := md.NewTable("a")
	id := AddColumn(a, "id", Int(), PrimaryKey())
	AddColumn(a, "ID", Int())                                   // duplicate, case-insensitively
	AddColumn(a, "v", VarChar(0))                               // bad length
	AddColumn(a, "x", VarChar(10), AutoIncrement())             // AUTO_INCREMENT on a string
	AddColumn(a.As("aa"), "y", Int())                           // column on an alias
	AddColumn(a, "f", Unsigned(BigInt()), References(id))       // uint64 -> int64
	AddColumn(a, strings.Repeat("n", 65), Int())                // name too long
	AddColumn(a, "n", Int(), Default(nil))                      // NULL default on NOT NULL
	AddColumn(a, "t", Int(), DefaultCurrentTimestamp())         // CURRENT_TIMESTAMP on INT
	AddColumn(a, "two", Int(), Default(1), DefaultExpr(True())) // two defaults
	md.NewTable("a")                                            // duplicate table
	err := md.Err()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`table "a" already has a column "ID"`,
		`AUTO_INCREMENT column "x" of table "a" must have an integer type`,
		`cannot add column "y" to alias "aa"`,
		`foreign key column a.f (Go type uint64) references a.id (Go type int64)`,
		`column name "nnnn`,
		`the metadata already has a table "a"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in\n%v", want, err)
		}
	}
	// Compiling a statement that uses the table reports the mistakes too.
	if _, err := Select(id).Compile(mysql80); err == nil || !strings.Contains(err.Error(), "already has a column") {
		t.Errorf("select of a broken table: %v", err)
	}
	_, err = CreateTable(a).Compile(mysql80)
	if err == nil {
		t.Fatal("CREATE TABLE of a broken table compiled")
	}
	b := NewMetaData().NewTable("b")
	for _, tc := range []struct {
		col  ColumnOption
		typ  Type[string]
		want string
	}{
		{Default(nil), VarChar(1), "is NOT NULL but its default is NULL"},
		{DefaultCurrentTimestamp(), VarChar(1), "CURRENT_TIMESTAMP needs a DATETIME or TIMESTAMP column, not VARCHAR"},
		{nil, VarChar(0), "VARCHAR length 0 out of range"},
		{nil, Char(300), "CHAR length 300 out of range"},
		{nil, Decimal(70, 2), "DECIMAL precision 70 out of range"},
		{nil, Enum(), "ENUM needs at least one member"},
		{Charset("utf8; DROP"), VarChar(1), "character set name \"utf8; DROP\" must be letters"},
	} {
		md := NewMetaData()
		tbl := md.NewTable("t")
		AddColumn(tbl, "c", tc.typ, tc.col)
		_, err := CreateTable(tbl).Compile(mysql80)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
	_ = b
	if _, err := CreateTable(NewMetaData().NewTable("empty")).Compile(mysql80); err == nil || !strings.Contains(err.Error(), "has no columns") {
		t.Errorf("empty table: %v", err)
	}
}

func compileAll(t *testing.T, stmts []Statement, d Dialect) []string {
	t.Helper()
	compiled, err := CompileAll(d, stmts)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range compiled {
		if len(c.Args) != 0 {
			t.Errorf("DDL with arguments: %s %v", c.SQL, c.Args)
		}
		out = append(out, c.SQL)
	}
	return out
}

func checkStatements(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCreateAllOrdersByForeignKeys(t *testing.T) {
	// Defined children first, on purpose.
	md := NewMetaData()
	comment := md.NewTable("comment")
	post := md.NewTable("post")
	author := md.NewTable("author")
	authorID := AddColumn(author, "id", Int(), PrimaryKey())
	postID := AddColumn(post, "id", Int(), PrimaryKey())
	AddColumn(post, "author_id", Int(), References(authorID))
	AddColumn(comment, "post_id", Int(), References(postID, OnDelete(Cascade)))
	AddColumn(comment, "author_id", Int(), References(authorID))
	tag := md.NewTable("tag") // no foreign keys: keeps its place after its peers
	AddColumn(tag, "name", VarChar(20), PrimaryKey())

	checkStatements(t, compileAll(t, md.CreateAllDDL(), mysql80), []string{
		"CREATE TABLE `author` (`id` INT NOT NULL, PRIMARY KEY (`id`))",
		"CREATE TABLE `post` (`id` INT NOT NULL, `author_id` INT NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `fk_post_author_id` FOREIGN KEY (`author_id`) REFERENCES `author` (`id`))",
		"CREATE TABLE `comment` (`post_id` INT NOT NULL, `author_id` INT NOT NULL, CONSTRAINT `fk_comment_post_id` FOREIGN KEY (`post_id`) REFERENCES `post` (`id`) ON DELETE CASCADE, CONSTRAINT `fk_comment_author_id` FOREIGN KEY (`author_id`) REFERENCES `author` (`id`))",
		"CREATE TABLE `tag` (`name` VARCHAR(20) NOT NULL, PRIMARY KEY (`name`))",
	})
	checkStatements(t, compileAll(t, md.DropAllDDL(), mysql80), []string{
		"DROP TABLE `tag`",
		"DROP TABLE `comment`",
		"DROP TABLE `post`",
		"DROP TABLE `author`",
	})
	checkStatements(t, compileAll(t, md.CreateAllDDL(IfNotExists()), mysql80)[:1], []string{
		"CREATE TABLE IF NOT EXISTS `author` (`id` INT NOT NULL, PRIMARY KEY (`id`))",
	})
	checkStatements(t, compileAll(t, md.DropAllDDL(IfExists()), mysql80)[:1], []string{
		"DROP TABLE IF EXISTS `tag`",
	})
	var names []string
	for _, t := range md.SortedTables() {
		names = append(names, t.Name())
	}
	if strings.Join(names, ",") != "author,post,comment,tag" {
		t.Errorf("sorted %v", names)
	}
}

func TestCreateAllBreaksCycles(t *testing.T) {
	md := NewMetaData()
	dept := md.NewTable("dept")
	deptID := AddColumn(dept, "id", Int(), PrimaryKey())
	staff := md.NewTable("staff")
	staffID := AddColumn(staff, "id", Int(), PrimaryKey())
	AddColumn(staff, "dept_id", Int(), References(deptID))
	AddColumn(staff, "mentor_id", Int(), Nullable(), References(staffID)) // self-reference: inline
	AddColumn(dept, "head_id", Int(), Nullable(), References(staffID))    // closes the cycle
	office := md.NewTable("office")                                       // depends on the cycle
	AddColumn(office, "dept_id", Int(), References(deptID))

	checkStatements(t, compileAll(t, md.CreateAllDDL(), mysql80), []string{
		"CREATE TABLE `dept` (`id` INT NOT NULL, `head_id` INT NULL, PRIMARY KEY (`id`))",
		"CREATE TABLE `staff` (`id` INT NOT NULL, `dept_id` INT NOT NULL, `mentor_id` INT NULL, PRIMARY KEY (`id`), CONSTRAINT `fk_staff_mentor_id` FOREIGN KEY (`mentor_id`) REFERENCES `staff` (`id`))",
		"CREATE TABLE `office` (`dept_id` INT NOT NULL, CONSTRAINT `fk_office_dept_id` FOREIGN KEY (`dept_id`) REFERENCES `dept` (`id`))",
		"ALTER TABLE `dept` ADD CONSTRAINT `fk_dept_head_id` FOREIGN KEY (`head_id`) REFERENCES `staff` (`id`)",
		"ALTER TABLE `staff` ADD CONSTRAINT `fk_staff_dept_id` FOREIGN KEY (`dept_id`) REFERENCES `dept` (`id`)",
	})
	checkStatements(t, compileAll(t, md.DropAllDDL(), mysql80), []string{
		"ALTER TABLE `dept` DROP FOREIGN KEY `fk_dept_head_id`",
		"ALTER TABLE `staff` DROP FOREIGN KEY `fk_staff_dept_id`",
		"DROP TABLE `office`",
		"DROP TABLE `staff`",
		"DROP TABLE `dept`",
	})
	checkStatements(t, compileAll(t, md.CreateAllDDL(IfNotExists()), maria1011)[3:], []string{
		"ALTER TABLE `dept` ADD CONSTRAINT `fk_dept_head_id` FOREIGN KEY IF NOT EXISTS (`head_id`) REFERENCES `staff` (`id`)",
		"ALTER TABLE `staff` ADD CONSTRAINT `fk_staff_dept_id` FOREIGN KEY IF NOT EXISTS (`dept_id`) REFERENCES `dept` (`id`)",
	})
	checkStatements(t, compileAll(t, md.DropAllDDL(IfExists()), maria1011)[:2], []string{
		"ALTER TABLE IF EXISTS `dept` DROP FOREIGN KEY IF EXISTS `fk_dept_head_id`",
		"ALTER TABLE IF EXISTS `staff` DROP FOREIGN KEY IF EXISTS `fk_staff_dept_id`",
	})
	// MySQL cannot add or drop foreign keys conditionally.
	if _, err := CompileAll(mysql80, md.CreateAllDDL(IfNotExists())); err == nil || !strings.Contains(err.Error(), "ADD FOREIGN KEY IF NOT EXISTS is not supported by MySQL") {
		t.Errorf("got %v", err)
	}
	if _, err := CompileAll(mysql80, md.DropAllDDL(IfExists())); err == nil || !strings.Contains(err.Error(), "is not supported by MySQL") {
		t.Errorf("got %v", err)
	}
}

func TestTypeString(t *testing.T) {
	for _, tc := range []struct {
		typ  ColumnType
		want string
	}{
		{Unsigned(Int()), "INT UNSIGNED"},
		{VarChar(255), "VARCHAR(255)"},
		{Decimal(10, 2), "DECIMAL(10,2)"},
		{DateTime(6), "DATETIME(6)"},
		{Enum("a", "b'c"), "ENUM('a','b''c')"},
		{VarChar(-1), "<invalid type: sqlb: VARCHAR length -1 out of range 1-65535>"},
		{TypeAs[int8](Int()), "INT"},
		{Unsigned(Int()), "INT UNSIGNED"},
	} {
		if got := tc.typ.String(); got != tc.want {
			t.Errorf("got %q want %q", got, tc.want)
		}
	}
}

// The parts of the DDL that tools (code generation) build on.
func TestDDLParts(t *testing.T) {
	md := NewMetaData()
	tb := md.NewTable("parts")
	id := AddColumn(tb, "id", Unsigned(BigInt()), PrimaryKey(), AutoIncrement())
	name := AddColumn(tb, "name", VarChar(40), Default("it's"), Comment("who"))
	body := AddColumn(tb, "body", TextType(), Nullable())
	AddColumn(tb, "state", Enum("a", "b'c"))
	tb.AddIndex("ix_parts", name, Prefix(body, 10))

	for _, tc := range []struct {
		typ  ColumnType
		want TypeInfo
	}{
		{Unsigned(BigInt()), TypeInfo{Name: "BIGINT", Unsigned: true}},
		{Decimal(10, 2), TypeInfo{Name: "DECIMAL", Args: []int{10, 2}}},
		{DateTime(3), TypeInfo{Name: "DATETIME", Args: []int{3}}},
		{DateTime(0), TypeInfo{Name: "DATETIME"}},
		{Enum("a", "b'c"), TypeInfo{Name: "ENUM", Values: []string{"a", "b'c"}}},
		{CustomType[[]byte]("POINT SRID 4326"), TypeInfo{Name: "POINT SRID 4326"}},
	} {
		got, err := tc.typ.Info()
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: Info() = %+v, %v; want %+v", tc.typ, got, err, tc.want)
		}
	}
	if _, err := VarChar(0).Info(); err == nil || !strings.Contains(err.Error(), "VARCHAR length 0") {
		t.Errorf("Info of a bad type: %v", err)
	}

	for col, want := range map[AnyColumn]string{
		id:   "`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT",
		name: "`name` VARCHAR(40) NOT NULL DEFAULT 'it''s' COMMENT 'who'",
	} {
		if got, err := ColumnDDL(MariaDB(10, 11, 0), col); err != nil || got != want {
			t.Errorf("ColumnDDL(%s) = %q, %v; want %q", col.Name(), got, err, want)
		}
	}
	if _, err := ColumnDDL(MariaDB(10, 11, 0), Col[int64](Select(id).Subquery("s"), "id")); err == nil {
		t.Error("ColumnDDL of a derived table's column")
	}
	if got, err := ExprDDL(MariaDB(10, 11, 0), tb, Func[int64]("CHAR_LENGTH", name).Add(2)); err != nil || got != "CHAR_LENGTH(`name`) + 2" {
		t.Errorf("ExprDDL = %q, %v", got, err)
	}
	if _, err := ExprDDL(MariaDB(10, 11, 0), nil, name); err == nil {
		t.Error("ExprDDL with a nil table")
	}
	ix := tb.Indexes()[0]
	if got := ix.PrefixLengths(); !reflect.DeepEqual(got, []int{0, 10}) {
		t.Errorf("PrefixLengths = %v", got)
	}
}
