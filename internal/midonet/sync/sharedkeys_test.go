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
	var s sharedKeys
	check := func(rules ...midonet.Rule) {
		t.Helper()
		var want []string
		for _, m := range rules {
			want = append(want, actualKey(m))
		}
		if got := s.of("chain-1", rules); !slices.Equal(got, want) {
			t.Errorf("keys %q, want %q", got, want)
		}
		if n := len(s.byChain["chain-1"]); n != len(rules) {
			t.Errorf("%d rules remembered, the chain holds %d", n, len(rules))
		}
	}
	check(a, b)
	check(c, a, b) // one inserted at the top
	check(c, b)    // one deleted
	if s.byChain["chain-1"]["a"] != "" {
		t.Error("the deleted rule's key is still remembered")
	}
	check()
	if _, ok := s.byChain["chain-1"]; ok {
		t.Error("an empty chain is still remembered")
	}
	s.of("chain-2", []midonet.Rule{a})
	s.forget("chain-2")
	if len(s.byChain) != 0 {
		t.Errorf("a forgotten chain is remembered: %v", s.byChain)
	}
}
