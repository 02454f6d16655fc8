package trace

import (
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/topoview"
)

func sp(s string) *string { return &s }
func ip(n int) *int       { return &n }

// chainNet is one bridge with two bound ports (a: 10.0.0.1, b: 10.0.0.2); b's outbound
// filter is "main", with the rules given, plus chains "sub" and "sub2" to jump to.
func chainNet(main, sub, sub2 []midonet.Rule) *Network {
	s := &topoview.Snapshot{
		Format: topoview.SnapshotFormat, Tenant: "t",
		Bridges: []midonet.Bridge{{ID: "br", TenantID: "t", Name: "vb_vpc-1_subnet-1"}},
		Chains:  []midonet.Chain{{ID: "main", Name: "ic_b_postchain"}, {ID: "sub", Name: "sub"}, {ID: "sub2", Name: "sub2"}, {ID: "pa", Name: "ic_a_prechain"}},
		Ports: []midonet.Port{
			{ID: "pa", DeviceID: "br", Type: "Bridge", InterfaceName: sp("vn_a"), InboundFilterID: sp("pa")},
			{ID: "pb", DeviceID: "br", Type: "Bridge", InterfaceName: sp("vn_b"), InboundFilterID: sp("pb"), OutboundFilterID: sp("main")},
		},
		Rules:       map[string][]midonet.Rule{"main": main, "sub": sub, "sub2": sub2},
		MACEntries:  map[string][]midonet.MacPort{"br": {{MacAddr: "02:00:00:00:00:0a", PortID: "pa"}, {MacAddr: "02:00:00:00:00:0b", PortID: "pb"}}},
		ARPEntries:  map[string][]midonet.IP4Mac{"br": {{IP: "10.0.0.1", MAC: "02:00:00:00:00:0a"}, {IP: "10.0.0.2", MAC: "02:00:00:00:00:0b"}}},
		DHCPSubnets: map[string][]topoview.DHCPSubnetDump{"br": {{Subnet: midonet.DHCPSubnet{SubnetPrefix: "10.0.0.0", SubnetLength: 24, DefaultGateway: "10.0.0.254"}, Hosts: []midonet.DHCPHost{{MacAddr: "02:00:00:00:00:0a", IPAddr: "10.0.0.1", Name: "a"}, {MacAddr: "02:00:00:00:00:0b", IPAddr: "10.0.0.2", Name: "b"}}}}},
	}
	s.Chains = append(s.Chains, midonet.Chain{ID: "pb", Name: "ic_b_prechain"})
	for _, rs := range s.Rules {
		for i := range rs {
			rs[i].Position = i + 1
		}
	}
	return NewNetwork(s)
}

func jump(to string) midonet.Rule { return midonet.Rule{Type: "jump", JumpChainID: sp(to)} }

// TestChainSemantics follows MidoNet's Chain.scala: first verdict wins, also from a jumped-to
// chain; return and an exhausted chain go on after the jump; jumps to missing or already
// entered chains are ignored; no verdict accepts; NAT rules rewrite then act.
func TestChainSemantics(t *testing.T) {
	drop := midonet.Rule{Type: "drop"}
	accept := midonet.Rule{Type: "accept"}
	tcp22 := midonet.Rule{Type: "accept", NwProto: ip(6), TpDst: &midonet.PortRange{Start: 22, End: 22}}
	for _, tc := range []struct {
		name             string
		main, sub, sub2  []midonet.Rule
		want, wantReason string
	}{
		{"first verdict wins", []midonet.Rule{tcp22, drop}, nil, nil, Delivered, ""},
		{"no verdict accepts", []midonet.Rule{{Type: "drop", NwProto: ip(17)}}, nil, nil, Delivered, ""},
		{"drop inside a jump ends the filter", []midonet.Rule{jump("sub"), accept}, []midonet.Rule{drop}, nil, Dropped, "drop by sub #1"},
		{"return goes on after the jump", []midonet.Rule{jump("sub"), drop}, []midonet.Rule{{Type: "return"}, accept}, nil, Dropped, "ic_b_postchain #2"},
		{"exhausted chain goes on after the jump", []midonet.Rule{jump("sub"), drop}, []midonet.Rule{{Type: "drop", NwProto: ip(1)}}, nil, Dropped, "ic_b_postchain #2"},
		{"jump to a missing chain is ignored", []midonet.Rule{jump("gone"), drop}, nil, nil, Dropped, "ic_b_postchain #2"},
		{"a chain entered twice is skipped", []midonet.Rule{jump("sub"), jump("sub"), drop}, []midonet.Rule{jump("sub2")}, []midonet.Rule{{Type: "reject", NwProto: ip(17)}}, Dropped, "ic_b_postchain #3"},
		{"reject stops", []midonet.Rule{{Type: "reject"}}, nil, nil, Dropped, "reject by ic_b_postchain #1"},
		{"inverted condition", []midonet.Rule{{Type: "drop", NwSrcAddress: sp("10.0.0.1"), NwSrcLength: 32, InvNwSrc: true}}, nil, nil, Delivered, ""},
		{"condInvert", []midonet.Rule{{Type: "drop", NwProto: ip(6), CondInvert: true}}, nil, nil, Delivered, ""},
		{"return flow does not match a forward packet", []midonet.Rule{{Type: "accept", MatchReturnFlow: true}, drop}, nil, nil, Dropped, "#2"},
		{"dnat continue rewrites, the next rule sees it", []midonet.Rule{
			{Type: "dnat", FlowAction: "continue", NatTargets: []midonet.NatTarget{{AddressFrom: "10.0.0.9", AddressTo: "10.0.0.9"}}},
			{Type: "drop", NwDstAddress: sp("10.0.0.9"), NwDstLength: 32}}, nil, nil, Dropped, "ic_b_postchain #2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := chainNet(tc.main, tc.sub, tc.sub2)
			res, err := n.Trace("a", "b", Flow{Proto: ProtoTCP, SrcPort: 40000, DstPort: 22})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tc.want || !strings.Contains(res.Reason, tc.wantReason) {
				t.Errorf("%s (%s), want %s (%s):\n%s", res.Verdict, res.Reason, tc.want, tc.wantReason, res)
			}
		})
	}
}

// TestReplyIsAReturnFlow: a reply entering where the forward packet left, with its tuple
// reversed, matches returnFlow; a new connection the other way does not.
func TestReplyIsAReturnFlow(t *testing.T) {
	n := chainNet(nil, nil, nil)
	// b's outbound filter accepts everything (an empty chain); a's admits return flows and ssh.
	n.ports["pb"].OutboundFilterID = sp("sub")
	n.ports["pa"].OutboundFilterID = sp("main")
	n.rules["main"] = []midonet.Rule{
		{Position: 1, Type: "accept", MatchReturnFlow: true},
		{Position: 2, Type: "accept", NwProto: ip(6), TpDst: &midonet.PortRange{Start: 22, End: 22}},
		{Position: 3, Type: "drop"},
	}
	fwd, err := n.Trace("a", "b", Flow{Proto: ProtoTCP, SrcPort: 40000, DstPort: 8080})
	if err != nil || fwd.Verdict != Delivered {
		t.Fatalf("a → b: %v\n%s", err, fwd)
	}
	reply, err := n.TraceReply(fwd)
	if err != nil {
		t.Fatal(err)
	}
	if reply.Verdict != Delivered || !strings.Contains(reply.String(), "ic_b_postchain #1 accept: return flow") && !strings.Contains(reply.String(), "#1 accept: return flow") {
		t.Errorf("the reply to a → b:8080 must pass a's filter as a return flow:\n%s", reply)
	}
	fresh, _ := n.Trace("b", "a", Flow{Proto: ProtoTCP, SrcPort: 8080, DstPort: 40000})
	if fresh.Verdict != Dropped || !strings.Contains(fresh.Reason, "#3") {
		t.Errorf("the same packet as a new connection b → a is no return flow:\n%s", fresh)
	}
}
