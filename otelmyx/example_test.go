package otelmyx_test

import (
	"context"
	"log"

	"github.com/myxdb/myx/otelmyx"
	"github.com/myxdb/myx/pool"
)

// A pool traced with the global TracerProvider and MeterProvider: statements run under a
// recording span get a client span each; the pool's connection metrics are observed until
// unregister is called.
func ExampleNewTracer() {
	ctx := context.Background()
	t := otelmyx.NewTracer(otelmyx.WithQueryText(true))
	cfg, err := pool.ParseConfig("mysql://root@127.0.0.1:3306/test")
	if err != nil {
		log.Fatal(err)
	}
	cfg.Tracer = t // the pool's acquires and releases, and its connections' statements
	p, err := pool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	unregister, err := t.RegisterPoolMetrics(p)
	if err != nil {
		log.Fatal(err)
	}
	defer unregister()
	if _, err := p.Exec(ctx, "DO ?", 1); err != nil {
		log.Fatal(err)
	}
}
