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
	if h, ok := x.hostLookup().byAddr[ip]; ok {
		return h.Host, true
	}
	return midonet.Host{}, false
}

// hostsByKey finds alive hosts by address and by name, the lowest id winning. Every interface
// sync asks for its node's host: walking every host's addresses each time grew with the cloud
// (500 hosts at 10,000 interfaces). Built on first use for one state of the hosts, and again
// once they change.
type hostsByKey struct {
	m      *mirror
	epoch  uint64
	byAddr map[netip.Addr]*hostState
	byName map[string]*hostState
}

// hostLookup returns the lookup of the current hosts. Callers hold mu (read or write).
func (x *Index) hostLookup() *hostsByKey {
	x.hostMu.Lock()
	defer x.hostMu.Unlock()
	if l := x.hosts; l != nil && l.m == x.m && l.epoch == x.hostEpoch {
		return l
	}
	l := &hostsByKey{m: x.m, epoch: x.hostEpoch, byAddr: map[netip.Addr]*hostState{}, byName: map[string]*hostState{}}
	lower := func(cur *hostState, h *hostState) bool { return cur == nil || h.Host.ID < cur.Host.ID }
	for _, h := range x.m.hosts {
		if !h.Host.Alive {
			continue
		}
		if lower(l.byName[h.Host.Name], h) {
			l.byName[h.Host.Name] = h
		}
		for _, ip := range h.addresses() {
			if lower(l.byAddr[ip], h) {
				l.byAddr[ip] = h
			}
		}
	}
	x.hosts = l
	return l
}

// hostsChanged says that the hosts of the mirror changed in place (a host re-read or gone).
// Callers hold mu.
func (x *Index) hostsChanged() {
	x.hostMu.Lock()
	x.hostEpoch++
	x.hostMu.Unlock()
}

// addresses lists the host's IPv4 addresses that identify it, link-local ones left out.
func (h *hostState) addresses() []netip.Addr {
	var out []netip.Addr
	for _, i := range h.interfaces() {
		for _, a := range i.Addresses {
			// Agents report addresses with or without a prefix length.
			s, _, _ := strings.Cut(a, "/")
			if p, err := netip.ParseAddr(s); err == nil && p.Unmap().Is4() && !linkLocal.Contains(p.Unmap()) {
				out = append(out, p.Unmap())
			}
		}
	}
	return out
}

// HostFor finds the MidoNet host of a node as the view names it: by address when node is an
// IPv4 address (HostByAddress), otherwise the alive host whose name equals node.
func (x *Index) HostFor(node string) (midonet.Host, bool) {
	if ip, err := netip.ParseAddr(node); err == nil {
		return x.HostByAddress(ip)
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	if h, ok := x.hostLookup().byName[node]; ok {
		return h.Host, true
	}
	return midonet.Host{}, false
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
