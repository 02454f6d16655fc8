package controllers

import (
	"context"
	"fmt"
	"net/netip"
	"sync"

	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/translate"
)

// ids hands out small numbers that must be unique across resources: router indexes (shared by
// VPC and NAT-gateway routers) and interface metadata ids.
//
// A number handed out stays reserved for its owner for the life of the process. The next
// allocation reads the other owners' numbers from the cache, which shows a status update some
// time after it was written; releasing a reservation once the status is written (rather than
// once the cache shows it) let two interfaces get the same metadata id. Keeping it costs one
// map entry per owner; a restart starts afresh from the statuses, which by then are listed.
type ids struct {
	mu       sync.Mutex
	reserved map[string]int // owner → its number
}

// claim returns the owner's reserved number, else the one next picks; next sees every number
// reserved for other owners.
func (a *ids) claim(owner string, next func(reserved map[int]bool) (int, error)) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if n, ok := a.reserved[owner]; ok {
		return n, nil
	}
	taken := map[int]bool{}
	for _, n := range a.reserved {
		taken[n] = true
	}
	n, err := next(taken)
	if err != nil {
		return 0, err
	}
	if a.reserved == nil {
		a.reserved = map[string]int{}
	}
	a.reserved[owner] = n
	return n, nil
}

// forget drops an owner's reservation (its number turned out to be shared).
func (a *ids) forget(owner string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.reserved, owner)
}

func ownerKey(obj client.Object) string {
	return fmt.Sprintf("%T/%s/%s", obj, obj.GetNamespace(), obj.GetName())
}

// recordID gives an object its number once: claims it, sets it into the status with set, and
// writes the status before the number is used, so that it survives restarts. A number that
// MidoNet already holds for this very object (inMidoNet; adopted after a restart on a fresh
// control plane) is not written ahead: it is in use already, a crash before the status is
// written finds it again, and the reconcile's own status write records it (one API write less
// per interface when a thousand are adopted at once).
func recordID[T object](ctx context.Context, d *Deps, a *ids, obj T, next func(reserved map[int]bool) (int, error), set func(int) error, inMidoNet func(int) bool) (int, error) {
	n, err := a.claim(ownerKey(obj), next)
	if err != nil {
		return 0, err
	}
	if err := set(n); err != nil {
		return 0, err
	}
	if inMidoNet != nil && inMidoNet(n) {
		return n, nil
	}
	if err := d.Client.Status().Update(ctx, obj); err != nil {
		return 0, err
	}
	return n, nil
}

// lowestFree picks the lowest number free of used and reserved.
func lowestFree(used []int, reserved map[int]bool, pick func(used []int) (int, error)) (int, error) {
	for n := range reserved {
		used = append(used, n)
	}
	return pick(used)
}

// nextRouterIndex adopts the index of a router of this owner that already exists in MidoNet
// (adopt recognises its name, e.g. one built by eucanetd) unless another owner has it, else
// picks the lowest index free among MidoNet's router names, the other Vpc and NatGateway
// statuses and the reservations.
func (d *Deps) nextRouterIndex(ctx context.Context, self client.Object, adopt func(name string) (int, bool)) func(map[int]bool) (int, error) {
	return func(reserved map[int]bool) (int, error) {
		others := map[int]bool{}
		vpcs := &vpcv1.VpcList{}
		if err := d.Client.List(ctx, vpcs); err != nil {
			return 0, err
		}
		for _, v := range vpcs.Items {
			if v.UID != self.GetUID() && v.Status.RouterIndex != 0 {
				others[int(v.Status.RouterIndex)] = true
			}
		}
		nats := &vpcv1.NatGatewayList{}
		if err := d.Client.List(ctx, nats); err != nil {
			return 0, err
		}
		for _, n := range nats.Items {
			if n.UID != self.GetUID() && n.Status.RouterIndex != 0 {
				others[int(n.Status.RouterIndex)] = true
			}
		}
		names := d.Engine.RouterNames()
		for _, name := range names {
			if idx, ok := adopt(name); ok && !others[idx] && !reserved[idx] {
				return idx, nil
			}
		}
		used := translate.UsedRouterIndexes(names)
		for n := range others {
			used = append(used, n)
		}
		return lowestFree(used, reserved, translate.RouterIndexAllocator{}.Next)
	}
}

// nextMetadataID adopts the id MidoNet already maps to the interface's private address in its
// VPC unless another interface has it, else picks the lowest id free among those MidoNet maps,
// the other interfaces' statuses and the reservations.
func (d *Deps) nextMetadataID(ctx context.Context, self client.Object, vpc string, privateIP netip.Addr) func(map[int]bool) (int, error) {
	return func(reserved map[int]bool) (int, error) {
		others := map[int]bool{}
		enis := &vpcv1.NetworkInterfaceList{}
		// Read only: no deep copy of every interface for each new one.
		if err := d.Client.List(ctx, enis, client.UnsafeDisableDeepCopy); err != nil {
			return 0, err
		}
		for _, e := range enis.Items {
			if e.UID == self.GetUID() {
				continue
			}
			if ip, err := parseIP(e.Status.MetadataIP); err == nil {
				if id, ok := translate.MetadataIDOf(ip); ok {
					others[id] = true
				}
			}
		}
		if id, ok := d.Engine.MetadataIDOf(vpc, privateIP); ok && !others[id] && !reserved[id] {
			return id, nil
		}
		used := d.Engine.UsedMetadataIDs()
		for n := range others {
			used = append(used, n)
		}
		return lowestFree(used, reserved, translate.MetadataIDAllocator{}.Next)
	}
}

// sharedID tells whether another object of the list's kind, older (creationTimestamp, then
// uid), records the same number in its status (field index field = value): then obj's number
// is a duplicate (handed out twice before this release) and must be replaced.
func sharedID(ctx context.Context, c client.Client, l client.ObjectList, field, value string, obj client.Object) (bool, error) {
	if err := c.List(ctx, l, client.MatchingFields{field: value}); err != nil {
		return false, err
	}
	items, err := itemsOf(l)
	if err != nil {
		return false, err
	}
	for _, o := range items {
		if o.GetUID() != obj.GetUID() && outranks(o, false, obj, false) {
			return true, nil
		}
	}
	return false, nil
}
