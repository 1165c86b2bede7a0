package sqlb

import (
	"errors"
	"reflect"
	"testing"

	"github.com/myxdb/myx"
)

// The tutorial case: user and jobs joined, every column labelled <table>_<column>,
// filtered by username; values read by column object and by label, then the same join
// mapped into nested structs.

type tutorialJob struct {
	ID     int64
	Jobs   string
	UserID int64
}

type tutorialUser struct {
	ID       int64
	Username string
	Jobs     []tutorialJob
}

// seedTutorial creates the fixture schema and two users with jobs.
func seedTutorial(t *testing.T) (*myx.Conn, func() SelectStmt) {
	t.Helper()
	conn, ctx := testDB(t)
	mustCreate(t, ctx, conn, testMeta)
	mustExec(t, ctx, conn, InsertInto(user).Values(userID.Set(1), userUsername.Set("xxx")).Values(userID.Set(2), userUsername.Set("yyy")))
	mustExec(t, ctx, conn, InsertInto(jobs).
		Values(jobsJobs.Set("developer"), jobsUserID.Set(1)).
		Values(jobsJobs.Set("writer"), jobsUserID.Set(1)).
		Values(jobsJobs.Set("tester"), jobsUserID.Set(2)))
	return conn, func() SelectStmt {
		return Select(user, jobs).From(user).Join(jobs).LabelStyle(LabelTablePlusColumn).OrderBy(jobsID)
	}
}

func TestTutorialLabelledJoinRows(t *testing.T) {
	t.Parallel()
	conn, base := seedTutorial(t)
	ctx := testContext(t)
	rows, err := Query(ctx, conn, base().Where(userUsername.Eq("xxx")))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if got, want := rows.Labels(), []string{"user_id", "user_username", "jobs_id", "jobs_jobs", "jobs_user_id"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("labels %q, want %q", got, want)
	}
	type row struct {
		userID, jobsID int64
		name, job      string
	}
	var got []row
	for rows.Next() {
		var r row
		var err error
		// By column object: typed, no names, no casts.
		if r.name, err = Get(rows, userUsername); err != nil {
			t.Fatal(err)
		}
		if r.userID, err = Get(rows, userID); err != nil {
			t.Fatal(err)
		}
		// By label.
		if r.job, err = GetLabel[string](rows, "jobs_jobs"); err != nil {
			t.Fatal(err)
		}
		if r.jobsID, err = GetLabel[int64](rows, "jobs_id"); err != nil {
			t.Fatal(err)
		}
		// Both ways agree.
		if byCol, err := Get(rows, jobsJobs); err != nil || byCol != r.job {
			t.Fatalf("Get(jobsJobs) = %q, %v; label gave %q", byCol, err, r.job)
		}
		if byLabel, err := GetLabel[string](rows, "user_username"); err != nil || byLabel != r.name {
			t.Fatalf("GetLabel(user_username) = %q, %v", byLabel, err)
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []row{{1, 1, "xxx", "developer"}, {1, 2, "xxx", "writer"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("rows %+v, want %+v", got, want)
	}
}

func TestTutorialNestedStructs(t *testing.T) {
	t.Parallel()
	conn, base := seedTutorial(t)
	ctx := testContext(t)
	got := mustAll[tutorialUser](t, ctx, conn, base().Where(userUsername.Eq("xxx")))
	want := []tutorialUser{{ID: 1, Username: "xxx", Jobs: []tutorialJob{{1, "developer", 1}, {2, "writer", 1}}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	// Without the filter: both users, in the order they first appear.
	all := mustAll[*tutorialUser](t, ctx, conn, base())
	if len(all) != 2 || all[0].Username != "xxx" || len(all[0].Jobs) != 2 || all[1].Username != "yyy" || len(all[1].Jobs) != 1 || all[1].Jobs[0].Jobs != "tester" {
		t.Fatalf("got %+v", all)
	}
	// One: exactly one root object after grouping.
	one, err := One[tutorialUser](ctx, conn, base().Where(userUsername.Eq("yyy")))
	if err != nil || one.Username != "yyy" || len(one.Jobs) != 1 {
		t.Fatalf("One = %+v, %v", one, err)
	}
	if _, err := One[tutorialUser](ctx, conn, base()); !errors.Is(err, myx.ErrTooManyRows) {
		t.Fatalf("One of two users: %v", err)
	}
	if _, err := One[tutorialUser](ctx, conn, base().Where(userUsername.Eq("nobody"))); !errors.Is(err, myx.ErrNoRows) {
		t.Fatalf("One of none: %v", err)
	}
}
