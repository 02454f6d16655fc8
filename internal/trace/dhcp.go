package trace

import (
	"fmt"
	"net/netip"
)

// dhcpServerMAC is the source MAC of MidoNet's DHCP replies (midolman DhcpImpl, fixed).
const dhcpServerMAC = "02:a8:9c:de:39:27"

var (
	// dhcpServerAddr is the source of MidoNet's DHCP replies: the DHCP subnet's serverAddr,
	// which midovpc leaves unset, and MidoNet then sends from 0.0.0.0.
	dhcpServerAddr   = netip.IPv4Unspecified()
	limitedBroadcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})
)

// DHCP traces what MidoNet does with an instance's DHCP request (UDP 68 → 67): the agent
// answers it before simulating the packet, so the request meets no filter, when a DHCP
// host of the port's bridge holds the interface's MAC; the reply, UDP 67 → 68 from the
// server address to 255.255.255.255, is a generated packet that leaves the interface's
// bridge port through its outbound filter only (midolman PacketWorkflow.handleDHCP,
// DhcpImpl, Port.egress). The result is that reply's walk.
func (n *Network) DHCP(from string) (*Result, error) {
	i, isIf, err := n.findInterface(from)
	if err != nil {
		return nil, fmt.Errorf("--from: %w", err)
	}
	if !isIf {
		return nil, fmt.Errorf("--from: %s is not an interface: only an instance's port is answered by MidoNet's DHCP", from)
	}
	pkt := Packet{EthSrc: dhcpServerMAC, EthDst: i.MAC, Src: dhcpServerAddr, Dst: limitedBroadcast,
		Proto: ProtoUDP, SrcPort: 67, DstPort: 68}
	w := &walk{net: n, pkt: pkt, start: pkt.tuple(), res: &Result{Sent: pkt}, curDevice: i.Bridge, curPort: i.Port}
	if !i.IP.IsValid() {
		w.stop(Dropped, fmt.Sprintf("no DHCP host of %s holds %s's MAC %s: MidoNet does not answer, the request is simulated as any packet", i.Bridge, i.Name, i.MAC))
		return w.res, nil
	}
	w.hop(Hop{Stage: "dhcp", Action: "answer", Note: fmt.Sprintf("MidoNet answers %s's request before any filter, offering %s", i.Name, i.IP)}, filterCtx{})
	w.lastDevice = i.bridge
	w.leave(n.ports[i.portID], "", netip.Addr{})
	if w.res.Verdict == Delivered {
		final := w.pkt
		w.res.Received = &final
	}
	return w.res, nil
}
