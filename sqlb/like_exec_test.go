package sqlb

import "testing"

// The escape character of LIKE is written as a literal; a backslash is written for the
// session's NO_BACKSLASH_ESCAPES mode, so it escapes in both.
func TestLikeEscapeOnServer(t *testing.T) {
	t.Parallel()
	conn, ctx := testDB(t)
	mustCreate(t, ctx, conn, testMeta)
	mustExec(t, ctx, conn, InsertInto(user).Values(userUsername.Set(`50%`)).Values(userUsername.Set(`500`)).Values(userUsername.Set(`a'b`)))
	for _, mode := range []string{"", "NO_BACKSLASH_ESCAPES"} {
		if _, err := conn.Exec(ctx, "SET SESSION sql_mode = '"+mode+"'"); err != nil {
			t.Fatal(err)
		}
		check(t, mode+": backslash escape", column[string](t, ctx, conn, Select(userUsername).Where(userUsername.LikeEscape(`50\%`, '\\'))), []string{"50%"})
		check(t, mode+": quote escape", column[string](t, ctx, conn, Select(userUsername).Where(userUsername.LikeEscape(`50'%`, '\''))), []string{"50%"})
		check(t, mode+": contains", column[string](t, ctx, conn, Select(userUsername).Where(userUsername.Contains("'")).OrderBy(userID)), []string{"a'b"})
		check(t, mode+": prefix", column[string](t, ctx, conn, Select(userUsername).Where(userUsername.HasPrefix("50%"))), []string{"50%"})
	}
}
