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

func networkInterfaceKind(d *Deps, mdids *ids) kind[*vpcv1.NetworkInterface] {
	return kind[*vpcv1.NetworkInterface]{
		name:   topology.KindNetworkInterface,
		newObj: func() *vpcv1.NetworkInterface { return &vpcv1.NetworkInterface{} },
		plan: func(ctx context.Context, eni *vpcv1.NetworkInterface) (*plan, error) {
			in, s, err := networkInterfaceInput(ctx, d, mdids, eni)
			if err != nil {
				return nil, err
			}
			frag, err := translate.NetworkInterface(ownerOf(topology.KindNetworkInterface, eni), in, s)
			if err != nil {
				return nil, &InvalidSpec{err}
			}
			ifname := in.Name()
			var missingHost string
			if _, ok := d.Engine.HostFor(in.Node); in.Node != "" && !ok {
				missingHost = in.Node
			}
			return &plan{frag: frag, missingHost: missingHost, report: func(res *SyncResult) {
				eni.Status.InterfaceName = ifname
				eni.Status.Node = in.Node
				eni.Status.HostID = ""
				if id, ok := d.Engine.HostFor(in.Node); ok && in.Node != "" {
					eni.Status.HostID = id
				}
				bridge := translate.SubnetBridgeName(in.VPC.ID, in.Subnet.ID)
				eni.Status.BridgePortID = res.IDs[topology.Port{Ref: topology.PortRef{Device: bridge, Role: translate.InterfacePortRole(ifname)}}.Key()]
			}}, nil
		},
		owner: func(ctx context.Context, eni *vpcv1.NetworkInterface) (client.Object, error) {
			sn := &vpcv1.Subnet{}
			return sn, d.Client.Get(ctx, types.NamespacedName{Namespace: eni.Namespace, Name: eni.Spec.Subnet}, sn)
		},
	}
}

// networkInterfaceInput resolves the interface's subnet and VPC (Ready), its security groups
// (Ready: their chains are jump targets), its node and its metadata id.
func networkInterfaceInput(ctx context.Context, d *Deps, mdids *ids, eni *vpcv1.NetworkInterface) (translate.NetworkInterfaceInput, translate.Settings, error) {
	var in translate.NetworkInterfaceInput
	cn, s, err := d.settings(ctx, false)
	if err != nil {
		return in, s, err
	}
	sn, sref, err := d.readySubnet(ctx, eni.Namespace, eni.Spec.Subnet)
	if err != nil {
		return in, s, err
	}
	vpc, vref, err := d.readyVpc(ctx, eni.Namespace, sn.Spec.VPC)
	if err != nil {
		return in, s, err
	}
	if in.DHCPOptions, err = d.dhcpOptions(ctx, vpc); err != nil {
		return in, s, err
	}
	for _, g := range eni.Spec.SecurityGroups {
		key := types.NamespacedName{Namespace: eni.Namespace, Name: g}
		if _, err := getSynced(ctx, d.Client, key, &vpcv1.SecurityGroup{}, "SecurityGroup"); err != nil {
			return in, s, err
		}
	}
	ip, err := parseIP(string(eni.Spec.PrivateIP))
	if err != nil {
		return in, s, &InvalidSpec{fmt.Errorf("NetworkInterface %s spec.privateIP: %w", eni.Name, err)}
	}
	if !sref.CIDR.Contains(ip) {
		return in, s, &InvalidSpec{fmt.Errorf("NetworkInterface %s spec.privateIP: %s is not in subnet %s (%s); use an address of that subnet",
			eni.Name, ip, sref.ID, sref.CIDR)}
	}
	if err := checkNotReserved("NetworkInterface "+eni.Name, sref, ip); err != nil {
		return in, s, err
	}
	in = translate.NetworkInterfaceInput{
		VPC: vref, Subnet: sref, ENIID: eni.Name, InstanceID: eni.Spec.InstanceID,
		DeviceIndex: int(eni.Spec.DeviceIndex), MAC: string(eni.Spec.MACAddress), PrivateIP: ip,
		SourceDestCheck: eni.Spec.SourceDestCheck, SecurityGroups: eni.Spec.SecurityGroups,
		Node: nodeOf(cn, eni), DHCPOptions: in.DHCPOptions,
	}
	if !s.DisableMetadata {
		if in.MetadataID, err = ensureMetadataID(ctx, d, mdids, eni, vref.ID, ip); err != nil {
			return in, s, err
		}
	}
	return in, s, nil
}

// nodeOf places the interface: its own node, else the node the CoreNetwork lists for its
// instance.
func nodeOf(cn *vpcv1.CoreNetwork, eni *vpcv1.NetworkInterface) string {
	if eni.Spec.Node != "" {
		return eni.Spec.Node
	}
	for _, n := range cn.Spec.Nodes {
		for _, i := range n.Instances {
			if i == eni.Spec.InstanceID && i != "" {
				if n.IP != nil {
					return string(*n.IP)
				}
				return n.Name
			}
		}
	}
	return ""
}

// ensureMetadataID gives the interface its metadata address once and sets it in status, which
// the reconcile writes before the address is used (claimBeforeWriting), so that it is stable
// across restarts. An id an older interface also
// records (handed out twice by an earlier release: a metadata leak) is replaced.
func ensureMetadataID(ctx context.Context, d *Deps, mdids *ids, eni *vpcv1.NetworkInterface, vpc string, privateIP netip.Addr) (int, error) {
	if ip, err := parseIP(eni.Status.MetadataIP); err == nil {
		if id, ok := translate.MetadataIDOf(ip); ok {
			dup, err := sharedID(ctx, d.Client, &vpcv1.NetworkInterfaceList{}, idxMetadataIP, eni.Status.MetadataIP, eni)
			if err != nil || !dup {
				return id, err
			}
			mdids.forget(ownerKey(eni))
			eni.Status.MetadataIP = ""
		}
	}
	return assignID(mdids, eni, d.nextMetadataID(ctx, mdids, eni, vpc, privateIP), func(id int) error {
		ip, err := translate.MetadataAddress(id)
		eni.Status.MetadataIP = ip.String()
		return err
	})
}
