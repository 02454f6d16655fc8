package controllers

import (
	"context"
	"strconv"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// Field indexes: how a change to one object finds the objects that refer to it, without
// polling (decision 7).
const (
	idxVPC            = "spec.vpc"
	idxSubnet         = "spec.subnet"
	idxRouteTable     = "spec.routeTable"
	idxNetworkACL     = "spec.networkAcl"
	idxSecurityGroups = "spec.securityGroups"
	idxGroupRefs      = "spec.groupRefs"
	idxInterface      = "spec.networkInterface"
	idxRouteTargets   = "spec.routeTargets"
	idxDHCPOptionSet  = "spec.dhcpOptionSet"
	idxInstanceID     = "spec.instanceID"
	// Numbers handed out once, recorded in status (duplicate detection).
	idxRouterIndex = "status.routerIndex"
	idxMetadataIP  = "status.metadataIP"
)

func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// IndexedField is one field index the reconcilers list by: a tool that runs them without a
// manager (kubectl-midovpc plan, on a fake client) registers the same.
type IndexedField struct {
	Object  client.Object
	Field   string
	Extract client.IndexerFunc
}

func setupIndexes(ctx context.Context, mgr manager.Manager) error {
	for _, ix := range IndexedFields() {
		if err := mgr.GetFieldIndexer().IndexField(ctx, ix.Object, ix.Field, ix.Extract); err != nil {
			return err
		}
	}
	return nil
}

// IndexedFields are every field index the reconcilers use.
func IndexedFields() []IndexedField {
	type index = IndexedField
	indexes := []index{
		{&vpcv1.Vpc{}, idxDHCPOptionSet, func(o client.Object) []string {
			return nonEmpty(o.(*vpcv1.Vpc).Spec.DHCPOptionSet)
		}},
		{&vpcv1.Subnet{}, idxVPC, func(o client.Object) []string { return nonEmpty(o.(*vpcv1.Subnet).Spec.VPC) }},
		{&vpcv1.Subnet{}, idxRouteTable, func(o client.Object) []string { return nonEmpty(o.(*vpcv1.Subnet).Spec.RouteTable) }},
		{&vpcv1.Subnet{}, idxNetworkACL, func(o client.Object) []string { return nonEmpty(o.(*vpcv1.Subnet).Spec.NetworkACL) }},
		{&vpcv1.SecurityGroup{}, idxVPC, func(o client.Object) []string { return nonEmpty(o.(*vpcv1.SecurityGroup).Spec.VPC) }},
		{&vpcv1.SecurityGroup{}, idxGroupRefs, func(o client.Object) []string {
			sg := o.(*vpcv1.SecurityGroup)
			var refs []string
			for _, rules := range [][]vpcv1.SecurityGroupRule{sg.Spec.Ingress, sg.Spec.Egress} {
				for _, r := range rules {
					if r.SecurityGroup != nil {
						refs = append(refs, *r.SecurityGroup)
					}
				}
			}
			return refs
		}},
		{&vpcv1.NetworkInterface{}, idxSubnet, func(o client.Object) []string {
			return nonEmpty(o.(*vpcv1.NetworkInterface).Spec.Subnet)
		}},
		{&vpcv1.NetworkInterface{}, idxSecurityGroups, func(o client.Object) []string {
			return o.(*vpcv1.NetworkInterface).Spec.SecurityGroups
		}},
		{&vpcv1.NetworkInterface{}, idxInstanceID, func(o client.Object) []string {
			return nonEmpty(o.(*vpcv1.NetworkInterface).Spec.InstanceID)
		}},
		{&vpcv1.ElasticIP{}, idxInterface, func(o client.Object) []string {
			return nonEmpty(o.(*vpcv1.ElasticIP).Spec.NetworkInterface)
		}},
		{&vpcv1.RouteTable{}, idxVPC, func(o client.Object) []string { return nonEmpty(o.(*vpcv1.RouteTable).Spec.VPC) }},
		{&vpcv1.RouteTable{}, idxRouteTargets, func(o client.Object) []string {
			var out []string
			for _, r := range o.(*vpcv1.RouteTable).Spec.Routes {
				for _, t := range []*string{r.InternetGateway, r.NatGateway, r.NetworkInterface} {
					if t != nil {
						out = append(out, *t)
					}
				}
			}
			return out
		}},
		{&vpcv1.InternetGateway{}, idxVPC, func(o client.Object) []string {
			return nonEmpty(o.(*vpcv1.InternetGateway).Spec.VPC)
		}},
		{&vpcv1.NatGateway{}, idxSubnet, func(o client.Object) []string { return nonEmpty(o.(*vpcv1.NatGateway).Spec.Subnet) }},
		{&vpcv1.NetworkAcl{}, idxVPC, func(o client.Object) []string { return nonEmpty(o.(*vpcv1.NetworkAcl).Spec.VPC) }},
	}
	routerIndex := func(idx int32) []string {
		if idx == 0 {
			return nil
		}
		return []string{strconv.Itoa(int(idx))}
	}
	indexes = append(indexes,
		index{&vpcv1.Vpc{}, idxRouterIndex, func(o client.Object) []string { return routerIndex(o.(*vpcv1.Vpc).Status.RouterIndex) }},
		index{&vpcv1.NatGateway{}, idxRouterIndex, func(o client.Object) []string { return routerIndex(o.(*vpcv1.NatGateway).Status.RouterIndex) }},
		index{&vpcv1.NetworkInterface{}, idxMetadataIP, func(o client.Object) []string {
			return nonEmpty(o.(*vpcv1.NetworkInterface).Status.MetadataIP)
		}},
	)
	// Every kind that claims cloud ids or addresses (claims.go).
	for _, obj := range []client.Object{&vpcv1.Vpc{}, &vpcv1.Subnet{}, &vpcv1.SecurityGroup{}, &vpcv1.NetworkAcl{},
		&vpcv1.NetworkInterface{}, &vpcv1.NatGateway{}, &vpcv1.ElasticIP{}} {
		indexes = append(indexes, index{obj, idxClaims, claimKeys})
	}
	return indexes
}
