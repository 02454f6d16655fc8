package dryrun

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
)

// describer names the object of a write by MidoNet names, from the request and from what the
// index holds before the write; names holds every named object MidoNet held at the start, for
// a write that refers to one deleted meanwhile.
type describer struct {
	x     *index.Index
	names map[string]string
}

func newDescriber(x *index.Index, c index.Contents) describer {
	d := describer{x: x, names: map[string]string{}}
	for _, r := range c.Routers {
		d.names[r.ID] = r.Name
	}
	for _, b := range c.Bridges {
		d.names[b.ID] = b.Name
	}
	for _, ch := range c.Chains {
		d.names[ch.ID] = ch.Name
	}
	for _, g := range c.AddrGroups {
		d.names[g.ID] = g.Name
	}
	for _, g := range c.PortGroups {
		d.names[g.ID] = g.Name
	}
	return d
}

func (d describer) describe(method string, p []string, body []byte) Write {
	w := Write{Action: map[string]string{http.MethodPost: "create", http.MethodPut: "update", http.MethodDelete: "delete"}[method]}
	w.What = d.what(method, p, body)
	return w
}

func (d describer) what(method string, p []string, body []byte) string {
	seg := func(i int) string {
		if i < len(p) {
			return p[i]
		}
		return ""
	}
	switch {
	case len(p) == 1 && method == http.MethodPost: // a named top-level object
		var named struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(body, &named)
		return kindOf(p[0]) + " " + named.Name
	case len(p) == 2: // PUT or DELETE of an object by id
		if p[0] == "rules" {
			return d.rule(p[1], 0)
		}
		return d.name(p[1], kindOf(p[0]))
	}
	parent := d.name(seg(1), kindOf(seg(0)))
	switch sub := seg(2); {
	case sub == "ports" && (p[0] == "routers" || p[0] == "bridges") && method == http.MethodPost:
		var port midonet.Port
		_ = json.Unmarshal(body, &port)
		return describePort(port, strings.TrimPrefix(strings.TrimPrefix(parent, "router "), "bridge "))
	case sub == "routes":
		var rt midonet.Route
		_ = json.Unmarshal(body, &rt)
		return rt.Describe(d.bareName(seg(1)))
	case sub == "rules":
		var r midonet.Rule
		_ = json.Unmarshal(body, &r)
		return fmt.Sprintf("rule #%d in %s: %s", max(r.Position, 1), d.bareName(seg(1)), d.ruleSummary(r))
	case sub == "link":
		if method == http.MethodPost {
			var l midonet.PortLink
			_ = json.Unmarshal(body, &l)
			return fmt.Sprintf("link of %s to %s", d.name(seg(1), "port"), d.name(l.PeerID, "port"))
		}
		return "link of " + d.name(seg(1), "port")
	case sub == "dhcp":
		cidr := strings.Replace(seg(3), "_", "/", 1)
		if seg(4) == "hosts" {
			if method == http.MethodPost {
				var h midonet.DHCPHost
				_ = json.Unmarshal(body, &h)
				return fmt.Sprintf("DHCP host %s %s in %s of %s", h.MacAddr, h.IPAddr, cidr, parent)
			}
			return fmt.Sprintf("DHCP host %s in %s of %s", seg(5), cidr, parent)
		}
		if method == http.MethodPost {
			var s midonet.DHCPSubnet
			_ = json.Unmarshal(body, &s)
			cidr = s.CIDR()
		}
		return fmt.Sprintf("DHCP subnet %s of %s", cidr, parent)
	case sub == "arp_table" || sub == "mac_table":
		table := map[string]string{"arp_table": "ARP entry", "mac_table": "MAC entry"}[sub]
		key := seg(3)
		if a, b, ok := strings.Cut(key, "_"); ok { // ip_mac, mac_port (MACs with dashes)
			if sub == "arp_table" {
				key = a + " → " + strings.ReplaceAll(b, "-", ":")
			} else {
				key = strings.ReplaceAll(a, "-", ":") + " → " + d.portOnly(b)
			}
		}
		if method == http.MethodPost {
			var e struct {
				IP      string `json:"ip"`
				MAC     string `json:"mac"`
				MacAddr string `json:"macAddr"`
				PortID  string `json:"portId"`
			}
			_ = json.Unmarshal(body, &e)
			if sub == "arp_table" {
				key = e.IP + " → " + e.MAC
			} else {
				key = e.MacAddr + " → " + d.portOnly(e.PortID)
			}
		}
		return fmt.Sprintf("%s %s of %s", table, key, parent)
	case sub == "ip_addrs" || sub == "versions":
		addr := seg(len(p) - 1)
		if method == http.MethodPost {
			var a midonet.IPAddrGroupAddr
			_ = json.Unmarshal(body, &a)
			addr = a.Addr
		}
		return fmt.Sprintf("address %s in %s", addr, parent)
	case sub == "ports" && p[0] == "port_groups":
		port := seg(3)
		if method == http.MethodPost {
			var m midonet.PortGroupPort
			_ = json.Unmarshal(body, &m)
			port = m.PortID
		}
		return fmt.Sprintf("member %s of %s", d.name(port, "port"), parent)
	case sub == "ports" && p[0] == "hosts":
		var b midonet.HostInterfacePort
		if method == http.MethodPost {
			_ = json.Unmarshal(body, &b)
		} else {
			b.PortID = seg(3)
		}
		what := fmt.Sprintf("binding of %s to %s", d.name(b.PortID, "port"), parent)
		if b.InterfaceName != "" {
			what += " interface " + b.InterfaceName
		}
		return what
	case sub == "bgp_peers" || sub == "bgp_networks":
		return strings.TrimSuffix(strings.ReplaceAll(sub, "_", " "), "s") + " of " + parent
	}
	return strings.Join(p, "/")
}

// kindOf turns a collection into the kind of its items, as operators name them.
func kindOf(collection string) string {
	switch collection {
	case "ip_addr_groups":
		return "ip address group"
	case "port_groups":
		return "port group"
	case "tunnel_zones":
		return "tunnel zone"
	case "bgp_peers":
		return "BGP peer"
	case "bgp_networks":
		return "BGP network"
	}
	return strings.TrimSuffix(collection, "s")
}

// name describes what the index holds under id ("chain sc_subnet-11aa22bb_in", "port
// 10.0.1.1/24 of vr_vpc-0a1b2c3d_3"), falling back to kind and id.
func (d describer) name(id, kind string) string {
	ref, ok := d.x.Find(id)
	if !ok {
		if h, ok := d.x.Host(id); ok {
			return "host " + h.Name
		}
		return kind + " " + id
	}
	switch ref.Kind {
	case index.KindPort:
		p, _ := d.x.Port(id)
		return describePort(p, d.bareName(ref.Parent))
	case index.KindRule:
		return d.rule(id, 0)
	case index.KindRoute:
		for _, rt := range d.x.RoutesOf(ref.Parent) {
			if rt.ID == id {
				return rt.Describe(d.bareName(ref.Parent))
			}
		}
	case index.KindRouter, index.KindBridge, index.KindChain:
		return string(ref.Kind) + " " + ref.Name
	case index.KindAddrGroup:
		return "ip address group " + ref.Name
	case index.KindPortGroup:
		return "port group " + ref.Name
	}
	return kind + " " + id
}

// portOnly describes a port without its device (a MAC entry names its bridge already).
func (d describer) portOnly(id string) string {
	if p, ok := d.x.Port(id); ok {
		return strings.TrimSuffix(describePort(p, ""), " of ")
	}
	return "port " + id
}

// bareName is the name of a named object, else its description.
func (d describer) bareName(id string) string {
	if ref, ok := d.x.Find(id); ok && ref.Name != "" {
		return ref.Name
	}
	if name, ok := d.names[id]; ok {
		return name
	}
	return d.name(id, "object")
}

// rule describes the rule id by its position in its chain.
func (d describer) rule(id string, _ int) string {
	ref, ok := d.x.Find(id)
	if !ok || ref.Kind != index.KindRule {
		return "rule " + id
	}
	for i, r := range d.x.RulesOf(ref.Parent) {
		if r.ID == id {
			return fmt.Sprintf("rule #%d in %s: %s", i+1, d.bareName(ref.Parent), d.ruleSummary(r))
		}
	}
	return "rule " + id
}

// ruleSummary says what a rule does in a few words: its action and its set matches.
func (d describer) ruleSummary(r midonet.Rule) string {
	parts := []string{r.Type}
	if r.Type == midonet.RuleTypeJump {
		target := r.JumpChainName
		if r.JumpChainID != nil {
			target = d.bareName(*r.JumpChainID)
		}
		parts = append(parts, "→ "+target)
	}
	not := func(inv bool) string {
		if inv {
			return "!"
		}
		return ""
	}
	if r.NwProto != nil {
		parts = append(parts, fmt.Sprintf("proto %s%d", not(r.InvNwProto), *r.NwProto))
	}
	if r.NwSrcAddress != nil {
		parts = append(parts, fmt.Sprintf("src %s%s/%d", not(r.InvNwSrc), *r.NwSrcAddress, r.NwSrcLength))
	}
	if r.IPAddrGroupSrc != nil {
		parts = append(parts, "src in "+not(r.InvIPAddrGroupSrc)+d.bareName(*r.IPAddrGroupSrc))
	}
	if r.NwDstAddress != nil {
		parts = append(parts, fmt.Sprintf("dst %s%s/%d", not(r.InvNwDst), *r.NwDstAddress, r.NwDstLength))
	}
	if r.IPAddrGroupDst != nil {
		parts = append(parts, "dst in "+not(r.InvIPAddrGroupDst)+d.bareName(*r.IPAddrGroupDst))
	}
	if r.TpDst != nil {
		parts = append(parts, fmt.Sprintf("dport %s%d-%d", not(r.InvTpDst), r.TpDst.Start, r.TpDst.End))
	}
	if r.MatchReturnFlow {
		parts = append(parts, "return flow")
	}
	for _, t := range r.NatTargets {
		parts = append(parts, "→ "+t.AddressFrom)
	}
	return strings.Join(parts, " ")
}

// describePort names a port by what identifies it on its device.
func describePort(p midonet.Port, device string) string {
	var parts []string
	if p.PortAddress != "" {
		parts = append(parts, fmt.Sprintf("%s/%d", p.PortAddress, p.NetworkLength))
	}
	if p.InterfaceName != nil && *p.InterfaceName != "" {
		parts = append(parts, "bound to "+*p.InterfaceName)
	}
	if p.InboundFilterID != nil && len(parts) == 0 {
		parts = append(parts, "with filters")
	}
	if len(parts) == 0 {
		parts = append(parts, p.ID)
	}
	return fmt.Sprintf("port %s of %s", strings.Join(parts, " "), device)
}
