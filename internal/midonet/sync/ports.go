package sync

import (
	"crypto/sha1" //nolint:gosec // a MAC derivation, not security
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/topology"
)

// Ports have no name. A desired port is matched inside its device by, in order: the
// deterministic id; the id recorded for its key; for router ports the port address; for bridge
// ports the peer (the far end matched first, recursively), else the inbound filter chain (an
// interface's port carries ic_<if>_prechain, decision (d)), else the bound interface name.

// portID resolves a port reference, in this fragment or of another owner, to its id.
func (r *run) portID(ref topology.PortRef) (string, error) {
	if id, ok := r.ports.lookup(ref); ok {
		return id, nil
	}
	if spec, ok := r.portSpecs[ref]; ok {
		if id, ok := r.matchPort(spec); ok {
			return id, nil
		}
		return "", missing("port %s", ref)
	}
	key := topology.Port{Ref: ref}.Key()
	if id, ok := r.registeredID(key); ok {
		if _, exists := r.e.Index.Port(id); exists {
			return id, nil
		}
	}
	det := r.e.objectID(key)
	if _, exists := r.e.Index.Port(det); exists {
		return det, nil
	}
	return "", missing("port %s", ref)
}

// matchPort finds the actual port for a desired one, without writing.
func (r *run) matchPort(p *topology.Port) (string, bool) {
	if id, ok := r.ports.lookup(p.Ref); ok {
		return id, true
	}
	if r.matching.get(p.Ref) {
		return "", false
	}
	r.matching.set(p.Ref, true)
	defer r.matching.del(p.Ref)
	dev, err := r.deviceID(*p)
	if err != nil {
		return "", false
	}
	free := func(q midonet.Port) bool { return !r.claimed.get(q.ID) && !r.ownedByOther(q.ID) }
	found := func(id string) (string, bool) {
		r.ports.set(p.Ref, id)
		r.claimed.set(id, true)
		return id, true
	}
	// The port midovpc created (its deterministic id) or recorded: looked up directly, not
	// found in a list of the device's ports (eucart has one per VPC, a subnet's bridge one
	// per interface). When both are there, the older (lower tunnel key) wins.
	det := r.e.objectID(p.Key())
	reg, _ := r.registeredID(p.Key())
	var known []midonet.Port
	for _, id := range []string{det, reg} {
		if q, ok := r.e.Index.PortOn(dev, id); ok && id != "" && !r.claimed.get(id) {
			known = append(known, q)
		}
	}
	if len(known) > 0 {
		return found(slices.MinFunc(known, index.PortOrder).ID)
	}
	ports := r.e.Index.PortsOf(dev)
	if p.Kind == topology.RouterPort {
		for _, q := range ports {
			if q.Type == midonet.PortTypeRouter && q.PortAddress == p.Address.String() && free(q) {
				return found(q.ID)
			}
		}
		return "", false
	}
	if p.Peer != nil {
		if spec, ok := r.portSpecs[*p.Peer]; ok {
			if peer, ok := r.matchPort(spec); ok {
				for _, q := range ports {
					if midonet.Deref(q.PeerID) == peer && free(q) {
						return found(q.ID)
					}
				}
			}
		}
	}
	if p.InboundFilter != "" {
		if chain, err := r.chainID(p.InboundFilter); err == nil {
			for _, q := range ports {
				if midonet.Deref(q.InboundFilterID) == chain && free(q) {
					return found(q.ID)
				}
			}
		}
	}
	if p.Binding != nil {
		for _, q := range ports {
			if midonet.Deref(q.InterfaceName) == p.Binding.Interface && free(q) {
				return found(q.ID)
			}
		}
	}
	return "", false
}

func (r *run) ensurePorts() error {
	for i := range r.frag.Ports {
		if err := r.ensurePort(&r.frag.Ports[i]); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) ensurePort(p *topology.Port) error {
	dev, err := r.deviceID(*p)
	if err != nil {
		return fmt.Errorf("port %s: %w", p.Ref, err)
	}
	in, out, err := r.filterIDs(p.InboundFilter, p.OutboundFilter)
	if err != nil && !r.findOnly {
		return fmt.Errorf("port %s: %w", p.Ref, err)
	}
	kind := index.KindBridge
	if p.Kind == topology.RouterPort {
		kind = index.KindRouter
	}
	unlock := r.e.lock(dev)
	defer unlock()
	if !r.findOnly {
		if err := r.e.Index.RefreshIfStale(r.ctx, kind, dev); err != nil {
			return fmt.Errorf("port %s: %w", p.Ref, err)
		}
	}
	if id, ok := r.matchPort(p); ok {
		r.keep(p.Key(), id)
		actual, _ := r.e.Index.Port(id)
		want, changed := desiredPort(actual, p, in, out)
		if !changed || r.findOnly {
			return nil
		}
		got, err := r.e.Client.UpdatePort(r.ctx, &want)
		if err != nil {
			return r.failed(kind, dev, err, "update port %s", p.Ref)
		}
		r.updated()
		r.e.Index.PutPort(*got)
		return nil
	}
	if r.findOnly {
		return nil
	}
	want, _ := desiredPort(midonet.Port{ID: r.e.objectID(p.Key())}, p, in, out)
	if p.Kind == topology.RouterPort && want.PortMAC == "" {
		// Chosen here rather than by MidoNet, so the MAC is known without reading the port back.
		want.PortMAC = routerPortMAC(want.ID)
	}
	var got *midonet.Port
	if p.Kind == topology.RouterPort {
		got, err = r.e.Client.CreateRouterPort(r.ctx, dev, &want)
	} else {
		got, err = r.e.Client.CreateBridgePort(r.ctx, dev, &want)
	}
	if err != nil && midonet.IsConflict(err) {
		got, err = adopt(r, "port", p.Ref.String(), func() (*midonet.Port, error) { return r.e.Client.GetPort(r.ctx, want.ID) },
			func(x *midonet.Port) bool { return x.DeviceID == dev })
	} else if err == nil {
		r.created()
	}
	if err != nil {
		return r.failed(kind, dev, err, "create port %s", p.Ref)
	}
	r.e.Index.PutPort(*got)
	r.ports.set(p.Ref, got.ID)
	r.keep(p.Key(), got.ID)
	return nil
}

// routerPortMAC is the MAC a new router port without a MAC of its own gets: in MidoNet's
// ac:ca:ba range (the one it picks at random from), derived from the port id so that a retried
// create sends the same one.
func routerPortMAC(id string) string {
	sum := sha1.Sum([]byte(id))
	return fmt.Sprintf("ac:ca:ba:%02x:%02x:%02x", sum[0], sum[1], sum[2])
}

// desiredPort returns actual changed to what p wants (every other field as read, since PUT
// replaces the whole port) and whether anything changed.
func desiredPort(actual midonet.Port, p *topology.Port, in, out *string) (midonet.Port, bool) {
	want := actual
	changed := false
	if !sameRef(want.InboundFilterID, in) || !sameRef(want.OutboundFilterID, out) {
		want.InboundFilterID, want.OutboundFilterID = in, out
		changed = true
	}
	if p.Kind == topology.BridgePort {
		want.Type = midonet.PortTypeBridge
		return want, changed
	}
	want.Type = midonet.PortTypeRouter
	addr, bits := p.Address.String(), p.Network.Bits()
	if want.PortAddress != addr || want.NetworkLength != bits {
		want.PortAddress, want.NetworkLength = addr, bits
		want.NetworkAddress = p.Network.Masked().Addr().String()
		// portSubnet wins over portAddress/networkLength when sent: send the new one.
		want.PortSubnet = []string{addr + "/" + strconv.Itoa(bits)}
		changed = true
	}
	if p.MAC != "" && !strings.EqualFold(want.PortMAC, p.MAC) {
		want.PortMAC = strings.ToLower(p.MAC)
		changed = true
	}
	return want, changed
}

// ensureLinks links the two ends of every link of the fragment, when they are not linked to
// each other already; an end linked elsewhere is unlinked first.
func (r *run) ensureLinks() error {
	for _, p := range r.frag.Ports {
		if p.Peer == nil || p.Ref.String() > p.Peer.String() {
			continue // each link once, from its lower end
		}
		a, err := r.portID(p.Ref)
		if err != nil {
			return err
		}
		b, err := r.portID(*p.Peer)
		if err != nil {
			return err
		}
		if err := r.link(a, b, p.Ref, *p.Peer); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) link(a, b string, refA, refB topology.PortRef) error {
	pa, _ := r.e.Index.Port(a)
	pb, _ := r.e.Index.Port(b)
	if midonet.Deref(pa.PeerID) == b && midonet.Deref(pb.PeerID) == a {
		return nil
	}
	unlock := r.e.lockPair(pa.DeviceID, pb.DeviceID)
	defer unlock()
	for _, q := range []midonet.Port{pa, pb} {
		if peer := midonet.Deref(q.PeerID); peer != "" && peer != a && peer != b {
			if err := r.e.Client.UnlinkPort(r.ctx, q.ID); err != nil && !midonet.IsNotFound(err) {
				return r.failed(r.deviceKind(q.DeviceID), q.DeviceID, err, "unlink port %s from %s", q.ID, peer)
			}
			r.removed("")
			r.e.Index.UnlinkPort(q.ID)
		}
	}
	err := r.e.Client.LinkPorts(r.ctx, a, b)
	if err != nil && midonet.IsConflict(err) {
		// An earlier attempt may have linked them: look before failing.
		if got, gerr := r.e.Client.GetPort(r.ctx, a); gerr == nil && midonet.Deref(got.PeerID) == b {
			err = nil
		}
	} else if err == nil {
		r.created()
	}
	if err != nil {
		r.e.Index.MarkStale(r.deviceKind(pb.DeviceID), pb.DeviceID)
		return r.failed(r.deviceKind(pa.DeviceID), pa.DeviceID, err, "link port %s to %s", refA, refB)
	}
	r.e.Index.LinkPorts(a, b)
	return nil
}

// ensureBindings binds exterior ports to their host interfaces. The host is found by the
// view's name for it (an address or a host name, translation.md §2.2 and §6.2); a port bound
// elsewhere is unbound first; a port of this owner's previous state still holding the
// interface (an interface re-created) is unbound so the new port can take it.
func (r *run) ensureBindings() error {
	for _, p := range r.frag.Ports {
		id, err := r.portID(p.Ref)
		if err != nil {
			return err
		}
		actual, _ := r.e.Index.Port(id)
		if p.Binding == nil {
			if actual.HostID != nil {
				if err := r.unbind(actual); err != nil {
					return err
				}
			}
			continue
		}
		host, ok := r.e.Index.HostFor(p.Binding.Host.Name)
		if !ok {
			return missing("MidoNet host %s for port %s", p.Binding.Host.Name, p.Ref)
		}
		r.uses = append(r.uses, host.ID)
		if midonet.Deref(actual.HostID) == host.ID && midonet.Deref(actual.InterfaceName) == p.Binding.Interface {
			continue
		}
		if !r.e.Index.InTunnelZone(host.ID) {
			return missing("MidoNet host %s (%s) in a tunnel zone, to bind port %s", host.Name, host.ID, p.Ref)
		}
		if actual.HostID != nil {
			if err := r.unbind(actual); err != nil {
				return err
			}
		}
		for _, b := range r.e.Index.BindingsOf(host.ID) {
			if b.InterfaceName != p.Binding.Interface || b.PortID == id {
				continue
			}
			old, ok := r.e.Index.Port(b.PortID)
			if !ok || !r.prev[b.PortID] || r.kept.get(b.PortID) {
				return fmt.Errorf("bind port %s to %s on host %s: the interface is bound to port %s, which %s does not own",
					p.Ref, p.Binding.Interface, host.Name, b.PortID, r.owner)
			}
			if err := r.unbind(old); err != nil {
				return err
			}
		}
		_, err = r.e.Client.BindPort(r.ctx, host.ID, &midonet.HostInterfacePort{PortID: id, InterfaceName: p.Binding.Interface})
		if err != nil {
			r.e.Index.MarkStale(index.KindHost, host.ID)
			return r.failed(r.deviceKind(actual.DeviceID), actual.DeviceID, err, "bind port %s to %s on host %s", p.Ref, p.Binding.Interface, host.Name)
		}
		r.created()
		r.e.Index.BindPort(host.ID, id, p.Binding.Interface)
	}
	return nil
}

func (r *run) unbind(p midonet.Port) error {
	host := midonet.Deref(p.HostID)
	if err := r.e.Client.UnbindPort(r.ctx, host, p.ID); err != nil && !midonet.IsNotFound(err) {
		r.e.Index.MarkStale(index.KindHost, host)
		return r.failed(r.deviceKind(p.DeviceID), p.DeviceID, err, "unbind port %s from host %s", p.ID, host)
	}
	r.removed("")
	r.e.Index.UnbindPort(p.ID)
	return nil
}
