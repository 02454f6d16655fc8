package sync

import (
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/translate"
)

// Deletion is scoped to the owner (translation.md decision (i)). Candidates are the ids the
// owner recorded (previous, and what this engine recorded for it) that this run did not match
// to a desired object. Of those, an object is deleted only if
//   - no other owner has been recorded for it since;
//   - it still exists in the mirror (so routers, bridges, chains and port groups are of our
//     tenant: the index holds no others);
//   - a named object's name parses under the naming scheme (IP address groups: the name alone
//     decides, and their addresses are only removed from such groups);
//   - a route is not one of MidoNet's automatic Local routes.
// Objects whose container is deleted in the same run are left to MidoNet's cascade.

// deleteOrder is the reverse of the creation order.
var deleteOrder = []index.Kind{
	index.KindBGPPeer, index.KindBGPNetwork, index.KindMember, index.KindMAC, index.KindARP,
	index.KindDHCPHost, index.KindDHCPSubnet, index.KindAddr, index.KindRule, index.KindRoute,
	index.KindPort, index.KindBridge, index.KindRouter, index.KindPortGroup, index.KindAddrGroup, index.KindChain,
}

func (r *run) deleteUnwanted() error {
	byKind := map[index.Kind][]index.Ref{}
	doomed := map[string]bool{}
	for id := range r.prev {
		if r.kept.m[id] || r.deleted.m[id] {
			continue
		}
		if r.ownedByOther(id) {
			r.foreign.m[id] = true
			continue
		}
		ref, ok := r.e.Index.Find(id)
		if !ok {
			continue // already gone
		}
		if !r.mayDelete(ref) {
			r.foreign.m[id] = true
			continue
		}
		byKind[ref.Kind] = append(byKind[ref.Kind], ref)
		doomed[id] = true
	}
	// MidoNet keeps the MAC-table entries of a deleted port (spec §6.1): whoever deletes a
	// bridge port deletes the entries pointing at it first, recorded or not.
	for _, ref := range byKind[index.KindPort] {
		if _, isBridge := r.e.Index.Bridge(ref.Parent); !isBridge || doomed[ref.Parent] {
			continue
		}
		for _, e := range r.e.Index.MACEntriesOf(ref.Parent) {
			if id := index.MACID(ref.Parent, e.MacAddr, e.PortID); e.PortID == ref.ID && !doomed[id] {
				mac, _ := r.e.Index.Find(id)
				byKind[index.KindMAC] = append(byKind[index.KindMAC], mac)
				doomed[id] = true
			}
		}
	}
	for _, kind := range deleteOrder {
		refs := byKind[kind]
		slices.SortFunc(refs, func(a, b index.Ref) int { return strings.Compare(a.ID, b.ID) })
		if kind == index.KindRule {
			if err := r.deleteStaleRules(refs, doomed); err != nil {
				return err
			}
			continue
		}
		for _, ref := range refs {
			if r.cascades(ref, doomed) {
				continue
			}
			if err := r.deleteOne(ref); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *run) mayDelete(ref index.Ref) bool {
	switch ref.Kind {
	case index.KindRouter, index.KindBridge, index.KindChain, index.KindPortGroup, index.KindAddrGroup:
		return translate.IsOwnedName(ref.Name)
	case index.KindAddr:
		g, ok := r.e.Index.AddrGroup(ref.Parent)
		return ok && translate.IsOwnedName(g.Name)
	case index.KindRoute:
		for _, rt := range r.e.Index.RoutesOf(ref.Parent) {
			if rt.ID == ref.ID {
				return rt.Type != midonet.RouteTypeLocal && !rt.Learned
			}
		}
		return false
	}
	return true
}

// cascades reports whether MidoNet deletes ref anyway with a container deleted in this run.
func (r *run) cascades(ref index.Ref, doomed map[string]bool) bool {
	if doomed[ref.Parent] {
		return true
	}
	switch ref.Kind {
	case index.KindDHCPHost:
		_, parts, _ := index.ParseID(ref.ID)
		return doomed[parts[0]] || doomed[index.DHCPSubnetID(parts[0], parts[1])]
	case index.KindRoute:
		for _, rt := range r.e.Index.RoutesOf(ref.Parent) {
			if rt.ID == ref.ID && doomed[midonet.Deref(rt.NextHopPort)] {
				return true
			}
		}
	}
	return false
}

// deleteStaleRules deletes rules chain by chain, bottom-up, under each chain's lock.
func (r *run) deleteStaleRules(refs []index.Ref, doomed map[string]bool) error {
	byChain := map[string][]string{}
	var chains []string
	for _, ref := range refs {
		if doomed[ref.Parent] {
			continue
		}
		if byChain[ref.Parent] == nil {
			chains = append(chains, ref.Parent)
		}
		byChain[ref.Parent] = append(byChain[ref.Parent], ref.ID)
	}
	slices.Sort(chains)
	for _, cid := range chains {
		err := func() error {
			unlock := r.e.lock(cid)
			defer unlock()
			ch, _ := r.e.Index.Chain(cid)
			return r.deleteRules(cid, ch.Name, byChain[cid], idsOf(r.e.Index.RulesOf(cid), ruleIDOf))
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *run) deleteOne(ref index.Ref) error {
	c, ctx, x := r.e.Client, r.ctx, r.e.Index
	_, parts, _ := index.ParseID(ref.ID)
	var del func() error
	var apply func()
	switch ref.Kind {
	case index.KindBGPPeer:
		del, apply = func() error { return c.DeleteBgpPeer(ctx, ref.ID) }, func() { x.DeleteBGP(ref.ID) }
	case index.KindBGPNetwork:
		del, apply = func() error { return c.DeleteBgpNetwork(ctx, ref.ID) }, func() { x.DeleteBGP(ref.ID) }
	case index.KindMember:
		del, apply = func() error { return c.DeletePortGroupPort(ctx, parts[0], parts[1]) }, func() { x.RemoveMember(parts[0], parts[1]) }
	case index.KindMAC:
		del, apply = func() error { return c.DeleteMACEntry(ctx, parts[0], parts[1], parts[2]) }, func() { x.DeleteMACEntry(parts[0], parts[1], parts[2]) }
	case index.KindARP:
		del, apply = func() error { return c.DeleteARPEntry(ctx, parts[0], parts[1], parts[2]) }, func() { x.DeleteARPEntry(parts[0], parts[1], parts[2]) }
	case index.KindDHCPHost:
		del, apply = func() error { return c.DeleteDHCPHost(ctx, parts[0], parts[1], parts[2]) }, func() { x.DeleteDHCPHost(parts[0], parts[1], parts[2]) }
	case index.KindDHCPSubnet:
		del, apply = func() error { return c.DeleteDHCPSubnet(ctx, parts[0], parts[1]) }, func() { x.DeleteDHCPSubnet(parts[0], parts[1]) }
	case index.KindAddr:
		del, apply = func() error { return c.DeleteIPAddrGroupAddr(ctx, parts[0], parts[1]) }, func() { x.RemoveAddr(parts[0], parts[1]) }
	case index.KindRoute:
		del, apply = func() error { return c.DeleteRoute(ctx, ref.ID) }, func() { x.DeleteRoute(ref.ID) }
	case index.KindPort:
		del, apply = func() error { return c.DeletePort(ctx, ref.ID) }, func() { x.DeletePort(ref.ID) }
	case index.KindBridge:
		del, apply = func() error { return c.DeleteBridge(ctx, ref.ID) }, func() { x.DeleteBridge(ref.ID) }
	case index.KindRouter:
		del, apply = func() error { return c.DeleteRouter(ctx, ref.ID) }, func() { x.DeleteRouter(ref.ID) }
	case index.KindPortGroup:
		del, apply = func() error { return c.DeletePortGroup(ctx, ref.ID) }, func() { x.DeletePortGroup(ref.ID) }
	case index.KindAddrGroup:
		del, apply = func() error { return c.DeleteIPAddrGroup(ctx, ref.ID) }, func() { x.DeleteAddrGroup(ref.ID) }
	case index.KindChain:
		del, apply = func() error { return c.DeleteChain(ctx, ref.ID) }, func() { x.DeleteChain(ref.ID); r.e.shared.forget(ref.ID) }
	default:
		return nil
	}
	container := parentOf(ref, parts)
	if container != "" {
		unlock := r.e.lock(container)
		defer unlock()
	}
	if err := del(); !gone(err) {
		return r.failed(containerOf(ref, r), container, err, "delete %s", ref)
	}
	r.removed(ref.ID)
	apply()
	return nil
}

// containerOf is the index container a failed delete leaves in doubt.
func containerOf(ref index.Ref, r *run) index.Kind {
	switch ref.Kind {
	case index.KindMember:
		return index.KindPortGroup
	case index.KindAddr:
		return index.KindAddrGroup
	case index.KindMAC, index.KindARP, index.KindDHCPHost, index.KindDHCPSubnet:
		return index.KindBridge
	case index.KindBGPPeer, index.KindBGPNetwork, index.KindRoute:
		return index.KindRouter
	case index.KindPort:
		return r.deviceKind(ref.Parent)
	}
	return ""
}

func parentOf(ref index.Ref, parts []string) string {
	if len(parts) > 0 {
		return parts[0]
	}
	if ref.Kind == index.KindBGPPeer || ref.Kind == index.KindBGPNetwork || ref.Kind == index.KindRoute || ref.Kind == index.KindPort {
		return ref.Parent
	}
	return ""
}
