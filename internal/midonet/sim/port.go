package sim

import (
	"crypto/sha1"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

var (
	mtPort     = []string{vnd("Port-v3"), vnd("Port-v4"), mediaJSON}
	mtPortList = []string{vndList("Port-v3"), vndList("Port-v4"), mediaJSON}
)

// Port kinds as reads report them; the Interior/Exterior input names collapse onto these.
const (
	portRouter = "Router"
	portBridge = "Bridge"
)

// portKinds maps the accepted input discriminators to the stored kind (spec §2.3).
var portKinds = map[string]string{
	"Router": portRouter, "ExteriorRouter": portRouter, "InteriorRouter": portRouter,
	"Bridge": portBridge, "ExteriorBridge": portBridge, "InteriorBridge": portBridge,
}

// port is a router or bridge port (spec §2.3). HostID/InterfaceName are the host binding
// (§2.11) and PeerID the link (§2.4); they are only changed through those resources.
type port struct {
	ID                    string   `json:"id"`
	Seq                   int64    `json:"seq"`
	Type                  string   `json:"type"`
	DeviceID              string   `json:"deviceId"`
	AdminStateUp          bool     `json:"adminStateUp"`
	InboundFilterID       *string  `json:"inboundFilterId"`
	OutboundFilterID      *string  `json:"outboundFilterId"`
	VifID                 *string  `json:"vifId"`
	HostID                *string  `json:"hostId"`
	InterfaceName         *string  `json:"interfaceName"`
	PeerID                *string  `json:"peerId"`
	TunnelKey             int64    `json:"tunnelKey"`
	InboundMirrorIDs      []string `json:"inboundMirrorIds"`
	OutboundMirrorIDs     []string `json:"outboundMirrorIds"`
	PostInFilterMirrorIDs []string `json:"postInFilterMirrorIds"`
	PreOutFilterMirrorIDs []string `json:"preOutFilterMirrorIds"`
	InsertionIDs          []string `json:"insertionIds"`
	QosPolicyID           *string  `json:"qosPolicyId"`

	// Router ports.
	PortAddress        *string  `json:"portAddress,omitempty"`
	NetworkLength      int64    `json:"networkLength,omitempty"`
	PortSubnet         []string `json:"portSubnet,omitempty"`
	PortMac            *string  `json:"portMac,omitempty"`
	RtrPortVni         int64    `json:"rtrPortVni,omitempty"`
	OffRampVxlan       bool     `json:"offRampVxlan,omitempty"`
	ServiceContainerID *string  `json:"serviceContainerId,omitempty"`

	// Bridge ports.
	VlanID int64 `json:"vlanId,omitempty"`
}

func (p *port) seq() int64 { return p.Seq }

func (c *call) servePorts() (reply, error) {
	return c.serveCollection(collection{
		// No top-level create: ports are created on their device.
		list: func() (reply, error) {
			return list(c, c.st.Ports, nil, c.renderPort, mtPortList...)
		},
		get:    getter(c, c.st.Ports, "Port", c.renderPort, mtPort...),
		update: c.updatePort,
		remove: c.deletePort,
		sub: func(id string) (reply, error) {
			if len(c.seg) == 3 {
				switch c.seg[2] {
				case "link":
					return c.serveLink(id)
				case "port_groups":
					return c.servePortPortGroups(id)
				}
			}
			return reply{}, bare(http.StatusNotFound)
		},
	})
}

// serveDevicePorts is GET/POST /routers/{id}/ports and /bridges/{id}/ports.
func (c *call) serveDevicePorts(kind, deviceID string) (reply, error) {
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(generic, mtPortList...)
		if err != nil {
			return reply{}, err
		}
		if err := c.deviceExists(kind, deviceID); err != nil {
			return reply{}, err
		}
		return ok(mt, renderAll(c.st.devicePorts(deviceID), c.renderPort))
	case http.MethodPost:
		return c.createPort(kind, deviceID)
	}
	return reply{}, methodNotAllowed()
}

// servePeerPorts lists the far ends of a device's linked ports.
func (c *call) servePeerPorts(kind, deviceID string) (reply, error) {
	if c.method() != http.MethodGet {
		return reply{}, methodNotAllowed()
	}
	mt, err := c.produce(generic, mtPortList...)
	if err != nil {
		return reply{}, err
	}
	if err := c.deviceExists(kind, deviceID); err != nil {
		return reply{}, err
	}
	out := []any{}
	for _, p := range ordered(c.st.Ports, func(p *port) bool { return p.DeviceID == deviceID && p.PeerID != nil }) {
		if peer, found := c.st.Ports[*p.PeerID]; found {
			out = append(out, c.renderPort(peer))
		}
	}
	return ok(mt, out)
}

func (c *call) deviceExists(kind, id string) error {
	if kind == portRouter {
		if _, found := c.st.Routers[id]; !found {
			return notFound("Router", id)
		}
		return nil
	}
	if _, found := c.st.Bridges[id]; !found {
		return notFound(classNetwork, id)
	}
	return nil
}

// portKind reads the required "type" discriminator.
func portKind(f *fields) (string, error) {
	t := f.str("type")
	if f.err != nil {
		return "", f.err
	}
	if t == nil {
		return "", badRequest("Unexpected token (END_OBJECT), expected FIELD_NAME: missing property 'type' that is to contain type id (for class org.midonet.cluster.rest_api.models.Port)")
	}
	kind, known := portKinds[*t]
	if !known {
		return "", badRequest("Could not resolve type id '%s' into a subtype of [simple type, class org.midonet.cluster.rest_api.models.Port]", *t)
	}
	return kind, nil
}

// createPort creates a port on a device; a router port also gets its automatic Local route(s)
// (spec §2.3).
func (c *call) createPort(deviceKind, deviceID string) (reply, error) {
	f, err := c.readBody(generic, mtPort...)
	if err != nil {
		return reply{}, err
	}
	kind, err := portKind(f)
	if err != nil {
		return reply{}, err
	}
	if err := c.deviceExists(deviceKind, deviceID); err != nil {
		return reply{}, err
	}
	if kind != deviceKind {
		if deviceKind == portBridge {
			return reply{}, badRequest("Not a bridge port.")
		}
		return reply{}, badRequest("Could not resolve type id '%s' into a subtype of [simple type, class org.midonet.cluster.rest_api.models.RouterPort]", kind)
	}
	givenID := f.uuid("id")
	p, err := c.decodePort(f, kind)
	if err != nil {
		return reply{}, err
	}
	p.ID = newID(givenID)
	if _, dup := c.st.Ports[p.ID]; dup {
		return reply{}, alreadyExists("Port", p.ID)
	}
	p.DeviceID = deviceID
	p.Seq = c.st.nextSeq()
	c.st.LastTunnelKey++
	p.TunnelKey = c.st.LastTunnelKey
	if kind == portRouter && p.PortMac == nil {
		p.PortMac = ptr(midokuraMAC(p.ID))
	}
	c.st.Ports[p.ID] = p
	c.st.indexPort(p)
	if kind == portRouter {
		c.st.addLocalRoutes(p)
	}
	c.st.touch()
	return created(c.uri("ports", p.ID))
}

// updatePort replaces the writable fields. Preserved: id, tunnel key, device, the link and the
// binding, insertions and service container (spec §2.3); the body's type must match the kind.
func (c *call) updatePort(id string) (reply, error) {
	old, f, err := readUpdate(c, c.st.Ports, "Port", id, mtPort...)
	if err != nil {
		return reply{}, err
	}
	kind, err := portKind(f)
	if err != nil {
		return reply{}, err
	}
	if kind != old.Type {
		return reply{}, badRequest("Not a %s port.", strings.ToLower(old.Type))
	}
	p, err := c.decodePort(f, kind)
	if err != nil {
		return reply{}, err
	}
	p.ID, p.Seq, p.DeviceID, p.TunnelKey = old.ID, old.Seq, old.DeviceID, old.TunnelKey
	// As MidoNet's Port.update(): the stored binding and link are kept only when the body's
	// are null; non-null ones are taken from the body as they are, without the checks of a
	// binding or a link (spec §6.1). A client must leave them out of a PUT.
	p.HostID, p.InterfaceName, p.PeerID = orStored(f.uuid("hostId"), old.HostID), orStored(f.str("interfaceName"), old.InterfaceName), orStored(f.uuid("peerId"), old.PeerID)
	if f.err != nil {
		return reply{}, f.err
	}
	p.InsertionIDs, p.ServiceContainerID = old.InsertionIDs, old.ServiceContainerID
	c.st.rebind(old, p)
	c.st.Ports[id] = p
	c.st.touch()
	return noContent()
}

// orStored is the body's value when it is not null, else the stored one.
func orStored(body, stored *string) *string {
	if body != nil {
		return body
	}
	return stored
}

// deletePort answers 404 when missing; a linked or bound port may be deleted directly.
func (c *call) deletePort(id string) (reply, error) {
	if _, found := c.st.Ports[id]; !found {
		return reply{}, notFound("Port", id)
	}
	c.st.deletePort(id)
	c.st.touch()
	return noContent()
}

// deletePort removes a port and everything that hangs off it (spec §3): the peer's peerId, its
// binding (held on the port), its port-group memberships and routes through it (including its
// Local routes). MAC-table entries pointing at it stay, as in MidoNet (PortResource deletes
// the port only, spec §6.1): they are deleted through the MAC table.
func (st *store) deletePort(id string) {
	p, found := st.Ports[id]
	if !found {
		return
	}
	if p.PeerID != nil {
		if peer, ok := st.Ports[*p.PeerID]; ok {
			peer.PeerID = nil
		}
	}
	st.setBinding(p, nil, nil)
	for _, g := range st.PortGroups {
		g.PortIDs = removeString(g.PortIDs, id)
	}
	for rid, r := range st.Routes {
		if eqPtr(r.NextHopPort, id) {
			delete(st.Routes, rid)
		}
	}
	delete(st.Ports, id)
}

func (c *call) decodePort(f *fields, kind string) (*port, error) {
	p := &port{
		Type:                  kind,
		AdminStateUp:          f.boolOr("adminStateUp", true),
		InboundFilterID:       f.uuid("inboundFilterId"),
		OutboundFilterID:      f.uuid("outboundFilterId"),
		VifID:                 f.uuid("vifId"),
		InboundMirrorIDs:      f.uuids("inboundMirrorIds"),
		OutboundMirrorIDs:     f.uuids("outboundMirrorIds"),
		PostInFilterMirrorIDs: f.uuids("postInFilterMirrorIds"),
		PreOutFilterMirrorIDs: f.uuids("preOutFilterMirrorIds"),
		QosPolicyID:           f.uuid("qosPolicyId"),
	}
	var v violations
	if kind == portRouter {
		decodeRouterPort(f, p, &v)
	} else {
		p.VlanID = f.intOr("vlanId", 0)
		v.between("vlanId", &p.VlanID, 0, 4095)
	}
	if f.err != nil {
		return nil, f.err
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := c.checkChains(p.InboundFilterID, p.OutboundFilterID); err != nil {
		return nil, err
	}
	if err := checkNoMirrors(p.InboundMirrorIDs, p.OutboundMirrorIDs, p.PostInFilterMirrorIDs, p.PreOutFilterMirrorIDs); err != nil {
		return nil, err
	}
	if p.QosPolicyID != nil {
		return nil, notFound("QosPolicy", *p.QosPolicyID)
	}
	return p, nil
}

// decodeRouterPort reads the L3 fields. networkAddress is validated but not stored (it is
// derived on read); a non-empty portSubnet wins over portAddress/networkLength, otherwise it is
// computed from them (MN 5.4+).
func decodeRouterPort(f *fields, p *port, v *violations) {
	p.PortAddress = f.str("portAddress")
	netAddr := f.str("networkAddress")
	length := f.integer("networkLength")
	p.PortSubnet = f.strings("portSubnet")
	mac := f.str("portMac")
	p.RtrPortVni = f.intOr("rtrPortVni", 0)
	p.OffRampVxlan = f.boolOr("offRampVxlan", false)
	if f.err != nil {
		return
	}
	v.ipv4("portAddress", p.PortAddress)
	v.ipv4("networkAddress", netAddr)
	v.between("networkLength", length, 0, 32)
	v.between("rtrPortVni", &p.RtrPortVni, 0, 0xFFFFFF)
	if length != nil {
		p.NetworkLength = *length
	}
	if mac != nil {
		if m, valid := bodyMAC(*mac); valid {
			p.PortMac = &m
		} else {
			v.add("portMac", "is an invalid MAC format")
		}
	}
	for _, s := range p.PortSubnet {
		if _, _, err := net.ParseCIDR(s); err != nil {
			v.add("portSubnet", fmt.Sprintf("%s is not a valid CIDR", s))
			return
		}
	}
	if first := firstIPv4CIDR(p.PortSubnet); first != nil {
		p.PortAddress = ptr(first.IP.String())
		ones, _ := first.Mask.Size()
		p.NetworkLength = int64(ones)
		return
	}
	if p.PortAddress == nil {
		v.add("portAddress", msgNotNull)
		return
	}
	if isIPv4(*p.PortAddress) {
		p.PortSubnet = []string{fmt.Sprintf("%s/%d", *p.PortAddress, p.NetworkLength)}
	}
}

// firstIPv4CIDR returns the first IPv4 entry of portSubnet with its host address kept.
func firstIPv4CIDR(subnets []string) *net.IPNet {
	for _, s := range subnets {
		ip, n, err := net.ParseCIDR(s)
		if err == nil && ip.To4() != nil {
			return &net.IPNet{IP: ip.To4(), Mask: n.Mask}
		}
	}
	return nil
}

// midokuraMAC is the port MAC MidoNet would pick at random (ac:ca:ba:xx:xx:xx); derived from the
// port id here so a caller-supplied id always gets the same MAC.
func midokuraMAC(id string) string {
	sum := sha1.Sum([]byte(id))
	return fmt.Sprintf("ac:ca:ba:%02x:%02x:%02x", sum[0], sum[1], sum[2])
}

// networkAddress is portAddress masked by networkLength, as MidoNet derives it on read.
func networkAddress(p *port) *string {
	if p.PortAddress == nil {
		return nil
	}
	ip := net.ParseIP(*p.PortAddress).To4()
	if ip == nil || p.NetworkLength < 0 || p.NetworkLength > 32 {
		return nil
	}
	return ptr(ip.Mask(net.CIDRMask(int(p.NetworkLength), 32)).String())
}

func (c *call) renderPort(p *port) map[string]any {
	u := c.uri("ports", p.ID)
	device := "routers"
	if p.Type == portBridge {
		device = "bridges"
	}
	var hip *string
	if p.HostID != nil {
		hip = ptr(c.uri("hosts", *p.HostID, "ports", p.ID))
	}
	out := map[string]any{
		"type": p.Type, "id": p.ID, "deviceId": p.DeviceID, "adminStateUp": p.AdminStateUp,
		"inboundFilterId": p.InboundFilterID, "outboundFilterId": p.OutboundFilterID,
		"vifId": p.VifID, "hostId": p.HostID, "interfaceName": p.InterfaceName, "peerId": p.PeerID,
		"tunnelKey": p.TunnelKey, "active": false,
		"inboundMirrorIds": nonNil(p.InboundMirrorIDs), "outboundMirrorIds": nonNil(p.OutboundMirrorIDs),
		"postInFilterMirrorIds": nonNil(p.PostInFilterMirrorIDs), "preOutFilterMirrorIds": nonNil(p.PreOutFilterMirrorIDs),
		"insertionIds": nonNil(p.InsertionIDs), "qosPolicyId": p.QosPolicyID,
		"uri":               u,
		"device":            c.uri(device, p.DeviceID),
		"host":              c.link("hosts", p.HostID),
		"peer":              c.link("ports", p.PeerID),
		"link":              u + "/link",
		"portGroups":        u + "/port_groups",
		"hostInterfacePort": hip,
		"inboundFilter":     c.link("chains", p.InboundFilterID),
		"outboundFilter":    c.link("chains", p.OutboundFilterID),
	}
	if p.Type == portBridge {
		out["vlanId"] = p.VlanID
		return out
	}
	out["portAddress"] = p.PortAddress
	out["networkAddress"] = networkAddress(p)
	out["networkLength"] = p.NetworkLength
	out["portSubnet"] = nonNil(p.PortSubnet)
	out["portMac"] = p.PortMac
	out["rtrPortVni"] = p.RtrPortVni
	out["offRampVxlan"] = p.OffRampVxlan
	out["serviceContainerId"] = p.ServiceContainerID
	out["serviceContainer"] = c.link("service_containers", p.ServiceContainerID)
	out["bgpStatus"] = nil
	out["peeringTable"] = u + "/peering_table"
	return out
}

// localRouteID derives the id of a port's automatic Local route, so snapshots and repeated runs
// agree.
func localRouteID(portID, cidr string) string {
	return uuid.NewSHA1(uuid.MustParse(portID), []byte("local:"+cidr)).String()
}
