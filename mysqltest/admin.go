package mysqltest

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// adminConn is a connection as root to a throwaway server, for the
// administrative statements of StartReplication and StartGalera. It runs on
// the package's raw client, since the package must not depend on myx.
type adminConn struct {
	raw  *rawClient
	addr string
}

// dialAdmin connects to s over TCP as root, without a password, to database
// test.
func dialAdmin(ctx context.Context, s *Server) (*adminConn, error) {
	addr := s.Addr()
	raw, err := rawDialContext(ctx, "tcp", addr, rawOptions{user: "root", db: "test"})
	if err != nil {
		return nil, fmt.Errorf("mysqltest: connecting to %s: %w", addr, err)
	}
	return &adminConn{raw: raw, addr: addr}, nil
}

// withConn runs f on a new connection to s as root.
func withConn(ctx context.Context, s *Server, f func(*adminConn) error) error {
	c, err := dialAdmin(ctx, s)
	if err != nil {
		return err
	}
	defer c.close()
	return f(c)
}

func (c *adminConn) close() { c.raw.quit() }

// query runs sql and returns its result; ctx ending interrupts it (the
// connection is then unusable).
func (c *adminConn) query(ctx context.Context, sql string) (*rawResult, error) {
	var deadline time.Time
	if dl, ok := ctx.Deadline(); ok {
		deadline = dl
	}
	c.raw.conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { c.raw.conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	res, err := c.raw.query(sql)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return nil, fmt.Errorf("mysqltest: %s on %s: %w", sql, c.addr, err)
	}
	return res, nil
}

// exec runs a statement whose result does not matter.
func (c *adminConn) exec(ctx context.Context, sql string) error {
	_, err := c.query(ctx, sql)
	return err
}

// queryString returns the first column of the first row of sql's result
// ("" for NULL); no row is an error.
func (c *adminConn) queryString(ctx context.Context, sql string) (string, error) {
	res, err := c.query(ctx, sql)
	if err != nil {
		return "", err
	}
	if len(res.rows) == 0 || len(res.rows[0]) == 0 {
		return "", fmt.Errorf("mysqltest: %s on %s returned no row", sql, c.addr)
	}
	if v := res.rows[0][0]; v != nil {
		return *v, nil
	}
	return "", nil
}

// quoteSQL returns s as a single-quoted SQL string literal (for a server in
// its default SQL mode, where backslash escapes).
func quoteSQL(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\x00", `\0`).Replace(s) + "'"
}
