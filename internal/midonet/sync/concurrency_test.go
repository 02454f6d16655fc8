package sync_test

import (
	"fmt"
	gosync "sync"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topology"
)

// Several owners edit one shared chain at once: eight contributors add their First rules while
// the chain's owner rewrites its own rules. Positional edits must not interleave: in the end
// every contribution sits above the owner's rules, which are in the owner's order.
func TestConcurrentOwnersInOneSharedChain(t *testing.T) {
	e := newEnv(t, sim.Options{})
	shared := func(rules ...topology.Rule) topology.Fragment {
		f := vpcFragment()
		f.Chains[1].Rules = rules
		return f
	}
	first := e.sync(shared(accept(6, 22, "0.0.0.0/0"), drop(6, "0.0.0.0/0")), nil)

	var wg gosync.WaitGroup
	errs := make(chan error, 16)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := eipFragment(fmt.Sprintf("203.0.113.%d", i+1), fmt.Sprintf("10.0.1.%d", i+10))
			f.Owner.Name = fmt.Sprintf("eipalloc-%d", i)
			if _, err := e.eng.Sync(e.ctx, &f, nil); err != nil {
				errs <- err
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		f := shared(accept(17, 53, "0.0.0.0/0"), drop(6, "0.0.0.0/0"), accept(6, 22, "0.0.0.0/0"))
		if _, err := e.eng.Sync(e.ctx, &f, first.Owned); err != nil {
			errs <- err
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	rules := e.chainRules(preElip)
	if len(rules) != 11 {
		t.Fatalf("chain has %d rules, want 8 contributions and 3 own: %s", len(rules), ruleSummary(rules))
	}
	for i, r := range rules[:8] {
		if r.Type != "dnat" {
			t.Fatalf("rule %d is %s, contributions must come first: %s", i+1, r.Type, ruleSummary(rules))
		}
	}
	own := ruleSummary(rules[8:])
	if want := "[accept p17 0.0.0.0/0 :53; drop p6 0.0.0.0/0; accept p6 0.0.0.0/0 :22]"; own != want {
		t.Fatalf("owner's rules %s, want %s", own, want)
	}
	// Everyone is done: nothing more to write for anybody.
	e.reset()
	e.sync(shared(accept(17, 53, "0.0.0.0/0"), drop(6, "0.0.0.0/0"), accept(6, 22, "0.0.0.0/0")), nil)
	if len(e.writes()) != 0 {
		t.Fatalf("owner re-sync wrote:%s", describe(e.writes()))
	}
}
