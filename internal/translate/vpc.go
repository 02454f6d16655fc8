package translate

import (
	"fmt"
	"net/netip"

	"github.com/midovpc/midovpc/internal/topology"
)

// Port roles on a VPC router.
const (
	RoleUplink         = "uplink"
	RoleMetadataUplink = "md-uplink"
)

// SubnetPortRole is the role of a subnet's port on the VPC router, and
// VPCPortRole/NATPortRole the roles of VPC and NAT-gateway uplinks on eucabr (and of the VPC's
// metadata uplink on eucamdbr).
func SubnetPortRole(subnet string) string { return "subnet:" + subnet }
func VPCPortRole(vpc string) string       { return "vpc:" + vpc }
func NATPortRole(nat string) string       { return "nat:" + nat }

// InterfacePortRole is the role of an interface's port on its subnet bridge.
func InterfacePortRole(ifname string) string { return "if:" + ifname }

// RoleBridgeRouter is the role of a subnet bridge's port towards the VPC router.
const RoleBridgeRouter = "router"

// VPCUplinkPort is the VPC router's uplink to eucabr (next hop of igw routes, §9).
func VPCUplinkPort(vpc VPCRef) topology.PortRef {
	return topology.PortRef{Device: vpc.routerName(), Role: RoleUplink}
}

// VPCSubnetPort is the VPC router's port on a subnet (next hop of nat and eni routes, §9).
func VPCSubnetPort(vpc VPCRef, subnet string) topology.PortRef {
	return topology.PortRef{Device: vpc.routerName(), Role: SubnetPortRole(subnet)}
}

// VPC translates a VPC (§4): its router vr_<vpc>_<rtid>, the uplink linked to eucabr with the
// vc_ chains as filters, the route to the internal network and, with metadata, the metadata
// uplink linked to eucamdbr with its two routes and the mdulin / mdulout chains. The preelip,
// postchain, mdulin and mdulout chains are Shared: elastic IPs and interfaces put their NAT
// rules there.
func VPC(owner topology.Owner, vpc VPCRef, s Settings) (topology.Fragment, error) {
	f := topology.Fragment{Owner: owner}
	if err := vpc.validate(); err != nil {
		return f, fmt.Errorf("translate vpc: %w", err)
	}
	router := vpc.routerName()
	uplink := VPCUplinkPort(vpc)
	down := topology.PortRef{Device: CoreBridgeName, Role: VPCPortRole(vpc.ID)}
	f.Routers = append(f.Routers, topology.Router{Name: router})
	f.Ports = append(f.Ports,
		topology.Port{Ref: down, Kind: topology.BridgePort, Peer: &uplink},
		topology.Port{Ref: uplink, Kind: topology.RouterPort, Address: mustOffset(InternalRouterNetwork.Addr(), vpc.RouterIndex),
			Network: InternalRouterNetwork, InboundFilter: VPCPreChainName(vpc.ID), OutboundFilter: VPCPostChainName(vpc.ID),
			Peer: &down})
	f.Routes = append(f.Routes, route(router, InternalRouterNetwork, uplink, netip.Addr{}, 0))
	f.Chains = append(f.Chains,
		topology.Chain{Name: VPCPreChainName(vpc.ID), Rules: []topology.Rule{jumpTo(VPCPreElipChainName(vpc.ID))}},
		topology.Chain{Name: VPCPreElipChainName(vpc.ID), Shared: true},
		topology.Chain{Name: VPCPostChainName(vpc.ID), Shared: true})

	if !s.DisableMetadata {
		md := topology.PortRef{Device: router, Role: RoleMetadataUplink}
		mdDown := topology.PortRef{Device: MetadataBridgeName, Role: VPCPortRole(vpc.ID)}
		f.Ports = append(f.Ports,
			topology.Port{Ref: mdDown, Kind: topology.BridgePort, Peer: &md},
			topology.Port{Ref: md, Kind: topology.RouterPort, Address: mustOffset(MetadataNetwork.Addr(), vpc.RouterIndex),
				Network: MetadataNetwork, InboundFilter: VPCMetadataInChainName(vpc.ID),
				OutboundFilter: VPCMetadataOutChainName(vpc.ID), Peer: &mdDown})
		f.Routes = append(f.Routes,
			route(router, netip.PrefixFrom(MetadataHTTPAddress, 32), md, MetadataRouterAddress, 0),
			route(router, netip.PrefixFrom(MetadataDNSAddress, 32), md, MetadataRouterAddress, 0))
		f.Chains = append(f.Chains,
			topology.Chain{Name: VPCMetadataInChainName(vpc.ID), Shared: true},
			topology.Chain{Name: VPCMetadataOutChainName(vpc.ID), Shared: true})
	}
	return *f.Sort(), nil
}
