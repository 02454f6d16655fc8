package controllers

import (
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// KindReconciler is the reconcile function of one kind, built without a manager.
type KindReconciler struct {
	// Kind is the API kind ("Vpc").
	Kind string
	// NewList returns an empty list of the kind.
	NewList func() client.ObjectList
	reconcile.Reconciler
}

// Reconcilers returns the reconcilers Setup registers, one per kind, in the order a
// topology is built (what others reference first), over d. They are the same code as the
// manager's; with d.Client a fake client holding a desired state and d.Engine a sync engine
// that cannot write to MidoNet, running them predicts what the controllers would do
// (kubectl-midovpc plan). d.Client must have IndexedFields registered.
func Reconcilers(d *Deps) []KindReconciler {
	if d.Acting == nil {
		d.Acting = &actingClaims{} // as Setup: claims one of these reconcilers lets act on
	}
	rtids, mdids := &ids{}, &ids{}
	return []KindReconciler{
		{"CoreNetwork", func() client.ObjectList { return &vpcv1.CoreNetworkList{} }, &reconciler[*vpcv1.CoreNetwork]{Deps: *d, kind: coreNetworkKind(d)}},
		{"DhcpOptionSet", func() client.ObjectList { return &vpcv1.DhcpOptionSetList{} }, &reconciler[*vpcv1.DhcpOptionSet]{Deps: *d, kind: dhcpOptionSetKind(d)}},
		{"Vpc", func() client.ObjectList { return &vpcv1.VpcList{} }, &reconciler[*vpcv1.Vpc]{Deps: *d, kind: vpcKind(d, rtids)}},
		{"InternetGateway", func() client.ObjectList { return &vpcv1.InternetGatewayList{} }, &reconciler[*vpcv1.InternetGateway]{Deps: *d, kind: internetGatewayKind(d)}},
		{"SecurityGroup", func() client.ObjectList { return &vpcv1.SecurityGroupList{} }, &reconciler[*vpcv1.SecurityGroup]{Deps: *d, kind: securityGroupKind(d)}},
		{"NetworkAcl", func() client.ObjectList { return &vpcv1.NetworkAclList{} }, &reconciler[*vpcv1.NetworkAcl]{Deps: *d, kind: networkACLKind(d)}},
		{"RouteTable", func() client.ObjectList { return &vpcv1.RouteTableList{} }, &reconciler[*vpcv1.RouteTable]{Deps: *d, kind: routeTableKind(d)}},
		{"Subnet", func() client.ObjectList { return &vpcv1.SubnetList{} }, &reconciler[*vpcv1.Subnet]{Deps: *d, kind: subnetKind(d)}},
		{"NetworkInterface", func() client.ObjectList { return &vpcv1.NetworkInterfaceList{} }, &reconciler[*vpcv1.NetworkInterface]{Deps: *d, kind: networkInterfaceKind(d, mdids)}},
		{"NatGateway", func() client.ObjectList { return &vpcv1.NatGatewayList{} }, &reconciler[*vpcv1.NatGateway]{Deps: *d, kind: natGatewayKind(d, rtids)}},
		{"ElasticIP", func() client.ObjectList { return &vpcv1.ElasticIPList{} }, &reconciler[*vpcv1.ElasticIP]{Deps: *d, kind: elasticIPKind(d)}},
	}
}
