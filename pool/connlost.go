package pool

// ConnLost reports whether err means the connection, not the statement, failed: a
// *myx.ConnError or closed connection (myx.IsConnLost), or the server reporting that it
// killed the connection or is shutting down. A *myx.InterruptedError (a context that ended)
// is not. It is the rule by which Idempotent runs its function again and BeginFunc retries a
// transaction lost before COMMIT; package cluster uses it to decide that a host may be gone.
func ConnLost(err error) bool { return connGone(err) }
