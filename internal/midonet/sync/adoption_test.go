package sync_test

import (
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topology"
)

// rawRule writes a rule the way eucanetd does: only the fields it sets, no fragment policy,
// names already resolved by the caller.
func rawRule(r topology.Rule, jump, group string) *midonet.Rule {
	m := &midonet.Rule{Type: r.Type, NwProto: r.NWProto, MatchReturnFlow: r.MatchReturnFlow,
		DlType: r.DLType, InvDlType: r.InvDLType, InvDlSrc: r.InvDLSrc}
	if r.NWSrc != nil {
		a := r.NWSrc.Addr().String()
		m.NwSrcAddress, m.NwSrcLength = &a, r.NWSrc.Bits()
	}
	if r.TPDst != nil {
		m.TpDst = &midonet.PortRange{Start: r.TPDst.Start, End: r.TPDst.End}
	}
	if r.DLSrc != "" {
		m.DlSrc = &r.DLSrc
	}
	if r.JumpChain != "" {
		m.JumpChainID = &jump
	}
	if r.IPAddrGroupSrc != "" {
		m.IPAddrGroupSrc = &group
	}
	return m
}

// buildLikeEucanetd builds smallTopology by raw client calls with server-chosen (random) ids,
// and returns the ids by fragment key.
func buildLikeEucanetd(t *testing.T, e *env) map[string]string {
	t.Helper()
	c, ctx := e.raw, e.ctx
	ids := map[string]string{}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f := smallTopology()
	group, err := c.CreateIPAddrGroup(ctx, &midonet.IPAddrGroup{Name: sgPriv})
	must(err)
	ids["ipaddrgroup:"+sgPriv] = group.ID
	for _, a := range f.AddrGroups[0].Addresses {
		_, err := c.AddIPAddrGroupAddr(ctx, group.ID, &midonet.IPAddrGroupAddr{Addr: a.String()})
		must(err)
	}
	chainIDs := map[string]string{}
	for _, ch := range f.Chains {
		got, err := c.CreateChain(ctx, &midonet.Chain{Name: ch.Name})
		must(err)
		chainIDs[ch.Name] = got.ID
		ids["chain:"+ch.Name] = got.ID
		for i, r := range ch.Rules {
			m := rawRule(r, chainIDs[r.JumpChain], group.ID)
			m.Position = i + 1
			_, err := c.CreateRule(ctx, got.ID, m)
			must(err)
		}
	}
	rt, err := c.CreateRouter(ctx, &midonet.Router{Name: vpcRouter})
	must(err)
	ids["router:"+vpcRouter] = rt.ID
	br, err := c.CreateBridge(ctx, &midonet.Bridge{Name: subBridge, InboundFilterID: midonet.Ref(chainIDs[subInChain])})
	must(err)
	ids["bridge:"+subBridge] = br.ID
	rp, err := c.CreateRouterPort(ctx, rt.ID, &midonet.Port{PortAddress: "10.0.1.1", NetworkAddress: "10.0.1.0", NetworkLength: 24})
	must(err)
	bp, err := c.CreateBridgePort(ctx, br.ID, &midonet.Port{})
	must(err)
	must(c.LinkPorts(ctx, rp.ID, bp.ID))
	ids["port:"+rtPort.String()], ids["port:"+brPort.String()] = rp.ID, bp.ID
	route, err := c.CreateRoute(ctx, rt.ID, &midonet.Route{SrcNetworkAddr: "0.0.0.0", DstNetworkAddr: "10.0.1.0", DstNetworkLength: 24,
		Type: midonet.RouteTypeNormal, NextHopPort: &rp.ID})
	must(err)
	ids[f.Routes[0].Key()] = route.ID
	vm, err := c.CreateBridgePort(ctx, br.ID, &midonet.Port{InboundFilterID: midonet.Ref(chainIDs[ifPreChain])})
	must(err)
	ids["port:"+ifPort.String()] = vm.ID
	_, err = c.BindPort(ctx, sim.HostID("node-1"), &midonet.HostInterfacePort{PortID: vm.ID, InterfaceName: ifTap})
	must(err)
	_, err = c.CreateDHCPSubnet(ctx, br.ID, &midonet.DHCPSubnet{SubnetPrefix: "10.0.1.0", SubnetLength: 24, DefaultGateway: "10.0.1.1",
		DNSServerAddrs: []string{"10.111.5.11"}})
	must(err)
	_, err = c.CreateDHCPHost(ctx, br.ID, "10.0.1.0/24", &midonet.DHCPHost{MacAddr: ifMAC, IPAddr: "10.0.1.10", Name: "i-0000aaaa",
		ExtraDHCPOpts: []midonet.ExtraDHCPOpt{{OptName: "domain_search", OptValue: "eucalyptus.internal"}}})
	must(err)
	_, err = c.CreateARPEntry(ctx, br.ID, &midonet.IP4Mac{IP: "10.0.1.2", MAC: rp.PortMAC})
	must(err)
	_, err = c.CreateARPEntry(ctx, br.ID, &midonet.IP4Mac{IP: "10.0.1.10", MAC: ifMAC})
	must(err)
	_, err = c.CreateMACEntry(ctx, br.ID, &midonet.MacPort{MacAddr: ifMAC, PortID: vm.ID})
	must(err)
	return ids
}

func TestAdoptionOfAnExistingTopologyCostsNoWrite(t *testing.T) {
	e := newEnv(t, sim.Options{})
	built := buildLikeEucanetd(t, e)
	e.reload()
	e.reset()
	res := e.sync(smallTopology(), nil)
	if res.Writes != 0 || len(e.writes()) != 0 {
		t.Fatalf("adoption made %d writes:%s", res.Writes, describe(e.writes()))
	}
	for key, id := range built {
		if res.IDs[key] != id {
			t.Errorf("%s adopted as %q, built as %q", key, res.IDs[key], id)
		}
	}
	// Adopted ids are recorded like created ones: the next sync is still free.
	e.reset()
	if again := e.sync(smallTopology(), res.Owned); again.Writes != 0 {
		t.Fatalf("second sync after adoption made %d writes", again.Writes)
	}
}

// TestAdoptionNarrowsEucanetdsDHCPAccept: eucanetd's DHCP accept of sc_<subnet>_in (UDP to
// 67–68 from anywhere) becomes midovpc's (not from the VPC router's port) in place: one insert
// and one delete, the rule keeping its position, the rest of the chain untouched.
func TestAdoptionNarrowsEucanetdsDHCPAccept(t *testing.T) {
	e := newEnv(t, sim.Options{})
	built := buildLikeEucanetd(t, e)
	e.reload()
	e.reset()
	f := smallTopology()
	dhcp := &f.Chains[0].Rules[1]
	dhcp.InPorts, dhcp.InvInPorts = []topology.PortRef{brPort}, true
	res := e.sync(f, nil)
	if res.Writes != 2 {
		t.Fatalf("adoption with the narrowed DHCP accept made %d writes, want 2 (insert, delete):%s", res.Writes, describe(e.writes()))
	}
	rules := e.chainRules(subInChain)
	if len(rules) != 2 {
		t.Fatalf("%s has %d rules, want 2", subInChain, len(rules))
	}
	got := rules[1]
	if !got.InvInPorts || len(got.InPorts) != 1 || got.InPorts[0] != built["port:"+brPort.String()] || got.TpDst == nil || got.TpDst.Start != 67 {
		t.Errorf("rule 2 of %s = %+v, want the DHCP accept not from the router's bridge port %s", subInChain, got, built["port:"+brPort.String()])
	}
}
