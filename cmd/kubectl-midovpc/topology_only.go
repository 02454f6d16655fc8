package main

import (
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/topoview"
)

// onlyResource keeps the part of t that one cloud resource owns: the routers, bridges, chains
// and groups whose names carry id as one of their "_"-separated parts (vr_<vpc>_<n> for a VPC,
// vb_<vpc>_<subnet> and sc_<subnet>_in for a subnet, sg_ingress_<sg> for a group,
// ic_<if>_prechain for an interface, ...), and for an interface or instance id also the bridge
// port bound to its tap vn_<id>. Hosts are left out. Names are midovpc's naming scheme
// (docs/midonet-objects.md); ids never contain "_", so the match is exact.
func onlyResource(t *topoview.Topology, id string) *topoview.Topology {
	out := &topoview.Topology{Tenant: t.Tenant, APIVersion: t.APIVersion}
	for _, r := range t.Routers {
		if namesResource(r.Name, id) {
			out.Routers = append(out.Routers, r)
		}
	}
	for _, b := range t.Bridges {
		if namesResource(b.Name, id) {
			out.Bridges = append(out.Bridges, b)
			continue
		}
		// An interface's port sits on its subnet's bridge: show the bridge with that port only.
		if i := slices.IndexFunc(b.Ports, func(p topoview.Port) bool {
			return p.Binding != nil && p.Binding.Interface == "vn_"+id
		}); i >= 0 {
			b.Ports = []topoview.Port{b.Ports[i]}
			b.DHCPSubnets, b.ARPEntries, b.MACEntries = nil, nil, nil
			out.Bridges = append(out.Bridges, b)
		}
	}
	for _, c := range t.Chains {
		if namesResource(c.Name, id) {
			out.Chains = append(out.Chains, c)
		}
	}
	for _, g := range t.IPAddrGroups {
		if namesResource(g.Name, id) {
			out.IPAddrGroups = append(out.IPAddrGroups, g)
		}
	}
	for _, g := range t.PortGroups {
		if namesResource(g.Name, id) {
			out.PortGroups = append(out.PortGroups, g)
		}
	}
	return out
}

// namesResource reports whether a MidoNet name carries id as one of its parts.
func namesResource(name, id string) bool {
	return slices.Contains(strings.Split(name, "_"), id)
}

// empty reports whether nothing of a resource was found.
func empty(t *topoview.Topology) bool {
	return len(t.Routers)+len(t.Bridges)+len(t.Chains)+len(t.IPAddrGroups)+len(t.PortGroups) == 0
}
