package main

import (
	"context"
	"os"

	"github.com/myxdb/myx/bench"
)

// The cluster reports (bench/cluster.go), not in the default set: each starts its own
// throwaway servers from the installed binaries.
//
//	go run ./cmd/compare -only cluster    # reads: primary alone vs a cluster Reader over two replicas
//	go run ./cmd/compare -only failover   # kill the primary, promote a replica, time the first write
func init() {
	reports["cluster"] = func(ctx context.Context, rounds int) error {
		return bench.ClusterReport(ctx, os.Stdout, rounds, size(bench.ClusterN))
	}
	reports["failover"] = func(ctx context.Context, rounds int) error {
		return bench.FailoverReport(ctx, os.Stdout, rounds)
	}
}
