package controllers

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

// A RouteTable owns no MidoNet object: its routes are source routes of the subnets that use
// it (each Subnet owns its own). The table reports what is in force across those subnets.
func routeTableKind(d *Deps) kind[*vpcv1.RouteTable] {
	return kind[*vpcv1.RouteTable]{
		name:         topology.KindRouteTable,
		optionalRefs: true,
		newObj:       func() *vpcv1.RouteTable { return &vpcv1.RouteTable{} },
		plan: func(ctx context.Context, rtb *vpcv1.RouteTable) (*plan, error) {
			key := types.NamespacedName{Namespace: rtb.Namespace, Name: rtb.Spec.VPC}
			if err := d.Client.Get(ctx, key, &vpcv1.Vpc{}); err != nil {
				return nil, notReady("Vpc %s does not exist", rtb.Spec.VPC)
			}
			subnets, err := list(ctx, d.Client, &vpcv1.SubnetList{}, rtb.Namespace, idxRouteTable, rtb.Name)
			if err != nil {
				return nil, err
			}
			var skipped []vpcv1.SkippedRoute
			seen := map[vpcv1.SkippedRoute]bool{}
			for _, sn := range subnets.Items {
				for _, s := range sn.Status.SkippedRoutes {
					if !seen[s] {
						seen[s] = true
						skipped = append(skipped, s)
					}
				}
			}
			p := &plan{frag: translate.RouteTable(ownerOf(topology.KindRouteTable, rtb)), report: func(*SyncResult) {
				rtb.Status.Subnets = int32(len(subnets.Items))
				rtb.Status.SkippedRoutes = skipped
			}}
			for _, s := range skipped {
				p.notes = append(p.notes, s.DestinationCIDR+" -> "+s.Target+": "+s.Reason)
			}
			return p, nil
		},
		owner: vpcOwner[*vpcv1.RouteTable](d, func(r *vpcv1.RouteTable) string { return r.Spec.VPC }),
	}
}

// vpcOwner returns the Vpc a kind names in its spec, for its owner reference.
func vpcOwner[T object](d *Deps, vpcOf func(T) string) func(context.Context, T) (client.Object, error) {
	return func(ctx context.Context, obj T) (client.Object, error) {
		name := vpcOf(obj)
		if name == "" {
			return nil, nil
		}
		vpc := &vpcv1.Vpc{}
		return vpc, d.Client.Get(ctx, types.NamespacedName{Namespace: obj.GetNamespace(), Name: name}, vpc)
	}
}

// An InternetGateway owns no MidoNet object: routes that target it go to eucart. Attaching it
// to a VPC lets that VPC's route tables use it; detaching takes those routes out.
func internetGatewayKind(d *Deps) kind[*vpcv1.InternetGateway] {
	return kind[*vpcv1.InternetGateway]{
		name:   topology.KindInternetGateway,
		newObj: func() *vpcv1.InternetGateway { return &vpcv1.InternetGateway{} },
		plan: func(ctx context.Context, igw *vpcv1.InternetGateway) (*plan, error) {
			if igw.Spec.VPC != "" {
				key := types.NamespacedName{Namespace: igw.Namespace, Name: igw.Spec.VPC}
				if err := d.Client.Get(ctx, key, &vpcv1.Vpc{}); err != nil {
					return nil, notReady("Vpc %s does not exist", igw.Spec.VPC)
				}
			}
			return &plan{frag: translate.InternetGateway(ownerOf(topology.KindInternetGateway, igw))}, nil
		},
	}
}

// A DhcpOptionSet owns no MidoNet object: the subnets and interfaces of the VPCs that use it
// carry its values.
func dhcpOptionSetKind(d *Deps) kind[*vpcv1.DhcpOptionSet] {
	return kind[*vpcv1.DhcpOptionSet]{
		name:   topology.KindDhcpOptionSet,
		newObj: func() *vpcv1.DhcpOptionSet { return &vpcv1.DhcpOptionSet{} },
		plan: func(ctx context.Context, set *vpcv1.DhcpOptionSet) (*plan, error) {
			vpcs, err := list(ctx, d.Client, &vpcv1.VpcList{}, set.Namespace, idxDHCPOptionSet, set.Name)
			if err != nil {
				return nil, err
			}
			return &plan{frag: translate.DhcpOptionSet(ownerOf(topology.KindDhcpOptionSet, set)), report: func(*SyncResult) {
				set.Status.VPCs = int32(len(vpcs.Items))
			}}, nil
		},
	}
}
