package controllers

import (
	"context"
	"fmt"
	"strconv"

	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

func vpcKind(d *Deps, rtids *ids) kind[*vpcv1.Vpc] {
	return kind[*vpcv1.Vpc]{
		name:   topology.KindVpc,
		newObj: func() *vpcv1.Vpc { return &vpcv1.Vpc{} },
		plan: func(ctx context.Context, vpc *vpcv1.Vpc) (*plan, error) {
			_, s, err := d.settings(ctx, true)
			if err != nil {
				return nil, err
			}
			if p, err := parseCIDR(string(vpc.Spec.CIDR)); err == nil {
				if special, why, ok := translate.SpecialNetwork(p); ok {
					return nil, &InvalidSpec{fmt.Errorf("Vpc %s spec.cidr: %s overlaps %s, %s; use a private range such as 10.0.0.0/16",
						vpc.Name, p, special, why)}
				}
			}
			if err := ensureRouterIndex(ctx, d, rtids, vpc); err != nil {
				return nil, err
			}
			ref, err := vpcRef(vpc)
			if err != nil {
				return nil, err
			}
			frag, err := translate.VPC(ownerOf(topology.KindVpc, vpc), ref, s)
			if err != nil {
				return nil, &InvalidSpec{err}
			}
			return &plan{frag: frag, report: func(res *SyncResult) {
				name := translate.VPCRouterName(vpc.Name, ref.RouterIndex)
				vpc.Status.RouterName = name
				vpc.Status.RouterID = res.IDs[topology.Router{Name: name}.Key()]
				vpc.Status.UplinkPortID = res.IDs[topology.Port{Ref: translate.VPCUplinkPort(ref)}.Key()]
			}}, nil
		},
		// Children go in two waves: the subnets first (with their interfaces, whose chains jump
		// to the security groups' chains, and their own chains, which jump to the ACLs'), then
		// the groups, route tables and ACLs, so nothing is deleted while a chain jumps to it.
		children: func(ctx context.Context, vpc *vpcv1.Vpc) ([]client.Object, error) {
			sns, err := childrenOf(ctx, d.Client, vpc.Namespace, idxVPC, vpc.Name, &vpcv1.SubnetList{})
			if err != nil || len(sns) > 0 {
				return sns, err
			}
			return childrenOf(ctx, d.Client, vpc.Namespace, idxVPC, vpc.Name,
				&vpcv1.SecurityGroupList{}, &vpcv1.RouteTableList{}, &vpcv1.NetworkAclList{})
		},
		dependents: func(ctx context.Context, vpc *vpcv1.Vpc) ([]client.Object, error) {
			return childrenOf(ctx, d.Client, vpc.Namespace, idxVPC, vpc.Name,
				&vpcv1.SubnetList{}, &vpcv1.SecurityGroupList{}, &vpcv1.RouteTableList{}, &vpcv1.NetworkAclList{})
		},
		deletePlan: func(ctx context.Context, vpc *vpcv1.Vpc) *topology.Fragment {
			return deleteFragment(topology.KindVpc, vpc, func(s translate.Settings) (topology.Fragment, error) {
				ref, err := vpcRef(vpc)
				if err != nil || ref.RouterIndex == 0 {
					return topology.Fragment{}, err
				}
				return translate.VPC(ownerOf(topology.KindVpc, vpc), ref, s)
			}, d, ctx)
		},
	}
}

// ensureRouterIndex gives the VPC its router index once, adopting the index of a router
// named vr_<vpc>_<n> that already exists, and sets it in status, which the reconcile writes
// before anything is built with it (claimBeforeWriting), so that it survives restarts. An index an older VPC or NAT gateway also
// records (handed out twice by an earlier release) is replaced.
func ensureRouterIndex(ctx context.Context, d *Deps, rtids *ids, vpc *vpcv1.Vpc) error {
	if vpc.Status.RouterIndex != 0 {
		dup, err := routerIndexShared(ctx, d, vpc, vpc.Status.RouterIndex)
		if err != nil || !dup {
			return err
		}
		rtids.forget(ownerKey(vpc))
	}
	_, err := assignID(rtids, vpc, d.nextRouterIndex(ctx, vpc, func(name string) (int, bool) {
		id, n, ok := translate.ParseVPCRouterName(name)
		return n, ok && id == vpc.Name && n != int(vpc.Status.RouterIndex)
	}), func(idx int) error {
		vpc.Status.RouterIndex = int32(idx)
		vpc.Status.RouterName = translate.VPCRouterName(vpc.Name, idx)
		return nil
	})
	return err
}

// routerIndexShared tells whether an older Vpc or NatGateway records the same router index.
func routerIndexShared(ctx context.Context, d *Deps, obj client.Object, idx int32) (bool, error) {
	v := strconv.Itoa(int(idx))
	if dup, err := sharedID(ctx, d.Client, &vpcv1.VpcList{}, idxRouterIndex, v, obj); err != nil || dup {
		return dup, err
	}
	return sharedID(ctx, d.Client, &vpcv1.NatGatewayList{}, idxRouterIndex, v, obj)
}

// childrenOf lists, for each list kind, the objects whose field index names the parent.
func childrenOf(ctx context.Context, c client.Client, ns, field, value string, lists ...client.ObjectList) ([]client.Object, error) {
	return objectsOf(lists, func(l client.ObjectList) error {
		_, err := list(ctx, c, l, ns, field, value)
		return err
	})
}

// deleteFragment builds, best effort, the fragment an object owned, so that objects adopted
// but never recorded in status are removed too. Without it the recorded ids alone are used.
func deleteFragment[T object](kindName string, obj T, build func(translate.Settings) (topology.Fragment, error), d *Deps, ctx context.Context) *topology.Fragment {
	s := translate.Settings{}
	if _, cs, err := d.settings(ctx, false); err == nil {
		s = cs
	}
	frag, err := build(s)
	if err != nil || frag.Owner.Name == "" {
		return &topology.Fragment{Owner: ownerOf(kindName, obj)}
	}
	return &frag
}
