package topoview

import (
	"context"
	"errors"
	"fmt"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/translate"
)

// names resolves the ids found in MidoNet objects to the names an operator knows.
type names struct {
	routers    map[string]*midonet.Router
	bridges    map[string]*midonet.Bridge
	chains     map[string]*midonet.Chain
	ports      map[string]*midonet.Port
	addrGroups map[string]*midonet.IPAddrGroup
	portGroups map[string]*midonet.PortGroup
	hosts      map[string]*midonet.Host
}

func newNames(s *Snapshot) *names {
	return &names{
		routers:    byID(s.Routers, func(r *midonet.Router) string { return r.ID }),
		bridges:    byID(s.Bridges, func(b *midonet.Bridge) string { return b.ID }),
		chains:     byID(s.Chains, func(c *midonet.Chain) string { return c.ID }),
		ports:      byID(s.Ports, func(p *midonet.Port) string { return p.ID }),
		addrGroups: byID(s.AddrGroups, func(g *midonet.IPAddrGroup) string { return g.ID }),
		portGroups: byID(s.PortGroups, func(g *midonet.PortGroup) string { return g.ID }),
		hosts:      byID(s.Hosts, func(h *midonet.Host) string { return h.ID }),
	}
}

func byID[T any](objs []T, id func(*T) string) map[string]*T {
	m := make(map[string]*T, len(objs))
	for i := range objs {
		m[id(&objs[i])] = &objs[i]
	}
	return m
}

// ref resolves an optional reference against one kind of named object.
func ref[T any](id *string, objs map[string]*T, name func(*T) string) *Ref {
	if id == nil || *id == "" {
		return nil
	}
	o, found := objs[*id]
	if !found {
		return &Ref{ID: *id, Missing: true}
	}
	return &Ref{ID: *id, Name: name(o)}
}

func (n *names) chain(id *string) *Ref {
	return ref(id, n.chains, func(c *midonet.Chain) string { return c.Name })
}

func (n *names) addrGroup(id *string) *Ref {
	return ref(id, n.addrGroups, func(g *midonet.IPAddrGroup) string { return g.Name })
}

func (n *names) portGroup(id *string) *Ref {
	return ref(id, n.portGroups, func(g *midonet.PortGroup) string { return g.Name })
}

// device resolves a router or bridge id (a rule's traversedDevice).
func (n *names) device(id *string) *Ref {
	if id == nil || *id == "" {
		return nil
	}
	name, _, found := n.deviceName(*id)
	if !found {
		return &Ref{ID: *id, Missing: true}
	}
	return &Ref{ID: *id, Name: name}
}

func (n *names) deviceName(id string) (name, kind string, found bool) {
	if r, ok := n.routers[id]; ok {
		return r.Name, "router", true
	}
	if b, ok := n.bridges[id]; ok {
		return b.Name, "bridge", true
	}
	return "", "", false
}

func (n *names) hostName(id string) string {
	if h, ok := n.hosts[id]; ok {
		return h.Name
	}
	return ""
}

// port names a port by its device and by what identifies it there.
func (n *names) port(id string) PortRef {
	p, found := n.ports[id]
	if !found {
		return PortRef{ID: id, Missing: true}
	}
	ref := PortRef{ID: id, DeviceID: p.DeviceID}
	ref.Device, ref.DeviceType, _ = n.deviceName(p.DeviceID)
	if p.Type == midonet.PortTypeRouter {
		ref.Address = p.PortAddress
	} else {
		ref.Role = n.bridgePortRole(p)
	}
	return ref
}

func (n *names) portRefs(ids []string) []PortRef {
	var refs []PortRef
	for _, id := range ids {
		refs = append(refs, n.port(id))
	}
	return refs
}

// bridgePortRole infers a bridge port's role in translate's vocabulary (topology.PortRef.Role):
// the interface it is bound to; for a link, the router on the other side ("eucart",
// "eucamdrt", "vpc:<vpc>" on a core bridge, "router" on a subnet bridge, "nat:<natg>"); else
// "port:" and the start of its id.
func (n *names) bridgePortRole(p *midonet.Port) string {
	if iface := midonet.Deref(p.InterfaceName); iface != "" {
		return iface
	}
	if peerID := midonet.Deref(p.PeerID); peerID != "" {
		if peer, found := n.ports[peerID]; found {
			if r, found := n.routers[peer.DeviceID]; found {
				return linkRole(r.Name, n.onSubnetBridge(p))
			}
		}
		return "peer:" + shortID(peerID)
	}
	return "port:" + shortID(p.ID)
}

func (n *names) onSubnetBridge(p *midonet.Port) bool {
	b, found := n.bridges[p.DeviceID]
	if !found {
		return false
	}
	parsed, ok := translate.ParseName(b.Name)
	return ok && parsed.Kind == translate.NameSubnetBridge
}

// linkRole is the role of a bridge port linked to the router named router.
func linkRole(router string, subnetBridge bool) string {
	parsed, ok := translate.ParseName(router)
	switch {
	case ok && parsed.Kind == translate.NameVPCRouter && subnetBridge:
		return translate.RoleBridgeRouter
	case ok && parsed.Kind == translate.NameVPCRouter:
		return translate.VPCPortRole(parsed.VPC)
	case ok && parsed.Kind == translate.NameNATRouter:
		return translate.NATPortRole(parsed.NAT)
	}
	return router
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// shownAddrGroup says whether an IP address group is listed. MidoNet gives groups no tenant,
// so the groups listed are those named by the naming scheme; others still resolve by name
// where a rule refers to them.
func shownAddrGroup(name string) bool { return translate.IsOwnedName(name) }

func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled)
}

// String renders a port reference as the tree shows it: device[address or role].
func (r PortRef) String() string {
	if r.Missing {
		return "?" + r.ID
	}
	device := r.Device
	if device == "" {
		device = "?" + r.DeviceID
	}
	what := r.Address
	if what == "" {
		what = r.Role
	}
	return fmt.Sprintf("%s[%s]", device, what)
}

// String renders a reference by name, or as ?<id> when it dangles.
func (r *Ref) String() string {
	if r == nil {
		return "-"
	}
	if r.Missing || r.Name == "" {
		return "?" + r.ID
	}
	return r.Name
}

// cidr joins an address and a prefix length.
func cidr(addr string, length int) string {
	if addr == "" {
		return ""
	}
	return addr + "/" + fmt.Sprint(length)
}
