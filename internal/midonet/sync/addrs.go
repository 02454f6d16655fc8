package sync

import (
	"errors"
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
	for _, g := range r.frag.AddrGroups {
		id, ok := r.named[g.Key()]
		if !ok {
			continue // find-only and absent
		}
		if err := r.ensureAddrs(id, g.Name, g.Addresses, !g.Shared); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) ensureContributedAddrs() error {
	var deps []error
	for _, ga := range r.frag.GroupAddrs {
		id, err := r.groupID(ga.Group)
		if err != nil {
			deps = append(deps, fmt.Errorf("addresses for group %s: %w", ga.Group, err))
			continue
		}
		if !translate.IsOwnedName(ga.Group) {
			return fmt.Errorf("addresses for group %s: name is not under the naming scheme, refusing to modify it", ga.Group)
		}
		if err := r.ensureAddrs(id, ga.Group, ga.Addresses, false); err != nil {
			return err
		}
	}
	return errors.Join(deps...)
}

// ensureAddrs adds the missing addresses of a group and, when exclusive, removes the others.
func (r *run) ensureAddrs(groupID, name string, addrs []netip.Addr, exclusive bool) error {
	unlock := r.e.lock(groupID)
	defer unlock()
	if !r.findOnly {
		if err := r.e.Index.RefreshIfStale(r.ctx, index.KindAddrGroup, groupID); err != nil {
			return err
		}
	}
	have := r.e.Index.AddrsOf(groupID)
	want := make([]string, 0, len(addrs))
	for _, a := range addrs {
		s := a.String()
		want = append(want, s)
		if slices.Contains(have, s) {
			r.keep(topology.AddrKey(name, a), index.AddrID(groupID, s))
			continue
		}
		if r.findOnly {
			continue
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
	}
	if !exclusive || r.findOnly {
		return nil
	}
	for _, s := range have {
		if slices.Contains(want, s) {
			continue
		}
		if err := r.e.Client.DeleteIPAddrGroupAddr(r.ctx, groupID, s); !gone(err) {
			return r.failed(index.KindAddrGroup, groupID, err, "remove %s from IP address group %s", s, name)
		}
		r.removed(index.AddrID(groupID, s))
		r.e.Index.RemoveAddr(groupID, s)
	}
	return nil
}
