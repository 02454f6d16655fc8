package midonet_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
)

// ruleIDs lists a chain's rule ids in order, checking that the positions read back are 1..n.
func ruleIDs(t testing.TB, e *contractEnv, chainID string) []string {
	t.Helper()
	rules := must[[]midonet.Rule](t, "list rules")(e.c.ListRules(e.ctx, chainID))
	ids := make([]string, len(rules))
	for i, r := range rules {
		if r.Position != i+1 || r.ChainID != chainID {
			t.Fatalf("rule %d of chain %s: position %d chain %s", i, chainID, r.Position, r.ChainID)
		}
		ids[i] = r.ID
	}
	return ids
}

func TestContractChainsAndRules(t *testing.T) {
	t.Run("§2.6 chains", func(t *testing.T) {
		e := plainEnv(t)
		ch := must[*midonet.Chain](t, "create")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "sg-1"}))
		if ch.ID == "" || ch.Name != "sg-1" || ch.TenantID != midonet.DefaultTenant {
			t.Fatalf("chain = %+v", ch)
		}
		id := newID()
		must[*midonet.Chain](t, "create with id")(e.c.CreateChain(e.ctx, &midonet.Chain{ID: id, Name: "sg-1", TenantID: "t9"}))
		if got := must[*midonet.Chain](t, "get")(e.c.GetChain(e.ctx, id)); got.TenantID != "t9" || got.Name != "sg-1" {
			t.Fatalf("get = %+v", got)
		}
		if got := must[[]midonet.Chain](t, "list")(e.c.ListChains(e.ctx, "")); len(got) != 2 {
			t.Fatalf("chains = %+v", got)
		}
		if got := must[[]midonet.Chain](t, "list t9")(e.c.ListChains(e.ctx, "t9")); len(got) != 1 || got[0].ID != id {
			t.Fatalf("chains of t9 = %+v", got)
		}
		must[*midonet.Rule](t, "rule")(e.c.CreateRule(e.ctx, id, &midonet.Rule{Type: midonet.RuleTypeAccept}))
		mustDo(t, "delete", e.c.DeleteChain(e.ctx, id))
		_, err := e.c.GetChain(e.ctx, id)
		wantNotFound(t, err, "There is no Chain with ID "+id+".")
		// §1.8: chains read before deleting, so a missing one is 404.
		wantNotFound(t, e.c.DeleteChain(e.ctx, id), "")
		_, err = e.c.ListRules(e.ctx, id)
		wantNotFound(t, err, "")
	})

	t.Run("§3 chain delete cascade", func(t *testing.T) {
		e := plainEnv(t)
		target := must[*midonet.Chain](t, "target")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "sg"}))
		pre := must[*midonet.Chain](t, "pre")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "pre"}))
		other := must[*midonet.Chain](t, "other")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "other"}))
		own := must[*midonet.Rule](t, "target's own rule")(e.c.CreateRule(e.ctx, target.ID, &midonet.Rule{Type: midonet.RuleTypeDrop}))
		r1 := must[*midonet.Rule](t, "r1")(e.c.CreateRule(e.ctx, pre.ID, &midonet.Rule{Type: midonet.RuleTypeAccept, MatchReturnFlow: true, Position: 1}))
		jump := must[*midonet.Rule](t, "jump")(e.c.CreateRule(e.ctx, pre.ID, &midonet.Rule{Type: midonet.RuleTypeJump, JumpChainID: &target.ID, Position: 2}))
		r3 := must[*midonet.Rule](t, "r3")(e.c.CreateRule(e.ctx, pre.ID, &midonet.Rule{Type: midonet.RuleTypeDrop, Position: 3}))
		jump2 := must[*midonet.Rule](t, "jump from another chain")(e.c.CreateRule(e.ctx, other.ID, &midonet.Rule{Type: midonet.RuleTypeJump, JumpChainID: &target.ID}))

		rt := must[*midonet.Router](t, "router")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "r", InboundFilterID: &target.ID,
			OutboundFilterID: &pre.ID, LocalRedirectChainID: &target.ID, ForwardChainID: &target.ID}))
		br := must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "b", InboundFilterID: &pre.ID, OutboundFilterID: &target.ID}))
		bp := must[*midonet.Port](t, "bridge port")(e.c.CreateBridgePort(e.ctx, br.ID, &midonet.Port{InboundFilterID: &target.ID, OutboundFilterID: &target.ID}))
		rp := must[*midonet.Port](t, "router port")(e.c.CreateRouterPort(e.ctx, rt.ID, &midonet.Port{PortAddress: "10.0.0.1", NetworkLength: 24,
			NetworkAddress: "10.0.0.0", OutboundFilterID: &target.ID}))

		mustDo(t, "delete target chain", e.c.DeleteChain(e.ctx, target.ID))

		if got := ruleIDs(t, e, pre.ID); !slices.Equal(got, []string{r1.ID, r3.ID}) {
			t.Fatalf("pre-chain rules = %v, want the jump gone and positions renumbered", got)
		}
		if got := ruleIDs(t, e, other.ID); len(got) != 0 {
			t.Fatalf("other chain rules = %v, want its jump gone", got)
		}
		for _, id := range []string{own.ID, jump.ID, jump2.ID} {
			_, err := e.c.GetRule(e.ctx, id)
			wantNotFound(t, err, "There is no Rule with ID "+id+".")
		}
		gotRt := must[*midonet.Router](t, "router")(e.c.GetRouter(e.ctx, rt.ID))
		if gotRt.InboundFilterID != nil || deref(gotRt.OutboundFilterID) != pre.ID || gotRt.LocalRedirectChainID != nil || gotRt.ForwardChainID != nil {
			t.Fatalf("router filters = %v / %v", gotRt.InboundFilterID, gotRt.OutboundFilterID)
		}
		gotBr := must[*midonet.Bridge](t, "bridge")(e.c.GetBridge(e.ctx, br.ID))
		if deref(gotBr.InboundFilterID) != pre.ID || gotBr.OutboundFilterID != nil {
			t.Fatalf("bridge filters = %v / %v", gotBr.InboundFilterID, gotBr.OutboundFilterID)
		}
		for _, id := range []string{bp.ID, rp.ID} {
			p := must[*midonet.Port](t, "port")(e.c.GetPort(e.ctx, id))
			if p.InboundFilterID != nil || p.OutboundFilterID != nil {
				t.Fatalf("port %s filters = %v / %v", id, p.InboundFilterID, p.OutboundFilterID)
			}
		}
	})

	t.Run("§2.7 rule fields round-trip", func(t *testing.T) {
		e := plainEnv(t)
		ch := must[*midonet.Chain](t, "chain")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "c"}))
		jumpTo := must[*midonet.Chain](t, "jump target")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "sg"}))
		// Groups and ports in conditions are not reference-checked (§3), so fresh ids do.
		ipg, ipg2, pg, p1, p2, p3, dev := newID(), newID(), newID(), newID(), newID(), newID(), newID()
		s := midonet.Ref
		tp := func(a, b int) *midonet.PortRange { return &midonet.PortRange{Start: a, End: b} }

		// Each case is sent as in and must read back as want (in, unless defaults are filled).
		cases := []struct {
			name string
			in   midonet.Rule
			want func(r *midonet.Rule) // adjusts the expected rule from in; nil: in with fragmentPolicy any
		}{
			{name: "anti-spoof MAC", in: midonet.Rule{Type: midonet.RuleTypeDrop, DlSrc: s("d0:0d:12:34:56:78"), InvDlSrc: true}},
			{name: "anti-spoof IPv4 source", in: midonet.Rule{Type: midonet.RuleTypeDrop, DlType: midonet.Int(midonet.DlTypeIPv4),
				NwSrcAddress: s("10.0.1.5"), NwSrcLength: 32, InvNwSrc: true}},
			{name: "ARP with protocol", in: midonet.Rule{Type: midonet.RuleTypeDrop, DlType: midonet.Int(midonet.DlTypeARP), NwProto: midonet.Int(2)}},
			{name: "not ARP", in: midonet.Rule{Type: midonet.RuleTypeDrop, DlType: midonet.Int(midonet.DlTypeARP), InvDlType: true}},
			{name: "conntrack return flow", in: midonet.Rule{Type: midonet.RuleTypeAccept, MatchReturnFlow: true}},
			{name: "forward flow, nwProto any", in: midonet.Rule{Type: midonet.RuleTypeAccept, MatchForwardFlow: true,
				NwDstAddress: s("10.0.0.0"), NwDstLength: 16}},
			{name: "L4 ranges default to header", in: midonet.Rule{Type: midonet.RuleTypeAccept, NwProto: midonet.Int(6),
				TpDst: tp(80, 80), TpSrc: tp(1024, 65535)},
				want: func(r *midonet.Rule) { r.FragmentPolicy = midonet.FragmentPolicyHeader }},
			{name: "ICMP type and code, unfragmented", in: midonet.Rule{Type: midonet.RuleTypeAccept, NwProto: midonet.Int(1),
				TpSrc: tp(8, 8), TpDst: tp(1, 1), FragmentPolicy: midonet.FragmentPolicyUnfragmented}},
			{name: "every inversion", in: midonet.Rule{Type: midonet.RuleTypeReject, CondInvert: true,
				DlDst: s("ff:ff:ff:ff:ff:ff"), DlDstMask: s("ffff.ffff.0000"), InvDlDst: true, DlSrcMask: s("ffff.0000.0000"),
				DlSrc: s("02:00:00:00:00:00"), InvDlSrc: true, NwTos: midonet.Int(16), InvNwTos: true,
				NwProto: midonet.Int(17), InvNwProto: true, NwDstAddress: s("192.168.0.0"), NwDstLength: 24, InvNwDst: true,
				TpSrc: tp(53, 53), InvTpSrc: true, TpDst: tp(1, 1023), InvTpDst: true, FragmentPolicy: midonet.FragmentPolicyHeader}},
			{name: "IP address groups", in: midonet.Rule{Type: midonet.RuleTypeAccept, IPAddrGroupSrc: &ipg, InvIPAddrGroupSrc: true,
				IPAddrGroupDst: &ipg2, InvIPAddrGroupDst: true}},
			{name: "ports and port groups", in: midonet.Rule{Type: midonet.RuleTypeDrop, InPorts: []string{p1}, InvInPorts: true,
				OutPorts: []string{p2, p3}, InvOutPorts: true, PortGroup: &pg, InvPortGroup: true, InPortGroup: &pg,
				InvInPortGroup: true, OutPortGroup: &pg, InvOutPortGroup: true, TraversedDevice: &dev, InvTraversedDevice: true}},
			{name: "vlan", in: midonet.Rule{Type: midonet.RuleTypeReturn, Vlan: midonet.Int(100), MatchNwDstRewritten: true}},
			{name: "no vlan, nonheader", in: midonet.Rule{Type: midonet.RuleTypeReturn, NoVlan: true, FragmentPolicy: midonet.FragmentPolicyNonHeader}},
			{name: "jump", in: midonet.Rule{Type: midonet.RuleTypeJump, JumpChainID: &jumpTo.ID, JumpChainName: "sg"}},
			{name: "floating-IP dnat", in: midonet.Rule{Type: midonet.RuleTypeDNAT, FlowAction: midonet.FlowActionContinue,
				NwDstAddress: s("203.0.113.10"), NwDstLength: 32,
				NatTargets: []midonet.NatTarget{{AddressFrom: "10.0.1.5", AddressTo: "10.0.1.5"}}}},
			{name: "dnat with ports is unfragmented", in: midonet.Rule{Type: midonet.RuleTypeDNAT, FlowAction: midonet.FlowActionAccept,
				IPAddrGroupSrc: &ipg, NwProto: midonet.Int(6), TpDst: tp(443, 443),
				NatTargets: []midonet.NatTarget{{AddressFrom: "10.0.1.5", AddressTo: "10.0.1.5", PortFrom: 8443, PortTo: 8443}}},
				want: func(r *midonet.Rule) { r.FragmentPolicy = midonet.FragmentPolicyUnfragmented }},
			{name: "masquerade snat", in: midonet.Rule{Type: midonet.RuleTypeSNAT, FlowAction: midonet.FlowActionAccept,
				OutPorts: []string{p1}, InvOutPorts: false, NwSrcAddress: s("10.0.0.0"), NwSrcLength: 16,
				NatTargets: []midonet.NatTarget{{AddressFrom: "203.0.113.1", AddressTo: "203.0.113.4", PortFrom: 1024, PortTo: 65535}}},
				want: func(r *midonet.Rule) { r.FragmentPolicy = midonet.FragmentPolicyUnfragmented }},
			{name: "rev_snat", in: midonet.Rule{Type: midonet.RuleTypeRevSNAT, FlowAction: midonet.FlowActionAccept,
				NwDstAddress: s("203.0.113.1"), NwDstLength: 32}},
			{name: "rev_dnat", in: midonet.Rule{Type: midonet.RuleTypeRevDNAT, FlowAction: midonet.FlowActionReturn}},
		}
		for i, tc := range cases {
			want := tc.in
			if want.FragmentPolicy == "" {
				want.FragmentPolicy = midonet.FragmentPolicyAny
			}
			if tc.want != nil {
				tc.want(&want)
			}
			tc.in.Position = i + 1 // append
			created := must[*midonet.Rule](t, tc.name)(e.c.CreateRule(e.ctx, ch.ID, &tc.in))
			read := must[*midonet.Rule](t, tc.name+": get")(e.c.GetRule(e.ctx, created.ID))
			for _, got := range []*midonet.Rule{created, read} {
				if got.ID == "" || got.ChainID != ch.ID || got.Position != i+1 || got.URI == "" {
					t.Fatalf("%s: id %q chain %q position %d uri %q", tc.name, got.ID, got.ChainID, got.Position, got.URI)
				}
				norm := *got
				norm.ID, norm.ChainID, norm.Position, norm.URI = "", "", 0, ""
				if !reflect.DeepEqual(norm, want) {
					gotJSON, _ := json.Marshal(norm)
					wantJSON, _ := json.Marshal(want)
					t.Errorf("%s: read back\n  %s\nwant\n  %s", tc.name, gotJSON, wantJSON)
				}
			}
		}
		// nwProto nil stays nil (any protocol) and a set value stays set, in the list too.
		listed := must[[]midonet.Rule](t, "list")(e.c.ListRules(e.ctx, ch.ID))
		if len(listed) != len(cases) {
			t.Fatalf("listed %d rules, want %d", len(listed), len(cases))
		}
		for i, r := range listed {
			if (r.NwProto == nil) != (cases[i].in.NwProto == nil) {
				t.Errorf("%s: nwProto %v, sent %v", cases[i].name, r.NwProto, cases[i].in.NwProto)
			}
		}
	})

	t.Run("§2.7 rule validation", func(t *testing.T) {
		e := plainEnv(t)
		ch := must[*midonet.Chain](t, "chain")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "c"}))
		missing := newID()
		for _, tc := range []struct {
			name      string
			rule      midonet.Rule
			status    int
			message   string
			violation string // property expected among the violations
		}{
			{"port range below 1", midonet.Rule{Type: midonet.RuleTypeAccept, NwProto: midonet.Int(1), TpSrc: &midonet.PortRange{Start: 0, End: 0}},
				400, "Validation error(s) found", "tpSrc"},
			{"reversed range", midonet.Rule{Type: midonet.RuleTypeAccept, TpDst: &midonet.PortRange{Start: 90, End: 80}},
				400, "Validation error(s) found", "tpDst"},
			{"L4 with fragment policy any", midonet.Rule{Type: midonet.RuleTypeAccept, TpDst: &midonet.PortRange{Start: 80, End: 80},
				FragmentPolicy: midonet.FragmentPolicyAny},
				400, "For a rule with tpDst or tpSrc constraints, the fragmentPolicy must be 'header' or 'unfragmented'.", ""},
			{"jump without chain", midonet.Rule{Type: midonet.RuleTypeJump}, 400, "Jump rule missing chain identifier", ""},
			{"jump to a missing chain", midonet.Rule{Type: midonet.RuleTypeJump, JumpChainID: &missing}, 404, "There is no Chain with ID " + missing + ".", ""},
			{"dnat without targets", midonet.Rule{Type: midonet.RuleTypeDNAT, FlowAction: midonet.FlowActionAccept},
				400, "Validation error(s) found", "natTargets"},
			{"snat without flow action", midonet.Rule{Type: midonet.RuleTypeSNAT,
				NatTargets: []midonet.NatTarget{{AddressFrom: "1.2.3.4", AddressTo: "1.2.3.4"}}}, 400, "Validation error(s) found", "flowAction"},
			{"dlType below 0x600", midonet.Rule{Type: midonet.RuleTypeDrop, DlType: midonet.Int(5)}, 400, "Validation error(s) found", "dlType"},
			{"bad source address", midonet.Rule{Type: midonet.RuleTypeDrop, NwSrcAddress: midonet.Ref("10.0.0"), NwSrcLength: 8},
				400, "Validation error(s) found", "nwSrcAddress"},
			{"negative position", midonet.Rule{Type: midonet.RuleTypeDrop, Position: -1}, 400, "Validation error(s) found", "position"},
			{"continue is not a type", midonet.Rule{Type: "continue"}, 400, "", ""},
		} {
			_, err := e.c.CreateRule(e.ctx, ch.ID, &tc.rule)
			if err == nil {
				t.Fatalf("%s: accepted", tc.name)
			}
			ae := wantStatus(t, err, tc.status, tc.message)
			if tc.violation != "" && !slices.ContainsFunc(ae.Violations, func(v midonet.Violation) bool { return v.Property == tc.violation }) {
				t.Errorf("%s: violations %+v do not name %s", tc.name, ae.Violations, tc.violation)
			}
		}
		if n := len(ruleIDs(t, e, ch.ID)); n != 0 {
			t.Fatalf("refused rules were stored: %d", n)
		}
		_, err := e.c.CreateRule(e.ctx, missing, &midonet.Rule{Type: midonet.RuleTypeAccept})
		wantNotFound(t, err, "There is no Chain with ID "+missing+".")
	})

	t.Run("§2.7 rule positions", func(t *testing.T) {
		e := plainEnv(t)
		ch := must[*midonet.Chain](t, "chain")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "c"}))
		add := func(pos int) string {
			t.Helper()
			return must[*midonet.Rule](t, "create")(e.c.CreateRule(e.ctx, ch.ID, &midonet.Rule{Type: midonet.RuleTypeAccept, Position: pos})).ID
		}
		a := add(0) // omitted: top
		b := add(1) // insert at 1 shifts a down
		if got := ruleIDs(t, e, ch.ID); !slices.Equal(got, []string{b, a}) {
			t.Fatalf("after inserting at 1: %v, want [b a]", got)
		}
		c := add(3) // n+1 appends
		d := add(2) // middle
		if got := ruleIDs(t, e, ch.ID); !slices.Equal(got, []string{b, d, a, c}) {
			t.Fatalf("after append and middle insert: %v, want [b d a c]", got)
		}
		// n+2 is refused with a typed validation error and changes nothing.
		_, err := e.c.CreateRule(e.ctx, ch.ID, &midonet.Rule{Type: midonet.RuleTypeDrop, Position: 6})
		if !midonet.IsValidation(err) {
			t.Fatalf("position n+2: %v, want IsValidation", err)
		}
		ae := wantValidation(t, err, "Position exceeds number of rules in chain")
		if ae.Status != 400 || len(ae.Violations) != 0 {
			t.Fatalf("position n+2 error = %+v", ae)
		}
		if got := ruleIDs(t, e, ch.ID); len(got) != 4 {
			t.Fatalf("refused insert changed the chain: %v", got)
		}

		// Deleting a rule shifts the later ones up, in the list and on GET.
		mustDo(t, "delete d", e.c.DeleteRule(e.ctx, d))
		if got := ruleIDs(t, e, ch.ID); !slices.Equal(got, []string{b, a, c}) {
			t.Fatalf("after deleting d: %v, want [b a c]", got)
		}
		if r := must[*midonet.Rule](t, "get c")(e.c.GetRule(e.ctx, c)); r.Position != 3 {
			t.Fatalf("c position = %d, want 3", r.Position)
		}
		mustDo(t, "delete b", e.c.DeleteRule(e.ctx, b))
		if r := must[*midonet.Rule](t, "get a")(e.c.GetRule(e.ctx, a)); r.Position != 1 {
			t.Fatalf("a position = %d, want 1", r.Position)
		}
		_, err = e.c.GetRule(e.ctx, d)
		wantNotFound(t, err, "There is no Rule with ID "+d+".")
		wantNotFound(t, e.c.DeleteRule(e.ctx, d), "") // §1.8: rules answer 404
		// Now n = 2: position 3 is fine, 4 is not.
		add(3)
		_, err = e.c.CreateRule(e.ctx, ch.ID, &midonet.Rule{Type: midonet.RuleTypeDrop, Position: 5})
		wantValidation(t, err, "Position exceeds number of rules in chain")
	})
}
