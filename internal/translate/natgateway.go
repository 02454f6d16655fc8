package translate

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/midovpc/midovpc/internal/topology"
)

// NATGatewayInput is a NAT gateway with its VPC and subnet resolved and its rtid allocated.
type NATGatewayInput struct {
	ID          string
	VPC         VPCRef
	Subnet      SubnetRef
	RouterIndex int
	MAC         string
	PrivateIP   netip.Addr
	PublicIP    netip.Addr
}

// Port roles on a NAT-gateway router (its uplink uses RoleUplink).
const RoleNATSubnet = "subnet"

// NatGateway translates a NAT gateway (§11): router natr_<natg>_<subnet>_<rtid> with the natc_
// chains as filters, its uplink linked to eucabr, its subnet port (private IP, the gateway's
// MAC) linked to a port of the subnet bridge, its three routes, the eucart /32 route for the
// public IP and elip_pre_<natg> = {public IP}.
func NatGateway(owner topology.Owner, in NATGatewayInput, _ Settings) (topology.Fragment, error) {
	f := topology.Fragment{Owner: owner}
	fail := func(err error) (topology.Fragment, error) {
		return f, fmt.Errorf("translate NAT gateway %s: %w", in.ID, err)
	}
	if !IsID("nat", in.ID) {
		return fail(fmt.Errorf("id is not nat-<17 hex>"))
	}
	if err := errors.Join(in.VPC.validate(), in.Subnet.validate(in.VPC), ValidateRouterIndex(in.RouterIndex),
		validIPv4("public IP", in.PublicIP)); err != nil {
		return fail(err)
	}
	mac, err := normMAC(in.MAC)
	if err != nil {
		return fail(err)
	}
	if !in.Subnet.CIDR.Contains(in.PrivateIP) {
		return fail(fmt.Errorf("private IP %s is not in subnet %s", in.PrivateIP, in.Subnet.CIDR))
	}
	router := NATRouterName(in.ID, in.Subnet.ID, in.RouterIndex)
	uplinkAddr := mustOffset(InternalRouterNetwork.Addr(), in.RouterIndex)
	uplink := topology.PortRef{Device: router, Role: RoleUplink}
	down := topology.PortRef{Device: CoreBridgeName, Role: NATPortRole(in.ID)}
	subPort := topology.PortRef{Device: router, Role: RoleNATSubnet}
	brPort := topology.PortRef{Device: SubnetBridgeName(in.VPC.ID, in.Subnet.ID), Role: NATPortRole(in.ID)}

	f.Routers = append(f.Routers, topology.Router{Name: router,
		InboundFilter: NATInChainName(in.ID), OutboundFilter: NATOutChainName(in.ID)})
	f.Ports = append(f.Ports,
		topology.Port{Ref: down, Kind: topology.BridgePort, Peer: &uplink},
		topology.Port{Ref: uplink, Kind: topology.RouterPort, Address: uplinkAddr, Network: InternalRouterNetwork, Peer: &down},
		topology.Port{Ref: subPort, Kind: topology.RouterPort, Address: in.PrivateIP, Network: in.Subnet.CIDR, MAC: mac, Peer: &brPort},
		topology.Port{Ref: brPort, Kind: topology.BridgePort, Peer: &subPort})
	f.Routes = append(f.Routes,
		route(CoreRouterName, netip.PrefixFrom(in.PublicIP, 32), coreBridgePort, uplinkAddr, 100),
		route(router, AnyNetwork, uplink, CoreRouterAddress, 0),
		route(router, InternalRouterNetwork, uplink, netip.Addr{}, 0),
		route(router, in.VPC.CIDR, subPort, SubnetAddress(in.Subnet.CIDR, 1), 0))
	f.Chains = append(f.Chains,
		topology.Chain{Name: NATInChainName(in.ID), Rules: []topology.Rule{{
			Type: topology.RuleRevSNAT, NWDst: host32(in.PublicIP), FlowAction: topology.FlowAccept,
		}}},
		topology.Chain{Name: NATOutChainName(in.ID), Rules: []topology.Rule{{
			Type: topology.RuleSNAT, NWSrc: prefixOf(in.VPC.CIDR), FlowAction: topology.FlowAccept,
			NATTargets: []topology.NATTarget{{AddressFrom: in.PublicIP, AddressTo: in.PublicIP, PortFrom: 1024, PortTo: 65535}},
			OutPorts:   []topology.PortRef{uplink},
		}}})
	f.AddrGroups = append(f.AddrGroups, topology.AddrGroup{Name: ElipPreGroupName(in.ID), Addresses: []netip.Addr{in.PublicIP}})
	return *f.Sort(), nil
}
