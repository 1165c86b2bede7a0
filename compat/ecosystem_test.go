package compat_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/mysqldialect"
)

// The libraries README's database/sql section shows, each run on both drivers with the
// snippet README gives.

func init() {
	// README: sqlx does not know the name "myx"; tell it myx uses ? placeholders.
	sqlx.BindDriver("myx", sqlx.QUESTION)
}

func TestSqlx(t *testing.T) {
	base := baseDSN(t)
	for _, drv := range drivers {
		t.Run(drv, func(t *testing.T) {
			tb := table("sqlx_" + drv)
			dropAfter(t, tb)
			db, err := sqlx.Connect(drv, withParams(base, "parseTime=true"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if got := db.BindNamed; got == nil {
				t.Fatal("no BindNamed")
			}
			if bt := sqlx.BindType(drv); bt != sqlx.QUESTION {
				t.Fatalf("sqlx.BindType(%q) = %d, want QUESTION", drv, bt)
			}
			db.MustExec("CREATE TABLE " + tb + " (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), born DATETIME, score DOUBLE NULL)")
			type person struct {
				ID    int             `db:"id"`
				Name  string          `db:"name"`
				Born  time.Time       `db:"born"`
				Score sql.NullFloat64 `db:"score"`
			}
			born := time.Date(1990, 5, 6, 7, 8, 9, 0, time.UTC)
			_, err = db.NamedExec("INSERT INTO "+tb+" (name, born, score) VALUES (:name, :born, :score)",
				[]person{{Name: "li", Born: born}, {Name: "wang", Born: born, Score: sql.NullFloat64{Float64: 1.5, Valid: true}}})
			if err != nil {
				t.Fatalf("NamedExec: %v", err)
			}
			var people []person
			if err := db.Select(&people, "SELECT * FROM "+tb+" ORDER BY id"); err != nil {
				t.Fatal(err)
			}
			if len(people) != 2 || people[0].Name != "li" || !people[1].Born.Equal(born) || people[0].Score.Valid || people[1].Score.Float64 != 1.5 {
				t.Errorf("Select: %+v", people)
			}
			q, args, err := sqlx.In("SELECT name FROM "+tb+" WHERE id IN (?) ORDER BY id", []int{people[0].ID, people[1].ID})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			if err := db.Select(&names, db.Rebind(q), args...); err != nil || fmt.Sprint(names) != "[li wang]" {
				t.Errorf("sqlx.In: %v, %v", names, err)
			}
			var p person
			rows, err := db.NamedQuery("SELECT * FROM "+tb+" WHERE name = :name", map[string]any{"name": "wang"})
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				if err := rows.StructScan(&p); err != nil {
					t.Fatal(err)
				}
			}
			rows.Close()
			if p.Name != "wang" {
				t.Errorf("NamedQuery: %+v", p)
			}
			var m = map[string]any{}
			if err := db.QueryRowx("SELECT id, name FROM "+tb+" WHERE id = ?", people[0].ID).MapScan(m); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%T %s", m["id"], m["name"]) != "int64 li" {
				t.Errorf("MapScan: %T %v", m["id"], m)
			}
			tx := db.MustBegin()
			tx.MustExec("UPDATE "+tb+" SET score = ? WHERE id = ?", 2.5, people[0].ID)
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			var score sql.NullFloat64
			if err := db.Get(&score, "SELECT score FROM "+tb+" WHERE id = ?", people[0].ID); err != nil || score.Valid {
				t.Errorf("after rollback: %+v, %v", score, err)
			}
		})
	}
}

func TestGoose(t *testing.T) {
	base := baseDSN(t)
	for _, drv := range drivers {
		t.Run(drv, func(t *testing.T) {
			users, versions := table("goose_users_"+drv), table("goose_db_version_"+drv)
			dropAfter(t, users, versions)
			migrations := fstest.MapFS{
				"00001_users.sql": {Data: []byte(`-- +goose Up
CREATE TABLE ` + users + ` (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL);
INSERT INTO ` + users + ` (name) VALUES ('root');

-- +goose Down
DROP TABLE ` + users + `;
`)},
				"00002_email.sql": {Data: []byte(`-- +goose Up
-- +goose StatementBegin
ALTER TABLE ` + users + ` ADD COLUMN email VARCHAR(50);
-- +goose StatementEnd

-- +goose Down
ALTER TABLE ` + users + ` DROP COLUMN email;
`)},
			}
			// README: open the database with myx (parseTime=true: goose scans its version table's
			// timestamps into time.Time), hand it to goose with the MySQL dialect.
			db, err := sql.Open(drv, withParams(base, "parseTime=true"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			p, err := goose.NewProvider(goose.DialectMySQL, db, migrations, goose.WithTableName(versions), goose.WithDisableGlobalRegistry(true))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if res, err := p.Up(ctx); err != nil || len(res) != 2 {
				t.Fatalf("Up: %v, %v", res, err)
			}
			if v, err := p.GetDBVersion(ctx); err != nil || v != 2 {
				t.Errorf("version after Up: %d, %v", v, err)
			}
			if _, err := db.Exec("INSERT INTO "+users+" (name, email) VALUES (?, ?)", "li", "li@example.com"); err != nil {
				t.Errorf("the migrated table: %v", err)
			}
			if _, err := p.Down(ctx); err != nil {
				t.Fatalf("Down: %v", err)
			}
			if v, err := p.GetDBVersion(ctx); err != nil || v != 1 {
				t.Errorf("version after Down: %d, %v", v, err)
			}
			// Redo: down and up again.
			if _, err := p.Down(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			st, err := p.Status(ctx)
			if err != nil || len(st) != 2 || st[0].State != goose.StateApplied || st[1].State != goose.StateApplied {
				t.Errorf("Status: %v, %v", st, err)
			}
			var n int
			if err := db.QueryRow("SELECT COUNT(*) FROM " + users).Scan(&n); err != nil || n != 1 {
				t.Errorf("rows after redo: %d, %v", n, err)
			}
		})
	}
}

type bunUser struct {
	bun.BaseModel `bun:"table:placeholder,alias:u"`
	ID            int64     `bun:",pk,autoincrement"`
	Name          string    `bun:",notnull"`
	Created       time.Time `bun:",nullzero,notnull,default:current_timestamp"`
}

func TestBun(t *testing.T) {
	base := baseDSN(t)
	for _, drv := range drivers {
		t.Run(drv, func(t *testing.T) {
			tb := table("bun_" + drv)
			dropAfter(t, tb)
			// README: database/sql with myx underneath, bun's MySQL dialect on top.
			sqldb, err := sql.Open(drv, withParams(base, "parseTime=true"))
			if err != nil {
				t.Fatal(err)
			}
			db := bun.NewDB(sqldb, mysqldialect.New())
			defer db.Close()
			ctx := context.Background()
			if _, err := db.NewCreateTable().Model((*bunUser)(nil)).ModelTableExpr(tb).Exec(ctx); err != nil {
				t.Fatalf("create table: %v", err)
			}
			users := []bunUser{{Name: "li"}, {Name: "wang"}}
			if _, err := db.NewInsert().Model(&users).ModelTableExpr(tb).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if users[0].ID == 0 || users[1].ID != users[0].ID+1 {
				t.Errorf("insert IDs: %d, %d", users[0].ID, users[1].ID)
			}
			var got []bunUser
			if err := db.NewSelect().Model(&got).ModelTableExpr(tb+" AS u").Where("name LIKE ?", "%").Order("id").Scan(ctx); err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[1].Name != "wang" || got[0].Created.IsZero() {
				t.Errorf("select: %+v", got)
			}
			res, err := db.NewUpdate().Model(&got[0]).ModelTableExpr(tb+" AS u").Set("name = ?", "zhao").WherePK().Exec(ctx)
			if n, _ := res.RowsAffected(); err != nil || n != 1 {
				t.Errorf("update: %d, %v", n, err)
			}
			err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				if _, err := tx.NewDelete().Model((*bunUser)(nil)).ModelTableExpr(tb+" AS u").Where("id = ?", got[1].ID).Exec(ctx); err != nil {
					return err
				}
				return fmt.Errorf("roll back")
			})
			if err == nil {
				t.Error("RunInTx did not return the function's error")
			}
			n, err := db.NewSelect().Model((*bunUser)(nil)).ModelTableExpr(tb + " AS u").Count(ctx)
			if err != nil || n != 2 {
				t.Errorf("count after rollback: %d, %v", n, err)
			}
		})
	}
}
