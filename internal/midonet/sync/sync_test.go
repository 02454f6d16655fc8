package sync_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	msync "github.com/midovpc/midovpc/internal/midonet/sync"
	"github.com/midovpc/midovpc/internal/topology"
)

func TestSyncBuildsTopologyThenWritesNothing(t *testing.T) {
	e := newEnv(t, sim.Options{})
	f := smallTopology()

	first := e.sync(f, nil)
	if first.Writes == 0 || first.Writes != len(e.writes()) {
		t.Fatalf("first sync: %d writes reported, emulator saw %d:%s", first.Writes, len(e.writes()), describe(e.writes()))
	}
	for _, k := range f.Keys() {
		if first.IDs[k] == "" {
			t.Errorf("no id for %s", k)
		}
	}

	// What a user would notice: the link, the binding, the filters, the rule order.
	rt, _ := e.raw.GetPort(e.ctx, first.IDs["port:"+rtPort.String()])
	br, _ := e.raw.GetPort(e.ctx, first.IDs["port:"+brPort.String()])
	if midonet.Deref(rt.PeerID) != br.ID || midonet.Deref(br.PeerID) != rt.ID {
		t.Errorf("router port and bridge port are not linked: %v / %v", rt.PeerID, br.PeerID)
	}
	vm, _ := e.raw.GetPort(e.ctx, first.IDs["port:"+ifPort.String()])
	if midonet.Deref(vm.InterfaceName) != ifTap || midonet.Deref(vm.HostID) != sim.HostID("node-1") {
		t.Errorf("interface port bound to %v on %v, want %s on node-1", vm.InterfaceName, vm.HostID, ifTap)
	}
	if midonet.Deref(vm.InboundFilterID) != first.IDs["chain:"+ifPreChain] {
		t.Errorf("interface port inbound filter %v, want %s", vm.InboundFilterID, ifPreChain)
	}
	rules := e.chainRules(sgIngress)
	if len(rules) != len(sgRules()) || rules[0].TpDst == nil || rules[0].TpDst.Start != 22 {
		t.Errorf("sg chain has %d rules, first %+v", len(rules), rules[0])
	}
	arp, _ := e.raw.ListARPEntries(e.ctx, first.IDs["bridge:"+subBridge])
	if !slices.ContainsFunc(arp, func(a midonet.IP4Mac) bool { return a.IP == "10.0.1.2" && a.MAC == rt.PortMAC }) {
		t.Errorf("dot2 ARP entry does not carry the router port's MAC %s: %+v", rt.PortMAC, arp)
	}

	e.reset()
	second := e.sync(f, first.Owned)
	if second.Writes != 0 || len(e.sim.Server.Requests()) != 0 {
		t.Fatalf("second sync: %d writes, %d requests:%s", second.Writes, len(e.sim.Server.Requests()), describe(e.sim.Server.Requests()))
	}
	if !slices.Equal(second.Owned, first.Owned) {
		t.Errorf("owned ids changed between syncs")
	}

	// A restarted manager (fresh index, empty registry) agrees.
	e.reload()
	e.reset()
	third := e.sync(f, first.Owned)
	if third.Writes != 0 || len(e.writes()) != 0 {
		t.Fatalf("sync after restart: %d writes:%s", third.Writes, describe(e.writes()))
	}
}

func TestSyncUpdatesOnlyWhatDiffers(t *testing.T) {
	e := newEnv(t, sim.Options{})
	f := smallTopology()
	first := e.sync(f, nil)

	// New DNS server and gateway-less filters: one DHCP PUT, one bridge PUT, nothing else.
	f.DHCPSubnets[0].DNSServers = append(f.DHCPSubnets[0].DNSServers, ip("10.111.5.12"))
	f.Bridges[0].InboundFilter = ""
	e.reset()
	res := e.sync(f, first.Owned)
	if res.Updated != 2 || res.Writes != 2 {
		t.Fatalf("got %d writes (%d updates), want 2 updates:%s", res.Writes, res.Updated, describe(e.writes()))
	}
	sub, err := e.raw.GetDHCPSubnet(e.ctx, first.IDs["bridge:"+subBridge], "10.0.1.0/24")
	if err != nil || len(sub.DNSServerAddrs) != 2 || sub.DefaultGateway != "10.0.1.1" {
		t.Fatalf("DHCP subnet after update: %+v, %v (PUT must re-send every field)", sub, err)
	}
	// The chain no longer used as a filter is still the owner's: it stays.
	if len(e.chainRules(subInChain)) != 2 {
		t.Errorf("chain %s lost its rules", subInChain)
	}
}

func TestSyncDeletesWhatTheOwnerNoLongerWants(t *testing.T) {
	e := newEnv(t, sim.Options{})
	f := smallTopology()
	first := e.sync(f, nil)

	g := smallTopology()
	g.Chains = g.Chains[:2] // drop ic_i-0000aaaa_prechain …
	g.Ports = g.Ports[:2]   // … the interface port that used it …
	g.MACEntries = nil      // … and its MAC entry
	g.AddrGroups[0].Addresses = g.AddrGroups[0].Addresses[:1]
	e.reset()
	res := e.sync(g, first.Owned)
	// Deleted: the address, the MAC entry, the port, the chain.
	if res.Deleted != 4 || res.Created != 0 {
		t.Fatalf("deleted %d, created %d, want 4 and 0:%s", res.Deleted, res.Created, describe(e.writes()))
	}
	if slices.Contains(res.Owned, first.IDs["chain:"+ifPreChain]) {
		t.Errorf("deleted chain still listed as owned")
	}
	if _, err := e.raw.GetChain(e.ctx, first.IDs["chain:"+ifPreChain]); !midonet.IsNotFound(err) {
		t.Errorf("chain %s still exists: %v", ifPreChain, err)
	}

	// Delete removes the rest, tolerating what is already gone.
	del, err := e.eng.Delete(e.ctx, &g, res.Owned)
	if err != nil {
		t.Fatal(err)
	}
	routers, _ := e.raw.ListRouters(e.ctx, tenant)
	bridges, _ := e.raw.ListBridges(e.ctx, tenant)
	chains, _ := e.raw.ListChains(e.ctx, tenant)
	if len(routers)+len(bridges)+len(chains) != 0 || len(del.Owned) != 0 {
		t.Fatalf("after Delete: %d routers, %d bridges, %d chains, owned %v", len(routers), len(bridges), len(chains), del.Owned)
	}
	groups, _ := e.raw.ListIPAddrGroups(e.ctx)
	if len(groups) != 0 {
		t.Errorf("group left after Delete: %+v", groups)
	}
}

func TestSyncReportsMissingDependencies(t *testing.T) {
	e := newEnv(t, sim.Options{})
	tests := []struct {
		name string
		frag topology.Fragment
		want string
	}{
		{"port on another owner's bridge not synced yet", topology.Fragment{
			Owner: topology.Owner{Kind: topology.KindVpc, Name: "vpc-1a2b3c4d"},
			Ports: []topology.Port{{Ref: ref("eucabr", "vpc:vpc-1a2b3c4d"), Kind: topology.BridgePort}},
		}, "bridge eucabr"},
		{"jump to a chain nobody created", topology.Fragment{
			Owner:  topology.Owner{Kind: topology.KindNetworkInterface, Name: "eni-1"},
			Chains: []topology.Chain{{Name: "ic_i-0000bbbb_prechain", Rules: []topology.Rule{{Type: topology.RuleJump, JumpChain: "sg_ingress_sg-00000000"}}}},
		}, "chain sg_ingress_sg-00000000"},
		{"bind on a host without tunnel zone", topology.Fragment{
			Owner:   topology.Owner{Kind: topology.KindSubnet, Name: "s"},
			Bridges: []topology.Bridge{{Name: "vb_vpc-1a2b3c4d_subnet-33334444"}},
			Ports: []topology.Port{{Ref: ref("vb_vpc-1a2b3c4d_subnet-33334444", "if:i-0000cccc"), Kind: topology.BridgePort,
				Binding: &topology.Binding{Host: topology.HostRef{Name: "10.111.1.7"}, Interface: "vn_i-0000cccc"}}},
		}, "tunnel zone"},
		{"bind on a dead host", topology.Fragment{
			Owner:   topology.Owner{Kind: topology.KindSubnet, Name: "s2"},
			Bridges: []topology.Bridge{{Name: "vb_vpc-1a2b3c4d_subnet-55554444"}},
			Ports: []topology.Port{{Ref: ref("vb_vpc-1a2b3c4d_subnet-55554444", "if:i-0000dddd"), Kind: topology.BridgePort,
				Binding: &topology.Binding{Host: topology.HostRef{Name: "10.111.1.9"}, Interface: "vn_i-0000dddd"}}},
		}, "MidoNet host 10.111.1.9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.eng.Sync(e.ctx, &tc.frag, nil)
			var de *msync.DependencyError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a DependencyError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %q", err, tc.want)
			}
		})
	}
}

// HeldRoutes finds, without a request or a record, the routes of a fragment that MidoNet
// holds: the same route as the converged one, after a restart too; not one that differs in its
// gateway, nor one whose next-hop port MidoNet does not hold.
func TestHeldRoutesWritesAndRecordsNothing(t *testing.T) {
	e := newEnv(t, sim.Options{})
	f := smallTopology()
	first := e.sync(f, nil)
	held := f.Routes[0]
	otherGateway := held
	otherGateway.Gateway = ip("10.0.1.7")
	noPort := held
	noPort.NextHopPort = topology.PortRef{Device: vpcRouter, Role: "nowhere"}
	probe := topology.Fragment{Owner: topology.Owner{Kind: topology.KindSubnet, Namespace: "euca", Name: "another"},
		Routes: []topology.Route{otherGateway, held, noPort}}

	for _, restarted := range []bool{false, true} {
		if restarted {
			e.reload()
		}
		e.reset()
		got, err := e.eng.HeldRoutes(e.ctx, &probe)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Key() != held.Key() {
			t.Errorf("restarted %v: held %v, want only %s", restarted, got, held.Key())
		}
		if n := len(e.sim.Server.Requests()); n != 0 {
			t.Errorf("restarted %v: %d requests:%s", restarted, n, describe(e.sim.Server.Requests()))
		}
	}
	// Nothing was recorded for the probe's owner: the converged owner still syncs with 0 writes.
	e.reset()
	if res := e.sync(f, first.Owned); res.Writes != 0 {
		t.Errorf("sync after HeldRoutes: %d writes:%s", res.Writes, describe(e.writes()))
	}
}
