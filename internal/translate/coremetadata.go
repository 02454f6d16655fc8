package translate

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/midovpc/midovpc/internal/topology"
)

// EgressPort is one proto:port item of MIDO_MD_254_EGRESS / MIDO_MD_253_EGRESS.
type EgressPort struct {
	Protocol int // ProtocolTCP or ProtocolUDP
	Port     int
}

// DefaultMetadata254Egress is tcp:80.
func DefaultMetadata254Egress() []EgressPort { return []EgressPort{{ProtocolTCP, 80}} }

// DefaultMetadata253Egress is udp:53 tcp:53 udp:5353 tcp:5353.
func DefaultMetadata253Egress() []EgressPort {
	return []EgressPort{{ProtocolUDP, 53}, {ProtocolTCP, 53}, {ProtocolUDP, 5353}, {ProtocolTCP, 5353}}
}

// ParseEgress parses a space-separated "proto:port" list; udp = 17 and tcp = 6 for both keys
// (decision (g): the original swaps them for MIDO_MD_253_EGRESS).
func ParseEgress(list string) ([]EgressPort, error) {
	var out []EgressPort
	for _, item := range strings.Fields(list) {
		proto, port, ok := strings.Cut(item, ":")
		n, err := strconv.Atoi(port)
		if !ok || err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("egress item %q is not proto:port", item)
		}
		switch strings.ToLower(proto) {
		case "tcp":
			out = append(out, EgressPort{ProtocolTCP, n})
		case "udp":
			out = append(out, EgressPort{ProtocolUDP, n})
		default:
			return nil, fmt.Errorf("egress item %q: protocol is not tcp or udp", item)
		}
	}
	return out, nil
}

// metadataCore adds eucamdrt, eucamdbr, their link, the external port bound on the metadata
// host and its egress filter (§3.1, §3.2).
func metadataCore(f *topology.Fragment, in CoreNetworkInput) error {
	if in.MetadataHost == "" {
		return fmt.Errorf("metadata: no metadata host")
	}
	bridgeSide := topology.PortRef{Device: MetadataBridgeName, Role: RoleMetadataRouter}
	ext := topology.PortRef{Device: MetadataRouterName, Role: RoleMetadataExt}
	f.Routers = append(f.Routers, topology.Router{Name: MetadataRouterName})
	f.Bridges = append(f.Bridges, topology.Bridge{Name: MetadataBridgeName})
	f.Ports = append(f.Ports,
		topology.Port{Ref: metadataBridgePort, Kind: topology.RouterPort, Address: MetadataRouterAddress,
			Network: MetadataNetwork, Peer: &bridgeSide},
		topology.Port{Ref: bridgeSide, Kind: topology.BridgePort, Peer: &metadataBridgePort},
		topology.Port{Ref: ext, Kind: topology.RouterPort, Address: MetadataExtPortAddress, Network: MetadataExtNetwork,
			OutboundFilter: MetadataExtFilterName,
			Binding:        &topology.Binding{Host: topology.HostRef{Name: in.MetadataHost}, Interface: MetadataHostInterface}})
	f.Routes = append(f.Routes,
		route(MetadataRouterName, MetadataNetwork, metadataBridgePort, netip.Addr{}, 0),
		route(MetadataRouterName, MetadataExtNetwork, ext, netip.Addr{}, 0))

	e254, e253 := in.Metadata254Egress, in.Metadata253Egress
	if e254 == nil {
		e254 = DefaultMetadata254Egress()
	}
	if e253 == nil {
		e253 = DefaultMetadata253Egress()
	}
	var rules []topology.Rule
	for _, list := range []struct {
		dst   netip.Addr
		items []EgressPort
	}{{MetadataHTTPAddress, e254}, {MetadataDNSAddress, e253}} {
		for _, e := range list.items {
			if e.Protocol != ProtocolTCP && e.Protocol != ProtocolUDP || e.Port < 1 || e.Port > 65535 {
				return fmt.Errorf("metadata egress %d:%d is not tcp or udp with a port", e.Protocol, e.Port)
			}
			rules = append(rules, topology.Rule{Type: topology.RuleAccept, NWDst: host32(list.dst),
				NWProto: num(e.Protocol), TPDst: &topology.Range{Start: e.Port, End: e.Port}})
		}
	}
	rules = append(rules, topology.Rule{Type: topology.RuleDrop, DLType: num(etherARP), InvDLType: true})
	f.Chains = append(f.Chains, topology.Chain{Name: MetadataExtFilterName, Rules: rules})
	return nil
}
