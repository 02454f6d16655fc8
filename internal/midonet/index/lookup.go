package index

import (
	"cmp"
	"iter"
	"net/netip"
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/translate"
)

// Lookups. Each returns copies; lists are in a stable order (by id unless said otherwise).

func sortedValues[S any, T any](m map[string]*S, get func(*S) T, id func(T) string) []T {
	out := make([]T, 0, len(m))
	for _, s := range m {
		out = append(out, get(s))
	}
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(id(a), id(b)) })
	return out
}

func byName[S any, T any](m map[string]*S, ids []string, get func(*S) T, id func(T) string) []T {
	var out []T
	for _, i := range ids {
		if s, ok := m[i]; ok {
			out = append(out, get(s))
		}
	}
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(id(a), id(b)) })
	return out
}

func routerOf(s *routerState) midonet.Router          { return s.Router }
func bridgeOf(s *bridgeState) midonet.Bridge          { return s.Bridge }
func chainOf(s *chainState) midonet.Chain             { return s.Chain }
func groupOf(s *groupState) midonet.IPAddrGroup       { return s.Group }
func portGroupOf(s *portGroupState) midonet.PortGroup { return s.PortGroup }
func routerID(r midonet.Router) string                { return r.ID }
func bridgeID(b midonet.Bridge) string                { return b.ID }
func chainID(c midonet.Chain) string                  { return c.ID }
func groupID(g midonet.IPAddrGroup) string            { return g.ID }
func portGroupID(g midonet.PortGroup) string          { return g.ID }

// Routers lists the tenant's routers.
func (x *Index) Routers() []midonet.Router {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return sortedValues(x.m.routers, routerOf, routerID)
}

// Router returns the router with id.
func (x *Index) Router(id string) (midonet.Router, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if s, ok := x.m.routers[id]; ok {
		return s.Router, true
	}
	return midonet.Router{}, false
}

// RoutersByName lists the tenant's routers named exactly name (MidoNet does not keep names
// unique; more than one means a duplicate left by someone).
func (x *Index) RoutersByName(name string) []midonet.Router {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return byName(x.m.routers, x.m.names[KindRouter][name], routerOf, routerID)
}

// Bridges lists the tenant's bridges.
func (x *Index) Bridges() []midonet.Bridge {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return sortedValues(x.m.bridges, bridgeOf, bridgeID)
}

// Bridge returns the bridge with id.
func (x *Index) Bridge(id string) (midonet.Bridge, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if s, ok := x.m.bridges[id]; ok {
		return s.Bridge, true
	}
	return midonet.Bridge{}, false
}

// BridgesByName lists the tenant's bridges named exactly name.
func (x *Index) BridgesByName(name string) []midonet.Bridge {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return byName(x.m.bridges, x.m.names[KindBridge][name], bridgeOf, bridgeID)
}

// Chains lists the tenant's chains.
func (x *Index) Chains() []midonet.Chain {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return sortedValues(x.m.chains, chainOf, chainID)
}

// Chain returns the chain with id.
func (x *Index) Chain(id string) (midonet.Chain, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if s, ok := x.m.chains[id]; ok {
		return s.Chain, true
	}
	return midonet.Chain{}, false
}

// ChainsByName lists the tenant's chains named exactly name.
func (x *Index) ChainsByName(name string) []midonet.Chain {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return byName(x.m.chains, x.m.names[KindChain][name], chainOf, chainID)
}

// ChainNames lists, unsorted, the names of the tenant's chains that keep accepts. It walks
// names only: at 10,000 interfaces the index holds some 50,000 chains, and a caller that wants
// a handful of them (the metadata chains of every VPC) should not copy and sort them all.
func (x *Index) ChainNames(keep func(name string) bool) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var out []string
	for name := range x.m.names[KindChain] {
		if keep(name) {
			out = append(out, name)
		}
	}
	return out
}

// AddrGroups lists every IP address group of the installation.
func (x *Index) AddrGroups() []midonet.IPAddrGroup {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return sortedValues(x.m.groups, groupOf, groupID)
}

// AddrGroup returns the IP address group with id.
func (x *Index) AddrGroup(id string) (midonet.IPAddrGroup, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if s, ok := x.m.groups[id]; ok {
		return s.Group, true
	}
	return midonet.IPAddrGroup{}, false
}

// AddrGroupsByName lists the IP address groups named exactly name.
func (x *Index) AddrGroupsByName(name string) []midonet.IPAddrGroup {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return byName(x.m.groups, x.m.names[KindAddrGroup][name], groupOf, groupID)
}

// PortGroups lists the tenant's port groups.
func (x *Index) PortGroups() []midonet.PortGroup {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return sortedValues(x.m.portGroups, portGroupOf, portGroupID)
}

// PortGroup returns the port group with id.
func (x *Index) PortGroup(id string) (midonet.PortGroup, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if s, ok := x.m.portGroups[id]; ok {
		return s.PortGroup, true
	}
	return midonet.PortGroup{}, false
}

// PortGroupsByName lists the tenant's port groups named exactly name.
func (x *Index) PortGroupsByName(name string) []midonet.PortGroup {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return byName(x.m.portGroups, x.m.names[KindPortGroup][name], portGroupOf, portGroupID)
}

// devicePorts returns the port map of a router or bridge. Callers hold mu.
func (m *mirror) devicePorts(deviceID string) map[string]midonet.Port {
	if r, ok := m.routers[deviceID]; ok {
		return r.Ports
	}
	if b, ok := m.bridges[deviceID]; ok {
		return b.Ports
	}
	return nil
}

// Port returns the port with id (of a mirrored router or bridge).
func (x *Index) Port(id string) (midonet.Port, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	p, ok := x.m.devicePorts(x.m.portDevice[id])[id]
	return p, ok
}

// PortOn returns the port with id when it is a port of the router or bridge deviceID.
func (x *Index) PortOn(deviceID, id string) (midonet.Port, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	p, ok := x.m.devicePorts(deviceID)[id]
	return p, ok
}

// PortsOf lists the ports of a router or bridge, in creation order (tunnel key).
func (x *Index) PortsOf(deviceID string) []midonet.Port {
	x.mu.RLock()
	defer x.mu.RUnlock()
	ports := x.m.devicePorts(deviceID)
	out := make([]midonet.Port, 0, len(ports))
	for _, p := range ports {
		out = append(out, p)
	}
	slices.SortFunc(out, PortOrder)
	return out
}

// PortOrder orders ports by creation (tunnel key), then id.
func PortOrder(a, b midonet.Port) int {
	return cmp.Or(cmp.Compare(a.TunnelKey, b.TunnelKey), strings.Compare(a.ID, b.ID))
}

// RoutesOf lists a router's routes, the automatic Local routes included.
func (x *Index) RoutesOf(routerID string) []midonet.Route {
	x.mu.RLock()
	defer x.mu.RUnlock()
	r, ok := x.m.routers[routerID]
	if !ok {
		return nil
	}
	out := make([]midonet.Route, 0, len(r.Routes))
	for _, rt := range r.Routes {
		out = append(out, rt)
	}
	slices.SortFunc(out, func(a, b midonet.Route) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// RoutesTo lists a router's routes to dst (ordered by id): what RoutesOf filtered by
// destination would give, without going through every route of the router.
func (x *Index) RoutesTo(routerID string, dst netip.Prefix) []midonet.Route {
	x.mu.RLock()
	r, ok := x.m.routers[routerID]
	built := ok && r.byDst != nil
	x.mu.RUnlock()
	if !ok {
		return nil
	}
	if !built {
		x.mu.Lock()
		if r, ok = x.m.routers[routerID]; ok && r.byDst == nil {
			r.indexRoutes()
		}
		x.mu.Unlock()
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if r, ok = x.m.routers[routerID]; !ok {
		return nil
	}
	if r.byDst == nil {
		// Replaced (a resync) between the locks: look through every route.
		var out []midonet.Route
		for _, rt := range r.Routes {
			if routeDst(rt) == dst {
				out = append(out, rt)
			}
		}
		slices.SortFunc(out, func(a, b midonet.Route) int { return strings.Compare(a.ID, b.ID) })
		return out
	}
	ids := r.byDst[dst]
	out := make([]midonet.Route, 0, len(ids))
	for id := range ids {
		out = append(out, r.Routes[id])
	}
	slices.SortFunc(out, func(a, b midonet.Route) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// RulesOf lists a chain's rules in position order.
func (x *Index) RulesOf(chainID string) []midonet.Rule {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if c, ok := x.m.chains[chainID]; ok {
		return unpackRules(chainID, c.Rules)
	}
	return nil
}

// RulesIn yields a chain's rules in position order, one at a time: a caller looking for one
// rule in a long chain (a VPC's metadata chain holds one per interface) does not copy them
// all. The rules are those of the chain when the iteration starts.
func (x *Index) RulesIn(chainID string) iter.Seq[midonet.Rule] {
	rules := x.packedRulesOf(chainID)
	return func(yield func(midonet.Rule) bool) {
		for i := range rules {
			if !yield(rules[i].unpack(chainID)) {
				return
			}
		}
	}
}

// RuleIDsOf lists the ids of a chain's rules in position order, without unpacking them: a
// shared chain's contributors match rules by id (the keys they remember), and unpacking a
// chain of hundreds of rules at each contribution was a large share of the allocations of a
// converge.
func (x *Index) RuleIDsOf(chainID string) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	c, ok := x.m.chains[chainID]
	if !ok {
		return nil
	}
	ids := make([]string, len(c.Rules))
	for i := range c.Rules {
		ids[i] = c.Rules[i].id
	}
	return ids
}

// NatTargetsIn yields the NAT targets of a chain's rules in position order, without
// unpacking the rules. The targets are those of the chain when the iteration starts.
func (x *Index) NatTargetsIn(chainID string) iter.Seq[midonet.NatTarget] {
	rules := x.packedRulesOf(chainID)
	return func(yield func(midonet.NatTarget) bool) {
		for i := range rules {
			for _, t := range rules[i].natTargets() {
				if !yield(t) {
					return
				}
			}
		}
	}
}

// SNATTargetsFrom yields, for each of a chain's snat rules that match exactly the source
// src/srcLen, its NAT targets (shared: callers must not change them), without unpacking the
// chain's other rules. A VPC's metadata chain holds one such rule per interface, and unpacking
// every rule of it for each interface's lookup made the lookups of a VPC quadratic in its
// interfaces (at 10,000 interfaces, 500 per VPC: 155 MB of unpacked rules in a cold converge).
func (x *Index) SNATTargetsFrom(chainID, src string, srcLen int) iter.Seq[[]midonet.NatTarget] {
	rules := x.packedRulesOf(chainID)
	return func(yield func([]midonet.NatTarget) bool) {
		for i := range rules {
			if rules[i].snatFrom(src, srcLen) && !yield(rules[i].natTargets()) {
				return
			}
		}
	}
}

// packedRulesOf is a chain's rules as they are now. The slice is never changed in place
// (writes replace it), so it can be read without the lock.
func (x *Index) packedRulesOf(chainID string) []packedRule {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if c, ok := x.m.chains[chainID]; ok {
		return c.Rules
	}
	return nil
}

// Rule returns the rule with id, with its current position.
func (x *Index) Rule(id string) (midonet.Rule, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	chainID := x.m.ruleChain[id]
	c, ok := x.m.chains[chainID]
	if !ok {
		return midonet.Rule{}, false
	}
	for i := range c.Rules {
		if c.Rules[i].id == id {
			r := c.Rules[i].unpack(chainID)
			r.Position = i + 1
			return r, true
		}
	}
	return midonet.Rule{}, false
}

// AddrsOf lists the addresses of an IP address group.
func (x *Index) AddrsOf(groupID string) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if g, ok := x.m.groups[groupID]; ok {
		return slices.Clone(g.Addrs)
	}
	return nil
}

// HasAddr reports whether a group holds an address (without copying its list).
func (x *Index) HasAddr(groupID, addr string) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	g, ok := x.m.groups[groupID]
	return ok && slices.Contains(g.Addrs, addr)
}

// MembersOf lists the port ids of a port group.
func (x *Index) MembersOf(portGroupID string) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if g, ok := x.m.portGroups[portGroupID]; ok {
		return slices.Clone(g.Members)
	}
	return nil
}

// DHCPSubnetsOf lists a bridge's DHCP subnets, ordered by CIDR.
func (x *Index) DHCPSubnetsOf(bridgeID string) []midonet.DHCPSubnet {
	x.mu.RLock()
	defer x.mu.RUnlock()
	b, ok := x.m.bridges[bridgeID]
	if !ok {
		return nil
	}
	out := make([]midonet.DHCPSubnet, 0, len(b.DHCP))
	for _, d := range b.DHCP {
		out = append(out, d.Subnet)
	}
	slices.SortFunc(out, func(a, b midonet.DHCPSubnet) int { return strings.Compare(a.CIDR(), b.CIDR()) })
	return out
}

// DHCPHostsOf lists the hosts of the DHCP subnet cidr of a bridge.
func (x *Index) DHCPHostsOf(bridgeID, cidr string) []midonet.DHCPHost {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if b, ok := x.m.bridges[bridgeID]; ok {
		if d, ok := b.DHCP[cidr]; ok {
			return slices.Clone(d.Hosts)
		}
	}
	return nil
}

// ARPEntriesOf lists a bridge's ARP table.
func (x *Index) ARPEntriesOf(bridgeID string) []midonet.IP4Mac {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if b, ok := x.m.bridges[bridgeID]; ok {
		return slices.Clone(b.ARP)
	}
	return nil
}

// MACEntriesOf lists a bridge's MAC table.
func (x *Index) MACEntriesOf(bridgeID string) []midonet.MacPort {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if b, ok := x.m.bridges[bridgeID]; ok {
		return slices.Clone(b.MAC)
	}
	return nil
}

// BGPPeersOf lists a router's BGP peers.
func (x *Index) BGPPeersOf(routerID string) []midonet.BgpPeer {
	x.mu.RLock()
	defer x.mu.RUnlock()
	r, ok := x.m.routers[routerID]
	if !ok {
		return nil
	}
	out := make([]midonet.BgpPeer, 0, len(r.Peers))
	for _, p := range r.Peers {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b midonet.BgpPeer) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// BGPNetworksOf lists the networks a router announces.
func (x *Index) BGPNetworksOf(routerID string) []midonet.BgpNetwork {
	x.mu.RLock()
	defer x.mu.RUnlock()
	r, ok := x.m.routers[routerID]
	if !ok {
		return nil
	}
	out := make([]midonet.BgpNetwork, 0, len(r.Networks))
	for _, n := range r.Networks {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b midonet.BgpNetwork) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// RouterIndexes returns the router indexes (rtids) in use, recovered from the names of the
// tenant's VPC routers (vr_<vpc>_<n>) and NAT-gateway routers (natr_<nat>_<subnet>_<n>),
// sorted and without duplicates, so that new ones can be allocated uniquely.
func (x *Index) RouterIndexes() []int {
	x.mu.RLock()
	names := make([]string, 0, len(x.m.routers))
	for _, r := range x.m.routers {
		names = append(names, r.Router.Name)
	}
	x.mu.RUnlock()
	return translate.UsedRouterIndexes(names)
}

// Find resolves any id the index knows (a UUID, or a synthetic id from DHCPSubnetID and its
// siblings) to a Ref. ok is false when nothing in the mirror has that id.
func (x *Index) Find(id string) (Ref, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	m := x.m
	if r, ok := m.routers[id]; ok {
		return Ref{Kind: KindRouter, ID: id, Name: r.Router.Name}, true
	}
	if b, ok := m.bridges[id]; ok {
		return Ref{Kind: KindBridge, ID: id, Name: b.Bridge.Name}, true
	}
	if c, ok := m.chains[id]; ok {
		return Ref{Kind: KindChain, ID: id, Name: c.Chain.Name}, true
	}
	if g, ok := m.groups[id]; ok {
		return Ref{Kind: KindAddrGroup, ID: id, Name: g.Group.Name}, true
	}
	if g, ok := m.portGroups[id]; ok {
		return Ref{Kind: KindPortGroup, ID: id, Name: g.PortGroup.Name}, true
	}
	if dev, ok := m.portDevice[id]; ok {
		return Ref{Kind: KindPort, ID: id, Parent: dev}, true
	}
	if ch, ok := m.ruleChain[id]; ok {
		return Ref{Kind: KindRule, ID: id, Parent: ch}, true
	}
	if rt, ok := m.routeRouter[id]; ok {
		return Ref{Kind: KindRoute, ID: id, Parent: rt}, true
	}
	if rt, ok := m.bgpRouter[id]; ok {
		if _, isPeer := m.routers[rt].Peers[id]; isPeer {
			return Ref{Kind: KindBGPPeer, ID: id, Parent: rt}, true
		}
		return Ref{Kind: KindBGPNetwork, ID: id, Parent: rt}, true
	}
	return m.findSynthetic(id)
}

func (m *mirror) findSynthetic(id string) (Ref, bool) {
	kind, rest, ok := strings.Cut(id, ":")
	if !ok {
		return Ref{}, false
	}
	parent, key, ok := strings.Cut(rest, ":")
	if !ok {
		return Ref{}, false
	}
	found := false
	switch Kind(kind) {
	case KindDHCPSubnet:
		if b, ok := m.bridges[parent]; ok {
			_, found = b.DHCP[key]
		}
	case KindDHCPHost:
		cidr, mac, _ := strings.Cut(key, ":")
		if b, ok := m.bridges[parent]; ok {
			if d, ok := b.DHCP[cidr]; ok {
				found = slices.ContainsFunc(d.Hosts, func(h midonet.DHCPHost) bool { return strings.EqualFold(h.MacAddr, mac) })
			}
		}
	case KindAddr:
		if g, ok := m.groups[parent]; ok {
			found = slices.Contains(g.Addrs, key)
		}
	case KindARP:
		ip, mac, _ := strings.Cut(key, ":")
		if b, ok := m.bridges[parent]; ok {
			found = slices.ContainsFunc(b.ARP, func(e midonet.IP4Mac) bool { return e.IP == ip && strings.EqualFold(e.MAC, mac) })
		}
	case KindMAC:
		i := strings.LastIndex(key, ":")
		if b, ok := m.bridges[parent]; ok && i > 0 {
			mac, port := key[:i], key[i+1:]
			found = slices.ContainsFunc(b.MAC, func(e midonet.MacPort) bool { return strings.EqualFold(e.MacAddr, mac) && e.PortID == port })
		}
	case KindMember:
		if g, ok := m.portGroups[parent]; ok {
			found = slices.Contains(g.Members, key)
		}
	}
	if !found {
		return Ref{}, false
	}
	if Kind(kind) == KindDHCPHost {
		cidr, _, _ := strings.Cut(key, ":")
		parent = DHCPSubnetID(parent, cidr)
	}
	return Ref{Kind: Kind(kind), ID: id, Parent: parent}, true
}
