package sync_test

import (
	"net/netip"

	"github.com/midovpc/midovpc/internal/topology"
)

// Names of the small hand-built topology: one VPC router, one subnet bridge linked to it, one
// interface port bound on node-1, chains, a group, DHCP and table entries.
const (
	vpcRouter   = "vr_vpc-1a2b3c4d_2"
	subBridge   = "vb_vpc-1a2b3c4d_subnet-11112222"
	subInChain  = "sc_subnet-11112222_in"
	sgIngress   = "sg_ingress_sg-55556666"
	sgPriv      = "sg_priv_sg-55556666"
	ifPreChain  = "ic_i-0000aaaa_prechain"
	preElip     = "vc_vpc-1a2b3c4d_preelip"
	ifMAC       = "d0:0d:00:00:bb:bb"
	ifTap       = "vn_i-0000aaaa"
	subnetOwner = "subnet-11112222"
)

var (
	rtPort = ref(vpcRouter, "subnet:subnet-11112222")
	brPort = ref(subBridge, "router")
	ifPort = ref(subBridge, "if:i-0000aaaa")
)

func accept(proto int, port int, src string) topology.Rule {
	r := topology.Rule{Type: topology.RuleAccept, NWProto: num(proto), NWSrc: ppfx(src)}
	if port != 0 {
		r.TPDst = &topology.Range{Start: port, End: port}
	}
	return r
}

func drop(proto int, src string) topology.Rule {
	return topology.Rule{Type: topology.RuleDrop, NWProto: num(proto), NWSrc: ppfx(src)}
}

// sgRules is an ordered rule list with mixed verdicts, so that order matters to packets.
func sgRules() []topology.Rule {
	return []topology.Rule{
		accept(6, 22, "0.0.0.0/0"),
		drop(6, "192.168.0.0/16"),
		accept(6, 80, "10.0.0.0/8"),
		accept(17, 53, "0.0.0.0/0"),
		drop(17, "10.0.0.0/8"),
		accept(1, 0, "0.0.0.0/0"),
	}
}

// smallTopology is everything one owner builds (the Subnet of the worked example, compressed
// into a single fragment).
func smallTopology() topology.Fragment {
	owner := topology.Owner{Kind: topology.KindSubnet, Namespace: "euca", Name: subnetOwner}
	return topology.Fragment{
		Owner:   owner,
		Routers: []topology.Router{{Name: vpcRouter}},
		Bridges: []topology.Bridge{{Name: subBridge, InboundFilter: subInChain}},
		Ports: []topology.Port{
			{Ref: rtPort, Kind: topology.RouterPort, Address: ip("10.0.1.1"), Network: pfx("10.0.1.0/24"), Peer: &brPort},
			{Ref: brPort, Kind: topology.BridgePort, Peer: &rtPort},
			{Ref: ifPort, Kind: topology.BridgePort, InboundFilter: ifPreChain,
				Binding: &topology.Binding{Host: topology.HostRef{Name: "10.111.1.5"}, Interface: ifTap}},
		},
		Routes: []topology.Route{{Router: vpcRouter, Src: pfx("0.0.0.0/0"), Dst: pfx("10.0.1.0/24"), NextHopPort: rtPort, Type: topology.RouteNormal}},
		Chains: []topology.Chain{
			{Name: subInChain, Rules: []topology.Rule{
				{Type: topology.RuleAccept, NWSrc: ppfx("10.0.1.0/30")},
				{Type: topology.RuleAccept, NWProto: num(17), TPDst: &topology.Range{Start: 67, End: 68}},
			}},
			{Name: sgIngress, Rules: sgRules()},
			{Name: ifPreChain, Rules: []topology.Rule{
				{Type: topology.RuleDrop, DLSrc: ifMAC, InvDLSrc: true},
				{Type: topology.RuleAccept, MatchReturnFlow: true},
				{Type: topology.RuleJump, JumpChain: sgIngress},
				{Type: topology.RuleAccept, IPAddrGroupSrc: sgPriv},
				{Type: topology.RuleDrop, DLType: num(2054), InvDLType: true},
			}},
		},
		AddrGroups:  []topology.AddrGroup{{Name: sgPriv, Addresses: []netip.Addr{ip("10.0.1.10"), ip("10.0.1.11")}}},
		DHCPSubnets: []topology.DHCPSubnet{{Bridge: subBridge, Prefix: pfx("10.0.1.0/24"), DefaultGateway: ip("10.0.1.1"), DNSServers: []netip.Addr{ip("10.111.5.11")}}},
		DHCPHosts: []topology.DHCPHost{{Bridge: subBridge, Subnet: pfx("10.0.1.0/24"), Name: "i-0000aaaa", MAC: ifMAC, IP: ip("10.0.1.10"),
			ExtraOpts: []topology.DHCPOpt{{Name: "domain_search", Value: "eucalyptus.internal"}}}},
		ARPEntries: []topology.ARPEntry{
			{Bridge: subBridge, IP: ip("10.0.1.2"), MACOfPort: &rtPort},
			{Bridge: subBridge, IP: ip("10.0.1.10"), MAC: ifMAC},
		},
		MACEntries: []topology.MACEntry{{Bridge: subBridge, MAC: ifMAC, Port: ifPort}},
	}
}
