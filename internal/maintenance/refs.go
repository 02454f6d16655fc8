package maintenance

import "github.com/midovpc/midovpc/internal/midonet"

// refs is the reference graph of a State: who uses each chain, group and port.
type refs struct {
	st *State
	// uses counts references to an id (chain, IP address group, port group, port) from
	// filters, jump rules, rule conditions, peers and other tenants' objects.
	uses map[string]int
	// portDevice maps a port id to the name of its router or bridge, portOf to the port.
	portDevice map[string]string
	portOf     map[string]midonet.Port
	// routerPorts lists the router ports, bridgePorts the bridge ports, by device id.
	devicePorts map[string][]midonet.Port
}

func newRefs(st *State) *refs {
	r := &refs{st: st, uses: map[string]int{}, portDevice: map[string]string{}, portOf: map[string]midonet.Port{},
		devicePorts: map[string][]midonet.Port{}}
	use := func(ids ...*string) {
		for _, id := range ids {
			if id != nil && *id != "" {
				r.uses[*id]++
			}
		}
	}
	for id := range st.ForeignRefs {
		r.uses[id]++
	}
	addPorts := func(device, deviceID string, ports []midonet.Port) {
		for _, p := range ports {
			r.portDevice[p.ID] = device
			r.portOf[p.ID] = p
			r.devicePorts[deviceID] = append(r.devicePorts[deviceID], p)
			use(p.InboundFilterID, p.OutboundFilterID, p.PeerID)
		}
	}
	for _, rt := range st.Routers {
		use(rt.InboundFilterID, rt.OutboundFilterID)
		addPorts(rt.Name, rt.ID, rt.Ports)
	}
	for _, b := range st.Bridges {
		use(b.InboundFilterID, b.OutboundFilterID)
		addPorts(b.Name, b.ID, b.Ports)
	}
	for _, c := range st.Chains {
		for _, rule := range c.Rules {
			use(ruleRefs(rule)...)
		}
	}
	for _, g := range st.PortGroups {
		for _, m := range g.Members {
			r.uses[m]++
		}
	}
	return r
}

// used reports whether anything refers to id.
func (r *refs) used(id string) bool { return r.uses[id] > 0 }
