package topoview

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/translate"
)

// sortTopology puts everything in display order, so that the same MidoNet state always prints
// the same text. Rules keep their chain order.
func sortTopology(t *Topology) {
	slices.SortFunc(t.Routers, func(a, b Router) int {
		return cmp.Or(cmp.Compare(routerRank(a.Name), routerRank(b.Name)), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	for i := range t.Routers {
		r := &t.Routers[i]
		slices.SortFunc(r.Ports, comparePorts)
		slices.SortFunc(r.Routes, compareRoutes)
		slices.SortFunc(r.BgpPeers, func(a, b BgpPeer) int {
			return cmp.Or(compareAddr(a.Address, b.Address), cmp.Compare(a.ASNumber, b.ASNumber), strings.Compare(a.ID, b.ID))
		})
		slices.SortFunc(r.BgpNetworks, func(a, b BgpNetwork) int {
			return cmp.Or(comparePrefix(a.Network, b.Network), strings.Compare(a.ID, b.ID))
		})
	}
	slices.SortFunc(t.Bridges, func(a, b Bridge) int {
		return cmp.Or(cmp.Compare(bridgeRank(a.Name), bridgeRank(b.Name)), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	for i := range t.Bridges {
		b := &t.Bridges[i]
		slices.SortFunc(b.Ports, comparePorts)
		slices.SortFunc(b.DHCPSubnets, func(x, y DHCPSubnet) int { return comparePrefix(x.Subnet, y.Subnet) })
		for j := range b.DHCPSubnets {
			slices.SortFunc(b.DHCPSubnets[j].Hosts, func(x, y DHCPHost) int {
				return cmp.Or(compareAddr(x.IP, y.IP), strings.Compare(x.MAC, y.MAC))
			})
		}
		slices.SortFunc(b.ARPEntries, func(x, y ARPEntry) int {
			return cmp.Or(compareAddr(x.IP, y.IP), strings.Compare(x.MAC, y.MAC))
		})
		slices.SortFunc(b.MACEntries, func(x, y MACEntry) int {
			return cmp.Or(strings.Compare(x.MAC, y.MAC), cmp.Compare(vlan(x.VlanID), vlan(y.VlanID)), strings.Compare(x.Port.ID, y.Port.ID))
		})
	}
	slices.SortFunc(t.Chains, func(a, b Chain) int { return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID)) })
	slices.SortFunc(t.IPAddrGroups, func(a, b IPAddrGroup) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	for i := range t.IPAddrGroups {
		slices.SortFunc(t.IPAddrGroups[i].Addresses, compareAddr)
	}
	slices.SortFunc(t.PortGroups, func(a, b PortGroup) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	for i := range t.PortGroups {
		slices.SortFunc(t.PortGroups[i].Members, comparePortRefs)
	}
	slices.SortFunc(t.Hosts, func(a, b Host) int { return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID)) })
	for i := range t.Hosts {
		h := &t.Hosts[i]
		slices.SortFunc(h.Addresses, compareAddr)
		slices.SortFunc(h.TunnelZones, func(x, y TunnelZoneMembership) int { return strings.Compare(x.Name, y.Name) })
		slices.SortFunc(h.Bindings, func(x, y HostBinding) int {
			return cmp.Or(strings.Compare(x.Interface, y.Interface), strings.Compare(x.Port.ID, y.Port.ID))
		})
	}
}

// routerRank orders routers as the topology is built: core, metadata, VPC, NAT gateway, other.
func routerRank(name string) int {
	switch name {
	case translate.CoreRouterName:
		return 0
	case translate.MetadataRouterName:
		return 1
	}
	parsed, ok := translate.ParseName(name)
	switch {
	case ok && parsed.Kind == translate.NameVPCRouter:
		return 2
	case ok && parsed.Kind == translate.NameNATRouter:
		return 3
	}
	return 4
}

// bridgeRank orders bridges: core, metadata, subnet, other.
func bridgeRank(name string) int {
	switch name {
	case translate.CoreBridgeName:
		return 0
	case translate.MetadataBridgeName:
		return 1
	}
	if parsed, ok := translate.ParseName(name); ok && parsed.Kind == translate.NameSubnetBridge {
		return 2
	}
	return 3
}

// comparePorts orders router ports by address and bridge ports by kind (linked, bound,
// unattached) and then by what they lead to.
func comparePorts(a, b Port) int {
	return cmp.Or(
		comparePrefix(a.Address, b.Address),
		cmp.Compare(portKind(a), portKind(b)),
		strings.Compare(peerDevice(a), peerDevice(b)),
		strings.Compare(a.Role, b.Role),
		strings.Compare(a.ID, b.ID),
	)
}

func portKind(p Port) int {
	switch {
	case p.Peer != nil:
		return 0
	case p.Binding != nil:
		return 1
	}
	return 2
}

func peerDevice(p Port) string {
	if p.Peer == nil {
		return ""
	}
	return p.Peer.String()
}

func comparePortRefs(a, b PortRef) int {
	return cmp.Or(strings.Compare(a.Device, b.Device), compareAddr(a.Address, b.Address),
		strings.Compare(a.Role, b.Role), strings.Compare(a.ID, b.ID))
}

func compareRoutes(a, b Route) int {
	return cmp.Or(
		comparePrefix(a.Dst, b.Dst),
		comparePrefix(a.Src, b.Src),
		cmp.Compare(a.Weight, b.Weight),
		strings.Compare(a.Type, b.Type),
		compareAddr(via(a), via(b)),
		compareAddr(a.Gateway, b.Gateway),
		strings.Compare(a.ID, b.ID),
	)
}

func via(r Route) string {
	if r.NextHopPort == nil {
		return ""
	}
	return r.NextHopPort.Address
}

// compareAddr orders IP addresses numerically; what does not parse sorts after, as text.
func compareAddr(a, b string) int {
	x, errX := netip.ParseAddr(a)
	y, errY := netip.ParseAddr(b)
	switch {
	case errX == nil && errY == nil:
		return x.Compare(y)
	case errX == nil:
		return -1
	case errY == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// comparePrefix orders prefixes ("10.0.1.0/24") by address, then length; "" sorts first.
func comparePrefix(a, b string) int {
	x, errX := netip.ParsePrefix(a)
	y, errY := netip.ParsePrefix(b)
	switch {
	case errX == nil && errY == nil:
		return cmp.Or(x.Addr().Compare(y.Addr()), cmp.Compare(x.Bits(), y.Bits()))
	case a == "" || b == "":
		return cmp.Compare(len(a), len(b))
	case errX == nil:
		return -1
	case errY == nil:
		return 1
	}
	return strings.Compare(a, b)
}

func vlan(v *int) int {
	if v == nil {
		return 0
	}
	return *v
}
