package translate

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/midovpc/midovpc/internal/topology"
)

// NetworkInterfaceInput is an attached interface with everything it depends on resolved.
type NetworkInterfaceInput struct {
	VPC    VPCRef
	Subnet SubnetRef
	// ENIID is the real ENI id; InstanceID and DeviceIndex decide the <if> name (§6.1).
	ENIID       string
	InstanceID  string
	DeviceIndex int
	MAC         string
	PrivateIP   netip.Addr
	// SourceDestCheck keeps the IPv4 source / destination anti-spoof rules (view default:
	// false when missing).
	SourceDestCheck bool
	// SecurityGroups in the interface's order; their jumps keep this order.
	SecurityGroups []string
	// Node is the node (name or IP) running the instance; "" = not placed yet, the port is
	// then created unbound.
	Node string
	// MetadataID is the interface's eniid; required unless metadata is disabled.
	MetadataID int
	// DHCPOptions is the VPC's option set (nil = none).
	DHCPOptions *DHCPOptions
}

// Name is the <if> used in object names.
func (in NetworkInterfaceInput) Name() string {
	return InterfaceName(in.ENIID, in.InstanceID, in.DeviceIndex)
}

// NetworkInterface translates an interface (§6): elip_pre_<if> (Shared, empty: the public IP
// comes from the ElasticIP fragment) and elip_post_<if> = {private IP}, the ic_ chains with the
// rule tables of §6.4, the subnet-bridge port with those filters bound to vn_<shortid> on the
// node, the DHCP host, the ARP and MAC entries and, with metadata, the DNAT/SNAT rules in
// vc_<vpc>_mdulin / _mdulout and the eucamdrt /32 route (§6.6).
func NetworkInterface(owner topology.Owner, in NetworkInterfaceInput, s Settings) (topology.Fragment, error) {
	f := topology.Fragment{Owner: owner}
	ifname := in.Name()
	fail := func(err error) (topology.Fragment, error) {
		return f, fmt.Errorf("translate network interface %s: %w", ifname, err)
	}
	if err := errors.Join(in.VPC.validate(), in.Subnet.validate(in.VPC)); err != nil {
		return fail(err)
	}
	if !IsID("eni", in.ENIID) || (in.InstanceID != "" && !IsID("i", in.InstanceID)) {
		return fail(fmt.Errorf("ids %q / %q are not eni-/i-<8|17 hex>", in.ENIID, in.InstanceID))
	}
	mac, err := normMAC(in.MAC)
	if err != nil {
		return fail(err)
	}
	if !in.Subnet.CIDR.Contains(in.PrivateIP) {
		return fail(fmt.Errorf("private IP %s is not in subnet %s", in.PrivateIP, in.Subnet.CIDR))
	}
	for _, sg := range in.SecurityGroups {
		if !IsID("sg", sg) {
			return fail(fmt.Errorf("security group id %q is not sg-<8|17 hex>", sg))
		}
	}

	bridge := SubnetBridgeName(in.VPC.ID, in.Subnet.ID)
	port := topology.PortRef{Device: bridge, Role: InterfacePortRole(ifname)}
	f.AddrGroups = append(f.AddrGroups,
		topology.AddrGroup{Name: ElipPreGroupName(ifname), Shared: true},
		topology.AddrGroup{Name: ElipPostGroupName(ifname), Addresses: []netip.Addr{in.PrivateIP}})
	// Its private IP is a member of each of its security groups (§7.1).
	for _, sg := range in.SecurityGroups {
		f.GroupAddrs = append(f.GroupAddrs,
			topology.GroupAddrs{Group: SGPrivGroupName(sg), Addresses: []netip.Addr{in.PrivateIP}},
			topology.GroupAddrs{Group: SGAllGroupName(sg), Addresses: []netip.Addr{in.PrivateIP}})
	}
	f.Chains = append(f.Chains, interfaceChains(ifname, mac, in, s)...)
	p := topology.Port{Ref: port, Kind: topology.BridgePort,
		InboundFilter: InterfacePreChainName(ifname), OutboundFilter: InterfacePostChainName(ifname)}
	if in.Node != "" {
		p.Binding = &topology.Binding{Host: topology.HostRef{Name: in.Node}, Interface: TapName(ifname)}
	}
	f.Ports = append(f.Ports, p)
	f.DHCPHosts = append(f.DHCPHosts, topology.DHCPHost{Bridge: bridge, Subnet: in.Subnet.CIDR, Name: ifname, MAC: mac,
		IP: in.PrivateIP, ExtraOpts: []topology.DHCPOpt{{Name: "domain_search", Value: s.dnsDomain(in.DHCPOptions)}}})
	if !s.DisableARPTable {
		f.ARPEntries = append(f.ARPEntries, topology.ARPEntry{Bridge: bridge, IP: in.PrivateIP, MAC: mac})
		f.MACEntries = append(f.MACEntries, topology.MACEntry{Bridge: bridge, MAC: mac, Port: port})
	}
	if !s.DisableMetadata {
		if err := interfaceMetadata(&f, in); err != nil {
			return fail(err)
		}
	}
	return *f.Sort(), nil
}

// interfaceChains builds ic_<if>_prechain (from the VM) and ic_<if>_postchain (to the VM) in
// the final order of the §6.4 tables.
func interfaceChains(ifname, mac string, in NetworkInterfaceInput, s Settings) []topology.Chain {
	ip := host32(in.PrivateIP)
	l2 := !s.DisableL2Isolation
	srcDst := l2 && in.SourceDestCheck

	var egress []topology.Rule
	if l2 {
		egress = append(egress,
			topology.Rule{Type: topology.RuleDrop, DLType: num(etherARP), NWSrc: ip, InvNWSrc: true},
			topology.Rule{Type: topology.RuleDrop, DLSrc: mac, InvDLSrc: true, DLType: num(etherARP)})
	}
	if srcDst {
		egress = append(egress, topology.Rule{Type: topology.RuleDrop, DLType: num(etherIPv4), NWSrc: ip, InvNWSrc: true})
	}
	if l2 {
		egress = append(egress, topology.Rule{Type: topology.RuleDrop, DLSrc: mac, InvDLSrc: true})
	}
	egress = append(egress,
		topology.Rule{Type: topology.RuleAccept, MatchReturnFlow: true},
		topology.Rule{Type: topology.RuleAccept, NWDst: prefixOf(netip.PrefixFrom(SubnetAddress(in.Subnet.CIDR, 2), 31))},
		topology.Rule{Type: topology.RuleAccept, NWDst: prefixOf(MetadataExtNetwork)})
	for _, sg := range in.SecurityGroups {
		egress = append(egress, jumpTo(SGEgressChainName(sg)))
	}
	egress = append(egress, dropAllButARP())

	var ingress []topology.Rule
	if l2 {
		ingress = append(ingress,
			topology.Rule{Type: topology.RuleDrop, DLType: num(etherARP), NWDst: ip, InvNWDst: true},
			topology.Rule{Type: topology.RuleDrop, DLDst: mac, InvDLDst: true, DLType: num(etherARP), NWProto: num(arpReply)})
	}
	if srcDst {
		ingress = append(ingress,
			dhcpReply(),
			topology.Rule{Type: topology.RuleDrop, DLType: num(etherIPv4), NWDst: ip, InvNWDst: true})
	}
	ingress = append(ingress, topology.Rule{Type: topology.RuleAccept, MatchReturnFlow: true})
	for _, sg := range in.SecurityGroups {
		ingress = append(ingress, jumpTo(SGIngressChainName(sg)))
	}
	ingress = append(ingress, dropAllButARP())

	return []topology.Chain{
		{Name: InterfacePreChainName(ifname), Rules: egress},
		{Name: InterfacePostChainName(ifname), Rules: ingress},
	}
}

// dhcpReply accepts what MidoNet's own DHCP server sends the VM, and nothing else: a generated
// packet that egresses the VM's bridge port through ic_<if>_postchain (not the bridge's
// filters), UDP 67 → 68 from the DHCP subnet's serverAddr, which midovpc (like eucanetd)
// leaves unset so MidoNet sends from 0.0.0.0, to 255.255.255.255 (midolman DhcpImpl
// makeDhcpReply). eucanetd's rule matched UDP to 67–68 from anywhere, so a packet from the
// internet to an elastic IP on those ports skipped the security groups. A DHCP request never
// reaches a filter: MidoNet answers it before simulating the packet.
func dhcpReply() topology.Rule {
	return topology.Rule{Type: topology.RuleAccept, NWProto: num(ProtocolUDP),
		NWSrc: prefixOf(DHCPReplySource), NWDst: prefixOf(DHCPReplyDestination),
		TPSrc: &topology.Range{Start: 67, End: 67}, TPDst: &topology.Range{Start: 68, End: 68}}
}

// interfaceMetadata adds the static NAT between the interface's private IP and its metadata
// address 255.0.0.0 + eniid, and the eucamdrt route back to the VPC's metadata uplink (§6.6).
func interfaceMetadata(f *topology.Fragment, in NetworkInterfaceInput) error {
	mdIP, err := MetadataAddress(in.MetadataID)
	if err != nil {
		return err
	}
	f.ChainRules = append(f.ChainRules,
		topology.ChainRules{Chain: VPCMetadataInChainName(in.VPC.ID), Placement: topology.First, Rules: []topology.Rule{{
			Type: topology.RuleDNAT, FlowAction: topology.FlowContinue, NWDst: host32(mdIP), NATTargets: staticNAT(in.PrivateIP),
		}}},
		topology.ChainRules{Chain: VPCMetadataOutChainName(in.VPC.ID), Placement: topology.First, Rules: []topology.Rule{{
			Type: topology.RuleSNAT, FlowAction: topology.FlowContinue, NWSrc: host32(in.PrivateIP),
			NWDst: prefixOf(MetadataExtNetwork), NATTargets: staticNAT(mdIP),
		}}})
	f.Routes = append(f.Routes, route(MetadataRouterName, netip.PrefixFrom(mdIP, 32), metadataBridgePort,
		mustOffset(MetadataNetwork.Addr(), in.VPC.RouterIndex), 100))
	return nil
}

// MetadataMapLine is the interface's line in eucanetd_intip_eni_map, which the metadata
// server uses to map a NATed source back to an interface (§3.3): "<mdIP> <if> <vpc> <subnet>".
func MetadataMapLine(eniid int, ifname, vpc, subnet string) (string, error) {
	mdIP, err := MetadataAddress(eniid)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %s %s %s", mdIP, ifname, vpc, subnet), nil
}
