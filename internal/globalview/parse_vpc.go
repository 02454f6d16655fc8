package globalview

import (
	"strconv"
	"strings"
)

// vpc maps one vpc element with its subnets, ACLs, route tables and NAT gateways.
func (p *parser) vpc(el *element, index int) VPC {
	v := VPC{
		ID:               el.attr("name"),
		OwnerID:          el.leaf("ownerId"),
		CIDR:             el.leaf("cidr"),
		DHCPOptionSet:    el.leaf("dhcpOptionSet"),
		InternetGateways: el.child("internetGateways").values(),
	}
	path := objectPath("vpcs", "vpc", v.ID, index)
	for _, s := range el.child("subnets").each("subnet") {
		v.Subnets = append(v.Subnets, Subnet{
			ID:         s.attr("name"),
			OwnerID:    s.leaf("ownerId"),
			CIDR:       s.leaf("cidr"),
			Cluster:    s.leaf("cluster"),
			NetworkACL: s.leaf("networkAcl"),
			RouteTable: s.leaf("routeTable"),
		})
	}
	for i, a := range el.child("networkAcls").each("networkAcl") {
		v.NetworkACLs = append(v.NetworkACLs, p.networkACL(a, path, i))
	}
	for _, r := range el.child("routeTables").each("routeTable") {
		v.RouteTables = append(v.RouteTables, p.routeTable(r))
	}
	for _, n := range el.child("natGateways").each("natGateway") {
		v.NatGateways = append(v.NatGateways, NatGateway{
			ID:        n.attr("name"),
			OwnerID:   n.leaf("ownerId"),
			MAC:       n.leaf("macAddress"),
			PublicIP:  n.leaf("publicIp"),
			PrivateIP: n.leaf("privateIp"),
			VPC:       n.leaf("vpc"),
			Subnet:    n.leaf("subnet"),
		})
	}
	return v
}

func (p *parser) networkACL(el *element, vpcPath string, index int) NetworkACL {
	a := NetworkACL{ID: el.attr("name"), OwnerID: el.leaf("ownerId")}
	path := objectPath(vpcPath+"/networkAcls", "networkAcl", a.ID, index)
	a.IngressEntries = p.aclEntries(el.child("ingressEntries"), path+"/ingressEntries", a.ID)
	a.EgressEntries = p.aclEntries(el.child("egressEntries"), path+"/egressEntries", a.ID)
	return a
}

func (p *parser) aclEntries(el *element, path, aclID string) []ACLEntry {
	var out []ACLEntry
	for i, e := range el.each("entry") {
		num := e.attr("number")
		epath := objectPath(path, "entry", num, i)
		out = append(out, ACLEntry{
			Number:        p.intOrZero(field(epath, "@number"), aclID, num),
			Protocol:      p.intOrZero(field(epath, "protocol"), aclID, e.leaf("protocol")),
			Action:        e.leaf("action"),
			CIDR:          e.leaf("cidr"),
			ICMPType:      p.optInt(field(epath, "icmpType"), aclID, e.leaf("icmpType")),
			ICMPCode:      p.optInt(field(epath, "icmpCode"), aclID, e.leaf("icmpCode")),
			PortRangeFrom: p.optInt(field(epath, "portRangeFrom"), aclID, e.leaf("portRangeFrom")),
			PortRangeTo:   p.optInt(field(epath, "portRangeTo"), aclID, e.leaf("portRangeTo")),
		})
	}
	return out
}

func (p *parser) routeTable(el *element) RouteTable {
	t := RouteTable{ID: el.attr("name"), OwnerID: el.leaf("ownerId")}
	for _, r := range el.child("routes").each("route") {
		route := Route{
			DestinationCIDR:    r.leaf("destinationCidr"),
			GatewayID:          r.leaf("gatewayId"),
			NetworkInterfaceID: r.leaf("networkInterfaceId"),
			NatGatewayID:       r.leaf("natGatewayId"),
		}
		if routeSwapped(route) {
			route.DestinationCIDR, route.GatewayID = route.GatewayID, route.DestinationCIDR
			p.swappedRoutes++
		}
		t.Routes = append(t.Routes, route)
	}
	return t
}

// routeSwapped recognises a route of the 4.1/4.2 writer, which built NIRoute
// positionally and so wrote the destination into gatewayId and the gateway
// ("local" or an igw- id) into destinationCidr.
func routeSwapped(r Route) bool {
	return looksLikeAddress(r.GatewayID) &&
		(r.DestinationCIDR == "local" || strings.HasPrefix(r.DestinationCIDR, "igw-"))
}

// looksLikeAddress is true for text shaped like a dotted address or CIDR, valid
// or not (validation judges it after the swap).
func looksLikeAddress(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9' && strings.Contains(s, ".")
}

// dhcpOptionSet maps one dhcpOptionSet element; each property is one option.
func dhcpOptionSet(el *element) DHCPOptionSet {
	d := DHCPOptionSet{ID: el.attr("name"), OwnerID: el.leaf("ownerId")}
	names, props := el.properties()
	for _, name := range names {
		if d.Options == nil {
			d.Options = make(map[string][]string)
		}
		d.Options[name] = props[name].values()
	}
	return d
}

// securityGroup maps one securityGroup element; the legacy rules list (4.0–4.3)
// is ignored, as by the 4.4 reader.
func (p *parser) securityGroup(el *element, index int) SecurityGroup {
	g := SecurityGroup{ID: el.attr("name"), OwnerID: el.leaf("ownerId")}
	path := objectPath("securityGroups", "securityGroup", g.ID, index)
	g.IngressRules = p.sgRules(el.child("ingressRules"), path+"/ingressRules", g.ID)
	g.EgressRules = p.sgRules(el.child("egressRules"), path+"/egressRules", g.ID)
	return g
}

func (p *parser) sgRules(el *element, path, groupID string) []SecurityGroupRule {
	var out []SecurityGroupRule
	for i, r := range el.each("rule") {
		rpath := path + "/rule[#" + strconv.Itoa(i+1) + "]"
		out = append(out, SecurityGroupRule{
			Protocol:     p.intOrZero(field(rpath, "protocol"), groupID, r.leaf("protocol")),
			FromPort:     p.optInt(field(rpath, "fromPort"), groupID, r.leaf("fromPort")),
			ToPort:       p.optInt(field(rpath, "toPort"), groupID, r.leaf("toPort")),
			ICMPType:     p.optInt(field(rpath, "icmpType"), groupID, r.leaf("icmpType")),
			ICMPCode:     p.optInt(field(rpath, "icmpCode"), groupID, r.leaf("icmpCode")),
			GroupID:      r.leaf("groupId"),
			GroupOwnerID: r.leaf("groupOwnerId"),
			CIDR:         r.leaf("cidr"),
		})
	}
	return out
}
