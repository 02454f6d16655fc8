package topoview

import (
	"fmt"
	"io"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
)

// TreeOption changes what WriteTree shows.
type TreeOption func(*treePrinter)

// WithIDs adds the MidoNet id of every device, port, chain, group and host to its line. Ids
// differ between two MidoNets holding the same topology, so they are off by default.
func WithIDs() TreeOption { return func(p *treePrinter) { p.ids = true } }

// WriteTree writes the topology as an indented tree (see the package comment).
func (t *Topology) WriteTree(w io.Writer, opts ...TreeOption) error {
	p := &treePrinter{}
	for _, o := range opts {
		o(p)
	}
	header := newNode(fmt.Sprintf("tenant %s (MidoNet %s)", t.Tenant, orDash(t.APIVersion)))
	roots := []*node{header}
	for _, build := range []func(*Topology) *node{
		p.routers, p.bridges, p.chains, p.addrGroups, p.portGroups, p.hosts,
	} {
		roots = append(roots, build(t))
	}
	if err := render(w, roots); err != nil {
		return fmt.Errorf("write topology tree: %w", err)
	}
	return nil
}

type treePrinter struct {
	ids bool
}

// line appends the object's id to a line when ids are asked for.
func (p *treePrinter) line(text, id string) string {
	if p.ids && id != "" {
		return text + "  id=" + id
	}
	return text
}

func (p *treePrinter) routers(t *Topology) *node {
	sec := newNode(fmt.Sprintf("routers (%d)", len(t.Routers)))
	for _, r := range t.Routers {
		text := r.Name
		if r.ASNumber != 0 {
			text += fmt.Sprintf(" as %d", r.ASNumber)
		}
		rn := sec.add(p.line(text+down(r.AdminStateUp), r.ID))
		rn.addNode(filtersNode(r.InboundFilter, r.OutboundFilter))
		ports := newNode("ports")
		for _, port := range r.Ports {
			ports.addNode(p.port(port))
		}
		rn.attach(ports)
		routes := newNode("routes")
		for _, route := range r.Routes {
			routes.add(routeLine(route))
		}
		rn.attach(routes)
		bgp := newNode("bgp")
		for _, peer := range r.BgpPeers {
			bgp.add(fmt.Sprintf("peer %s as %d", peer.Address, peer.ASNumber))
		}
		for _, n := range r.BgpNetworks {
			bgp.add("network " + n.Network)
		}
		rn.attach(bgp)
	}
	return sec
}

func (p *treePrinter) bridges(t *Topology) *node {
	sec := newNode(fmt.Sprintf("bridges (%d)", len(t.Bridges)))
	for _, b := range t.Bridges {
		bn := sec.add(p.line(b.Name+down(b.AdminStateUp), b.ID))
		bn.addNode(filtersNode(b.InboundFilter, b.OutboundFilter))
		ports := newNode("ports")
		for _, port := range b.Ports {
			ports.addNode(p.port(port))
		}
		bn.attach(ports)
		for _, d := range b.DHCPSubnets {
			bn.addNode(dhcpNode(d))
		}
		arp := newNode("arp table")
		for _, e := range b.ARPEntries {
			arp.add(e.IP + " → " + e.MAC)
		}
		bn.attach(arp)
		mac := newNode("mac table")
		for _, e := range b.MACEntries {
			text := e.MAC + " → " + e.Port.String()
			if e.VlanID != nil && *e.VlanID != 0 {
				text += fmt.Sprintf(" vlan %d", *e.VlanID)
			}
			mac.add(text)
		}
		bn.attach(mac)
	}
	return sec
}

// port is one port line: what identifies it, where it leads (peer or binding), then its
// filters and port groups below it.
func (p *treePrinter) port(port Port) *node {
	var text string
	switch {
	case port.Address != "" || port.Type == midonet.PortTypeRouter:
		text = strings.TrimSpace(port.Address + " " + port.MAC)
	case port.Binding != nil:
		text = "" // the role is the bound interface, shown with the binding
	default:
		text = port.Role
	}
	switch {
	case port.Peer != nil:
		text += " → " + port.Peer.String()
	case port.Binding != nil:
		text += " bound to " + bindingText(port.Binding)
	case port.Type != midonet.PortTypeRouter:
		text += " (unattached)"
	}
	if port.VlanID != 0 {
		text += fmt.Sprintf(" vlan %d", port.VlanID)
	}
	n := newNode(p.line(strings.TrimSpace(text)+down(port.AdminStateUp), port.ID))
	n.addNode(filtersNode(port.InboundFilter, port.OutboundFilter))
	if len(port.PortGroups) > 0 {
		names := make([]string, len(port.PortGroups))
		for i, g := range port.PortGroups {
			names[i] = g.String()
		}
		n.add("port groups " + strings.Join(names, ", "))
	}
	return n
}

func bindingText(b *Binding) string {
	host := b.Host
	if host == "" {
		host = "?" + b.HostID
	}
	return host + ":" + b.Interface
}

// filtersNode shows a device's or port's filter chains by name; nil when it has none.
func filtersNode(in, out *Ref) *node {
	var parts []string
	if in != nil {
		parts = append(parts, "in="+in.String())
	}
	if out != nil {
		parts = append(parts, "out="+out.String())
	}
	if len(parts) == 0 {
		return nil
	}
	return newNode("filters " + strings.Join(parts, " "))
}

// routeLine renders a route as src → dst via <next-hop port address> gw <gateway> w <weight>.
func routeLine(r Route) string {
	text := r.Src + " → " + r.Dst
	switch r.Type {
	case midonet.RouteTypeBlackHole:
		text += " blackhole"
	case midonet.RouteTypeReject:
		text += " reject"
	}
	if r.NextHopPort != nil {
		hop := r.NextHopPort.Address
		if r.NextHopPort.Missing || hop == "" {
			hop = r.NextHopPort.String()
		}
		text += " via " + hop
	}
	if r.Gateway != "" {
		text += " gw " + r.Gateway
	}
	text += fmt.Sprintf(" w %d", r.Weight)
	if r.Type == midonet.RouteTypeLocal {
		text += " (local)"
	}
	if r.Learned {
		text += " (learned)"
	}
	return text
}

func dhcpNode(d DHCPSubnet) *node {
	text := "dhcp " + d.Subnet
	if d.DefaultGateway != "" {
		text += " gw " + d.DefaultGateway
	}
	if d.ServerAddr != "" {
		text += " server " + d.ServerAddr
	}
	if len(d.DNSServers) > 0 {
		text += " dns " + strings.Join(d.DNSServers, ",")
	}
	if d.MTU != nil {
		text += fmt.Sprintf(" mtu %d", *d.MTU)
	}
	if !d.Enabled {
		text += " (disabled)"
	}
	n := newNode(text)
	for _, r := range d.Opt121Routes {
		n.add("opt121 " + r.Destination + " via " + r.Gateway)
	}
	for _, h := range d.Hosts {
		line := strings.Join([]string{orDash(h.Name), h.MAC, h.IP}, " ")
		for _, o := range h.ExtraOptions {
			line += " " + o.Name + "=" + o.Value
		}
		n.add(line)
	}
	return n
}

func (p *treePrinter) chains(t *Topology) *node {
	sec := newNode(fmt.Sprintf("chains (%d)", len(t.Chains)))
	for _, c := range t.Chains {
		cn := sec.add(p.line(c.Name, c.ID))
		usage(cn, c.UsedBy)
		for _, r := range c.Rules {
			cn.add(r.Summary)
		}
	}
	return sec
}

func (p *treePrinter) addrGroups(t *Topology) *node {
	sec := newNode(fmt.Sprintf("ip address groups (%d)", len(t.IPAddrGroups)))
	for _, g := range t.IPAddrGroups {
		gn := sec.add(p.line(g.Name, g.ID))
		usage(gn, g.UsedBy)
		for _, a := range g.Addresses {
			gn.add(a)
		}
	}
	return sec
}

// usage lists what uses a chain or group, or says that nothing does (a leftover to look at).
func usage(n *node, usedBy []string) {
	if len(usedBy) == 0 {
		n.add("unused")
	}
	for _, u := range usedBy {
		n.add("used by " + u)
	}
}

func (p *treePrinter) portGroups(t *Topology) *node {
	sec := newNode(fmt.Sprintf("port groups (%d)", len(t.PortGroups)))
	for _, g := range t.PortGroups {
		text := g.Name
		if g.Stateful {
			text += " (stateful)"
		}
		gn := sec.add(p.line(text, g.ID))
		for _, m := range g.Members {
			gn.add(m.String())
		}
	}
	return sec
}

func (p *treePrinter) hosts(t *Topology) *node {
	sec := newNode(fmt.Sprintf("hosts (%d)", len(t.Hosts)))
	for _, h := range t.Hosts {
		state := " (alive)"
		if !h.Alive {
			state = " (dead)"
		}
		hn := sec.add(p.line(h.Name+state, h.ID))
		if len(h.Addresses) > 0 {
			hn.add("addresses " + strings.Join(h.Addresses, ", "))
		}
		for _, z := range h.TunnelZones {
			hn.add(fmt.Sprintf("tunnel zone %s %s", z.Name, z.IPAddress))
		}
		for _, b := range h.Bindings {
			hn.add("interface " + b.Interface + " → " + b.Port.String())
		}
	}
	return sec
}

func down(adminStateUp bool) string {
	if adminStateUp {
		return ""
	}
	return " (down)"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
