package myx

// The session core: cancellation. A context that ends during a call sends KILL QUERY from a
// side connection, or forces the socket's deadline.

import (
	"context"
	"strconv"
	"sync"
	"time"
)

// canceler connects a call's context to the server: when the context ends while the call is
// under way, it sends KILL QUERY over a side connection, then gives the server KillTimeout to
// stop; if the kill fails or the server does not stop in time, it forces the socket deadline so
// the blocked I/O returns and the connection is closed. No goroutine runs unless a context ends.
type canceler struct {
	c       *Conn
	onDone  func() // c.cancel.fire, bound once
	stop    func() bool
	ctx     context.Context
	mu      sync.Mutex
	state   int // armIdle, armArmed, armFired
	opDone  chan struct{}
	done    chan struct{}
	killed  bool // KILL QUERY was delivered
	forced  bool // the socket deadline was forced
	timeout bool // a deadline was set on the socket
	// For the CancelTracer: when fire began, and why the kill failed.
	firedAt time.Time
	killErr error
}

const (
	armIdle = iota
	armArmed
	armFired
)

func (k *canceler) init(c *Conn) {
	k.c = c
	k.onDone = k.fire
}

// arm watches ctx for the call starting now.
func (k *canceler) arm(ctx context.Context) {
	if ctx.Done() == nil {
		return
	}
	k.ctx = ctx
	k.state = armArmed
	if dl, ok := ctx.Deadline(); ok {
		// Backstop: even if everything else failed, the socket gives up a little after the
		// kill path would have.
		backstop := dl.Add(2*k.c.cfg.killTimeout() + time.Second)
		k.c.backstop = backstop
		k.c.nc.SetDeadline(backstop)
		if k.c.poll != nil {
			k.c.poll.setDeadline(backstop)
		}
		k.timeout = true
	}
	k.stop = context.AfterFunc(ctx, k.onDone)
}

// disarm ends the watch. It reports whether the context fired during the call, and if so
// whether the kill was delivered and whether the socket had to be forced.
func (k *canceler) disarm() (fired, killed, forced bool) {
	if k.ctx == nil {
		return false, false, false
	}
	stopped := k.stop()
	k.ctx, k.stop = nil, nil
	if k.timeout {
		k.c.backstop = time.Time{}
		k.c.nc.SetDeadline(time.Time{})
		if k.c.poll != nil {
			k.c.poll.setDeadline(time.Time{})
		}
		k.timeout = false
	}
	if stopped {
		k.state = armIdle
		return false, false, false
	}
	k.mu.Lock()
	if k.state == armArmed {
		// fire has been scheduled but not started; it will see armIdle and do nothing.
		k.state = armIdle
		k.firedAt = time.Time{}
		k.mu.Unlock()
		return true, false, false
	}
	close(k.opDone)
	done := k.done
	k.mu.Unlock()
	<-done
	k.mu.Lock()
	killed, forced = k.killed, k.forced
	k.state, k.killed, k.forced = armIdle, false, false
	k.mu.Unlock()
	if forced || k.c.closed {
		// The socket deadline was forced into the past; make sure it is cleared if the
		// connection is still considered open (it will not be: the I/O failed).
		k.c.ioForced.Store(false)
		k.c.nc.SetDeadline(time.Time{})
	}
	return true, killed, forced
}

// fire runs in its own goroutine when the watched context ends.
func (k *canceler) fire() {
	k.mu.Lock()
	if k.state != armArmed {
		k.mu.Unlock()
		return
	}
	k.state = armFired
	k.firedAt = time.Now()
	k.killErr = nil
	k.opDone = make(chan struct{})
	k.done = make(chan struct{})
	opDone := k.opDone
	k.mu.Unlock()
	defer close(k.done)

	c := k.c
	timeout := c.cfg.killTimeout()
	err := killQuery(c.cfg, c.addr, c.id, timeout)
	if err != nil {
		k.mu.Lock()
		k.forced = true
		k.killErr = err
		k.mu.Unlock()
		c.force()
		return
	}
	k.mu.Lock()
	k.killed = true
	k.mu.Unlock()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-opDone:
	case <-t.C:
		k.mu.Lock()
		k.forced = true
		k.mu.Unlock()
		c.force()
	}
}

// force makes the I/O under way fail at once (the connection is then closed): the socket
// deadline moves into the past, and a read waiting in poll(2) is woken.
func (c *Conn) force() {
	c.ioForced.Store(true)
	c.nc.SetDeadline(time.Unix(1, 0))
	if c.poll != nil {
		c.poll.interrupt()
	}
}

// killQuery opens a short-lived side connection and sends KILL QUERY id.
func killQuery(cfg *Config, addr string, id uint32, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	side := cfg.Copy()
	side.Addr, side.Addrs = addr, nil // the server the connection is on
	side.SessionVars = nil
	side.InitCommands = nil
	side.StatementCacheSize = -1
	side.Tracer = nil // the kill is traced as the cancellation of the statement it stops
	side.ConnectTimeout = timeout
	kc, err := ConnectConfig(ctx, side)
	if err != nil {
		return err
	}
	defer kc.Close(ctx)
	_, err = kc.Exec(ctx, "KILL QUERY "+strconv.FormatUint(uint64(id), 10))
	if n, ok := serverErrorNumber(err); ok && n == erNoSuchThread {
		// Unknown thread id: the connection is gone already.
		return nil
	}
	return err
}
