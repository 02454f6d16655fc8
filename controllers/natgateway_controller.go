package controllers

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

func natGatewayKind(d *Deps, rtids *ids) kind[*vpcv1.NatGateway] {
	return kind[*vpcv1.NatGateway]{
		name:   topology.KindNatGateway,
		newObj: func() *vpcv1.NatGateway { return &vpcv1.NatGateway{} },
		plan: func(ctx context.Context, nat *vpcv1.NatGateway) (*plan, error) {
			if _, err := d.core(ctx, true); err != nil {
				return nil, err
			}
			sn, sref, err := d.readySubnet(ctx, nat.Namespace, nat.Spec.Subnet)
			if err != nil {
				return nil, err
			}
			_, vref, err := d.readyVpc(ctx, nat.Namespace, sn.Spec.VPC)
			if err != nil {
				return nil, err
			}
			if nat.Spec.PublicIP == nil {
				return nil, notReady("NatGateway %s has no public IP assigned yet", nat.Name)
			}
			priv, err := parseIP(string(nat.Spec.PrivateIP))
			if err != nil {
				return nil, &InvalidSpec{fmt.Errorf("spec.privateIP: %w", err)}
			}
			if !sref.CIDR.Contains(priv) {
				return nil, &InvalidSpec{fmt.Errorf("NatGateway %s spec.privateIP: %s is not in subnet %s (%s); use an address of that subnet",
					nat.Name, priv, sref.ID, sref.CIDR)}
			}
			if err := checkNotReserved("NatGateway "+nat.Name, sref, priv); err != nil {
				return nil, err
			}
			pub, err := parseIP(string(*nat.Spec.PublicIP))
			if err != nil {
				return nil, &InvalidSpec{fmt.Errorf("spec.publicIP: %w", err)}
			}
			if err := d.checkPublicIP(ctx, "spec.publicIP", pub); err != nil {
				return nil, err
			}
			if err := ensureNATRouterIndex(ctx, d, rtids, nat); err != nil {
				return nil, err
			}
			in := translate.NATGatewayInput{ID: nat.Name, VPC: vref, Subnet: sref, RouterIndex: int(nat.Status.RouterIndex),
				MAC: string(nat.Spec.MACAddress), PrivateIP: priv, PublicIP: pub}
			frag, err := translate.NatGateway(ownerOf(topology.KindNatGateway, nat), in, translate.Settings{})
			if err != nil {
				return nil, &InvalidSpec{err}
			}
			return &plan{frag: frag, report: func(res *SyncResult) {
				name := translate.NATRouterName(nat.Name, sref.ID, in.RouterIndex)
				nat.Status.RouterName = name
				nat.Status.RouterID = res.IDs[topology.Router{Name: name}.Key()]
			}}, nil
		},
		owner: func(ctx context.Context, nat *vpcv1.NatGateway) (client.Object, error) {
			sn := &vpcv1.Subnet{}
			return sn, d.Client.Get(ctx, types.NamespacedName{Namespace: nat.Namespace, Name: nat.Spec.Subnet}, sn)
		},
	}
}

// ensureNATRouterIndex gives the NAT gateway its router index once (shared with VPC
// routers), adopting the index of an existing natr_<nat>_<subnet>_<n> router; an index an
// older router owner also records is replaced.
func ensureNATRouterIndex(ctx context.Context, d *Deps, rtids *ids, nat *vpcv1.NatGateway) error {
	if nat.Status.RouterIndex != 0 {
		dup, err := routerIndexShared(ctx, d, nat, nat.Status.RouterIndex)
		if err != nil || !dup {
			return err
		}
		rtids.forget(ownerKey(nat))
	}
	_, err := assignID(rtids, nat, d.nextRouterIndex(ctx, nat, func(name string) (int, bool) {
		id, subnet, n, ok := translate.ParseNATRouterName(name)
		return n, ok && id == nat.Name && subnet == nat.Spec.Subnet && n != int(nat.Status.RouterIndex)
	}), func(idx int) error { nat.Status.RouterIndex = int32(idx); return nil })
	return err
}
