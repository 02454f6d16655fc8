package controllers

import (
	"context"
	"net/netip"
	"strings"
	"sync"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	msync "github.com/midovpc/midovpc/internal/midonet/sync"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

// NewMidoNetEngine is the Engine of production and of the integration tests: the sync
// engine over the REST client, with its index loaded on first use (MidoNet may not answer
// yet when the manager starts).
func NewMidoNetEngine(s *msync.Engine) Engine {
	return &engine{sync: s, index: s.Index}
}

type engine struct {
	sync  *msync.Engine
	index *index.Index

	loadMu sync.Mutex
}

var _ Engine = (*engine)(nil)

func (e *engine) Ready(ctx context.Context) error {
	if e.index.Loaded() {
		return nil
	}
	e.loadMu.Lock()
	defer e.loadMu.Unlock()
	if e.index.Loaded() {
		return nil
	}
	return e.index.Load(ctx)
}

func (e *engine) Sync(ctx context.Context, frag *topology.Fragment, previous []string) (*SyncResult, error) {
	if err := e.Ready(ctx); err != nil {
		return nil, err
	}
	res, err := e.sync.Sync(ctx, frag, previous)
	if err != nil {
		return nil, err
	}
	return &SyncResult{IDs: res.IDs, Owned: res.Owned, Writes: res.Writes}, nil
}

func (e *engine) Delete(ctx context.Context, frag *topology.Fragment, previous []string) error {
	if err := e.Ready(ctx); err != nil {
		return err
	}
	_, err := e.sync.Delete(ctx, frag, previous)
	return err
}

func (e *engine) IsDependencyError(err error) bool { return msync.IsDependency(err) }

func (e *engine) HostFor(node string) (string, bool) {
	h, ok := e.index.HostFor(node)
	return h.ID, ok
}

func (e *engine) RouterNames() []string {
	var names []string
	for _, r := range e.index.Routers() {
		names = append(names, r.Name)
	}
	return names
}

func (e *engine) HasAddrGroup(name string) bool { return len(e.index.AddrGroupsByName(name)) > 0 }

func (e *engine) HeldRoutes(ctx context.Context, frag *topology.Fragment) ([]topology.Route, error) {
	return e.sync.HeldRoutes(ctx, frag)
}

func (e *engine) MetadataIDOf(vpc string, privateIP netip.Addr) (int, bool) {
	for _, ch := range e.index.ChainsByName(translate.VPCMetadataOutChainName(vpc)) {
		// Only the rules of this address are read: the chain holds one per interface of the VPC.
		for targets := range e.index.SNATTargetsFrom(ch.ID, privateIP.String(), 32) {
			if len(targets) != 1 {
				continue
			}
			if a, err := netip.ParseAddr(targets[0].AddressFrom); err == nil {
				return translate.MetadataIDOf(a)
			}
		}
	}
	return 0, false
}

func (e *engine) UsedMetadataIDs() []int {
	var ids []int
	suffix := strings.TrimPrefix(translate.VPCMetadataOutChainName(""), "vc_")
	isMetadataOut := func(name string) bool {
		// Most chains are not (the cloud has a few per interface): rule them out before
		// parsing the name, which allocates.
		if !strings.HasSuffix(name, suffix) {
			return false
		}
		vpc, _, ok := translate.ParseVPCChainName(name)
		return ok && name == translate.VPCMetadataOutChainName(vpc)
	}
	// Names first (one chain per VPC matches), then only those chains' rules.
	var chains []midonet.Chain
	for _, name := range e.index.ChainNames(isMetadataOut) {
		chains = append(chains, e.index.ChainsByName(name)...)
	}
	// Only the NAT targets are read: unpacking every rule of every VPC's metadata chain (one
	// per interface) made each snapshot allocate as many rules as the cloud has interfaces.
	for _, ch := range chains {
		for t := range e.index.NatTargetsIn(ch.ID) {
			if a, err := netip.ParseAddr(t.AddressFrom); err == nil {
				if id, ok := translate.MetadataIDOf(a); ok {
					ids = append(ids, id)
				}
			}
		}
	}
	return ids
}
