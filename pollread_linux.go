//go:build linux

package myx

import (
	"crypto/tls"
	"io"
	"net"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// pollReader reads a socket by waiting in poll(2) on the calling thread, instead of parking
// the goroutine in the runtime's network poller. For a request/response protocol this saves
// system calls and thread wakeups on every round trip: the runtime's path is a read that fails,
// an epoll wait (often on another thread), a wakeup and the read again; this one is a poll and
// the read. The price is an OS thread per connection while it waits for the server, and once
// the process has more work than it has Ps, each such wait makes the runtime hand the P to
// another thread (and back): with many connections waiting at once the runtime's poller is
// cheaper. So, with PollAdaptive, a wait uses poll(2) only while few connections of its group
// (those made from one Config) are waiting, and the runtime's poller beyond; PollThread always
// uses poll(2).
//
// While nothing bounds a wait on the thread (no context deadline, no ReadTimeout), the socket
// is switched to blocking mode and the wait is one blocking read, as the C client does: a
// round trip is a write and a read. Writes go through the socket's system calls (see write),
// the stale-connection check through the runtime (see sendTimeout for writes in blocking mode).
// A TLS connection can wait the same way, when its TLS client runs over a pollTransport
// (polltls_linux.go). Deadlines and interruptions reach a
// waiting read through setDeadline and interrupt (a read waiting in the runtime's poller also
// sees the socket deadline the canceler sets; interrupt's shutdown wakes a blocking read).
type pollReader struct {
	rc        syscall.RawConn
	nc        net.Conn  // the socket (under the TLS connection, if any)
	tls       *tls.Conn // set when the connection is TLS over a pollTransport (see attachPollTLS)
	fd        int
	group     *pollGroup    // nil: always poll(2) (PollThread)
	waitFirst bool          // the next read follows a write: the reply cannot be there yet
	idle      time.Duration // Config.ReadTimeout: the longest one Read may wait (0 = no limit)
	deadline  atomic.Int64  // unix nanoseconds; 0 = none
	stopped   atomic.Bool   // interrupt was called: reads fail at once
	lastYield int64         // unix nanoseconds of the last yield (see threadWait)
	flags     int           // the descriptor's file status flags, O_NONBLOCK included
	blocking  bool          // O_NONBLOCK is off (see threadWait)
	calm      uint8         // thread waits since the last wait in the runtime's poller
	window    uint32        // the group's last activity window this connection was counted in
	owed      int           // bytes the server will send without waiting for the client, at least (see owe)
	lowat     int           // the socket's SO_RCVLOWAT as last set; 0 for the kernel's default (1)

	// A wait in the runtime's poller: readFn is readFD bound once, buf/n/err its arguments
	// and results (no allocation per read).
	readFn func(fd uintptr) bool
	buf    []byte
	n      int
	err    error
}

// newPollReader sets up waiting in poll(2) for nc, or gives nil when nc has no descriptor.
// group is nil for PollThread.
func newPollReader(nc net.Conn, group *pollGroup) *pollReader {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	fd, flags := -1, 0
	rc.Control(func(f uintptr) {
		fl, _, e := syscall.Syscall(syscall.SYS_FCNTL, f, syscall.F_GETFL, 0)
		if e == 0 && fl&syscall.O_NONBLOCK != 0 {
			fd, flags = int(f), int(fl)
		}
	})
	if fd < 0 {
		return nil
	}
	p := &pollReader{rc: rc, nc: nc, fd: fd, group: group, flags: flags}
	p.readFn = p.readFD
	return p
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
	if p.stopped.Load() {
		return 0, os.ErrDeadlineExceeded
	}
	if p.waitFirst {
		p.waitFirst = false
	} else {
		// More of a reply already under way: it is often there already.
		n, err := recvNow(p.fd, b)
		if err != syscall.EAGAIN {
			return p.result(n, err)
		}
	}
	g := p.group
	if g == nil || p.owed >= lowatMin {
		// Replies owed to a pipeline are awaited on the thread even when the group is
		// crowded: there the low-water mark applies with a bound on the wait (see owe), and
		// as each such wait covers several replies it holds a thread less often than waits
		// for single replies do (the runtime's poller would take the mark off).
		return p.threadWait(b)
	}
	var n int
	var err error
	if g.enter(&p.window) {
		n, err = p.threadWait(b)
	} else {
		n, err = p.runtimeWait(b)
	}
	g.waiting.Add(-1)
	return n, err
}

// recvNow reads what is there without waiting, whether or not the descriptor is in
// non-blocking mode. MSG_DONTWAIT guarantees the call does not block, which is why it may
// skip the runtime's system call bookkeeping (RawSyscall): it never holds the P for long.
func recvNow(fd int, b []byte) (int, error) {
	var p unsafe.Pointer
	if len(b) > 0 {
		p = unsafe.Pointer(&b[0])
	}
	for {
		n, _, e := syscall.RawSyscall6(syscall.SYS_RECVFROM, uintptr(fd), uintptr(p), uintptr(len(b)), syscall.MSG_DONTWAIT, 0, 0)
		switch e {
		case 0:
			return int(n), nil
		case syscall.EINTR:
			continue
		}
		return 0, e
	}
}

// readNow reads, waiting for data only when the descriptor is in blocking mode.
func readNow(fd int, b []byte) (int, error) {
	for {
		n, err := syscall.Read(fd, b)
		if err != syscall.EINTR {
			return n, err
		}
	}
}

// result turns what a read returned into Read's results.
func (p *pollReader) result(n int, err error) (int, error) {
	switch {
	case err == nil && n > 0:
		return n, nil
	case err == nil:
		if p.stopped.Load() {
			return 0, os.ErrDeadlineExceeded
		}
		return 0, io.EOF
	}
	return 0, os.NewSyscallError("read", err)
}

// threadWait waits for data on the calling thread and reads it: one blocking read when nothing
// bounds the wait, poll(2) with a timeout and a read otherwise.
func (p *pollReader) threadWait(b []byte) (int, error) {
	// Yield now and then. A goroutine whose every wait is in a system call never passes
	// through the scheduler, and after 10ms of that the runtime deems it a long runner: each
	// later wait then has its P taken away by sysmon and handed to another thread, and the
	// thread that returns from the wait has to get one back (two futex wakeups and a context
	// switch per round trip, measured: 12,890 futex and 8,893 nanosleep calls for 22,000
	// queries, against 2,800 and 840 with a yield every 16 waits). A yield is not free either:
	// it wakes an idle thread, which takes the goroutine over while this one goes to sleep
	// (the 2,800 futex calls), so it is done once per yieldEvery, well within the 10ms.
	if now := time.Now().UnixNano(); now-p.lastYield >= int64(yieldEvery) {
		p.lastYield = now
		runtime.Gosched()
	}
	if p.calm < calmBeforeBlocking {
		p.calm++
	}
	coalesce := p.applyLowat()
	if !coalesce && p.idle == 0 && p.deadline.Load() == 0 && !p.stopped.Load() {
		// Nothing bounds the wait: a blocking read waits and reads in one system call (the
		// C client's way), instead of poll(2) and a read.
		if !p.blocking && p.calm >= calmBeforeBlocking {
			p.setBlocking(true)
		}
		if p.blocking {
			n, err := readNow(p.fd, b)
			if err != syscall.EAGAIN {
				return p.result(n, err)
			}
			// EAGAIN from a blocking socket: a receive timeout someone else set; wait below.
		}
	}
	var idleUntil int64 // unix nanoseconds when ReadTimeout runs out, set at the first wait
	for {
		if p.stopped.Load() {
			return 0, os.ErrDeadlineExceeded
		}
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
		if coalesce && (timeout < 0 || timeout > coalesceWaitMs) {
			// Whatever has come by then is read, below the low-water mark or not: a reply
			// the server has sent is never held back for longer.
			timeout = coalesceWaitMs
		}
		pfd := pollFd{fd: int32(p.fd), events: pollIn}
		_, _, e := syscall.Syscall(syscall.SYS_POLL, uintptr(unsafe.Pointer(&pfd)), 1, uintptr(timeout))
		if e != 0 && e != syscall.EINTR {
			return 0, os.NewSyscallError("poll", e)
		}
		n, err := recvNow(p.fd, b)
		if err != syscall.EAGAIN {
			return p.result(n, err)
		}
	}
}

// owe tells the reader that the server will send at least n bytes more after what the
// reader has already consumed, with no further request from the client (the replies to
// pipelined statements; 0 when nothing is known). While that is a good deal, a wait on the
// thread sets the socket's low-water mark (SO_RCVLOWAT) so that the kernel wakes the reader
// once for many replies instead of once for each: the server's every send then no longer
// wakes the client, which on loopback costs the server's thread the wakeup, and the client a
// wakeup and a read per reply (measured, 100,000 pipelined point queries, three runs each:
// the server's CPU per statement 23.5-25.0 µs without, 13.5-17.8 µs with a mark of 8 KiB;
// the client's 8.8-10.3 µs, 3.7-6.9 µs). The mark never exceeds what is owed, so it is
// always reached; and a wait with a mark lasts at most coalesceWaitMs before reading whatever
// has come, so a reply is never held back for long (a slow statement in the middle of a batch, a caller that waits for
// one reply before it lets the server go on).
//
// Over TLS the socket's bytes are records whose reading the TLS client may have begun, so
// what is owed says nothing of them: owe does nothing there.
func (p *pollReader) owe(n int) {
	if p.tls == nil {
		p.owed = n
	}
}

// The low-water mark: set from lowatMin bytes owed (some two dozen statements), at most
// lowatMax, in powers of two so that a batch's falling count changes it only a few times.
// Measured with 16 goroutines sending batches of 100 point queries through a pool of 8
// (bench/cmd/compare pool-pipelined, 2026-12-02 17:04 UTC, three pairs of runs): 34,700 to
// 36,100 queries/s from a mark of 1 KiB (the first few statements of each batch), 51,900 to
// 73,600 from 256 bytes; before the mark, 36,600 to 48,200.
const (
	lowatMin       = 1 << 8
	lowatMax       = 8 << 10
	coalesceWaitMs = 1
)

// applyLowat sets the socket's low-water mark for a wait from what is owed, and tells
// whether one is in place.
func (p *pollReader) applyLowat() bool {
	want := 0
	if p.owed >= lowatMin {
		want = lowatMax
		for want > p.owed {
			want >>= 1
		}
	}
	if want != p.lowat {
		p.setLowat(want)
	}
	return p.lowat != 0
}

// setLowat sets SO_RCVLOWAT to v (0: the default). On failure the mark stays as it was.
func (p *pollReader) setLowat(v int) {
	if syscall.SetsockoptInt(p.fd, syscall.SOL_SOCKET, syscall.SO_RCVLOWAT, max(v, 1)) == nil {
		p.lowat = v
	}
}

// rawWriteMax is the largest write made with RawSyscall (see write).
const rawWriteMax = 16 << 10

// yieldEvery is how often a goroutine waiting on its thread yields (see threadWait).
const yieldEvery = 4 * time.Millisecond

// calmBeforeBlocking is how many waits in a row on the thread turn blocking mode on (each
// switch is an fcntl(2)): a connection that keeps changing between the thread and the
// runtime's poller stays in non-blocking mode.
const calmBeforeBlocking = 8

// sendTimeout bounds a write blocked in the kernel while the descriptor is in blocking mode.
// The runtime's write loop takes the EAGAIN that follows as "wait until writable" in its
// poller, where the write deadlines (Config.WriteTimeout, the context's backstop, Close's
// limit, Conn.force) apply as usual, at most this late.
const sendTimeout = 10 * time.Millisecond

// setBlocking turns the descriptor's blocking mode on or off. Blocking mode is only for
// reads waiting on the thread; the runtime's poller needs non-blocking mode, and writes
// keep their deadlines through sendTimeout.
func (p *pollReader) setBlocking(on bool) {
	flags := p.flags &^ syscall.O_NONBLOCK
	if !on {
		flags = p.flags
	}
	if on {
		tv := syscall.NsecToTimeval(int64(sendTimeout))
		if syscall.SetsockoptTimeval(p.fd, syscall.SOL_SOCKET, syscall.SO_SNDTIMEO, &tv) != nil {
			return
		}
	}
	if _, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(p.fd), syscall.F_SETFL, uintptr(flags)); e == 0 {
		p.blocking = on
	}
}

// runtimeWait waits for data in the runtime's network poller and reads it. The socket
// deadline already holds the context's backstop (the canceler sets it with setDeadline);
// Config.ReadTimeout is put on the socket for this read only.
func (p *pollReader) runtimeWait(b []byte) (int, error) {
	p.calm = 0
	if p.lowat != 0 {
		// The runtime's poller would honour the mark with no bound on the wait.
		p.setLowat(0)
		if p.lowat != 0 {
			return p.threadWait(b) // could not take it off: wait on the thread, bounded
		}
	}
	if p.blocking {
		p.setBlocking(false)
		if p.blocking {
			return p.threadWait(b) // could not switch: wait on the thread
		}
	}
	own := false
	if p.idle > 0 {
		dl := time.Now().Add(p.idle).UnixNano()
		own = true
		if bs := p.deadline.Load(); bs != 0 && bs < dl {
			dl, own = bs, false
		}
		p.nc.SetReadDeadline(time.Unix(0, dl))
		defer p.restoreDeadline()
		// A forced deadline (Conn.force) set just before ours would be undone by it; force
		// sets stopped right after, so look again now that ours is in place.
		if p.stopped.Load() {
			return 0, os.ErrDeadlineExceeded
		}
	}
	p.buf = b
	err := p.rc.Read(p.readFn)
	n, rerr := p.n, p.err
	p.buf, p.n, p.err = nil, 0, nil
	if err != nil {
		if p.stopped.Load() {
			return 0, os.ErrDeadlineExceeded
		}
		if own && os.IsTimeout(err) {
			return 0, idleTimeoutError(p.idle)
		}
		return 0, err
	}
	return p.result(n, rerr)
}

// restoreDeadline puts the socket's read deadline back to the backstop after a read bounded
// by Config.ReadTimeout, so that a later non-waiting use of the socket (the stale check) does
// not find it expired.
func (p *pollReader) restoreDeadline() {
	var t time.Time
	if bs := p.deadline.Load(); bs != 0 {
		t = time.Unix(0, bs)
	}
	if p.stopped.Load() {
		return // forced: leave the past deadline in place
	}
	p.nc.SetReadDeadline(t)
}

// readFD is the runtime poller's read callback: false means "wait for data and call again".
// It reads with recvNow, which never blocks and so skips the runtime's system call
// bookkeeping (entering and leaving a system call, and waking sysmon when every P was idle):
// in a busy pool nearly every reply is read here, most of them after a first read that finds
// nothing yet.
func (p *pollReader) readFD(fd uintptr) bool {
	n, err := recvNow(int(fd), p.buf)
	if err == syscall.EAGAIN {
		return false
	}
	p.n, p.err = n, err
	return true
}

// write writes b, a part of the protocol's stream, for a connection without
// Config.WriteTimeout: encrypted through the TLS connection, which writes the socket with
// writeRaw, or directly with writeRaw.
func (p *pollReader) write(b []byte) (int, error) {
	if p.tls != nil {
		return p.tls.Write(b)
	}
	return p.writeRaw(b)
}

// writeRaw writes b to the socket. A small write
// in non-blocking mode goes directly through RawSyscall: such a write never waits, so it need
// not tell the scheduler it is in a system call, and sysmon cannot hand the P to another
// thread while the kernel delivers the bytes over loopback (the write runs the receiving
// side's network stack, long enough to be taken for a blocked call; measured at 128
// connections and 1000 goroutines: context switches per query from 0.22-0.39 down to
// 0.01-0.11, client CPU per query about 20% lower). Whatever the socket does not take at once,
// large writes (which would hold the P, and a stop of the world, for long) and every write in
// blocking mode go through the runtime's net.Conn, which waits and applies the deadlines.
func (p *pollReader) writeRaw(b []byte) (int, error) {
	if p.stopped.Load() {
		return 0, os.ErrDeadlineExceeded
	}
	n := 0
	if !p.blocking && len(b) <= rawWriteMax {
		for n < len(b) {
			w, _, e := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(p.fd), uintptr(unsafe.Pointer(&b[n])), uintptr(len(b)-n))
			if e == syscall.EINTR {
				continue
			}
			if e != 0 {
				if e != syscall.EAGAIN {
					return n, os.NewSyscallError("write", e)
				}
				break
			}
			n += int(w)
		}
		if n == len(b) {
			return n, nil
		}
	}
	m, err := p.nc.Write(b[n:])
	return n + m, err
}
