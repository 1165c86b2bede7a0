//go:build !linux

package mysqltest

import (
	"io/fs"
	"syscall"
)

// sysProcAttr returns nil: only Linux can tie a child's life to its parent's,
// and user switching (ServerOptions.User) is supported on Linux only.
func sysProcAttr(*osUser) *syscall.SysProcAttr { return nil }

// canSwitchUser reports whether sysProcAttr can run a process as another user.
const canSwitchUser = false

// processAlive reports true: without a portable check, assume the process
// lives, so that its directory is never removed from under it.
func processAlive(pid int) bool { return true }

// canSearch reports whether others may search the directory described by fi
// (never consulted: no user switching here).
func (u *osUser) canSearch(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o001 != 0 }
