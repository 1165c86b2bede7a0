package mysqltest

import "syscall"

// sysProcAttr makes server processes die with the test process that started
// them, so a crashed or interrupted test run leaves no servers behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
