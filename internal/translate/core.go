package translate

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"github.com/midovpc/midovpc/internal/topology"
)

// CoreNetworkInput is the cloud-wide input of the CoreNetwork kind (§1–§3).
type CoreNetworkInput struct {
	// Version is the Eucalyptus version as a dotted quad (e.g. 4.4.2.0), the one address of
	// euca_version.
	Version netip.Addr
	// Gateways are the external uplinks (§2.3).
	Gateways []Gateway
	// BGPASN is the local AS number (bgpAsn); BGP is configured when it is set and at least
	// one gateway has a PeerASN (§2.4).
	BGPASN int
	// MetadataHost is the MidoNet host (IP or name) holding the metadata veth eucamd_mido;
	// required unless Settings.DisableMetadata.
	MetadataHost string
	// Metadata254Egress and Metadata253Egress are MIDO_MD_254_EGRESS / MIDO_MD_253_EGRESS;
	// nil means the default (DefaultMetadata254Egress, DefaultMetadata253Egress).
	Metadata254Egress []EgressPort
	Metadata253Egress []EgressPort
}

// Gateway is one external uplink of eucart.
type Gateway struct {
	// Host identifies the MidoNet gateway host: its IP (the view's 4.4 gateway ip) or its
	// host name (the legacy gatewayHost).
	Host           string
	ExternalDevice string
	ExternalIP     netip.Addr
	ExternalCIDR   netip.Prefix
	// PeerIP is externalRouterIp (static next hop) or bgpPeerIp.
	PeerIP netip.Addr
	// PeerASN is bgpPeerAsn; 0 = static routing.
	PeerASN int
	// AdRoutes are bgpAdRoutes, advertised when BGP is configured.
	AdRoutes []netip.Prefix
}

// GatewayPortRole is the role of a gateway's eucart port: the pair the original matches
// gateways by (§2.3), host and external device.
func GatewayPortRole(g Gateway) string {
	return "gw:" + g.Host + "/" + g.ExternalDevice
}

// Port roles on the core devices.
const (
	// RoleCoreBridge is eucart's bridge-side port; RoleCoreRouter its eucabr peer.
	RoleCoreBridge = "eucabr"
	RoleCoreRouter = "eucart"
	// RoleMetadataBridge is eucamdrt's bridge-side port; RoleMetadataRouter its eucamdbr peer.
	RoleMetadataBridge = "eucamdbr"
	RoleMetadataRouter = "eucamdrt"
	// RoleMetadataExt is eucamdrt's external port, bound to eucamd_mido.
	RoleMetadataExt = "ext"
)

// coreBridgePort is eucart's port towards eucabr, next hop of the elastic-IP and NAT /32
// routes.
var coreBridgePort = topology.PortRef{Device: CoreRouterName, Role: RoleCoreBridge}

// metadataBridgePort is eucamdrt's port towards eucamdbr, next hop of the per-interface
// metadata routes.
var metadataBridgePort = topology.PortRef{Device: MetadataRouterName, Role: RoleMetadataBridge}

// CoreNetwork translates the core objects (§2.1), gateways (§2.3), BGP (§2.4) and, unless
// metadata is disabled, the metadata core (§3.1, §3.2).
func CoreNetwork(owner topology.Owner, in CoreNetworkInput, s Settings) (topology.Fragment, error) {
	f := topology.Fragment{Owner: owner}
	if err := validIPv4("version", in.Version); err != nil {
		return f, fmt.Errorf("core network: %w", err)
	}
	eucart := topology.Router{Name: CoreRouterName}
	routerSide := topology.PortRef{Device: CoreBridgeName, Role: RoleCoreRouter}
	f.Ports = append(f.Ports,
		topology.Port{Ref: coreBridgePort, Kind: topology.RouterPort, Address: CoreRouterAddress,
			Network: InternalRouterNetwork, Peer: &routerSide},
		topology.Port{Ref: routerSide, Kind: topology.BridgePort, Peer: &coreBridgePort})
	f.Routes = append(f.Routes, route(CoreRouterName, InternalRouterNetwork, coreBridgePort, netip.Addr{}, 0))
	f.Bridges = append(f.Bridges, topology.Bridge{Name: CoreBridgeName, InboundFilter: CoreBridgeFilterName})
	f.Chains = append(f.Chains, topology.Chain{Name: CoreBridgeFilterName, Rules: []topology.Rule{{
		Type: topology.RuleDrop, DLType: num(etherIPv4), NWDst: prefixOf(InternalRouterNetwork),
	}}})
	f.AddrGroups = append(f.AddrGroups,
		topology.AddrGroup{Name: VersionGroupName, Addresses: []netip.Addr{in.Version}},
		topology.AddrGroup{Name: MetadataGroupName, Addresses: []netip.Addr{MetadataHTTPAddress}})

	pg := topology.PortGroup{Name: GatewayPortGroupName, Stateful: true}
	seen := map[string]bool{}
	var errs []error
	for _, g := range in.Gateways {
		role := GatewayPortRole(g)
		if seen[role] {
			errs = append(errs, fmt.Errorf("gateway %s listed twice", role))
			continue
		}
		seen[role] = true
		if err := gateway(&f, g); err != nil {
			errs = append(errs, err)
			continue
		}
		pg.Members = append(pg.Members, topology.PortRef{Device: CoreRouterName, Role: role})
	}
	f.PortGroups = append(f.PortGroups, pg)
	if in.BGPASN != 0 {
		bgp(&f, in)
		if len(f.BGPPeers) > 0 {
			eucart.ASNumber = in.BGPASN
		}
	}
	f.Routers = append(f.Routers, eucart)
	if !s.DisableMetadata {
		if err := metadataCore(&f, in); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return topology.Fragment{Owner: owner}, fmt.Errorf("core network: %w", errors.Join(errs...))
	}
	return *f.Sort(), nil
}

// gateway adds one uplink: the eucart port on the external IP, bound to the external device on
// the gateway host, and its three routes (external CIDR, peer /32, default via the peer).
func gateway(f *topology.Fragment, g Gateway) error {
	name := GatewayPortRole(g)
	if g.Host == "" {
		return fmt.Errorf("gateway %s: no host", name)
	}
	if err := errors.Join(validIPv4("gateway "+name+" external IP", g.ExternalIP),
		validIPv4("gateway "+name+" peer", g.PeerIP)); err != nil {
		return err
	}
	if g.ExternalDevice == "" {
		return fmt.Errorf("gateway %s: no external device", name)
	}
	if !g.ExternalCIDR.IsValid() || !g.ExternalCIDR.Contains(g.ExternalIP) {
		return fmt.Errorf("gateway %s: external IP %s not in external CIDR %s", name, g.ExternalIP, g.ExternalCIDR)
	}
	port := topology.PortRef{Device: CoreRouterName, Role: name}
	f.Ports = append(f.Ports, topology.Port{Ref: port, Kind: topology.RouterPort, Address: g.ExternalIP,
		Network: g.ExternalCIDR.Masked(),
		Binding: &topology.Binding{Host: topology.HostRef{Name: g.Host}, Interface: g.ExternalDevice}})
	f.Routes = append(f.Routes,
		route(CoreRouterName, g.ExternalCIDR.Masked(), port, netip.Addr{}, 0),
		route(CoreRouterName, netip.PrefixFrom(g.PeerIP, 32), port, netip.Addr{}, 0),
		route(CoreRouterName, AnyNetwork, port, g.PeerIP, 0))
	return nil
}

// bgp adds one peer per gateway with a peer ASN and one network per distinct advertised route.
func bgp(f *topology.Fragment, in CoreNetworkInput) {
	var nets []netip.Prefix
	for _, g := range in.Gateways {
		if g.PeerASN == 0 || !g.PeerIP.Is4() {
			continue
		}
		f.BGPPeers = append(f.BGPPeers, topology.BGPPeer{Router: CoreRouterName, ASN: g.PeerASN, Address: g.PeerIP})
		for _, r := range g.AdRoutes {
			nets = append(nets, r.Masked())
		}
	}
	if len(f.BGPPeers) == 0 {
		return
	}
	slices.SortFunc(nets, netip.Prefix.Compare)
	for _, n := range slices.Compact(nets) {
		f.BGPNetworks = append(f.BGPNetworks, topology.BGPNetwork{Router: CoreRouterName, Prefix: n})
	}
}

// route builds a Normal route from 0.0.0.0/0.
func route(router string, dst netip.Prefix, port topology.PortRef, gw netip.Addr, weight int) topology.Route {
	return topology.Route{Router: router, Src: AnyNetwork, Dst: dst, NextHopPort: port, Gateway: gw,
		Weight: weight, Type: topology.RouteNormal}
}
