package translate

import (
	"fmt"
	"net/netip"

	"github.com/midovpc/midovpc/internal/topology"
)

// SubnetInput is a subnet with everything it depends on resolved.
type SubnetInput struct {
	VPC    VPCRef
	Subnet SubnetRef
	// NetworkACL is the id of the associated network ACL ("" = none): sc_ chains then end with
	// a jump to its chains.
	NetworkACL string
	// DHCPOptions is the VPC's option set (nil = none, decision (c)).
	DHCPOptions *DHCPOptions
	// Routes are the entries of the subnet's route table (explicit or main) and Targets what
	// their targets resolve to (§9).
	Routes  []RouteEntry
	Targets RouteTargets
	// AdoptableTargets are targets not in force yet whose routes are kept only when MidoNet
	// holds them already (the caller's adoption; Subnet ignores them).
	AdoptableTargets RouteTargets
}

// Subnet translates a subnet (§5, §9, §12 attachment): the VPC-router port N+1 and its route,
// the bridge vb_<vpc>_<subnet> linked to it, the sc_ chains as bridge filters, the DHCP subnet,
// the dot2 ARP entry, and the subnet's route-table routes. Route entries whose target cannot be
// resolved are left out and returned as Skipped; they never fail the subnet.
//
// The four default accepts are always in the sc_ chains, with or without an ACL (without one
// they change nothing, since a filter without verdict accepts); only the jumps depend on the
// association, so a new association costs three rule inserts (the jump at the end of each
// chain, and the in-chain's jump for addresses of the subnet that come from outside the VPC).
func Subnet(owner topology.Owner, in SubnetInput, s Settings) (topology.Fragment, []Skipped, error) {
	f := topology.Fragment{Owner: owner}
	if err := in.VPC.validate(); err != nil {
		return f, nil, fmt.Errorf("translate subnet: %w", err)
	}
	if err := in.Subnet.validate(in.VPC); err != nil {
		return f, nil, fmt.Errorf("translate subnet: %w", err)
	}
	if in.NetworkACL != "" && !IsID("acl", in.NetworkACL) {
		return f, nil, fmt.Errorf("translate subnet %s: network ACL id %q is not acl-<8|17 hex>", in.Subnet.ID, in.NetworkACL)
	}
	vpc, sub := in.VPC, in.Subnet
	router := vpc.routerName()
	bridge := SubnetBridgeName(vpc.ID, sub.ID)
	rtPort := VPCSubnetPort(vpc, sub.ID)
	brPort := topology.PortRef{Device: bridge, Role: RoleBridgeRouter}
	gw := SubnetAddress(sub.CIDR, 1)

	f.Ports = append(f.Ports,
		topology.Port{Ref: rtPort, Kind: topology.RouterPort, Address: gw, Network: sub.CIDR, Peer: &brPort},
		topology.Port{Ref: brPort, Kind: topology.BridgePort, Peer: &rtPort})
	f.Routes = append(f.Routes, route(router, sub.CIDR, rtPort, netip.Addr{}, 0))
	f.Bridges = append(f.Bridges, topology.Bridge{Name: bridge,
		InboundFilter: SubnetInChainName(sub.ID), OutboundFilter: SubnetOutChainName(sub.ID)})
	f.Chains = append(f.Chains, subnetChains(vpc.ID, sub, in.NetworkACL, brPort)...)
	f.DHCPSubnets = append(f.DHCPSubnets, topology.DHCPSubnet{Bridge: bridge, Prefix: sub.CIDR, DefaultGateway: gw,
		DNSServers: append([]netip.Addr(nil), s.dnsServers(in.DHCPOptions)...)})
	f.ARPEntries = append(f.ARPEntries, topology.ARPEntry{Bridge: bridge, IP: SubnetAddress(sub.CIDR, 2), MACOfPort: &rtPort})

	routes, skipped := RouteTableRoutes(vpc, sub, in.Routes, in.Targets)
	f.Routes = append(f.Routes, routes...)
	return *f.Sort(), skipped, nil
}

// subnetChains builds sc_<subnet>_in (source side) and sc_<subnet>_out (destination side):
// accepts for N/30 (reserved .0–.3), 169.254.0.0/16, UDP to 67–68 (DHCP) and N/L
// (intra-subnet), then the jump to the ACL chain of that direction.
//
// The DHCP accept is narrower than eucanetd's, which matched UDP to 67–68 from anywhere and so
// let the internet reach an elastic IP on those ports past the ACL (and, in ic_<if>_postchain,
// past the security groups). MidoNet answers a DHCP request of a bridge port before any filter
// and sends its reply out of that port only (midolman PacketWorkflow.handleDHCP, DhcpImpl), so
// neither crosses the bridge's filters; what the accept still serves is DHCP between the
// subnet's own ports (a request MidoNet does not answer, flooded on the bridge). It therefore
// matches what only such DHCP carries: in the in-chain a source of 0.0.0.0 (a client without
// an address), in the out-chain the limited broadcast (unicast DHCP inside the subnet has both
// addresses in N/L and is accepted by the intra-subnet rules); and it excludes the VPC
// router's port: in the in-chain by the port the packet enters from (invInPorts), in the
// out-chain by the port it leaves to (invOutPorts; MidoNet sets the out port for unicast, a
// flood has none and still matches). The addresses also keep out what crosses a NAT
// gateway's port on the bridge (an instance's UDP 67–68 through the gateway and the
// internet's answers), which the port exclusion alone let past the ACL. Same position, one
// rule replaced per chain on adoption.
//
// With an ACL, sc_<subnet>_in also sends through the ACL, before the intra-subnet accept, a
// packet that enters the bridge from the VPC router (routerPort) with both addresses inside
// the subnet: it cannot come from the subnet itself (same-subnet traffic never crosses the
// router), so it came back from outside the VPC with a private source that merely falls
// inside N/L, as when an instance of another VPC whose CIDR overlaps reaches an elastic IP
// here (eucart routes it back in unchanged). eucanetd accepts it by its source and skips the
// ACL; midovpc checks it (docs/midonet-objects.md). Traffic the router sends on to an
// interface or NAT target in the same subnet keeps its destination outside N/L and is
// accepted as before.
func subnetChains(vpc string, sub SubnetRef, acl string, routerPort topology.PortRef) []topology.Chain {
	reserved := netip.PrefixFrom(sub.CIDR.Addr(), 30)
	build := func(side func(r *topology.Rule, p netip.Prefix), aclChain string, inbound bool) []topology.Rule {
		var rules []topology.Rule
		for _, p := range []netip.Prefix{reserved, LinkLocalNetwork} {
			r := accept()
			side(&r, p)
			rules = append(rules, r)
		}
		// DHCP between the subnet's own ports only: from a client without an address (in)
		// or to the limited broadcast (out), and not from (in) or to (out) the VPC router, so
		// a packet routed in from outside, or out towards it, on UDP 67–68 meets the ACL like
		// any other, whichever port it crosses (the VPC router's or a NAT gateway's).
		dhcp := accept()
		dhcp.NWProto = num(ProtocolUDP)
		dhcp.TPDst = &topology.Range{Start: 67, End: 68}
		if inbound {
			dhcp.InPorts, dhcp.InvInPorts = []topology.PortRef{routerPort}, true
			dhcp.NWSrc = prefixOf(DHCPReplySource)
		} else {
			dhcp.OutPorts, dhcp.InvOutPorts = []topology.PortRef{routerPort}, true
			dhcp.NWDst = prefixOf(DHCPReplyDestination)
		}
		rules = append(rules, dhcp)
		if inbound && acl != "" {
			fromOutside := jumpTo(aclChain)
			fromOutside.InPorts = []topology.PortRef{routerPort}
			fromOutside.NWSrc, fromOutside.NWDst = prefixOf(sub.CIDR), prefixOf(sub.CIDR)
			rules = append(rules, fromOutside)
		}
		local := accept()
		side(&local, sub.CIDR)
		rules = append(rules, local)
		if acl != "" {
			rules = append(rules, jumpTo(aclChain))
		}
		return rules
	}
	src := func(r *topology.Rule, p netip.Prefix) { r.NWSrc = prefixOf(p) }
	dst := func(r *topology.Rule, p netip.Prefix) { r.NWDst = prefixOf(p) }
	return []topology.Chain{
		{Name: SubnetInChainName(sub.ID), Rules: build(src, ACLIngressChainName(vpc, acl), true)},
		{Name: SubnetOutChainName(sub.ID), Rules: build(dst, ACLEgressChainName(vpc, acl), false)},
	}
}
