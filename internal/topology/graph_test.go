package topology

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

var (
	core = Owner{Kind: KindCoreNetwork, Name: "default"}
	vpc1 = Owner{Kind: KindVpc, Namespace: "ns", Name: "vpc-1a2b3c4d"}
	vpc2 = Owner{Kind: KindVpc, Namespace: "ns", Name: "vpc-2b3c4d5e"}
	eip1 = Owner{Kind: KindElasticIP, Namespace: "ns", Name: "eip-1"}
	eip2 = Owner{Kind: KindElasticIP, Namespace: "ns", Name: "eip-2"}
	eni1 = Owner{Kind: KindNetworkInterface, Namespace: "ns", Name: "eni-1"}
)

func coreFragment() Fragment {
	rp, bp := ref("eucart", "eucabr"), ref("eucabr", "eucart")
	return Fragment{
		Owner:   core,
		Routers: []Router{{Name: "eucart"}},
		Bridges: []Bridge{{Name: "eucabr"}},
		Ports: []Port{
			{Ref: rp, Kind: RouterPort, Address: ip("169.254.0.1"), Network: netip.MustParsePrefix("169.254.0.0/17"), Peer: &bp},
			{Ref: bp, Kind: BridgePort, Peer: &rp},
		},
	}
}

func vpcFragment(o Owner) Fragment {
	return Fragment{Owner: o, Chains: []Chain{
		{Name: "vc_" + o.Name + "_prechain", Rules: []Rule{{Type: RuleJump, JumpChain: "vc_" + o.Name + "_preelip"}}},
		{Name: "vc_" + o.Name + "_preelip", Shared: true, Rules: []Rule{{Type: RuleAccept, MatchReturnFlow: true}}},
	}}
}

func eipFragment(o Owner, vpc, public, private string) Fragment {
	return Fragment{Owner: o,
		ChainRules: []ChainRules{{Chain: "vc_" + vpc + "_preelip", Placement: First, Rules: []Rule{{
			Type: RuleDNAT, FlowAction: FlowContinue, NWDst: pfx(public + "/32"), NATTargets: nat(private)}}}},
		Routes: []Route{{Router: "eucart", Src: netip.MustParsePrefix("0.0.0.0/0"), Dst: netip.MustParsePrefix(public + "/32"),
			NextHopPort: ref("eucart", "eucabr"), Gateway: ip("169.254.0.2"), Weight: 100, Type: RouteNormal}},
		GroupAddrs: []GroupAddrs{{Group: "elip_pre_i-0000aaaa", Addresses: []netip.Addr{ip(public)}}},
	}
}

func TestGraphMergeConflictNamesBothOwners(t *testing.T) {
	g := NewGraph()
	for _, f := range []Fragment{coreFragment(), vpcFragment(vpc1), eipFragment(eip1, vpc1.Name, "203.0.113.7", "10.0.1.10")} {
		if err := g.Merge(f); err != nil {
			t.Fatalf("merge %s: %v", f.Owner, err)
		}
	}
	// A second elastic IP claiming the same public address: same route, same DNAT rule.
	err := g.Merge(eipFragment(eip2, vpc1.Name, "203.0.113.7", "10.0.1.10"))
	if err == nil {
		t.Fatal("conflicting merge succeeded")
	}
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a ConflictError", err)
	}
	for _, want := range []string{eip1.String(), eip2.String(), "route:eucart:0.0.0.0/0>203.0.113.7/32"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if _, ok := g.Fragment(eip2); ok {
		t.Error("failed merge left the fragment in the graph")
	}
	// Two owners claiming the same router.
	dup := Fragment{Owner: vpc2, Routers: []Router{{Name: "eucart"}}}
	if err := g.Merge(dup); err == nil || !strings.Contains(err.Error(), "router:eucart is claimed by both CoreNetwork default and Vpc ns/vpc-2b3c4d5e") {
		t.Errorf("router conflict: %v", err)
	}
}

func TestGraphMergeReplacesSameOwner(t *testing.T) {
	g := NewGraph()
	if err := g.Merge(eipFragment(eip1, "vpc-1a2b3c4d", "203.0.113.7", "10.0.1.10")); err != nil {
		t.Fatal(err)
	}
	if err := g.Merge(eipFragment(eip1, "vpc-1a2b3c4d", "203.0.113.8", "10.0.1.10")); err != nil {
		t.Fatalf("re-merge of the same owner: %v", err)
	}
	if _, ok := g.OwnerOf(AddrKey("elip_pre_i-0000aaaa", ip("203.0.113.7"))); ok {
		t.Error("old claim survived replacement")
	}
	if o, ok := g.OwnerOf(AddrKey("elip_pre_i-0000aaaa", ip("203.0.113.8"))); !ok || o != eip1 {
		t.Errorf("new claim owner = %v, %v", o, ok)
	}
	// Now another owner may take the released address.
	if err := g.Merge(eipFragment(eip2, "vpc-1a2b3c4d", "203.0.113.7", "10.0.1.11")); err != nil {
		t.Errorf("released key not reusable: %v", err)
	}
	g.Remove(eip2)
	if len(g.Owners()) != 1 {
		t.Errorf("owners after remove = %v", g.Owners())
	}
}

func TestGraphSharedContainers(t *testing.T) {
	g := NewGraph()
	notShared := vpcFragment(vpc1)
	notShared.Chains[1].Shared = false
	if err := g.Merge(notShared); err != nil {
		t.Fatal(err)
	}
	err := g.Merge(eipFragment(eip1, vpc1.Name, "203.0.113.7", "10.0.1.10"))
	if err == nil || !strings.Contains(err.Error(), "is not shared") {
		t.Errorf("contribution to an unshared chain: %v", err)
	}
	// Shared: the desired list is contributions (First) then the owner's rules.
	if err := g.Merge(vpcFragment(vpc1)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []Fragment{eipFragment(eip1, vpc1.Name, "203.0.113.9", "10.0.1.10"), eipFragment(eip2, vpc1.Name, "203.0.113.8", "10.0.1.11")} {
		if err := g.Merge(f); err != nil {
			t.Fatal(err)
		}
	}
	rules, ok := g.ChainRules("vc_vpc-1a2b3c4d_preelip")
	if !ok || len(rules) != 3 {
		t.Fatalf("ChainRules = %v, %v", rules, ok)
	}
	if rules[0].NWDst.String() != "203.0.113.8/32" || rules[1].NWDst.String() != "203.0.113.9/32" || !rules[2].MatchReturnFlow {
		t.Errorf("order = %v", rules)
	}
	// Owner's group with contributions.
	ifr := Fragment{Owner: eni1, AddrGroups: []AddrGroup{{Name: "elip_pre_i-0000aaaa", Shared: true}}}
	if err := g.Merge(ifr); err != nil {
		t.Fatal(err)
	}
	addrs, ok := g.GroupAddresses("elip_pre_i-0000aaaa")
	if !ok || !slices.Equal(addrs, []netip.Addr{ip("203.0.113.8"), ip("203.0.113.9")}) {
		t.Errorf("GroupAddresses = %v, %v", addrs, ok)
	}
	// The owner may not make it unshared while others contribute.
	ifr.AddrGroups[0].Shared = false
	if err := g.Merge(ifr); err == nil {
		t.Error("unsharing a group with contributions succeeded")
	}
}

func TestGraphCheckFindsDanglingReferences(t *testing.T) {
	g := NewGraph()
	if err := g.Merge(eipFragment(eip1, vpc1.Name, "203.0.113.7", "10.0.1.10")); err != nil {
		t.Fatal(err)
	}
	errs := g.Check()
	var text []string
	for _, e := range errs {
		text = append(text, e.Error())
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"router:eucart is missing", "port:eucart[eucabr] is missing",
		"chain:vc_vpc-1a2b3c4d_preelip is missing", "ipaddrgroup:elip_pre_i-0000aaaa is missing"} {
		if !strings.Contains(all, want) {
			t.Errorf("Check does not report %q:\n%s", want, all)
		}
	}
	for _, f := range []Fragment{coreFragment(), vpcFragment(vpc1), {Owner: eni1, AddrGroups: []AddrGroup{{Name: "elip_pre_i-0000aaaa", Shared: true}}}} {
		if err := g.Merge(f); err != nil {
			t.Fatal(err)
		}
	}
	if errs := g.Check(); len(errs) != 0 {
		t.Errorf("complete graph reports %v", errs)
	}
}

func TestFragmentValidate(t *testing.T) {
	a, b := ref("r", "x"), ref("br", "y")
	tests := []struct {
		name string
		f    Fragment
		want string
	}{
		{"no owner", Fragment{}, "no owner"},
		{"duplicate", Fragment{Owner: vpc1, Routers: []Router{{Name: "r"}, {Name: "r"}}}, "router:r listed twice"},
		{"one-sided link", Fragment{Owner: vpc1, Ports: []Port{
			{Ref: a, Kind: RouterPort, Address: ip("10.0.0.1"), Network: netip.MustParsePrefix("10.0.0.0/24"), Peer: &b},
			{Ref: b, Kind: BridgePort}}}, "not written on both ends"},
		{"address outside network", Fragment{Owner: vpc1, Ports: []Port{
			{Ref: a, Kind: RouterPort, Address: ip("10.0.1.1"), Network: netip.MustParsePrefix("10.0.0.0/24")}}}, "not in network"},
		{"foreign next hop", Fragment{Owner: vpc1, Routes: []Route{{Router: "r", Src: netip.MustParsePrefix("0.0.0.0/0"),
			Dst: netip.MustParsePrefix("10.0.0.0/8"), NextHopPort: ref("other", "p"), Type: RouteNormal}}}, "next hop is not a port of r"},
		{"jump without target", Fragment{Owner: vpc1, Chains: []Chain{{Name: "c", Rules: []Rule{{Type: RuleJump}}}}}, "jump rule without a target"},
		{"nat without targets", Fragment{Owner: vpc1, ChainRules: []ChainRules{{Chain: "c", Placement: First,
			Rules: []Rule{{Type: RuleDNAT, FlowAction: FlowContinue}}}}}, "needs natTargets"},
		{"arp without mac", Fragment{Owner: vpc1, ARPEntries: []ARPEntry{{Bridge: "b", IP: ip("10.0.0.2")}}}, "exactly one of MAC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
	if err := coreFragment().Validate(); err != nil {
		t.Errorf("valid fragment: %v", err)
	}
}

func TestDumpIsSortedAndStable(t *testing.T) {
	f := eipFragment(eip1, vpc1.Name, "203.0.113.7", "10.0.1.10")
	f.Routes = append(f.Routes, Route{Router: "eucart", Src: netip.MustParsePrefix("0.0.0.0/0"), Dst: netip.MustParsePrefix("198.51.100.1/32"),
		NextHopPort: ref("eucart", "eucabr"), Gateway: ip("169.254.0.3"), Weight: 100, Type: RouteNormal})
	g := f.Clone()
	slices.Reverse(g.Routes)
	if f.String() != g.String() {
		t.Errorf("dump depends on input order:\n%s\n%s", f, g)
	}
	want := `owner ElasticIP ns/eip-1
route eucart 0.0.0.0/0>198.51.100.1/32 port=eucart[eucabr] gw=169.254.0.3 w=100
route eucart 0.0.0.0/0>203.0.113.7/32 port=eucart[eucabr] gw=169.254.0.2 w=100
chain-rules vc_vpc-1a2b3c4d_preelip first
  - dnat nwDst=203.0.113.7/32 flow=continue nat=[10.0.1.10-10.0.1.10:0-0]
group-addrs elip_pre_i-0000aaaa {203.0.113.7}
`
	if got := f.String(); got != want {
		t.Errorf("dump:\n%s\nwant:\n%s", got, want)
	}
	if f.Routes[0].Dst.String() != "203.0.113.7/32" {
		t.Error("Dump reordered the caller's fragment")
	}
}

func TestGraphCheckFindsDuplicateSegmentAddresses(t *testing.T) {
	g := NewGraph()
	if err := g.Merge(coreFragment()); err != nil {
		t.Fatal(err)
	}
	uplink := func(o Owner, router string) Fragment {
		a, b := ref(router, "uplink"), ref("eucabr", "vpc:"+o.Name)
		return Fragment{Owner: o, Routers: []Router{{Name: router}}, Ports: []Port{
			{Ref: a, Kind: RouterPort, Address: ip("169.254.0.2"), Network: netip.MustParsePrefix("169.254.0.0/17"), Peer: &b},
			{Ref: b, Kind: BridgePort, Peer: &a}}}
	}
	if err := g.Merge(uplink(vpc1, "vr_vpc-1a2b3c4d_2")); err != nil {
		t.Fatal(err)
	}
	if errs := g.Check(); len(errs) != 0 {
		t.Fatalf("unexpected: %v", errs)
	}
	if err := g.Merge(uplink(vpc2, "vr_vpc-2b3c4d5e_2")); err != nil {
		t.Fatal(err)
	}
	errs := g.Check()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "address 169.254.0.2 on eucabr is also used by vr_vpc-1a2b3c4d_2[uplink]") {
		t.Errorf("Check = %v", errs)
	}
}
