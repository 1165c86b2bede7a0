package myx

// SetPollLimit gives the connections made from cfg their own poller group in which at most n
// may wait in poll(2) at once (0: every wait of a PollAdaptive connection goes to the
// runtime's poller).
func SetPollLimit(cfg *Config, n int) { cfg.pollers = newPollGroup(int32(n), 1<<30) }

// PollWaiting reports how many connections of cfg's group are waiting for the server.
func PollWaiting(cfg *Config) int { return int(cfg.pollGroup().waiting.Load()) }
