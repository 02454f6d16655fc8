package sync

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

// IP address group members are identified by address. An exclusively owned group holds exactly
// the owner's addresses; a shared group also holds other owners' contributions, so there only
// addresses the owner recorded as its own are removed.

func (r *run) ensureGroupAddrs() error {
	return r.each(len(r.frag.AddrGroups), func(i int) error {
		g := r.frag.AddrGroups[i]
		id, ok := r.named.lookup(g.Key())
		if !ok {
			return nil // find-only and absent
		}
		return r.ensureAddrs(id, g.Name, g.Addresses, !g.Shared)
	})
}

func (r *run) ensureContributedAddrs() error {
	return r.each(len(r.frag.GroupAddrs), func(i int) error {
		ga := r.frag.GroupAddrs[i]
		id, err := r.groupID(ga.Group)
		if err != nil {
			return fmt.Errorf("addresses for group %s: %w", ga.Group, err)
		}
		if !translate.IsOwnedName(ga.Group) {
			return fmt.Errorf("addresses for group %s: name is not under the naming scheme, refusing to modify it", ga.Group)
		}
		return r.ensureAddrs(id, ga.Group, ga.Addresses, false)
	})
}

// ensureAddrs adds the missing addresses of a group and, when exclusive, removes the others.
// Addresses are order-free: each is edited under its own entry lock, all at once, so the
// members of a security group (a thousand interfaces in sg_all_<sg>) never queue behind one
// group lock.
func (r *run) ensureAddrs(groupID, name string, addrs []netip.Addr, exclusive bool) error {
	if err := r.refreshStale(index.KindAddrGroup, groupID); err != nil {
		return err
	}
	err := r.each(len(addrs), func(i int) error {
		a := addrs[i]
		s := a.String()
		unlock := r.e.lockEntry(groupID, s)
		defer unlock()
		if r.e.Index.HasAddr(groupID, s) {
			r.keep(topology.AddrKey(name, a), index.AddrID(groupID, s))
			return nil
		}
		if r.findOnly {
			return nil
		}
		_, err := r.e.Client.AddIPAddrGroupAddr(r.ctx, groupID, &midonet.IPAddrGroupAddr{Addr: s})
		if err != nil && !midonet.IsConflict(err) { // 409: already a member (an earlier attempt)
			return r.failed(index.KindAddrGroup, groupID, err, "add %s to IP address group %s", s, name)
		}
		if err == nil {
			r.created()
		}
		r.e.Index.AddAddr(groupID, s)
		r.keep(topology.AddrKey(name, a), index.AddrID(groupID, s))
		return nil
	})
	if err != nil || !exclusive || r.findOnly {
		return err
	}
	want := make([]string, 0, len(addrs))
	for _, a := range addrs {
		want = append(want, a.String())
	}
	var stale []string
	for _, s := range r.e.Index.AddrsOf(groupID) {
		if !slices.Contains(want, s) {
			stale = append(stale, s)
		}
	}
	return r.each(len(stale), func(i int) error {
		s := stale[i]
		unlock := r.e.lockEntry(groupID, s)
		defer unlock()
		if err := r.e.Client.DeleteIPAddrGroupAddr(r.ctx, groupID, s); !gone(err) {
			return r.failed(index.KindAddrGroup, groupID, err, "remove %s from IP address group %s", s, name)
		}
		r.removed(index.AddrID(groupID, s))
		r.e.Index.RemoveAddr(groupID, s)
		return nil
	})
}
