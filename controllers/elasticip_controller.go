package controllers

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/types"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

func elasticIPKind(d *Deps) kind[*vpcv1.ElasticIP] {
	return kind[*vpcv1.ElasticIP]{
		name:   topology.KindElasticIP,
		newObj: func() *vpcv1.ElasticIP { return &vpcv1.ElasticIP{} },
		plan: func(ctx context.Context, eip *vpcv1.ElasticIP) (*plan, error) {
			owner := ownerOf(topology.KindElasticIP, eip)
			pub, err := parseIP(string(eip.Spec.PublicIP))
			if err != nil {
				return nil, &InvalidSpec{fmt.Errorf("spec.publicIP: %w", err)}
			}
			if err := d.checkPublicIP(ctx, "spec.publicIP", pub); err != nil {
				return nil, err
			}
			if eip.Spec.NetworkInterface == "" {
				// Allocated, not associated: it owns nothing.
				return &plan{frag: topology.Fragment{Owner: owner}, report: func(*SyncResult) {
					eip.Status.AssociatedPrivateIP, eip.Status.VPC = "", ""
				}}, nil
			}
			key := types.NamespacedName{Namespace: eip.Namespace, Name: eip.Spec.NetworkInterface}
			eni, err := getSynced(ctx, d.Client, key, &vpcv1.NetworkInterface{}, "NetworkInterface")
			if err != nil {
				return nil, err
			}
			sn := &vpcv1.Subnet{}
			if err := d.Client.Get(ctx, types.NamespacedName{Namespace: eip.Namespace, Name: eni.Spec.Subnet}, sn); err != nil {
				return nil, notReady("Subnet %s of NetworkInterface %s does not exist", eni.Spec.Subnet, eni.Name)
			}
			_, vref, err := d.readyVpc(ctx, eip.Namespace, sn.Spec.VPC)
			if err != nil {
				return nil, err
			}
			priv := string(eni.Spec.PrivateIP)
			if eip.Spec.PrivateIP != nil {
				priv = string(*eip.Spec.PrivateIP)
			}
			privIP, err := parseIP(priv)
			if err != nil {
				return nil, &InvalidSpec{fmt.Errorf("spec.privateIP: %w", err)}
			}
			in := translate.ElasticIPInput{
				PublicIP: pub, VPC: vref, PrivateIP: privIP,
				Interface:      translate.InterfaceName(eni.Name, eni.Spec.InstanceID, int(eni.Spec.DeviceIndex)),
				SecurityGroups: eni.Spec.SecurityGroups,
			}
			frag, err := translate.ElasticIP(owner, in, translate.Settings{})
			if err != nil {
				return nil, &InvalidSpec{err}
			}
			return &plan{frag: frag, report: func(*SyncResult) {
				eip.Status.AssociatedPrivateIP = privIP.String()
				eip.Status.VPC = vref.ID
			}}, nil
		},
	}
}
