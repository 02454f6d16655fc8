package controllers

import (
	"context"
	"fmt"
	"strconv"

	toolscache "k8s.io/client-go/tools/cache"

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
	// AllNamespaces: the reconcilers list by this field across namespaces (claims, numbers
	// unique per cloud), never in one namespace; the others only in one namespace.
	AllNamespaces bool
}

func setupIndexes(ctx context.Context, mgr manager.Manager) error {
	for _, ix := range IndexedFields() {
		inf, err := mgr.GetCache().GetInformer(ctx, ix.Object)
		if err != nil {
			return fmt.Errorf("field index %s of %T: %w", ix.Field, ix.Object, err)
		}
		if err := inf.AddIndexers(toolscache.Indexers{"field:" + ix.Field: scopedIndex(ix)}); err != nil {
			return fmt.Errorf("field index %s of %T: %w", ix.Field, ix.Object, err)
		}
	}
	return nil
}

// scopedIndex is the informer index function of a field index, in the form controller-runtime's
// cache reader looks up (index "field:<field>", keys "<namespace>/<value>", and
// "__all_namespaces/<value>" for a list without a namespace), with only the keys of the scope
// the reconcilers list in. controller-runtime's own IndexField stores both keys for every
// value; most values here are unique (claims, addresses), each key a set of its own: at
// 10,000 interfaces the indexes took about 37 MB, half of it keys no list ever asked for.
func scopedIndex(ix IndexedField) toolscache.IndexFunc {
	return func(raw any) ([]string, error) {
		obj, ok := raw.(client.Object)
		if !ok {
			return nil, fmt.Errorf("field index %s: %T is not an object", ix.Field, raw)
		}
		ns := obj.GetNamespace()
		if ix.AllNamespaces || ns == "" {
			ns = "__all_namespaces"
		}
		vals := ix.Extract(obj)
		keys := make([]string, len(vals))
		for i, v := range vals {
			keys[i] = ns + "/" + v
		}
		return keys, nil
	}
}

// IndexedFields are every field index the reconcilers use.
func IndexedFields() []IndexedField {
	type index = IndexedField
	// Listed in one namespace only.
	type inNamespace struct {
		Object  client.Object
		Field   string
		Extract client.IndexerFunc
	}
	var indexes []index
	for _, ix := range []inNamespace{
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
	} {
		indexes = append(indexes, index{Object: ix.Object, Field: ix.Field, Extract: ix.Extract})
	}
	routerIndex := func(idx int32) []string {
		if idx == 0 {
			return nil
		}
		return []string{strconv.Itoa(int(idx))}
	}
	indexes = append(indexes,
		index{&vpcv1.Vpc{}, idxRouterIndex, func(o client.Object) []string { return routerIndex(o.(*vpcv1.Vpc).Status.RouterIndex) }, true},
		index{&vpcv1.NatGateway{}, idxRouterIndex, func(o client.Object) []string { return routerIndex(o.(*vpcv1.NatGateway).Status.RouterIndex) }, true},
		index{&vpcv1.NetworkInterface{}, idxMetadataIP, func(o client.Object) []string {
			return nonEmpty(o.(*vpcv1.NetworkInterface).Status.MetadataIP)
		}, true},
	)
	// Every kind that claims cloud ids or addresses (claims.go).
	for _, obj := range []client.Object{&vpcv1.Vpc{}, &vpcv1.Subnet{}, &vpcv1.SecurityGroup{}, &vpcv1.NetworkAcl{},
		&vpcv1.NetworkInterface{}, &vpcv1.NatGateway{}, &vpcv1.ElasticIP{}} {
		indexes = append(indexes, index{obj, idxClaims, claimKeys, true})
	}
	return indexes
}
