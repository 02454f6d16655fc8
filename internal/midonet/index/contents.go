package index

import (
	"github.com/midovpc/midovpc/internal/midonet"
)

// Contents is everything an index mirrors, given whole instead of read from MidoNet: what a
// `kubectl-midovpc snapshot` file holds. Children are keyed by their container's id.
type Contents struct {
	Routers     []midonet.Router
	Bridges     []midonet.Bridge
	Chains      []midonet.Chain
	AddrGroups  []midonet.IPAddrGroup
	PortGroups  []midonet.PortGroup
	Ports       []midonet.Port
	Hosts       []midonet.Host
	TunnelZones []midonet.TunnelZone

	Routes          map[string][]midonet.Route // by router
	BgpPeers        map[string][]midonet.BgpPeer
	BgpNetworks     map[string][]midonet.BgpNetwork
	DHCPSubnets     map[string][]midonet.DHCPSubnet          // by bridge
	DHCPHosts       map[string]map[string][]midonet.DHCPHost // by bridge, then subnet CIDR
	ARPEntries      map[string][]midonet.IP4Mac
	MACEntries      map[string][]midonet.MacPort
	Rules           map[string][]midonet.Rule // by chain, in position order
	GroupAddrs      map[string][]midonet.IPAddrGroupAddr
	PortGroupPorts  map[string][]midonet.PortGroupPort
	TunnelZoneHosts map[string][]midonet.TunnelZoneHost
}

// LoadContents fills the index from c instead of reading MidoNet, keeping the tenant
// filter of Load: another tenant's devices, chains and port groups are left out. Host port
// bindings are taken from the ports' host and interface. An index loaded so answers
// lookups and records write-through as one loaded by Load; it is how `kubectl-midovpc plan
// --snapshot` runs the sync engine on a snapshot file.
func (x *Index) LoadContents(c Contents) {
	m := newMirror()
	for _, r := range c.Routers {
		if r.TenantID != x.tenant {
			continue
		}
		st := newRouterState(r)
		for _, rt := range c.Routes[r.ID] {
			st.Routes[rt.ID] = rt
		}
		for _, p := range c.BgpPeers[r.ID] {
			st.Peers[p.ID] = p
		}
		for _, n := range c.BgpNetworks[r.ID] {
			st.Networks[n.ID] = n
		}
		m.routers[r.ID] = st
	}
	for _, b := range c.Bridges {
		if b.TenantID != x.tenant {
			continue
		}
		st := newBridgeState(b)
		for _, s := range c.DHCPSubnets[b.ID] {
			st.DHCP[s.CIDR()] = &dhcpState{Subnet: s, Hosts: c.DHCPHosts[b.ID][s.CIDR()]}
		}
		st.ARP, st.MAC = c.ARPEntries[b.ID], c.MACEntries[b.ID]
		m.bridges[b.ID] = st
	}
	for _, p := range c.Ports {
		switch {
		case m.routers[p.DeviceID] != nil:
			m.routers[p.DeviceID].Ports[p.ID] = p
		case m.bridges[p.DeviceID] != nil:
			m.bridges[p.DeviceID].Ports[p.ID] = p
		}
	}
	for _, ch := range c.Chains {
		if ch.TenantID == x.tenant {
			m.chains[ch.ID] = &chainState{Chain: ch, Rules: packRules(ch.ID, c.Rules[ch.ID])}
		}
	}
	for _, g := range c.AddrGroups {
		st := &groupState{Group: g}
		for _, a := range c.GroupAddrs[g.ID] {
			st.Addrs = append(st.Addrs, canonicalAddr(a.Addr))
		}
		m.groups[g.ID] = st
	}
	for _, g := range c.PortGroups {
		if g.TenantID != x.tenant {
			continue
		}
		st := &portGroupState{PortGroup: g}
		for _, p := range c.PortGroupPorts[g.ID] {
			st.Members = append(st.Members, p.PortID)
		}
		m.portGroups[g.ID] = st
	}
	for _, h := range c.Hosts {
		m.hosts[h.ID] = &hostState{Host: h}
	}
	for _, p := range c.Ports {
		if h := m.hosts[deref(p.HostID)]; h != nil && deref(p.InterfaceName) != "" {
			h.Bindings = append(h.Bindings, midonet.HostInterfacePort{HostID: h.Host.ID, PortID: p.ID, InterfaceName: deref(p.InterfaceName)})
		}
	}
	for _, z := range c.TunnelZones {
		m.zones[z.ID] = &zoneState{Zone: z, Members: c.TunnelZoneHosts[z.ID]}
	}
	m.reindex()
	x.mu.Lock()
	defer x.mu.Unlock()
	x.m, x.loaded = m, true
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
