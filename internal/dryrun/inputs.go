package dryrun

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
	"github.com/midovpc/midovpc/internal/globalview"
	"github.com/midovpc/midovpc/internal/midonet"
	"github.com/midovpc/midovpc/internal/midonet/index"
	"github.com/midovpc/midovpc/internal/topoview"
)

// LiveObjects lists every midovpc object in the cluster, in every namespace (claims on cloud
// ids and addresses are decided across namespaces), with its status.
func LiveObjects(ctx context.Context, c client.Reader) ([]client.Object, error) {
	lists := []client.ObjectList{&vpcv1.CoreNetworkList{}, &vpcv1.DhcpOptionSetList{}, &vpcv1.VpcList{},
		&vpcv1.InternetGatewayList{}, &vpcv1.SecurityGroupList{}, &vpcv1.NetworkAclList{}, &vpcv1.RouteTableList{},
		&vpcv1.SubnetList{}, &vpcv1.NetworkInterfaceList{}, &vpcv1.NatGatewayList{}, &vpcv1.ElasticIPList{}}
	var out []client.Object
	for _, l := range lists {
		if err := c.List(ctx, l); err != nil {
			return nil, fmt.Errorf("list %T: %w", l, err)
		}
		items, err := metaItems(l)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

// ContentsOf is what a snapshot holds, as the index mirrors it.
func ContentsOf(s *topoview.Snapshot) index.Contents {
	c := index.Contents{
		Routers: s.Routers, Bridges: s.Bridges, Chains: s.Chains, AddrGroups: s.AddrGroups,
		PortGroups: s.PortGroups, Ports: s.Ports, Hosts: s.Hosts, TunnelZones: s.TunnelZones,
		Routes: s.Routes, BgpPeers: s.BgpPeers, BgpNetworks: s.BgpNetworks,
		ARPEntries: s.ARPEntries, MACEntries: s.MACEntries, Rules: s.Rules, GroupAddrs: s.GroupAddrs,
		PortGroupPorts: s.PortGroupPorts, TunnelZoneHosts: s.TunnelZoneHosts,
		DHCPSubnets: map[string][]midonet.DHCPSubnet{}, DHCPHosts: map[string]map[string][]midonet.DHCPHost{},
	}
	for bridge, subnets := range s.DHCPSubnets {
		c.DHCPHosts[bridge] = map[string][]midonet.DHCPHost{}
		for _, d := range subnets {
			c.DHCPSubnets[bridge] = append(c.DHCPSubnets[bridge], d.Subnet)
			c.DHCPHosts[bridge][d.Subnet.CIDR()] = d.Hosts
		}
	}
	return c
}

// Pruned are the live objects a plan deletes (globalview.Applier.Plan's "delete" changes).
func Pruned(live []client.Object, changes []globalview.Change) ([]client.Object, error) {
	scheme, err := vpcv1.SchemeBuilder.Build()
	if err != nil {
		return nil, err
	}
	byRef := map[globalview.ObjectRef]client.Object{}
	for _, o := range live {
		gvks, _, err := scheme.ObjectKinds(o)
		if err != nil || len(gvks) == 0 {
			return nil, fmt.Errorf("kind of %T: %w", o, err)
		}
		byRef[globalview.ObjectRef{Kind: gvks[0].Kind, Namespace: o.GetNamespace(), Name: o.GetName()}] = o
	}
	var out []client.Object
	for _, c := range changes {
		if c.Action != "delete" {
			continue
		}
		o, ok := byRef[c.Object]
		if !ok {
			return nil, fmt.Errorf("%s: not in the cluster", c.Object)
		}
		out = append(out, o)
	}
	return out, nil
}
