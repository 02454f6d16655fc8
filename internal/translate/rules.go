package translate

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/midovpc/midovpc/internal/topology"
)

// Ethernet types and IP protocol numbers used in rules.
const (
	etherIPv4 = 2048
	etherARP  = 2054

	ProtocolAll  = -1
	ProtocolICMP = 1
	ProtocolTCP  = 6
	ProtocolUDP  = 17

	// arpReply is the ARP opcode MidoNet matches through nwProto (§6.4).
	arpReply = 2
)

func num(n int) *int { return &n }

// ParseProtocol turns a protocol as the view or the API writes it ("tcp", "udp", "icmp",
// "all", "-1" or a number 0–255) into its number, -1 meaning all.
func ParseProtocol(s string) (int, error) {
	switch strings.ToLower(s) {
	case "tcp":
		return ProtocolTCP, nil
	case "udp":
		return ProtocolUDP, nil
	case "icmp":
		return ProtocolICMP, nil
	case "all", "-1":
		return ProtocolAll, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("protocol %q is not tcp, udp, icmp, all, -1 or 0–255", s)
	}
	return n, nil
}

// PortRange is an inclusive TCP/UDP port range.
type PortRange struct {
	From int
	To   int
}

// ICMPMatch selects ICMP messages; -1 means any type or code.
type ICMPMatch struct {
	Type int
	Code int
}

// l4Match translates protocol, ports and ICMP as §7.2 says: protocol -1 → nwProto nil; TCP/UDP
// ports → tpDst {from, to}; ICMP type t ≠ -1 → tpSrc {t, t}; code c ≠ -1 → tpDst {c, c}; other
// protocols only nwProto. Ports on other protocols and ICMP on non-ICMP are ignored, as the
// original ignores them.
func l4Match(r *topology.Rule, protocol int, ports *PortRange, icmp *ICMPMatch) error {
	switch {
	case protocol == ProtocolAll:
		return nil
	case protocol < 0 || protocol > 255:
		return fmt.Errorf("protocol %d is not -1 or 0–255", protocol)
	}
	r.NWProto = num(protocol)
	switch protocol {
	case ProtocolTCP, ProtocolUDP:
		if ports != nil {
			if ports.From < 0 || ports.To > 65535 || ports.From > ports.To {
				return fmt.Errorf("port range %d-%d is not valid", ports.From, ports.To)
			}
			r.TPDst = &topology.Range{Start: ports.From, End: ports.To}
		}
	case ProtocolICMP:
		if icmp != nil {
			if icmp.Type != -1 {
				r.TPSrc = &topology.Range{Start: icmp.Type, End: icmp.Type}
			}
			if icmp.Code != -1 {
				r.TPDst = &topology.Range{Start: icmp.Code, End: icmp.Code}
			}
		}
	}
	return nil
}

func accept() topology.Rule { return topology.Rule{Type: topology.RuleAccept} }

func jumpTo(chain string) topology.Rule {
	return topology.Rule{Type: topology.RuleJump, JumpChain: chain}
}

// dropAllButARP is the final "default deny" of interface chains: drop, dlType 2054 inverted.
func dropAllButARP() topology.Rule {
	return topology.Rule{Type: topology.RuleDrop, DLType: num(etherARP), InvDLType: true}
}

// staticNAT is a one-to-one NAT target without port translation.
func staticNAT(a netip.Addr) []topology.NATTarget {
	return []topology.NATTarget{{AddressFrom: a, AddressTo: a}}
}
