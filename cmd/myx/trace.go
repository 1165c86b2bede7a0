package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/myxdb/myx/tracelog"
)

// The -trace flag of myx tour and myx query: each statement the driver sends, and the rest of
// its work (connections, preparations, batches, resets), printed on standard error through
// tracelog, one compact line each:
//
//	myx:   0.4ms  SELECT name FROM user WHERE id = ?  (1 row, conn 12, cache hit)

// traceFlagUsage is the -trace flag's help line.
const traceFlagUsage = "print each statement the driver runs, with its timing, on standard error"

// newTracer returns the tracer -trace puts in Config.Tracer: tracelog writing compact lines
// to w. The handler takes every level, so that preparations, batch items and session resets
// (tracelog logs them at Debug) show too.
func newTracer(w io.Writer) *tracelog.Logger {
	return tracelog.New(slog.New(&traceHandler{w: w, mu: new(sync.Mutex)}))
}

// traceHandler is a slog.Handler printing tracelog's records as one short line each. It
// ignores WithAttrs and WithGroup (tracelog uses neither).
type traceHandler struct {
	w  io.Writer
	mu *sync.Mutex // one line at a time: the pool's connections log from several goroutines
}

func (h *traceHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *traceHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *traceHandler) WithGroup(string) slog.Handler            { return h }

// traceFields are the attributes of one tracelog record that the line shows.
type traceFields struct {
	dur                 time.Duration
	hasDur              bool
	sql, err, cache     string
	rows, affected, id  int64
	size, index, trips  int64
	slow, cached        bool
	table, method, addr string
	server, op, cause   string
	killed, closed      bool
	attempt             int64
}

func (f *traceFields) set(a slog.Attr) {
	v := a.Value.Resolve()
	switch a.Key {
	case tracelog.KeyDuration:
		f.dur, f.hasDur = v.Duration(), true
	case tracelog.KeySQL:
		f.sql = v.String()
	case tracelog.KeyErr:
		f.err = v.String()
	case tracelog.KeyCache:
		f.cache = v.String()
	case tracelog.KeyRows:
		f.rows = v.Int64()
	case tracelog.KeyAffected:
		f.affected = v.Int64()
	case tracelog.KeyConnID:
		f.id = v.Int64()
	case tracelog.KeySize:
		f.size = v.Int64()
	case tracelog.KeyIndex:
		f.index = v.Int64()
	case tracelog.KeyRoundTrips:
		f.trips = v.Int64()
	case tracelog.KeySlow:
		f.slow = v.Bool()
	case tracelog.KeyCached:
		f.cached = v.Bool()
	case tracelog.KeyTable:
		f.table = v.String()
	case tracelog.KeyMethod:
		f.method = v.String()
	case tracelog.KeyAddr:
		f.addr = v.String()
	case tracelog.KeyServer:
		f.server = v.String()
	case tracelog.KeyOp:
		f.op = v.String()
	case tracelog.KeyCause:
		f.cause = v.String()
	case tracelog.KeyKilled:
		f.killed = v.Bool()
	case tracelog.KeyClosed:
		f.closed = v.Bool()
	case tracelog.KeyAttempt:
		f.attempt = v.Int64()
	}
}

func (h *traceHandler) Handle(_ context.Context, r slog.Record) error {
	var f traceFields
	r.Attrs(func(a slog.Attr) bool {
		f.set(a)
		return true
	})
	var notes []string
	conn := func() {
		if f.id != 0 {
			notes = append(notes, fmt.Sprintf("conn %d", f.id))
		}
	}
	var what string
	switch r.Message {
	case tracelog.MsgQuery:
		what = traceSQL(f.sql)
		if f.err == "" {
			notes = append(notes, rowsNote(f.rows, f.affected))
		}
		conn()
		if f.cache != "" && f.cache != "not_used" {
			notes = append(notes, "cache "+f.cache)
		}
		if f.trips > 1 {
			notes = append(notes, fmt.Sprintf("%d round trips", f.trips))
		}
	case tracelog.MsgBatchQuery:
		what = fmt.Sprintf("  [%d] %s", f.index, traceSQL(f.sql))
		if f.err == "" {
			notes = append(notes, rowsNote(f.rows, f.affected))
		}
	case tracelog.MsgBatch:
		what = fmt.Sprintf("batch of %s", plural(uint64(f.size), "statement"))
		conn()
		notes = append(notes, plural(uint64(f.trips), "round trip"))
	case tracelog.MsgExecMany:
		what = traceSQL(f.sql)
		notes = append(notes, fmt.Sprintf("executemany of %s", plural(uint64(f.size), "row")))
		if f.method != "" {
			notes = append(notes, f.method)
		}
		if f.err == "" {
			notes = append(notes, rowsNote(0, f.affected))
		}
		conn()
	case tracelog.MsgCopyFrom:
		what = "CopyFrom " + f.table
		if f.err == "" {
			notes = append(notes, plural(uint64(f.rows), "row")+" loaded")
		}
		conn()
	case tracelog.MsgPrepare:
		if f.cached && f.err == "" {
			return nil // nothing was sent
		}
		what = "prepare " + traceSQL(f.sql)
		conn()
	case tracelog.MsgConnect:
		what = "connect " + f.addr
		conn()
		if f.server != "" {
			notes = append(notes, "server "+f.server)
		}
	case tracelog.MsgCancel:
		what = "cancel: " + f.cause
		if f.killed {
			notes = append(notes, "KILL QUERY sent")
		}
		if f.closed {
			notes = append(notes, "connection closed")
		}
		conn()
	case tracelog.MsgReset:
		what = "reset session"
		conn()
	case tracelog.MsgRetry:
		what = fmt.Sprintf("retry %s, attempt %d", f.op, f.attempt)
	default:
		what = r.Message
		conn()
	}
	var b strings.Builder
	b.WriteString("myx: ")
	if f.hasDur {
		fmt.Fprintf(&b, "%7s  ", traceDuration(f.dur))
	} else {
		b.WriteString("         ")
	}
	b.WriteString(what)
	if len(notes) > 0 {
		b.WriteString("  (" + strings.Join(notes, ", ") + ")")
	}
	if f.slow {
		b.WriteString("  SLOW")
	}
	if f.err != "" {
		b.WriteString("  error: " + f.err)
	}
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

// rowsNote says what a statement returned or changed: "1 row", "3 affected", "0 rows".
func rowsNote(rows, affected int64) string {
	switch {
	case rows > 0 && affected > 0:
		return fmt.Sprintf("%s, %d affected", plural(uint64(rows), "row"), affected)
	case affected > 0:
		return fmt.Sprintf("%d affected", affected)
	}
	return plural(uint64(rows), "row")
}

// maxTraceSQL bounds the statement text on a -trace line.
const maxTraceSQL = 160

// traceSQL is a statement's text on one line (runs of white space as one space), cut to
// maxTraceSQL bytes.
func traceSQL(sql string) string {
	s := strings.Join(strings.Fields(sql), " ")
	if len(s) > maxTraceSQL {
		n := maxTraceSQL
		for n > 0 && s[n]&0xC0 == 0x80 {
			n--
		}
		s = s[:n] + "…"
	}
	return s
}

// traceDuration formats d for a -trace line: "0.04ms", "0.4ms", "12.3ms", "1.25s".
func traceDuration(d time.Duration) string {
	if d < 100*time.Microsecond {
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	}
	if d < time.Second {
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}
