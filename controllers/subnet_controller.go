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
	in.Targets, err = routeTargets(ctx, d, sn.Namespace, vpc.Name)
	return in, s, err
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
func routeTargets(ctx context.Context, d *Deps, ns, vpc string) (translate.RouteTargets, error) {
	var t translate.RouteTargets
	igws, err := listShared(ctx, d.Client, &vpcv1.InternetGatewayList{}, ns, idxVPC, vpc)
	if err != nil {
		return t, err
	}
	for _, g := range igws.Items {
		if g.DeletionTimestamp.IsZero() {
			t.InternetGateways = append(t.InternetGateways, g.Name)
		}
	}
	subnets, err := listShared(ctx, d.Client, &vpcv1.SubnetList{}, ns, idxVPC, vpc)
	if err != nil {
		return t, err
	}
	for i := range subnets.Items {
		sn := &subnets.Items[i]
		if !inForce(sn) {
			continue
		}
		sref, err := subnetRef(sn)
		if err != nil {
			continue
		}
		nats, err := listShared(ctx, d.Client, &vpcv1.NatGatewayList{}, ns, idxSubnet, sn.Name)
		if err != nil {
			return t, err
		}
		for _, n := range nats.Items {
			ip, err := netip.ParseAddr(string(n.Spec.PrivateIP))
			if err == nil && inForce(&n) {
				t.NATGateways = append(t.NATGateways, translate.NATGatewayTarget{ID: n.Name, Subnet: sref, PrivateIP: ip})
			}
		}
		enis, err := listShared(ctx, d.Client, &vpcv1.NetworkInterfaceList{}, ns, idxSubnet, sn.Name)
		if err != nil {
			return t, err
		}
		for _, e := range enis.Items {
			ip, err := netip.ParseAddr(string(e.Spec.PrivateIP))
			if err == nil && inForce(&e) {
				t.Interfaces = append(t.Interfaces, translate.InterfaceTarget{ENIID: e.Name, Subnet: sref, PrivateIP: ip})
			}
		}
	}
	return t, nil
}

// skippedRoute reports a route-table entry the translation left out.
func skippedRoute(sk translate.Skipped) vpcv1.SkippedRoute {
	if sk.Route == nil {
		return vpcv1.SkippedRoute{DestinationCIDR: sk.What, Reason: sk.Reason}
	}
	return vpcv1.SkippedRoute{DestinationCIDR: sk.Route.Destination.String(), Target: sk.Route.Target, Reason: sk.Reason}
}
