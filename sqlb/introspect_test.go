package sqlb

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/myxdb/myx/mysqltest"
)

// serverRoundTripSchema is roundTripSchema for the test server: without the GEOMETRY column
// on servers without spatial types, which then shows as a skipped subtest of t.
func serverRoundTripSchema(t *testing.T) *MetaData {
	t.Helper()
	info, err := mysqltest.ServerInfoFor(context.Background(), mysqltest.DSN())
	if err != nil {
		t.Fatal(err)
	}
	ok, why := mysqltest.SpatialTypes.Has(info)
	if !ok {
		t.Run("GEOMETRY", func(t *testing.T) { t.Skipf("needs %s: %s", mysqltest.SpatialTypes.Name, why) })
	}
	return roundTripSchemaWith(ok)
}

// roundTripSchema is metadata written the way Reflect describes a database: types by
// their constructors, only the defaults that matter, unique keys before indexes, foreign
// keys in name order. CreateAll then Reflect must give it back, statement for statement.
func roundTripSchema() *MetaData { return roundTripSchemaWith(true) }

// roundTripSchemaWith is roundTripSchema, with or without its GEOMETRY column.
func roundTripSchemaWith(spatial bool) *MetaData {
	md := NewMetaData()
	customer := md.NewTable("customer", TableComment("people who buy, it's true"))
	customerID := AddColumn(customer, "id", Unsigned(BigInt()), PrimaryKey(), AutoIncrement())
	AddColumn(customer, "email", VarChar(190), Unique())
	name := AddColumn(customer, "name", VarChar(100), Default("it's \"q\" \\ here\n"), Comment("display name"))
	AddColumn(customer, "nick", VarChar(10), Nullable(), Default("NULL"))
	AddColumn(customer, "active", Boolean(), Default(true))
	AddColumn(customer, "tiny", TinyInt(), Default(-1))
	AddColumn(customer, "small", Unsigned(SmallInt()))
	AddColumn(customer, "medium", MediumInt(), Nullable())
	AddColumn(customer, "balance", Decimal(12, 4), Default("0.0000"))
	AddColumn(customer, "ratio", Float(), Nullable())
	AddColumn(customer, "score", Double(), Default(1.5))
	AddColumn(customer, "code", Char(2), Charset("ascii"), Collate("ascii_bin"))
	AddColumn(customer, "bio", TextType(), Nullable())
	AddColumn(customer, "hash", Binary(16))
	AddColumn(customer, "token", VarBinary(64), Nullable())
	AddColumn(customer, "avatar", Blob(), Nullable())
	AddColumn(customer, "bits", Bit(8), Default(uint64(3)))
	AddColumn(customer, "born", Date(), Default(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)))
	AddColumn(customer, "created", DateTime(0), DefaultCurrentTimestamp())
	AddColumn(customer, "updated", Timestamp(3), DefaultCurrentTimestamp(), OnUpdateCurrentTimestamp())
	AddColumn(customer, "wait", Time(0), Default(90*time.Minute))
	AddColumn(customer, "precise", Time(6), Nullable())
	AddColumn(customer, "year", Year(), Nullable())
	AddColumn(customer, "doc", JSON(), Nullable())
	AddColumn(customer, "status", Enum("new", "o'k", `b\s`), Default("new"))
	AddColumn(customer, "tags", SetOf("a", "b"), Default("a,b"))
	AddColumn(customer, "uuid", Char(36), DefaultExpr(Text("uuid()")))
	AddColumn(customer, "name_len", Int(), Nullable(), Generated(Text("char_length(`name`)")))
	AddColumn(customer, "name_upper", VarChar(100), Nullable(), GeneratedStored(Text("ucase(`name`)")))
	if spatial {
		AddColumn(customer, "shape", CustomType[[]byte]("GEOMETRY"), Nullable())
	}
	customer.AddIndex("ix_customer_name", Prefix(name, 10))

	legacy := md.NewTable("legacy", DefaultCharset("latin1"), DefaultCollation("latin1_bin")) // TiDB (new collations) has no latin1_swedish_ci
	AddColumn(legacy, "code", VarChar(20), PrimaryKey())
	AddColumn(legacy, "label", VarChar(50), Charset("utf8mb4"), Collate("utf8mb4_bin"))

	orders := md.NewTable("orders")
	orderID := AddColumn(orders, "id", Unsigned(BigInt()), PrimaryKey(), AutoIncrement())
	AddColumn(orders, "customer_id", Unsigned(BigInt()), References(customerID, OnDelete(Cascade), ConstraintName("fk_orders_customer")))
	AddColumn(orders, "parent_id", Unsigned(BigInt()), Nullable(), References(orderID, OnDelete(SetNull), ConstraintName("fk_orders_parent")))
	placed := AddColumn(orders, "placed", DateTime(6), DefaultCurrentTimestamp())
	orders.AddIndex("ix_orders_placed", placed)

	line := md.NewTable("order_line")
	lineOrder := AddColumn(line, "order_id", Unsigned(BigInt()), PrimaryKey())
	lineNo := AddColumn(line, "line_no", Int(), PrimaryKey())
	AddColumn(line, "qty", Int(), Default(1))
	line.AddForeignKey([]AnyColumn{lineOrder}, []AnyColumn{orderID}, ConstraintName("fk_line_order"), OnDelete(Cascade), OnUpdate(Cascade))
	line.AddUniqueKey("uq_line", lineNo, lineOrder)

	// A cycle: each of a and b references the other.
	a := md.NewTable("cyc_a")
	aID := AddColumn(a, "id", Int(), PrimaryKey())
	aB := AddColumn(a, "b_id", Int(), Nullable())
	b := md.NewTable("cyc_b")
	bID := AddColumn(b, "id", Int(), PrimaryKey())
	AddColumn(b, "a_id", Int(), Nullable(), References(aID, ConstraintName("fk_b_a")))
	a.AddForeignKey([]AnyColumn{aB}, []AnyColumn{bID}, ConstraintName("fk_a_b"))
	return md
}

func TestReflectRoundTrip(t *testing.T) {
	t.Parallel()
	conn, ctx := testDB(t)
	orig := serverRoundTripSchema(t)
	if err := orig.Err(); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, ctx, conn, orig)
	got, err := Reflect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	d := DialectForServer(conn.ServerInfo())
	compareSchemas(t, d, orig, got)
	// The reflected metadata drops and creates the same schema.
	if err := got.DropAll(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if err := got.CreateAll(ctx, conn); err != nil {
		t.Fatal(err)
	}
	again, err := Reflect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	compareSchemas(t, d, orig, again)
}

// compareSchemas checks that two schemas have the same tables, with the same CREATE
// TABLE statements, and the same foreign keys.
func compareSchemas(t *testing.T, d Dialect, want, got *MetaData) {
	t.Helper()
	var wantNames, gotNames []string
	for _, tb := range want.SortedTables() {
		wantNames = append(wantNames, tb.Name())
	}
	for _, tb := range got.SortedTables() {
		gotNames = append(gotNames, tb.Name())
	}
	if strings.Join(sortedCopy(wantNames), ",") != strings.Join(sortedCopy(gotNames), ",") {
		t.Fatalf("tables %v, want %v", gotNames, wantNames)
	}
	for _, wt := range want.Tables() {
		gt := got.Table(wt.Name())
		w := mustCompile(t, CreateTable(wt), d)
		g := mustCompile(t, CreateTable(gt), d)
		if w.SQL != g.SQL {
			t.Errorf("table %s:\n got: %s\nwant: %s", wt.Name(), g.SQL, w.SQL)
		}
		if fkSummary(wt) != fkSummary(gt) {
			t.Errorf("foreign keys of %s:\n got: %s\nwant: %s", wt.Name(), fkSummary(gt), fkSummary(wt))
		}
		for _, wc := range wt.Columns() {
			gc := gt.Column(wc.Name())
			if gc.GoType() != wc.GoType() {
				t.Errorf("column %s.%s has Go type %s, want %s", wt.Name(), wc.Name(), gc.GoType(), wc.GoType())
			}
		}
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func fkSummary(t *Table) string {
	var parts []string
	for _, fk := range t.ForeignKeys() {
		var cols, refs []string
		for i := range fk.Columns {
			cols = append(cols, fk.Columns[i].Name())
			refs = append(refs, fk.References[i].Name())
		}
		parts = append(parts, fk.Name+"("+strings.Join(cols, ",")+")->"+fk.ReferencedTable().Name()+"("+strings.Join(refs, ",")+") "+fk.OnDelete.String()+"/"+fk.OnUpdate.String())
	}
	sortedParts := sortedCopy(parts)
	return strings.Join(sortedParts, "; ")
}

func TestReflectTablesAndDatabase(t *testing.T) {
	t.Parallel()
	conn, ctx := testDB(t)
	mustCreate(t, ctx, conn, serverRoundTripSchema(t))
	// Only order_line: the tables it references come along.
	md, err := Reflect(ctx, conn, ReflectTables("order_line"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range md.SortedTables() {
		names = append(names, tb.Name())
	}
	if want := []string{"customer", "orders", "order_line"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("tables %v, want %v", names, want)
	}
	if _, err := Reflect(ctx, conn, ReflectTables("nope")); err == nil || !strings.Contains(err.Error(), `no table "nope"`) {
		t.Fatalf("unknown table: %v", err)
	}
	// Another database than the session's: the tables are qualified with it.
	var current string
	rows, err := conn.Query(ctx, "SELECT DATABASE()")
	if err != nil {
		t.Fatal(err)
	}
	if err := scanOne(rows, &current); err != nil {
		t.Fatal(err)
	}
	other, octx := testDB(t)
	md, err = Reflect(octx, other, ReflectDatabase(current), ReflectTables("legacy"))
	if err != nil {
		t.Fatal(err)
	}
	if tb := md.Table("legacy"); tb == nil || tb.Options().Schema != current {
		t.Fatalf("legacy reflected from another database: %+v", tb)
	}
	if _, err := Reflect(octx, other, ReflectDatabase("sqlbt_no_such_database")); err == nil || !strings.Contains(err.Error(), "no database") {
		t.Fatalf("unknown database: %v", err)
	}
	// Typed access to reflected columns.
	md, err = Reflect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	email := Col[string](md.Table("customer"), "email")
	if _, err := Select(email).Compile(MariaDB(10, 11, 0)); err != nil {
		t.Fatal(err)
	}
}

// The MySQL side of reflection, which the test server cannot show: raw COLUMN_DEFAULT
// values, DEFAULT_GENERATED expressions, JSON as a type, display widths gone.
func TestReflectMySQLCatalog(t *testing.T) {
	str := func(s string) *string { return &s }
	cat := &catalog{
		database:  "shop",
		collation: "utf8mb4_0900_ai_ci",
		engine:    "InnoDB",
		tables:    []catTable{{TableName: "item", Engine: str("InnoDB"), TableCollation: str("utf8mb4_0900_ai_ci")}},
		columns: []catColumn{
			{TableName: "item", ColumnName: "id", IsNullable: "NO", DataType: "int", ColumnType: "int unsigned", Extra: "auto_increment"},
			{TableName: "item", ColumnName: "flag", IsNullable: "NO", DataType: "tinyint", ColumnType: "tinyint(1)", ColumnDefault: str("1")},
			{TableName: "item", ColumnName: "name", IsNullable: "NO", DataType: "varchar", ColumnType: "varchar(20)", ColumnDefault: str(`it's \ raw`),
				CharacterSetName: str("utf8mb4"), CollationName: str("utf8mb4_0900_ai_ci")},
			{TableName: "item", ColumnName: "price", IsNullable: "NO", DataType: "decimal", ColumnType: "decimal(10,2)", ColumnDefault: str("0.00")},
			{TableName: "item", ColumnName: "doc", IsNullable: "YES", DataType: "json", ColumnType: "json"},
			{TableName: "item", ColumnName: "bits", IsNullable: "NO", DataType: "bit", ColumnType: "bit(4)", ColumnDefault: str("b'101'")},
			{TableName: "item", ColumnName: "raw", IsNullable: "NO", DataType: "varbinary", ColumnType: "varbinary(4)", ColumnDefault: str("0x6162")},
			{TableName: "item", ColumnName: "uid", IsNullable: "NO", DataType: "char", ColumnType: "char(36)", ColumnDefault: str("uuid()"), Extra: "DEFAULT_GENERATED",
				CharacterSetName: str("utf8mb4"), CollationName: str("utf8mb4_0900_ai_ci")},
			{TableName: "item", ColumnName: "at", IsNullable: "NO", DataType: "datetime", ColumnType: "datetime(3)", ColumnDefault: str("CURRENT_TIMESTAMP(3)"),
				Extra: "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)"},
			{TableName: "item", ColumnName: "twice", IsNullable: "YES", DataType: "int", ColumnType: "int", Extra: "VIRTUAL GENERATED", GenerationExpression: str("(`id` * 2)")},
			{TableName: "item", ColumnName: "z", IsNullable: "NO", DataType: "int", ColumnType: "int(5) unsigned zerofill"},
			{TableName: "item", ColumnName: "note", IsNullable: "YES", DataType: "text", ColumnType: "text", ColumnDefault: str(`_utf8mb4\'it\'\'s \\ ok\'`), Extra: "DEFAULT_GENERATED"},
			{TableName: "item", ColumnName: "full", IsNullable: "YES", DataType: "varchar", ColumnType: "varchar(50)", Extra: "STORED GENERATED",
				GenerationExpression: str("concat(`name`,_utf8mb4\\' \\')"), CharacterSetName: str("utf8mb4"), CollationName: str("utf8mb4_0900_ai_ci")},
		},
		indexes: []catIndexPart{{TableName: "item", IndexName: "PRIMARY", NonUnique: 0, SeqInIndex: 1, ColumnName: str("id"), IndexType: "BTREE"}},
	}
	md, err := buildMetaData(MySQL(8, 0, 36), cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := mustCompile(t, CreateTable(md.Table("item")), MySQL(8, 0, 36)).SQL
	want := "CREATE TABLE `item` (`id` INT UNSIGNED NOT NULL AUTO_INCREMENT, `flag` BOOLEAN NOT NULL DEFAULT TRUE, " +
		"`name` VARCHAR(20) NOT NULL DEFAULT 'it''s \\\\ raw', `price` DECIMAL(10,2) NOT NULL DEFAULT '0.00', `doc` JSON NULL, " +
		"`bits` BIT(4) NOT NULL DEFAULT 5, `raw` VARBINARY(4) NOT NULL DEFAULT X'6162', `uid` CHAR(36) NOT NULL DEFAULT (uuid()), " +
		"`at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), " +
		"`twice` INT GENERATED ALWAYS AS ((`id` * 2)) VIRTUAL NULL, `z` INT(5) UNSIGNED ZEROFILL NOT NULL, " +
		"`note` TEXT NULL DEFAULT (_utf8mb4'it''s \\ ok'), `full` VARCHAR(50) GENERATED ALWAYS AS (concat(`name`,_utf8mb4' ')) STORED NULL, PRIMARY KEY (`id`))"
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	if g := md.Table("item").Column("z").GoType(); g != "uint64" {
		t.Fatalf("zerofill column Go type %s", g)
	}
}
