package controllers

import (
	"context"
	"net/netip"
	"slices"
	"testing"

	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/midonet/sim"
	msync "github.com/midovpc/midovpc/internal/midonet/sync"
	"github.com/midovpc/midovpc/internal/translate"
)

// The metadata ids MidoNet maps are read from the SNAT rules of every VPC's metadata out
// chain, and from no other chain.
func TestUsedMetadataIDsReadsOnlyMetadataChains(t *testing.T) {
	run, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close() })
	const tenant = "euca_tenant_1"
	c, err := midonet.New(midonet.Config{URL: run.URL, Tenant: tenant, QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	snat := func(chain string, id int) {
		t.Helper()
		ch, err := c.CreateChain(ctx, &midonet.Chain{Name: chain, TenantID: tenant})
		if err != nil {
			t.Fatal(err)
		}
		a, err := translate.MetadataAddress(id)
		if err != nil {
			t.Fatal(err)
		}
		r := &midonet.Rule{Type: "snat", Position: 1, FlowAction: "accept",
			NwSrcAddress: midonet.Ref("10.0.1.5"), NwSrcLength: 32,
			NatTargets: []midonet.NatTarget{{AddressFrom: a.String(), AddressTo: a.String()}}}
		if _, err := c.CreateRule(ctx, ch.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	snat(translate.VPCMetadataOutChainName("vpc-1a2b3c4d"), 17)
	snat(translate.VPCMetadataOutChainName("vpc-5e6f7a8b"), 12)
	snat("vc_vpc-1a2b3c4d_mdulin", 99) // another chain of the VPC: not an id in use
	snat("sg_ingress_sg-55556666", 98)

	x := index.New(c, tenant)
	e := NewMidoNetEngine(&msync.Engine{Client: c, Index: x, Tenant: tenant})
	if err := e.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	got := e.UsedMetadataIDs()
	slices.Sort(got)
	if !slices.Equal(got, []int{12, 17}) {
		t.Errorf("used metadata ids %v, want [12 17]", got)
	}
	// An interface's own id is the target of the rule of its address in its VPC's chain.
	if id, ok := e.MetadataIDOf("vpc-1a2b3c4d", netip.MustParseAddr("10.0.1.5")); !ok || id != 17 {
		t.Errorf("MetadataIDOf(vpc-1a2b3c4d, 10.0.1.5) = %d, %v; want 17", id, ok)
	}
	if id, ok := e.MetadataIDOf("vpc-1a2b3c4d", netip.MustParseAddr("10.0.1.6")); ok {
		t.Errorf("MetadataIDOf found %d for an address without a rule", id)
	}
	if id, ok := e.MetadataIDOf("vpc-99999999", netip.MustParseAddr("10.0.1.5")); ok {
		t.Errorf("MetadataIDOf found %d in a VPC without a metadata chain", id)
	}
}
