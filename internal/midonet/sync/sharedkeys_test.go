package sync

import (
	"slices"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
)

// The remembered keys are the rules' own keys, in the chain's order, and only the rules the
// chain holds now are remembered.
func TestSharedKeysFollowTheChain(t *testing.T) {
	snat := func(id, src string) midonet.Rule {
		return midonet.Rule{ID: id, Type: "snat", FlowAction: "accept", NwSrcAddress: midonet.Ref(src), NwSrcLength: 32,
			NatTargets: []midonet.NatTarget{{AddressFrom: "169.254.0.10", AddressTo: "169.254.0.10"}}}
	}
	a, b, c := snat("a", "10.0.1.5"), snat("b", "10.0.1.6"), snat("c", "10.0.1.7")
	byID := map[string]midonet.Rule{"a": a, "b": b, "c": c}
	var lookups []string
	lookup := func(id string) (midonet.Rule, bool) {
		lookups = append(lookups, id)
		m, ok := byID[id]
		return m, ok
	}
	var s sharedKeys
	check := func(rules ...midonet.Rule) {
		t.Helper()
		var want, ids []string
		for _, m := range rules {
			want = append(want, actualKey(m))
			ids = append(ids, m.ID)
		}
		if got := s.of("chain-1", ids, lookup); !slices.Equal(got, want) {
			t.Errorf("keys %q, want %q", got, want)
		}
		if n := len(s.byChain["chain-1"]); n != len(rules) {
			t.Errorf("%d rules remembered, the chain holds %d", n, len(rules))
		}
	}
	check(a, b)
	lookups = nil
	check(c, a, b) // one inserted at the top
	if !slices.Equal(lookups, []string{"c"}) {
		t.Errorf("looked up %q; want only the rule not remembered yet, c", lookups)
	}
	lookups = nil
	check(c, a, b) // unchanged: nothing looked up
	if len(lookups) != 0 {
		t.Errorf("looked up %q in an unchanged chain", lookups)
	}
	check(c, b) // one deleted
	if s.byChain["chain-1"]["a"] != "" {
		t.Error("the deleted rule's key is still remembered")
	}
	check()
	if _, ok := s.byChain["chain-1"]; ok {
		t.Error("an empty chain is still remembered")
	}
	// A rule gone from the index by the time it is looked up matches nothing and is not
	// remembered.
	if got := s.of("chain-2", []string{"a", "gone"}, lookup); got[0] != actualKey(a) || got[1] == actualKey(a) || len(s.byChain["chain-2"]) != 1 {
		t.Errorf("keys %q, remembered %v; want a's key, one that matches nothing, and only a remembered", got, s.byChain["chain-2"])
	}
	s.forget("chain-2")
	if len(s.byChain) != 0 {
		t.Errorf("a forgotten chain is remembered: %v", s.byChain)
	}
}
