package controllers

import (
	"context"
	"fmt"
	"net/netip"
	"sync"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/translate"
)

// ids hands out small numbers that must be unique across resources: router indexes (shared by
// VPC and NAT-gateway routers) and interface metadata ids. A number handed out stays reserved
// for its owner until the owner's status records it, so two reconciles never pick the same.
type ids struct {
	mu      sync.Mutex
	pending map[string]int // owner → number handed out, until it shows in status
}

// claim returns the owner's pending number, else the one next picks; next sees the numbers
// pending for other owners.
func (a *ids) claim(owner string, next func(pending []int) (int, error)) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if n, ok := a.pending[owner]; ok {
		return n, nil
	}
	var pending []int
	for _, n := range a.pending {
		pending = append(pending, n)
	}
	n, err := next(pending)
	if err != nil {
		return 0, err
	}
	if a.pending == nil {
		a.pending = map[string]int{}
	}
	a.pending[owner] = n
	return n, nil
}

// recordID gives an object its number once: claims it, sets it into the status with set, and
// writes the status before the number is used, so that it survives restarts.
func recordID[T object](ctx context.Context, d *Deps, a *ids, obj T, next func(pending []int) (int, error), set func(int) error) (int, error) {
	owner := fmt.Sprintf("%T/%s/%s", obj, obj.GetNamespace(), obj.GetName())
	n, err := a.claim(owner, next)
	if err != nil {
		return 0, err
	}
	if err := set(n); err != nil {
		return 0, err
	}
	if err := d.Client.Status().Update(ctx, obj); err != nil {
		return 0, err
	}
	a.mu.Lock()
	delete(a.pending, owner)
	a.mu.Unlock()
	return n, nil
}

// nextRouterIndex adopts the index of a router of this owner that already exists in MidoNet
// (adopt recognises its name, e.g. one built by eucanetd), else picks the lowest index free
// among MidoNet's router names, the Vpc and NatGateway statuses and the pending ones.
func (d *Deps) nextRouterIndex(ctx context.Context, adopt func(name string) (int, bool)) func([]int) (int, error) {
	return func(pending []int) (int, error) {
		names := d.Engine.RouterNames()
		for _, name := range names {
			if idx, ok := adopt(name); ok {
				return idx, nil
			}
		}
		used := append(translate.UsedRouterIndexes(names), pending...)
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
		return translate.RouterIndexAllocator{}.Next(used)
	}
}

// nextMetadataID adopts the id MidoNet already maps to the interface's private address in its
// VPC, else picks the lowest id free among those MidoNet maps, the interfaces' statuses and
// the pending ones.
func (d *Deps) nextMetadataID(ctx context.Context, vpc string, privateIP netip.Addr) func([]int) (int, error) {
	return func(pending []int) (int, error) {
		if id, ok := d.Engine.MetadataIDOf(vpc, privateIP); ok {
			return id, nil
		}
		used := append(d.Engine.UsedMetadataIDs(), pending...)
		enis := &vpcv1.NetworkInterfaceList{}
		if err := d.Client.List(ctx, enis); err != nil {
			return 0, err
		}
		for _, e := range enis.Items {
			if ip, err := parseIP(e.Status.MetadataIP); err == nil {
				if id, ok := translate.MetadataIDOf(ip); ok {
					used = append(used, id)
				}
			}
		}
		return translate.MetadataIDAllocator{}.Next(used)
	}
}
