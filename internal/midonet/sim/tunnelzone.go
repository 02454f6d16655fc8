package sim

import (
	"net/http"
	"slices"
)

var (
	mtTunnelZone         = []string{vnd("TunnelZone-v1"), mediaJSON}
	mtTunnelZoneList     = []string{vndList("TunnelZone-v1"), mediaJSON}
	mtTunnelZoneHost     = []string{vnd("TunnelZoneHost-v1"), vnd("GreTunnelZoneHost-v1")}
	mtTunnelZoneHostList = []string{vndList("TunnelZoneHost-v1"), vndList("GreTunnelZoneHost-v1")}
	tunnelZoneTypes      = []string{"gre", "vxlan", "vtep"}
)

// tunnelZone groups the hosts that tunnel to each other (spec §2.12).
type tunnelZone struct {
	ID      string     `json:"id"`
	Seq     int64      `json:"seq"`
	Name    string     `json:"name"`
	Type    string     `json:"type"`
	Members []tzMember `json:"members"`
}

type tzMember struct {
	HostID    string `json:"hostId"`
	IPAddress string `json:"ipAddress"`
}

func (tz *tunnelZone) seq() int64 { return tz.Seq }

func (tz *tunnelZone) member(hostID string) *tzMember {
	for i := range tz.Members {
		if tz.Members[i].HostID == hostID {
			return &tz.Members[i]
		}
	}
	return nil
}

func (c *call) serveTunnelZones() (reply, error) {
	return c.serveCollection(collection{
		list: func() (reply, error) {
			return list(c, c.st.TunnelZones, nil, c.renderTunnelZone, mtTunnelZoneList...)
		},
		create: c.createTunnelZone,
		get:    getter(c, c.st.TunnelZones, "TunnelZone", c.renderTunnelZone, mtTunnelZone...),
		update: c.updateTunnelZone,
		remove: remover(c, c.st.TunnelZones), // members live inside the zone
		sub: func(id string) (reply, error) {
			if c.seg[2] != "hosts" || len(c.seg) > 4 {
				return reply{}, bare(http.StatusNotFound)
			}
			if len(c.seg) == 3 {
				return c.serveZoneMembers(id)
			}
			return c.serveZoneMember(id)
		},
	})
}

func decodeTunnelZone(f *fields) (name, typ *string, err error) {
	name, typ = f.str("name"), f.str("type")
	if f.err != nil {
		return nil, nil, f.err
	}
	var v violations
	v.notNull("name", name != nil)
	v.size("name", name, 1, 255)
	v.notNull("type", typ != nil)
	if err := v.err(); err != nil {
		return nil, nil, err
	}
	if !slices.Contains(tunnelZoneTypes, *typ) {
		return nil, nil, badRequest("Can not deserialize field 'type': %q is not one of gre, vxlan, vtep", *typ)
	}
	return name, typ, nil
}

// nameTaken is the uniqueness check, which in MidoNet 5 also counts the zone being updated.
func (st *store) zoneNameTaken(name string) bool {
	for _, tz := range st.TunnelZones {
		if tz.Name == name {
			return true
		}
	}
	return false
}

func (c *call) createTunnelZone() (reply, error) {
	f, err := c.readBody(generic, mtTunnelZone...)
	if err != nil {
		return reply{}, err
	}
	id := f.uuid("id")
	name, typ, err := decodeTunnelZone(f)
	if err != nil {
		return reply{}, err
	}
	if c.st.zoneNameTaken(*name) {
		return reply{}, conflict("Tunnel zone name already exists.")
	}
	tz := &tunnelZone{ID: newID(id), Name: *name, Type: *typ, Members: []tzMember{}}
	return insert(c, c.st.TunnelZones, tz, tz.ID, &tz.Seq, "TunnelZone", "tunnel_zones")
}

// updateTunnelZone replaces name and type. Quirk kept from MidoNet 5: the name check includes
// the zone itself, so re-sending the same name answers 409.
func (c *call) updateTunnelZone(id string) (reply, error) {
	tz, f, err := readUpdate(c, c.st.TunnelZones, "TunnelZone", id, mtTunnelZone...)
	if err != nil {
		return reply{}, err
	}
	name, typ, err := decodeTunnelZone(f)
	if err != nil {
		return reply{}, err
	}
	if c.st.zoneNameTaken(*name) {
		return reply{}, conflict("Tunnel zone name already exists.")
	}
	tz.Name, tz.Type = *name, *typ
	c.st.touch()
	return noContent()
}

func (c *call) serveZoneMembers(zoneID string) (reply, error) {
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(jersey, mtTunnelZoneHostList...)
		if err != nil {
			return reply{}, err
		}
		tz, found := c.st.TunnelZones[zoneID]
		if !found {
			return reply{}, notFound("TunnelZone", zoneID)
		}
		return ok(mt, renderAll(tz.Members, func(m tzMember) map[string]any { return c.renderZoneMember(tz.ID, m) }))
	case http.MethodPost:
		return c.addZoneMember(zoneID)
	}
	return reply{}, methodNotAllowed()
}

func (c *call) addZoneMember(zoneID string) (reply, error) {
	f, err := c.readBody(jersey, mtTunnelZoneHost...)
	if err != nil {
		return reply{}, err
	}
	hostID, ip := f.uuid("hostId"), f.str("ipAddress")
	if f.err != nil {
		return reply{}, f.err
	}
	var v violations
	v.notNull("hostId", hostID != nil)
	v.notNull("ipAddress", ip != nil)
	v.ipv4("ipAddress", ip)
	if err := v.err(); err != nil {
		return reply{}, err
	}
	tz, found := c.st.TunnelZones[zoneID]
	if !found {
		return reply{}, notFound("TunnelZone", zoneID)
	}
	if _, found := c.st.Hosts[*hostID]; !found {
		return reply{}, notFound("Host", *hostID)
	}
	if tz.member(*hostID) != nil {
		return reply{}, bare(http.StatusConflict)
	}
	tz.Members = append(tz.Members, tzMember{HostID: *hostID, IPAddress: *ip})
	c.st.touch()
	return created(c.uri("tunnel_zones", zoneID, "hosts", *hostID))
}

func (c *call) serveZoneMember(zoneID string) (reply, error) {
	hostID, err := pathUUID(c.seg[3])
	if err != nil {
		return reply{}, err
	}
	tz, found := c.st.TunnelZones[zoneID]
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(jersey, mtTunnelZoneHost...)
		if err != nil {
			return reply{}, err
		}
		if !found {
			return reply{}, notFound("TunnelZone", zoneID)
		}
		m := tz.member(hostID)
		if m == nil {
			return reply{}, bare(http.StatusNotFound)
		}
		return ok(mt, c.renderZoneMember(zoneID, *m))
	case http.MethodDelete:
		if !found {
			return reply{}, notFound("TunnelZone", zoneID)
		}
		if tz.member(hostID) == nil {
			return reply{}, bare(http.StatusNotFound)
		}
		tz.Members = slices.DeleteFunc(tz.Members, func(m tzMember) bool { return m.HostID == hostID })
		c.st.touch()
		return noContent()
	}
	return reply{}, methodNotAllowed()
}

func (c *call) renderTunnelZone(tz *tunnelZone) map[string]any {
	u := c.uri("tunnel_zones", tz.ID)
	return map[string]any{"id": tz.ID, "name": tz.Name, "type": tz.Type, "uri": u, "hosts": u + "/hosts"}
}

func (c *call) renderZoneMember(zoneID string, m tzMember) map[string]any {
	return map[string]any{
		"hostId": m.HostID, "ipAddress": m.IPAddress, "tunnelZoneId": zoneID,
		"uri":  c.uri("tunnel_zones", zoneID, "hosts", m.HostID),
		"host": c.uri("hosts", m.HostID), "tunnelZone": c.uri("tunnel_zones", zoneID),
	}
}
