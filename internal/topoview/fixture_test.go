package topoview_test

import (
	"context"
	"net/netip"
	"testing"

	"github.com/google/uuid"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
)

const tenant = "euca_tenant_1"

// idNamespace makes the fixture's ids the same on every run, so that the golden tree with ids
// is stable.
var idNamespace = uuid.MustParse("6f1d6a4e-0b7a-4c2e-9d1b-5d0f3b7c2a11")

func id(key string) string { return uuid.NewSHA1(idNamespace, []byte(key)).String() }

// startMidoNet serves an emulator with one hypervisor in the tunnel zone, and a client to it.
func startMidoNet(t *testing.T) (*sim.Running, *midonet.Client) {
	t.Helper()
	running, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatalf("start the MidoNet emulator: %v", err)
	}
	t.Cleanup(func() { _ = running.Close() })
	if _, err := running.Server.AddHost(sim.HostSpec{
		Name: "node-1",
		Interfaces: []sim.InterfaceSpec{
			{Name: "eth0", Addresses: []string{"10.111.5.70"}},
			{Name: "eth1", Addresses: []string{"10.111.5.80"}},
		},
		TunnelZones: []string{"mido-tz"},
	}); err != nil {
		t.Fatalf("seed host: %v", err)
	}
	c, err := midonet.New(midonet.Config{URL: running.URL, Tenant: tenant, QPS: -1})
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	return running, c
}

// fixture builds, through the REST API, a slice of the worked example of spec/translation.md
// §16: eucart and eucabr, VPC router vr_vpc-1a2b3c4d_2 linked to eucabr and to the subnet
// bridge, an instance port bound on node-1, routes, chains with a jump, NAT and an address
// group, DHCP, ARP and MAC entries, BGP and a gateway port in eucapg. Around it: objects the
// view must leave out (another tenant's router, a group not named by the scheme) or flag (a
// chain nothing uses, a rule naming a deleted group).
type fixture struct {
	t   *testing.T
	ctx context.Context
	c   *midonet.Client
}

func buildFixture(t *testing.T, c *midonet.Client) {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), c: c}
	hosts, err := c.ListHosts(f.ctx)
	f.must(err)
	node1 := hosts[0].ID

	// Chains first: devices and ports name them as filters.
	chain := func(name string) string {
		ch, err := c.CreateChain(f.ctx, &midonet.Chain{ID: id("chain/" + name), Name: name})
		f.must(err)
		return ch.ID
	}
	prechain := chain("vc_vpc-1a2b3c4d_prechain")
	preelip := chain("vc_vpc-1a2b3c4d_preelip")
	postchain := chain("vc_vpc-1a2b3c4d_postchain")
	scIn := chain("sc_subnet-11112222_in")
	scOut := chain("sc_subnet-11112222_out")
	icPre := chain("ic_i-0000aaaa_prechain")
	icPost := chain("ic_i-0000aaaa_postchain")
	sgIngress := chain("sg_ingress_sg-55556666")
	sgEgress := chain("sg_egress_sg-55556666")
	chain("leftover_chain")

	elipPost := f.group("elip_post_i-0000aaaa", "10.0.1.10")
	f.group("sg_priv_sg-55556666", "10.0.1.10")
	f.group("sg_all_sg-55556666", "203.0.113.7", "10.0.1.10")
	foreign := f.group("somebody-elses-group", "192.0.2.1")
	gone := f.group("sg_pub_sg-99999999", "198.51.100.1")

	// eucart ↔ eucabr, with a gateway port bound on node-1 and BGP.
	eucart := f.router(&midonet.Router{ID: id("router/eucart"), Name: "eucart"})
	eucabr := f.bridge(&midonet.Bridge{ID: id("bridge/eucabr"), Name: "eucabr"})
	rtBr := f.routerPort(eucart, "eucart/eucabr", "169.254.0.1", 17, "ac:ca:ba:00:00:01")
	f.link(rtBr, f.bridgePort(eucabr, "eucabr/eucart"))
	gw := f.routerPort(eucart, "eucart/gw", "10.111.5.80", 24, "ac:ca:ba:00:00:02")
	_, err = c.BindPort(f.ctx, node1, &midonet.HostInterfacePort{PortID: gw, InterfaceName: "eth1"})
	f.must(err)
	pg, err := c.CreatePortGroup(f.ctx, &midonet.PortGroup{ID: id("pg/eucapg"), Name: "eucapg", Stateful: true})
	f.must(err)
	_, err = c.AddPortGroupPort(f.ctx, pg.ID, gw)
	f.must(err)
	rt, err := c.GetRouter(f.ctx, eucart)
	f.must(err)
	rt.ASNumber = 65000
	_, err = c.UpdateRouter(f.ctx, rt)
	f.must(err)
	_, err = c.CreateBgpPeer(f.ctx, eucart, &midonet.BgpPeer{ID: id("bgp/peer"), ASNumber: 65001, Address: "10.111.5.1"})
	f.must(err)
	_, err = c.CreateBgpNetwork(f.ctx, eucart, &midonet.BgpNetwork{ID: id("bgp/net"), SubnetAddress: "203.0.113.0", SubnetLength: 24})
	f.must(err)

	// The VPC router: uplink to eucabr with the VPC chains, a port for the subnet.
	vr := f.router(&midonet.Router{ID: id("router/vr"), Name: "vr_vpc-1a2b3c4d_2"})
	uplink := f.routerPort(vr, "vr/uplink", "169.254.0.2", 17, "ac:ca:ba:00:00:03")
	f.filter(uplink, prechain, postchain)
	f.link(uplink, f.bridgePort(eucabr, "eucabr/vr"))
	down := f.routerPort(vr, "vr/subnet", "10.0.1.1", 24, "ac:ca:ba:00:00:04")

	vb := f.bridge(&midonet.Bridge{ID: id("bridge/vb"), Name: "vb_vpc-1a2b3c4d_subnet-11112222",
		InboundFilterID: &scIn, OutboundFilterID: &scOut})
	f.link(down, f.bridgePort(vb, "vb/router"))
	vm := f.bridgePort(vb, "vb/i-0000aaaa")
	f.filter(vm, icPre, icPost)
	_, err = c.BindPort(f.ctx, node1, &midonet.HostInterfacePort{PortID: vm, InterfaceName: "vn_i-0000aaaa"})
	f.must(err)
	f.bridgePort(vb, "vb/unattached")

	// Routes (MidoNet adds a Local route per router port by itself).
	f.route(eucart, "eucart/vpc", "0.0.0.0/0", "169.254.0.0/17", rtBr, "", 0)
	f.route(eucart, "eucart/eip", "0.0.0.0/0", "203.0.113.7/32", rtBr, "169.254.0.2", 100)
	f.route(vr, "vr/subnet", "0.0.0.0/0", "10.0.1.0/24", down, "", 0)
	f.route(vr, "vr/igw", "10.0.1.0/24", "0.0.0.0/0", uplink, "169.254.0.1", 10)

	// Rules, in order.
	f.rules(prechain, midonet.Rule{Type: midonet.RuleTypeJump, JumpChainID: &preelip})
	f.rules(preelip, midonet.Rule{Type: midonet.RuleTypeDNAT, FlowAction: midonet.FlowActionContinue,
		NwDstAddress: midonet.Ref("203.0.113.7"), NwDstLength: 32,
		NatTargets: []midonet.NatTarget{{AddressFrom: "10.0.1.10", AddressTo: "10.0.1.10"}}})
	f.rules(postchain, midonet.Rule{Type: midonet.RuleTypeSNAT, FlowAction: midonet.FlowActionContinue,
		IPAddrGroupSrc: &elipPost, NwDstAddress: midonet.Ref("10.0.0.0"), NwDstLength: 16, InvNwDst: true,
		NatTargets: []midonet.NatTarget{{AddressFrom: "203.0.113.7", AddressTo: "203.0.113.7"}}})
	f.rules(scIn,
		midonet.Rule{Type: midonet.RuleTypeAccept, NwSrcAddress: midonet.Ref("10.0.1.0"), NwSrcLength: 24},
		midonet.Rule{Type: midonet.RuleTypeAccept, NwProto: midonet.Int(17), TpDst: &midonet.PortRange{Start: 67, End: 68}})
	f.rules(scOut, midonet.Rule{Type: midonet.RuleTypeAccept, NwDstAddress: midonet.Ref("10.0.1.0"), NwDstLength: 24})
	f.rules(icPre,
		midonet.Rule{Type: midonet.RuleTypeDrop, DlType: midonet.Int(midonet.DlTypeARP),
			NwSrcAddress: midonet.Ref("10.0.1.10"), NwSrcLength: 32, InvNwSrc: true},
		midonet.Rule{Type: midonet.RuleTypeDrop, DlSrc: midonet.Ref("d0:0d:00:00:bb:bb"), InvDlSrc: true},
		midonet.Rule{Type: midonet.RuleTypeAccept, MatchReturnFlow: true},
		midonet.Rule{Type: midonet.RuleTypeJump, JumpChainID: &sgEgress},
		midonet.Rule{Type: midonet.RuleTypeDrop, DlType: midonet.Int(midonet.DlTypeARP), InvDlType: true})
	f.rules(icPost,
		midonet.Rule{Type: midonet.RuleTypeAccept, MatchReturnFlow: true},
		midonet.Rule{Type: midonet.RuleTypeJump, JumpChainID: &sgIngress},
		midonet.Rule{Type: midonet.RuleTypeDrop, DlType: midonet.Int(midonet.DlTypeARP), InvDlType: true})
	f.rules(sgIngress,
		midonet.Rule{Type: midonet.RuleTypeAccept, NwProto: midonet.Int(6), TpDst: &midonet.PortRange{Start: 22, End: 22},
			NwSrcAddress: midonet.Ref("0.0.0.0"), NwSrcLength: 0},
		midonet.Rule{Type: midonet.RuleTypeAccept, IPAddrGroupSrc: &foreign, InPorts: []string{vm}},
		midonet.Rule{Type: midonet.RuleTypeDrop, IPAddrGroupSrc: &gone})
	f.rules(sgEgress, midonet.Rule{Type: midonet.RuleTypeAccept, NwDstAddress: midonet.Ref("0.0.0.0"), NwDstLength: 0})
	// A dangling reference: the group goes, the rule keeps its id (MidoNet does not cascade).
	f.must(c.DeleteIPAddrGroup(f.ctx, gone))

	// DHCP, ARP and MAC entries of the instance.
	_, err = c.CreateDHCPSubnet(f.ctx, vb, &midonet.DHCPSubnet{SubnetPrefix: "10.0.1.0", SubnetLength: 24,
		DefaultGateway: "10.0.1.1", ServerAddr: "10.0.1.2", DNSServerAddrs: []string{"10.111.5.11"}})
	f.must(err)
	_, err = c.CreateDHCPHost(f.ctx, vb, "10.0.1.0/24", &midonet.DHCPHost{Name: "i-0000aaaa", MacAddr: "d0:0d:00:00:bb:bb",
		IPAddr: "10.0.1.10", ExtraDHCPOpts: []midonet.ExtraDHCPOpt{{OptName: "domain_search", OptValue: "eucalyptus.internal"}}})
	f.must(err)
	_, err = c.CreateARPEntry(f.ctx, vb, &midonet.IP4Mac{IP: "10.0.1.10", MAC: "d0:0d:00:00:bb:bb"})
	f.must(err)
	_, err = c.CreateMACEntry(f.ctx, vb, &midonet.MacPort{MacAddr: "d0:0d:00:00:bb:bb", PortID: vm})
	f.must(err)

	// Another tenant's router: not shown.
	_, err = c.CreateRouter(f.ctx, &midonet.Router{ID: id("router/other"), Name: "vr_vpc-99999999_3", TenantID: "someone_else"})
	f.must(err)
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("build fixture: %v", err)
	}
}

func (f *fixture) group(name string, addrs ...string) string {
	f.t.Helper()
	g, err := f.c.CreateIPAddrGroup(f.ctx, &midonet.IPAddrGroup{ID: id("group/" + name), Name: name})
	f.must(err)
	for _, a := range addrs {
		_, err := f.c.AddIPAddrGroupAddr(f.ctx, g.ID, &midonet.IPAddrGroupAddr{Addr: a})
		f.must(err)
	}
	return g.ID
}

func (f *fixture) router(r *midonet.Router) string {
	f.t.Helper()
	got, err := f.c.CreateRouter(f.ctx, r)
	f.must(err)
	return got.ID
}

func (f *fixture) bridge(b *midonet.Bridge) string {
	f.t.Helper()
	got, err := f.c.CreateBridge(f.ctx, b)
	f.must(err)
	return got.ID
}

func (f *fixture) routerPort(router, key, addr string, length int, mac string) string {
	f.t.Helper()
	p, err := f.c.CreateRouterPort(f.ctx, router, &midonet.Port{ID: id("port/" + key),
		PortAddress: addr, NetworkLength: length, PortMAC: mac})
	f.must(err)
	return p.ID
}

func (f *fixture) bridgePort(bridge, key string) string {
	f.t.Helper()
	p, err := f.c.CreateBridgePort(f.ctx, bridge, &midonet.Port{ID: id("port/" + key)})
	f.must(err)
	return p.ID
}

func (f *fixture) link(a, b string) {
	f.t.Helper()
	f.must(f.c.LinkPorts(f.ctx, a, b))
}

func (f *fixture) filter(port, in, out string) {
	f.t.Helper()
	p, err := f.c.GetPort(f.ctx, port)
	f.must(err)
	p.InboundFilterID, p.OutboundFilterID = &in, &out
	_, err = f.c.UpdatePort(f.ctx, p)
	f.must(err)
}

func (f *fixture) route(router, key, src, dst, port, gw string, weight int) {
	f.t.Helper()
	r := &midonet.Route{ID: id("route/" + key), Type: midonet.RouteTypeNormal, NextHopPort: &port, Weight: weight}
	r.SrcNetworkAddr, r.SrcNetworkLength = splitPrefix(f.t, src)
	r.DstNetworkAddr, r.DstNetworkLength = splitPrefix(f.t, dst)
	if gw != "" {
		r.NextHopGateway = &gw
	}
	_, err := f.c.CreateRoute(f.ctx, router, r)
	f.must(err)
}

// rules appends rules to a chain in the order given.
func (f *fixture) rules(chain string, rules ...midonet.Rule) {
	f.t.Helper()
	for i, r := range rules {
		r.ID = id(chain + "/rule/" + string(rune('a'+i)))
		r.Position = i + 1
		_, err := f.c.CreateRule(f.ctx, chain, &r)
		f.must(err)
	}
}
func splitPrefix(t *testing.T, s string) (string, int) {
	t.Helper()
	p, err := netip.ParsePrefix(s)
	if err != nil {
		t.Fatalf("prefix %q: %v", s, err)
	}
	return p.Addr().String(), p.Bits()
}
