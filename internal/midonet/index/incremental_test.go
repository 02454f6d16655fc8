package index_test

import (
	"context"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
)

// TestIncrementalResyncFindsDriftContainerByContainer: one container re-read alone reports
// what changed in it behind our back; re-listing the collections finds containers that
// appeared or vanished; neither reports what another container holds.
func TestIncrementalResyncFindsDriftContainerByContainer(t *testing.T) {
	run, c, x := setup(t)
	ctx := context.Background()
	ch, _ := c.CreateChain(ctx, &midonet.Chain{Name: "sg_ingress_sg-55556666"})
	rule, _ := c.CreateRule(ctx, ch.ID, &midonet.Rule{Type: "accept", FragmentPolicy: midonet.FragmentPolicyAny})
	other, _ := c.CreateChain(ctx, &midonet.Chain{Name: "sg_egress_sg-55556666"})
	gone, _ := c.CreateBridge(ctx, &midonet.Bridge{Name: "vb_vpc-1a2b3c4d_subnet-11aa22bb"})
	if err := x.Load(ctx); err != nil {
		t.Fatal(err)
	}

	// Behind our back: a rule deleted in one chain, a rule added in another, a bridge deleted,
	// a router created.
	if err := c.DeleteRule(ctx, rule.ID); err != nil {
		t.Fatal(err)
	}
	added, _ := c.CreateRule(ctx, other.ID, &midonet.Rule{Type: "drop", FragmentPolicy: midonet.FragmentPolicyAny})
	if err := c.DeleteBridge(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	rt, _ := c.CreateRouter(ctx, &midonet.Router{Name: "vr_vpc-1a2b3c4d_2"})

	run.Server.ResetRequests()
	d, err := x.ResyncContainer(ctx, index.KindChain, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Vanished) != 1 || d.Vanished[0].ID != rule.ID || len(d.Changed)+len(d.Appeared) != 0 {
		t.Errorf("chain %s resynced alone: %+v, want its rule vanished and nothing else", ch.Name, d)
	}
	if reads := run.Server.Reads(); reads != 2 {
		t.Errorf("resync of one chain made %d reads, want 2 (the chain, its rules)", reads)
	}
	if _, ok := x.Rule(rule.ID); ok {
		t.Error("the vanished rule is still in the mirror")
	}
	if _, ok := x.Rule(added.ID); ok {
		t.Error("the other chain was re-read too")
	}

	d, err = x.ResyncCollections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var vanishedBridge, appearedRouter bool
	for _, r := range d.Vanished {
		vanishedBridge = vanishedBridge || r.ID == gone.ID
	}
	for _, r := range d.Appeared {
		appearedRouter = appearedRouter || r.ID == rt.ID
	}
	if !vanishedBridge || !appearedRouter {
		t.Errorf("collections resynced: %+v, want bridge %s vanished and router %s appeared", d, gone.ID, rt.ID)
	}
	if got := x.RoutersByName("vr_vpc-1a2b3c4d_2"); len(got) != 1 {
		t.Errorf("the new router is not in the mirror: %+v", got)
	}

	d, err = x.ResyncContainer(ctx, index.KindChain, other.ID)
	if err != nil || len(d.Appeared) != 1 || d.Appeared[0].ID != added.ID {
		t.Errorf("second chain: %+v %v, want its new rule appeared", d, err)
	}
	// Everything seen now: a full resync finds nothing more.
	if d, err := x.Resync(ctx); err != nil || !d.Empty() {
		t.Errorf("full resync after the incremental one: %+v %v", d, err)
	}
}
