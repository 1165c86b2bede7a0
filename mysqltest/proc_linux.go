package mysqltest

import (
	"io/fs"
	"syscall"
)

// sysProcAttr makes server processes die with the test process that started
// them, so a crashed or interrupted test run leaves no servers behind. A
// non-nil as makes the process run with that user's credentials; Go switches
// them before it sets the parent-death signal, so the kernel does not clear
// the latter (it would if the server switched user itself with --user).
func sysProcAttr(as *osUser) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if as != nil {
		a.Credential = &syscall.Credential{Uid: as.uid, Gid: as.gid}
	}
	return a
}

// canSwitchUser reports whether sysProcAttr can run a process as another user.
const canSwitchUser = true

// processAlive reports whether a process with the given id exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

// canSearch reports whether the user may search (traverse) the directory
// described by fi, judged by its permission bits for owner, group and
// others (supplementary groups are not consulted).
func (u *osUser) canSearch(fi fs.FileInfo) bool {
	perm := fi.Mode().Perm()
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case !ok:
		return perm&0o001 != 0
	case st.Uid == u.uid:
		return perm&0o100 != 0
	case st.Gid == u.gid:
		return perm&0o010 != 0
	}
	return perm&0o001 != 0
}
