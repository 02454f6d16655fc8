package sim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

var (
	mtMacPort     = []string{vnd("MacPort-v2"), mediaJSON}
	mtMacPortList = []string{vndList("MacPort-v2"), mediaJSON}
	mtIP4Mac      = []string{vnd("IP4Mac-v1"), mediaJSON}
	mtIP4MacList  = []string{vndList("IP4Mac-v1"), mediaJSON}
)

// macEntry is a static MAC-table entry of a bridge (spec §2.14); VlanID nil is the untagged table.
type macEntry struct {
	Mac    string `json:"macAddr"`
	PortID string `json:"portId"`
	VlanID *int64 `json:"vlanId"`
}

// arpEntry is a static ARP-table entry of a bridge.
type arpEntry struct {
	IP  string `json:"ip"`
	Mac string `json:"mac"`
}

func pathVLAN(s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 16)
	if err != nil || v < 0 || v > 4095 {
		return 0, bare(http.StatusNotFound)
	}
	return v, nil
}

func sameVLAN(a, b *int64) bool {
	av, bv := int64(0), int64(0)
	if a != nil {
		av = *a
	}
	if b != nil {
		bv = *b
	}
	return av == bv
}

// serveMacTable is /bridges/{id}[/vlans/{vlan}]/mac_table[/{mac-dashes}_{portId}]. The
// un-VLANed list shows every VLAN's entries.
func (c *call) serveMacTable(bridgeID string, vlan *int64, rest []string) (reply, error) {
	b, found := c.st.Bridges[bridgeID]
	if len(rest) == 0 {
		switch c.method() {
		case http.MethodGet:
			mt, err := c.produce(jersey, mtMacPortList...)
			if err != nil {
				return reply{}, err
			}
			if !found {
				return reply{}, notFound(classNetwork, bridgeID)
			}
			out := []any{}
			for _, e := range b.MacTable {
				if vlan == nil || sameVLAN(vlan, e.VlanID) {
					out = append(out, c.renderMacEntry(bridgeID, e))
				}
			}
			return ok(mt, out)
		case http.MethodPost:
			return c.addMacEntry(b, bridgeID, vlan)
		}
		return reply{}, methodNotAllowed()
	}
	if len(rest) > 1 {
		return reply{}, bare(http.StatusNotFound)
	}
	if !found {
		return reply{}, notFound(classNetwork, bridgeID)
	}
	macPart, portPart, _ := strings.Cut(rest[0], "_")
	mac, validMAC := normMAC(macPart)
	portID, err := pathUUID(portPart)
	if !validMAC || err != nil {
		return reply{}, bare(http.StatusNotFound)
	}
	match := func(e macEntry) bool {
		return e.Mac == mac && e.PortID == portID && (vlan == nil || sameVLAN(vlan, e.VlanID))
	}
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(jersey, mtMacPort...)
		if err != nil {
			return reply{}, err
		}
		i := slices.IndexFunc(b.MacTable, match)
		if i < 0 {
			return reply{}, notFoundMsg("MAC table entry %s not found.", rest[0])
		}
		return ok(mt, c.renderMacEntry(bridgeID, b.MacTable[i]))
	case http.MethodDelete:
		before := len(b.MacTable)
		b.MacTable = slices.DeleteFunc(b.MacTable, match)
		if len(b.MacTable) != before {
			c.st.touch()
		}
		return noContent()
	}
	return reply{}, methodNotAllowed()
}

func (c *call) addMacEntry(b *bridge, bridgeID string, vlan *int64) (reply, error) {
	if err := c.consume(jersey, mtMacPort...); err != nil {
		return reply{}, err
	}
	if b == nil {
		return reply{}, notFound(classNetwork, bridgeID)
	}
	f, err := readFields(c.r.Body)
	if err != nil {
		return reply{}, err
	}
	macIn, portID := f.str("macAddr"), f.uuid("portId")
	e := macEntry{VlanID: f.integer("vlanId")}
	if f.err != nil {
		return reply{}, f.err
	}
	if vlan != nil {
		e.VlanID = vlan
	}
	var v violations
	v.notNull("macAddr", macIn != nil)
	v.notNull("portId", portID != nil)
	v.between("vlanId", e.VlanID, 0, 4095)
	if err := v.err(); err != nil {
		return reply{}, err
	}
	mac, valid := bodyMAC(*macIn)
	if !valid {
		return reply{}, badRequest("Invalid MAC address: %s", *macIn)
	}
	e.Mac, e.PortID = mac, *portID
	p, found := c.st.Ports[e.PortID]
	if !found {
		return reply{}, notFound("Port", e.PortID)
	}
	if p.DeviceID != bridgeID {
		return reply{}, badRequest("The port must belong to the bridge that owns the MAC table.")
	}
	if !slices.ContainsFunc(b.MacTable, func(x macEntry) bool { return x.Mac == e.Mac && x.PortID == e.PortID && sameVLAN(x.VlanID, e.VlanID) }) {
		b.MacTable = append(b.MacTable, e)
		c.st.touch()
	}
	return created(c.macEntryURI(bridgeID, e))
}

func (c *call) macEntryURI(bridgeID string, e macEntry) string {
	key := dashMAC(e.Mac) + "_" + e.PortID
	if e.VlanID != nil && *e.VlanID != 0 {
		return c.uri("bridges", bridgeID, "vlans", strconv.FormatInt(*e.VlanID, 10), "mac_table", key)
	}
	return c.uri("bridges", bridgeID, "mac_table", key)
}

func (c *call) renderMacEntry(bridgeID string, e macEntry) map[string]any {
	return map[string]any{"macAddr": e.Mac, "portId": e.PortID, "vlanId": e.VlanID, "uri": c.macEntryURI(bridgeID, e)}
}

// serveArpTable is /bridges/{id}/arp_table[/{ip}_{mac-dashes}]; DELETE is idempotent.
func (c *call) serveArpTable(bridgeID string, rest []string) (reply, error) {
	b, found := c.st.Bridges[bridgeID]
	if len(rest) == 0 {
		switch c.method() {
		case http.MethodGet:
			mt, err := c.produce(jersey, mtIP4MacList...)
			if err != nil {
				return reply{}, err
			}
			if !found {
				return reply{}, notFound(classNetwork, bridgeID)
			}
			return ok(mt, renderAll(b.ArpTable, func(e arpEntry) map[string]any { return c.renderArpEntry(bridgeID, e) }))
		case http.MethodPost:
			return c.addArpEntry(b, bridgeID)
		}
		return reply{}, methodNotAllowed()
	}
	if len(rest) > 1 {
		return reply{}, bare(http.StatusNotFound)
	}
	if !found {
		return reply{}, notFound(classNetwork, bridgeID)
	}
	ip, macPart, _ := strings.Cut(rest[0], "_")
	mac, validMAC := normMAC(macPart)
	if !validMAC || !isIPv4(ip) {
		return reply{}, bare(http.StatusNotFound)
	}
	want := arpEntry{IP: ip, Mac: mac}
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(jersey, mtIP4Mac...)
		if err != nil {
			return reply{}, err
		}
		if !slices.Contains(b.ArpTable, want) {
			return reply{}, notFoundMsg("ARP table entry %s not found.", rest[0])
		}
		return ok(mt, c.renderArpEntry(bridgeID, want))
	case http.MethodDelete:
		before := len(b.ArpTable)
		b.ArpTable = slices.DeleteFunc(b.ArpTable, func(e arpEntry) bool { return e == want })
		if len(b.ArpTable) != before {
			c.st.touch()
		}
		return noContent()
	}
	return reply{}, methodNotAllowed()
}

// addArpEntry accepts only the vendor type (spec §1.2: ARP-table POST is IP4Mac-v1 only).
func (c *call) addArpEntry(b *bridge, bridgeID string) (reply, error) {
	if err := c.consume(jersey, mtIP4Mac[0]); err != nil {
		return reply{}, err
	}
	if b == nil {
		return reply{}, notFound(classNetwork, bridgeID)
	}
	f, err := readFields(c.r.Body)
	if err != nil {
		return reply{}, err
	}
	ip, macIn := f.str("ip"), f.str("mac")
	if f.err != nil {
		return reply{}, f.err
	}
	var v violations
	v.notNull("ip", ip != nil)
	v.notNull("mac", macIn != nil)
	v.ipv4("ip", ip)
	if err := v.err(); err != nil {
		return reply{}, err
	}
	mac, valid := bodyMAC(*macIn)
	if !valid {
		return reply{}, badRequest("Invalid MAC address: %s", *macIn)
	}
	e := arpEntry{IP: *ip, Mac: mac}
	if !slices.Contains(b.ArpTable, e) {
		b.ArpTable = append(b.ArpTable, e)
		c.st.touch()
	}
	return created(c.arpEntryURI(bridgeID, e))
}

func (c *call) arpEntryURI(bridgeID string, e arpEntry) string {
	return c.uri("bridges", bridgeID, "arp_table", e.IP+"_"+dashMAC(e.Mac))
}

func (c *call) renderArpEntry(bridgeID string, e arpEntry) map[string]any {
	return map[string]any{"ip": e.IP, "mac": e.Mac, "uri": c.arpEntryURI(bridgeID, e)}
}
