package sim

import "net/http"

var (
	mtHostInterfacePort     = []string{vnd("HostInterfacePort-v1"), mediaJSON}
	mtHostInterfacePortList = vndList("HostInterfacePort-v1")
)

// serveBindings is /hosts/{id}/ports[/{portId}]: the host–interface–port bindings (spec §2.11),
// stored as the port's hostId and interfaceName.
func (c *call) serveBindings(hostID string) (reply, error) {
	if len(c.seg) == 3 {
		switch c.method() {
		case http.MethodGet:
			mt, err := c.produce(jersey, mtHostInterfacePortList)
			if err != nil {
				return reply{}, err
			}
			if _, found := c.st.Hosts[hostID]; !found {
				return reply{}, notFound("Host", hostID)
			}
			return ok(mt, renderAll(ordered(c.st.Ports, func(p *port) bool { return eqPtr(p.HostID, hostID) }), c.renderBinding))
		case http.MethodPost:
			return c.bindPort(hostID)
		}
		return reply{}, methodNotAllowed()
	}
	portID, err := pathUUID(c.seg[3])
	if err != nil {
		return reply{}, err
	}
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(jersey, append([]string{mtHostInterfacePortList}, mtHostInterfacePort...)...)
		if err != nil {
			mt = mtHostInterfacePort[0] // the single GET accepts any type
		}
		p, found := c.st.Ports[portID]
		if !found || !eqPtr(p.HostID, hostID) {
			return reply{}, notFoundMsg("Host interface port not found")
		}
		return ok(mt, c.renderBinding(p))
	case http.MethodDelete:
		p, found := c.st.Ports[portID]
		if !found {
			return reply{}, notFound("Port", portID)
		}
		if p.HostID != nil || p.InterfaceName != nil {
			c.st.setBinding(p, nil, nil)
			c.st.touch()
		}
		return noContent()
	}
	return reply{}, methodNotAllowed()
}

// bindPort applies MidoNet 5's checks in their order: host exists, host is in a tunnel zone,
// port exists, port unbound, interface free on the host.
func (c *call) bindPort(hostID string) (reply, error) {
	f, err := c.readBody(jersey, mtHostInterfacePort...)
	if err != nil {
		return reply{}, err
	}
	portID, iface := f.uuid("portId"), f.str("interfaceName")
	if f.err != nil {
		return reply{}, f.err
	}
	var v violations
	v.notNull("portId", portID != nil)
	v.notNull("interfaceName", iface != nil)
	if err := v.err(); err != nil {
		return reply{}, err
	}
	if _, found := c.st.Hosts[hostID]; !found {
		return reply{}, notFound("Host", hostID)
	}
	inZone := false
	for _, tz := range c.st.TunnelZones {
		if tz.member(hostID) != nil {
			inZone = true
			break
		}
	}
	if !inZone {
		return reply{}, conflict("The specified host is not in any tunnel zone.")
	}
	p, found := c.st.Ports[*portID]
	if !found {
		return reply{}, notFound("Port", *portID)
	}
	if p.InterfaceName != nil {
		return reply{}, conflict("Port %s is already bound to an interface", p.ID)
	}
	if _, taken := c.st.boundPort(hostID, *iface); taken {
		return reply{}, conflict("Interface %s is already bound to a port.", *iface)
	}
	c.st.setBinding(p, ptr(hostID), iface)
	c.st.touch()
	return created(c.uri("hosts", hostID, "ports", p.ID))
}

func (c *call) renderBinding(p *port) map[string]any {
	return map[string]any{
		"hostId": p.HostID, "portId": p.ID, "interfaceName": p.InterfaceName,
		"uri":  c.uri("hosts", *p.HostID, "ports", p.ID),
		"host": c.uri("hosts", *p.HostID), "port": c.uri("ports", p.ID),
	}
}
