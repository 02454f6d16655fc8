package maintenance

import (
	"fmt"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/translate"
)

// Scope is what a flush removes.
type Scope string

const (
	// FlushDynamic removes the VPCs' objects (routers, bridges, chains, groups, NAT gateways)
	// and keeps the core (eucart, eucabr, ...) and the metadata switch (eucamdrt, eucamdbr).
	FlushDynamic Scope = "dynamic"
	// FlushAll removes every object midovpc owns, core and metadata included.
	FlushAll Scope = "all"
)

// PlanFlush lists what a flush of scope deletes: every owned router, bridge, chain, IP address
// group and port group of the scope's layers, and, in the core objects it keeps, the children
// that belong to the deleted VPCs (eucabr and eucamdbr ports linked to their routers, eucart
// and eucamdrt routes through their uplinks), so that nothing dangles. A chain or group that
// another tenant uses is left alone, with a note.
func PlanFlush(st *State, scope Scope) Plan {
	layers := []Layer{LayerDynamic}
	if scope == FlushAll {
		layers = append(layers, LayerCore, LayerMetadata)
	}
	r := newRefs(st)
	var p Plan
	reason := fmt.Sprintf("flush --%s", scope)
	gonePorts := map[string]bool{}   // ports deleted with their device
	goneAddrs := map[string]string{} // addresses of deleted router ports → router name
	for _, rt := range st.Routers {
		if !ownedIn(rt.Name, translate.ObjectRouter, layers...) {
			continue
		}
		if foreignLinked(st, rt.Ports) {
			p.note("kept router %s: another tenant's port is linked to it", rt.Name)
			continue
		}
		p.add(Deletion{Kind: KindRouter, ID: rt.ID, Name: rt.Name, What: describeRouter(rt), Reason: reason})
		for _, port := range rt.Ports {
			gonePorts[port.ID] = true
			if port.PortAddress != "" {
				goneAddrs[port.PortAddress] = rt.Name
			}
		}
	}
	for _, b := range st.Bridges {
		if !ownedIn(b.Name, translate.ObjectBridge, layers...) {
			continue
		}
		if foreignLinked(st, b.Ports) {
			p.note("kept bridge %s: another tenant's port is linked to it", b.Name)
			continue
		}
		p.add(Deletion{Kind: KindBridge, ID: b.ID, Name: b.Name, What: describeBridge(b), Reason: reason})
		for _, port := range b.Ports {
			gonePorts[port.ID] = true
		}
	}
	for _, c := range st.Chains {
		if !ownedIn(c.Name, translate.ObjectChain, layers...) {
			continue
		}
		if st.ForeignRefs[c.ID] {
			p.note("kept chain %s: another tenant's object uses it", c.Name)
			continue
		}
		p.add(Deletion{Kind: KindChain, ID: c.ID, Name: c.Name, What: describeChain(c), Reason: reason})
	}
	for _, g := range st.AddrGroups {
		if !ownedIn(g.Name, translate.ObjectAddrGroup, layers...) {
			continue
		}
		if st.ForeignRefs[g.ID] {
			p.note("kept ip address group %s: another tenant's rule uses it", g.Name)
			continue
		}
		p.add(Deletion{Kind: KindAddrGroup, ID: g.ID, Name: g.Name, What: describeAddrGroup(g), Reason: reason})
	}
	for _, g := range st.PortGroups {
		if ownedIn(g.Name, translate.ObjectPortGroup, layers...) {
			p.add(Deletion{Kind: KindPortGroup, ID: g.ID, Name: g.Name, What: describePortGroup(g), Reason: reason})
		}
	}
	if scope == FlushDynamic {
		planCoreLeftovers(st, r, &p, gonePorts, goneAddrs)
	}
	p.sort()
	return p
}

// planCoreLeftovers adds the children of the kept core devices that point at deleted VPC and
// NAT routers: bridge ports linked to them, routes via their uplink addresses.
func planCoreLeftovers(st *State, r *refs, p *Plan, gonePorts map[string]bool, goneAddrs map[string]string) {
	for _, b := range st.Bridges {
		if !ownedIn(b.Name, translate.ObjectBridge, LayerCore, LayerMetadata) {
			continue
		}
		for _, port := range b.Ports {
			if peer := deref(port.PeerID); peer != "" && gonePorts[peer] {
				p.add(Deletion{Kind: KindPort, ID: port.ID, What: describePort(port, b.Name) + " linked to " + r.portDevice[peer],
					Reason: "its peer goes with " + r.portDevice[peer]})
			}
		}
	}
	for _, rt := range st.Routers {
		if !ownedIn(rt.Name, translate.ObjectRouter, LayerCore, LayerMetadata) {
			continue
		}
		for _, route := range userRoutes(rt.Routes) {
			if via, ok := goneAddrs[deref(route.NextHopGateway)]; ok {
				p.add(Deletion{Kind: KindRoute, ID: route.ID, What: route.Describe(rt.Name),
					Reason: "its gateway goes with " + via})
			}
		}
	}
}

// foreignLinked reports whether another tenant's port is linked to one of ports: deleting
// their device would unlink that port, which is not ours to change.
func foreignLinked(st *State, ports []midonet.Port) bool {
	for _, p := range ports {
		if st.ForeignRefs[p.ID] {
			return true
		}
	}
	return false
}
