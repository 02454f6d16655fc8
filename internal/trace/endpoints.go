package trace

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/midovpc/midovpc/internal/midonet"
)

// Flow is what a trace sends besides its endpoints: the protocol (-1: none given, traced as
// TCP), ports, or ICMP type and code.
type Flow struct {
	Proto    int
	SrcPort  int
	DstPort  int
	ICMPType int
	ICMPCode int
}

// Interface is an instance's network interface as MidoNet holds it: its bridge port, MAC and
// private address.
type Interface struct {
	Name   string     `json:"name"` // instance id for device index 0, else interface id
	Bridge string     `json:"bridge"`
	Port   string     `json:"port"`
	MAC    string     `json:"mac"`
	IP     netip.Addr `json:"ip"`
	portID string
	bridge string
}

// Interfaces lists the interfaces of the topology, by name.
func (n *Network) Interfaces() []Interface {
	var out []Interface
	for _, p := range n.ports {
		name := n.interfaceOf(p)
		if name == "" {
			continue
		}
		i := Interface{Name: name, Bridge: n.deviceName(p.DeviceID), Port: n.portName(p), portID: p.ID, bridge: p.DeviceID}
		for mac, port := range n.macs[p.DeviceID] {
			if port == p.ID {
				i.MAC = mac
			}
		}
		for _, d := range n.dhcp[p.DeviceID] {
			for _, h := range d.Hosts {
				if (i.MAC != "" && strings.EqualFold(h.MacAddr, i.MAC)) || (i.MAC == "" && h.Name == name) {
					i.MAC = strings.ToLower(h.MacAddr)
					i.IP, _ = netip.ParseAddr(h.IPAddr)
				}
			}
		}
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// Uplinks are the exterior ports of eucart: where the internet enters.
func (n *Network) Uplinks() []*midonet.Port {
	var out []*midonet.Port
	for _, r := range n.routers {
		if r.Name != "eucart" || r.TenantID != n.Tenant {
			continue
		}
		for _, p := range n.devicePort[r.ID] {
			if p.InterfaceName != nil && p.PeerID == nil {
				out = append(out, p)
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].PortAddress < out[b].PortAddress })
	return out
}

// findInterface resolves an endpoint: an interface name (instance id or interface id), an
// address of exactly one interface, or VPC/ADDRESS ("vpc-0a1b2c3d/10.0.1.11") where VPCs
// overlap. ok is false for an address no interface holds: an external address.
func (n *Network) findInterface(spec string) (Interface, bool, error) {
	all := n.Interfaces()
	for _, i := range all {
		if i.Name == spec {
			return i, true, nil
		}
	}
	vpc, addr := "", spec
	if k := strings.LastIndex(spec, "/"); k >= 0 {
		vpc, addr = spec[:k], spec[k+1:]
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return Interface{}, false, fmt.Errorf("%q is neither an interface or instance of tenant %s nor an IPv4 address", spec, n.Tenant)
	}
	var found []Interface
	for _, i := range all {
		if i.IP == ip && (vpc == "" || strings.HasPrefix(i.Bridge, "vb_"+vpc+"_")) {
			found = append(found, i)
		}
	}
	switch len(found) {
	case 0:
		if vpc != "" {
			return Interface{}, false, fmt.Errorf("no interface of %s has address %s", vpc, ip)
		}
		return Interface{IP: ip}, false, nil
	case 1:
		return found[0], true, nil
	}
	var names []string
	for _, i := range found {
		names = append(names, i.Name+" on "+i.Bridge)
	}
	return Interface{}, false, fmt.Errorf("address %s is held by %d interfaces (%s): name one, or say VPC/ADDRESS", ip, len(found), strings.Join(names, ", "))
}

// Trace walks a packet from one endpoint to another. from and to are interface names,
// addresses (an address no interface holds is external: it enters at a gateway uplink), or
// VPC/ADDRESS.
func (n *Network) Trace(from, to string, f Flow) (*Result, error) {
	src, srcIsIf, err := n.findInterface(from)
	if err != nil {
		return nil, fmt.Errorf("--from: %w", err)
	}
	// A destination is an address: which VPC it lands in depends on where the packet starts,
	// so VPC/ADDRESS and an address several VPCs hold need no resolving.
	dst := Interface{}
	if a, err := netip.ParseAddr(to[strings.LastIndex(to, "/")+1:]); err == nil {
		dst.IP = a
	} else if dst, _, err = n.findInterface(to); err != nil {
		return nil, fmt.Errorf("--to: %w", err)
	}
	pkt := Packet{Src: src.IP, Dst: dst.IP, Proto: f.Proto, SrcPort: f.SrcPort, DstPort: f.DstPort}
	if pkt.Proto < 0 {
		pkt.Proto = ProtoTCP
	}
	if pkt.Proto == ProtoICMP {
		pkt.SrcPort, pkt.DstPort = f.ICMPType, f.ICMPCode
	} else if !pkt.hasPorts() {
		pkt.SrcPort, pkt.DstPort = 0, 0
	}
	if !src.IP.IsValid() {
		return nil, fmt.Errorf("--from: interface %s has no address in DHCP", src.Name)
	}
	if srcIsIf {
		return n.fromInterface(src, pkt, nil), nil
	}
	ups := n.Uplinks()
	if len(ups) == 0 {
		return nil, errors.New("--from: an external address enters at a gateway uplink, and eucart has none")
	}
	pkt.EthDst = strings.ToLower(ups[0].PortMAC)
	return n.run(ups[0], pkt, nil), nil
}

// fromInterface sends pkt from an instance's interface, addressed as its guest would: to the
// destination's MAC in its own subnet, else to its gateway's.
func (n *Network) fromInterface(i Interface, pkt Packet, conn *Conn) *Result {
	pkt.EthSrc = i.MAC
	port := n.ports[i.portID]
	subnet, gw, ok := n.bridgeDHCP(i.bridge)
	next := gw
	if !ok || subnet.Contains(pkt.Dst) {
		next = pkt.Dst
	}
	mac, found := n.bridgeARP(i.bridge, next)
	if !found {
		return &Result{Verdict: Dropped, Sent: pkt, Reason: fmt.Sprintf("%s gets no ARP answer for %s on %s", i.Name, next, i.Bridge),
			Hops: []Hop{{Device: i.Bridge, Port: i.Port, Stage: "arp", Action: "no answer", Note: "who has " + next.String(), Src: pkt.Src.String(), Dst: pkt.Dst.String()}}}
	}
	pkt.EthDst = mac
	return n.run(port, pkt, conn)
}

// TraceReply traces the answer to a delivered packet, from where it was delivered, with the
// forward trace's connection state.
func (n *Network) TraceReply(fwd *Result) (*Result, error) {
	if fwd.Verdict != Delivered || fwd.conn == nil || fwd.DeliveredTo == nil {
		return nil, errors.New("only a delivered packet has a reply")
	}
	got := *fwd.Received
	rt := got.replyTuple()
	pkt := Packet{Src: rt.src, Dst: rt.dst, Proto: rt.proto, SrcPort: rt.srcPort, DstPort: rt.dstPort}
	ep := fwd.DeliveredTo
	port, ok := n.ports[ep.portID]
	if !ok || ep.Kind == "router" {
		return nil, fmt.Errorf("the reply of %s %s is made inside MidoNet and is not traced", ep.Kind, ep.Name)
	}
	if ep.Kind == "interface" {
		for _, i := range n.Interfaces() {
			if i.portID == port.ID {
				return n.fromInterface(i, pkt, fwd.conn), nil
			}
		}
	}
	pkt.EthDst = strings.ToLower(port.PortMAC)
	return n.run(port, pkt, fwd.conn), nil
}
