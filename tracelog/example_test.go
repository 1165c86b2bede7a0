package tracelog_test

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/myxdb/myx"
	"github.com/myxdb/myx/tracelog"
)

// A Logger goes in Config.Tracer; every connection made from the configuration logs its
// statements. Here the tracer's methods are called as a connection calls them, and the handler
// leaves out the time and the duration so that the output does not change from run to run.
func Example() {
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == tracelog.KeyDuration {
				return slog.Attr{}
			}
			return a
		},
	})
	logger := tracelog.New(slog.New(h),
		tracelog.WithSlowThreshold(100*time.Millisecond),
		tracelog.WithArgs(true))

	cfg, err := myx.ParseConfig("mysql://app@127.0.0.1:3306/test")
	if err != nil {
		panic(err)
	}
	cfg.Tracer = logger // conn, err := myx.ConnectConfig(ctx, cfg)

	// What a connection does for conn.QueryRow(ctx, "SELECT name FROM users WHERE id = ?", 42):
	ctx := logger.TraceQueryStart(context.Background(), nil, myx.TraceQueryStartData{
		SQL: "SELECT name FROM users WHERE id = ?", Args: []any{42}})
	logger.TraceQueryEnd(ctx, nil, myx.TraceQueryEndData{
		RowsReturned: 1, Cache: myx.CacheMiss, RoundTrips: 2, BytesSent: 60, BytesRead: 120,
		Duration: 800 * time.Microsecond})

	// A statement over the threshold is logged at Warn.
	ctx = logger.TraceQueryStart(context.Background(), nil, myx.TraceQueryStartData{
		SQL: "UPDATE orders SET state = 'done'"})
	logger.TraceQueryEnd(ctx, nil, myx.TraceQueryEndData{
		RowsAffected: 9000, RoundTrips: 1, BytesSent: 37, BytesRead: 11,
		Duration: 2 * time.Second})

	// Output:
	// level=INFO msg=query sql="SELECT name FROM users WHERE id = ?" rows=1 affected=0 conn_id=0 cache=miss round_trips=2 bytes_sent=60 bytes_read=120 args=[42]
	// level=WARN msg=query sql="UPDATE orders SET state = 'done'" rows=0 affected=9000 conn_id=0 cache=not_used round_trips=1 bytes_sent=37 bytes_read=11 slow=true
}
