package translate

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/midovpc/midovpc/internal/topology"
)

// ElasticIPInput is an elastic IP and, when associated, its interface.
type ElasticIPInput struct {
	PublicIP netip.Addr
	// VPC, Interface (the <if> name, see InterfaceName) and PrivateIP describe the
	// association; Interface "" = not associated (the fragment is then empty).
	VPC       VPCRef
	Interface string
	PrivateIP netip.Addr
	// SecurityGroups are the interface's groups: the public IP is a member of each (§8).
	SecurityGroups []string
}

// ElasticIP translates an association (§8): the DNAT rule in vc_<vpc>_preelip (matching the
// public IP with nwDst, decision (h)), the SNAT rule in vc_<vpc>_postchain (source in
// elip_post_<if>, destination outside the VPC CIDR), the eucart route P/32 via the VPC uplink
// (w 100), and P in elip_pre_<if>. The ElasticIP owns all of these, so an association change
// touches only this fragment. The private IP in elip_post_<if> belongs to the interface.
func ElasticIP(owner topology.Owner, in ElasticIPInput, _ Settings) (topology.Fragment, error) {
	f := topology.Fragment{Owner: owner}
	if err := validIPv4("public IP", in.PublicIP); err != nil {
		return f, fmt.Errorf("translate elastic IP: %w", err)
	}
	if in.Interface == "" {
		return f, nil
	}
	if err := errors.Join(in.VPC.validate(), validIPv4("private IP", in.PrivateIP)); err != nil {
		return f, fmt.Errorf("translate elastic IP %s: %w", in.PublicIP, err)
	}
	if !IsInterfaceID(in.Interface) {
		return f, fmt.Errorf("translate elastic IP %s: interface %q is not i-/eni-<8|17 hex>", in.PublicIP, in.Interface)
	}
	f.ChainRules = append(f.ChainRules,
		topology.ChainRules{Chain: VPCPreElipChainName(in.VPC.ID), Placement: topology.First, Rules: []topology.Rule{{
			Type: topology.RuleDNAT, FlowAction: topology.FlowContinue, NWDst: host32(in.PublicIP),
			NATTargets: staticNAT(in.PrivateIP),
		}}},
		topology.ChainRules{Chain: VPCPostChainName(in.VPC.ID), Placement: topology.First, Rules: []topology.Rule{{
			Type: topology.RuleSNAT, FlowAction: topology.FlowContinue, IPAddrGroupSrc: ElipPostGroupName(in.Interface),
			NWDst: prefixOf(in.VPC.CIDR), InvNWDst: true, NATTargets: staticNAT(in.PublicIP),
		}}})
	f.Routes = append(f.Routes, route(CoreRouterName, netip.PrefixFrom(in.PublicIP, 32), coreBridgePort,
		mustOffset(InternalRouterNetwork.Addr(), in.VPC.RouterIndex), 100))
	f.GroupAddrs = append(f.GroupAddrs, topology.GroupAddrs{Group: ElipPreGroupName(in.Interface),
		Addresses: []netip.Addr{in.PublicIP}})
	for _, sg := range in.SecurityGroups {
		if !IsID("sg", sg) {
			return f, fmt.Errorf("translate elastic IP %s: security group id %q is not sg-<8|17 hex>", in.PublicIP, sg)
		}
		f.GroupAddrs = append(f.GroupAddrs,
			topology.GroupAddrs{Group: SGPubGroupName(sg), Addresses: []netip.Addr{in.PublicIP}},
			topology.GroupAddrs{Group: SGAllGroupName(sg), Addresses: []netip.Addr{in.PublicIP}})
	}
	return *f.Sort(), nil
}
