package sim

import (
	"net/http"
)

var (
	mtBridge      = []string{vnd("Bridge-v4"), vnd("Bridge-v5"), mediaJSON}
	mtBridgeList  = []string{vndList("Bridge-v4"), vndList("Bridge-v5"), mediaJSON}
	classNetwork  = "Network" // MidoNet's storage name for a bridge
	vxlanPortsMsg = "VXLAN port ID cannot be set directly. Use a VTEP binding instead."
)

// bridge is a MidoNet virtual L2 switch (spec §2.2). Its DHCP subnets and MAC/ARP tables live
// inside it, so deleting the bridge deletes them.
type bridge struct {
	ID                string        `json:"id"`
	Seq               int64         `json:"seq"`
	TenantID          *string       `json:"tenantId"`
	Name              *string       `json:"name"`
	AdminStateUp      bool          `json:"adminStateUp"`
	InboundFilterID   *string       `json:"inboundFilterId"`
	OutboundFilterID  *string       `json:"outboundFilterId"`
	InboundMirrorIDs  []string      `json:"inboundMirrorIds"`
	OutboundMirrorIDs []string      `json:"outboundMirrorIds"`
	QosPolicyID       *string       `json:"qosPolicyId"`
	DHCPSubnets       []*dhcpSubnet `json:"dhcpSubnets"`
	MacTable          []macEntry    `json:"macTable"`
	ArpTable          []arpEntry    `json:"arpTable"`
}

func (b *bridge) seq() int64      { return b.Seq }
func (b *bridge) tenant() *string { return b.TenantID }

func (c *call) serveBridges() (reply, error) {
	return c.serveCollection(collection{
		list: func() (reply, error) {
			return listOfTenant(c, c.st.Bridges, c.renderBridge, mtBridgeList...)
		},
		create: c.createBridge,
		get:    getter(c, c.st.Bridges, classNetwork, c.renderBridge, mtBridge...),
		update: c.updateBridge,
		remove: c.deleteBridge,
		sub:    c.serveBridgeTables,
	})
}

// serveBridgeTables is what hangs below /bridges/{id}: ports, DHCP and the MAC and ARP tables.
func (c *call) serveBridgeTables(id string) (reply, error) {
	switch c.seg[2] {
	case "ports":
		if len(c.seg) == 3 {
			return c.serveDevicePorts(portBridge, id)
		}
	case "peer_ports":
		if len(c.seg) == 3 {
			return c.servePeerPorts(portBridge, id)
		}
	case "dhcp":
		return c.serveDHCP(id, c.seg[3:])
	case "mac_table":
		return c.serveMacTable(id, nil, c.seg[3:])
	case "vlans":
		if len(c.seg) >= 5 && c.seg[4] == "mac_table" {
			vlan, err := pathVLAN(c.seg[3])
			if err != nil {
				return reply{}, err
			}
			return c.serveMacTable(id, &vlan, c.seg[5:])
		}
	case "arp_table":
		return c.serveArpTable(id, c.seg[3:])
	case "vxlan_ports", "dhcpV6":
		if len(c.seg) == 3 && c.method() == http.MethodGet {
			if _, found := c.st.Bridges[id]; !found {
				return reply{}, notFound(classNetwork, id)
			}
			return ok(mediaJSON, []any{})
		}
	}
	return reply{}, bare(http.StatusNotFound)
}

func (c *call) createBridge() (reply, error) {
	f, err := c.readBody(generic, mtBridge...)
	if err != nil {
		return reply{}, err
	}
	givenID := f.uuid("id")
	if _, set := f.raw("vxLanPortIds"); set {
		return reply{}, badRequest("%s", vxlanPortsMsg)
	}
	b, err := c.decodeBridge(f)
	if err != nil {
		return reply{}, err
	}
	b.ID = newID(givenID)
	return insert(c, c.st.Bridges, b, b.ID, &b.Seq, classNetwork, "bridges")
}

// updateBridge replaces the writable fields and preserves the id, ports, DHCP subnets and
// tables (spec §2.2). Bridges never have VXLAN ports here, so any non-empty vxLanPortIds is a
// change and refused.
func (c *call) updateBridge(id string) (reply, error) {
	old, f, err := readUpdate(c, c.st.Bridges, classNetwork, id, mtBridge...)
	if err != nil {
		return reply{}, err
	}
	if vx := f.uuids("vxLanPortIds"); len(vx) > 0 {
		return reply{}, badRequest("%s", vxlanPortsMsg)
	}
	b, err := c.decodeBridge(f)
	if err != nil {
		return reply{}, err
	}
	b.ID, b.Seq = old.ID, old.Seq
	b.DHCPSubnets, b.MacTable, b.ArpTable = old.DHCPSubnets, old.MacTable, old.ArpTable
	c.st.Bridges[id] = b
	c.st.touch()
	return noContent()
}

// deleteBridge answers 404 when missing and cascades to its ports (unlinking their peers) and,
// being inside it, its DHCP subnets with their hosts and its MAC/ARP entries (spec §3).
func (c *call) deleteBridge(id string) (reply, error) {
	if _, found := c.st.Bridges[id]; !found {
		return reply{}, notFound(classNetwork, id)
	}
	for pid, p := range c.st.Ports {
		if p.DeviceID == id {
			c.st.deletePort(pid)
		}
	}
	delete(c.st.Bridges, id)
	c.st.touch()
	return noContent()
}

func (c *call) decodeBridge(f *fields) (*bridge, error) {
	b := &bridge{
		TenantID:          f.str("tenantId"),
		Name:              f.str("name"),
		AdminStateUp:      f.boolOr("adminStateUp", true),
		InboundFilterID:   f.uuid("inboundFilterId"),
		OutboundFilterID:  f.uuid("outboundFilterId"),
		InboundMirrorIDs:  f.uuids("inboundMirrorIds"),
		OutboundMirrorIDs: f.uuids("outboundMirrorIds"),
		QosPolicyID:       f.uuid("qosPolicyId"),
	}
	if f.err != nil {
		return nil, f.err
	}
	var v violations
	v.size("name", b.Name, 0, 255)
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := c.checkChains(b.InboundFilterID, b.OutboundFilterID); err != nil {
		return nil, err
	}
	if err := checkNoMirrors(b.InboundMirrorIDs, b.OutboundMirrorIDs); err != nil {
		return nil, err
	}
	if b.QosPolicyID != nil {
		return nil, notFound("QosPolicy", *b.QosPolicyID)
	}
	return b, nil
}

func (c *call) renderBridge(b *bridge) map[string]any {
	u := c.uri("bridges", b.ID)
	return map[string]any{
		"id": b.ID, "tenantId": b.TenantID, "name": b.Name, "adminStateUp": b.AdminStateUp,
		"inboundFilterId": b.InboundFilterID, "outboundFilterId": b.OutboundFilterID,
		"inboundMirrorIds": nonNil(b.InboundMirrorIDs), "outboundMirrorIds": nonNil(b.OutboundMirrorIDs),
		"qosPolicyId": b.QosPolicyID, "vxLanPortIds": []string{},
		"uri":            u,
		"inboundFilter":  c.link("chains", b.InboundFilterID),
		"outboundFilter": c.link("chains", b.OutboundFilterID),
		"ports":          u + "/ports", "peerPorts": u + "/peer_ports", "vxLanPorts": u + "/vxlan_ports",
		"macTable": u + "/mac_table", "arpTable": u + "/arp_table",
		"dhcpSubnets": u + "/dhcp", "dhcpSubnet6s": u + "/dhcpV6",
		"vlanMacTableTemplate": u + "/vlans/{vlanId}/mac_table",
		"macPortTemplate":      u + "/mac_table/{macAddress}_{portId}",
		"vlanMacPortTemplate":  u + "/vlans/{vlanId}/mac_table/{macAddress}_{portId}",
	}
}
