package trace

import (
	"fmt"
	"net/netip"
)

// IP protocol numbers.
const (
	ProtoICMP = 1
	ProtoTCP  = 6
	ProtoUDP  = 17
)

// Packet is what the walk looks at: Ethernet addresses, IPv4 addresses, protocol and transport
// ports; for ICMP, SrcPort holds the type and DstPort the code, as MidoNet matches them.
type Packet struct {
	EthSrc  string     `json:"ethSrc,omitempty"`
	EthDst  string     `json:"ethDst,omitempty"`
	Src     netip.Addr `json:"src"`
	Dst     netip.Addr `json:"dst"`
	Proto   int        `json:"proto"`
	SrcPort int        `json:"srcPort,omitempty"`
	DstPort int        `json:"dstPort,omitempty"`
}

// hasPorts says whether the protocol carries transport ports that NAT may rewrite.
func (p Packet) hasPorts() bool { return p.Proto == ProtoTCP || p.Proto == ProtoUDP }

// String renders the packet's addresses: "10.0.1.11:40000 → 8.8.8.8:53 udp".
func (p Packet) String() string {
	switch {
	case p.hasPorts():
		return fmt.Sprintf("%s:%d → %s:%d %s", p.Src, p.SrcPort, p.Dst, p.DstPort, protoName(p.Proto))
	case p.Proto == ProtoICMP:
		return fmt.Sprintf("%s → %s icmp type %d code %d", p.Src, p.Dst, p.SrcPort, p.DstPort)
	}
	return fmt.Sprintf("%s → %s %s", p.Src, p.Dst, protoName(p.Proto))
}

func protoName(p int) string {
	switch p {
	case ProtoTCP:
		return "tcp"
	case ProtoUDP:
		return "udp"
	case ProtoICMP:
		return "icmp"
	case -1:
		return "any"
	}
	return fmt.Sprintf("proto %d", p)
}

// tuple is a connection-tracking key: addresses, protocol and ports.
type tuple struct {
	src, dst         netip.Addr
	proto            int
	srcPort, dstPort int
}

func (p Packet) tuple() tuple { return tuple{p.Src, p.Dst, p.Proto, p.SrcPort, p.DstPort} }

// replyTuple is the tuple of the answer to p: addresses and ports swapped; an ICMP echo
// request is answered by an echo reply.
func (p Packet) replyTuple() tuple {
	if p.Proto == ProtoICMP {
		t, c := p.SrcPort, p.DstPort
		if t == 8 {
			t, c = 0, 0
		}
		return tuple{p.Dst, p.Src, p.Proto, t, c}
	}
	return tuple{p.Dst, p.Src, p.Proto, p.DstPort, p.SrcPort}
}

// tracked says whether MidoNet keeps connection state for the packet: TCP, UDP and ICMP echo.
func (p Packet) tracked() bool {
	return p.hasPorts() || (p.Proto == ProtoICMP && (p.SrcPort == 8 || p.SrcPort == 0))
}

// natBinding is one translation a forward trace made, kept for the reverse NAT of its reply.
type natBinding struct {
	kind string // "snat" or "dnat"
	// orig is the rewritten endpoint before, xlated after; peer is the other endpoint then.
	orig, xlated, peer endpoint
	proto              int
}

type endpoint struct {
	addr netip.Addr
	port int
}

// Conn is the connection state a forward trace leaves behind: where the packet left the
// virtual network, the reply it expects there, and the translations made on the way.
type Conn struct {
	egressDevice string
	reply        tuple
	bindings     []natBinding
	tracked      bool
}
