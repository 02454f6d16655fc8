package index

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
)

// linkLocal is ignored when hosts are identified by address (translation.md §2.2).
var linkLocal = netip.MustParsePrefix("169.254.0.0/16")

// Hosts lists every host, alive or not.
func (x *Index) Hosts() []midonet.Host {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return sortedValues(x.m.hosts, func(s *hostState) midonet.Host { return s.Host },
		func(h midonet.Host) string { return h.ID })
}

// Host returns the host with id.
func (x *Index) Host(id string) (midonet.Host, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if h, ok := x.m.hosts[id]; ok {
		return h.Host, true
	}
	return midonet.Host{}, false
}

// HostInterfaces lists a host's interfaces as its agent reports them.
func (x *Index) HostInterfaces(hostID string) []midonet.HostInterface {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if h, ok := x.m.hosts[hostID]; ok {
		return slices.Clone(h.interfaces())
	}
	return nil
}

// interfaces prefers the interface list read from /hosts/{id}/interfaces, falling back to the
// host document's own list.
func (h *hostState) interfaces() []midonet.HostInterface {
	if len(h.Interfaces) > 0 {
		return h.Interfaces
	}
	return h.Host.HostInterfaces
}

// HostByAddress returns the alive host that has the IPv4 address ip on one of its interfaces
// (link-local 169.254/16 and IPv6 addresses are ignored), as the original's
// mido_get_host_byname does (translation.md §2.2). When several hosts qualify, the one with the
// lowest id wins, so the answer is stable.
func (x *Index) HostByAddress(ip netip.Addr) (midonet.Host, bool) {
	ip = ip.Unmap()
	if !ip.Is4() || linkLocal.Contains(ip) {
		return midonet.Host{}, false
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	var found *hostState
	for _, h := range x.m.hosts {
		if !h.Host.Alive || !h.hasAddress(ip) {
			continue
		}
		if found == nil || h.Host.ID < found.Host.ID {
			found = h
		}
	}
	if found == nil {
		return midonet.Host{}, false
	}
	return found.Host, true
}

func (h *hostState) hasAddress(ip netip.Addr) bool {
	for _, i := range h.interfaces() {
		for _, a := range i.Addresses {
			// Agents report addresses with or without a prefix length.
			s, _, _ := strings.Cut(a, "/")
			if p, err := netip.ParseAddr(s); err == nil && p.Unmap() == ip && !linkLocal.Contains(ip) {
				return true
			}
		}
	}
	return false
}

// HostFor finds the MidoNet host of a node as the view names it: by address when node is an
// IPv4 address (HostByAddress), otherwise the alive host whose name equals node.
func (x *Index) HostFor(node string) (midonet.Host, bool) {
	if ip, err := netip.ParseAddr(node); err == nil {
		return x.HostByAddress(ip)
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	var found *hostState
	for _, h := range x.m.hosts {
		if h.Host.Alive && h.Host.Name == node && (found == nil || h.Host.ID < found.Host.ID) {
			found = h
		}
	}
	if found == nil {
		return midonet.Host{}, false
	}
	return found.Host, true
}

// BindingsOf lists the port bindings of a host.
func (x *Index) BindingsOf(hostID string) []midonet.HostInterfacePort {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if h, ok := x.m.hosts[hostID]; ok {
		return slices.Clone(h.Bindings)
	}
	return nil
}

// TunnelZones lists every tunnel zone.
func (x *Index) TunnelZones() []midonet.TunnelZone {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return sortedValues(x.m.zones, func(s *zoneState) midonet.TunnelZone { return s.Zone },
		func(z midonet.TunnelZone) string { return z.ID })
}

// TunnelZoneMembers lists the members of a tunnel zone.
func (x *Index) TunnelZoneMembers(zoneID string) []midonet.TunnelZoneHost {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if z, ok := x.m.zones[zoneID]; ok {
		return slices.Clone(z.Members)
	}
	return nil
}

// InTunnelZone reports whether a host is a member of at least one tunnel zone, which MidoNet
// requires before a port can be bound on it.
func (x *Index) InTunnelZone(hostID string) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, z := range x.m.zones {
		for _, m := range z.Members {
			if m.HostID == hostID {
				return true
			}
		}
	}
	return false
}
