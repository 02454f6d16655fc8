package sim

import (
	"net/http"
	"slices"
)

var (
	mtHost          = []string{vnd("Host-v3"), mediaJSON}
	mtHostList      = []string{vndList("Host-v3"), mediaJSON}
	mtInterface     = []string{vnd("Interface-v1"), mediaJSON}
	mtInterfaceList = []string{vndList("Interface-v1"), mediaJSON}
)

// host is a MidoNet agent host (spec §2.10). Hosts come from seeding (agents register them in a
// real MidoNet); the API can only adjust the container/flooding weights, create bare hosts and
// delete dead, unbound ones.
type host struct {
	ID                    string      `json:"id"`
	Seq                   int64       `json:"seq"`
	Name                  string      `json:"name"`
	Alive                 bool        `json:"alive"`
	Interfaces            []hostIface `json:"interfaces"`
	FloodingProxyWeight   int64       `json:"floodingProxyWeight"`
	ContainerWeight       int64       `json:"containerWeight"`
	ContainerLimit        int64       `json:"containerLimit"`
	EnforceContainerLimit bool        `json:"enforceContainerLimit"`
}

// hostIface is a host's network interface as the agent reports it.
type hostIface struct {
	Name      string   `json:"name"`
	Mac       string   `json:"mac"`
	MTU       int64    `json:"mtu"`
	Type      string   `json:"type"`
	Endpoint  string   `json:"endpoint"`
	PortType  *string  `json:"portType"`
	Addresses []string `json:"addresses"`
	Status    int64    `json:"status"`
}

func (h *host) seq() int64 { return h.Seq }

func (c *call) serveHosts() (reply, error) {
	return c.serveCollection(collection{
		list: func() (reply, error) {
			return list(c, c.st.Hosts, nil, c.renderHost, mtHostList...)
		},
		create: c.createHost,
		get:    getter(c, c.st.Hosts, "Host", c.renderHost, mtHost...),
		update: c.updateHost,
		remove: c.deleteHost,
		sub: func(id string) (reply, error) {
			switch c.seg[2] {
			case "interfaces":
				if len(c.seg) <= 4 {
					return c.serveInterfaces(id)
				}
			case "ports":
				if len(c.seg) <= 4 {
					return c.serveBindings(id)
				}
			}
			return reply{}, bare(http.StatusNotFound)
		},
	})
}

// createHost is POST /hosts (used by MidoNet's own tests): the body must carry the id; the host
// is not alive, as no agent runs for it.
func (c *call) createHost() (reply, error) {
	f, err := c.readBody(generic, mtHost...)
	if err != nil {
		return reply{}, err
	}
	id, name := f.uuid("id"), f.str("name")
	h := &host{
		FloodingProxyWeight:   f.intOr("floodingProxyWeight", 1),
		ContainerWeight:       f.intOr("containerWeight", 1),
		ContainerLimit:        f.intOr("containerLimit", -1),
		EnforceContainerLimit: f.boolOr("enforceContainerLimit", false),
	}
	if f.err != nil {
		return reply{}, f.err
	}
	if id == nil {
		var v violations
		v.notNull("id", false)
		return reply{}, v.err()
	}
	h.ID = *id
	if name != nil {
		h.Name = *name
	}
	return insert(c, c.st.Hosts, h, h.ID, &h.Seq, "Host", "hosts")
}

// updateHost applies only the four weight fields, all required; 200 rather than 204.
func (c *call) updateHost(id string) (reply, error) {
	h, f, err := readUpdate(c, c.st.Hosts, "Host", id, mtHost...)
	if err != nil {
		return reply{}, err
	}
	fpw, cw, cl := f.integer("floodingProxyWeight"), f.integer("containerWeight"), f.integer("containerLimit")
	ecl := f.boolean("enforceContainerLimit")
	if f.err != nil {
		return reply{}, f.err
	}
	switch {
	case fpw == nil:
		return reply{}, badRequest("Flooding proxy weight must not be null.")
	case cw == nil:
		return reply{}, badRequest("Container weight must not be null.")
	case cl == nil:
		return reply{}, badRequest("Container limit must not be null.")
	case ecl == nil:
		return reply{}, badRequest("Enforce container limit must not be null.")
	}
	var v violations
	v.between("floodingProxyWeight", fpw, 0, 65535)
	v.between("containerWeight", cw, 0, 1<<31-1)
	v.between("containerLimit", cl, -1, 1<<31-1)
	if err := v.err(); err != nil {
		return reply{}, err
	}
	h.FloodingProxyWeight, h.ContainerWeight, h.ContainerLimit, h.EnforceContainerLimit = *fpw, *cw, *cl, *ecl
	c.st.touch()
	return reply{status: http.StatusOK}, nil
}

// deleteHost refuses a live host or one with bound ports (403) and leaves its tunnel zones.
func (c *call) deleteHost(id string) (reply, error) {
	h, found := c.st.Hosts[id]
	if !found {
		return reply{}, notFound("Host", id)
	}
	if h.Alive {
		return reply{}, forbidden("Cannot delete host %s because it is active.", id)
	}
	bound := 0
	for _, p := range c.st.Ports {
		if eqPtr(p.HostID, id) {
			bound++
		}
	}
	if bound > 0 {
		return reply{}, forbidden("Cannot delete host %s because it has %d binding(s).", id, bound)
	}
	for _, tz := range c.st.TunnelZones {
		tz.Members = slices.DeleteFunc(tz.Members, func(m tzMember) bool { return m.HostID == id })
	}
	delete(c.st.Hosts, id)
	c.st.touch()
	return reply{status: http.StatusOK}, nil
}

// serveInterfaces is GET /hosts/{id}/interfaces[/{name}] (read-only).
func (c *call) serveInterfaces(hostID string) (reply, error) {
	if c.method() != http.MethodGet {
		return reply{}, methodNotAllowed()
	}
	types := mtInterfaceList
	if len(c.seg) == 4 {
		types = mtInterface
	}
	mt, err := c.produce(jersey, types...)
	if err != nil {
		return reply{}, err
	}
	h, found := c.st.Hosts[hostID]
	if !found {
		return reply{}, notFound("Host", hostID)
	}
	if len(c.seg) == 4 {
		for _, i := range h.Interfaces {
			if i.Name == c.seg[3] {
				return ok(mt, c.renderInterface(h.ID, i))
			}
		}
		return reply{}, notFoundMsg("Interface not found")
	}
	return ok(mt, renderAll(h.Interfaces, func(i hostIface) map[string]any { return c.renderInterface(h.ID, i) }))
}

func (c *call) renderHost(h *host) map[string]any {
	u := c.uri("hosts", h.ID)
	addrs := []string{}
	ifaces := []any{}
	for _, i := range h.Interfaces {
		addrs = append(addrs, i.Addresses...)
		ifaces = append(ifaces, c.renderInterface(h.ID, i))
	}
	var zones []string
	for _, tz := range ordered(c.st.TunnelZones, nil) {
		if tz.member(h.ID) != nil {
			zones = append(zones, tz.ID)
		}
	}
	return map[string]any{
		"id": h.ID, "name": h.Name, "alive": h.Alive, "addresses": addrs, "hostInterfaces": ifaces,
		"floodingProxyWeight": h.FloodingProxyWeight, "containerWeight": h.ContainerWeight,
		"containerLimit": h.ContainerLimit, "enforceContainerLimit": h.EnforceContainerLimit,
		"tunnelZones": nonNil(zones),
		"uri":         u, "interfaces": u + "/interfaces", "ports": u + "/ports",
	}
}

func (c *call) renderInterface(hostID string, i hostIface) map[string]any {
	return map[string]any{
		"hostId": hostID, "name": i.Name, "mac": i.Mac, "mtu": i.MTU, "type": i.Type,
		"endpoint": i.Endpoint, "portType": i.PortType, "addresses": nonNil(i.Addresses),
		"status": i.Status, "uri": c.uri("hosts", hostID, "interfaces", i.Name),
	}
}
