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
	inVLAN := func(e macEntry) bool { return vlan == nil || sameVLAN(vlan, e.VlanID) }
	return serveBridgeTable(c, bridgeID, rest, bridgeTable[macEntry]{
		what: "MAC", mt: mtMacPort, mtList: mtMacPortList,
		entries: func(b *bridge) *[]macEntry { return &b.MacTable },
		listed:  inVLAN,
		add:     func(b *bridge) (reply, error) { return c.addMacEntry(b, bridgeID, vlan) },
		key: func(key string) (func(macEntry) bool, bool) {
			macPart, portPart, _ := strings.Cut(key, "_")
			mac, validMAC := normMAC(macPart)
			portID, err := pathUUID(portPart)
			return func(e macEntry) bool { return e.Mac == mac && e.PortID == portID && inVLAN(e) }, validMAC && err == nil
		},
		render: func(e macEntry) map[string]any { return c.renderMacEntry(bridgeID, e) },
	})
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
	return serveBridgeTable(c, bridgeID, rest, bridgeTable[arpEntry]{
		what: "ARP", mt: mtIP4Mac, mtList: mtIP4MacList,
		entries: func(b *bridge) *[]arpEntry { return &b.ArpTable },
		add:     func(b *bridge) (reply, error) { return c.addArpEntry(b, bridgeID) },
		key: func(key string) (func(arpEntry) bool, bool) {
			ip, macPart, _ := strings.Cut(key, "_")
			mac, validMAC := normMAC(macPart)
			want := arpEntry{IP: ip, Mac: mac}
			return func(e arpEntry) bool { return e == want }, validMAC && isIPv4(ip)
		},
		render: func(e arpEntry) map[string]any { return c.renderArpEntry(bridgeID, e) },
	})
}

// bridgeTable is what a bridge's static MAC and ARP tables share (spec §2.14): the table lists
// its entries and takes a new one by POST; an entry named in the path is read by GET and
// removed by an idempotent DELETE. A missing bridge is a 404 naming it, a malformed entry key
// a bare 404.
type bridgeTable[E any] struct {
	what       string // "MAC" or "ARP", as the 404 of a missing entry names the table
	mt, mtList []string
	entries    func(b *bridge) *[]E
	listed     func(E) bool // which entries the list shows; nil: all
	add        func(b *bridge) (reply, error)
	key        func(key string) (match func(E) bool, valid bool)
	render     func(E) map[string]any
}

func serveBridgeTable[E any](c *call, bridgeID string, rest []string, t bridgeTable[E]) (reply, error) {
	b, found := c.st.Bridges[bridgeID]
	if len(rest) == 0 {
		switch c.method() {
		case http.MethodGet:
			mt, err := c.produce(jersey, t.mtList...)
			if err != nil {
				return reply{}, err
			}
			if !found {
				return reply{}, notFound(classNetwork, bridgeID)
			}
			out := []any{}
			for _, e := range *t.entries(b) {
				if t.listed == nil || t.listed(e) {
					out = append(out, t.render(e))
				}
			}
			return ok(mt, out)
		case http.MethodPost:
			return t.add(b)
		}
		return reply{}, methodNotAllowed()
	}
	if len(rest) > 1 {
		return reply{}, bare(http.StatusNotFound)
	}
	if !found {
		return reply{}, notFound(classNetwork, bridgeID)
	}
	match, valid := t.key(rest[0])
	if !valid {
		return reply{}, bare(http.StatusNotFound)
	}
	entries := t.entries(b)
	switch c.method() {
	case http.MethodGet:
		mt, err := c.produce(jersey, t.mt...)
		if err != nil {
			return reply{}, err
		}
		i := slices.IndexFunc(*entries, match)
		if i < 0 {
			return reply{}, notFoundMsg("%s table entry %s not found.", t.what, rest[0])
		}
		return ok(mt, t.render((*entries)[i]))
	case http.MethodDelete:
		before := len(*entries)
		*entries = slices.DeleteFunc(*entries, match)
		if len(*entries) != before {
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
