package translate

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/topology"
)

// exampleGraph translates every resource of translation.md §16 and merges the fragments.
func exampleGraph(t *testing.T) (*topology.Graph, map[string]topology.Fragment) {
	t.Helper()
	frags := map[string]topology.Fragment{}
	add := func(name string, f topology.Fragment, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		frags[name] = f
	}
	f, err := CoreNetwork(owner(topology.KindCoreNetwork, "default"), exCore, exSettings)
	add("core", f, err)
	f, err = VPC(owner(topology.KindVpc, exVPC.ID), exVPC, exSettings)
	add("vpc", f, err)
	sub, skipped, err := Subnet(owner(topology.KindSubnet, exSubnet.ID), exSubnetIn, exSettings)
	if len(skipped) != 0 {
		t.Errorf("skipped routes: %v", skipped)
	}
	add("subnet", sub, err)
	f, err = NetworkAcl(owner(topology.KindNetworkAcl, exACL.ID), exACL, exSettings)
	add("acl", f, err)
	f, err = NetworkInterface(owner(topology.KindNetworkInterface, exENI.ENIID), exENI, exSettings)
	add("eni", f, err)
	f, err = ElasticIP(owner(topology.KindElasticIP, "eipalloc-1"), exEIP, exSettings)
	add("eip", f, err)
	sg, skipped, err := SecurityGroup(owner(topology.KindSecurityGroup, exSG.ID), exSG, exSettings)
	if len(skipped) != 0 {
		t.Errorf("skipped rules: %v", skipped)
	}
	add("sg", sg, err)
	frags["rtb"] = RouteTable(owner(topology.KindRouteTable, "rtb-1a1a1a1a"))
	frags["igw"] = InternetGateway(owner(topology.KindInternetGateway, "igw-5a5a5a5a"))

	g := topology.NewGraph()
	for _, name := range []string{"core", "vpc", "subnet", "acl", "eni", "eip", "sg", "rtb", "igw"} {
		if err := g.Merge(frags[name]); err != nil {
			t.Fatalf("merge %s: %v", name, err)
		}
	}
	return g, frags
}

func TestWorkedExampleIsCompleteAndConsistent(t *testing.T) {
	g, _ := exampleGraph(t)
	if errs := g.Check(); len(errs) != 0 {
		t.Errorf("worked example has dangling references:\n%v", errs)
	}
	var b strings.Builder
	if err := g.Dump(&b); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "testdata/worked_example.golden", b.String())
}

func findPort(t *testing.T, f topology.Fragment, device, role string) topology.Port {
	t.Helper()
	for _, p := range f.Ports {
		if p.Ref == (topology.PortRef{Device: device, Role: role}) {
			return p
		}
	}
	t.Fatalf("port %s[%s] not in fragment of %s", device, role, f.Owner)
	return topology.Port{}
}

func hasRoute(f topology.Fragment, router, src, dst string, port topology.PortRef, gw string, w int) bool {
	want := topology.Route{Router: router, Src: cidr(src), Dst: cidr(dst), NextHopPort: port, Weight: w, Type: topology.RouteNormal}
	if gw != "" {
		want.Gateway = ip(gw)
	}
	return slices.Contains(f.Routes, want)
}

func chainOf(t *testing.T, f topology.Fragment, name string) topology.Chain {
	t.Helper()
	for _, c := range f.Chains {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("chain %s not in fragment of %s", name, f.Owner)
	return topology.Chain{}
}

func ruleTexts(rules []topology.Rule) []string {
	var s []string
	for _, r := range rules {
		s = append(s, r.String())
	}
	return s
}

func assertRules(t *testing.T, name string, got []topology.Rule, want []topology.Rule) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s has %d rules, want %d:\n%s", name, len(got), len(want), strings.Join(ruleTexts(got), "\n"))
		return
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("%s rule %d = %s, want %s", name, i+1, got[i], want[i])
		}
	}
}

func TestWorkedExampleVPC(t *testing.T) {
	_, fr := exampleGraph(t)
	vpc := fr["vpc"]
	uplink := findPort(t, vpc, "vr_vpc-1a2b3c4d_2", "uplink")
	if uplink.Address != ip("169.254.0.2") || uplink.Network != cidr("169.254.0.0/17") {
		t.Errorf("uplink = %s %s", uplink.Address, uplink.Network)
	}
	if uplink.Peer == nil || *uplink.Peer != (topology.PortRef{Device: "eucabr", Role: "vpc:vpc-1a2b3c4d"}) {
		t.Errorf("uplink peer = %v", uplink.Peer)
	}
	if uplink.InboundFilter != "vc_vpc-1a2b3c4d_prechain" || uplink.OutboundFilter != "vc_vpc-1a2b3c4d_postchain" {
		t.Errorf("uplink filters = %s / %s", uplink.InboundFilter, uplink.OutboundFilter)
	}
	if !hasRoute(vpc, "vr_vpc-1a2b3c4d_2", "0.0.0.0/0", "169.254.0.0/17", uplink.Ref, "", 0) {
		t.Error("route 169.254.0.0/17 -> uplink missing")
	}
	assertRules(t, "prechain", chainOf(t, vpc, "vc_vpc-1a2b3c4d_prechain").Rules,
		[]topology.Rule{{Type: "jump", JumpChain: "vc_vpc-1a2b3c4d_preelip"}})
	md := findPort(t, vpc, "vr_vpc-1a2b3c4d_2", "md-uplink")
	if md.Address != ip("169.254.128.2") || md.Network != cidr("169.254.128.0/17") ||
		md.InboundFilter != "vc_vpc-1a2b3c4d_mdulin" || md.OutboundFilter != "vc_vpc-1a2b3c4d_mdulout" {
		t.Errorf("md uplink = %+v", md)
	}
	if md.Peer == nil || md.Peer.Device != "eucamdbr" {
		t.Errorf("md uplink peer = %v", md.Peer)
	}
	for _, dst := range []string{"169.254.169.254/32", "169.254.169.253/32"} {
		if !hasRoute(vpc, "vr_vpc-1a2b3c4d_2", "0.0.0.0/0", dst, md.Ref, "169.254.128.1", 0) {
			t.Errorf("route %s -> md uplink via 169.254.128.1 missing", dst)
		}
	}
	if len(vpc.Routes) != 3 {
		t.Errorf("VPC router has %d routes, want 3 (no default route, §4.1)", len(vpc.Routes))
	}
}

func TestWorkedExampleSubnet(t *testing.T) {
	g, fr := exampleGraph(t)
	sub := fr["subnet"]
	rp := findPort(t, sub, "vr_vpc-1a2b3c4d_2", "subnet:subnet-11112222")
	if rp.Address != ip("10.0.1.1") || rp.Network != cidr("10.0.1.0/24") || rp.MAC != "" {
		t.Errorf("router port = %+v", rp)
	}
	if rp.Peer == nil || *rp.Peer != (topology.PortRef{Device: "vb_vpc-1a2b3c4d_subnet-11112222", Role: "router"}) {
		t.Errorf("router port peer = %v", rp.Peer)
	}
	if !hasRoute(sub, "vr_vpc-1a2b3c4d_2", "0.0.0.0/0", "10.0.1.0/24", rp.Ref, "", 0) {
		t.Error("route 10.0.1.0/24 -> router port missing")
	}
	if !hasRoute(sub, "vr_vpc-1a2b3c4d_2", "10.0.1.0/24", "0.0.0.0/0", topology.PortRef{Device: "vr_vpc-1a2b3c4d_2", Role: "uplink"}, "169.254.0.1", 10) {
		t.Error("igw route src 10.0.1.0/24 -> uplink via 169.254.0.1 w10 missing")
	}
	if len(sub.Bridges) != 1 || sub.Bridges[0] != (topology.Bridge{Name: "vb_vpc-1a2b3c4d_subnet-11112222",
		InboundFilter: "sc_subnet-11112222_in", OutboundFilter: "sc_subnet-11112222_out"}) {
		t.Errorf("bridge = %+v", sub.Bridges)
	}
	src := func(p string) *netip.Prefix { q := cidr(p); return &q }
	// midovpc's difference: the DHCP accepts match only a client without an address (in) or
	// the limited broadcast (out), and leave out what enters from (in) or leaves to (out) the
	// VPC router, so UDP 67–68 from or to outside the subnet meets the ACL, through the VPC
	// router's port or a NAT gateway's.
	routerPort := []topology.PortRef{{Device: "vb_vpc-1a2b3c4d_subnet-11112222", Role: "router"}}
	dhcpIn := topology.Rule{Type: "accept", InPorts: routerPort, InvInPorts: true, NWProto: num(17), NWSrc: src("0.0.0.0/32"),
		TPDst: &topology.Range{Start: 67, End: 68}}
	dhcpOut := topology.Rule{Type: "accept", OutPorts: routerPort, InvOutPorts: true, NWProto: num(17), NWDst: src("255.255.255.255/32"),
		TPDst: &topology.Range{Start: 67, End: 68}}
	assertRules(t, "sc_in", chainOf(t, sub, "sc_subnet-11112222_in").Rules, []topology.Rule{
		{Type: "accept", NWSrc: src("10.0.1.0/30")}, {Type: "accept", NWSrc: src("169.254.0.0/16")}, dhcpIn,
		// midovpc's difference: the subnet's own addresses coming back from outside the VPC
		// (through the router port, both inside the CIDR) are sent through the ACL.
		{Type: "jump", InPorts: []topology.PortRef{{Device: "vb_vpc-1a2b3c4d_subnet-11112222", Role: "router"}},
			NWSrc: src("10.0.1.0/24"), NWDst: src("10.0.1.0/24"), JumpChain: "acl_ingress_vpc-1a2b3c4d_acl-77778888"},
		{Type: "accept", NWSrc: src("10.0.1.0/24")}, {Type: "jump", JumpChain: "acl_ingress_vpc-1a2b3c4d_acl-77778888"}})
	assertRules(t, "sc_out", chainOf(t, sub, "sc_subnet-11112222_out").Rules, []topology.Rule{
		{Type: "accept", NWDst: src("10.0.1.0/30")}, {Type: "accept", NWDst: src("169.254.0.0/16")}, dhcpOut,
		{Type: "accept", NWDst: src("10.0.1.0/24")}, {Type: "jump", JumpChain: "acl_egress_vpc-1a2b3c4d_acl-77778888"}})
	wantDHCP := topology.DHCPSubnet{Bridge: "vb_vpc-1a2b3c4d_subnet-11112222", Prefix: cidr("10.0.1.0/24"),
		DefaultGateway: ip("10.0.1.1"), DNSServers: []netip.Addr{ip("10.111.5.11")}}
	if len(sub.DHCPSubnets) != 1 || sub.DHCPSubnets[0].Key() != wantDHCP.Key() || sub.DHCPSubnets[0].DefaultGateway != wantDHCP.DefaultGateway ||
		!slices.Equal(sub.DHCPSubnets[0].DNSServers, wantDHCP.DNSServers) {
		t.Errorf("DHCP subnet = %+v", sub.DHCPSubnets)
	}
	if len(sub.ARPEntries) != 1 || sub.ARPEntries[0].IP != ip("10.0.1.2") || sub.ARPEntries[0].MACOfPort == nil ||
		*sub.ARPEntries[0].MACOfPort != rp.Ref {
		t.Errorf("dot2 ARP entry = %+v", sub.ARPEntries)
	}
	// ACL chains: accept all, the 32767 deny, the implicit final drop (decision (f)).
	anyNet := src("0.0.0.0/0")
	acl := fr["acl"]
	assertRules(t, "acl ingress", chainOf(t, acl, "acl_ingress_vpc-1a2b3c4d_acl-77778888").Rules, []topology.Rule{
		{Type: "accept", NWSrc: anyNet}, {Type: "drop", NWSrc: anyNet}, {Type: "drop"}})
	assertRules(t, "acl egress", chainOf(t, acl, "acl_egress_vpc-1a2b3c4d_acl-77778888").Rules, []topology.Rule{
		{Type: "accept", NWDst: anyNet}, {Type: "drop", NWDst: anyNet}, {Type: "drop"}})
	if _, ok := g.OwnerOf("chain:acl_ingress_vpc-1a2b3c4d_acl-77778888"); !ok {
		t.Error("ACL chain not claimed")
	}
}

func TestWorkedExampleInterface(t *testing.T) {
	g, fr := exampleGraph(t)
	eni := fr["eni"]
	port := findPort(t, eni, "vb_vpc-1a2b3c4d_subnet-11112222", "if:i-0000aaaa")
	if port.Binding == nil || *port.Binding != (topology.Binding{Host: topology.HostRef{Name: "10.111.5.70"}, Interface: "vn_i-0000aaaa"}) {
		t.Errorf("binding = %+v", port.Binding)
	}
	if port.InboundFilter != "ic_i-0000aaaa_prechain" || port.OutboundFilter != "ic_i-0000aaaa_postchain" {
		t.Errorf("port filters = %s / %s", port.InboundFilter, port.OutboundFilter)
	}
	wantHost := topology.DHCPHost{Bridge: "vb_vpc-1a2b3c4d_subnet-11112222", Subnet: cidr("10.0.1.0/24"), Name: "i-0000aaaa",
		MAC: "d0:0d:00:00:bb:bb", IP: ip("10.0.1.10"), ExtraOpts: []topology.DHCPOpt{{Name: "domain_search", Value: "eucalyptus.internal"}}}
	if len(eni.DHCPHosts) != 1 || eni.DHCPHosts[0].Name != wantHost.Name || eni.DHCPHosts[0].Key() != wantHost.Key() ||
		eni.DHCPHosts[0].IP != wantHost.IP || !slices.Equal(eni.DHCPHosts[0].ExtraOpts, wantHost.ExtraOpts) {
		t.Errorf("DHCP host = %+v", eni.DHCPHosts)
	}
	if len(eni.ARPEntries) != 1 || eni.ARPEntries[0] != (topology.ARPEntry{Bridge: port.Ref.Device, IP: ip("10.0.1.10"), MAC: "d0:0d:00:00:bb:bb"}) {
		t.Errorf("ARP = %+v", eni.ARPEntries)
	}
	if len(eni.MACEntries) != 1 || eni.MACEntries[0] != (topology.MACEntry{Bridge: port.Ref.Device, MAC: "d0:0d:00:00:bb:bb", Port: port.Ref}) {
		t.Errorf("MAC = %+v", eni.MACEntries)
	}

	h32 := func(s string) *netip.Prefix { p := netip.PrefixFrom(ip(s), 32); return &p }
	pf := func(s string) *netip.Prefix { p := cidr(s); return &p }
	const mac = "d0:0d:00:00:bb:bb"
	assertRules(t, "prechain", chainOf(t, eni, "ic_i-0000aaaa_prechain").Rules, []topology.Rule{
		{Type: "drop", DLType: num(2054), NWSrc: h32("10.0.1.10"), InvNWSrc: true},
		{Type: "drop", DLType: num(2054), DLSrc: mac, InvDLSrc: true},
		{Type: "drop", DLType: num(2048), NWSrc: h32("10.0.1.10"), InvNWSrc: true},
		{Type: "drop", DLSrc: mac, InvDLSrc: true},
		{Type: "accept", MatchReturnFlow: true},
		{Type: "accept", NWDst: pf("10.0.1.2/31")},
		{Type: "accept", NWDst: pf("169.254.169.248/29")},
		{Type: "jump", JumpChain: "sg_egress_sg-55556666"},
		{Type: "drop", DLType: num(2054), InvDLType: true},
	})
	assertRules(t, "postchain", chainOf(t, eni, "ic_i-0000aaaa_postchain").Rules, []topology.Rule{
		{Type: "drop", DLType: num(2054), NWDst: h32("10.0.1.10"), InvNWDst: true},
		{Type: "drop", DLType: num(2054), DLDst: mac, InvDLDst: true, NWProto: num(2)},
		// midovpc's difference: only MidoNet's DHCP reply, 0.0.0.0:67 → 255.255.255.255:68.
		{Type: "accept", NWProto: num(17), NWSrc: pf("0.0.0.0/32"), NWDst: pf("255.255.255.255/32"),
			TPSrc: &topology.Range{Start: 67, End: 67}, TPDst: &topology.Range{Start: 68, End: 68}},
		{Type: "drop", DLType: num(2048), NWDst: h32("10.0.1.10"), InvNWDst: true},
		{Type: "accept", MatchReturnFlow: true},
		{Type: "jump", JumpChain: "sg_ingress_sg-55556666"},
		{Type: "drop", DLType: num(2054), InvDLType: true},
	})

	pre, _ := g.GroupAddresses("elip_pre_i-0000aaaa")
	post, _ := g.GroupAddresses("elip_post_i-0000aaaa")
	if !slices.Equal(pre, []netip.Addr{ip("203.0.113.7")}) || !slices.Equal(post, []netip.Addr{ip("10.0.1.10")}) {
		t.Errorf("elip_pre = %v, elip_post = %v", pre, post)
	}

	preelip, _ := g.ChainRules("vc_vpc-1a2b3c4d_preelip")
	assertRules(t, "preelip", preelip, []topology.Rule{{Type: "dnat", FlowAction: "continue", NWDst: h32("203.0.113.7"),
		NATTargets: []topology.NATTarget{{AddressFrom: ip("10.0.1.10"), AddressTo: ip("10.0.1.10")}}}})
	post2, _ := g.ChainRules("vc_vpc-1a2b3c4d_postchain")
	assertRules(t, "postchain", post2, []topology.Rule{{Type: "snat", FlowAction: "continue", IPAddrGroupSrc: "elip_post_i-0000aaaa",
		NWDst: pf("10.0.0.0/16"), InvNWDst: true, NATTargets: []topology.NATTarget{{AddressFrom: ip("203.0.113.7"), AddressTo: ip("203.0.113.7")}}}})
	if !hasRoute(fr["eip"], "eucart", "0.0.0.0/0", "203.0.113.7/32", topology.PortRef{Device: "eucart", Role: "eucabr"}, "169.254.0.2", 100) {
		t.Error("eucart route 203.0.113.7/32 via 169.254.0.2 w100 missing")
	}

	mdin, _ := g.ChainRules("vc_vpc-1a2b3c4d_mdulin")
	assertRules(t, "mdulin", mdin, []topology.Rule{{Type: "dnat", FlowAction: "continue", NWDst: h32("255.0.0.10"),
		NATTargets: []topology.NATTarget{{AddressFrom: ip("10.0.1.10"), AddressTo: ip("10.0.1.10")}}}})
	mdout, _ := g.ChainRules("vc_vpc-1a2b3c4d_mdulout")
	assertRules(t, "mdulout", mdout, []topology.Rule{{Type: "snat", FlowAction: "continue", NWSrc: h32("10.0.1.10"),
		NWDst: pf("169.254.169.248/29"), NATTargets: []topology.NATTarget{{AddressFrom: ip("255.0.0.10"), AddressTo: ip("255.0.0.10")}}}})
	if !hasRoute(eni, "eucamdrt", "0.0.0.0/0", "255.0.0.10/32", topology.PortRef{Device: "eucamdrt", Role: "eucamdbr"}, "169.254.128.2", 100) {
		t.Error("eucamdrt route 255.0.0.10/32 via 169.254.128.2 w100 missing")
	}
	line, err := MetadataMapLine(10, "i-0000aaaa", "vpc-1a2b3c4d", "subnet-11112222")
	if err != nil || line != "255.0.0.10 i-0000aaaa vpc-1a2b3c4d subnet-11112222" {
		t.Errorf("map line = %q, %v", line, err)
	}
}

func TestWorkedExampleSecurityGroup(t *testing.T) {
	g, fr := exampleGraph(t)
	sg := fr["sg"]
	for name, want := range map[string][]netip.Addr{
		"sg_priv_sg-55556666": {ip("10.0.1.10")},
		"sg_pub_sg-55556666":  {ip("203.0.113.7")},
		"sg_all_sg-55556666":  {ip("10.0.1.10"), ip("203.0.113.7")},
	} {
		if got, ok := g.GroupAddresses(name); !ok || !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	anyNet := cidr("0.0.0.0/0")
	assertRules(t, "sg ingress", chainOf(t, sg, "sg_ingress_sg-55556666").Rules, []topology.Rule{
		{Type: "accept", NWProto: num(6), TPDst: &topology.Range{Start: 22, End: 22}, NWSrc: &anyNet}})
	assertRules(t, "sg egress", chainOf(t, sg, "sg_egress_sg-55556666").Rules, []topology.Rule{
		{Type: "accept", NWDst: &anyNet}})
}

func TestWorkedExampleCore(t *testing.T) {
	_, fr := exampleGraph(t)
	core := fr["core"]
	p := findPort(t, core, "eucart", "eucabr")
	if p.Address != ip("169.254.0.1") || p.Network != cidr("169.254.0.0/17") {
		t.Errorf("eucart bridge-side port = %+v", p)
	}
	gw := findPort(t, core, "eucart", "gw:10.111.5.22/em1.116")
	if gw.Address != ip("10.116.133.11") || gw.Network != cidr("10.116.128.0/17") ||
		gw.Binding == nil || gw.Binding.Interface != "em1.116" || gw.Binding.Host.Name != "10.111.5.22" {
		t.Errorf("gateway port = %+v", gw)
	}
	for _, r := range []struct{ dst, gw string }{{"10.116.128.0/17", ""}, {"10.116.133.173/32", ""}, {"0.0.0.0/0", "10.116.133.173"}} {
		if !hasRoute(core, "eucart", "0.0.0.0/0", r.dst, gw.Ref, r.gw, 0) {
			t.Errorf("gateway route %s via %q missing", r.dst, r.gw)
		}
	}
	if len(core.PortGroups) != 1 || !core.PortGroups[0].Stateful || !slices.Equal(core.PortGroups[0].Members, []topology.PortRef{gw.Ref}) {
		t.Errorf("eucapg = %+v", core.PortGroups)
	}
	assertRules(t, "eucabr_infilter", chainOf(t, core, "eucabr_infilter").Rules, []topology.Rule{
		{Type: "drop", DLType: num(2048), NWDst: prefixOf(cidr("169.254.0.0/17"))}})
	// Decision (g): udp = 17, tcp = 6 on both lists, in list order, then drop all but ARP.
	var protos []string
	for _, r := range chainOf(t, core, "eucamdrt_extportout").Rules {
		protos = append(protos, r.String())
	}
	want := []string{
		"accept nwProto=6 nwDst=169.254.169.254/32 tpDst=80-80",
		"accept nwProto=17 nwDst=169.254.169.253/32 tpDst=53-53",
		"accept nwProto=6 nwDst=169.254.169.253/32 tpDst=53-53",
		"accept nwProto=17 nwDst=169.254.169.253/32 tpDst=5353-5353",
		"accept nwProto=6 nwDst=169.254.169.253/32 tpDst=5353-5353",
		"drop dlType!=2054",
	}
	if !slices.Equal(protos, want) {
		t.Errorf("eucamdrt_extportout =\n%s", strings.Join(protos, "\n"))
	}
	if len(core.BGPPeers)+len(core.BGPNetworks) != 0 || core.Routers[1].ASNumber != 0 {
		t.Error("static gateway configured BGP")
	}
}
