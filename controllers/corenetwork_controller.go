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

func coreNetworkKind(d *Deps) kind[*vpcv1.CoreNetwork] {
	return kind[*vpcv1.CoreNetwork]{
		name:   topology.KindCoreNetwork,
		newObj: func() *vpcv1.CoreNetwork { return &vpcv1.CoreNetwork{} },
		plan: func(ctx context.Context, cn *vpcv1.CoreNetwork) (*plan, error) {
			if cn.Name != vpcv1.CoreNetworkName {
				return nil, &InvalidSpec{fmt.Errorf("only the CoreNetwork named %q is used", vpcv1.CoreNetworkName)}
			}
			s, err := settingsOf(cn)
			if err != nil {
				return nil, err
			}
			in, err := coreNetworkInput(cn)
			if err != nil {
				return nil, &InvalidSpec{err}
			}
			frag, err := translate.CoreNetwork(ownerOf(topology.KindCoreNetwork, cn), in, s)
			if err != nil {
				return nil, &InvalidSpec{err}
			}
			return &plan{frag: frag, report: func(res *SyncResult) {
				cn.Status.CoreRouterID = res.IDs[topology.Router{Name: translate.CoreRouterName}.Key()]
				cn.Status.CoreBridgeID = res.IDs[topology.Bridge{Name: translate.CoreBridgeName}.Key()]
				cn.Status.MetadataRouterID = res.IDs[topology.Router{Name: translate.MetadataRouterName}.Key()]
				cn.Status.Gateways = int32(len(in.Gateways))
			}}, nil
		},
		// The core stays while VPCs and NAT gateways hang off eucabr.
		blockers: func(ctx context.Context, _ *vpcv1.CoreNetwork) ([]client.Object, error) {
			return objectsOf([]client.ObjectList{&vpcv1.VpcList{}, &vpcv1.NatGatewayList{}},
				func(l client.ObjectList) error { return d.Client.List(ctx, l) })
		},
	}
}

// coreNetworkInput maps the CoreNetwork spec onto the translation input.
func coreNetworkInput(cn *vpcv1.CoreNetwork) (translate.CoreNetworkInput, error) {
	in := translate.CoreNetworkInput{}
	version := string(cn.Spec.CloudVersion)
	if version == "" {
		version = "4.4.2.0"
	}
	v, err := parseIP(version)
	if err != nil {
		return in, fmt.Errorf("spec.cloudVersion: %w", err)
	}
	in.Version = v
	if cn.Spec.BGPASN != nil {
		in.BGPASN = int(*cn.Spec.BGPASN)
	}
	if cn.Spec.MetadataEnabled {
		if cn.Spec.EnabledCLCIP == "" {
			return in, fmt.Errorf("spec.enabledCLCIP: required when metadataEnabled (its host serves metadata)")
		}
		in.MetadataHost = string(cn.Spec.EnabledCLCIP)
	}
	for i, g := range cn.Spec.Gateways {
		gw, err := gatewayInput(g)
		if err != nil {
			return in, fmt.Errorf("spec.gateways[%d]: %w", i, err)
		}
		in.Gateways = append(in.Gateways, gw)
	}
	return in, nil
}

func gatewayInput(g vpcv1.Gateway) (translate.Gateway, error) {
	var gw translate.Gateway
	var err error
	switch {
	case g.HostIP != nil:
		if _, err := parseIP(string(*g.HostIP)); err != nil {
			return gw, fmt.Errorf("hostIP: %w", err)
		}
		gw.Host = string(*g.HostIP)
	case g.HostName != nil:
		gw.Host = *g.HostName
	default:
		return gw, fmt.Errorf("hostIP or hostName is required")
	}
	if gw.ExternalIP, err = parseIP(string(g.ExternalIP)); err != nil {
		return gw, fmt.Errorf("externalIP: %w", err)
	}
	if gw.ExternalCIDR, err = netip.ParsePrefix(string(g.ExternalCIDR)); err != nil {
		return gw, fmt.Errorf("externalCIDR: %w", err)
	}
	gw.ExternalDevice = g.ExternalDevice
	peer := g.ExternalRouterIP
	if g.BGPPeerIP != nil {
		peer = g.BGPPeerIP
	}
	if peer == nil {
		return gw, fmt.Errorf("externalRouterIP or bgpPeerIP is required")
	}
	if gw.PeerIP, err = parseIP(string(*peer)); err != nil {
		return gw, fmt.Errorf("peer: %w", err)
	}
	if g.BGPPeerASN != nil {
		gw.PeerASN = int(*g.BGPPeerASN)
	}
	for i, r := range g.AdvertisedRoutes {
		p, err := parseCIDR(string(r))
		if err != nil {
			return gw, fmt.Errorf("advertisedRoutes[%d]: %w", i, err)
		}
		gw.AdRoutes = append(gw.AdRoutes, p)
	}
	return gw, nil
}
