package sync_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	msync "github.com/midovpc/midovpc/internal/midonet/sync"
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

// inFlightCounter counts the requests in flight that match, and the most at once.
type inFlightCounter struct {
	next  http.RoundTripper
	match func(*http.Request) bool
	mu    gosync.Mutex
	now   int
	most  int
}

func (c *inFlightCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if !c.match(req) {
		return c.next.RoundTrip(req)
	}
	c.mu.Lock()
	c.now++
	c.most = max(c.most, c.now)
	c.mu.Unlock()
	defer func() { c.mu.Lock(); c.now--; c.mu.Unlock() }()
	return c.next.RoundTrip(req)
}

// countingEnv is an env whose emulator answers in 20 ms and whose engine's POSTs to the path
// that suffix returns (once it returns one) are counted in flight.
func countingEnv(t *testing.T, suffix func() string) (*env, *inFlightCounter) {
	counter := &inFlightCounter{next: http.DefaultTransport.(*http.Transport).Clone(), match: func(req *http.Request) bool {
		s := suffix()
		return req.Method == http.MethodPost && s != "" && strings.HasSuffix(req.URL.Path, s)
	}}
	e := newEnv(t, sim.Options{Latency: 20 * time.Millisecond}, func(c *midonet.Config) {
		c.HTTPClient = &http.Client{Transport: counter}
	})
	return e, counter
}

// syncAtOnce syncs fragments (of different owners, none recorded before) at once.
func syncAtOnce(t *testing.T, e *env, frags []topology.Fragment) []*msync.Result {
	t.Helper()
	results := make([]*msync.Result, len(frags))
	errs := make([]error, len(frags))
	var wg gosync.WaitGroup
	for i := range frags {
		wg.Go(func() { results[i], errs[i] = e.eng.Sync(e.ctx, &frags[i], nil) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return results
}

func (c *inFlightCounter) reset() { c.mu.Lock(); c.most = 0; c.mu.Unlock() }
func (c *inFlightCounter) peak() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.most
}

// The contributions of many owners to one shared chain (a VPC's metadata chains take one rule
// from each of its interfaces) go out at once when they are placed First: position 1 is right
// whatever else goes in meanwhile. Placed Last, their positions count the chain's rules, and
// they go one at a time. Either way every contribution ends up where its placement says, the
// index holds what MidoNet holds, and nobody has anything left to write.
func TestContributionsPlacedFirstGoOutAtOnce(t *testing.T) {
	var preID string
	e, counter := countingEnv(t, func() string { return "/chains/" + preID + "/rules" })
	owner := vpcFragment()
	owner.Chains[1].Rules = []topology.Rule{accept(6, 22, "0.0.0.0/0"), drop(6, "0.0.0.0/0")}
	preID = e.sync(owner, nil).IDs["chain:"+preElip]

	// Owner n contributes a DNAT rule for 203.0.113.n.
	contribution := func(n int, placement topology.Placement) topology.Fragment {
		f := eipFragment(fmt.Sprintf("203.0.113.%d", n), fmt.Sprintf("10.0.1.%d", n))
		f.Owner.Name = fmt.Sprintf("eipalloc-%d", n)
		f.ChainRules[0].Placement = placement
		return f
	}
	contribute := func(placement topology.Placement, from int) []*msync.Result {
		var frags []topology.Fragment
		for i := range 8 {
			frags = append(frags, contribution(from+i, placement))
		}
		return syncAtOnce(t, e, frags)
	}

	firsts := contribute(topology.First, 10)
	if got := counter.peak(); got < 2 {
		t.Errorf("contributions placed First: at most %d in flight to the chain, want them at once", got)
	}
	counter.reset()
	lasts := contribute(topology.Last, 30)
	if got := counter.peak(); got != 1 {
		t.Errorf("contributions placed Last: %d in flight to the chain at once, want 1 (their positions count its rules)", got)
	}

	rules := e.chainRules(preElip)
	if got := ruleSummary(rules); len(rules) != 18 {
		t.Fatalf("chain holds %d rules, want 8 placed first, the owner's 2, 8 placed last: %s", len(rules), got)
	}
	if own := ruleSummary(rules[8:10]); own != "[accept p6 0.0.0.0/0 :22; drop p6 0.0.0.0/0]" {
		t.Fatalf("the owner's rules are not between the contributions: %s", ruleSummary(rules))
	}
	for i, r := range slices.Concat(rules[:8], rules[10:]) {
		if r.Type != "dnat" {
			t.Fatalf("contribution %d is %s: %s", i, r.Type, ruleSummary(rules))
		}
	}
	var inMidoNet, inIndex []string
	for _, r := range rules {
		inMidoNet = append(inMidoNet, r.ID)
	}
	inIndex = e.idx.RuleIDsOf(preID)
	slices.Sort(inMidoNet)
	slices.Sort(inIndex)
	if !slices.Equal(inMidoNet, inIndex) {
		t.Fatalf("the index holds rules %v, MidoNet %v", inIndex, inMidoNet)
	}

	e.reset()
	for i, res := range firsts {
		e.sync(contribution(10+i, topology.First), res.Owned)
	}
	for i, res := range lasts {
		e.sync(contribution(30+i, topology.Last), res.Owned)
	}
	e.sync(owner, nil)
	if w := e.writes(); len(w) != 0 {
		t.Fatalf("after the contributions, syncing everyone again wrote:%s", describe(w))
	}
}

// Routes are order-free: the routes many owners add to one router (every interface adds one to
// eucart) go out at once, each under the lock of its destination; every one is there in the
// end, and nobody has anything left to write.
func TestRoutesOfManyOwnersGoOutAtOnce(t *testing.T) {
	var routerID string
	e, counter := countingEnv(t, func() string { return "/routers/" + routerID + "/routes" })
	routerID = e.sync(smallTopology(), nil).IDs["router:"+vpcRouter]
	if routerID == "" {
		t.Fatal("the router was not created")
	}
	route := func(n int) topology.Fragment {
		return topology.Fragment{
			Owner: topology.Owner{Kind: topology.KindNetworkInterface, Namespace: "euca", Name: fmt.Sprintf("eni-%d", n)},
			Routes: []topology.Route{{Router: vpcRouter, Src: pfx("0.0.0.0/0"), Dst: pfx(fmt.Sprintf("10.0.1.%d/32", n)),
				NextHopPort: rtPort, Type: topology.RouteNormal}},
		}
	}
	const owners = 8
	var frags []topology.Fragment
	for i := range owners {
		frags = append(frags, route(10+i))
	}
	results := syncAtOnce(t, e, frags)
	if got := counter.peak(); got < 2 {
		t.Errorf("routes of %d owners to one router: at most %d in flight, want them at once", owners, got)
	}
	routes, err := e.raw.ListRoutes(e.ctx, routerID)
	if err != nil {
		t.Fatal(err)
	}
	dsts := map[string]bool{}
	for _, rt := range routes {
		dsts[fmt.Sprintf("%s/%d", rt.DstNetworkAddr, rt.DstNetworkLength)] = true
	}
	for i := range owners {
		if d := fmt.Sprintf("10.0.1.%d/32", 10+i); !dsts[d] {
			t.Errorf("no route to %s on the router: %v", d, dsts)
		}
	}
	e.reset()
	for i, res := range results {
		e.sync(route(10+i), res.Owned)
	}
	if w := e.writes(); len(w) != 0 {
		t.Fatalf("syncing the owners again wrote:%s", describe(w))
	}
}
