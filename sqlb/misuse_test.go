package sqlb

import (
	"testing"
)

// Mistakes a user can make with the builders are errors from Compile, never panics.
func TestMistakesAreErrorsNotPanics(t *testing.T) {
	var nilTable *Table
	var nilQuery SelectQuery
	var nilMeta *MetaData
	var nilSub *Subquery
	early := NewMetaData().NewTable("early")
	earlyAlias := early.As("e") // made before the columns exist
	earlyID := AddColumn(early, "id", Int(), PrimaryKey())
	for _, tc := range []struct {
		name string
		stmt Statement
	}{
		{"nil from", Select(userID).From(nil)},
		{"typed nil from", Select(userID).From(nilTable)},
		{"typed nil join", Select(userID).From(user).Join(nilSub)},
		{"col of typed nil", Select(Col[int64](nilTable, "id"))},
		{"of typed nil", Select(userID.Of(nilTable))},
		{"in nil query", Select(userID).Where(userID.InSelect(nilQuery))},
		{"scalar nil query", Select(Scalar[int64](nilQuery))},
		{"exists nil", Select(userID).Where(Exists(nil))},
		{"nil expr arg", Select(Coalesce[int64](nil, nil))},
		{"nil order item", Select(userID).OrderBy(nil)},
		{"nil group by", Select(userID).GroupBy(nil)},
		{"nil in union", Union(Select(userID), nil)},
		{"union of nothing", Union()},
		{"insert nil table", InsertInto(nil).Values()},
		{"insert zero assignment", InsertInto(user).Values(Assignment{})},
		{"insert from nil", InsertInto(user).FromSelect(nilQuery)},
		{"upsert nil column", InsertInto(counter).Values(counterName.Set("a")).OnDuplicateKeyUpdateInserted(nil)},
		{"inserted nil", InsertInto(counter).Values(counterName.Set("a")).OnDuplicateKeyUpdate(counterHits.SetExpr(Inserted[int64](nil)))},
		{"update nil", Update(nil).Set(userID.Set(1))},
		{"update zero assignment", Update(user).Set(Assignment{})},
		{"update multi zero assignment", Update(user).Join(jobs).Set(Assignment{})},
		{"delete nil", DeleteFrom(nil)},
		{"create nil", CreateTable(nil)},
		{"create alias", CreateTable(user.As("u"))},
		{"drop nil", DropTable(nil)},
		{"drop nothing", DropTable()},
		{"index nil parts", CreateIndex(user, Index{Name: "ix", Parts: []IndexPart{nil}})},
		{"index nil table", CreateIndex(nil, Index{Name: "ix", Parts: []IndexPart{userID}})},
		{"index no name", CreateIndex(user, Index{Parts: []IndexPart{userID}})},
		{"fk empty", AddForeignKey(user, ForeignKey{})},
		{"drop fk nil", DropForeignKey(nil, "x")},
		{"table on nil metadata", Select(AddColumn(nilMeta.NewTable("t"), "c", Int()))},
		{"column on nil table", Select(AddColumn(nilTable, "c", Int()))},
		{"cte union nil", Select(Select(userID).CTE("c").UnionAll(nil))},
		{"case nil condition", Select(Case[int64]().When(nil, 1))},
		{"lock of nil", Select(userID).ForUpdate(LockOf(nilTable))},
		{"func empty name", Select(Func[int64](""))},
		{"negative ntile", Select(NTile(-1).Over(Window{}))},
		{"bad cast length", Select(Cast[string](userID, AsChar(-1)))},
		{"empty alias", Select(userID.Of(user.As("")))},
		{"empty subquery alias", Select(Select(userID).Subquery(""))},
		{"wait negative", Select(userID).ForUpdate(Wait(-1))},
		{"bad default literal", CreateTable(badDefaultTable())},
		{"frame bound unset", Select(Sum(userID).Over(Window{}.Rows(FrameBound{}, CurrentRow)))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic: %v", r)
				}
			}()
			for _, d := range everyFlavor {
				if c, err := tc.stmt.Compile(d); err == nil {
					t.Fatalf("no error; compiled %s", c.SQL)
				}
			}
		})
	}
	// An alias made before its table's columns still sees them.
	c := mustCompile(t, Select(earlyID.Of(earlyAlias)), mysql80)
	if c.SQL != "SELECT `e`.`id` FROM `early` AS `e`" {
		t.Fatalf("got %s", c.SQL)
	}
}

func badDefaultTable() *Table {
	t := NewMetaData().NewTable("bad")
	AddColumn(t, "c", Int(), Default(make(chan int)))
	return t
}
