package topoview

import (
	"slices"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
)

func TestRuleSummary(t *testing.T) {
	sgChain := &Ref{ID: "c1", Name: "sg_egress_sg-55556666"}
	for _, tc := range []struct {
		name string
		rule Rule
		want string
	}{
		{
			name: "drop with inverted fields",
			rule: Rule{Position: 1, Type: "drop", Raw: &midonet.Rule{Type: "drop", DlType: midonet.Int(midonet.DlTypeARP),
				NwSrcAddress: midonet.Ref("10.0.1.10"), NwSrcLength: 32, InvNwSrc: true, FragmentPolicy: "any"}},
			want: "#1 drop dlType=arp nwSrc!=10.0.1.10/32",
		},
		{
			name: "jump names its target",
			rule: Rule{Position: 8, Type: "jump", JumpChain: sgChain, Raw: &midonet.Rule{Type: "jump"}},
			want: "#8 jump → sg_egress_sg-55556666",
		},
		{
			name: "jump to a deleted chain shows its id",
			rule: Rule{Position: 2, Type: "jump", JumpChain: &Ref{ID: "dead", Missing: true}, Raw: &midonet.Rule{Type: "jump"}},
			want: "#2 jump → ?dead",
		},
		{
			name: "L4 match hides the default header policy",
			rule: Rule{Position: 3, Type: "accept", Raw: &midonet.Rule{Type: "accept", NwProto: midonet.Int(6),
				TpDst: &midonet.PortRange{Start: 22, End: 22}, FragmentPolicy: "header"}},
			want: "#3 accept nwProto=tcp tpDst=22",
		},
		{
			name: "a policy other than the default is shown",
			rule: Rule{Position: 3, Type: "accept", Raw: &midonet.Rule{Type: "accept", NwProto: midonet.Int(17),
				TpDst: &midonet.PortRange{Start: 67, End: 68}, FragmentPolicy: "unfragmented"}},
			want: "#3 accept nwProto=udp tpDst=67-68 fragmentPolicy=unfragmented",
		},
		{
			name: "snat with a group and port range",
			rule: Rule{Position: 1, Type: "snat", IPAddrGroupSrc: &Ref{ID: "g", Name: "elip_post_i-0000aaaa"},
				Raw: &midonet.Rule{Type: "snat", FlowAction: "continue", FragmentPolicy: "unfragmented",
					NatTargets: []midonet.NatTarget{{AddressFrom: "203.0.113.7", AddressTo: "203.0.113.9", PortFrom: 1024, PortTo: 65535}}}},
			want: "#1 snat ipAddrGroupSrc=elip_post_i-0000aaaa → 203.0.113.7-203.0.113.9:1024-65535 flowAction=continue",
		},
		{
			name: "in ports, port group, masked MAC, flags",
			rule: Rule{Position: 4, Type: "accept",
				InPorts:     []PortRef{{ID: "p", Device: "eucart", Address: "10.111.5.80"}},
				InPortGroup: &Ref{ID: "pg", Name: "eucapg"},
				Raw: &midonet.Rule{Type: "accept", DlDst: midonet.Ref("01:00:00:00:00:00"), DlDstMask: midonet.Ref("0100.0000.0000"),
					InvInPortGroup: true, MatchForwardFlow: true, CondInvert: true, NwProto: midonet.Int(132)}},
			want: "#4 accept inPorts=eucart[10.111.5.80] inPortGroup!=eucapg dlDst=01:00:00:00:00:00/0100.0000.0000 nwProto=132 forwardFlow invert",
		},
		{
			name: "rev_dnat",
			rule: Rule{Position: 1, Type: "rev_dnat", Raw: &midonet.Rule{Type: "rev_dnat", FlowAction: "accept", FragmentPolicy: "any"}},
			want: "#1 rev_dnat flowAction=accept",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ruleSummary(&tc.rule); got != tc.want {
				t.Errorf("ruleSummary =\n  %s\nwant\n  %s", got, tc.want)
			}
		})
	}
}

func TestLinkRole(t *testing.T) {
	for _, tc := range []struct {
		router       string
		subnetBridge bool
		want         string
	}{
		{"eucart", false, "eucart"},
		{"eucamdrt", false, "eucamdrt"},
		{"vr_vpc-1a2b3c4d_2", false, "vpc:vpc-1a2b3c4d"},
		{"vr_vpc-1a2b3c4d_2", true, "router"},
		{"natr_nat-0c1d2e3f4a5b6c7d8_subnet-11aa22bb_3", true, "nat:nat-0c1d2e3f4a5b6c7d8"},
		{"natr_nat-0c1d2e3f4a5b6c7d8_subnet-11aa22bb_3", false, "nat:nat-0c1d2e3f4a5b6c7d8"},
		{"somebody-router", false, "somebody-router"},
	} {
		if got := linkRole(tc.router, tc.subnetBridge); got != tc.want {
			t.Errorf("linkRole(%q, subnet bridge %v) = %q, want %q", tc.router, tc.subnetBridge, got, tc.want)
		}
	}
}

func TestRouterAndBridgeOrder(t *testing.T) {
	topo := &Topology{
		Routers: []Router{{Name: "zzz"}, {Name: "natr_nat-0c1d2e3f4a5b6c7d8_subnet-11aa22bb_3"}, {Name: "vr_vpc-1a2b3c4d_2"}, {Name: "eucamdrt"}, {Name: "eucart"}},
		Bridges: []Bridge{{Name: "aaa"}, {Name: "vb_vpc-1a2b3c4d_subnet-11112222"}, {Name: "eucamdbr"}, {Name: "eucabr"}},
	}
	sortTopology(topo)
	var routers, bridges []string
	for _, r := range topo.Routers {
		routers = append(routers, r.Name)
	}
	for _, b := range topo.Bridges {
		bridges = append(bridges, b.Name)
	}
	wantRouters := []string{"eucart", "eucamdrt", "vr_vpc-1a2b3c4d_2", "natr_nat-0c1d2e3f4a5b6c7d8_subnet-11aa22bb_3", "zzz"}
	wantBridges := []string{"eucabr", "eucamdbr", "vb_vpc-1a2b3c4d_subnet-11112222", "aaa"}
	if !slices.Equal(routers, wantRouters) || !slices.Equal(bridges, wantBridges) {
		t.Errorf("order: routers %v bridges %v, want %v and %v", routers, bridges, wantRouters, wantBridges)
	}
}
