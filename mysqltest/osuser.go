package mysqltest

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
)

// osUser is an operating system user a server process runs as
// (ServerOptions.User).
type osUser struct {
	name     string
	uid, gid uint32
}

// lookupOSUser resolves ServerOptions.User. It returns nil when no switch is
// needed: name is empty, or names the user the process already runs as.
func lookupOSUser(name string) (*osUser, error) {
	if name == "" {
		return nil, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		var err2 error
		if u, err2 = user.LookupId(name); err2 != nil {
			return nil, fmt.Errorf("mysqltest: ServerOptions.User %q: %w", name, err)
		}
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("mysqltest: ServerOptions.User %q has a non-numeric uid %q", name, u.Uid)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("mysqltest: ServerOptions.User %q has a non-numeric gid %q", name, u.Gid)
	}
	if int(uid) == os.Geteuid() {
		return nil, nil
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("mysqltest: ServerOptions.User %q: running a server as another user needs a test process running as root (this one runs as uid %d)", name, os.Geteuid())
	}
	if !canSwitchUser {
		return nil, fmt.Errorf("mysqltest: ServerOptions.User %q: running a server as another user is supported on Linux only", name)
	}
	return &osUser{name: u.Username, uid: uint32(uid), gid: uint32(gid)}, nil
}

// own gives dir and everything in it to the user and checks that the user
// can reach dir through its parents.
func (u *osUser) own(dir string) error {
	err := filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(u.uid), int(u.gid))
	})
	if err != nil {
		return fmt.Errorf("mysqltest: giving %s to user %s: %w", dir, u.name, err)
	}
	return u.canReach(dir)
}

// canReach checks that every directory above dir lets the user search it.
func (u *osUser) canReach(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("mysqltest: %w", err)
	}
	for p := filepath.Dir(abs); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("mysqltest: %w", err)
		}
		if !u.canSearch(fi) {
			return fmt.Errorf("mysqltest: ServerOptions.User %q cannot reach the server directory %s: it may not search %s (mode %v); choose a ServerOptions.Dir (or %s) it can reach, such as /tmp",
				u.name, dir, p, fi.Mode().Perm(), EnvServerDir)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}
