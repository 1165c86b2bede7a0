package cluster

import (
	"context"
	"time"
)

// Role is what a host is in its cluster, as the monitor last found it.
type Role int

const (
	// RoleUnknown: not checked yet, or unreachable since the cluster started.
	RoleUnknown Role = iota
	// RolePrimary: writable (read_only off) and not replicating from another server.
	RolePrimary
	// RoleReplica: replicating from another server (its replica status shows a running
	// replication thread), or read only.
	RoleReplica
	// RoleNode: a Galera node (wsrep_on), all of which take writes.
	RoleNode
)

func (r Role) String() string {
	switch r {
	case RolePrimary:
		return "primary"
	case RoleReplica:
		return "replica"
	case RoleNode:
		return "node"
	}
	return "unknown"
}

// State is whether a host may get traffic, as the monitor last found it.
type State int

const (
	// StateUnknown: not checked yet.
	StateUnknown State = iota
	// StateUp: the host answered its last check and may get traffic (fit for its role).
	StateUp
	// StateNotReady: the host answers but must not get traffic (a Galera node that is not
	// Synced or not ready, or that refused work with error 1047).
	StateNotReady
	// StateDown: the host could not be reached; it is on the deny list until HostStat's
	// DeniedUntil, when the monitor tries it again.
	StateDown
)

func (s State) String() string {
	switch s {
	case StateUp:
		return "up"
	case StateNotReady:
		return "not-ready"
	case StateDown:
		return "down"
	}
	return "unknown"
}

// HostTracer is implemented by a Config.Tracer that wants to hear of changes to the hosts:
// a role or state found different by a check, a host denied or let back, a new primary
// elected. TraceHostChange is called from the cluster's monitor goroutines, never with a lock
// held, and must not block for long.
type HostTracer interface {
	TraceHostChange(ctx context.Context, data HostChangeData)
}

// HostChangeData describes one change to one host.
type HostChangeData struct {
	// Addr is the host's address, as configured.
	Addr string
	// OldRole, Role, OldState and State are the host's role and state before and after.
	OldRole, Role   Role
	OldState, State State
	// Primary tells whether the host is the cluster's primary (replication mode) after the
	// change; WasPrimary whether it was before.
	Primary, WasPrimary bool
	// DeniedUntil is set while the host is on the deny list: when it will be tried again.
	DeniedUntil time.Time
	// Err is the failure that caused the change, if one did.
	Err error
}
