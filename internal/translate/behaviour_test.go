package translate

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/topology"
)

// §7.2 mapping, one permission at a time.
func TestSecurityGroupRuleMapping(t *testing.T) {
	known := map[string]bool{"sg-12345678": true}
	tests := []struct {
		name    string
		rule    SecurityGroupRule
		ingress bool
		want    string
	}{
		{"tcp port range from CIDR", SecurityGroupRule{Protocol: 6, Ports: &PortRange{1000, 2000}, CIDR: cidr("10.0.0.0/8")}, true,
			"accept nwProto=6 nwSrc=10.0.0.0/8 tpDst=1000-2000"},
		{"udp single port to CIDR", SecurityGroupRule{Protocol: 17, Ports: &PortRange{53, 53}, CIDR: cidr("10.1.0.0/16")}, false,
			"accept nwProto=17 nwDst=10.1.0.0/16 tpDst=53-53"},
		{"all protocols → nwProto nil", SecurityGroupRule{Protocol: -1}, true, "accept nwSrc=0.0.0.0/0"},
		{"icmp type and code", SecurityGroupRule{Protocol: 1, ICMP: &ICMPMatch{Type: 3, Code: 4}}, true,
			"accept nwProto=1 nwSrc=0.0.0.0/0 tpSrc=3-3 tpDst=4-4"},
		{"icmp type only (code -1 omitted)", SecurityGroupRule{Protocol: 1, ICMP: &ICMPMatch{Type: 8, Code: -1}}, true,
			"accept nwProto=1 nwSrc=0.0.0.0/0 tpSrc=8-8"},
		{"icmp code only (type -1 omitted)", SecurityGroupRule{Protocol: 1, ICMP: &ICMPMatch{Type: -1, Code: 0}}, true,
			"accept nwProto=1 nwSrc=0.0.0.0/0 tpDst=0-0"},
		{"all icmp", SecurityGroupRule{Protocol: 1, ICMP: &ICMPMatch{Type: -1, Code: -1}}, false, "accept nwProto=1 nwDst=0.0.0.0/0"},
		{"other protocol: nwProto only", SecurityGroupRule{Protocol: 47, Ports: &PortRange{1, 2}}, true, "accept nwProto=47 nwSrc=0.0.0.0/0"},
		{"tcp without ports", SecurityGroupRule{Protocol: 6}, true, "accept nwProto=6 nwSrc=0.0.0.0/0"},
		{"ingress group → ipAddrGroupSrc sg_all_", SecurityGroupRule{Protocol: -1, Group: "sg-12345678"}, true,
			"accept srcGroup=sg_all_sg-12345678"},
		{"egress group → ipAddrGroupDst sg_all_", SecurityGroupRule{Protocol: 6, Ports: &PortRange{443, 443}, Group: "sg-12345678"}, false,
			"accept nwProto=6 tpDst=443-443 dstGroup=sg_all_sg-12345678"},
		{"CIDR is masked", SecurityGroupRule{Protocol: -1, CIDR: cidr("10.0.1.7/24")}, true, "accept nwSrc=10.0.1.0/24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, reason, err := securityGroupRule(tt.rule, tt.ingress, known)
			if err != nil || reason != "" {
				t.Fatalf("securityGroupRule: %v %q", err, reason)
			}
			if r.String() != tt.want {
				t.Errorf("rule = %q, want %q", r, tt.want)
			}
		})
	}
	if _, reason, _ := securityGroupRule(SecurityGroupRule{Protocol: -1, Group: "sg-99999999"}, true, known); reason == "" {
		t.Error("unknown group not skipped")
	}
	for _, bad := range []SecurityGroupRule{
		{Protocol: 6, CIDR: cidr("10.0.0.0/8"), Group: "sg-12345678"},
		{Protocol: 300},
		{Protocol: 6, Ports: &PortRange{20, 10}},
		{Protocol: -1, Group: "sg-BAD"},
	} {
		if _, _, err := securityGroupRule(bad, true, known); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestSecurityGroupMembers(t *testing.T) {
	// The group owns its three address groups, empty and shared...
	f, _, err := SecurityGroup(owner(topology.KindSecurityGroup, "sg-55556666"), SecurityGroupInput{ID: "sg-55556666"}, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	g := topology.NewGraph()
	if err := g.Merge(f); err != nil {
		t.Fatal(err)
	}
	for _, ag := range f.AddrGroups {
		if !ag.Shared || len(ag.Addresses) != 0 {
			t.Errorf("%s: shared=%v addresses=%v; want a shared, empty group", ag.Name, ag.Shared, ag.Addresses)
		}
	}
	if len(f.Chains) != 2 || len(f.Chains[0].Rules)+len(f.Chains[1].Rules) != 0 {
		t.Errorf("a group without rules has chains %+v", f.Chains)
	}
	// ...and its members put their addresses in: two interfaces, one with an elastic IP.
	for _, in := range []NetworkInterfaceInput{exENI, func() NetworkInterfaceInput {
		e := exENI
		e.ENIID, e.InstanceID, e.MAC, e.PrivateIP, e.MetadataID = "eni-0000cccc", "i-0000cccc", "d0:0d:00:00:cc:cc", ip("10.0.1.11"), 11
		return e
	}()} {
		fe, err := NetworkInterface(owner(topology.KindNetworkInterface, in.ENIID), in, exSettings)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Merge(fe); err != nil {
			t.Fatal(err)
		}
	}
	fe, err := ElasticIP(owner(topology.KindElasticIP, "eip"), exEIP, exSettings)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Merge(fe); err != nil {
		t.Fatal(err)
	}
	if got, _ := g.GroupAddresses("sg_priv_sg-55556666"); !slices.Equal(got, []netip.Addr{ip("10.0.1.10"), ip("10.0.1.11")}) {
		t.Errorf("sg_priv = %v", got)
	}
	if got, _ := g.GroupAddresses("sg_pub_sg-55556666"); !slices.Equal(got, []netip.Addr{ip("203.0.113.7")}) {
		t.Errorf("sg_pub = %v", got)
	}
	if got, _ := g.GroupAddresses("sg_all_sg-55556666"); len(got) != 3 {
		t.Errorf("sg_all = %v", got)
	}
}

func TestNetworkACLOrderingAndFinalDrop(t *testing.T) {
	in := NetworkACLInput{ID: "acl-77778888", VPC: "vpc-1a2b3c4d", Egress: []ACLEntry{
		{Number: 300, Protocol: -1, Allow: true, CIDR: cidr("0.0.0.0/0")},
		{Number: 100, Protocol: 6, CIDR: cidr("10.0.0.0/8"), Ports: &PortRange{25, 25}},
		{Number: 200, Protocol: 1, Allow: true, CIDR: cidr("0.0.0.0/0"), ICMP: &ICMPMatch{Type: -1, Code: -1}},
	}}
	f, err := NetworkAcl(owner(topology.KindNetworkAcl, in.ID), in, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	eg := chainOf(t, f, "acl_egress_vpc-1a2b3c4d_acl-77778888")
	want := []string{
		"drop nwProto=6 nwDst=10.0.0.0/8 tpDst=25-25",
		"accept nwProto=1 nwDst=0.0.0.0/0",
		"accept nwDst=0.0.0.0/0",
		"drop",
	}
	if got := ruleTexts(eg.Rules); !slices.Equal(got, want) {
		t.Errorf("egress =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range eg.Rules {
		if r.MatchReturnFlow || r.MatchForwardFlow {
			t.Errorf("ACL rule %s uses conntrack; ACLs are stateless", r)
		}
	}
	in.Egress[0].Number = 100
	if _, err := NetworkAcl(owner(topology.KindNetworkAcl, in.ID), in, Settings{}); err == nil {
		t.Error("duplicate rule numbers accepted")
	}
}

func TestRouteTableResolution(t *testing.T) {
	other := SubnetRef{ID: "subnet-33334444", CIDR: cidr("10.0.2.0/24")}
	targets := RouteTargets{
		InternetGateways: []string{"igw-5a5a5a5a"},
		NATGateways: []NATGatewayTarget{{ID: "nat-0c1d2e3f4a5b6c7d8", Subnet: other, PrivateIP: ip("10.0.2.9")},
			{ID: "nat-0000000000000000a", Subnet: other, PrivateIP: ip("10.9.9.9")}},
		Interfaces: []InterfaceTarget{{ENIID: "eni-0000bbbb", Subnet: exSubnet, PrivateIP: ip("10.0.1.10")}},
	}
	entries := []RouteEntry{
		{cidr("10.0.0.0/16"), "local"},
		{cidr("0.0.0.0/0"), "igw-5a5a5a5a"},
		{cidr("172.16.0.0/12"), "nat-0c1d2e3f4a5b6c7d8"},
		{cidr("192.168.0.0/16"), "eni-0000bbbb"},
		{cidr("192.169.0.0/16"), "igw-99999999"},
		{cidr("192.170.0.0/16"), "eni-99999999"},
		{cidr("192.171.0.0/16"), "vgw-11112222"},
		{cidr("192.172.0.0/16"), "nat-0000000000000000a"},
		{cidr("0.0.0.0/0"), "igw-5a5a5a5a"},
		{cidr("192.173.0.0/16"), "i-0000aaaa"},
	}
	routes, skipped := RouteTableRoutes(exVPC, exSubnet, entries, targets)
	var got []string
	for _, r := range routes {
		got = append(got, r.Key())
	}
	want := []string{
		"route:vr_vpc-1a2b3c4d_2:10.0.1.0/24>0.0.0.0/0:vr_vpc-1a2b3c4d_2[uplink]:gw=169.254.0.1:w=10:Normal",
		"route:vr_vpc-1a2b3c4d_2:10.0.1.0/24>172.16.0.0/12:vr_vpc-1a2b3c4d_2[subnet:subnet-33334444]:gw=10.0.2.9:w=20:Normal",
		"route:vr_vpc-1a2b3c4d_2:10.0.1.0/24>192.168.0.0/16:vr_vpc-1a2b3c4d_2[subnet:subnet-11112222]:gw=10.0.1.10:w=30:Normal",
	}
	if !slices.Equal(got, want) {
		t.Errorf("routes =\n%s", strings.Join(got, "\n"))
	}
	var reasons []string
	for _, s := range skipped {
		reasons = append(reasons, s.String())
	}
	wantSkipped := []string{
		"route 192.169.0.0/16 -> igw-99999999: internet gateway is not attached to vpc-1a2b3c4d",
		"route 192.170.0.0/16 -> eni-99999999: network interface not found in vpc-1a2b3c4d",
		"route 192.171.0.0/16 -> vgw-11112222: unsupported route target",
		"route 192.172.0.0/16 -> nat-0000000000000000a: private IP 10.9.9.9 is not in subnet subnet-33334444 10.0.2.0/24",
		"route 0.0.0.0/0 -> igw-5a5a5a5a: duplicate entry",
		"route 192.173.0.0/16 -> i-0000aaaa: unsupported route target",
	}
	if !slices.Equal(reasons, wantSkipped) {
		t.Errorf("skipped =\n%s", strings.Join(reasons, "\n"))
	}
	// A subnet with unresolvable routes is still complete.
	in := exSubnetIn
	in.Routes = entries
	in.Targets = targets
	f, sk, err := Subnet(owner(topology.KindSubnet, exSubnet.ID), in, exSettings)
	if err != nil || len(sk) != len(wantSkipped) || len(f.Bridges) != 1 || len(f.Routes) != 4 {
		t.Errorf("subnet with bad routes: err %v, %d skipped, %d routes", err, len(sk), len(f.Routes))
	}
}

func TestInterfaceVariants(t *testing.T) {
	count := func(s Settings, sdc bool) (int, int) {
		in := exENI
		in.SourceDestCheck = sdc
		f, err := NetworkInterface(owner(topology.KindNetworkInterface, in.ENIID), in, s)
		if err != nil {
			t.Fatal(err)
		}
		return len(chainOf(t, f, "ic_i-0000aaaa_prechain").Rules), len(chainOf(t, f, "ic_i-0000aaaa_postchain").Rules)
	}
	noL2 := exSettings
	noL2.DisableL2Isolation = true
	for _, tt := range []struct {
		name     string
		s        Settings
		sdc      bool
		pre, out int
	}{
		{"isolation and source/dest check", exSettings, true, 9, 7},
		{"source/dest check off: no IPv4 checks, no DHCP accept", exSettings, false, 8, 5},
		{"L2 isolation off: no anti-spoof at all", noL2, true, 5, 3},
		{"both off", noL2, false, 5, 3},
	} {
		pre, out := count(tt.s, tt.sdc)
		if pre != tt.pre || out != tt.out {
			t.Errorf("%s: prechain %d rules, postchain %d; want %d, %d", tt.name, pre, out, tt.pre, tt.out)
		}
	}
}

func TestDHCPOptionSetsPerVPC(t *testing.T) {
	opts := &DHCPOptions{DomainName: "corp.example", DomainNameServers: []netip.Addr{ip("10.0.0.2")}}
	in := exSubnetIn
	in.DHCPOptions = opts
	f, _, err := Subnet(owner(topology.KindSubnet, exSubnet.ID), in, exSettings)
	if err != nil || !slices.Equal(f.DHCPSubnets[0].DNSServers, opts.DomainNameServers) {
		t.Errorf("subnet DNS = %v, %v", f.DHCPSubnets, err)
	}
	// An option set without servers falls back to the global servers.
	in.DHCPOptions = &DHCPOptions{DomainName: "corp.example"}
	f, _, _ = Subnet(owner(topology.KindSubnet, exSubnet.ID), in, exSettings)
	if !slices.Equal(f.DHCPSubnets[0].DNSServers, exSettings.DNSServers) {
		t.Errorf("fallback DNS = %v", f.DHCPSubnets[0].DNSServers)
	}
	eni := exENI
	eni.DHCPOptions = &DHCPOptions{DomainNameServers: []netip.Addr{ip("10.0.0.2")}}
	g, _ := NetworkInterface(owner(topology.KindNetworkInterface, eni.ENIID), eni, exSettings)
	if g.DHCPHosts[0].ExtraOpts[0].Value != "eucalyptus.internal" {
		t.Errorf("fallback domain = %+v", g.DHCPHosts[0].ExtraOpts)
	}
	eni.DHCPOptions = opts
	g, _ = NetworkInterface(owner(topology.KindNetworkInterface, eni.ENIID), eni, exSettings)
	if g.DHCPHosts[0].ExtraOpts[0] != (topology.DHCPOpt{Name: "domain_search", Value: "corp.example"}) {
		t.Errorf("per-VPC domain = %+v", g.DHCPHosts[0].ExtraOpts)
	}
	// Empty domain is still sent, as the original does.
	g, _ = NetworkInterface(owner(topology.KindNetworkInterface, exENI.ENIID), exENI, Settings{})
	if len(g.DHCPHosts[0].ExtraOpts) != 1 || g.DHCPHosts[0].ExtraOpts[0].Value != "" {
		t.Errorf("empty domain = %+v", g.DHCPHosts[0].ExtraOpts)
	}
}

func TestMetadataEgressProtocols(t *testing.T) {
	// Decision (g): an asymmetric list opens exactly what it says.
	e253, err := ParseEgress("udp:53 tcp:5353")
	if err != nil {
		t.Fatal(err)
	}
	core := exCore
	core.Metadata253Egress = e253
	core.Metadata254Egress = []EgressPort{}
	f, err := CoreNetwork(owner(topology.KindCoreNetwork, "default"), core, exSettings)
	if err != nil {
		t.Fatal(err)
	}
	got := ruleTexts(chainOf(t, f, MetadataExtFilterName).Rules)
	want := []string{
		"accept nwProto=17 nwDst=169.254.169.253/32 tpDst=53-53",
		"accept nwProto=6 nwDst=169.254.169.253/32 tpDst=5353-5353",
		"drop dlType!=2054",
	}
	if !slices.Equal(got, want) {
		t.Errorf("extportout =\n%s", strings.Join(got, "\n"))
	}
	for _, bad := range []string{"sctp:80", "tcp", "tcp:0", "tcp:x", "udp:70000"} {
		if _, err := ParseEgress(bad); err == nil {
			t.Errorf("ParseEgress(%q) accepted", bad)
		}
	}
	core.MetadataHost = ""
	if _, err := CoreNetwork(owner(topology.KindCoreNetwork, "default"), core, exSettings); err == nil {
		t.Error("metadata without a host accepted")
	}
	noMD := exSettings
	noMD.DisableMetadata = true
	if _, err := CoreNetwork(owner(topology.KindCoreNetwork, "default"), core, noMD); err != nil {
		t.Errorf("no metadata host needed without metadata: %v", err)
	}
}

func TestParseProtocol(t *testing.T) {
	for in, want := range map[string]int{"tcp": 6, "UDP": 17, "icmp": 1, "all": -1, "-1": -1, "47": 47, "0": 0} {
		if got, err := ParseProtocol(in); err != nil || got != want {
			t.Errorf("ParseProtocol(%q) = %d, %v", in, got, err)
		}
	}
	for _, bad := range []string{"256", "-2", "gre", ""} {
		if _, err := ParseProtocol(bad); err == nil {
			t.Errorf("ParseProtocol(%q) accepted", bad)
		}
	}
}

func TestInvalidInputsAreRejected(t *testing.T) {
	o := owner("X", "x")
	vpcBad := exVPC
	vpcBad.ID = "vpc-1A2B3C4D"
	rtBad := exVPC
	rtBad.RouterIndex = 10745
	subOut := exSubnetIn
	subOut.Subnet.CIDR = cidr("10.1.1.0/24")
	subHost := exSubnetIn
	subHost.Subnet.CIDR = cidr("10.0.1.5/24")
	eniMAC := exENI
	eniMAC.MAC = "d0:0d:00:00:bb"
	eniIP := exENI
	eniIP.PrivateIP = ip("10.0.2.10")
	eniMD := exENI
	eniMD.MetadataID = 5
	natShort := longNAT
	natShort.ID = "nat-0c1d2e3f"
	natPub := longNAT
	natPub.PublicIP = netip.Addr{}
	coreGW := exCore
	coreGW.Gateways = append(slices.Clone(coreGW.Gateways), coreGW.Gateways[0])
	coreCIDR := exCore
	coreCIDR.Gateways = []Gateway{coreCIDR.Gateways[0]}
	coreCIDR.Gateways[0].ExternalCIDR = cidr("192.0.2.0/24")
	for name, fn := range map[string]func() error{
		"uppercase vpc id":      func() error { _, err := VPC(o, vpcBad, exSettings); return err },
		"reserved rtid":         func() error { _, err := VPC(o, rtBad, exSettings); return err },
		"subnet outside vpc":    func() error { _, _, err := Subnet(o, subOut, exSettings); return err },
		"subnet not a network":  func() error { _, _, err := Subnet(o, subHost, exSettings); return err },
		"bad MAC":               func() error { _, err := NetworkInterface(o, eniMAC, exSettings); return err },
		"IP outside subnet":     func() error { _, err := NetworkInterface(o, eniIP, exSettings); return err },
		"eniid below 10":        func() error { _, err := NetworkInterface(o, eniMD, exSettings); return err },
		"short NAT id":          func() error { _, err := NatGateway(o, natShort, exSettings); return err },
		"NAT without public IP": func() error { _, err := NatGateway(o, natPub, exSettings); return err },
		"duplicate gateway":     func() error { _, err := CoreNetwork(o, coreGW, exSettings); return err },
		"external IP off CIDR":  func() error { _, err := CoreNetwork(o, coreCIDR, exSettings); return err },
		"EIP to a non-interface": func() error {
			e := exEIP
			e.Interface = "vpc-1a2b3c4d"
			_, err := ElasticIP(o, e, exSettings)
			return err
		},
	} {
		if err := fn(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Every fragment of every kind, including long ids and a NAT gateway, merges into one graph
// without conflicts, and the graph has no dangling reference.
func TestLongIDTopologyMerges(t *testing.T) {
	g := topology.NewGraph()
	mustMerge := func(f topology.Fragment, err error) {
		t.Helper()
		if err == nil {
			err = g.Merge(f)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	mustMerge(CoreNetwork(owner(topology.KindCoreNetwork, "default"), exCore, exSettings))
	mustMerge(VPC(owner(topology.KindVpc, longVPC.ID), longVPC, exSettings))
	for _, in := range []SubnetInput{
		{VPC: longVPC, Subnet: longSubnet, Routes: []RouteEntry{{cidr("0.0.0.0/0"), longNAT.ID}},
			Targets: RouteTargets{NATGateways: []NATGatewayTarget{{ID: longNAT.ID, Subnet: longOther, PrivateIP: longNAT.PrivateIP}}}},
		{VPC: longVPC, Subnet: longOther, NetworkACL: "acl-0123456789abcdef0"},
	} {
		f, sk, err := Subnet(owner(topology.KindSubnet, in.Subnet.ID), in, exSettings)
		if len(sk) != 0 {
			t.Errorf("skipped %v", sk)
		}
		mustMerge(f, err)
	}
	mustMerge(NetworkAcl(owner(topology.KindNetworkAcl, "acl-0123456789abcdef0"),
		NetworkACLInput{ID: "acl-0123456789abcdef0", VPC: longVPC.ID}, exSettings))
	mustMerge(NatGateway(owner(topology.KindNatGateway, longNAT.ID), longNAT, exSettings))
	eni := longENI
	eni.SecurityGroups = []string{"sg-0aaaaaaaaaaaaaaaa"}
	mustMerge(NetworkInterface(owner(topology.KindNetworkInterface, eni.ENIID), eni, exSettings))
	mustMerge(ElasticIP(owner(topology.KindElasticIP, "eip"), ElasticIPInput{PublicIP: ip("198.51.100.7"), VPC: longVPC,
		Interface: eni.Name(), PrivateIP: eni.PrivateIP, SecurityGroups: eni.SecurityGroups}, exSettings))
	sg, _, err := SecurityGroup(owner(topology.KindSecurityGroup, "sg-0aaaaaaaaaaaaaaaa"), SecurityGroupInput{ID: "sg-0aaaaaaaaaaaaaaaa"}, exSettings)
	mustMerge(sg, err)
	if errs := g.Check(); len(errs) != 0 {
		t.Errorf("dangling references: %v", errs)
	}
	// An eniid handed out twice is caught: both interfaces claim the same eucamdrt route.
	dup := longENI
	dup.ENIID, dup.MAC, dup.PrivateIP, dup.SecurityGroups = "eni-0a1b2c3d4e5f60719", "d0:0d:0a:1b:2c:3e", ip("172.16.5.21"), nil
	f, err := NetworkInterface(owner(topology.KindNetworkInterface, dup.ENIID), dup, exSettings)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Merge(f); err == nil || !strings.Contains(err.Error(), "255.1.17.112/32") {
		t.Errorf("reused eniid not detected: %v", err)
	}
}
