package topoview_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topoview"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// loadFixture builds the fixture in a fresh emulator and loads it back.
func loadFixture(t *testing.T) *topoview.Topology {
	t.Helper()
	_, c := startMidoNet(t)
	buildFixture(t, c)
	topo, err := topoview.Load(context.Background(), c, tenant)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return topo
}

func TestWriteTreeMatchesGolden(t *testing.T) {
	topo := loadFixture(t)
	for _, tc := range []struct {
		golden string
		opts   []topoview.TreeOption
	}{
		{"tree.golden", nil},
		{"tree_ids.golden", []topoview.TreeOption{topoview.WithIDs()}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := topo.WriteTree(&buf, tc.opts...); err != nil {
				t.Fatalf("WriteTree: %v", err)
			}
			compareGolden(t, filepath.Join("testdata", tc.golden), buf.Bytes())
		})
	}
}

// TestWriteTreeIsStable: a second load of the same MidoNet prints the same text.
func TestWriteTreeIsStable(t *testing.T) {
	_, c := startMidoNet(t)
	buildFixture(t, c)
	var outputs [2]string
	for i := range outputs {
		topo, err := topoview.Load(context.Background(), c, tenant)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		var buf bytes.Buffer
		if err := topo.WriteTree(&buf); err != nil {
			t.Fatalf("WriteTree: %v", err)
		}
		outputs[i] = buf.String()
	}
	if outputs[0] != outputs[1] {
		t.Errorf("two loads of the same topology print differently:\n%s\n---\n%s", outputs[0], outputs[1])
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("update golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestWriteJSONResolvesNames decodes the JSON document and checks that references carry the
// names of their targets, and that what is not the tenant's is left out.
func TestWriteJSONResolvesNames(t *testing.T) {
	topo := loadFixture(t)
	var buf bytes.Buffer
	if err := topo.WriteJSON(&buf); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	var doc topoview.Topology
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, buf.String())
	}

	if got := names(doc.Routers, func(r topoview.Router) string { return r.Name }); got != "eucart vr_vpc-1a2b3c4d_2" {
		t.Errorf("routers = %s, want eucart then the VPC router, without the other tenant's", got)
	}
	if got := names(doc.Bridges, func(b topoview.Bridge) string { return b.Name }); got != "eucabr vb_vpc-1a2b3c4d_subnet-11112222" {
		t.Errorf("bridges = %s", got)
	}
	wantGroups := "elip_post_i-0000aaaa sg_all_sg-55556666 sg_priv_sg-55556666"
	if got := names(doc.IPAddrGroups, func(g topoview.IPAddrGroup) string { return g.Name }); got != wantGroups {
		t.Errorf("ip address groups = %s, want only the scheme's names %s", got, wantGroups)
	}

	vr := find(t, doc.Routers, func(r topoview.Router) bool { return r.Name == "vr_vpc-1a2b3c4d_2" })
	uplink := find(t, vr.Ports, func(p topoview.Port) bool { return p.Address == "169.254.0.2/17" })
	if uplink.Peer == nil || uplink.Peer.Device != "eucabr" || uplink.Peer.DeviceID != id("bridge/eucabr") || uplink.Peer.Role != "vpc:vpc-1a2b3c4d" {
		t.Errorf("uplink peer = %+v, want eucabr's port with role vpc:vpc-1a2b3c4d", uplink.Peer)
	}
	if uplink.InboundFilter == nil || uplink.InboundFilter.Name != "vc_vpc-1a2b3c4d_prechain" || uplink.InboundFilter.ID != id("chain/vc_vpc-1a2b3c4d_prechain") {
		t.Errorf("uplink inbound filter = %+v", uplink.InboundFilter)
	}
	igw := find(t, vr.Routes, func(r topoview.Route) bool { return r.Dst == "0.0.0.0/0" })
	if igw.Src != "10.0.1.0/24" || igw.NextHopPort == nil || igw.NextHopPort.Address != "169.254.0.2" || igw.Gateway != "169.254.0.1" || igw.Weight != 10 {
		t.Errorf("igw route = %+v", igw)
	}

	vb := find(t, doc.Bridges, func(b topoview.Bridge) bool { return b.Name == "vb_vpc-1a2b3c4d_subnet-11112222" })
	vm := find(t, vb.Ports, func(p topoview.Port) bool { return p.Binding != nil })
	if vm.Binding.Host != "node-1" || vm.Binding.Interface != "vn_i-0000aaaa" || vm.Role != "vn_i-0000aaaa" {
		t.Errorf("instance port = %+v binding %+v", vm, vm.Binding)
	}
	if len(vb.DHCPSubnets) != 1 || len(vb.DHCPSubnets[0].Hosts) != 1 || vb.DHCPSubnets[0].Hosts[0].IP != "10.0.1.10" {
		t.Errorf("DHCP = %+v", vb.DHCPSubnets)
	}
	if len(vb.MACEntries) != 1 || vb.MACEntries[0].Port.ID != vm.ID {
		t.Errorf("MAC table = %+v, want the instance port", vb.MACEntries)
	}

	pre := find(t, doc.Chains, func(c topoview.Chain) bool { return c.Name == "ic_i-0000aaaa_prechain" })
	jump := find(t, pre.Rules, func(r topoview.Rule) bool { return r.Type == midonet.RuleTypeJump })
	if jump.JumpChain == nil || jump.JumpChain.Name != "sg_egress_sg-55556666" || jump.Position != 4 {
		t.Errorf("jump = %+v target %+v", jump, jump.JumpChain)
	}
	if jump.Raw == nil || midonet.Deref(jump.Raw.JumpChainID) != id("chain/sg_egress_sg-55556666") {
		t.Errorf("raw jump rule lost its jumpChainId: %+v", jump.Raw)
	}
	post := find(t, doc.Chains, func(c topoview.Chain) bool { return c.Name == "vc_vpc-1a2b3c4d_postchain" })
	if g := post.Rules[0].IPAddrGroupSrc; g == nil || g.Name != "elip_post_i-0000aaaa" {
		t.Errorf("snat ipAddrGroupSrc = %+v", g)
	}
	sg := find(t, doc.Chains, func(c topoview.Chain) bool { return c.Name == "sg_ingress_sg-55556666" })
	if g := sg.Rules[1].IPAddrGroupSrc; g == nil || g.Name != "somebody-elses-group" {
		t.Errorf("a group outside the scheme still resolves by name: %+v", g)
	}
	if g := sg.Rules[2].IPAddrGroupSrc; g == nil || !g.Missing || g.ID != id("group/sg_pub_sg-99999999") {
		t.Errorf("a deleted group is reported missing with its id: %+v", g)
	}
	leftover := find(t, doc.Chains, func(c topoview.Chain) bool { return c.Name == "leftover_chain" })
	if len(leftover.UsedBy) != 0 {
		t.Errorf("leftover_chain used by %v, want nothing", leftover.UsedBy)
	}

	host := find(t, doc.Hosts, func(h topoview.Host) bool { return h.Name == "node-1" })
	if len(host.TunnelZones) != 1 || host.TunnelZones[0].Name != "mido-tz" || len(host.Bindings) != 2 {
		t.Errorf("host = %+v", host)
	}
	pg := find(t, doc.PortGroups, func(g topoview.PortGroup) bool { return g.Name == "eucapg" })
	if len(pg.Members) != 1 || pg.Members[0].Device != "eucart" || pg.Members[0].Address != "10.111.5.80" {
		t.Errorf("eucapg members = %+v", pg.Members)
	}
}

func TestLoadFailsWhenMidoNetIsUnreachable(t *testing.T) {
	// Its own emulator, closed here: Running.Close must not run twice.
	running, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := running.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := midonet.New(midonet.Config{URL: running.URL, Retry: midonet.RetryConfig{Attempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = topoview.Load(context.Background(), c, tenant)
	var transport *midonet.TransportError
	if err == nil || !errors.As(err, &transport) {
		t.Fatalf("Load against a closed MidoNet = %v, want a transport error", err)
	}
	if !strings.Contains(err.Error(), "MidoNet API root") {
		t.Errorf("error %q does not say what was being read", err)
	}
}

func names[T any](objs []T, name func(T) string) string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = name(o)
	}
	return strings.Join(out, " ")
}

func find[T any](t *testing.T, objs []T, match func(T) bool) T {
	t.Helper()
	for _, o := range objs {
		if match(o) {
			return o
		}
	}
	var zero T
	t.Fatalf("no %T matches", zero)
	return zero
}

// rulesFailingFor is MidoNet answering every request but the rules of one chain.
type rulesFailingFor struct {
	*midonet.Client
	chainID string
}

func (r rulesFailingFor) ListRules(ctx context.Context, chainID string) ([]midonet.Rule, error) {
	if chainID == r.chainID {
		return nil, errors.New("injected failure")
	}
	return r.Client.ListRules(ctx, chainID)
}

// TestLoadFailsWholeOnAPartialRead: a topology with one chain's rules missing would show that
// chain as empty; Load refuses instead and says which read failed.
func TestLoadFailsWholeOnAPartialRead(t *testing.T) {
	_, c := startMidoNet(t)
	buildFixture(t, c)
	chain := id("chain/sg_ingress_sg-55556666")
	topo, err := topoview.Load(context.Background(), rulesFailingFor{c, chain}, tenant)
	if err == nil {
		t.Fatalf("Load succeeded with %d chains, want an error", len(topo.Chains))
	}
	want := "list rules of chain sg_ingress_sg-55556666 (" + chain + "): injected failure"
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}
