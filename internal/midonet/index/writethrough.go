package index

import (
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
)

// Write-through: the sync engine calls these after each successful write, with the object as
// MidoNet returned it. Deletions apply MidoNet's cascades (spec midonet-api.md §3) so the mirror
// agrees with MidoNet without re-reading. Objects of containers the index does not mirror
// (another tenant's devices) are ignored.

// putNamed returns the container of object id of a named kind, made by fresh when the object
// is new, after moving the object to name in the name index. The caller then sets the object;
// a known container keeps its children.
func putNamed[S named](x *Index, kind Kind, states map[string]S, id, name string, fresh func() S) S {
	st, known := states[id]
	if known {
		x.m.removeName(kind, st.name(), id)
	} else {
		st = fresh()
		states[id] = st
	}
	x.m.addName(kind, name, id)
	x.touch(kind, id)
	return st
}

// forgetNamed removes object id of a named kind and its name.
func forgetNamed[S named](x *Index, kind Kind, states map[string]S, id string) {
	if st, ok := states[id]; ok {
		x.m.removeName(kind, st.name(), id)
	}
	delete(states, id)
	x.touch(kind, id)
}

// PutRouter records a created or updated router (its children are kept).
func (x *Index) PutRouter(r midonet.Router) {
	x.mu.Lock()
	defer x.mu.Unlock()
	st := putNamed(x, KindRouter, x.m.routers, r.ID, r.Name, func() *routerState { return newRouterState(r) })
	st.Router = r
}

// DeleteRouter records a deleted router: its ports (with their links, bindings, memberships
// and routes) and BGP objects go with it.
func (x *Index) DeleteRouter(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	st, ok := x.m.routers[id]
	if !ok {
		return
	}
	for pid := range st.Ports {
		x.deletePortLocked(pid)
	}
	for rid := range st.Routes {
		delete(x.m.routeRouter, rid)
	}
	for bid := range st.Peers {
		delete(x.m.bgpRouter, bid)
	}
	for bid := range st.Networks {
		delete(x.m.bgpRouter, bid)
	}
	forgetNamed(x, KindRouter, x.m.routers, id)
}

// PutBridge records a created or updated bridge (its children are kept).
func (x *Index) PutBridge(b midonet.Bridge) {
	x.mu.Lock()
	defer x.mu.Unlock()
	st := putNamed(x, KindBridge, x.m.bridges, b.ID, b.Name, func() *bridgeState { return newBridgeState(b) })
	st.Bridge = b
}

// DeleteBridge records a deleted bridge: its ports and DHCP subnets go with it.
func (x *Index) DeleteBridge(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	st, ok := x.m.bridges[id]
	if !ok {
		return
	}
	for pid := range st.Ports {
		x.deletePortLocked(pid)
	}
	forgetNamed(x, KindBridge, x.m.bridges, id)
}

// PutChain records a created chain.
func (x *Index) PutChain(c midonet.Chain) {
	x.mu.Lock()
	defer x.mu.Unlock()
	st := putNamed(x, KindChain, x.m.chains, c.ID, c.Name, func() *chainState { return &chainState{Chain: c} })
	st.Chain = c
}

// DeleteChain records a deleted chain: its rules go, jump rules to it in other chains go, and
// filters referring to it are cleared.
func (x *Index) DeleteChain(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	st, ok := x.m.chains[id]
	if !ok {
		return
	}
	for _, r := range st.Rules {
		delete(x.m.ruleChain, r.id)
	}
	forgetNamed(x, KindChain, x.m.chains, id)
	for cid, c := range x.m.chains {
		kept := slices.DeleteFunc(slices.Clone(c.Rules), func(r packedRule) bool {
			if r.jumpsTo(id) {
				delete(x.m.ruleChain, r.id)
				return true
			}
			return false
		})
		if len(kept) != len(c.Rules) {
			c.Rules = kept
			x.touch(KindChain, cid)
		}
	}
	clear := func(p **string) bool {
		if *p != nil && **p == id {
			*p = nil
			return true
		}
		return false
	}
	for rid, r := range x.m.routers {
		a, b := clear(&r.Router.InboundFilterID), clear(&r.Router.OutboundFilterID)
		if clearPortFilters(r.Ports, clear) || a || b {
			x.touch(KindRouter, rid)
		}
	}
	for bid, b := range x.m.bridges {
		a, c := clear(&b.Bridge.InboundFilterID), clear(&b.Bridge.OutboundFilterID)
		if clearPortFilters(b.Ports, clear) || a || c {
			x.touch(KindBridge, bid)
		}
	}
}

func clearPortFilters(ports map[string]midonet.Port, clear func(**string) bool) bool {
	changed := false
	for pid, p := range ports {
		a, b := clear(&p.InboundFilterID), clear(&p.OutboundFilterID)
		if a || b {
			ports[pid] = p
			changed = true
		}
	}
	return changed
}

// InsertRule records a rule created in chainID at r.Position (1-based; later rules shift
// down). A rule already recorded with the same id is moved.
func (x *Index) InsertRule(chainID string, r midonet.Rule) {
	x.mu.Lock()
	defer x.mu.Unlock()
	c, ok := x.m.chains[chainID]
	if !ok {
		return
	}
	// A new slice (a resync's carried copy may share the old one) of the exact size: growing
	// by appending left up to half of every chain's rules as spare capacity.
	rules := make([]packedRule, 0, len(c.Rules)+1)
	for _, o := range c.Rules {
		if o.id != r.ID {
			rules = append(rules, o)
		}
	}
	pos := min(max(r.Position, 1), len(rules)+1)
	r.ChainID = chainID
	c.Rules = slices.Insert(rules, pos-1, packRule(chainID, r))
	x.m.ruleChain[r.ID] = chainID
	x.touch(KindChain, chainID)
}

// DeleteRule records a deleted rule; later rules of its chain shift up.
func (x *Index) DeleteRule(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	cid, ok := x.m.ruleChain[id]
	if !ok {
		return
	}
	if c, ok := x.m.chains[cid]; ok {
		c.Rules = slices.DeleteFunc(slices.Clone(c.Rules), func(o packedRule) bool { return o.id == id })
	}
	delete(x.m.ruleChain, id)
	x.touch(KindChain, cid)
}

// PutAddrGroup records a created IP address group.
func (x *Index) PutAddrGroup(g midonet.IPAddrGroup) {
	x.mu.Lock()
	defer x.mu.Unlock()
	st := putNamed(x, KindAddrGroup, x.m.groups, g.ID, g.Name, func() *groupState { return &groupState{Group: g} })
	st.Group = g
}

// DeleteAddrGroup records a deleted IP address group (rules keep the dangling id, as in
// MidoNet).
func (x *Index) DeleteAddrGroup(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	forgetNamed(x, KindAddrGroup, x.m.groups, id)
}

// AddAddr records an address added to a group.
func (x *Index) AddAddr(groupID, addr string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if g, ok := x.m.groups[groupID]; ok {
		// In place: readers only ever get copies (AddrsOf, clone), and a group of a
		// thousand members must not be copied per member.
		if !slices.Contains(g.Addrs, addr) {
			g.Addrs = append(g.Addrs, addr)
		}
	}
	x.touch(KindAddrGroup, groupID)
}

// RemoveAddr records an address removed from a group.
func (x *Index) RemoveAddr(groupID, addr string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if g, ok := x.m.groups[groupID]; ok {
		g.Addrs = slices.DeleteFunc(g.Addrs, func(a string) bool { return a == addr })
	}
	x.touch(KindAddrGroup, groupID)
}

// PutPortGroup records a created or updated port group (its members are kept).
func (x *Index) PutPortGroup(g midonet.PortGroup) {
	x.mu.Lock()
	defer x.mu.Unlock()
	st := putNamed(x, KindPortGroup, x.m.portGroups, g.ID, g.Name, func() *portGroupState { return &portGroupState{PortGroup: g} })
	st.PortGroup = g
}

// DeletePortGroup records a deleted port group.
func (x *Index) DeletePortGroup(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	forgetNamed(x, KindPortGroup, x.m.portGroups, id)
}

// AddMember records a port added to a port group.
func (x *Index) AddMember(portGroupID, portID string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if g, ok := x.m.portGroups[portGroupID]; ok {
		g.Members = with(g.Members, portID)
	}
	x.touch(KindPortGroup, portGroupID)
}

// RemoveMember records a port removed from a port group.
func (x *Index) RemoveMember(portGroupID, portID string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if g, ok := x.m.portGroups[portGroupID]; ok {
		g.Members = without(g.Members, portID)
	}
	x.touch(KindPortGroup, portGroupID)
}

// PutPort records a created or updated port of a mirrored device (p.DeviceID).
func (x *Index) PutPort(p midonet.Port) {
	x.mu.Lock()
	defer x.mu.Unlock()
	ports := x.m.devicePorts(p.DeviceID)
	if ports == nil {
		return
	}
	ports[p.ID] = p
	x.m.portDevice[p.ID] = p.DeviceID
	x.touchDevice(p.DeviceID)
}

// DeletePort records a deleted port: its peer is unlinked, its binding, port-group memberships
// and the routes through it go. MAC-table entries pointing at it stay, as in MidoNet (spec
// §6.1): they go through DeleteMACEntry.
func (x *Index) DeletePort(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.deletePortLocked(id)
}

func (x *Index) deletePortLocked(id string) {
	dev, ok := x.m.portDevice[id]
	if !ok {
		return
	}
	ports := x.m.devicePorts(dev)
	p := ports[id]
	x.setPeerLocked(midonet.Deref(p.PeerID), nil)
	if p.HostID != nil {
		x.removeBindingLocked(*p.HostID, id)
	}
	for gid, g := range x.m.portGroups {
		if slices.Contains(g.Members, id) {
			g.Members = without(g.Members, id)
			x.touch(KindPortGroup, gid)
		}
	}
	if r, ok := x.m.routers[dev]; ok {
		for rid, rt := range r.Routes {
			if midonet.Deref(rt.NextHopPort) == id {
				r.deleteRoute(rid)
				delete(x.m.routeRouter, rid)
			}
		}
	}
	delete(ports, id)
	delete(x.m.portDevice, id)
	x.touchDevice(dev)
}

// setPeerLocked sets (or with peer nil clears) the peerId of port id, if mirrored.
func (x *Index) setPeerLocked(id string, peer *string) {
	if id == "" {
		return
	}
	dev, ok := x.m.portDevice[id]
	if !ok {
		return
	}
	ports := x.m.devicePorts(dev)
	p := ports[id]
	p.PeerID = peer
	ports[id] = p
	x.touchDevice(dev)
}

func (x *Index) touchDevice(id string) {
	if _, ok := x.m.routers[id]; ok {
		x.touch(KindRouter, id)
	} else {
		x.touch(KindBridge, id)
	}
}

// LinkPorts records a link between two ports (peerId on both).
func (x *Index) LinkPorts(a, b string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.setPeerLocked(a, &b)
	x.setPeerLocked(b, &a)
}

// UnlinkPort records that a port's link was removed (on both ends).
func (x *Index) UnlinkPort(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if p, ok := x.m.devicePorts(x.m.portDevice[id])[id]; ok {
		x.setPeerLocked(midonet.Deref(p.PeerID), nil)
	}
	x.setPeerLocked(id, nil)
}

// BindPort records a port bound to an interface of a host.
func (x *Index) BindPort(hostID, portID, iface string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if dev, ok := x.m.portDevice[portID]; ok {
		ports := x.m.devicePorts(dev)
		p := ports[portID]
		p.HostID, p.InterfaceName = &hostID, &iface
		ports[portID] = p
		x.touchDevice(dev)
	}
	if h, ok := x.m.hosts[hostID]; ok {
		h.Bindings = append(slices.DeleteFunc(slices.Clone(h.Bindings), func(b midonet.HostInterfacePort) bool { return b.PortID == portID }),
			midonet.HostInterfacePort{HostID: hostID, PortID: portID, InterfaceName: iface})
		x.touch(KindHost, hostID)
	}
}

// UnbindPort records that a port's host binding was removed.
func (x *Index) UnbindPort(portID string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	dev, ok := x.m.portDevice[portID]
	if !ok {
		return
	}
	ports := x.m.devicePorts(dev)
	p := ports[portID]
	if p.HostID != nil {
		x.removeBindingLocked(*p.HostID, portID)
	}
	p.HostID, p.InterfaceName, p.HostInterfacePort = nil, nil, nil
	ports[portID] = p
	x.touchDevice(dev)
}

func (x *Index) removeBindingLocked(hostID, portID string) {
	if h, ok := x.m.hosts[hostID]; ok {
		h.Bindings = slices.DeleteFunc(slices.Clone(h.Bindings), func(b midonet.HostInterfacePort) bool { return b.PortID == portID })
		x.touch(KindHost, hostID)
	}
}

// PutRoute records a route created on a router.
func (x *Index) PutRoute(routerID string, r midonet.Route) {
	x.mu.Lock()
	defer x.mu.Unlock()
	st, ok := x.m.routers[routerID]
	if !ok {
		return
	}
	st.putRoute(r)
	x.m.routeRouter[r.ID] = routerID
	x.touch(KindRouter, routerID)
}

// DeleteRoute records a deleted route.
func (x *Index) DeleteRoute(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	rid, ok := x.m.routeRouter[id]
	if !ok {
		return
	}
	x.m.routers[rid].deleteRoute(id)
	delete(x.m.routeRouter, id)
	x.touch(KindRouter, rid)
}

// PutDHCPSubnet records a created or updated DHCP subnet of a bridge (its hosts are kept).
func (x *Index) PutDHCPSubnet(bridgeID string, s midonet.DHCPSubnet) {
	x.mu.Lock()
	defer x.mu.Unlock()
	b, ok := x.m.bridges[bridgeID]
	if !ok {
		return
	}
	if d, ok := b.DHCP[s.CIDR()]; ok {
		d.Subnet = s
	} else {
		b.DHCP[s.CIDR()] = &dhcpState{Subnet: s}
	}
	x.touch(KindBridge, bridgeID)
}

// DeleteDHCPSubnet records a deleted DHCP subnet (and its hosts).
func (x *Index) DeleteDHCPSubnet(bridgeID, cidr string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if b, ok := x.m.bridges[bridgeID]; ok {
		delete(b.DHCP, cidr)
		x.touch(KindBridge, bridgeID)
	}
}

// PutDHCPHost records a created or updated DHCP host of a subnet.
func (x *Index) PutDHCPHost(bridgeID, cidr string, h midonet.DHCPHost) {
	x.mu.Lock()
	defer x.mu.Unlock()
	b, ok := x.m.bridges[bridgeID]
	if !ok {
		return
	}
	d, ok := b.DHCP[cidr]
	if !ok {
		return
	}
	d.Hosts = append(slices.DeleteFunc(slices.Clone(d.Hosts), func(o midonet.DHCPHost) bool { return strings.EqualFold(o.MacAddr, h.MacAddr) }), h)
	x.touch(KindBridge, bridgeID)
}

// DeleteDHCPHost records a deleted DHCP host.
func (x *Index) DeleteDHCPHost(bridgeID, cidr, mac string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if b, ok := x.m.bridges[bridgeID]; ok {
		if d, ok := b.DHCP[cidr]; ok {
			d.Hosts = slices.DeleteFunc(slices.Clone(d.Hosts), func(o midonet.DHCPHost) bool { return strings.EqualFold(o.MacAddr, mac) })
		}
		x.touch(KindBridge, bridgeID)
	}
}

// PutARPEntry records an ARP entry added to a bridge.
func (x *Index) PutARPEntry(bridgeID string, e midonet.IP4Mac) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if b, ok := x.m.bridges[bridgeID]; ok {
		b.ARP = append(slices.DeleteFunc(slices.Clone(b.ARP), func(o midonet.IP4Mac) bool {
			return o.IP == e.IP && strings.EqualFold(o.MAC, e.MAC)
		}), e)
		x.touch(KindBridge, bridgeID)
	}
}

// DeleteARPEntry records an ARP entry removed from a bridge.
func (x *Index) DeleteARPEntry(bridgeID, ip, mac string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if b, ok := x.m.bridges[bridgeID]; ok {
		b.ARP = slices.DeleteFunc(slices.Clone(b.ARP), func(o midonet.IP4Mac) bool { return o.IP == ip && strings.EqualFold(o.MAC, mac) })
		x.touch(KindBridge, bridgeID)
	}
}

// PutMACEntry records a MAC-table entry added to a bridge.
func (x *Index) PutMACEntry(bridgeID string, e midonet.MacPort) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if b, ok := x.m.bridges[bridgeID]; ok {
		b.MAC = append(slices.DeleteFunc(slices.Clone(b.MAC), func(o midonet.MacPort) bool {
			return o.PortID == e.PortID && strings.EqualFold(o.MacAddr, e.MacAddr)
		}), e)
		x.touch(KindBridge, bridgeID)
	}
}

// DeleteMACEntry records a MAC-table entry removed from a bridge.
func (x *Index) DeleteMACEntry(bridgeID, mac, portID string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if b, ok := x.m.bridges[bridgeID]; ok {
		b.MAC = slices.DeleteFunc(slices.Clone(b.MAC), func(o midonet.MacPort) bool {
			return o.PortID == portID && strings.EqualFold(o.MacAddr, mac)
		})
		x.touch(KindBridge, bridgeID)
	}
}

// PutBGPPeer records a created or updated BGP peer of a router.
func (x *Index) PutBGPPeer(routerID string, p midonet.BgpPeer) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if r, ok := x.m.routers[routerID]; ok {
		r.Peers[p.ID] = p
		x.m.bgpRouter[p.ID] = routerID
		x.touch(KindRouter, routerID)
	}
}

// PutBGPNetwork records a created BGP network of a router.
func (x *Index) PutBGPNetwork(routerID string, n midonet.BgpNetwork) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if r, ok := x.m.routers[routerID]; ok {
		r.Networks[n.ID] = n
		x.m.bgpRouter[n.ID] = routerID
		x.touch(KindRouter, routerID)
	}
}

// DeleteBGP records a deleted BGP peer or network.
func (x *Index) DeleteBGP(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	rid, ok := x.m.bgpRouter[id]
	if !ok {
		return
	}
	if r, ok := x.m.routers[rid]; ok {
		delete(r.Peers, id)
		delete(r.Networks, id)
	}
	delete(x.m.bgpRouter, id)
	x.touch(KindRouter, rid)
}
