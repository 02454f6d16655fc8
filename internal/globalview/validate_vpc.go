package globalview

import (
	"net/netip"
	"strconv"

	"github.com/midovpc/midovpc/internal/translate"
)

// vpc checks one VPC and everything inside it.
func (c *validator) vpc(vpc *VPC, index int) {
	path := objectPath("vpcs", "vpc", vpc.ID, index)
	id := vpc.ID
	c.objectID(path, id, kindVPC)
	c.ownerID(field(path, "ownerId"), id, vpc.OwnerID, true)
	vpcCIDR, vpcOK := c.cidr(field(path, "cidr"), id, vpc.CIDR, true, true)
	if vpcOK {
		if special, why, ok := translate.SpecialNetwork(vpcCIDR); ok {
			c.add(field(path, "cidr"), id, "%s overlaps %s, %s", vpcCIDR, special, why)
		}
	}
	if vpc.DHCPOptionSet != "" {
		c.reference(field(path, "dhcpOptionSet"), id, vpc.DHCPOptionSet, kindDHCP, c.optionSets[vpc.DHCPOptionSet])
	}
	if len(vpc.InternetGateways) > 1 {
		c.add(field(path, "internetGateways"), id, "%d internet gateways attached; a VPC has at most one", len(vpc.InternetGateways))
	}
	for i, igw := range vpc.InternetGateways {
		c.reference(field(path, "internetGateways").nth(i), id, igw, kindIGW, c.igws[igw])
	}
	for i := range vpc.Subnets {
		c.subnet(vpc, &vpc.Subnets[i], path+"/subnets", i, vpcCIDR, vpcOK)
	}
	for i := range vpc.NetworkACLs {
		c.networkACL(&vpc.NetworkACLs[i], path+"/networkAcls", i)
	}
	for i := range vpc.RouteTables {
		c.routeTable(vpc, &vpc.RouteTables[i], path+"/routeTables", i)
	}
	for i := range vpc.NatGateways {
		c.natGateway(vpc, &vpc.NatGateways[i], path+"/natGateways", i)
	}
}

func (c *validator) subnet(vpc *VPC, s *Subnet, parent string, index int, vpcCIDR netip.Prefix, vpcOK bool) {
	path := objectPath(parent, "subnet", s.ID, index)
	id := s.ID
	c.objectID(path, id, kindSubnet)
	c.ownerID(field(path, "ownerId"), id, s.OwnerID, true)
	if p, ok := c.cidr(field(path, "cidr"), id, s.CIDR, true, true); ok && vpcOK {
		if p.Bits() < vpcCIDR.Bits() || !vpcCIDR.Contains(p.Addr()) {
			c.add(field(path, "cidr"), id, "%s is outside VPC CIDR %s", p, vpcCIDR)
		}
	}
	if s.Cluster != "" && !c.clusters[s.Cluster] {
		c.add(field(path, "cluster"), id, "refers to unknown cluster %s", s.Cluster)
	}
	if s.NetworkACL != "" {
		_, exists := c.aclVPC[s.NetworkACL]
		if c.reference(field(path, "networkAcl"), id, s.NetworkACL, kindACL, exists) {
			c.sameVPC(field(path, "networkAcl"), id, s.NetworkACL, kindACL, c.aclVPC[s.NetworkACL], vpc.ID)
		}
	}
	if s.RouteTable != "" {
		_, exists := c.rtbVPC[s.RouteTable]
		if c.reference(field(path, "routeTable"), id, s.RouteTable, kindRouteTable, exists) {
			c.sameVPC(field(path, "routeTable"), id, s.RouteTable, kindRouteTable, c.rtbVPC[s.RouteTable], vpc.ID)
		}
	}
}

func (c *validator) networkACL(a *NetworkACL, parent string, index int) {
	path := objectPath(parent, "networkAcl", a.ID, index)
	c.objectID(path, a.ID, kindACL)
	c.ownerID(field(path, "ownerId"), a.ID, a.OwnerID, true)
	c.aclEntries(a.IngressEntries, path+"/ingressEntries", a.ID)
	c.aclEntries(a.EgressEntries, path+"/egressEntries", a.ID)
}

func (c *validator) aclEntries(entries []ACLEntry, parent, id string) {
	numbers := make(map[int]bool)
	for i := range entries {
		e := &entries[i]
		num := ""
		if e.Number != 0 {
			num = strconv.Itoa(e.Number)
		}
		path := objectPath(parent, "entry", num, i)
		switch {
		case e.Number == 0:
			c.add(field(path, "@number"), id, "missing rule number (or 0)")
		case e.Number < 1 || e.Number > 32767:
			c.add(field(path, "@number"), id, "rule number %d is out of range 1..32767", e.Number)
		case numbers[e.Number]:
			c.add(field(path, "@number"), id, "duplicate rule number %d", e.Number)
		}
		numbers[e.Number] = true
		c.protocol(field(path, "protocol"), id, e.Protocol)
		switch e.Action {
		case "allow", "deny":
		case "":
			c.add(field(path, "action"), id, "missing action")
		default:
			c.add(field(path, "action"), id, "action %q is neither allow nor deny", e.Action)
		}
		c.cidr(field(path, "cidr"), id, e.CIDR, true, false)
		c.icmp(path, id, e.ICMPType, e.ICMPCode)
		c.portRange(path, id, "portRangeFrom", "portRangeTo", e.PortRangeFrom, e.PortRangeTo)
	}
}

func (c *validator) routeTable(vpc *VPC, t *RouteTable, parent string, index int) {
	path := objectPath(parent, "routeTable", t.ID, index)
	id := t.ID
	c.objectID(path, id, kindRouteTable)
	c.ownerID(field(path, "ownerId"), id, t.OwnerID, true)
	destinations := make(map[netip.Prefix]bool)
	for i := range t.Routes {
		r := &t.Routes[i]
		rpath := path + "/routes/route[#" + strconv.Itoa(i+1) + "]"
		if p, ok := c.cidr(field(rpath, "destinationCidr"), id, r.DestinationCIDR, true, true); ok {
			if destinations[p] {
				c.add(field(rpath, "destinationCidr"), id, "duplicate route to %s", p)
			}
			destinations[p] = true
		}
		c.routeTarget(vpc, r, rpath, id)
	}
}

// routeTarget checks that a route has exactly one target and that it resolves in
// the route's VPC: local, an attached IGW, an ENI or a NAT gateway.
func (c *validator) routeTarget(vpc *VPC, r *Route, path, id string) {
	targets := 0
	for _, t := range []string{r.GatewayID, r.NetworkInterfaceID, r.NatGatewayID} {
		if t != "" {
			targets++
		}
	}
	switch {
	case targets == 0:
		c.add(here(path), id, "missing target (gatewayId, networkInterfaceId or natGatewayId)")
		return
	case targets > 1:
		c.add(here(path), id, "more than one target (gatewayId, networkInterfaceId, natGatewayId)")
		return
	}
	switch kind, target := r.Target(); kind {
	case RouteTargetLocal:
	case RouteTargetInternetGateway:
		tpath := path + "/gatewayId"
		if c.reference(here(tpath), id, target, kindIGW, c.igws[target]) && c.igwVPC[target] != vpc.ID {
			c.add(here(tpath), id, "internet gateway %s is not attached to %s", target, vpc.ID)
		}
	case RouteTargetNetworkInterface:
		tpath := path + "/networkInterfaceId"
		eniVPC, exists := c.eniVPC[target]
		if c.reference(here(tpath), id, target, kindENI, exists) {
			c.sameVPC(here(tpath), id, target, kindENI, eniVPC, vpc.ID)
		}
	case RouteTargetNatGateway:
		tpath := path + "/natGatewayId"
		natVPC, exists := c.natVPC[target]
		if c.reference(here(tpath), id, target, kindNat, exists) {
			c.sameVPC(here(tpath), id, target, kindNat, natVPC, vpc.ID)
		}
	default:
		c.add(field(path, "gatewayId"), id, "unsupported target %q (want local or an internet gateway id)", target)
	}
}

func (c *validator) natGateway(vpc *VPC, n *NatGateway, parent string, index int) {
	path := objectPath(parent, "natGateway", n.ID, index)
	id := n.ID
	c.objectID(path, id, kindNat)
	c.ownerID(field(path, "ownerId"), id, n.OwnerID, true)
	c.mac(field(path, "macAddress"), id, n.MAC)
	if _, ok := c.ipv4(field(path, "publicIp"), id, n.PublicIP, false); ok {
		c.publicIP(field(path, "publicIp"), id, n.PublicIP)
	}
	switch {
	case n.VPC == "":
		c.add(field(path, "vpc"), id, "missing VPC id")
	case n.VPC != vpc.ID:
		c.add(field(path, "vpc"), id, "is %s, but the NAT gateway is listed under %s", n.VPC, vpc.ID)
	}
	subnet := c.subnetIn(field(path, "subnet"), id, n.Subnet, vpc.ID)
	ip, ok := c.ipv4(field(path, "privateIp"), id, n.PrivateIP, true)
	if ok {
		c.privateIP(field(path, "privateIp"), id, vpc.ID, n.PrivateIP)
		c.addressInSubnet(field(path, "privateIp"), id, ip, subnet)
	}
}

// subnetIn resolves a subnet reference that must lie in vpc; nil when it does not.
func (c *validator) subnetIn(where at, id, subnet, vpc string) *Subnet {
	_, exists := c.subnets[subnet]
	if !c.reference(where, id, subnet, kindSubnet, exists) {
		return nil
	}
	if c.subnetVPC[subnet] != vpc {
		c.sameVPC(where, id, subnet, kindSubnet, c.subnetVPC[subnet], vpc)
		return nil
	}
	return c.subnets[subnet]
}

// addressInSubnet checks that a private address lies in its subnet's CIDR.
func (c *validator) addressInSubnet(where at, id string, ip netip.Addr, s *Subnet) {
	if s == nil {
		return
	}
	p, ok := parseCIDR(s.CIDR)
	if !ok {
		return
	}
	if !p.Contains(ip) {
		c.add(where, id, "%s is outside subnet %s (%s)", ip, s.ID, p)
		return
	}
	if why := translate.ReservedAddress(p, ip); why != "" {
		c.add(where, id, "%s is %s in subnet %s (%s); the first four addresses and the last are reserved", ip, why, s.ID, p)
	}
}
