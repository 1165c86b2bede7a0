package otelmyx

import (
	"context"

	"github.com/myxdb/myx"
	"go.opentelemetry.io/otel/trace"
)

// QueryAttributes is a myx.Config.QueryAttributesFunc that sends the W3C traceparent of the
// span in ctx with each statement, so that the server's own telemetry can join the trace. It
// returns nil when ctx holds no valid span context. The connection calls it with the context
// the statement's TraceQueryStart returned, so with this package's Tracer the traceparent names
// the statement's own span.
//
// Query attributes travel in the protocol on MySQL 8.0.23+ (set Config.QueryAttributes); on
// MariaDB, which has none, Config.SQLComment puts them in an SQL comment instead, which makes
// every statement's text different and so bypasses the prepared-statement cache.
func QueryAttributes(ctx context.Context) []myx.QueryAttribute {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return nil
	}
	return []myx.QueryAttribute{{
		Name:  "traceparent",
		Value: myx.TraceParent([16]byte(sc.TraceID()), [8]byte(sc.SpanID()), byte(sc.TraceFlags())),
	}}
}
