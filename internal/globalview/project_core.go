package globalview

import (
	"net/netip"
	"slices"
	"strconv"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// coreNetwork projects the configuration element onto the CoreNetwork named default.
func (p *projector) coreNetwork() (*vpcv1.CoreNetwork, error) {
	cfg := p.view.Config
	cn := &vpcv1.CoreNetwork{
		TypeMeta:   typeMeta("CoreNetwork"),
		ObjectMeta: p.meta(vpcv1.CoreNetworkName, "", ""),
		Spec: vpcv1.CoreNetworkSpec{
			BGPASN:            cfg.Mido.BGPASN,
			InstanceDNSDomain: cfg.InstanceDNSDomain,
			EnabledCLCIP:      vpcv1.IPv4(cfg.EnabledCLCIP),
			Nodes:             p.nodes(),
			// The original always builds the metadata path in VPCMIDO.
			MetadataEnabled: true,
			// Elastic IPs and NAT gateways must lie inside these (checked by their controllers).
			PublicIPs: slices.Clone(cfg.PublicIPs),
		},
	}
	for _, s := range cfg.InstanceDNSServers {
		cn.Spec.InstanceDNSServers = append(cn.Spec.InstanceDNSServers, vpcv1.IPv4(s))
	}
	for i, g := range cfg.Mido.Gateways {
		gw, err := projectGateway(g, i)
		if err != nil {
			return nil, err
		}
		cn.Spec.Gateways = append(cn.Spec.Gateways, gw)
	}
	return cn, nil
}

// projectGateway maps one normalised gateway onto the API's Gateway. A gateway peers with
// BGP when it has a BGP peer (as the original's peer_ip prefers it), else it routes
// statically; the API holds exactly one of the two.
func projectGateway(g Gateway, index int) (vpcv1.Gateway, error) {
	path := gatewaysPath + "/gateway[#" + strconv.Itoa(index+1) + "]"
	for _, f := range []struct{ key, value string }{
		{"externalDevice", g.ExternalDevice}, {"externalCidr", g.ExternalCIDR}, {"externalIp", g.ExternalIP},
	} {
		if f.value == "" {
			return vpcv1.Gateway{}, projectionError(path, g.Host, "gateway has no %s", f.key)
		}
	}
	gw := vpcv1.Gateway{
		ExternalDevice: g.ExternalDevice,
		ExternalCIDR:   vpcv1.CIDR(g.ExternalCIDR),
		ExternalIP:     vpcv1.IPv4(g.ExternalIP),
	}
	// 4.4 gateways give the host's address (ip); legacy ones name it (gatewayHost).
	if _, err := netip.ParseAddr(g.Host); err == nil {
		gw.HostIP = ptrTo(vpcv1.IPv4(g.Host))
	} else {
		gw.HostName = ptrTo(g.Host)
	}
	switch {
	case g.BGPPeerIP != "":
		if g.BGPPeerASN == nil {
			return vpcv1.Gateway{}, projectionError(path, g.Host, "BGP peer %s has no bgpPeerAsn", g.BGPPeerIP)
		}
		gw.BGPPeerIP = ptrTo(vpcv1.IPv4(g.BGPPeerIP))
		gw.BGPPeerASN = ptrTo(*g.BGPPeerASN)
		for _, r := range g.BGPAdRoutes {
			gw.AdvertisedRoutes = append(gw.AdvertisedRoutes, vpcv1.CIDR(r))
		}
	case g.ExternalRouterIP != "":
		gw.ExternalRouterIP = ptrTo(vpcv1.IPv4(g.ExternalRouterIP))
	default:
		return vpcv1.Gateway{}, projectionError(path, g.Host, "gateway has neither externalRouterIp nor bgpPeerIp")
	}
	return gw, nil
}

// nodes lists every node of every cluster with its instances, sorted by name so that
// the CLC reordering its clusters does not count as a change. A node named in two
// clusters (a disabled and an enabled one, 4.4) is listed once with all its instances.
func (p *projector) nodes() []vpcv1.Node {
	byName := map[string]*vpcv1.Node{}
	var names []string
	for _, c := range p.view.Config.Clusters {
		for _, n := range c.Nodes {
			node, ok := byName[n.Name]
			if !ok {
				node = &vpcv1.Node{Name: n.Name}
				byName[n.Name] = node
				names = append(names, n.Name)
			}
			node.Instances = append(node.Instances, n.InstanceIDs...)
		}
	}
	slices.Sort(names)
	nodes := make([]vpcv1.Node, 0, len(names))
	for _, name := range names {
		n := byName[name]
		slices.Sort(n.Instances)
		n.Instances = slices.Compact(n.Instances)
		nodes = append(nodes, *n)
	}
	return nodes
}
