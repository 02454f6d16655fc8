package controllers

import (
	"context"
	"net/netip"

	"github.com/midovpc/midovpc/internal/topology"
)

// Engine is what the reconcilers need of the MidoNet side: turn a fragment into MidoNet
// objects with the fewest writes, and remove what an owner owns. internal/midonet/sync
// implements it against the REST client; the index behind it answers host and router-index
// questions without listing MidoNet.
type Engine interface {
	// Ready returns once the engine knows what MidoNet holds (its index is loaded).
	Ready(ctx context.Context) error
	// Sync makes MidoNet hold frag. previous are the ids the owner recorded last time; what
	// of them is no longer desired is deleted.
	Sync(ctx context.Context, frag *topology.Fragment, previous []string) (*SyncResult, error)
	// Delete removes everything the owner owns: what frag matches and the previous ids.
	Delete(ctx context.Context, frag *topology.Fragment, previous []string) error
	// IsDependencyError tells a missing MidoNet dependency (a chain another owner has not
	// created yet, an unknown host) from a failure.
	IsDependencyError(err error) bool
	// HostFor finds the MidoNet host of a node, by address or name.
	HostFor(node string) (hostID string, ok bool)
	// RouterNames are the names of the tenant's routers in MidoNet (VPC and NAT routers
	// carry their router index in the name).
	RouterNames() []string
	// MetadataIDOf recovers the metadata id of an interface from the SNAT rule that already
	// maps its private address in its VPC's vc_<vpc>_mdulout chain (adoption).
	MetadataIDOf(vpc string, privateIP netip.Addr) (int, bool)
	// HasAddrGroup tells whether MidoNet holds an IP address group of that name (a reference
	// target adopted from an existing topology).
	HasAddrGroup(name string) bool
	// HeldRoutes returns the routes of frag that MidoNet already holds for frag's owner,
	// writing nothing (adoption of routes whose target no reconcile has reached yet).
	HeldRoutes(ctx context.Context, frag *topology.Fragment) ([]topology.Route, error)
	// UsedMetadataIDs are the metadata ids MidoNet already maps, so that a new interface
	// never shares a metadata address with one not reconciled yet.
	UsedMetadataIDs() []int
}

// SyncResult is what a sync did and what the owner now owns.
type SyncResult struct {
	// IDs maps topology keys to MidoNet ids.
	IDs map[string]string
	// Owned lists every MidoNet id the owner owns now.
	Owned []string
	// Writes is the number of REST writes the sync made.
	Writes int
}
