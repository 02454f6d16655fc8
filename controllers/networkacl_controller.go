package controllers

import (
	"context"
	"fmt"
	"net/netip"

	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/topology"
	"github.com/midovpc/midovpc/internal/translate"
)

func networkACLKind(d *Deps) kind[*vpcv1.NetworkAcl] {
	return kind[*vpcv1.NetworkAcl]{
		name:   topology.KindNetworkAcl,
		newObj: func() *vpcv1.NetworkAcl { return &vpcv1.NetworkAcl{} },
		plan: func(ctx context.Context, acl *vpcv1.NetworkAcl) (*plan, error) {
			in := translate.NetworkACLInput{ID: acl.Name, VPC: acl.Spec.VPC}
			var err error
			if in.Ingress, err = aclEntries(acl.Spec.Ingress, "spec.ingress"); err != nil {
				return nil, err
			}
			if in.Egress, err = aclEntries(acl.Spec.Egress, "spec.egress"); err != nil {
				return nil, err
			}
			frag, err := translate.NetworkAcl(ownerOf(topology.KindNetworkAcl, acl), in, translate.Settings{})
			if err != nil {
				return nil, &InvalidSpec{err}
			}
			subnets, err := list(ctx, d.Client, &vpcv1.SubnetList{}, acl.Namespace, idxNetworkACL, acl.Name)
			if err != nil {
				return nil, err
			}
			return &plan{frag: frag, report: func(res *SyncResult) {
				acl.Status.IngressChainID = res.IDs[topology.Chain{Name: translate.ACLIngressChainName(acl.Spec.VPC, acl.Name)}.Key()]
				acl.Status.EgressChainID = res.IDs[topology.Chain{Name: translate.ACLEgressChainName(acl.Spec.VPC, acl.Name)}.Key()]
				acl.Status.Subnets = int32(len(subnets.Items))
			}}, nil
		},
		// Subnet chains jump to the ACL's chains: it goes after the subnets that use it.
		blockers: func(ctx context.Context, acl *vpcv1.NetworkAcl) ([]client.Object, error) {
			return childrenOf(ctx, d.Client, acl.Namespace, idxNetworkACL, acl.Name, &vpcv1.SubnetList{})
		},
		owner: vpcOwner[*vpcv1.NetworkAcl](d, func(a *vpcv1.NetworkAcl) string { return a.Spec.VPC }),
	}
}

func aclEntries(entries []vpcv1.NetworkAclEntry, path string) ([]translate.ACLEntry, error) {
	var out []translate.ACLEntry
	for i, e := range entries {
		proto, err := translate.ParseProtocol(string(e.Protocol))
		if err != nil {
			return nil, &InvalidSpec{fmt.Errorf("%s[%d].protocol: %w", path, i, err)}
		}
		cidr, err := netip.ParsePrefix(string(e.CIDR))
		if err != nil {
			return nil, &InvalidSpec{fmt.Errorf("%s[%d].cidr: %w", path, i, err)}
		}
		te := translate.ACLEntry{Number: int(e.RuleNumber), Protocol: proto, Allow: e.Action == vpcv1.NetworkAclAllow, CIDR: cidr.Masked()}
		if e.Ports != nil {
			te.Ports = &translate.PortRange{From: int(e.Ports.From), To: int(e.Ports.To)}
		}
		if e.ICMP != nil {
			te.ICMP = &translate.ICMPMatch{Type: int(e.ICMP.Type), Code: int(e.ICMP.Code)}
		}
		out = append(out, te)
	}
	return out, nil
}
