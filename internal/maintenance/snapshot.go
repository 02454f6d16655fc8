package maintenance

import (
	"cmp"
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/topoview"
)

// FromSnapshot builds the State of a snapshot file (kubectl-midovpc snapshot), for the
// commands that only read. A snapshot holds the rules of the tenant's chains only: references
// from other tenants' rules are not known, so check run on one may call a group unused that
// another tenant's rule uses (the live check reads them).
func FromSnapshot(s *topoview.Snapshot) *State {
	st := &State{Tenant: s.Tenant, ForeignRefs: map[string]bool{}}
	portsOf := map[string][]midonet.Port{}
	foreignDevice := map[string]bool{}
	for _, r := range s.Routers {
		if r.TenantID != s.Tenant {
			foreignDevice[r.ID] = true
			addRefs(st.ForeignRefs, r.InboundFilterID, r.OutboundFilterID)
		}
	}
	for _, b := range s.Bridges {
		if b.TenantID != s.Tenant {
			foreignDevice[b.ID] = true
			addRefs(st.ForeignRefs, b.InboundFilterID, b.OutboundFilterID)
		}
	}
	for _, p := range s.Ports {
		portsOf[p.DeviceID] = append(portsOf[p.DeviceID], p)
		if foreignDevice[p.DeviceID] {
			addRefs(st.ForeignRefs, p.InboundFilterID, p.OutboundFilterID, p.PeerID)
		}
	}
	for _, ps := range portsOf {
		slices.SortFunc(ps, func(a, b midonet.Port) int {
			return cmp.Or(cmp.Compare(a.TunnelKey, b.TunnelKey), strings.Compare(a.ID, b.ID))
		})
	}
	for _, r := range s.Routers {
		if r.TenantID == s.Tenant {
			st.Routers = append(st.Routers, Router{Router: r, Ports: portsOf[r.ID], Routes: s.Routes[r.ID],
				BgpPeers: s.BgpPeers[r.ID], BgpNetworks: s.BgpNetworks[r.ID]})
		}
	}
	for _, b := range s.Bridges {
		if b.TenantID != s.Tenant {
			continue
		}
		br := Bridge{Bridge: b, Ports: portsOf[b.ID], ARP: s.ARPEntries[b.ID], MAC: s.MACEntries[b.ID]}
		for _, d := range s.DHCPSubnets[b.ID] {
			br.DHCP = append(br.DHCP, DHCPSubnet{DHCPSubnet: d.Subnet, Hosts: d.Hosts})
		}
		st.Bridges = append(st.Bridges, br)
	}
	for _, c := range s.Chains {
		if c.TenantID == s.Tenant {
			st.Chains = append(st.Chains, Chain{Chain: c, Rules: s.Rules[c.ID]})
		}
	}
	for _, g := range s.AddrGroups {
		ag := AddrGroup{IPAddrGroup: g}
		for _, a := range s.GroupAddrs[g.ID] {
			ag.Addrs = append(ag.Addrs, a.Addr)
		}
		st.AddrGroups = append(st.AddrGroups, ag)
	}
	for _, g := range s.PortGroups {
		if g.TenantID != s.Tenant {
			continue
		}
		pg := PortGroup{PortGroup: g}
		for _, m := range s.PortGroupPorts[g.ID] {
			pg.Members = append(pg.Members, m.PortID)
		}
		st.PortGroups = append(st.PortGroups, pg)
	}
	for _, h := range s.Hosts {
		host := Host{Host: h, Interfaces: h.HostInterfaces}
		for _, p := range s.Ports {
			if deref(p.HostID) == h.ID && deref(p.InterfaceName) != "" {
				host.Bindings = append(host.Bindings, midonet.HostInterfacePort{HostID: h.ID, PortID: p.ID, InterfaceName: *p.InterfaceName})
			}
		}
		st.Hosts = append(st.Hosts, host)
	}
	for _, z := range s.TunnelZones {
		st.TunnelZones = append(st.TunnelZones, TunnelZone{TunnelZone: z, Members: s.TunnelZoneHosts[z.ID]})
	}
	st.sortByID()
	return st
}

// sortByID orders the lists as the index does, so that every source gives the same output.
func (st *State) sortByID() {
	slices.SortFunc(st.Routers, func(a, b Router) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(st.Bridges, func(a, b Bridge) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(st.Chains, func(a, b Chain) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(st.AddrGroups, func(a, b AddrGroup) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(st.PortGroups, func(a, b PortGroup) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(st.Hosts, func(a, b Host) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(st.TunnelZones, func(a, b TunnelZone) int { return strings.Compare(a.ID, b.ID) })
}

func addRefs(refs map[string]bool, ids ...*string) {
	for _, id := range ids {
		if id != nil && *id != "" {
			refs[*id] = true
		}
	}
}
