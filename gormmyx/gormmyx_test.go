package gormmyx_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/schema"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/gormmyx"
	"github.com/myxdb/myx/mysqltest"
)

// Company has many Employees.
type Company struct {
	gorm.Model
	Name      string `gorm:"size:100;uniqueIndex"`
	Employees []Employee
}

// Employee belongs to a Company and speaks many Languages.
type Employee struct {
	gorm.Model
	Name      string `gorm:"size:100"`
	Age       int    `gorm:"check:age >= 0"`
	Hired     time.Time
	CompanyID uint
	Company   Company
	Languages []Language `gorm:"many2many:employee_languages"`
}

// Language is on the other side of the many-to-many association.
type Language struct {
	gorm.Model
	Code string `gorm:"size:10;uniqueIndex"`
}

// withParam appends a parameter to a DSN of either form.
func withParam(dsn, param string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + param
	}
	return dsn + "?" + param
}

// uniquePrefix returns a table-name prefix no other test run uses.
func uniquePrefix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "gormmyx_" + hex.EncodeToString(b) + "_"
}

// open opens GORM on the test server with error translation and tables named with a prefix
// of this test's own, migrates the models and drops the tables when the test ends.
func open(t *testing.T, translate bool) *gorm.DB {
	t.Helper()
	dsn := withParam(mysqltest.Require(t), "parseTime=true")
	db, err := gorm.Open(gormmyx.Open(dsn), &gorm.Config{
		TranslateError: translate,
		NamingStrategy: schema.NamingStrategy{TablePrefix: uniquePrefix(t)},
		Logger:         logger.Discard,
	})
	if err != nil {
		t.Fatalf("gorm.Open: %v", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	models := []any{&Company{}, &Language{}, &Employee{}}
	t.Cleanup(func() {
		// The join table first, then the tables in reverse foreign-key order.
		if err := db.Migrator().DropTable(db.NamingStrategy.JoinTableName("employee_languages")); err != nil {
			t.Errorf("dropping the join table: %v", err)
		}
		for i := len(models) - 1; i >= 0; i-- {
			if err := db.Migrator().DropTable(models[i]); err != nil {
				t.Errorf("dropping %T: %v", models[i], err)
			}
		}
		sqlDB.Close()
	})
	if err := db.AutoMigrate(models...); err != nil {
		t.Fatalf("AutoMigrate: %v", err)
	}
	return db
}

func TestAutoMigrate(t *testing.T) {
	db := open(t, true)
	m := db.Migrator()
	for _, model := range []any{&Company{}, &Employee{}, &Language{}, db.NamingStrategy.JoinTableName("employee_languages")} {
		if !m.HasTable(model) {
			t.Errorf("HasTable(%v) = false after AutoMigrate", model)
		}
	}
	if !m.HasIndex(&Company{}, "Name") {
		t.Error("the unique index on companies.name is missing")
	}
	if !m.HasConstraint(&Company{}, "Employees") {
		t.Error("the foreign key from employees to companies is missing")
	}
	cols, err := m.ColumnTypes(&Employee{})
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]string{}
	for _, c := range cols {
		types[c.Name()] = strings.ToLower(c.DatabaseTypeName())
	}
	// gorm.Model's ID is a uint: BIGINT UNSIGNED.
	for col, want := range map[string]string{"id": "bigint", "name": "varchar", "age": "bigint", "hired": "datetime", "deleted_at": "datetime"} {
		if got := types[col]; !strings.Contains(got, want) {
			t.Errorf("column %s has type %q, want %s", col, got, want)
		}
	}
	// A second AutoMigrate on an up-to-date schema changes nothing and succeeds.
	if err := db.AutoMigrate(&Company{}, &Language{}, &Employee{}); err != nil {
		t.Fatalf("second AutoMigrate: %v", err)
	}
	// The migrator reports the server's errors.
	if err := m.AddColumn(&Company{}, "DeletedAt"); err == nil {
		t.Error("adding an existing column succeeded")
	}
}

func TestCRUD(t *testing.T) {
	db := open(t, true)
	hired := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	acme := Company{Name: "acme"}
	if err := db.Create(&acme).Error; err != nil {
		t.Fatalf("Create: %v", err)
	}
	if acme.ID == 0 {
		t.Fatal("Create did not set the auto-increment ID")
	}
	if acme.CreatedAt.IsZero() {
		t.Error("Create did not set CreatedAt")
	}
	emps := []Employee{
		{Name: "li", Age: 30, Hired: hired, CompanyID: acme.ID},
		{Name: "wang", Age: 40, Hired: hired.Add(time.Hour), CompanyID: acme.ID},
		{Name: "zhao", Age: 50, Hired: hired.Add(2 * time.Hour), CompanyID: acme.ID},
	}
	if err := db.Create(&emps).Error; err != nil {
		t.Fatalf("batch Create: %v", err)
	}
	for i, e := range emps {
		if e.ID == 0 || (i > 0 && e.ID <= emps[i-1].ID) {
			t.Fatalf("batch Create gave IDs %d, %d, %d", emps[0].ID, emps[1].ID, emps[2].ID)
		}
	}

	var got Employee
	if err := db.First(&got, emps[1].ID).Error; err != nil {
		t.Fatalf("First: %v", err)
	}
	if got.Name != "wang" || got.Age != 40 || !got.Hired.Equal(hired.Add(time.Hour)) || got.CompanyID != acme.ID {
		t.Errorf("First read back %+v", got)
	}
	if got.Hired.Location() != time.UTC {
		t.Errorf("Hired is in %v, want UTC (the DSN's loc)", got.Hired.Location())
	}

	var older []Employee
	if err := db.Where("age > ?", 35).Order("age").Find(&older).Error; err != nil {
		t.Fatal(err)
	}
	if len(older) != 2 || older[0].Name != "wang" || older[1].Name != "zhao" {
		t.Errorf("Where age > 35: %+v", older)
	}

	var n int64
	if err := db.Model(&Employee{}).Where("company_id = ?", acme.ID).Count(&n).Error; err != nil || n != 3 {
		t.Errorf("Count = %d, %v; want 3", n, err)
	}

	res := db.Model(&Employee{}).Where("age >= ?", 40).Update("age", gorm.Expr("age + ?", 1))
	if res.Error != nil || res.RowsAffected != 2 {
		t.Errorf("Update: %d rows, %v; want 2", res.RowsAffected, res.Error)
	}
	got.Name = "wang2"
	if err := db.Save(&got).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&got).Updates(map[string]any{"age": 99}).Error; err != nil {
		t.Fatal(err)
	}
	var reread Employee
	if err := db.First(&reread, got.ID).Error; err != nil || reread.Name != "wang2" || reread.Age != 99 {
		t.Errorf("after Save and Updates: %+v, %v", reread, err)
	}

	// Soft delete: gone for normal queries, still there Unscoped.
	if err := db.Delete(&emps[0]).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.First(&Employee{}, emps[0].ID).Error; !errors.Is(err, gorm.ErrRecordNotFound) {
		t.Errorf("First after soft delete: %v, want gorm.ErrRecordNotFound", err)
	}
	var soft Employee
	if err := db.Unscoped().First(&soft, emps[0].ID).Error; err != nil || !soft.DeletedAt.Valid {
		t.Errorf("Unscoped First after soft delete: %+v, %v", soft.DeletedAt, err)
	}
	if res := db.Unscoped().Delete(&Employee{}, emps[0].ID); res.Error != nil || res.RowsAffected != 1 {
		t.Errorf("hard delete: %d rows, %v", res.RowsAffected, res.Error)
	}
	if err := db.Unscoped().First(&Employee{}, emps[0].ID).Error; !errors.Is(err, gorm.ErrRecordNotFound) {
		t.Errorf("Unscoped First after hard delete: %v, want gorm.ErrRecordNotFound", err)
	}

	// Raw SQL, and Scan into a struct.
	var agg struct {
		Total  int64
		Oldest int
	}
	if err := db.Raw("SELECT COUNT(*) AS total, MAX(age) AS oldest FROM ? WHERE deleted_at IS NULL",
		gorm.Expr(db.NamingStrategy.TableName("Employee"))).Scan(&agg).Error; err != nil {
		t.Fatal(err)
	}
	if agg.Total != 2 || agg.Oldest != 99 {
		t.Errorf("Raw Scan: %+v, want {2 99}", agg)
	}
}

// TestMapValues scans rows into maps and into any, where GORM hands on the driver's own
// values or the column's ScanType: the same GORM calls through go-sql-driver (on the same
// tables) must give the same Go types and values.
func TestMapValues(t *testing.T) {
	db := open(t, true)
	c := Company{Name: "maps"}
	if err := db.Create(&c).Error; err != nil {
		t.Fatal(err)
	}
	cfg, err := myx.ParseConfig(mysqltest.Require(t))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := gorm.Open(mysql.Open(goSQLDriverDSN(cfg)+"?parseTime=true"), &gorm.Config{
		NamingStrategy: db.NamingStrategy, Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if refDB, err := ref.DB(); err == nil {
		defer refDB.Close()
	}
	table := db.NamingStrategy.TableName("Company")
	type result struct {
		types, values string
	}
	run := func(db *gorm.DB) map[string]result {
		out := map[string]result{}
		record := func(name string, m map[string]any, err error) {
			if err != nil {
				out[name] = result{types: "error " + err.Error()}
				return
			}
			var ts, vs []string
			for _, col := range []string{"id", "created_at", "deleted_at", "name"} {
				ts = append(ts, fmt.Sprintf("%s:%T", col, m[col]))
				vs = append(vs, fmt.Sprintf("%s:%v", col, m[col]))
			}
			out[name] = result{strings.Join(ts, " "), strings.Join(vs, " ")}
		}
		var rows []map[string]any
		err := db.Model(&Company{}).Where("id = ?", c.ID).Find(&rows).Error
		if err == nil && len(rows) != 1 {
			err = fmt.Errorf("%d rows", len(rows))
		}
		var m map[string]any
		if err == nil {
			m = rows[0]
		}
		record("Model.Find(maps)", m, err)

		rows = nil
		err = db.Table(table).Where("id = ?", c.ID).Find(&rows).Error
		if err == nil && len(rows) != 1 {
			err = fmt.Errorf("%d rows", len(rows))
		}
		if err == nil {
			m = rows[0]
		}
		record("Table.Find(maps)", m, err)

		m = map[string]any{}
		err = db.Raw("SELECT id, created_at, deleted_at, name FROM "+table+" WHERE id = ?", c.ID).Scan(&m).Error
		record("Raw.Scan(map)", m, err)

		var id, createdAt, deletedAt, name any
		err = db.Raw("SELECT id, created_at, deleted_at, name FROM "+table+" WHERE id = ?", c.ID).
			Row().Scan(&id, &createdAt, &deletedAt, &name)
		record("Row.Scan(any)", map[string]any{"id": id, "created_at": createdAt, "deleted_at": deletedAt, "name": name}, err)
		return out
	}
	want, got := run(ref), run(db)
	for name, w := range want {
		g := got[name]
		if g.types != w.types {
			t.Errorf("%s: Go types differ\n go-sql-driver: %s\n myx:           %s", name, w.types, g.types)
		} else if g.values != w.values {
			t.Errorf("%s: values differ\n go-sql-driver: %s\n myx:           %s", name, w.values, g.values)
		}
	}
}

// goSQLDriverDSN returns cfg's server, user and database in go-sql-driver's DSN form, without
// parameters.
func goSQLDriverDSN(cfg *myx.Config) string {
	dsn := cfg.User
	if cfg.Password != "" {
		dsn += ":" + cfg.Password
	}
	return dsn + "@" + cfg.Network + "(" + cfg.Addr + ")/" + cfg.Database
}

func TestAssociations(t *testing.T) {
	db := open(t, true)
	en, fr, zh := Language{Code: "en"}, Language{Code: "fr"}, Language{Code: "zh"}
	acme := Company{Name: "acme", Employees: []Employee{
		{Name: "li", Age: 30, Languages: []Language{en, zh}},
		{Name: "marie", Age: 31, Languages: []Language{en, fr}},
	}}
	// Creating the company creates its employees (has-many) and their languages (many2many)
	// with the join rows; the languages shared by two employees are created once.
	if err := db.Create(&acme).Error; err != nil {
		t.Fatalf("Create with associations: %v", err)
	}
	var nLang int64
	if err := db.Model(&Language{}).Count(&nLang).Error; err != nil || nLang != 3 {
		t.Errorf("%d languages, %v; want 3", nLang, err)
	}

	// has-many, preloaded.
	var c Company
	if err := db.Preload("Employees", func(db *gorm.DB) *gorm.DB { return db.Order("name") }).First(&c, acme.ID).Error; err != nil {
		t.Fatal(err)
	}
	if len(c.Employees) != 2 || c.Employees[0].Name != "li" || c.Employees[1].Name != "marie" {
		t.Errorf("Preload Employees: %+v", c.Employees)
	}

	// belongs-to, preloaded and joined.
	var e Employee
	if err := db.Preload("Company").Where("name = ?", "marie").First(&e).Error; err != nil {
		t.Fatal(err)
	}
	if e.Company.ID != acme.ID || e.Company.Name != "acme" {
		t.Errorf("Preload Company: %+v", e.Company)
	}
	var joined Employee
	if err := db.Joins("Company").Where("`Company`.`name` = ?", "acme").Where(map[string]any{"age": 30}).First(&joined).Error; err != nil {
		t.Fatal(err)
	}
	if joined.Name != "li" || joined.Company.Name != "acme" {
		t.Errorf("Joins Company: %s of %q", joined.Name, joined.Company.Name)
	}

	// many2many, preloaded, counted, appended, deleted, replaced.
	var li Employee
	if err := db.Preload("Languages", func(db *gorm.DB) *gorm.DB { return db.Order("code") }).Where("name = ?", "li").First(&li).Error; err != nil {
		t.Fatal(err)
	}
	if codes := languageCodes(li.Languages); codes != "en,zh" {
		t.Errorf("li speaks %s, want en,zh", codes)
	}
	assoc := db.Model(&li).Association("Languages")
	if n := assoc.Count(); n != 2 {
		t.Errorf("Association Count = %d, want 2", n)
	}
	var french Language
	if err := db.Where("code = ?", "fr").First(&french).Error; err != nil {
		t.Fatal(err)
	}
	if err := assoc.Append(&french); err != nil {
		t.Fatal(err)
	}
	if n := db.Model(&li).Association("Languages").Count(); n != 3 {
		t.Errorf("after Append: Count = %d, want 3", n)
	}
	if err := db.Model(&li).Association("Languages").Delete(&french); err != nil {
		t.Fatal(err)
	}
	var langs []Language
	if err := db.Model(&li).Order("code").Association("Languages").Find(&langs); err != nil {
		t.Fatal(err)
	}
	if codes := languageCodes(langs); codes != "en,zh" {
		t.Errorf("after Delete li speaks %s, want en,zh", codes)
	}
	if err := db.Model(&li).Association("Languages").Replace([]Language{french}); err != nil {
		t.Fatal(err)
	}
	langs = nil
	if err := db.Model(&li).Association("Languages").Find(&langs); err != nil || languageCodes(langs) != "fr" {
		t.Errorf("after Replace li speaks %s (%v), want fr", languageCodes(langs), err)
	}

	// Employees of the company through the has-many association.
	var staff []Employee
	if err := db.Model(&acme).Order("name").Association("Employees").Find(&staff); err != nil || len(staff) != 2 {
		t.Errorf("Association Employees: %d, %v", len(staff), err)
	}
}

func languageCodes(ls []Language) string {
	codes := make([]string, len(ls))
	for i, l := range ls {
		codes[i] = l.Code
	}
	return strings.Join(codes, ",")
}

func TestTransactions(t *testing.T) {
	db := open(t, true)
	count := func(name string) int64 {
		t.Helper()
		var n int64
		if err := db.Model(&Company{}).Where("name = ?", name).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Commit.
	err := db.Transaction(func(tx *gorm.DB) error {
		return tx.Create(&Company{Name: "committed"}).Error
	})
	if err != nil || count("committed") != 1 {
		t.Errorf("committed transaction: %v, %d rows", err, count("committed"))
	}

	// Rollback on error; the error comes back as it was.
	errBoom := errors.New("boom")
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&Company{Name: "rolled back"}).Error; err != nil {
			return err
		}
		if n := func() int64 {
			var n int64
			tx.Model(&Company{}).Where("name = ?", "rolled back").Count(&n)
			return n
		}(); n != 1 {
			t.Errorf("inside the transaction the row is seen %d times", n)
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) || count("rolled back") != 0 {
		t.Errorf("rolled-back transaction: %v, %d rows", err, count("rolled back"))
	}

	// Nested transactions are savepoints: the inner one rolls back alone.
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&Company{Name: "outer"}).Error; err != nil {
			return err
		}
		inner := tx.Transaction(func(tx2 *gorm.DB) error {
			if err := tx2.Create(&Company{Name: "inner"}).Error; err != nil {
				return err
			}
			return errBoom
		})
		if !errors.Is(inner, errBoom) {
			t.Errorf("inner transaction: %v", inner)
		}
		return nil
	})
	if err != nil || count("outer") != 1 || count("inner") != 0 {
		t.Errorf("nested: %v, outer %d, inner %d; want 1, 0", err, count("outer"), count("inner"))
	}

	// Manual Begin, SavePoint, RollbackTo, Commit.
	tx := db.Begin()
	if tx.Error != nil {
		t.Fatal(tx.Error)
	}
	tx.Create(&Company{Name: "manual"})
	tx.SavePoint("sp1")
	tx.Create(&Company{Name: "after savepoint"})
	tx.RollbackTo("sp1")
	if err := tx.Commit().Error; err != nil {
		t.Fatal(err)
	}
	if count("manual") != 1 || count("after savepoint") != 0 {
		t.Errorf("savepoint: manual %d, after savepoint %d; want 1, 0", count("manual"), count("after savepoint"))
	}

	// Manual Rollback.
	tx = db.Begin()
	tx.Create(&Company{Name: "manual rollback"})
	if err := tx.Rollback().Error; err != nil {
		t.Fatal(err)
	}
	if count("manual rollback") != 0 {
		t.Error("a rolled-back row is visible")
	}

	// A translated error inside a transaction rolls it back.
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&Company{Name: "dup in tx"}).Error; err != nil {
			return err
		}
		return tx.Create(&Company{Name: "committed"}).Error
	})
	if !errors.Is(err, gorm.ErrDuplicatedKey) || count("dup in tx") != 0 {
		t.Errorf("duplicate in a transaction: %v, %d rows", err, count("dup in tx"))
	}
}

func TestTranslatedErrors(t *testing.T) {
	db := open(t, true)
	acme := Company{Name: "acme"}
	if err := db.Create(&acme).Error; err != nil {
		t.Fatal(err)
	}

	// 1062: duplicate entry on the unique index.
	err := db.Create(&Company{Name: "acme"}).Error
	if err != gorm.ErrDuplicatedKey {
		t.Errorf("duplicate key: %v (%T), want gorm.ErrDuplicatedKey", err, err)
	}

	// 1452: a child row whose parent does not exist.
	err = db.Create(&Employee{Name: "orphan", CompanyID: acme.ID + 1000}).Error
	if err != gorm.ErrForeignKeyViolated {
		t.Errorf("missing parent: %v (%T), want gorm.ErrForeignKeyViolated", err, err)
	}

	// 1451: deleting a parent that still has children.
	if err := db.Create(&Employee{Name: "li", CompanyID: acme.ID}).Error; err != nil {
		t.Fatal(err)
	}
	err = db.Unscoped().Delete(&Company{}, acme.ID).Error
	if err != gorm.ErrForeignKeyViolated {
		t.Errorf("deleting a referenced parent: %v (%T), want gorm.ErrForeignKeyViolated", err, err)
	}

	// 4025 (MariaDB) or 3819 (MySQL): a CHECK constraint.
	err = db.Create(&Employee{Name: "negative", Age: -1, CompanyID: acme.ID}).Error
	if err != gorm.ErrCheckConstraintViolated {
		t.Errorf("check constraint: %v (%T), want gorm.ErrCheckConstraintViolated", err, err)
	}

	// Other server errors stay myx's.
	err = db.Exec("SELECT * FROM gormmyx_no_such_table").Error
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != 1146 {
		t.Errorf("missing table: %v (%T), want *myx.MySQLError 1146", err, err)
	}

	// Not found is GORM's own.
	if err := db.First(&Company{}, acme.ID+1000).Error; !errors.Is(err, gorm.ErrRecordNotFound) {
		t.Errorf("First of a missing row: %v", err)
	}
}

// TestUntranslatedErrors checks that without TranslateError GORM hands on myx's error.
func TestUntranslatedErrors(t *testing.T) {
	db := open(t, false)
	if err := db.Create(&Company{Name: "acme"}).Error; err != nil {
		t.Fatal(err)
	}
	err := db.Create(&Company{Name: "acme"}).Error
	var me *myx.MySQLError
	if !errors.As(err, &me) || me.Number != 1062 {
		t.Errorf("duplicate key without TranslateError: %v (%T), want *myx.MySQLError 1062", err, err)
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		t.Error("translated although TranslateError is off")
	}
}

// TestCanceled checks that a statement stopped by its context reports the context's error.
func TestCanceled(t *testing.T) {
	db := open(t, true)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := db.WithContext(ctx).Create(&Company{Name: "canceled"}).Error
	if !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: %v, want context.Canceled", err)
	}
	var n int64
	if err := db.Model(&Company{}).Where("name = ?", "canceled").Count(&n).Error; err != nil || n != 0 {
		t.Errorf("after a canceled Create: %d rows, %v", n, err)
	}
}

func TestTranslate(t *testing.T) {
	d := gormmyx.Open("root@tcp(127.0.0.1:3306)/test").(gorm.ErrorTranslator)
	other := errors.New("other")
	cases := []struct {
		name string
		in   error
		want error
	}{
		{"1062", &myx.MySQLError{Number: 1062, SQLState: "23000"}, gorm.ErrDuplicatedKey},
		{"1586", &myx.MySQLError{Number: 1586}, gorm.ErrDuplicatedKey},
		{"1451", &myx.MySQLError{Number: 1451}, gorm.ErrForeignKeyViolated},
		{"1452", &myx.MySQLError{Number: 1452}, gorm.ErrForeignKeyViolated},
		{"1216", &myx.MySQLError{Number: 1216}, gorm.ErrForeignKeyViolated},
		{"1217", &myx.MySQLError{Number: 1217}, gorm.ErrForeignKeyViolated},
		{"3819", &myx.MySQLError{Number: 3819}, gorm.ErrCheckConstraintViolated},
		{"4025", &myx.MySQLError{Number: 4025}, gorm.ErrCheckConstraintViolated},
		{"wrapped 1062", fmt.Errorf("exec: %w", &myx.MySQLError{Number: 1062}), gorm.ErrDuplicatedKey},
		{"go-sql-driver 1062", &gomysql.MySQLError{Number: 1062}, gorm.ErrDuplicatedKey},
		{"go-sql-driver 1452", &gomysql.MySQLError{Number: 1452}, gorm.ErrForeignKeyViolated},
		{"canceled", context.Canceled, context.Canceled},
		{"other", other, other},
		{"nil", nil, nil},
	}
	for _, c := range cases {
		if got := d.Translate(c.in); got != c.want {
			t.Errorf("%s: Translate(%v) = %v, want %v", c.name, c.in, got, c.want)
		}
	}
	// Untranslated server errors come back as they were.
	e := &myx.MySQLError{Number: 1146}
	if got := d.Translate(e); got != error(e) {
		t.Errorf("Translate(1146) = %v, want the same error", got)
	}
}

// TestOpenForms opens GORM with both DSN forms, with OpenConfig and with New.
func TestOpenForms(t *testing.T) {
	dsn := mysqltest.Require(t)
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	urlDSN := "mysql://" + cfg.User
	if cfg.Password != "" {
		urlDSN += ":" + cfg.Password
	}
	urlDSN += "@" + cfg.Addr + "/" + cfg.Database
	driverDSN := goSQLDriverDSN(cfg)
	if cfg.Network == "unix" {
		urlDSN = "mysql://" + cfg.User + "@unix(" + cfg.Addr + ")/" + cfg.Database
	}
	dialectors := map[string]gorm.Dialector{
		"url":        gormmyx.Open(urlDSN),
		"driver":     gormmyx.Open(driverDSN),
		"OpenConfig": gormmyx.OpenConfig(cfg),
		"New":        gormmyx.New(mysql.Config{DSN: dsn, DefaultStringSize: 200}),
	}
	for name, d := range dialectors {
		db, err := gorm.Open(d, &gorm.Config{Logger: logger.Discard})
		if err != nil {
			t.Errorf("%s: gorm.Open: %v", name, err)
			continue
		}
		var one int
		if err := db.Raw("SELECT 1").Scan(&one).Error; err != nil || one != 1 {
			t.Errorf("%s: SELECT 1 = %d, %v", name, one, err)
		}
		if db.Dialector.Name() != "mysql" {
			t.Errorf("%s: Name() = %q, want mysql", name, db.Dialector.Name())
		}
		sqlDB, _ := db.DB()
		sqlDB.Close()
	}

	// A malformed DSN fails at gorm.Open with myx's error.
	_, err = gorm.Open(gormmyx.Open("mysql://root@127.0.0.1:3306/test?tls=bogus"), &gorm.Config{Logger: logger.Discard})
	var ce *myx.ConfigError
	if !errors.As(err, &ce) {
		t.Errorf("malformed DSN: %v (%T), want *myx.ConfigError", err, err)
	}
}
