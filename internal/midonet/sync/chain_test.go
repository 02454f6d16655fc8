package sync_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	gosync "sync"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topology"
)

// packet is a probe for the first-match oracle: the fields the test rules match on.
type packet struct {
	proto int
	src   netip.Addr
	dport int
}

func probes() []packet {
	var out []packet
	for _, proto := range []int{1, 6, 17} {
		for _, src := range []string{"10.1.2.3", "172.16.5.5", "192.168.1.1", "203.0.113.9"} {
			for _, port := range []int{22, 53, 80, 443} {
				out = append(out, packet{proto, ip(src), port})
			}
		}
	}
	return out
}

// verdict is the type of the first rule that matches p (midonet-api.md §2.7 evaluation), or
// "none" when the chain ends without one.
func verdict(rules []midonet.Rule, p packet) string {
	for _, r := range rules {
		if matches(r, p) {
			return r.Type
		}
	}
	return "none"
}

func matches(r midonet.Rule, p packet) bool {
	if r.NwProto != nil && (*r.NwProto == p.proto) == r.InvNwProto {
		return false
	}
	if r.NwSrcAddress != nil {
		pf := netip.PrefixFrom(netip.MustParseAddr(*r.NwSrcAddress), r.NwSrcLength).Masked()
		if pf.Contains(p.src) == r.InvNwSrc {
			return false
		}
	}
	if r.TpDst != nil {
		in := p.dport >= r.TpDst.Start && p.dport <= r.TpDst.End
		if in == r.InvTpDst {
			return false
		}
	}
	return true
}

// chainWatcher snapshots one chain (through a client of its own) after every successful write
// the engine's client makes: every state a packet could meet during an edit.
type chainWatcher struct {
	mu        gosync.Mutex
	raw       *midonet.Client
	chainID   string
	snapshots [][]midonet.Rule
	err       error
}

func (w *chainWatcher) observe(info midonet.RequestInfo) {
	if info.Method == http.MethodGet || info.Err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.chainID == "" {
		return
	}
	rules, err := w.raw.ListRules(context.Background(), w.chainID)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.snapshots = append(w.snapshots, rules)
}

func ruleSummary(rules []midonet.Rule) string {
	var parts []string
	for _, r := range rules {
		s := r.Type
		if r.NwProto != nil {
			s += fmt.Sprintf(" p%d", *r.NwProto)
		}
		if r.NwSrcAddress != nil {
			s += fmt.Sprintf(" %s/%d", *r.NwSrcAddress, r.NwSrcLength)
		}
		if r.TpDst != nil {
			s += fmt.Sprintf(" :%d", r.TpDst.Start)
		}
		parts = append(parts, s)
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func keysOf(rules []topology.Rule) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.Key()
	}
	return out
}

// lcsLen is the length of a longest common subsequence, for the minimal number of writes.
func lcsLen(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

func TestChainEditsAreMinimalAndHitless(t *testing.T) {
	base := sgRules()
	a, b, c, d, e6, f := base[0], base[1], base[2], base[3], base[4], base[5]
	tests := []struct {
		name     string
		old, new []topology.Rule
	}{
		{"change one rule in the middle", base, []topology.Rule{a, b, drop(6, "172.16.0.0/12"), d, e6, f}},
		{"insert at the top", base, append([]topology.Rule{drop(17, "0.0.0.0/0")}, base...)},
		{"append", base, append(slices.Clone(base), drop(6, "0.0.0.0/0"))},
		{"remove from the middle", base, []topology.Rule{a, b, d, e6, f}},
		{"swap two neighbours", base, []topology.Rule{a, c, b, d, e6, f}},
		{"move the last rule first", base, []topology.Rule{f, a, b, c, d, e6}},
		{"reverse", base, []topology.Rule{f, e6, d, c, b, a}},
		{"repeated identical rules", []topology.Rule{a, b, a, c}, []topology.Rule{a, a, b, c}},
		{"replace everything", base[:3], []topology.Rule{d, e6, f}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &chainWatcher{}
			env := newEnv(t, sim.Options{}, func(c *midonet.Config) { c.Observer = w.observe })
			w.raw = env.raw
			other := topology.Chain{Name: "sg_egress_sg-55556666", Rules: base}
			frag := topology.Fragment{Owner: topology.Owner{Kind: topology.KindSecurityGroup, Name: "sg-55556666"},
				Chains: []topology.Chain{{Name: sgIngress, Rules: tc.old}, other}}
			first := env.sync(frag, nil)
			chainID := first.IDs["chain:"+sgIngress]
			oldRules := env.chainRules(sgIngress)

			w.mu.Lock()
			w.chainID = chainID
			w.mu.Unlock()
			env.reset()
			frag.Chains[0].Rules = tc.new
			res := env.sync(frag, first.Owned)
			newRules := env.chainRules(sgIngress)

			// Exactly the writes needed: inserts for what is new, deletes for what is gone.
			l := lcsLen(keysOf(tc.old), keysOf(tc.new))
			if res.Created != len(tc.new)-l || res.Deleted != len(tc.old)-l || res.Updated != 0 {
				t.Errorf("created %d, deleted %d; want %d and %d:%s", res.Created, res.Deleted, len(tc.new)-l, len(tc.old)-l, describe(env.writes()))
			}
			for _, req := range env.writes() {
				if !strings.Contains(req.Path, "/chains/"+chainID+"/rules") && !strings.HasPrefix(req.Path, "/midonet-api/rules/") {
					t.Errorf("write outside the edited chain: %s %s", req.Method, req.Path)
				}
			}
			if got := len(env.chainRules(other.Name)); got != len(base) {
				t.Errorf("other chain has %d rules", got)
			}
			// The chain is now the new list, in order.
			if len(newRules) != len(tc.new) {
				t.Fatalf("chain has %d rules, want %d: %s", len(newRules), len(tc.new), ruleSummary(newRules))
			}
			for _, p := range probes() {
				if verdict(newRules, p) != verdictOfDesired(tc.new, p) {
					t.Fatalf("final chain %s gives %+v verdict %s, desired list %s", ruleSummary(newRules), p,
						verdict(newRules, p), verdictOfDesired(tc.new, p))
				}
			}

			// Hitless: after every single REST call each probe meets its old or its new verdict.
			w.mu.Lock()
			defer w.mu.Unlock()
			if w.err != nil {
				t.Fatal(w.err)
			}
			if len(w.snapshots) != res.Writes {
				t.Fatalf("%d snapshots for %d writes", len(w.snapshots), res.Writes)
			}
			for i, snap := range w.snapshots {
				if len(snap) == 0 && len(tc.new) > 0 {
					t.Fatalf("chain empty after write %d", i+1)
				}
				for _, p := range probes() {
					v, vOld, vNew := verdict(snap, p), verdict(oldRules, p), verdict(newRules, p)
					if v != vOld && v != vNew {
						t.Fatalf("after write %d the chain %s gives %+v verdict %s; old %s, new %s",
							i+1, ruleSummary(snap), p, v, vOld, vNew)
					}
				}
			}
		})
	}
}

// verdictOfDesired evaluates a desired rule list with the same oracle.
func verdictOfDesired(rules []topology.Rule, p packet) string {
	var ms []midonet.Rule
	for _, r := range rules {
		m := midonet.Rule{Type: r.Type, NwProto: r.NWProto}
		if r.NWSrc != nil {
			a := r.NWSrc.Addr().String()
			m.NwSrcAddress, m.NwSrcLength = &a, r.NWSrc.Bits()
		}
		if r.TPDst != nil {
			m.TpDst = &midonet.PortRange{Start: r.TPDst.Start, End: r.TPDst.End}
		}
		ms = append(ms, m)
	}
	return verdict(ms, p)
}
