package globalview

import (
	"strconv"
	"strings"

	vpcv1 "github.com/midovpc/midovpc/api/v1alpha1"
)

// defaultDenyRuleNumber is the number of the implicit last entry of every network ACL.
const defaultDenyRuleNumber = 32767

// vpcs projects every VPC with the subnets, route tables, network ACLs and NAT gateways
// it contains.
func (p *projector) vpcs() error {
	for i, v := range p.view.VPCs {
		path := objectPath("vpcs", "vpc", v.ID, i)
		p.out.Vpcs = append(p.out.Vpcs, &vpcv1.Vpc{
			TypeMeta:   typeMeta("Vpc"),
			ObjectMeta: p.nsMeta(v.ID, v.OwnerID),
			Spec: vpcv1.VpcSpec{
				CIDR:          vpcv1.CIDR(v.CIDR),
				DHCPOptionSet: v.DHCPOptionSet,
				OwnerAccount:  v.OwnerID,
			},
		})
		for _, s := range v.Subnets {
			p.out.Subnets = append(p.out.Subnets, &vpcv1.Subnet{
				TypeMeta:   typeMeta("Subnet"),
				ObjectMeta: p.nsMeta(s.ID, s.OwnerID),
				Spec: vpcv1.SubnetSpec{
					VPC:              v.ID,
					CIDR:             vpcv1.CIDR(s.CIDR),
					AvailabilityZone: s.Cluster,
					RouteTable:       s.RouteTable,
					NetworkACL:       s.NetworkACL,
					OwnerAccount:     s.OwnerID,
				},
			})
		}
		for _, t := range v.RouteTables {
			p.out.RouteTables = append(p.out.RouteTables, p.routeTable(v.ID, t))
		}
		for j, a := range v.NetworkACLs {
			acl, err := p.networkACL(v.ID, a, objectPath(path+"/networkAcls", "networkAcl", a.ID, j))
			if err != nil {
				return err
			}
			p.out.NetworkAcls = append(p.out.NetworkAcls, acl)
		}
		for j, n := range v.NatGateways {
			if n.MAC == "" {
				// The MAC is that of the NAT gateway's hidden interface, whose id the view
				// does not carry, so it cannot be derived.
				return projectionError(objectPath(path+"/natGateways", "natGateway", n.ID, j)+"/macAddress",
					n.ID, "NAT gateway has no MAC address")
			}
			ngw := &vpcv1.NatGateway{
				TypeMeta:   typeMeta("NatGateway"),
				ObjectMeta: p.nsMeta(n.ID, n.OwnerID),
				Spec: vpcv1.NatGatewaySpec{
					Subnet:       n.Subnet,
					MACAddress:   vpcv1.MAC(n.MAC),
					PrivateIP:    vpcv1.IPv4(n.PrivateIP),
					OwnerAccount: n.OwnerID,
				},
			}
			// The NAT gateway's public address is part of the gateway, not an ElasticIP.
			if n.PublicIP != "" {
				ngw.Spec.PublicIP = ptrTo(vpcv1.IPv4(n.PublicIP))
			}
			p.out.NatGateways = append(p.out.NatGateways, ngw)
		}
	}
	return nil
}

// routeTable maps each route's target by its kind; a valid view has exactly one.
func (p *projector) routeTable(vpc string, t RouteTable) *vpcv1.RouteTable {
	rt := &vpcv1.RouteTable{
		TypeMeta:   typeMeta("RouteTable"),
		ObjectMeta: p.nsMeta(t.ID, t.OwnerID),
		Spec:       vpcv1.RouteTableSpec{VPC: vpc, OwnerAccount: t.OwnerID},
	}
	for _, r := range t.Routes {
		route := vpcv1.Route{DestinationCIDR: vpcv1.CIDR(r.DestinationCIDR)}
		kind, id := r.Target()
		switch kind {
		case RouteTargetLocal:
			route.Local = ptrTo(true)
		case RouteTargetInternetGateway:
			route.InternetGateway = ptrTo(id)
		case RouteTargetNatGateway:
			route.NatGateway = ptrTo(id)
		case RouteTargetNetworkInterface:
			route.NetworkInterface = ptrTo(id)
		default:
			// Validate rejects routes without a supported target; nothing to project.
			continue
		}
		rt.Spec.Routes = append(rt.Spec.Routes, route)
	}
	return rt
}

// networkACL projects an ACL's numbered entries. The implicit default entries
// "32767 deny all 0.0.0.0/0" are dropped: midovpc ends every ACL chain with a final deny
// of its own, and the API keeps 32767 for it (rule numbers are 1..32766). Any other
// entry numbered 32767 cannot be expressed and rejects the view.
func (p *projector) networkACL(vpc string, a NetworkACL, path string) (*vpcv1.NetworkAcl, error) {
	acl := &vpcv1.NetworkAcl{
		TypeMeta:   typeMeta("NetworkAcl"),
		ObjectMeta: p.nsMeta(a.ID, a.OwnerID),
		Spec:       vpcv1.NetworkAclSpec{VPC: vpc, OwnerAccount: a.OwnerID},
	}
	var err error
	if acl.Spec.Ingress, err = aclEntries(a.IngressEntries, a.ID, path+"/ingressEntries"); err != nil {
		return nil, err
	}
	if acl.Spec.Egress, err = aclEntries(a.EgressEntries, a.ID, path+"/egressEntries"); err != nil {
		return nil, err
	}
	return acl, nil
}

func aclEntries(entries []ACLEntry, aclID, path string) ([]vpcv1.NetworkAclEntry, error) {
	var out []vpcv1.NetworkAclEntry
	for _, e := range entries {
		if e.Number == defaultDenyRuleNumber {
			if isDefaultDeny(e) {
				continue
			}
			return nil, projectionError(path+"/entry["+strconv.Itoa(e.Number)+"]", aclID,
				"only the default entry \"deny all 0.0.0.0/0\" may use rule number %d", defaultDenyRuleNumber)
		}
		action := vpcv1.NetworkAclDeny
		if e.Allows() {
			action = vpcv1.NetworkAclAllow
		}
		out = append(out, vpcv1.NetworkAclEntry{
			RuleNumber: int32(e.Number),
			Protocol:   protocolName(e.Protocol),
			Action:     action,
			CIDR:       vpcv1.CIDR(e.CIDR),
			Ports:      portRange(e.Protocol, e.PortRangeFrom, e.PortRangeTo),
			ICMP:       icmpMatch(e.Protocol, e.ICMPType, e.ICMPCode),
		})
	}
	return out, nil
}

func isDefaultDeny(e ACLEntry) bool {
	return !e.Allows() && e.Protocol == -1 && e.CIDR == "0.0.0.0/0"
}

// internetGateways projects the top-level IGWs, attached to the VPC that lists them.
func (p *projector) internetGateways() error {
	attached := map[string]string{}
	for _, v := range p.view.VPCs {
		for _, igw := range v.InternetGateways {
			attached[igw] = v.ID
		}
	}
	for _, g := range p.view.InternetGateways {
		p.out.InternetGateways = append(p.out.InternetGateways, &vpcv1.InternetGateway{
			TypeMeta:   typeMeta("InternetGateway"),
			ObjectMeta: p.nsMeta(g.ID, g.OwnerID),
			Spec:       vpcv1.InternetGatewaySpec{VPC: attached[g.ID], OwnerAccount: g.OwnerID},
		})
	}
	return nil
}

// dhcpOptionSets projects the options midovpc serves: domain name(s), DNS and NTP
// servers. Several domain names are served space-separated, as DHCP option 15 users
// expect.
func (p *projector) dhcpOptionSets() error {
	for _, d := range p.view.DHCPOptionSets {
		spec := vpcv1.DhcpOptionSetSpec{
			DomainName:   strings.Join(d.DomainName(), " "),
			OwnerAccount: d.OwnerID,
		}
		for _, s := range d.DomainNameServers() {
			spec.DomainNameServers = append(spec.DomainNameServers, vpcv1.IPv4(s))
		}
		for _, s := range d.NTPServers() {
			spec.NTPServers = append(spec.NTPServers, vpcv1.IPv4(s))
		}
		p.out.DhcpOptionSets = append(p.out.DhcpOptionSets, &vpcv1.DhcpOptionSet{
			TypeMeta:   typeMeta("DhcpOptionSet"),
			ObjectMeta: p.nsMeta(d.ID, d.OwnerID),
			Spec:       spec,
		})
	}
	return nil
}
