package midonet_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
)

// TestContractConcurrentClients runs many clients against one emulator at once, mixing creates
// of ports and of rules in shared chains (at the top and appended after a read of the chain)
// with reads and port deletes. Afterwards the store must be consistent: every chain's positions
// are 1..n, every acknowledged write is there exactly once, nothing unacknowledged appears.
// Run it with -race: the client is meant to be shared, and the emulator to serialise writes.
func TestContractConcurrentClients(t *testing.T) {
	const (
		workers = 16
		ops     = 50
		chains  = 4
	)
	e := plainEnv(t)
	rt := must[*midonet.Router](t, "router")(e.c.CreateRouter(e.ctx, &midonet.Router{Name: "shared"}))
	br := must[*midonet.Bridge](t, "bridge")(e.c.CreateBridge(e.ctx, &midonet.Bridge{Name: "shared"}))
	chainIDs := make([]string, chains)
	for i := range chainIDs {
		chainIDs[i] = must[*midonet.Chain](t, "chain")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: fmt.Sprintf("c%d", i)})).ID
	}
	// One client shared by half the workers, one client each for the others.
	shared := must[*midonet.Client](t, "shared client")(midonet.New(midonet.Config{URL: e.run.URL, QPS: -1, MaxInFlight: 4}))

	results := make([]workerOutcome, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := shared
			if w%2 == 1 {
				var err error
				if c, err = midonet.New(midonet.Config{URL: e.run.URL, QPS: -1}); err != nil {
					results[w].err = err
					return
				}
			}
			results[w] = runWorker(e.ctx, c, w, ops, rt.ID, br.ID, chainIDs)
		}()
	}
	wg.Wait()

	wantRules := map[string][]string{}
	var wantBridge, wantRouter []string
	for w, r := range results {
		if r.err != nil {
			t.Fatalf("worker %d: %v", w, r.err)
		}
		for ch, ids := range r.rules {
			wantRules[ch] = append(wantRules[ch], ids...)
		}
		wantBridge = append(wantBridge, r.bridgePorts...)
		wantRouter = append(wantRouter, r.routerPorts...)
	}
	total := 0
	for _, ch := range chainIDs {
		got := ruleIDs(t, e, ch) // checks positions 1..n
		want := wantRules[ch]
		total += len(want)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("chain %s: %d rules stored, %d acknowledged (lost or phantom writes)", ch, len(got), len(want))
		}
	}
	if total == 0 {
		t.Fatal("no rules were created")
	}
	portIDs := func(ports []midonet.Port) []string {
		var ids []string
		for _, p := range ports {
			ids = append(ids, p.ID)
		}
		slices.Sort(ids)
		return ids
	}
	slices.Sort(wantBridge)
	slices.Sort(wantRouter)
	if got := portIDs(must[[]midonet.Port](t, "bridge ports")(e.c.ListBridgePorts(e.ctx, br.ID))); !slices.Equal(got, wantBridge) {
		t.Errorf("bridge ports: %d stored, %d expected", len(got), len(wantBridge))
	}
	if got := portIDs(must[[]midonet.Port](t, "router ports")(e.c.ListRouterPorts(e.ctx, rt.ID))); !slices.Equal(got, wantRouter) {
		t.Errorf("router ports: %d stored, %d expected", len(got), len(wantRouter))
	}
	// One Local route per surviving router port, and tunnel keys unique over all ports.
	routes := must[[]midonet.Route](t, "routes")(e.c.ListRoutes(e.ctx, rt.ID))
	if len(routes) != len(wantRouter) {
		t.Errorf("routes = %d, want one Local route per router port (%d)", len(routes), len(wantRouter))
	}
	keys := map[int64]string{}
	for _, p := range must[[]midonet.Port](t, "all ports")(e.c.ListPorts(e.ctx)) {
		if other, dup := keys[p.TunnelKey]; dup {
			t.Errorf("tunnel key %d shared by %s and %s", p.TunnelKey, other, p.ID)
		}
		keys[p.TunnelKey] = p.ID
	}
	if len(keys) != len(wantBridge)+len(wantRouter) {
		t.Errorf("ports = %d, want %d", len(keys), len(wantBridge)+len(wantRouter))
	}
}

// workerOutcome is what one worker of TestContractConcurrentClients was told it wrote.
type workerOutcome struct {
	rules       map[string][]string // chain → ids of the rules created
	bridgePorts []string            // created and not deleted
	routerPorts []string
	err         error
}

// runWorker does ops operations for worker w and reports what it created and kept.
func runWorker(ctx context.Context, c *midonet.Client, w, ops int, routerID, bridgeID string, chainIDs []string) (out workerOutcome) {
	out.rules = map[string][]string{}
	fail := func(i int, what string, err error) {
		out.err = fmt.Errorf("op %d %s: %w", i, what, err)
	}
	for i := range ops {
		ch := chainIDs[(w+i)%len(chainIDs)]
		switch i % 6 {
		case 0: // insert at the top, with a caller-chosen id
			r, err := c.CreateRule(ctx, ch, &midonet.Rule{ID: newID(), Type: midonet.RuleTypeAccept, Position: 1,
				NwSrcAddress: midonet.Ref(fmt.Sprintf("10.%d.%d.0", w, i)), NwSrcLength: 24})
			if err != nil {
				fail(i, "create rule at 1", err)
				return
			}
			out.rules[ch] = append(out.rules[ch], r.ID)
		case 1: // append after reading the chain: others only add, so n+1 stays within 1..n'+1
			rules, err := c.ListRules(ctx, ch)
			if err != nil {
				fail(i, "list rules", err)
				return
			}
			for k, r := range rules {
				if r.Position != k+1 {
					out.err = fmt.Errorf("op %d: chain %s read with rule %d at position %d", i, ch, k, r.Position)
					return
				}
			}
			r, err := c.CreateRule(ctx, ch, &midonet.Rule{Type: midonet.RuleTypeDrop, Position: len(rules) + 1})
			if err != nil {
				fail(i, "append rule", err)
				return
			}
			out.rules[ch] = append(out.rules[ch], r.ID)
		case 2:
			p, err := c.CreateBridgePort(ctx, bridgeID, &midonet.Port{})
			if err != nil {
				fail(i, "create bridge port", err)
				return
			}
			out.bridgePorts = append(out.bridgePorts, p.ID)
		case 3:
			p, err := c.CreateRouterPort(ctx, routerID, &midonet.Port{ID: newID(), PortAddress: fmt.Sprintf("10.%d.%d.1", 100+w, i),
				NetworkAddress: fmt.Sprintf("10.%d.%d.0", 100+w, i), NetworkLength: 24})
			if err != nil {
				fail(i, "create router port", err)
				return
			}
			out.routerPorts = append(out.routerPorts, p.ID)
		case 4: // read back own work
			for _, id := range out.bridgePorts {
				if _, err := c.GetPort(ctx, id); err != nil {
					fail(i, "get own port", err)
					return
				}
			}
			if _, err := c.ListRouterPorts(ctx, routerID); err != nil {
				fail(i, "list router ports", err)
				return
			}
		case 5: // delete the oldest own bridge port every other round
			if len(out.bridgePorts) > 0 && (i/6)%2 == 1 {
				if err := c.DeletePort(ctx, out.bridgePorts[0]); err != nil {
					fail(i, "delete own port", err)
					return
				}
				out.bridgePorts = out.bridgePorts[1:]
			}
		}
	}
	return out
}

// TestContractFaultsRetried drives the client through an emulator that fails 30% of requests
// (503 before or after applying, dropped connections, applied-then-stalled requests), with a
// fixed seed. Every operation is idempotent — creates with caller-chosen ids or natural keys,
// PUTs, DELETEs — so with retries each must succeed, and the final store must hold each object
// exactly once.
func TestContractFaultsRetried(t *testing.T) {
	e := newContractEnv(t, sim.Options{FailRate: 0.3, Seed: 20240607}, midonet.Config{
		Retry:   midonet.RetryConfig{Attempts: 40, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
		Timeout: 250 * time.Millisecond, // bounds the applied-then-stalled requests
	})
	ctx, c := e.ctx, e.c
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	const routers = 4
	rtIDs := make([]string, routers)
	for i := range rtIDs {
		rtIDs[i] = newID()
		_, err := c.CreateRouter(ctx, &midonet.Router{ID: rtIDs[i], Name: fmt.Sprintf("r%d", i)})
		step("create router", err)
	}
	brID, chainID, jumpID, groupID := newID(), newID(), newID(), newID()
	_, err := c.CreateBridge(ctx, &midonet.Bridge{ID: brID, Name: "b"})
	step("create bridge", err)
	_, err = c.CreateChain(ctx, &midonet.Chain{ID: chainID, Name: "pre"})
	step("create chain", err)
	_, err = c.CreateChain(ctx, &midonet.Chain{ID: jumpID, Name: "sg"})
	step("create jump chain", err)
	_, err = c.CreateIPAddrGroup(ctx, &midonet.IPAddrGroup{ID: groupID, Name: "g"})
	step("create ip group", err)

	rpID, bpID := newID(), newID()
	_, err = c.CreateRouterPort(ctx, rtIDs[0], &midonet.Port{ID: rpID, PortAddress: "10.0.1.1", NetworkAddress: "10.0.1.0", NetworkLength: 24})
	step("create router port", err)
	_, err = c.CreateBridgePort(ctx, brID, &midonet.Port{ID: bpID})
	step("create bridge port", err)
	step("link", c.LinkPorts(ctx, rpID, bpID))

	// Rules appended one by one: a lost-but-applied append retried at the same position is
	// recognised by its id, not inserted twice.
	var ruleIDs []string
	for i := range 12 {
		r := &midonet.Rule{ID: newID(), Type: midonet.RuleTypeAccept, Position: i + 1,
			NwSrcAddress: midonet.Ref(fmt.Sprintf("10.9.%d.0", i)), NwSrcLength: 24}
		if i == 5 {
			r = &midonet.Rule{ID: r.ID, Type: midonet.RuleTypeJump, JumpChainID: &jumpID, Position: i + 1}
		}
		_, err := c.CreateRule(ctx, chainID, r)
		step(fmt.Sprintf("create rule %d", i), err)
		ruleIDs = append(ruleIDs, r.ID)
	}
	routeIDs := []string{newID(), newID(), newID()}
	for i, id := range routeIDs {
		_, err := c.CreateRoute(ctx, rtIDs[0], &midonet.Route{ID: id, SrcNetworkAddr: "0.0.0.0",
			DstNetworkAddr: fmt.Sprintf("192.168.%d.0", i), DstNetworkLength: 24, Type: midonet.RouteTypeNormal, NextHopPort: &rpID})
		step("create route", err)
	}
	for _, addr := range []string{"10.0.1.5", "10.0.1.6", "10.0.1.7"} {
		_, err := c.AddIPAddrGroupAddr(ctx, groupID, &midonet.IPAddrGroupAddr{Addr: addr})
		step("add address", err)
	}
	_, err = c.CreateDHCPSubnet(ctx, brID, &midonet.DHCPSubnet{SubnetPrefix: "10.0.1.0", SubnetLength: 24, DefaultGateway: "10.0.1.1"})
	step("create dhcp subnet", err)
	for i := range 3 {
		_, err := c.CreateDHCPHost(ctx, brID, "10.0.1.0/24", &midonet.DHCPHost{MacAddr: fmt.Sprintf("d0:0d:00:00:00:%02x", i),
			IPAddr: fmt.Sprintf("10.0.1.%d", 10+i), Name: fmt.Sprintf("i-%d", i)})
		step("create dhcp host", err)
	}

	// PUTs.
	for i, id := range rtIDs {
		_, err := c.UpdateRouter(ctx, &midonet.Router{ID: id, Name: fmt.Sprintf("renamed-%d", i), TenantID: c.Tenant(), InboundFilterID: &chainID})
		step("update router", err)
	}
	_, err = c.UpdateBridge(ctx, &midonet.Bridge{ID: brID, Name: "b2", TenantID: c.Tenant(), OutboundFilterID: &chainID})
	step("update bridge", err)
	_, err = c.UpdateDHCPHost(ctx, brID, "10.0.1.0/24", &midonet.DHCPHost{MacAddr: "d0:0d:00:00:00:00", IPAddr: "10.0.1.99", Name: "i-0"})
	step("update dhcp host", err)

	// DELETEs: a retried delete whose first attempt was applied gets 404, which is success.
	step("delete rule", c.DeleteRule(ctx, ruleIDs[3]))
	step("delete route", c.DeleteRoute(ctx, routeIDs[1]))
	step("delete address", c.DeleteIPAddrGroupAddr(ctx, groupID, "10.0.1.6"))
	step("delete dhcp host", c.DeleteDHCPHost(ctx, brID, "10.0.1.0/24", "d0:0d:00:00:00:02"))
	step("delete router", c.DeleteRouter(ctx, rtIDs[3]))
	step("delete port", c.DeletePort(ctx, bpID))

	// The faults happened: the run is not vacuous.
	faults := map[sim.Fault]int{}
	for _, r := range e.run.Server.Requests() {
		faults[r.Fault]++
	}
	injected := len(e.run.Server.Requests()) - faults[sim.FaultNone]
	if injected < 10 || faults[sim.FaultAppliedUnavailable] == 0 || faults[sim.FaultAppliedStall] == 0 {
		t.Fatalf("fault mix %v: too few injected faults to mean anything", faults)
	}
	t.Logf("requests: %d, injected faults: %v", len(e.run.Server.Requests()), faults)

	// Check the result fault-free.
	e.run.Server.SetFaults(0, 0, 0, 0)
	routersNow := must[[]midonet.Router](t, "routers")(c.ListRouters(ctx, ""))
	if len(routersNow) != routers-1 {
		t.Fatalf("routers = %d, want %d", len(routersNow), routers-1)
	}
	for _, r := range routersNow {
		if deref(r.InboundFilterID) != chainID || !strings.HasPrefix(r.Name, "renamed-") {
			t.Fatalf("router after PUT = %+v", r)
		}
	}
	if n := len(must[[]midonet.Bridge](t, "bridges")(c.ListBridges(ctx, ""))); n != 1 {
		t.Fatalf("bridges = %d, want 1", n)
	}
	if n := len(must[[]midonet.Chain](t, "chains")(c.ListChains(ctx, ""))); n != 2 {
		t.Fatalf("chains = %d, want 2", n)
	}
	wantRules := slices.Delete(slices.Clone(ruleIDs), 3, 4)
	if got := ruleIDsOf(t, c, ctx, chainID); !slices.Equal(got, wantRules) {
		t.Fatalf("rules = %v\nwant   %v (in order, once each)", got, wantRules)
	}
	rp := must[*midonet.Port](t, "router port")(c.GetPort(ctx, rpID))
	if rp.PeerID != nil {
		t.Fatalf("router port still linked to a deleted port: %+v", rp)
	}
	if n := len(must[[]midonet.Port](t, "ports")(c.ListPorts(ctx))); n != 1 {
		t.Fatalf("ports = %d, want 1", n)
	}
	if n := len(must[[]midonet.Route](t, "routes")(c.ListRoutes(ctx, rtIDs[0]))); n != 3 {
		t.Fatalf("routes = %d, want Local + 2 Normal", n)
	}
	addrs := must[[]midonet.IPAddrGroupAddr](t, "addresses")(c.ListIPAddrGroupAddrs(ctx, groupID))
	if len(addrs) != 2 {
		t.Fatalf("addresses = %+v", addrs)
	}
	hosts := must[[]midonet.DHCPHost](t, "dhcp hosts")(c.ListDHCPHosts(ctx, brID, "10.0.1.0/24"))
	if len(hosts) != 2 {
		t.Fatalf("dhcp hosts = %+v", hosts)
	}
	for _, h := range hosts {
		if h.MacAddr == "d0:0d:00:00:00:00" && h.IPAddr != "10.0.1.99" {
			t.Fatalf("dhcp host PUT lost: %+v", h)
		}
	}
}

// TestContractServerIDCreateSentOnce pins the other half of the retry contract: a create that
// lets the server choose the id is not idempotent, so whatever the failure (503 before or after
// applying, dropped connection, stall) it is sent exactly once and the transient error is
// returned to the caller, who alone can tell whether to look for the object or to try again.
func TestContractServerIDCreateSentOnce(t *testing.T) {
	e := newContractEnv(t, sim.Options{FailRate: 1, Seed: 7}, midonet.Config{
		Retry:   midonet.RetryConfig{Attempts: 5, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond},
		Timeout: 200 * time.Millisecond,
	})
	const tries = 8
	for i := range tries {
		_, err := e.c.CreateRouter(e.ctx, &midonet.Router{Name: fmt.Sprintf("r%d", i)})
		if err == nil || !midonet.IsTransient(err) {
			t.Fatalf("create %d under total failure: %v, want a transient error", i, err)
		}
	}
	posts := 0
	kinds := map[sim.Fault]bool{}
	for _, r := range e.run.Server.Requests() {
		if r.Method == "POST" {
			posts++
			kinds[r.Fault] = true
		}
	}
	if posts != tries {
		t.Fatalf("%d POSTs for %d creates with server-chosen ids, want exactly one each", posts, tries)
	}
	if len(kinds) < 3 {
		t.Fatalf("fault kinds seen %v: the seed does not exercise the mix", kinds)
	}
}

// ruleIDsOf lists a chain's rule ids in order through c, checking positions 1..n.
func ruleIDsOf(t testing.TB, c *midonet.Client, ctx context.Context, chainID string) []string {
	t.Helper()
	rules := must[[]midonet.Rule](t, "list rules")(c.ListRules(ctx, chainID))
	ids := make([]string, len(rules))
	for i, r := range rules {
		if r.Position != i+1 {
			t.Fatalf("rule %d at position %d", i, r.Position)
		}
		ids[i] = r.ID
	}
	return ids
}

// BenchmarkContractCreateRule measures one CreateRule (POST, then GET of the Location) against
// the emulator over loopback HTTP: the client's and the emulator's costs together.
func BenchmarkContractCreateRule(b *testing.B) {
	e := plainEnv(b)
	ch := must[*midonet.Chain](b, "chain")(e.c.CreateChain(e.ctx, &midonet.Chain{Name: "bench"}))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		_, err := e.c.CreateRule(ctx, ch.ID, &midonet.Rule{Type: midonet.RuleTypeAccept, Position: i,
			NwProto: midonet.Int(6), TpDst: &midonet.PortRange{Start: 22, End: 22}, NwSrcAddress: midonet.Ref("10.0.0.0"), NwSrcLength: 8})
		if err != nil {
			b.Fatal(err)
		}
	}
}
