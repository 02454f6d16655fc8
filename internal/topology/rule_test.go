package topology

import (
	"net/netip"
	"testing"
)

func ip(s string) netip.Addr       { return netip.MustParseAddr(s) }
func pfx(s string) *netip.Prefix   { p := netip.MustParsePrefix(s); return &p }
func n(v int) *int                 { return &v }
func rng(a, b int) *Range          { return &Range{Start: a, End: b} }
func nat(a string) []NATTarget     { return []NATTarget{{AddressFrom: ip(a), AddressTo: ip(a)}} }
func ref(d, r string) PortRef      { return PortRef{Device: d, Role: r} }
func refs(rs ...PortRef) []PortRef { return rs }

func TestRuleEqualNormalisation(t *testing.T) {
	tests := []struct {
		name  string
		a, b  Rule
		equal bool
	}{
		{"identical", Rule{Type: RuleAccept, NWProto: n(6)}, Rule{Type: RuleAccept, NWProto: n(6)}, true},
		{"fragment policy default any", Rule{Type: RuleAccept}, Rule{Type: RuleAccept, FragmentPolicy: FragmentAny}, true},
		{"fragment policy default header with tpDst",
			Rule{Type: RuleAccept, NWProto: n(6), TPDst: rng(22, 22)},
			Rule{Type: RuleAccept, NWProto: n(6), TPDst: rng(22, 22), FragmentPolicy: FragmentHeader}, true},
		{"fragment policy header with tpSrc (ICMP type)",
			Rule{Type: RuleAccept, NWProto: n(1), TPSrc: rng(8, 8)},
			Rule{Type: RuleAccept, NWProto: n(1), TPSrc: rng(8, 8), FragmentPolicy: "HEADER"}, true},
		{"explicit unfragmented differs from default header",
			Rule{Type: RuleAccept, TPDst: rng(22, 22)},
			Rule{Type: RuleAccept, TPDst: rng(22, 22), FragmentPolicy: FragmentUnfragmented}, false},
		{"explicit any differs when tp set (header default)",
			Rule{Type: RuleAccept, TPDst: rng(22, 22)},
			Rule{Type: RuleAccept, TPDst: rng(22, 22), FragmentPolicy: FragmentAny}, false},
		{"floating NAT defaults to any",
			Rule{Type: RuleDNAT, FlowAction: FlowContinue, NWDst: pfx("203.0.113.7/32"), NATTargets: nat("10.0.1.10")},
			Rule{Type: RuleDNAT, FlowAction: FlowContinue, NWDst: pfx("203.0.113.7/32"), NATTargets: nat("10.0.1.10"), FragmentPolicy: FragmentAny}, true},
		{"port-translating NAT defaults to unfragmented",
			Rule{Type: RuleSNAT, FlowAction: FlowAccept, NATTargets: []NATTarget{{ip("1.2.3.4"), ip("1.2.3.4"), 1024, 65535}}},
			Rule{Type: RuleSNAT, FlowAction: FlowAccept, NATTargets: []NATTarget{{ip("1.2.3.4"), ip("1.2.3.4"), 1024, 65535}}, FragmentPolicy: FragmentUnfragmented}, true},
		{"MACs compare in lower case",
			Rule{Type: RuleDrop, DLSrc: "D0:0D:00:00:BB:BB", InvDLSrc: true},
			Rule{Type: RuleDrop, DLSrc: "d0:0d:00:00:bb:bb", InvDLSrc: true}, true},
		{"no address equals an invalid prefix (length 0, null address)",
			Rule{Type: RuleAccept, NWSrc: &netip.Prefix{}},
			Rule{Type: RuleAccept}, true},
		{"null address differs from 0.0.0.0/0",
			Rule{Type: RuleAccept, NWSrc: pfx("0.0.0.0/0")},
			Rule{Type: RuleAccept}, false},
		{"inversion flag matters",
			Rule{Type: RuleDrop, NWSrc: pfx("10.0.1.10/32"), InvNWSrc: true},
			Rule{Type: RuleDrop, NWSrc: pfx("10.0.1.10/32")}, false},
		{"broader rule is not a narrower one (decision (a), no subset match)",
			Rule{Type: RuleAccept, NWProto: n(1), NWSrc: pfx("0.0.0.0/0")},
			Rule{Type: RuleAccept, NWProto: n(1), NWSrc: pfx("0.0.0.0/0"), TPSrc: rng(8, 8)}, false},
		{"plain MAC-spoof drop is not the ARP_SHA drop",
			Rule{Type: RuleDrop, DLSrc: "d0:0d:00:00:bb:bb", InvDLSrc: true},
			Rule{Type: RuleDrop, DLSrc: "d0:0d:00:00:bb:bb", InvDLSrc: true, DLType: n(2054)}, false},
		{"nwProto nil differs from 0", Rule{Type: RuleAccept, NWProto: n(0)}, Rule{Type: RuleAccept}, false},
		{"port lists compare as sets",
			Rule{Type: RuleSNAT, OutPorts: refs(ref("r", "a"), ref("r", "b")), FlowAction: FlowAccept, NATTargets: nat("1.1.1.1")},
			Rule{Type: RuleSNAT, OutPorts: refs(ref("r", "b"), ref("r", "a")), FlowAction: FlowAccept, NATTargets: nat("1.1.1.1")}, true},
		{"empty port list equals nil", Rule{Type: RuleAccept, InPorts: []PortRef{}}, Rule{Type: RuleAccept}, true},
		{"jump target matters", Rule{Type: RuleJump, JumpChain: "sg_ingress_sg-1"}, Rule{Type: RuleJump, JumpChain: "sg_ingress_sg-2"}, false},
		{"group source vs destination", Rule{Type: RuleAccept, IPAddrGroupSrc: "g"}, Rule{Type: RuleAccept, IPAddrGroupDst: "g"}, false},
		{"type case", Rule{Type: "ACCEPT"}, Rule{Type: RuleAccept}, true},
		{"condInvert matters", Rule{Type: RuleAccept, CondInvert: true}, Rule{Type: RuleAccept}, false},
		{"return flow matters", Rule{Type: RuleAccept, MatchReturnFlow: true}, Rule{Type: RuleAccept, MatchForwardFlow: true}, false},
		{"NAT ports matter",
			Rule{Type: RuleSNAT, FlowAction: FlowAccept, NATTargets: []NATTarget{{ip("1.1.1.1"), ip("1.1.1.1"), 1024, 65535}}},
			Rule{Type: RuleSNAT, FlowAction: FlowAccept, NATTargets: nat("1.1.1.1")}, false},
		{"flow action matters",
			Rule{Type: RuleDNAT, FlowAction: FlowAccept, NATTargets: nat("1.1.1.1")},
			Rule{Type: RuleDNAT, FlowAction: FlowContinue, NATTargets: nat("1.1.1.1")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Equal(tt.b); got != tt.equal {
				t.Errorf("Equal = %v, want %v\n a: %s\n b: %s", got, tt.equal, tt.a.Key(), tt.b.Key())
			}
			if got := tt.b.Equal(tt.a); got != tt.equal {
				t.Errorf("Equal is not symmetric")
			}
		})
	}
}

func TestRuleStringAndNormalizeDoNotAlias(t *testing.T) {
	r := Rule{Type: RuleSNAT, OutPorts: refs(ref("r", "b"), ref("r", "a")), FlowAction: FlowAccept,
		NWSrc: pfx("10.0.0.0/16"), NATTargets: nat("1.1.1.1")}
	n := r.Normalize()
	n.OutPorts[0].Role = "changed"
	n.NWSrc = pfx("0.0.0.0/0")
	if r.OutPorts[0].Role != "b" || r.NWSrc.String() != "10.0.0.0/16" {
		t.Fatalf("Normalize modified its receiver: %s", r)
	}
	got := Rule{Type: RuleDrop, DLType: n2054(), InvDLType: true, NWSrc: pfx("10.0.1.10/32"), InvNWSrc: true}.String()
	if got != "drop dlType!=2054 nwSrc!=10.0.1.10/32" {
		t.Errorf("String = %q", got)
	}
	if got := (Rule{Type: RuleDrop, InvNWDst: true}).String(); got != "drop !nwDst" {
		t.Errorf("String of a bare inversion = %q", got)
	}
}

func n2054() *int { return n(2054) }
