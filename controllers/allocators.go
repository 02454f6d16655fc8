package controllers

import (
	"context"
	"sync"

	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/translate"
)

// routerIndexes hands out the router index (rtid) of VPC and NAT-gateway routers. An index is
// unique among the routers in MidoNet (recovered from their names), the indexes recorded in
// Vpc and NatGateway status, and the ones handed out but not yet recorded.
type routerIndexes struct {
	mu      sync.Mutex
	pending map[string]int // owner key → index handed out, until it shows in status
}

// indexFor returns the index of the router named by adopt (an existing router of this owner
// in MidoNet, e.g. one built by eucanetd), else a fresh one.
func (a *routerIndexes) indexFor(ctx context.Context, d *Deps, owner string, adopt func(name string) (int, bool)) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.pending == nil {
		a.pending = map[string]int{}
	}
	if idx, ok := a.pending[owner]; ok {
		return idx, nil
	}
	names := d.Engine.RouterNames()
	for _, name := range names {
		if idx, ok := adopt(name); ok {
			a.pending[owner] = idx
			return idx, nil
		}
	}
	used := translate.UsedRouterIndexes(names)
	vpcs := &vpcv1.VpcList{}
	if err := d.Client.List(ctx, vpcs); err != nil {
		return 0, err
	}
	for _, v := range vpcs.Items {
		used = append(used, int(v.Status.RouterIndex))
	}
	nats := &vpcv1.NatGatewayList{}
	if err := d.Client.List(ctx, nats); err != nil {
		return 0, err
	}
	for _, n := range nats.Items {
		used = append(used, int(n.Status.RouterIndex))
	}
	for _, idx := range a.pending {
		used = append(used, idx)
	}
	idx, err := translate.RouterIndexAllocator{}.Next(used)
	if err != nil {
		return 0, err
	}
	a.pending[owner] = idx
	return idx, nil
}

// recorded forgets a pending index once the owner's status carries it.
func (a *routerIndexes) recorded(owner string) {
	a.mu.Lock()
	delete(a.pending, owner)
	a.mu.Unlock()
}

// metadataIDs hands out the per-interface metadata ids (eniid, giving 255.0.0.0 + eniid).
type metadataIDs struct {
	mu      sync.Mutex
	pending map[string]int
}

func (a *metadataIDs) idFor(ctx context.Context, c client.Client, inMidoNet []int, owner string) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.pending == nil {
		a.pending = map[string]int{}
	}
	if id, ok := a.pending[owner]; ok {
		return id, nil
	}
	enis := &vpcv1.NetworkInterfaceList{}
	if err := c.List(ctx, enis); err != nil {
		return 0, err
	}
	used := append([]int(nil), inMidoNet...)
	for _, e := range enis.Items {
		if ip, err := parseIP(e.Status.MetadataIP); err == nil {
			if id, ok := translate.MetadataIDOf(ip); ok {
				used = append(used, id)
			}
		}
	}
	for _, id := range a.pending {
		used = append(used, id)
	}
	id, err := translate.MetadataIDAllocator{}.Next(used)
	if err != nil {
		return 0, err
	}
	a.pending[owner] = id
	return id, nil
}

func (a *metadataIDs) recorded(owner string) {
	a.mu.Lock()
	delete(a.pending, owner)
	a.mu.Unlock()
}
