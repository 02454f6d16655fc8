package index

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
)

// randomRule sets every field of a rule at random (each one left zero half the time), with
// the awkward values too: pointers to "" and 0, ints beyond 32 bits, a self link not ending
// with the id, a chain id of another chain.
func randomRule(rng *rand.Rand) midonet.Rule {
	var r midonet.Rule
	strs := []string{"", "accept", "drop", "jump", "10.0.1.10", "3f6c1a2e-8d4b-5e7f-9a01-6d69646f7670", "http://x/midonet-api/rules/"}
	ints := []int{0, 1, 6, 2048, -1, math.MaxInt32 + 1, math.MinInt32 - 1}
	pick := func() bool { return rng.IntN(2) == 0 }
	str := func() string { return strs[rng.IntN(len(strs))] }
	num := func() int { return ints[rng.IntN(len(ints))] }
	v := reflect.ValueOf(&r).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if !pick() {
			continue
		}
		switch p := f.Addr().Interface().(type) {
		case *string:
			*p = str()
		case *bool:
			*p = true
		case *int:
			*p = num()
		case **string:
			s := str()
			*p = &s
		case **int:
			n := num()
			*p = &n
		case **midonet.PortRange:
			*p = &midonet.PortRange{Start: num(), End: num()}
		case *[]string:
			*p = []string{str(), str()}
		case *[]midonet.NatTarget:
			*p = []midonet.NatTarget{{AddressFrom: str(), AddressTo: str(), PortFrom: num(), PortTo: num()}}
		default:
			panic(fmt.Sprintf("randomRule: field %s of type %s not covered", v.Type().Field(i).Name, f.Type()))
		}
	}
	switch rng.IntN(3) {
	case 0:
		r.URI = "http://x/midonet-api/rules/" + r.ID
	case 1:
		r.ChainID = "chain-1"
	}
	return r
}

// TestPackedRuleLosesNothing: every rule, whatever it holds, comes out of the packed form as
// it went in (the chain id and self link included), and the jump test agrees with the rule.
func TestPackedRuleLosesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		r := randomRule(rng)
		p := packRule("chain-1", r)
		if got := p.unpack("chain-1"); !reflect.DeepEqual(got, r) {
			t.Fatalf("rule %d: packed and unpacked\n got  %+v\n want %+v", i, got, r)
		}
		want := r.Type == midonet.RuleTypeJump && midonet.Deref(r.JumpChainID) == "jump"
		if got := p.jumpsTo("jump"); got != want {
			t.Fatalf("rule %d: jumpsTo = %v, want %v (%+v)", i, got, want, r)
		}
	}
}

// TestSNATFromAgreesWithTheRule: the match on a packed rule's type and source says what the
// unpacked rule says, for every source length (0, 32 bits and beyond it) and address.
func TestSNATFromAgreesWithTheRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	matched := 0
	for i := range 20000 {
		r := randomRule(rng)
		if i%2 == 0 {
			r.Type = midonet.RuleTypeSNAT
		}
		p := packRule("chain-1", r)
		for _, src := range []string{"10.0.1.10", ""} {
			for _, n := range []int{0, 1, 6, math.MaxInt32 + 1} {
				want := r.Type == midonet.RuleTypeSNAT && r.NwSrcAddress != nil && *r.NwSrcAddress == src && r.NwSrcLength == n
				if got := p.snatFrom(src, n); got != want {
					t.Fatalf("rule %d: snatFrom(%q, %d) = %v, want %v (%+v)", i, src, n, got, want, r)
				}
				if want {
					matched++
				}
			}
		}
	}
	if matched == 0 {
		t.Fatal("no rule matched: the test compared nothing")
	}
}

// TestPackedRulesAreIndependent: a rule read from the index can be changed by its reader
// (pointers included) without changing what the index holds.
func TestPackedRulesAreIndependent(t *testing.T) {
	addr := "10.0.0.1"
	p := packRule("c", midonet.Rule{ID: "r", Type: "accept", NwSrcAddress: &addr, NwSrcLength: 32})
	got := p.unpack("c")
	*got.NwSrcAddress = "10.9.9.9"
	got.Type = "drop"
	if again := p.unpack("c"); *again.NwSrcAddress != "10.0.0.1" || again.Type != "accept" {
		t.Fatalf("the index's rule changed with its reader's copy: %+v", again)
	}
}

// TestRulesInIsAStableSnapshot: iterating a chain's rules yields them as RulesOf lists them,
// and a rule inserted meanwhile does not show up in an iteration already started.
func TestRulesInIsAStableSnapshot(t *testing.T) {
	x := New(nil, "t")
	x.PutChain(midonet.Chain{ID: "c", Name: "c"})
	for i := range 3 {
		x.InsertRule("c", midonet.Rule{ID: fmt.Sprintf("r%d", i), Type: "accept", Position: i + 1})
	}
	var got []midonet.Rule
	for r := range x.RulesIn("c") {
		if len(got) == 0 {
			x.InsertRule("c", midonet.Rule{ID: "new", Type: "drop", Position: 1})
		}
		got = append(got, r)
	}
	if len(got) != 3 || got[0].ID != "r0" || got[2].ID != "r2" || got[1].ChainID != "c" {
		t.Errorf("iteration = %+v, want r0, r1, r2 of chain c", got)
	}
	if now := x.RulesOf("c"); len(now) != 4 || now[0].ID != "new" {
		t.Errorf("after the insert RulesOf = %+v, want new first", now)
	}
}

// RuleIDsOf and NatTargetsIn read a chain without unpacking its rules; they must say what
// RulesOf says.
func TestRuleIDsAndNatTargetsAsRulesOfSaysThem(t *testing.T) {
	x := New(nil, "t")
	x.PutChain(midonet.Chain{ID: "c", Name: "c"})
	snat := func(id, to string) midonet.Rule {
		return midonet.Rule{ID: id, Type: "snat", FlowAction: "accept", NatTargets: []midonet.NatTarget{{AddressFrom: to, AddressTo: to}}}
	}
	x.InsertRule("c", midonet.Rule{ID: "plain", Type: "accept", Position: 1})
	x.InsertRule("c", snat("b", "169.254.0.11"))
	x.InsertRule("c", snat("a", "169.254.0.10"))
	var ids []string
	var targets []midonet.NatTarget
	for _, r := range x.RulesOf("c") {
		ids = append(ids, r.ID)
		targets = append(targets, r.NatTargets...)
	}
	if got := x.RuleIDsOf("c"); !slices.Equal(got, ids) || len(got) != 3 {
		t.Errorf("RuleIDsOf = %q, RulesOf has %q", got, ids)
	}
	if got := slices.Collect(x.NatTargetsIn("c")); !slices.Equal(got, targets) || len(got) != 2 {
		t.Errorf("NatTargetsIn = %+v, RulesOf has %+v", got, targets)
	}
	if x.RuleIDsOf("absent") != nil || len(slices.Collect(x.NatTargetsIn("absent"))) != 0 {
		t.Error("a chain the index does not hold has rules")
	}
}

// SNATTargetsFrom finds the targets of the snat rules with exactly that source, and no other.
func TestSNATTargetsFrom(t *testing.T) {
	x := New(nil, "t")
	x.PutChain(midonet.Chain{ID: "c", Name: "c"})
	rule := func(id, typ, src string, n int, to string) midonet.Rule {
		return midonet.Rule{ID: id, Type: typ, FlowAction: "accept", NwSrcAddress: &src, NwSrcLength: n,
			NatTargets: []midonet.NatTarget{{AddressFrom: to, AddressTo: to}}}
	}
	x.InsertRule("c", rule("a", "snat", "10.0.1.10", 32, "169.254.0.10"))
	x.InsertRule("c", rule("b", "snat", "10.0.1.11", 32, "169.254.0.11"))
	x.InsertRule("c", rule("c", "snat", "10.0.1.10", 24, "169.254.0.12"))
	x.InsertRule("c", rule("d", "dnat", "10.0.1.10", 32, "169.254.0.13"))
	got := slices.Collect(x.SNATTargetsFrom("c", "10.0.1.10", 32))
	if len(got) != 1 || len(got[0]) != 1 || got[0][0].AddressFrom != "169.254.0.10" {
		t.Errorf("SNATTargetsFrom(10.0.1.10/32) = %+v, want the target of rule a only", got)
	}
	if got := slices.Collect(x.SNATTargetsFrom("c", "10.0.1.12", 32)); len(got) != 0 {
		t.Errorf("SNATTargetsFrom found %+v for a source no rule has", got)
	}
	if got := slices.Collect(x.SNATTargetsFrom("absent", "10.0.1.10", 32)); len(got) != 0 {
		t.Errorf("a chain the index does not hold has targets: %+v", got)
	}
}

// BenchmarkIndexRules inserts typical rules (those of one security group and one interface)
// into chains of 20 and reports the heap the index keeps per rule.
func BenchmarkIndexRules(b *testing.B) {
	const chains, perChain = 500, 20
	rule := func(i int) midonet.Rule {
		proto, src := 6, fmt.Sprintf("10.%d.%d.0", i/250%250, i%250)
		group := "3f6c1a2e-8d4b-5e7f-9a01-6d69646f7670"
		id := fmt.Sprintf("6d69646f-7670-4000-8000-%012d", i)
		return midonet.Rule{ID: id, Type: "accept", NwProto: &proto, NwSrcAddress: &src, NwSrcLength: 24,
			TpDst: &midonet.PortRange{Start: 22, End: 22}, IPAddrGroupSrc: &group, FragmentPolicy: "any",
			URI: "http://127.0.0.1:8181/midonet-api/rules/" + id}
	}
	var perRule float64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		x := New(nil, "t")
		for c := range chains {
			id := fmt.Sprintf("chain-%d", c)
			x.PutChain(midonet.Chain{ID: id, Name: id})
			for i := range perChain {
				r := rule(c*perChain + i)
				r.Position = i + 1
				x.InsertRule(id, r)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perRule = float64(after.HeapAlloc-before.HeapAlloc) / (chains * perChain)
		runtime.KeepAlive(x)
	}
	b.ReportMetric(perRule, "heap-B/rule")
}
