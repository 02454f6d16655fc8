package controllers

import (
	"context"
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

func subnetKind(d *Deps) kind[*vpcv1.Subnet] {
	return kind[*vpcv1.Subnet]{
		name:         topology.KindSubnet,
		optionalRefs: true,
		newObj:       func() *vpcv1.Subnet { return &vpcv1.Subnet{} },
		plan: func(ctx context.Context, sn *vpcv1.Subnet) (*plan, error) {
			in, s, err := subnetInput(ctx, d, sn)
			if err != nil {
				return nil, err
			}
			frag, skipped, err := translate.Subnet(ownerOf(topology.KindSubnet, sn), in, s)
			if err != nil {
				return nil, &InvalidSpec{err}
			}
			if skipped, err = adoptHeldRoutes(ctx, d, in, &frag, skipped); err != nil {
				return nil, err
			}
			p := &plan{frag: frag}
			var skippedRoutes []vpcv1.SkippedRoute
			for _, sk := range skipped {
				p.notes = append(p.notes, sk.String())
				skippedRoutes = append(skippedRoutes, skippedRoute(sk))
			}
			p.report = func(res *SyncResult) {
				bridge := translate.SubnetBridgeName(in.VPC.ID, sn.Name)
				sn.Status.BridgeName = bridge
				sn.Status.BridgeID = res.IDs[topology.Bridge{Name: bridge}.Key()]
				sn.Status.RouterPortID = res.IDs[topology.Port{Ref: translate.VPCSubnetPort(in.VPC, sn.Name)}.Key()]
				sn.Status.Routes = int32(len(in.Routes) - len(skippedRoutes))
				sn.Status.SkippedRoutes = skippedRoutes
			}
			return p, nil
		},
		owner: func(ctx context.Context, sn *vpcv1.Subnet) (client.Object, error) {
			vpc := &vpcv1.Vpc{}
			return vpc, d.Client.Get(ctx, types.NamespacedName{Namespace: sn.Namespace, Name: sn.Spec.VPC}, vpc)
		},
		children: func(ctx context.Context, sn *vpcv1.Subnet) ([]client.Object, error) {
			return childrenOf(ctx, d.Client, sn.Namespace, idxSubnet, sn.Name,
				&vpcv1.NetworkInterfaceList{}, &vpcv1.NatGatewayList{})
		},
	}
}

// subnetInput resolves what the subnet's translation needs: its VPC (Ready, for the router),
// its ACL (Ready, for the jump), the VPC's DHCP options and its route table with the targets
// that are ready now. Targets that are not ready leave their routes out (reported), never the
// subnet.
func subnetInput(ctx context.Context, d *Deps, sn *vpcv1.Subnet) (translate.SubnetInput, translate.Settings, error) {
	var in translate.SubnetInput
	_, s, err := d.settings(ctx, false)
	if err != nil {
		return in, s, err
	}
	vpc, vref, err := d.readyVpc(ctx, sn.Namespace, sn.Spec.VPC)
	if err != nil {
		return in, s, err
	}
	sref, err := subnetRef(sn)
	if err != nil {
		return in, s, err
	}
	if c := sref.CIDR; !vref.CIDR.Contains(c.Addr()) || c.Bits() < vref.CIDR.Bits() {
		return in, s, &InvalidSpec{fmt.Errorf("Subnet %s spec.cidr: %s is not inside VPC %s (%s); use a block of the VPC's CIDR",
			sn.Name, c, vpc.Name, vref.CIDR)}
	}
	in.VPC, in.Subnet = vref, sref
	if in.DHCPOptions, err = d.dhcpOptions(ctx, vpc); err != nil {
		return in, s, err
	}
	if sn.Spec.NetworkACL != "" {
		key := types.NamespacedName{Namespace: sn.Namespace, Name: sn.Spec.NetworkACL}
		if _, err := getSynced(ctx, d.Client, key, &vpcv1.NetworkAcl{}, "NetworkAcl"); err != nil {
			return in, s, err
		}
		in.NetworkACL = sn.Spec.NetworkACL
	}
	if sn.Spec.RouteTable == "" {
		return in, s, nil
	}
	rtb := &vpcv1.RouteTable{}
	if err := d.Client.Get(ctx, types.NamespacedName{Namespace: sn.Namespace, Name: sn.Spec.RouteTable}, rtb); err != nil {
		return in, s, client.IgnoreNotFound(err)
	}
	for _, r := range rtb.Spec.Routes {
		dst, err := parseCIDR(string(r.DestinationCIDR))
		if err != nil {
			return in, s, &InvalidSpec{err}
		}
		in.Routes = append(in.Routes, translate.RouteEntry{Destination: dst, Target: routeTarget(r)})
	}
	in.Targets, in.AdoptableTargets, err = routeTargets(ctx, d, sn.Namespace, vpc.Name)
	return in, s, err
}

// adoptHeldRoutes keeps, of the routes the translation left out, those whose target exists
// but no reconcile has put in MidoNet yet (adoptable: not deleting, not refused) when MidoNet
// holds the very route already. On a fresh control plane every private subnet reached its
// route through a NAT gateway before the gateway's own reconcile: it reported the route left
// out, and wrote its status again a moment later with the route adopted (at 1,000 interfaces
// 80 subnet and 40 route-table status writes of 2,900). Nothing is created for such a target:
// a route MidoNet does not hold stays left out until the target is in force.
func adoptHeldRoutes(ctx context.Context, d *Deps, in translate.SubnetInput, frag *topology.Fragment, skipped []translate.Skipped) ([]translate.Skipped, error) {
	adoptable := in.AdoptableTargets
	if len(skipped) == 0 || len(adoptable.NATGateways)+len(adoptable.Interfaces) == 0 {
		return skipped, nil
	}
	have := map[string]bool{}
	for _, r := range frag.Routes {
		have[r.Key()] = true
	}
	cand := &topology.Fragment{Owner: frag.Owner}
	from := map[string]int{} // route key → index in skipped
	for i, sk := range skipped {
		if sk.Route == nil {
			continue
		}
		routes, _ := translate.RouteTableRoutes(in.VPC, in.Subnet, []translate.RouteEntry{*sk.Route}, adoptable)
		if len(routes) != 1 || have[routes[0].Key()] {
			continue
		}
		if _, dup := from[routes[0].Key()]; dup {
			continue
		}
		from[routes[0].Key()] = i
		cand.Routes = append(cand.Routes, routes[0])
	}
	if len(cand.Routes) == 0 {
		return skipped, nil
	}
	held, err := d.Engine.HeldRoutes(ctx, cand)
	if err != nil || len(held) == 0 {
		return skipped, err
	}
	drop := map[int]bool{}
	for _, r := range held {
		drop[from[r.Key()]] = true
		frag.Routes = append(frag.Routes, r)
	}
	frag.Sort()
	kept := skipped[:0:0]
	for i, sk := range skipped {
		if !drop[i] {
			kept = append(kept, sk)
		}
	}
	return kept, nil
}

func routeTarget(r vpcv1.Route) string {
	switch {
	case r.InternetGateway != nil:
		return *r.InternetGateway
	case r.NatGateway != nil:
		return *r.NatGateway
	case r.NetworkInterface != nil:
		return *r.NetworkInterface
	}
	return "local"
}

// routeTargets lists what route-table entries of a VPC may point at right now: the attached
// internet gateways, and the NAT gateways and interfaces in force (synced once and not being
// deleted; an edit in flight does not withdraw the routes through them).
//
// The second result holds the NAT gateways and interfaces that are not in force yet but may
// be adopted (adoptHeldRoutes): they, and their subnet, exist, are not being deleted and are
// not refused.
func routeTargets(ctx context.Context, d *Deps, ns, vpc string) (t, adoptable translate.RouteTargets, err error) {
	igws, err := listShared(ctx, d.Client, &vpcv1.InternetGatewayList{}, ns, idxVPC, vpc)
	if err != nil {
		return t, adoptable, err
	}
	for _, g := range igws.Items {
		if g.DeletionTimestamp.IsZero() {
			t.InternetGateways = append(t.InternetGateways, g.Name)
		}
	}
	subnets, err := listShared(ctx, d.Client, &vpcv1.SubnetList{}, ns, idxVPC, vpc)
	if err != nil {
		return t, adoptable, err
	}
	// inForce: may be routed to now; adopt: may be adopted when MidoNet holds the route.
	into := func(o object, inForceSubnet bool) *translate.RouteTargets {
		switch {
		case !o.GetDeletionTimestamp().IsZero() || refusedFor(o) != "":
			return nil
		case inForceSubnet && inForce(o):
			return &t
		}
		return &adoptable
	}
	for i := range subnets.Items {
		sn := &subnets.Items[i]
		snInForce := inForce(sn)
		if !snInForce && (!sn.DeletionTimestamp.IsZero() || refusedFor(sn) != "") {
			continue
		}
		sref, err := subnetRef(sn)
		if err != nil {
			continue
		}
		nats, err := listShared(ctx, d.Client, &vpcv1.NatGatewayList{}, ns, idxSubnet, sn.Name)
		if err != nil {
			return t, adoptable, err
		}
		for _, n := range nats.Items {
			ip, err := netip.ParseAddr(string(n.Spec.PrivateIP))
			if to := into(&n, snInForce); err == nil && to != nil {
				to.NATGateways = append(to.NATGateways, translate.NATGatewayTarget{ID: n.Name, Subnet: sref, PrivateIP: ip})
			}
		}
		enis, err := listShared(ctx, d.Client, &vpcv1.NetworkInterfaceList{}, ns, idxSubnet, sn.Name)
		if err != nil {
			return t, adoptable, err
		}
		for _, e := range enis.Items {
			ip, err := netip.ParseAddr(string(e.Spec.PrivateIP))
			if to := into(&e, snInForce); err == nil && to != nil {
				to.Interfaces = append(to.Interfaces, translate.InterfaceTarget{ENIID: e.Name, Subnet: sref, PrivateIP: ip})
			}
		}
	}
	return t, adoptable, nil
}

// skippedRoute reports a route-table entry the translation left out.
func skippedRoute(sk translate.Skipped) vpcv1.SkippedRoute {
	if sk.Route == nil {
		return vpcv1.SkippedRoute{DestinationCIDR: sk.What, Reason: sk.Reason}
	}
	return vpcv1.SkippedRoute{DestinationCIDR: sk.Route.Destination.String(), Target: sk.Route.Target, Reason: sk.Reason}
}
