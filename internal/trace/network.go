package trace

import (
	"net/netip"
	"sort"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/topoview"
)

// Network is a snapshot indexed for walking: devices, ports, chains and tables by id.
type Network struct {
	Tenant  string
	routers map[string]*midonet.Router
	bridges map[string]*midonet.Bridge
	ports   map[string]*midonet.Port
	chains  map[string]*midonet.Chain
	rules   map[string][]midonet.Rule // by chain, in position order
	routes  map[string][]midonet.Route
	// addrGroups holds each IP address group's members.
	addrGroups map[string]map[netip.Addr]bool
	groupNames map[string]string
	portGroups map[string]map[string]bool // group → member ports
	arp        map[string]map[netip.Addr]string
	macs       map[string]map[string]string // bridge → MAC → port
	dhcp       map[string][]topoview.DHCPSubnetDump
	devicePort map[string][]*midonet.Port // device → its ports, sorted by id
	hosts      map[string]string          // host id → name
}

// NewNetwork indexes a snapshot.
func NewNetwork(s *topoview.Snapshot) *Network {
	n := &Network{
		Tenant:     s.Tenant,
		routers:    map[string]*midonet.Router{},
		bridges:    map[string]*midonet.Bridge{},
		ports:      map[string]*midonet.Port{},
		chains:     map[string]*midonet.Chain{},
		rules:      map[string][]midonet.Rule{},
		routes:     s.Routes,
		addrGroups: map[string]map[netip.Addr]bool{},
		groupNames: map[string]string{},
		portGroups: map[string]map[string]bool{},
		arp:        map[string]map[netip.Addr]string{},
		macs:       map[string]map[string]string{},
		dhcp:       s.DHCPSubnets,
		devicePort: map[string][]*midonet.Port{},
		hosts:      map[string]string{},
	}
	for i := range s.Routers {
		n.routers[s.Routers[i].ID] = &s.Routers[i]
	}
	for i := range s.Bridges {
		n.bridges[s.Bridges[i].ID] = &s.Bridges[i]
	}
	for i := range s.Ports {
		p := &s.Ports[i]
		n.ports[p.ID] = p
		n.devicePort[p.DeviceID] = append(n.devicePort[p.DeviceID], p)
	}
	for _, ps := range n.devicePort {
		sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	}
	for i := range s.Chains {
		n.chains[s.Chains[i].ID] = &s.Chains[i]
	}
	for id, rs := range s.Rules {
		rs = append([]midonet.Rule(nil), rs...)
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].Position < rs[j].Position })
		n.rules[id] = rs
	}
	for _, g := range s.AddrGroups {
		n.groupNames[g.ID] = g.Name
		set := map[netip.Addr]bool{}
		for _, a := range s.GroupAddrs[g.ID] {
			if ip, err := netip.ParseAddr(a.Addr); err == nil {
				set[ip] = true
			}
		}
		n.addrGroups[g.ID] = set
	}
	for _, g := range s.PortGroups {
		set := map[string]bool{}
		for _, m := range s.PortGroupPorts[g.ID] {
			set[m.PortID] = true
		}
		n.portGroups[g.ID] = set
	}
	for b, es := range s.ARPEntries {
		m := map[netip.Addr]string{}
		for _, e := range es {
			if ip, err := netip.ParseAddr(e.IP); err == nil {
				m[ip] = strings.ToLower(e.MAC)
			}
		}
		n.arp[b] = m
	}
	for b, es := range s.MACEntries {
		m := map[string]string{}
		for _, e := range es {
			m[strings.ToLower(e.MacAddr)] = e.PortID
		}
		n.macs[b] = m
	}
	for _, h := range s.Hosts {
		n.hosts[h.ID] = h.Name
	}
	return n
}

// deviceName names a router or bridge.
func (n *Network) deviceName(id string) string {
	if r, ok := n.routers[id]; ok {
		return r.Name
	}
	if b, ok := n.bridges[id]; ok {
		return b.Name
	}
	return id
}

func (n *Network) chainName(id string) string {
	if c, ok := n.chains[id]; ok && c.Name != "" {
		return c.Name
	}
	return id
}

// portName names a port as an operator finds it: a router port by its address, a bridge port
// by the tap it is bound to or the device it links to.
func (n *Network) portName(p *midonet.Port) string {
	if p.PortAddress != "" {
		return p.PortAddress
	}
	if p.InterfaceName != nil {
		return *p.InterfaceName
	}
	if p.PeerID != nil {
		if peer, ok := n.ports[*p.PeerID]; ok {
			return "→" + n.deviceName(peer.DeviceID)
		}
	}
	return p.ID
}

// interfaceOf is the interface (instance id for device index 0, else interface id) whose
// bridge port p is, read from the name of its inbound filter ic_<if>_prechain; "" if none.
func (n *Network) interfaceOf(p *midonet.Port) string {
	if p.InboundFilterID == nil {
		return ""
	}
	name := n.chainName(*p.InboundFilterID)
	if strings.HasPrefix(name, "ic_") && strings.HasSuffix(name, "_prechain") {
		return strings.TrimSuffix(strings.TrimPrefix(name, "ic_"), "_prechain")
	}
	return ""
}

// peerMAC is the MAC that answers for addr behind port out (towards its peer): a bridge's ARP
// table, or a router port with that address linked to the bridge or to out itself.
func (n *Network) resolveMAC(out *midonet.Port, addr netip.Addr) (string, bool) {
	if out.PeerID == nil {
		return "", false
	}
	peer, ok := n.ports[*out.PeerID]
	if !ok {
		return "", false
	}
	if _, isRouter := n.routers[peer.DeviceID]; isRouter {
		if peer.PortAddress == addr.String() {
			return strings.ToLower(peer.PortMAC), true
		}
		return "", false
	}
	return n.bridgeARP(peer.DeviceID, addr)
}

// bridgeARP answers an ARP request on a bridge: its ARP table, then the router ports linked
// to it, which answer for their own address.
func (n *Network) bridgeARP(bridge string, addr netip.Addr) (string, bool) {
	if mac, ok := n.arp[bridge][addr]; ok {
		return mac, true
	}
	for _, bp := range n.devicePort[bridge] {
		if bp.PeerID == nil {
			continue
		}
		if rp, ok := n.ports[*bp.PeerID]; ok && rp.PortAddress == addr.String() {
			return strings.ToLower(rp.PortMAC), true
		}
	}
	return "", false
}

// bridgeDHCP is the DHCP subnet of a bridge (the subnet the instances on it configure).
func (n *Network) bridgeDHCP(bridge string) (netip.Prefix, netip.Addr, bool) {
	for _, d := range n.dhcp[bridge] {
		pfx, err := netip.ParsePrefix(d.Subnet.CIDR())
		gw, err2 := netip.ParseAddr(d.Subnet.DefaultGateway)
		if err == nil && err2 == nil {
			return pfx.Masked(), gw, true
		}
	}
	return netip.Prefix{}, netip.Addr{}, false
}

func up(b *bool) bool { return b == nil || *b }
