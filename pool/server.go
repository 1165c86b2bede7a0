package pool

import (
	"context"

	"github.com/myxdb/myx"
)

// ServerInfo reports the server the pool's connections talk to: its flavour and version,
// as the first connection the pool opened found them in the handshake (see
// myx.Conn.ServerInfo). The answer is kept for the life of the pool: every connection of
// a pool is expected to reach the same server, or servers of one flavour and version.
//
// Until the pool has had a connection, ServerInfo acquires one to learn it (bounded by
// ctx, with Acquire's rules: it may wait for a connection or open one) and releases it at
// once. When no connection can be had, because the server is unreachable, the pool is
// closed or ctx ended, it returns that error and a zero ServerInfo, never a guess, and
// the next call tries again.
func (p *Pool) ServerInfo(ctx context.Context) (myx.ServerInfo, error) {
	if info := p.server.Load(); info != nil {
		return *info, nil
	}
	e, err := p.acquire(ctx)
	if err != nil {
		return myx.ServerInfo{}, err
	}
	p.noteServer(e.c)
	p.put(e, true)
	return *p.server.Load(), nil
}

// noteServer keeps the server c reports, unless one is known already.
func (p *Pool) noteServer(c *myx.Conn) {
	if p.server.Load() == nil {
		info := c.ServerInfo()
		p.server.CompareAndSwap(nil, &info)
	}
}
