package sync_test

import (
	"slices"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	"github.com/midovpc/midovpc/internal/topology"
)

var (
	vpcOwner = topology.Owner{Kind: topology.KindVpc, Namespace: "euca", Name: "vpc-1a2b3c4d"}
	eipOwner = topology.Owner{Kind: topology.KindElasticIP, Namespace: "euca", Name: "eipalloc-1"}
)

func vpcFragment() topology.Fragment {
	return topology.Fragment{
		Owner:   vpcOwner,
		Routers: []topology.Router{{Name: vpcRouter}},
		Chains: []topology.Chain{
			{Name: "vc_vpc-1a2b3c4d_prechain", Rules: []topology.Rule{{Type: topology.RuleJump, JumpChain: preElip}}},
			{Name: preElip, Shared: true},
		},
	}
}

func dnat(public, private string) topology.Rule {
	return topology.Rule{Type: topology.RuleDNAT, FlowAction: topology.FlowContinue, NWDst: ppfx(public + "/32"),
		NATTargets: []topology.NATTarget{{AddressFrom: ip(private), AddressTo: ip(private)}}}
}

func eipFragment(public, private string) topology.Fragment {
	return topology.Fragment{Owner: eipOwner,
		ChainRules: []topology.ChainRules{{Chain: preElip, Placement: topology.First, Rules: []topology.Rule{dnat(public, private)}}}}
}

func TestOnlyOwnedObjectsAreDeleted(t *testing.T) {
	e := newEnv(t, sim.Options{})
	c, ctx := e.raw, e.ctx
	// Things that are not ours: another tenant's routers (one with our router's very name),
	// objects of our tenant with names outside the scheme, a group of another MidoNet user.
	otherSame, err := c.CreateRouter(ctx, &midonet.Router{Name: vpcRouter, TenantID: "other_tenant"})
	if err != nil {
		t.Fatal(err)
	}
	otherScheme, _ := c.CreateRouter(ctx, &midonet.Router{Name: "vr_vpc-99999999_3", TenantID: "other_tenant"})
	mine, _ := c.CreateRouter(ctx, &midonet.Router{Name: "my-router"})
	custom, _ := c.CreateChain(ctx, &midonet.Chain{Name: "custom_chain"})
	if _, err := c.CreateRule(ctx, custom.ID, &midonet.Rule{Type: "accept"}); err != nil {
		t.Fatal(err)
	}
	group, _ := c.CreateIPAddrGroup(ctx, &midonet.IPAddrGroup{Name: "foreign-group"})
	e.reload()

	vpc := e.sync(vpcFragment(), nil)
	if vpc.IDs["router:"+vpcRouter] == otherSame.ID {
		t.Fatal("adopted another tenant's router of the same name")
	}
	// A rule someone else put into the shared chain, and the elastic IP's contribution.
	preID := vpc.IDs["chain:"+preElip]
	foreignRule, err := c.CreateRule(ctx, preID, &midonet.Rule{Type: "accept", NwDstAddress: midonet.Ref("198.51.100.1"), NwDstLength: 32, Position: 1})
	if err != nil {
		t.Fatal(err)
	}
	e.idx.InsertRule(preID, *foreignRule) // as a resync would show it
	eip := e.sync(eipFragment("203.0.113.7", "10.0.1.10"), nil)
	if eip.Created != 1 {
		t.Fatalf("contribution: %d creates", eip.Created)
	}
	if rules := e.chainRules(preElip); rules[0].Type != "dnat" {
		t.Fatalf("First contribution not at the top: %s", ruleSummary(rules))
	}

	// The Vpc believes it owned the foreign named objects (a corrupted status): nothing happens,
	// as they are of another tenant or named outside the scheme. (Children of its own containers
	// are another matter: previous is trusted for those.)
	poisoned := append(slices.Clone(vpc.Owned), otherSame.ID, otherScheme.ID, mine.ID, custom.ID, group.ID)
	e.reset()
	again := e.sync(vpcFragment(), poisoned)
	if again.Writes != 0 {
		t.Fatalf("vpc resync made %d writes:%s", again.Writes, describe(e.writes()))
	}
	if n := len(e.chainRules(preElip)); n != 2 {
		t.Fatalf("shared chain has %d rules after the owner's sync, want the contribution and the foreign rule", n)
	}

	// The elastic IP moves: its new rule goes in, its old one out; the foreign rule stays.
	e.reset()
	moved := e.sync(eipFragment("203.0.113.7", "10.0.1.11"), eip.Owned)
	if moved.Created != 1 || moved.Deleted != 1 {
		t.Fatalf("moved contribution: created %d deleted %d:%s", moved.Created, moved.Deleted, describe(e.writes()))
	}
	if _, err := c.GetRule(ctx, foreignRule.ID); err != nil {
		t.Fatalf("foreign rule gone after the contributor's sync: %v", err)
	}
	// Delete the elastic IP: exactly its rule goes.
	e.reset()
	del, err := e.eng.Delete(ctx, &topology.Fragment{Owner: eipOwner}, moved.Owned)
	if err != nil || del.Deleted != 1 {
		t.Fatalf("delete elastic IP: %v, %d deletes:%s", err, del.Deleted, describe(e.writes()))
	}
	if rules := e.chainRules(preElip); len(rules) != 1 || rules[0].ID != foreignRule.ID {
		t.Fatalf("shared chain after the contributor left: %s", ruleSummary(rules))
	}

	// Delete the Vpc with the poisoned status: its own objects go, nothing else.
	if _, err := e.eng.Delete(ctx, ptr(vpcFragment()), poisoned); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{otherSame.ID, otherScheme.ID, mine.ID} {
		if _, err := c.GetRouter(ctx, id); err != nil {
			t.Errorf("router %s was deleted: %v", id, err)
		}
	}
	if rules, err := c.ListRules(ctx, custom.ID); err != nil || len(rules) != 1 {
		t.Errorf("custom chain or its rule was deleted: %v", err)
	}
	if _, err := c.GetIPAddrGroup(ctx, group.ID); err != nil {
		t.Errorf("foreign group was deleted: %v", err)
	}
	if _, err := c.GetRouter(ctx, vpc.IDs["router:"+vpcRouter]); !midonet.IsNotFound(err) {
		t.Errorf("the Vpc's router survived its Delete: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
