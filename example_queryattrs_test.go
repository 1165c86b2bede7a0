package myx_test

import (
	"context"
	"fmt"

	"github.com/myxdb/myx"
)

// Attributes for the server's side of a trace: with Config.QueryAttributes a MySQL 8.0.23+
// server receives them as query attributes; elsewhere Config.SQLComment appends them to the
// statement as a sqlcommenter comment, which the process list and the slow log show.
func ExampleWithQueryAttributes() {
	ctx := context.Background()
	cfg, err := myx.ParseConfig(dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.SQLComment = true
	// Called for every statement; a tracer would give its span's traceparent here.
	cfg.QueryAttributesFunc = func(ctx context.Context) []myx.QueryAttribute {
		tp := myx.TraceParent([16]byte{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
			[8]byte{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7}, 1)
		return []myx.QueryAttribute{{Name: "traceparent", Value: tp}}
	}
	conn, err := myx.ConnectConfig(ctx, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)

	// Attributes of one call ride in its context.
	ctx = myx.WithQueryAttributes(ctx, myx.QueryAttribute{Name: "route", Value: "/users"})
	var text string
	err = conn.QueryRow(ctx, "SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()").Scan(&text)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(text)
	// Output:
	// SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID() /*route='%2Fusers',traceparent='00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'*/
}
