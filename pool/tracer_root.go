package pool

// rootMulti combines several root tracers for the pool's connections.
// Until the root package's myx.MultiTracer is merged, only the first is used.
func rootMulti(ts []any) any { return ts[0] }
