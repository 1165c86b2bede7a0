package tracelog

import (
	"context"
	"log/slog"

	"github.com/myxdb/myx/pool"
)

// Attribute keys of the pool's records.
const (
	KeyPending    = "pending"         // acquires already waiting when this one started
	KeyIdle       = "idle"            // idle connections when this acquire started
	KeyWait       = "wait"            // how long the acquire waited for a connection
	KeyOpened     = "opened"          // the connection was opened for this acquire
	KeyCreate     = "create_duration" // how long opening it took
	KeyReplaced   = "replaced"        // unfit connections closed before one was found
	KeyUse        = "use"             // how long the connection was held
	KeyRolledBack = "rolled_back"
	KeyReset      = "reset"
	KeyDestroyed  = "destroyed"
	KeyReason     = "reason"
	KeyHijacked   = "hijacked"
)

var (
	_ pool.AcquireTracer = (*Logger)(nil)
	_ pool.ReleaseTracer = (*Logger)(nil)
)

// TraceAcquireStart implements pool.AcquireTracer.
func (l *Logger) TraceAcquireStart(ctx context.Context, p *pool.Pool, data pool.TraceAcquireStartData) context.Context {
	if !l.detailWanted(ctx) {
		return ctx
	}
	return carry(ctx, data)
}

// TraceAcquireEnd implements pool.AcquireTracer: it logs the acquire at Debug (at Error when
// it failed, a timeout included).
func (l *Logger) TraceAcquireEnd(ctx context.Context, p *pool.Pool, data pool.TraceAcquireEndData) {
	start, ok := recall[pool.TraceAcquireStartData](ctx)
	if !ok {
		return
	}
	level := detailLevel(data.Err)
	if !l.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 11)
	attrs = append(attrs,
		slog.Duration(KeyDuration, data.Duration),
		slog.Duration(KeyWait, data.Wait),
		slog.Int(KeyPending, start.Pending),
		slog.Int(KeyIdle, start.Idle),
		slog.Bool(KeyOpened, data.Opened),
	)
	if data.Opened {
		attrs = append(attrs, slog.Duration(KeyCreate, data.CreateDuration))
	}
	if data.Replaced > 0 {
		attrs = append(attrs, slog.Int(KeyReplaced, data.Replaced))
	}
	if data.Conn != nil {
		attrs = append(attrs, slog.Int64(KeyConnID, connID(data.Conn)))
	}
	l.emit(ctx, level, MsgAcquire, attrs, data.Err, false)
}

// TraceRelease implements pool.ReleaseTracer: it logs the release at Debug (at Warn when the
// connection was closed because of an error).
func (l *Logger) TraceRelease(ctx context.Context, p *pool.Pool, data pool.TraceReleaseData) {
	level := slog.LevelDebug
	if data.Destroyed && data.Err != nil {
		level = slog.LevelWarn
	}
	if !l.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 9)
	attrs = append(attrs,
		slog.Int64(KeyConnID, connID(data.Conn)),
		slog.Duration(KeyUse, data.Use),
	)
	if data.RolledBack {
		attrs = append(attrs, slog.Bool(KeyRolledBack, true))
	}
	if data.Reset {
		attrs = append(attrs, slog.Bool(KeyReset, true))
	}
	if data.Destroyed {
		attrs = append(attrs, slog.Bool(KeyDestroyed, true), slog.String(KeyReason, data.Reason))
	}
	if data.Hijacked {
		attrs = append(attrs, slog.Bool(KeyHijacked, true))
	}
	l.emit(ctx, level, MsgRelease, attrs, data.Err, false)
}
