package mysqltest

import (
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestServerUser starts a server as user mysql (when the test runs as root
// and the user exists) and checks that the process and its files belong to
// that user, and that it survives a restart.
func TestServerUser(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 || !canSwitchUser {
		t.Skip("running a server as another user needs root on Linux")
	}
	u, err := user.Lookup("mysql")
	if err != nil {
		t.Skipf("no user mysql: %v", err)
	}
	s := StartServerT(t, ServerOptions{User: "mysql"})
	checkUID := func() {
		t.Helper()
		b, err := os.ReadFile("/proc/" + strconv.Itoa(s.PID()) + "/status")
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "Uid:" {
				if f[1] != u.Uid {
					t.Fatalf("server runs as uid %s, want %s (mysql)", f[1], u.Uid)
				}
				return
			}
		}
		t.Fatal("no Uid line in /proc status")
	}
	checkUID()
	fi, err := os.Stat(s.DataDir())
	if err != nil {
		t.Fatal(err)
	}
	if uid := fi.Sys().(*syscall.Stat_t).Uid; strconv.Itoa(int(uid)) != u.Uid {
		t.Errorf("data directory owned by uid %d, want %s", uid, u.Uid)
	}
	if err := s.Restart(t.Context()); err != nil {
		t.Fatal(err)
	}
	checkUID()
}

// TestServerUserErrors checks the errors of a User that cannot be used.
func TestServerUserErrors(t *testing.T) {
	t.Parallel()
	if _, err := lookupOSUser("no-such-user-myx"); err == nil || !strings.Contains(err.Error(), "no-such-user-myx") {
		t.Errorf("unknown user: err = %v", err)
	}
	if u, err := lookupOSUser(strconv.Itoa(os.Geteuid())); u != nil || err != nil {
		t.Errorf("the current user: got %v, %v; want no switch", u, err)
	}
	if os.Geteuid() != 0 || !canSwitchUser {
		return
	}
	u := &osUser{name: "nobody", uid: 65534, gid: 65534}
	dir := t.TempDir()
	inner := dir + "/a/b"
	if err := os.MkdirAll(inner, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir+"/a", 0o700); err != nil {
		t.Fatal(err)
	}
	if err := u.canReach(inner); err == nil || !strings.Contains(err.Error(), dir+"/a") {
		t.Errorf("unreachable directory: err = %v", err)
	}
}
