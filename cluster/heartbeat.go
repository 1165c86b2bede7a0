package cluster

import (
	"context"
	"errors"
)

// ErrNoHeartbeat is returned by InstallHeartbeat when Config.Heartbeat is not set.
var ErrNoHeartbeat = errors.New("cluster: no heartbeat table configured (Config.Heartbeat, DSN cluster_heartbeat)")

// InstallHeartbeat creates the heartbeat table (Config.Heartbeat) on the primary, if it does
// not exist, and writes its first row; replication brings both to the replicas. The table has
// one row, (id 1, ts DATETIME(6)), which the monitor updates every CheckPeriod. The account
// needs CREATE and, for the monitor, INSERT and DELETE on it.
func (cl *Cluster) InstallHeartbeat(ctx context.Context) error {
	t := cl.cfg.heartbeat
	if t == "" {
		return ErrNoHeartbeat
	}
	if _, err := cl.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+t+
		" (id TINYINT UNSIGNED NOT NULL PRIMARY KEY, ts DATETIME(6) NOT NULL) ENGINE=InnoDB"); err != nil {
		return err
	}
	_, err := cl.Exec(ctx, "REPLACE INTO "+t+" (id, ts) VALUES (1, UTC_TIMESTAMP(6))")
	return err
}
