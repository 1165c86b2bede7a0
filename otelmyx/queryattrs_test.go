package otelmyx

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

func TestQueryAttributesTraceparent(t *testing.T) {
	if got := QueryAttributes(context.Background()); got != nil {
		t.Fatalf("no span: got %v, want nil", got)
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
	})
	got := QueryAttributes(trace.ContextWithSpanContext(context.Background(), sc))
	want := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	if len(got) != 1 || got[0].Name != "traceparent" || got[0].Value != want {
		t.Fatalf("got %v, want traceparent %s", got, want)
	}
}
