package controllers

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"time"

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
//
// Everything is kept incrementally, so that an allocation costs about the same with 10 or
// 10,000 owners: the reserved numbers as a set, and for metadata ids the numbers seen in use
// elsewhere (retired: never handed out by this process, which is always safe) with the floor
// below which every number is reserved or retired.
type ids struct {
	mu       sync.Mutex
	reserved map[string]int // owner → its number
	held     map[int]bool   // the reserved numbers
	retired  map[int]bool   // numbers seen in use (MidoNet, another status) or given up
	floor    int            // every number below is held or retired

	// inMidoNet is a snapshot of the numbers MidoNet uses (metadata ids), taken at most
	// every snapshotAge: reading them walks every chain of the index.
	inMidoNet   map[int]bool
	snapshotted time.Time
}

// snapshotAge is how long a snapshot of MidoNet's metadata ids is used. MidoNet gains ids
// only through this process's writes, whose numbers are reserved or recorded in a status
// (both checked on every allocation), or behind its back, which only a resync shows the index.
const snapshotAge = time.Second

// claim returns the owner's reserved number, else the one next picks; next sees every number
// reserved for other owners and runs with a.mu held.
func (a *ids) claim(owner string, next func(reserved map[int]bool) (int, error)) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if n, ok := a.reserved[owner]; ok {
		return n, nil
	}
	if a.reserved == nil {
		a.reserved, a.held = map[string]int{}, map[int]bool{}
	}
	n, err := next(a.held)
	if err != nil {
		return 0, err
	}
	a.reserved[owner] = n
	a.held[n] = true
	return n, nil
}

// forget drops an owner's reservation (its number turned out to be shared). The number is
// retired: another owner records it.
func (a *ids) forget(owner string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	n, ok := a.reserved[owner]
	if !ok {
		return
	}
	delete(a.reserved, owner)
	delete(a.held, n)
	a.retire(n)
}

func (a *ids) retire(n int) {
	if a.retired == nil {
		a.retired = map[int]bool{}
	}
	a.retired[n] = true
}

// lowestFree returns the lowest number in [lo, hi) that is neither held nor retired and that
// used says is not in use; the numbers used reports are retired. It runs with a.mu held
// (inside claim's next). Each number is looked at once per process, not once per allocation.
func (a *ids) lowestFree(lo, hi int, used func(n int) (bool, error)) (int, error) {
	a.floor = max(a.floor, lo)
	for a.floor < hi && (a.held[a.floor] || a.retired[a.floor]) {
		a.floor++
	}
	for n := a.floor; n < hi; n++ {
		if a.held[n] || a.retired[n] {
			continue
		}
		u, err := used(n)
		if err != nil {
			return 0, err
		}
		if !u {
			return n, nil
		}
		a.retire(n)
	}
	return 0, fmt.Errorf("allocate in [%d, %d): %w", lo, hi, translate.ErrExhausted)
}

// midonetIDs returns the metadata ids MidoNet maps, from a snapshot at most snapshotAge old.
// It runs with a.mu held.
func (a *ids) midonetIDs(e Engine) map[int]bool {
	if a.inMidoNet == nil || time.Since(a.snapshotted) > snapshotAge {
		if a.inMidoNet == nil {
			a.inMidoNet = map[int]bool{}
		}
		clear(a.inMidoNet) // refilled in place: once a second through a converge
		for _, n := range e.UsedMetadataIDs() {
			a.inMidoNet[n] = true
		}
		a.snapshotted = time.Now()
	}
	return a.inMidoNet
}

func ownerKey(obj client.Object) string {
	return fmt.Sprintf("%T/%s/%s", obj, obj.GetNamespace(), obj.GetName())
}

// assignID gives an object its number once: reserves it and sets it into the status with set.
// It writes nothing: the number goes to the API server with the status that records the
// claims, ahead of the sync's first MidoNet write (claimBeforeWriting), so it survives restarts
// before anything is built with it, and the reservation keeps it from every other owner of
// this process until then. A number that never reaches MidoNet needs no record (a restart
// hands numbers out afresh from the statuses and MidoNet), and one MidoNet already holds for
// this object (adopted after a restart) is recorded by the status the reconcile ends with.
// Written on its own, ahead of the plan, it cost one status update per interface and router.
func assignID[T object](a *ids, obj T, next func(reserved map[int]bool) (int, error), set func(int) error) (int, error) {
	n, err := a.claim(ownerKey(obj), next)
	if err != nil {
		return 0, err
	}
	if err := set(n); err != nil {
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
		// Read-only: no deep copy of every Vpc and NatGateway for each router allocated.
		vpcs := &vpcv1.VpcList{}
		if err := d.Client.List(ctx, vpcs, client.UnsafeDisableDeepCopy); err != nil {
			return 0, err
		}
		for _, v := range vpcs.Items {
			if v.UID != self.GetUID() && v.Status.RouterIndex != 0 {
				others[int(v.Status.RouterIndex)] = true
			}
		}
		nats := &vpcv1.NatGatewayList{}
		if err := d.Client.List(ctx, nats, client.UnsafeDisableDeepCopy); err != nil {
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
// the other interfaces' statuses and the reservations. Each candidate is looked up in the
// status field index (no list of every interface per allocation), and ids found in use are
// retired for the life of the process, so allocations cost the same at any scale.
func (d *Deps) nextMetadataID(ctx context.Context, a *ids, self client.Object, vpc string, privateIP netip.Addr) func(map[int]bool) (int, error) {
	return func(reserved map[int]bool) (int, error) {
		if id, ok := d.Engine.MetadataIDOf(vpc, privateIP); ok && !reserved[id] {
			other, err := metadataIDRecorded(ctx, d.Client, id, self)
			if err != nil {
				return 0, err
			}
			if !other {
				return id, nil
			}
		}
		inMidoNet := a.midonetIDs(d.Engine)
		return a.lowestFree(translate.MinMetadataID, translate.DefaultMaxMetadataID, func(id int) (bool, error) {
			if inMidoNet[id] {
				return true, nil
			}
			return metadataIDRecorded(ctx, d.Client, id, self)
		})
	}
}

// metadataIDRecorded tells whether an interface other than self records the metadata id in
// its status (any namespace: ids are unique per cloud).
func metadataIDRecorded(ctx context.Context, c client.Client, id int, self client.Object) (bool, error) {
	ip, err := translate.MetadataAddress(id)
	if err != nil {
		return false, err
	}
	enis := &vpcv1.NetworkInterfaceList{}
	if err := c.List(ctx, enis, client.MatchingFields{idxMetadataIP: ip.String()}, client.UnsafeDisableDeepCopy); err != nil {
		return false, err
	}
	for _, e := range enis.Items {
		if e.UID != self.GetUID() {
			return true, nil
		}
	}
	return false, nil
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
