package maintenance_test

import (
	"bytes"
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/midovpc/midovpc/internal/maintenance"
	"github.com/midovpc/midovpc/internal/maintenance/testcloud"
	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topoview"
)

type cloud struct {
	t   *testing.T
	ctx context.Context
	run *sim.Running
	c   *midonet.Client
}

func converged(t *testing.T) *cloud {
	t.Helper()
	run, c := testcloud.Converged(t)
	return &cloud{t, context.Background(), run, c}
}

func (cl *cloud) state() *maintenance.State {
	cl.t.Helper()
	st, err := maintenance.Load(cl.ctx, cl.c, testcloud.Tenant)
	if err != nil {
		cl.t.Fatal(err)
	}
	return st
}

func TestConvergedCloudIsClean(t *testing.T) {
	cl := converged(t)
	st := cl.state()
	for _, f := range maintenance.Check(st).Findings {
		t.Errorf("finding in a converged cloud: %s: %s: %s", f.Problem, f.What, f.Detail)
	}
	p := maintenance.PlanFlush(st, maintenance.FlushDynamic)
	for _, d := range p.Deletions {
		t.Logf("flush: %s (%s)", d.What, d.Reason)
	}
}

// TestCheckRepairDeletesExactlyThePlantedFaults plants duplicates, an unconnected port,
// unreferenced chains and groups, stale ARP and MAC entries, and foreign look-alikes; the
// repair plan is exactly the faults, and applying it deletes exactly that.
func TestCheckRepairDeletesExactlyThePlantedFaults(t *testing.T) {
	cl := converged(t)
	foreign := cl.plantForeign()
	faults := cl.plantFaults()
	sort.Strings(faults)

	report := maintenance.Check(cl.state())
	for _, f := range report.Findings {
		t.Logf("%s: %s: %s", f.Problem, f.What, f.Detail)
	}
	plan := report.RepairPlan()
	if got := keysOf(plan); !slices.Equal(got, faults) {
		t.Fatalf("repair plan:\n  %s\nwant the planted faults:\n  %s", strings.Join(got, "\n  "), strings.Join(faults, "\n  "))
	}
	for _, f := range report.Findings {
		if f.Problem == maintenance.ProblemDuplicate && !strings.Contains(f.Detail, "the one midovpc created") {
			t.Errorf("duplicate %s: kept %q, want the one midovpc created", f.What, f.Detail)
		}
	}

	before := cl.inventory()
	if _, err := maintenance.Apply(cl.ctx, cl.c, plan); err != nil {
		t.Fatal(err)
	}
	after := cl.inventory()
	assertDeletedExactly(t, before, after, faults)
	for _, k := range foreign {
		if _, ok := after.objects[k]; !ok {
			t.Errorf("foreign %s (%s) was deleted", k, before.objects[k])
		}
	}
	if again := maintenance.Check(cl.state()).RepairPlan(); !again.Empty() {
		t.Errorf("check still finds after the repair: %v", keysOf(again))
	}
}

func (cl *cloud) tree() string {
	cl.t.Helper()
	topo, err := topoview.Load(cl.ctx, cl.c, testcloud.Tenant)
	if err != nil {
		cl.t.Fatal(err)
	}
	var b bytes.Buffer
	if err := topo.WriteTree(&b); err != nil {
		cl.t.Fatal(err)
	}
	return b.String()
}

// TestFlushDynamicThenConvergeRebuilds: flush --dynamic deletes exactly its plan (the VPC's
// objects and their links and routes in the core), leaves the core, the metadata switch and
// every foreign object, leaves nothing dangling, and a converge rebuilds the same topology.
func TestFlushDynamicThenConvergeRebuilds(t *testing.T) {
	cl := converged(t)
	want := cl.tree()
	foreign := cl.plantForeign()
	plan := maintenance.PlanFlush(cl.state(), maintenance.FlushDynamic)
	for _, d := range plan.Deletions {
		if n, layer, ok := maintenance.OwnedName(d.Name); d.Name != "" && (!ok || layer != maintenance.LayerDynamic) {
			t.Errorf("flush --dynamic plans %s (%v, layer %q)", d.What, n.Kind, layer)
		}
	}
	before := cl.inventory()
	if _, err := maintenance.Apply(cl.ctx, cl.c, plan); err != nil {
		t.Fatal(err)
	}
	after := cl.inventory()
	assertDeletedExactly(t, before, after, keysOf(plan))
	for _, k := range foreign {
		if _, ok := after.objects[k]; !ok {
			t.Errorf("foreign %s (%s) was deleted", k, before.objects[k])
		}
	}
	st := cl.state()
	var left []string
	for _, m := range maintenance.Models(st) {
		left = append(left, m.ID)
	}
	if len(left) != 0 {
		t.Errorf("models left after flush --dynamic: %v", left)
	}
	for _, name := range []string{"eucart", "eucabr", "eucamdrt", "eucamdbr"} {
		if !slices.ContainsFunc(st.Routers, func(r maintenance.Router) bool { return r.Name == name }) &&
			!slices.ContainsFunc(st.Bridges, func(b maintenance.Bridge) bool { return b.Name == name }) {
			t.Errorf("%s is gone", name)
		}
	}
	for _, f := range maintenance.Check(st).Findings {
		t.Errorf("left dangling after the flush: %s: %s", f.Problem, f.What)
	}

	if err := testcloud.Converge(cl.ctx, cl.c); err != nil {
		t.Fatal(err)
	}
	// The foreign objects are not part of the tenant's tree except the operator's, which
	// the flush left: drop them again to compare with the tree before.
	for _, k := range foreign {
		kind, id, _ := strings.Cut(k, ":")
		switch kind {
		case "router":
			_ = cl.c.DeleteRouter(cl.ctx, id)
		case "chain":
			_ = cl.c.DeleteChain(cl.ctx, id)
		case "ipaddrgroup":
			_ = cl.c.DeleteIPAddrGroup(cl.ctx, id)
		case "portgroup":
			_ = cl.c.DeletePortGroup(cl.ctx, id)
		case "bridge":
			_ = cl.c.DeleteBridge(cl.ctx, id)
		}
	}
	if got := cl.tree(); got != want {
		t.Errorf("the converge after flush --dynamic built another topology:\n%s", topoview.TreeDiff(want, got))
	}
}

// TestFlushAllLeavesOnlyForeignObjects: flush --all deletes every owned object and nothing
// else.
func TestFlushAllLeavesOnlyForeignObjects(t *testing.T) {
	cl := converged(t)
	foreign := cl.plantForeign()
	plan := maintenance.PlanFlush(cl.state(), maintenance.FlushAll)
	before := cl.inventory()
	if _, err := maintenance.Apply(cl.ctx, cl.c, plan); err != nil {
		t.Fatal(err)
	}
	after := cl.inventory()
	assertDeletedExactly(t, before, after, keysOf(plan))
	st := cl.state()
	for _, r := range st.Routers {
		if _, _, ok := maintenance.OwnedName(r.Name); ok {
			t.Errorf("router %s is left", r.Name)
		}
	}
	for _, c := range st.Chains {
		if _, _, ok := maintenance.OwnedName(c.Name); ok && c.Name != "vr_vpc-1a2b3c4d_2" {
			t.Errorf("chain %s is left", c.Name)
		}
	}
	for _, g := range st.AddrGroups {
		if _, _, ok := maintenance.OwnedName(g.Name); ok {
			t.Errorf("group %s is left", g.Name)
		}
	}
	for _, k := range foreign {
		if _, ok := after.objects[k]; !ok {
			t.Errorf("foreign %s (%s) was deleted", k, before.objects[k])
		}
	}
}

// TestObjectsOfEachModel: every model of the converged cloud lists its objects present, and
// --delete of an interface deletes exactly its plan and leaves nothing of it behind.
func TestObjectsOfEachModel(t *testing.T) {
	cl := converged(t)
	st := cl.state()
	for _, id := range []string{testcloud.VPC, testcloud.Subnet, testcloud.Instance, testcloud.NAT, testcloud.SG, testcloud.ACL} {
		m, err := maintenance.ObjectsOf(st, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Objects) == 0 {
			t.Errorf("%s: no objects", id)
		}
		for _, o := range m.Objects {
			if o.Status != maintenance.StatusPresent {
				t.Errorf("%s: %s %s is %s: %s", id, o.Kind, o.Name, o.Status, o.Detail)
			}
		}
	}
	if _, err := maintenance.ObjectsOf(st, "vpc-XYZ"); err == nil {
		t.Error("a malformed id was accepted")
	}
	models := maintenance.Models(st)
	var ids []string
	for _, m := range models {
		ids = append(ids, m.ID)
	}
	want := []string{testcloud.Instance, testcloud.NAT, testcloud.ACL, testcloud.SG, testcloud.Subnet, testcloud.NATSubnet, testcloud.VPC}
	if !slices.Equal(ids, want) {
		t.Errorf("models = %v, want %v", ids, want)
	}

	foreign := cl.plantForeign()
	m, err := maintenance.ObjectsOf(cl.state(), testcloud.Instance)
	if err != nil {
		t.Fatal(err)
	}
	before := cl.inventory()
	if _, err := maintenance.Apply(cl.ctx, cl.c, m.Delete); err != nil {
		t.Fatal(err)
	}
	after := cl.inventory()
	assertDeletedExactly(t, before, after, keysOf(m.Delete))
	for _, k := range foreign {
		if _, ok := after.objects[k]; !ok {
			t.Errorf("foreign %s (%s) was deleted", k, before.objects[k])
		}
	}
	again, err := maintenance.ObjectsOf(cl.state(), testcloud.Instance)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range again.Objects {
		if o.Status != maintenance.StatusMissing {
			t.Errorf("after --delete: %s %s is %s", o.Kind, o.Name, o.Status)
		}
	}
}

// TestFlushKeepsWhatAnotherTenantUses: a core bridge another tenant's router is linked to, and
// a chain another tenant's port uses as a filter, stay (with a note) through flush --all.
func TestFlushKeepsWhatAnotherTenantUses(t *testing.T) {
	cl := converged(t)
	st := cl.state()
	var eucabr, sgChain string
	for _, b := range st.Bridges {
		if b.Name == "eucabr" {
			eucabr = b.ID
		}
	}
	for _, c := range st.Chains {
		if c.Name == "sg_ingress_"+testcloud.SG {
			sgChain = c.ID
		}
	}
	r, err := cl.c.CreateRouter(cl.ctx, &midonet.Router{Name: "their_router", TenantID: "other_tenant"})
	cl.must(err)
	theirs, err := cl.c.CreateRouterPort(cl.ctx, r.ID, &midonet.Port{PortAddress: "169.254.0.99", NetworkLength: 17, InboundFilterID: &sgChain})
	cl.must(err)
	ours, err := cl.c.CreateBridgePort(cl.ctx, eucabr, &midonet.Port{})
	cl.must(err)
	cl.must(cl.c.LinkPorts(cl.ctx, theirs.ID, ours.ID))

	plan := maintenance.PlanFlush(cl.state(), maintenance.FlushAll)
	for _, d := range plan.Deletions {
		if d.ID == eucabr || d.ID == sgChain {
			t.Errorf("flush --all plans %s, which another tenant uses", d.What)
		}
	}
	notes := strings.Join(plan.Notes, "\n")
	for _, want := range []string{"kept bridge eucabr: another tenant's port is linked to it", "kept chain sg_ingress_" + testcloud.SG + ": another tenant's object uses it"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if _, err := maintenance.Apply(cl.ctx, cl.c, plan); err != nil {
		t.Fatal(err)
	}
	p, err := cl.c.GetPort(cl.ctx, theirs.ID)
	cl.must(err)
	if p.PeerID == nil || *p.PeerID != ours.ID || p.InboundFilterID == nil || *p.InboundFilterID != sgChain {
		t.Errorf("the other tenant's port was changed: peer %v filter %v", p.PeerID, p.InboundFilterID)
	}
}
