package topoview

import (
	"fmt"
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
)

// assemble turns what was read into the Topology: the tenant's objects, references resolved,
// everything in display order. It does no I/O.
func assemble(s *Snapshot) *Topology {
	n := newNames(s)
	t := &Topology{
		Tenant: s.Tenant, APIVersion: s.Version,
		Routers: []Router{}, Bridges: []Bridge{}, Chains: []Chain{},
		IPAddrGroups: []IPAddrGroup{}, PortGroups: []PortGroup{}, Hosts: []Host{},
	}
	portsByDevice := map[string][]midonet.Port{}
	for _, p := range s.Ports {
		portsByDevice[p.DeviceID] = append(portsByDevice[p.DeviceID], p)
	}
	groupsOfPort := portGroupsByPort(s, n)

	for _, r := range s.Routers {
		if r.TenantID == s.Tenant {
			t.Routers = append(t.Routers, assembleRouter(s, n, r, portsByDevice[r.ID], groupsOfPort))
		}
	}
	for _, b := range s.Bridges {
		if b.TenantID == s.Tenant {
			t.Bridges = append(t.Bridges, assembleBridge(s, n, b, portsByDevice[b.ID], groupsOfPort))
		}
	}
	for _, c := range s.Chains {
		if c.TenantID == s.Tenant {
			t.Chains = append(t.Chains, assembleChain(n, c, s.Rules[c.ID]))
		}
	}
	for _, g := range s.AddrGroups {
		if shownAddrGroup(g.Name) {
			t.IPAddrGroups = append(t.IPAddrGroups, assembleAddrGroup(g, s.GroupAddrs[g.ID]))
		}
	}
	for _, g := range s.PortGroups {
		if g.TenantID == s.Tenant {
			t.PortGroups = append(t.PortGroups, assemblePortGroup(n, g, s.PortGroupPorts[g.ID]))
		}
	}
	tenantDevice := func(id string) bool {
		if r, ok := n.routers[id]; ok {
			return r.TenantID == s.Tenant
		}
		b, ok := n.bridges[id]
		return ok && b.TenantID == s.Tenant
	}
	for _, h := range s.Hosts {
		t.Hosts = append(t.Hosts, assembleHost(s, n, h, tenantDevice))
	}
	sortTopology(t)
	markUsage(t) // after sorting, so that usage lists follow display order
	return t
}

func portGroupsByPort(s *Snapshot, n *names) map[string][]Ref {
	out := map[string][]Ref{}
	for _, g := range s.PortGroups {
		for _, m := range s.PortGroupPorts[g.ID] {
			out[m.PortID] = append(out[m.PortID], *n.portGroup(&g.ID))
		}
	}
	return out
}

func assembleRouter(s *Snapshot, n *names, r midonet.Router, ports []midonet.Port, groups map[string][]Ref) Router {
	out := Router{
		ID: r.ID, Name: r.Name, AdminStateUp: up(r.AdminStateUp), ASNumber: r.ASNumber,
		InboundFilter: n.chain(r.InboundFilterID), OutboundFilter: n.chain(r.OutboundFilterID),
	}
	for _, p := range ports {
		out.Ports = append(out.Ports, assemblePort(n, p, groups[p.ID]))
	}
	for _, rt := range s.Routes[r.ID] {
		route := Route{
			ID: rt.ID, Type: rt.Type, Weight: rt.Weight, Learned: rt.Learned,
			Src:     cidr(rt.SrcNetworkAddr, rt.SrcNetworkLength),
			Dst:     cidr(rt.DstNetworkAddr, rt.DstNetworkLength),
			Gateway: midonet.Deref(rt.NextHopGateway),
		}
		if id := midonet.Deref(rt.NextHopPort); id != "" {
			ref := n.port(id)
			route.NextHopPort = &ref
		}
		out.Routes = append(out.Routes, route)
	}
	for _, p := range s.BgpPeers[r.ID] {
		out.BgpPeers = append(out.BgpPeers, BgpPeer{ID: p.ID, Address: p.Address, ASNumber: p.ASNumber})
	}
	for _, bn := range s.BgpNetworks[r.ID] {
		out.BgpNetworks = append(out.BgpNetworks, BgpNetwork{ID: bn.ID, Network: cidr(bn.SubnetAddress, bn.SubnetLength)})
	}
	return out
}

func assemblePort(n *names, p midonet.Port, groups []Ref) Port {
	out := Port{
		ID: p.ID, Type: p.Type, AdminStateUp: up(p.AdminStateUp), VlanID: p.VlanID,
		InboundFilter: n.chain(p.InboundFilterID), OutboundFilter: n.chain(p.OutboundFilterID),
		PortGroups: groups,
	}
	if p.Type == midonet.PortTypeRouter {
		out.Address = cidr(p.PortAddress, p.NetworkLength)
		out.MAC = p.PortMAC
	} else {
		out.Role = n.bridgePortRole(&p)
	}
	if peer := midonet.Deref(p.PeerID); peer != "" {
		ref := n.port(peer)
		out.Peer = &ref
	}
	if host, iface := midonet.Deref(p.HostID), midonet.Deref(p.InterfaceName); host != "" || iface != "" {
		out.Binding = &Binding{HostID: host, Host: n.hostName(host), Interface: iface}
	}
	return out
}

func assembleBridge(s *Snapshot, n *names, b midonet.Bridge, ports []midonet.Port, groups map[string][]Ref) Bridge {
	out := Bridge{
		ID: b.ID, Name: b.Name, AdminStateUp: up(b.AdminStateUp),
		InboundFilter: n.chain(b.InboundFilterID), OutboundFilter: n.chain(b.OutboundFilterID),
	}
	for _, p := range ports {
		out.Ports = append(out.Ports, assemblePort(n, p, groups[p.ID]))
	}
	for _, d := range s.DHCPSubnets[b.ID] {
		out.DHCPSubnets = append(out.DHCPSubnets, assembleDHCP(d))
	}
	for _, e := range s.ARPEntries[b.ID] {
		out.ARPEntries = append(out.ARPEntries, ARPEntry{IP: e.IP, MAC: e.MAC})
	}
	for _, e := range s.MACEntries[b.ID] {
		out.MACEntries = append(out.MACEntries, MACEntry{MAC: e.MacAddr, Port: n.port(e.PortID), VlanID: e.VlanID})
	}
	return out
}

func assembleDHCP(d DHCPSubnetDump) DHCPSubnet {
	sn := d.Subnet
	out := DHCPSubnet{
		Subnet: sn.CIDR(), DefaultGateway: sn.DefaultGateway, ServerAddr: sn.ServerAddr,
		DNSServers: sn.DNSServerAddrs, MTU: sn.InterfaceMTU, Enabled: up(sn.Enabled),
	}
	for _, r := range sn.Opt121Routes {
		out.Opt121Routes = append(out.Opt121Routes, Opt121Route{
			Destination: cidr(r.DestinationPrefix, r.DestinationLength), Gateway: r.GatewayAddr,
		})
	}
	for _, h := range d.Hosts {
		host := DHCPHost{Name: h.Name, MAC: h.MacAddr, IP: h.IPAddr}
		for _, o := range h.ExtraDHCPOpts {
			host.ExtraOptions = append(host.ExtraOptions, DHCPOption{Name: o.OptName, Value: o.OptValue})
		}
		out.Hosts = append(out.Hosts, host)
	}
	return out
}

func assembleChain(n *names, c midonet.Chain, rules []midonet.Rule) Chain {
	out := Chain{ID: c.ID, Name: c.Name, UsedBy: []string{}}
	// MidoNet lists rules in order; sorting by position keeps the tree right even if one did
	// not.
	rules = slices.Clone(rules)
	slices.SortStableFunc(rules, func(a, b midonet.Rule) int { return a.Position - b.Position })
	for i := range rules {
		out.Rules = append(out.Rules, assembleRule(n, &rules[i]))
	}
	return out
}

func assembleRule(n *names, r *midonet.Rule) Rule {
	out := Rule{
		ID: r.ID, Position: r.Position, Type: r.Type, Raw: r,
		IPAddrGroupSrc: n.addrGroup(r.IPAddrGroupSrc), IPAddrGroupDst: n.addrGroup(r.IPAddrGroupDst),
		PortGroup: n.portGroup(r.PortGroup), InPortGroup: n.portGroup(r.InPortGroup),
		OutPortGroup: n.portGroup(r.OutPortGroup), TraversedDevice: n.device(r.TraversedDevice),
		InPorts: n.portRefs(r.InPorts), OutPorts: n.portRefs(r.OutPorts),
		FlowAction: r.FlowAction, NatTargets: r.NatTargets,
	}
	if r.Type == midonet.RuleTypeJump {
		out.JumpChain = n.chain(r.JumpChainID)
	}
	out.Summary = ruleSummary(&out)
	return out
}

func assembleAddrGroup(g midonet.IPAddrGroup, addrs []midonet.IPAddrGroupAddr) IPAddrGroup {
	out := IPAddrGroup{ID: g.ID, Name: g.Name, UsedBy: []string{}}
	for _, a := range addrs {
		out.Addresses = append(out.Addresses, a.Addr)
	}
	return out
}

func assemblePortGroup(n *names, g midonet.PortGroup, members []midonet.PortGroupPort) PortGroup {
	out := PortGroup{ID: g.ID, Name: g.Name, Stateful: g.Stateful}
	for _, m := range members {
		out.Members = append(out.Members, n.port(m.PortID))
	}
	return out
}

// assembleHost lists the host's tunnel zones and the bindings of the tenant's ports on it
// (bindings are read from the ports, which carry hostId and interfaceName).
func assembleHost(s *Snapshot, n *names, h midonet.Host, tenantDevice func(string) bool) Host {
	out := Host{ID: h.ID, Name: h.Name, Alive: h.Alive, Addresses: h.Addresses}
	for _, z := range s.TunnelZones {
		for _, m := range s.TunnelZoneHosts[z.ID] {
			if m.HostID == h.ID {
				out.TunnelZones = append(out.TunnelZones, TunnelZoneMembership{ID: z.ID, Name: z.Name, Type: z.Type, IPAddress: m.IPAddress})
			}
		}
	}
	for _, p := range s.Ports {
		if midonet.Deref(p.HostID) == h.ID && tenantDevice(p.DeviceID) {
			out.Bindings = append(out.Bindings, HostBinding{Interface: midonet.Deref(p.InterfaceName), Port: n.port(p.ID)})
		}
	}
	return out
}

// markUsage fills Chain.UsedBy and IPAddrGroup.UsedBy from the filters and rules of the
// tenant's objects.
func markUsage(t *Topology) {
	chains := map[string]*Chain{}
	for i := range t.Chains {
		chains[t.Chains[i].ID] = &t.Chains[i]
	}
	groups := map[string]*IPAddrGroup{}
	for i := range t.IPAddrGroups {
		groups[t.IPAddrGroups[i].ID] = &t.IPAddrGroups[i]
	}
	useChain := func(r *Ref, by string) {
		if c, ok := chainOf(r, chains); ok {
			c.UsedBy = append(c.UsedBy, by)
		}
	}
	filters := func(owner string, in, out *Ref) {
		useChain(in, owner+" inbound")
		useChain(out, owner+" outbound")
	}
	for _, r := range t.Routers {
		filters(r.Name, r.InboundFilter, r.OutboundFilter)
		for _, p := range r.Ports {
			filters(r.Name+"["+hostPart(p.Address)+"]", p.InboundFilter, p.OutboundFilter)
		}
	}
	for _, b := range t.Bridges {
		filters(b.Name, b.InboundFilter, b.OutboundFilter)
		for _, p := range b.Ports {
			filters(b.Name+"["+p.Role+"]", p.InboundFilter, p.OutboundFilter)
		}
	}
	for _, c := range t.Chains {
		for _, r := range c.Rules {
			by := fmt.Sprintf("%s #%d", c.Name, r.Position)
			useChain(r.JumpChain, "jump from "+by)
			for _, g := range []*Ref{r.IPAddrGroupSrc, r.IPAddrGroupDst} {
				if g != nil && groups[g.ID] != nil {
					groups[g.ID].UsedBy = append(groups[g.ID].UsedBy, by)
				}
			}
		}
	}
}

func chainOf(r *Ref, chains map[string]*Chain) (*Chain, bool) {
	if r == nil {
		return nil, false
	}
	c, ok := chains[r.ID]
	return c, ok
}

// up reads an admin state or enabled flag whose absence means true (MidoNet's default).
func up(b *bool) bool { return b == nil || *b }

// hostPart is the address of "address/length", as port references show router ports.
func hostPart(prefix string) string {
	addr, _, _ := strings.Cut(prefix, "/")
	return addr
}
