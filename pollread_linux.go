//go:build linux

package myx

import (
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// pollReader reads a socket by waiting in poll(2) on the calling thread, instead of parking
// the goroutine in the runtime's network poller. For a request/response protocol this saves
// system calls and thread wakeups on every round trip: the runtime's path is a read that fails,
// an epoll wait (often on another thread), a wakeup and the read again; this one is a poll and
// the read. The price is an OS thread per connection while it waits for the server, which is
// why Config.RuntimePoller turns it off.
//
// The socket stays in non-blocking mode: writes, the stale-connection check and TLS use the
// runtime as usual. Deadlines and interruptions reach a waiting read through setDeadline and
// interrupt.
type pollReader struct {
	rc        syscall.RawConn
	fd        int
	waitFirst bool          // the next read follows a write: the reply cannot be there yet
	idle      time.Duration // Config.ReadTimeout: the longest one Read may wait (0 = no limit)
	deadline  atomic.Int64  // unix nanoseconds; 0 = none
	stopped   atomic.Bool   // interrupt was called: reads fail at once
}

func newPollReader(nc net.Conn) *pollReader {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	fd := -1
	rc.Control(func(f uintptr) { fd = int(f) })
	if fd < 0 {
		return nil
	}
	return &pollReader{rc: rc, fd: fd}
}

// setDeadline bounds the reads that follow (the zero time removes the bound).
func (p *pollReader) setDeadline(t time.Time) {
	if t.IsZero() {
		p.deadline.Store(0)
	} else {
		p.deadline.Store(t.UnixNano())
	}
}

// interrupt makes a waiting read, and every later one, fail with a timeout; it shuts the
// socket down for reading, so it is only for a connection about to be closed. Safe from any
// goroutine: the shutdown goes through the runtime's reference to the descriptor, so once the
// connection is closed (and the descriptor number perhaps reused) it does nothing.
func (p *pollReader) interrupt() {
	p.stopped.Store(true)
	p.rc.Control(func(fd uintptr) { syscall.Shutdown(int(fd), syscall.SHUT_RD) })
}

type pollFd struct {
	fd      int32
	events  int16
	revents int16
}

const pollIn = 0x1

func (p *pollReader) Read(b []byte) (int, error) {
	wait := p.waitFirst
	p.waitFirst = false
	var idleUntil int64 // unix nanoseconds when ReadTimeout runs out, set at the first wait
	for {
		if p.stopped.Load() {
			return 0, os.ErrDeadlineExceeded
		}
		if wait {
			timeout := -1
			dl, own := p.deadline.Load(), false
			if p.idle > 0 {
				if idleUntil == 0 {
					idleUntil = time.Now().Add(p.idle).UnixNano()
				}
				if dl == 0 || idleUntil < dl {
					dl, own = idleUntil, true
				}
			}
			if dl != 0 {
				left := time.Until(time.Unix(0, dl))
				if left <= 0 {
					if own {
						return 0, idleTimeoutError(p.idle)
					}
					return 0, os.ErrDeadlineExceeded
				}
				timeout = int(left/time.Millisecond) + 1
			}
			pfd := pollFd{fd: int32(p.fd), events: pollIn}
			_, _, e := syscall.Syscall(syscall.SYS_POLL, uintptr(unsafe.Pointer(&pfd)), 1, uintptr(timeout))
			if e != 0 && e != syscall.EINTR {
				return 0, os.NewSyscallError("poll", e)
			}
		}
		n, err := syscall.Read(p.fd, b)
		switch {
		case err == nil && n > 0:
			return n, nil
		case err == nil:
			if p.stopped.Load() {
				return 0, os.ErrDeadlineExceeded
			}
			return 0, io.EOF
		case err == syscall.EAGAIN || err == syscall.EINTR:
			wait = true
		default:
			return 0, os.NewSyscallError("read", err)
		}
	}
}
