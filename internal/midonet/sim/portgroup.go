package sim

import (
	"net/http"
	"slices"
)

var (
	mtPortGroup         = vnd("PortGroup-v1")
	mtPortGroupList     = []string{vndList("PortGroup-v1"), mediaJSON}
	mtPortGroupPort     = []string{vnd("PortGroupPort-v1"), mediaJSON}
	mtPortGroupPortList = []string{vndList("PortGroupPort-v1"), mediaJSON}
)

// portGroup is a named set of ports usable in rule conditions (spec §2.15).
type portGroup struct {
	ID       string   `json:"id"`
	Seq      int64    `json:"seq"`
	TenantID *string  `json:"tenantId"`
	Name     *string  `json:"name"`
	Stateful bool     `json:"stateful"`
	PortIDs  []string `json:"portIds"`
}

func (g *portGroup) seq() int64 { return g.Seq }

func (c *call) servePortGroups() (reply, error) {
	return c.serveCollection(collection{
		list:   c.listPortGroups,
		create: func() (reply, error) { return c.writePortGroup("") },
		get:    getter(c, c.st.PortGroups, "PortGroup", c.renderPortGroup, mtPortGroup),
		update: c.writePortGroup,
		remove: remover(c, c.st.PortGroups),
		sub: func(id string) (reply, error) {
			if c.seg[2] != "ports" || len(c.seg) > 4 {
				return reply{}, bare(http.StatusNotFound)
			}
			if len(c.seg) == 3 {
				return c.servePortGroupMembers(id)
			}
			return c.servePortGroupMember(id)
		},
	})
}

// listPortGroups honours ?tenant_id= and ?port_id=.
func (c *call) listPortGroups() (reply, error) {
	tenant, byTenant := c.tenantFilter()
	portID := c.r.URL.Query().Get("port_id")
	keep := func(g *portGroup) bool {
		return (!byTenant || eqPtr(g.TenantID, tenant)) && (portID == "" || slices.Contains(g.PortIDs, portID))
	}
	return list(c, c.st.PortGroups, keep, c.renderPortGroup, mtPortGroupList...)
}

// writePortGroup creates (id == "") or replaces a group; members are preserved on PUT.
func (c *call) writePortGroup(id string) (reply, error) {
	if err := c.consume(generic, mtPortGroup, mediaJSON); err != nil {
		return reply{}, err
	}
	var old *portGroup
	if id != "" {
		var found bool
		if old, found = c.st.PortGroups[id]; !found {
			return reply{}, notFound("PortGroup", id)
		}
	}
	f, err := readFields(c.r.Body)
	if err != nil {
		return reply{}, err
	}
	g := &portGroup{TenantID: f.str("tenantId"), Name: f.str("name"), Stateful: f.boolOr("stateful", false)}
	givenID := f.uuid("id")
	if f.err != nil {
		return reply{}, f.err
	}
	var v violations
	v.size("name", g.Name, 0, 255)
	if err := v.err(); err != nil {
		return reply{}, err
	}
	if old != nil {
		g.ID, g.Seq, g.PortIDs = old.ID, old.Seq, old.PortIDs
		c.st.PortGroups[id] = g
		c.st.touch()
		return noContent()
	}
	g.ID = newID(givenID)
	return insert(c, c.st.PortGroups, g, g.ID, &g.Seq, "PortGroup", "port_groups")
}

func (c *call) servePortGroupMembers(groupID string) (reply, error) {
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(generic, mtPortGroupPortList...)
		if err != nil {
			return reply{}, err
		}
		g, found := c.st.PortGroups[groupID]
		if !found {
			return reply{}, notFound("PortGroup", groupID)
		}
		return ok(mt, renderAll(g.PortIDs, func(pid string) map[string]any { return c.renderPortGroupPort(groupID, pid) }))
	case http.MethodPost:
		f, err := c.readBody(generic, mtPortGroupPort...)
		if err != nil {
			return reply{}, err
		}
		portID := f.uuid("portId")
		if f.err != nil {
			return reply{}, f.err
		}
		if portID == nil {
			var v violations
			v.notNull("portId", false)
			return reply{}, v.err()
		}
		g, found := c.st.PortGroups[groupID]
		if !found {
			return reply{}, notFound("PortGroup", groupID)
		}
		if _, found := c.st.Ports[*portID]; !found {
			return reply{}, notFound("Port", *portID)
		}
		if slices.Contains(g.PortIDs, *portID) {
			return reply{}, bare(http.StatusConflict)
		}
		g.PortIDs = append(g.PortIDs, *portID)
		c.st.touch()
		return created(c.uri("port_groups", groupID, "ports", *portID))
	}
	return reply{}, methodNotAllowed()
}

// servePortGroupMember is GET/DELETE /port_groups/{id}/ports/{portId}. DELETE of an existing
// port that is not a member is a bodiless 404; of a port that no longer exists, 204.
func (c *call) servePortGroupMember(groupID string) (reply, error) {
	portID, err := pathUUID(c.seg[3])
	if err != nil {
		return reply{}, err
	}
	g, found := c.st.PortGroups[groupID]
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(generic, mtPortGroupPort...)
		if err != nil {
			return reply{}, err
		}
		if !found {
			return reply{}, notFound("PortGroup", groupID)
		}
		if !slices.Contains(g.PortIDs, portID) {
			return reply{}, bare(http.StatusNotFound)
		}
		return ok(mt, c.renderPortGroupPort(groupID, portID))
	case http.MethodDelete:
		if !found {
			return reply{}, notFound("PortGroup", groupID)
		}
		if !slices.Contains(g.PortIDs, portID) {
			if _, exists := c.st.Ports[portID]; exists {
				return reply{}, bare(http.StatusNotFound)
			}
			return noContent()
		}
		g.PortIDs = removeString(g.PortIDs, portID)
		c.st.touch()
		return noContent()
	}
	return reply{}, methodNotAllowed()
}

// servePortPortGroups is GET /ports/{id}/port_groups: the port's memberships.
func (c *call) servePortPortGroups(portID string) (reply, error) {
	if c.method() != http.MethodGet {
		return reply{}, methodNotAllowed()
	}
	mt, err := c.produce(generic, mtPortGroupPortList...)
	if err != nil {
		return reply{}, err
	}
	if _, found := c.st.Ports[portID]; !found {
		return reply{}, notFound("Port", portID)
	}
	memberships := ordered(c.st.PortGroups, func(g *portGroup) bool { return slices.Contains(g.PortIDs, portID) })
	return ok(mt, renderAll(memberships, func(g *portGroup) map[string]any { return c.renderPortGroupPort(g.ID, portID) }))
}

func (c *call) renderPortGroup(g *portGroup) map[string]any {
	u := c.uri("port_groups", g.ID)
	return map[string]any{
		"id": g.ID, "tenantId": g.TenantID, "name": g.Name, "stateful": g.Stateful,
		"uri": u, "ports": u + "/ports",
	}
}

func (c *call) renderPortGroupPort(groupID, portID string) map[string]any {
	return map[string]any{
		"portGroupId": groupID, "portId": portID,
		"uri":  c.uri("port_groups", groupID, "ports", portID),
		"port": c.uri("ports", portID), "portGroup": c.uri("port_groups", groupID),
	}
}
