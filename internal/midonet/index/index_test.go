package index_test

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/midonet/sim"
)

const tenant = "euca_tenant_1"

func setup(t *testing.T) (*sim.Running, *midonet.Client, *index.Index) {
	t.Helper()
	run, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close() })
	seed, err := sim.LoadSeed("testdata/hosts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Server.ApplySeed(seed); err != nil {
		t.Fatal(err)
	}
	c, err := midonet.New(midonet.Config{URL: run.URL, Tenant: tenant, QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	return run, c, index.New(c, tenant)
}

func TestLoadMirrorsOnlyTheTenantButEveryGroup(t *testing.T) {
	_, c, x := setup(t)
	ctx := context.Background()
	ours, _ := c.CreateRouter(ctx, &midonet.Router{Name: "vr_vpc-1a2b3c4d_2"})
	_, _ = c.CreateRouter(ctx, &midonet.Router{Name: "vr_vpc-1a2b3c4d_7", TenantID: "other"})
	_, _ = c.CreateRouter(ctx, &midonet.Router{Name: "natr_nat-0c1d2e3f4a5b6c7d8_subnet-11aa22bb_3"})
	ch, _ := c.CreateChain(ctx, &midonet.Chain{Name: "sg_ingress_sg-55556666"})
	for i := 1; i <= 3; i++ {
		_, _ = c.CreateRule(ctx, ch.ID, &midonet.Rule{Type: "accept", NwProto: midonet.Int(i), Position: i})
	}
	g, _ := c.CreateIPAddrGroup(ctx, &midonet.IPAddrGroup{Name: "someone-elses"})
	_, _ = c.AddIPAddrGroupAddr(ctx, g.ID, &midonet.IPAddrGroupAddr{Addr: "192.0.2.1"})
	port, _ := c.CreateRouterPort(ctx, ours.ID, &midonet.Port{PortAddress: "10.0.1.1", NetworkAddress: "10.0.1.0", NetworkLength: 24})

	if err := x.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if got := x.RoutersByName("vr_vpc-1a2b3c4d_7"); len(got) != 0 {
		t.Errorf("another tenant's router is mirrored: %+v", got)
	}
	if got := x.RouterIndexes(); !slices.Equal(got, []int{2, 3}) {
		t.Errorf("router indexes %v, want [2 3]", got)
	}
	rules := x.RulesOf(ch.ID)
	if len(rules) != 3 || *rules[0].NwProto != 1 || *rules[2].NwProto != 3 {
		t.Errorf("rules not in position order: %+v", rules)
	}
	if got := x.AddrsOf(x.AddrGroupsByName("someone-elses")[0].ID); !slices.Equal(got, []string{"192.0.2.1"}) {
		t.Errorf("foreign group addresses %v", got)
	}
	if ref, ok := x.Find(port.ID); !ok || ref.Kind != index.KindPort || ref.Parent != ours.ID {
		t.Errorf("Find(port) = %+v %v", ref, ok)
	}
	if ref, ok := x.Find(index.AddrID(g.ID, "192.0.2.1")); !ok || ref.Kind != index.KindAddr {
		t.Errorf("Find(address) = %+v %v", ref, ok)
	}
	if _, ok := x.Find(index.AddrID(g.ID, "192.0.2.2")); ok {
		t.Error("Find of a non-member succeeded")
	}
}

func TestHostLookup(t *testing.T) {
	_, _, x := setup(t)
	if err := x.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		node string
		want string // host name, "" = none
	}{
		{"10.111.1.5", "node-1"},
		{"192.168.1.6", "node-2"}, // a second interface counts
		{"node-2", "node-2"},      // by name
		{"10.111.1.9", ""},        // dead host
		{"169.254.10.1", ""},      // link-local is ignored
		{"10.111.1.77", ""},       // nobody
		{"fe80::1", ""},           // IPv6 is ignored
		{"node-untunnelled", "node-untunnelled"},
	}
	for _, tc := range tests {
		h, ok := x.HostFor(tc.node)
		if got := map[bool]string{true: h.Name, false: ""}[ok]; got != tc.want {
			t.Errorf("HostFor(%s) = %q, want %q", tc.node, got, tc.want)
		}
	}
	if h, _ := x.HostByAddress(netip.MustParseAddr("10.111.1.5")); !x.InTunnelZone(h.ID) {
		t.Error("node-1 should be in a tunnel zone")
	}
	if h, _ := x.HostFor("node-untunnelled"); x.InTunnelZone(h.ID) {
		t.Error("node-untunnelled is in no tunnel zone")
	}
}

func TestDeleteChainWriteThroughAppliesMidoNetCascades(t *testing.T) {
	_, c, x := setup(t)
	ctx := context.Background()
	target, _ := c.CreateChain(ctx, &midonet.Chain{Name: "sg_ingress_sg-55556666"})
	from, _ := c.CreateChain(ctx, &midonet.Chain{Name: "ic_i-0000aaaa_postchain"})
	_, _ = c.CreateRule(ctx, from.ID, &midonet.Rule{Type: "jump", JumpChainID: &target.ID, Position: 1})
	_, _ = c.CreateRule(ctx, from.ID, &midonet.Rule{Type: "drop", Position: 2})
	br, _ := c.CreateBridge(ctx, &midonet.Bridge{Name: "vb_vpc-1a2b3c4d_subnet-11112222"})
	p, _ := c.CreateBridgePort(ctx, br.ID, &midonet.Port{OutboundFilterID: &target.ID})
	if err := x.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteChain(ctx, target.ID); err != nil {
		t.Fatal(err)
	}
	x.DeleteChain(target.ID)
	if rules := x.RulesOf(from.ID); len(rules) != 1 || rules[0].Type != "drop" {
		t.Errorf("jump to the deleted chain still mirrored: %+v", rules)
	}
	if got, _ := x.Port(p.ID); got.OutboundFilterID != nil {
		t.Errorf("filter reference to the deleted chain still mirrored")
	}
	// The write-through agrees with MidoNet: a resync finds nothing new.
	if d, err := x.Resync(ctx); err != nil || !d.Empty() {
		t.Fatalf("resync after write-through: %+v %v", d, err)
	}
}

func TestResyncReportsDrift(t *testing.T) {
	_, c, x := setup(t)
	ctx := context.Background()
	ch, _ := c.CreateChain(ctx, &midonet.Chain{Name: "sg_egress_sg-55556666"})
	r1, _ := c.CreateRule(ctx, ch.ID, &midonet.Rule{Type: "accept", Position: 1})
	gone, _ := c.CreateBridge(ctx, &midonet.Bridge{Name: "vb_vpc-1a2b3c4d_subnet-11112222"})
	if err := x.Load(ctx); err != nil {
		t.Fatal(err)
	}
	_ = c.DeleteBridge(ctx, gone.ID)
	r2, _ := c.CreateRule(ctx, ch.ID, &midonet.Rule{Type: "drop", Position: 2})
	d, err := x.Resync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Vanished) != 1 || d.Vanished[0].ID != gone.ID || len(d.Appeared) != 1 || d.Appeared[0].ID != r2.ID || len(d.Changed) != 0 {
		t.Fatalf("drift %+v", d)
	}
	if _, ok := x.Rule(r1.ID); !ok {
		t.Error("rule lost by resync")
	}
}

// A write written through while Resync reads MidoNet is newer than what the read saw: the
// container keeps its written-through state and is not reported as drift.
func TestResyncKeepsWritesMadeWhileReading(t *testing.T) {
	run, raw, _ := setup(t)
	ctx := context.Background()
	ch, _ := raw.CreateChain(ctx, &midonet.Chain{Name: "sg_egress_sg-55556666"})
	_, _ = raw.CreateRule(ctx, ch.ID, &midonet.Rule{Type: "accept", Position: 1})

	var x *index.Index
	var armed atomic.Bool
	var written *midonet.Rule
	c, err := midonet.New(midonet.Config{URL: run.URL, Tenant: tenant, QPS: -1, Observer: func(info midonet.RequestInfo) {
		// Right after the resync has read the chain's rules, the engine writes one more.
		if info.Method == "GET" && strings.HasSuffix(info.URL, "/chains/"+ch.ID+"/rules") && armed.CompareAndSwap(true, false) {
			// Every field the server would default is sent, as the engine does: the rule is
			// recorded from the request.
			r, err := raw.CreateRule(ctx, ch.ID, &midonet.Rule{Type: "drop", Position: 2, FragmentPolicy: midonet.FragmentPolicyAny})
			if err != nil {
				panic(err)
			}
			written = r
			x.InsertRule(ch.ID, *r)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	x = index.New(c, tenant)
	if err := x.Load(ctx); err != nil {
		t.Fatal(err)
	}
	armed.Store(true)
	d, err := x.Resync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if written == nil {
		t.Fatal("the hook did not run")
	}
	if !d.Empty() {
		t.Errorf("write made during the resync reported as drift: %+v", d)
	}
	if rules := x.RulesOf(ch.ID); len(rules) != 2 || rules[1].ID != written.ID {
		t.Fatalf("mirror lost the write made during the resync: %+v", rules)
	}
	// The next resync reads it like anything else.
	if d, err := x.Resync(ctx); err != nil || !d.Empty() {
		t.Fatalf("second resync: %+v %v", d, err)
	}
}

// RoutesTo gives what RoutesOf filtered by destination gives, through loads, write-throughs
// of created and deleted routes, and the deletion of a port that takes its routes with it.
func TestRoutesToFollowsWriteThroughs(t *testing.T) {
	_, c, x := setup(t)
	ctx := context.Background()
	r, _ := c.CreateRouter(ctx, &midonet.Router{Name: "eucart"})
	p1, _ := c.CreateRouterPort(ctx, r.ID, &midonet.Port{PortAddress: "10.0.0.1", NetworkAddress: "10.0.0.0", NetworkLength: 24})
	p2, _ := c.CreateRouterPort(ctx, r.ID, &midonet.Port{PortAddress: "10.0.1.1", NetworkAddress: "10.0.1.0", NetworkLength: 24})
	route := func(dst string, port string) midonet.Route {
		rt, err := c.CreateRoute(ctx, r.ID, &midonet.Route{SrcNetworkAddr: "0.0.0.0", SrcNetworkLength: 0,
			DstNetworkAddr: dst, DstNetworkLength: 32, Type: "Normal", NextHopPort: &port, Weight: 100})
		if err != nil {
			t.Fatal(err)
		}
		return *rt
	}
	a := route("192.0.2.1", p1.ID)
	if err := x.Load(ctx); err != nil {
		t.Fatal(err)
	}
	ids := func(dst string) []string {
		var out []string
		for _, rt := range x.RoutesTo(r.ID, netip.MustParsePrefix(dst)) {
			out = append(out, rt.ID)
		}
		var want []string
		for _, rt := range x.RoutesOf(r.ID) {
			if rt.DstNetworkAddr+"/32" == dst && rt.DstNetworkLength == 32 {
				want = append(want, rt.ID)
			}
		}
		if !slices.Equal(out, want) {
			t.Errorf("RoutesTo(%s) = %v, RoutesOf filtered = %v", dst, out, want)
		}
		return out
	}
	if got := ids("192.0.2.1/32"); !slices.Equal(got, []string{a.ID}) {
		t.Errorf("loaded route to 192.0.2.1: %v", got)
	}
	b := route("192.0.2.2", p2.ID)
	x.PutRoute(r.ID, b)
	b2 := route("192.0.2.2", p1.ID)
	x.PutRoute(r.ID, b2)
	if got := ids("192.0.2.2/32"); len(got) != 2 {
		t.Errorf("two routes to 192.0.2.2 written through, RoutesTo gives %v", got)
	}
	_ = c.DeleteRoute(ctx, b.ID)
	x.DeleteRoute(b.ID)
	if got := ids("192.0.2.2/32"); !slices.Equal(got, []string{b2.ID}) {
		t.Errorf("after deleting one route to 192.0.2.2: %v", got)
	}
	_ = c.DeletePort(ctx, p1.ID)
	x.DeletePort(p1.ID)
	if got := ids("192.0.2.1/32"); len(got) != 0 {
		t.Errorf("the deleted port's route to 192.0.2.1 is still listed: %v", got)
	}
	ids("192.0.2.2/32")
}

// ChainNames answers from the names the index keeps current: loaded, written through,
// deleted.
func TestChainNamesFollowWriteThroughs(t *testing.T) {
	_, c, x := setup(t)
	ctx := context.Background()
	_, _ = c.CreateChain(ctx, &midonet.Chain{Name: "vc_vpc-1a2b3c4d_mdulout"})
	_, _ = c.CreateChain(ctx, &midonet.Chain{Name: "sg_ingress_sg-55556666"})
	if err := x.Load(ctx); err != nil {
		t.Fatal(err)
	}
	metadata := func(name string) bool { return strings.HasSuffix(name, "_mdulout") }
	if got := x.ChainNames(metadata); !slices.Equal(got, []string{"vc_vpc-1a2b3c4d_mdulout"}) {
		t.Errorf("loaded: %v", got)
	}
	added, _ := c.CreateChain(ctx, &midonet.Chain{Name: "vc_vpc-5e6f7a8b_mdulout"})
	x.PutChain(*added)
	got := x.ChainNames(metadata)
	slices.Sort(got)
	if !slices.Equal(got, []string{"vc_vpc-1a2b3c4d_mdulout", "vc_vpc-5e6f7a8b_mdulout"}) {
		t.Errorf("after a create: %v", got)
	}
	x.DeleteChain(added.ID)
	if got := x.ChainNames(metadata); !slices.Equal(got, []string{"vc_vpc-1a2b3c4d_mdulout"}) {
		t.Errorf("after a delete: %v", got)
	}
}

// The lookup of hosts by address and name follows the hosts as the resyncs find them: a host
// that registers, and one that dies.
func TestHostLookupFollowsHostChanges(t *testing.T) {
	run, _, x := setup(t)
	ctx := context.Background()
	if err := x.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := x.HostFor("10.111.1.50"); ok {
		t.Fatal("a host nobody registered was found")
	}
	id, err := run.Server.AddHost(sim.HostSpec{Name: "node-late", Interfaces: []sim.InterfaceSpec{{Name: "eth0", Addresses: []string{"10.111.1.50"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.ResyncCollections(ctx); err != nil {
		t.Fatal(err)
	}
	if h, ok := x.HostFor("10.111.1.50"); !ok || h.ID != id {
		t.Errorf("after it registered: %+v %v, want host %s", h, ok, id)
	}
	if h, ok := x.HostFor("node-late"); !ok || h.ID != id {
		t.Errorf("by name after it registered: %+v %v", h, ok)
	}
	if err := run.Server.SetHostAlive(id, false); err != nil {
		t.Fatal(err)
	}
	if _, err := x.ResyncContainer(ctx, index.KindHost, id); err != nil {
		t.Fatal(err)
	}
	if h, ok := x.HostFor("10.111.1.50"); ok {
		t.Errorf("a dead host is still found: %+v", h)
	}
	if err := run.Server.SetHostAlive(id, true); err != nil {
		t.Fatal(err)
	}
	if err := x.Refresh(ctx, index.KindHost, id); err != nil {
		t.Fatal(err)
	}
	if _, ok := x.HostFor("node-late"); !ok {
		t.Error("alive again after a refresh, but not found")
	}
}
